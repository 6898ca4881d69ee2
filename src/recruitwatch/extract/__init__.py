"""Extract stage: pure functions, document in, offers and figures with evidence out.

It never fetches and never touches the store. Languages without a vocabulary file yield no
records rather than English rules misreading them.
"""

from __future__ import annotations

from dataclasses import replace

from recruitwatch.extract.context import analyse
from recruitwatch.extract.figures import read_figures
from recruitwatch.extract.offers import read_offers
from recruitwatch.extract.sentences import Span, split_sentences
from recruitwatch.extract.targets import describe_targets
from recruitwatch.extract.vocabulary import vocabulary
from recruitwatch.lang import SCRIPTS, available_languages, script_pattern
from recruitwatch.language import detect_language
from recruitwatch.model import Document, Extraction, Figure, Offer

MIN_LETTERS = 20  # a sentence this short (a ticker, a name) keeps the document's language


def extract_document(document: Document) -> Extraction:
    """Every offer and figure in the document, each with its evidence span. Sentences in
    another script than the document's language are read with their own language's grammar."""
    if document.language not in available_languages() or not document.text.strip():
        return Extraction(document=document)
    text = document.text
    vocab = vocabulary(document.language)
    spans = split_sentences(text, vocab.abbreviations)
    other_scripts = [script_pattern(s) for s in SCRIPTS if s not in vocab.scripts]
    if not any(other.search(text) for other in other_scripts):  # no sentence to re-read
        by_language = {document.language: spans}
    else:
        by_language = {}
        for span in spans:
            language = _sentence_language(text, span, document.language)
            by_language.setdefault(language, []).append(span)
    offers: list[Offer] = []
    figures: list[Figure] = []
    for language, spans in by_language.items():
        context = analyse(text, vocabulary(language), spans)
        offers += describe_targets(context, read_offers(context, document.id))
        figures += read_figures(context, document.id)
    # A record refers to its document's date until the normalise stage reads dates in the text.
    dated = document.published
    return Extraction(
        document=document,
        offers=sorted((replace(o, date=dated) for o in offers), key=_position),
        figures=sorted((replace(f, date=dated) for f in figures), key=_position),
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


__all__ = ["extract_document"]
