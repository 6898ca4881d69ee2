"""Extract stage: pure functions, document in, offers and figures with evidence out.

It never fetches and never touches the store. Languages without a vocabulary file yield no
records rather than English rules misreading them. Each document has a time budget: the work
is linear in the text, and the budget turns an input that is slow anyway (a 10 MB run of
amounts) into that document's failure instead of a stalled batch.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterable, Iterator
from dataclasses import replace

from recruitwatch.errors import BudgetError
from recruitwatch.extract.context import DocumentContext, analyse
from recruitwatch.extract.scorer import default_scorer, read_records
from recruitwatch.extract.sentences import Span, split_sentences
from recruitwatch.extract.targets import describe_targets
from recruitwatch.extract.vocabulary import vocabulary
from recruitwatch.lang import SCRIPTS, available_languages, script_pattern
from recruitwatch.language import detect_language
from recruitwatch.model import Document, Extraction, Figure, Offer
from recruitwatch.settings import DEFAULT_EXTRACT_SECONDS, scorer_enabled

logger = logging.getLogger(__name__)

MIN_LETTERS = 20  # a sentence this short (a ticker, a name) keeps the document's language
# Beyond these no text means a real sum or head count: the largest state budgets are in the
# tens of trillions (of roubles), the world has eight billion people. A run of 400 digits
# would otherwise be stored as infinity and break every page and export that shows it.
MAX_AMOUNT = 1e15
MAX_QUANTITY = 1e10


def extract_document(
    document: Document,
    *,
    budget_seconds: float | None = DEFAULT_EXTRACT_SECONDS,
    scorer: bool | None = None,
) -> Extraction:
    """Every offer and figure in the document, each with its evidence span. Sentences in
    another script than the document's language are read with their own language's grammar.
    `scorer` turns the learned scorer on or off; by default RECRUITWATCH_SCORER decides (off).

    BudgetError when the work takes longer than `budget_seconds` (None: no limit); the
    budget is checked between sentences, so it is overrun by at most one sentence's work."""
    by_language = _spans_by_language(document)
    if not by_language:
        return Extraction(document=document)
    learned = default_scorer() if (scorer_enabled() if scorer is None else scorer) else None
    offers: list[Offer] = []
    figures: list[Figure] = []
    vocabularies = {language: vocabulary(language) for language in by_language}
    # The clock starts once the vocabularies (and the language detector) are loaded: loading
    # is paid once per process, not by the first document.
    deadline = None if budget_seconds is None else time.monotonic() + budget_seconds
    for language, spans in by_language.items():
        spans_on_time = _on_time(spans, deadline, document)
        context = analyse(document.text, vocabularies[language], spans_on_time)
        found_offers, found_figures = read_records(context, document.id, learned)
        offers += describe_targets(context, found_offers)
        figures += found_figures
        _check_time(deadline, document)
    offers = [offer for offer in offers if _plausible_offer(offer)]
    figures = [figure for figure in figures if _plausible_figure(figure)]
    # A record refers to its document's date until the normalise stage reads dates in the text.
    dated = document.published
    return Extraction(
        document=document,
        offers=sorted((replace(o, date=dated) for o in offers), key=_position),
        figures=sorted((replace(f, date=dated) for f in figures), key=_position),
    )


def document_contexts(document: Document) -> list[DocumentContext]:
    """One analysis per language the document's sentences are written in (no time budget)."""
    return [
        analyse(document.text, vocabulary(language), spans)
        for language, spans in _spans_by_language(document).items()
    ]


def _spans_by_language(document: Document) -> dict[str, list[Span]]:
    if document.language not in available_languages() or not document.text.strip():
        return {}
    text = document.text
    vocab = vocabulary(document.language)
    spans = split_sentences(text, vocab.abbreviations)
    other_scripts = [script_pattern(s) for s in SCRIPTS if s not in vocab.scripts]
    if not any(other.search(text) for other in other_scripts):  # no sentence to re-read
        return {document.language: spans}
    by_language: dict[str, list[Span]] = {}
    for span in spans:
        language = _sentence_language(text, span, document.language)
        by_language.setdefault(language, []).append(span)
    return by_language


def _on_time(spans: Iterable[Span], deadline: float | None, document: Document) -> Iterator[Span]:
    for span in spans:
        _check_time(deadline, document)
        yield span


def _check_time(deadline: float | None, document: Document) -> None:
    if deadline is not None and time.monotonic() > deadline:
        raise BudgetError(
            "extraction ran past its time budget (RECRUITWATCH_EXTRACT_SECONDS);"
            " the text is too long or too repetitive to read in time",
            source=document.source or document.id,
        )


def _plausible(value: float | None, ceiling: float) -> bool:
    return value is None or (math.isfinite(value) and abs(value) <= ceiling)


def _plausible_offer(offer: Offer) -> bool:
    values = (offer.amount, offer.amount_max, offer.usd_stated)
    if all(_plausible(value, MAX_AMOUNT) for value in values):
        return True
    _refuse(offer.evidence.doc_id, offer.amount, offer.evidence.value_start)
    return False


def _plausible_figure(figure: Figure) -> bool:
    if _plausible(figure.quantity, MAX_QUANTITY) and _plausible(figure.quantity_max, MAX_QUANTITY):
        return True
    _refuse(figure.evidence.doc_id, figure.quantity, figure.evidence.value_start)
    return False


def _refuse(doc_id: str, value: float, at: int) -> None:
    logger.warning(
        "%s: refused the number %.3g at character %d: beyond any plausible sum or count",
        doc_id,
        value,
        at,
    )


def _position(record: Offer | Figure) -> tuple[int, int]:
    return record.evidence.start, record.evidence.value_start


def _sentence_language(text: str, span: Span, document_language: str) -> str:
    """The document's language, unless the sentence is written in a script the language is not
    written in; then the language detector decides, if recruitwatch has a grammar for what it
    finds."""
    sentence = text[span.start : span.end]
    counts = {script: len(script_pattern(script).findall(sentence)) for script in SCRIPTS}
    script = max(counts, key=lambda name: counts[name])
    if sum(counts.values()) < MIN_LETTERS or script in vocabulary(document_language).scripts:
        return document_language
    detected = detect_language(sentence, default=document_language)
    return detected if detected in available_languages() else document_language


__all__ = ["document_contexts", "extract_document"]
