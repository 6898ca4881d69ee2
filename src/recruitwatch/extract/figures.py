"""Figures: manpower counts and percentages, with what is counted and who says so."""

from __future__ import annotations

import re

from recruitwatch.extract.context import DocumentContext, Sentence, evidence
from recruitwatch.extract.money import Quantity
from recruitwatch.lang import PhraseMatch
from recruitwatch.model import Figure, FigureUnit

EXCLUSION_BEFORE = 25  # "had arrested 17 people", "a community of about 800 people"
EXCLUSION_AFTER = 30  # "2,000 people were arrested at protests"
PERCENT_WINDOW = 40
NOUN_GAP_WORDS = 2  # "38,244 Russian convicts", "a dozen other Cubans"
WORD = re.compile(r"[^\W\d_][\w'’-]*")
GAP = re.compile(r"[\s\"“”«»]+")
OF_THE = re.compile(r"\s+of\s+(?:the|its|their|these|those)\s+", re.IGNORECASE)
CLAUSE_END = re.compile(r"[,;:!?()]|\.(?!\d)")  # "19.5 million" goes on
NAME_WORD = re.compile(r"[A-ZА-ЯЁ][\w.'’-]*|[A-Z]{2,}")
NAME_CONNECTORS = frozenset({"of", "for", "and", "de", "the", "&"})
LEADING_NOISE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)


def _is_year(text: str, quantity: Quantity) -> bool:
    raw = text[quantity.start : quantity.end]
    return (
        quantity.magnitude is None
        and raw.isdigit()
        and len(raw) == 4
        and 1900 <= quantity.value <= 2100
    )


def _noun_after(
    context: DocumentContext, sentence: Sentence, quantity: Quantity
) -> tuple[str, int, int] | None:
    """The people-noun a number counts, if one follows within a couple of modifier words."""
    text, vocab, end = context.text, context.vocab, sentence.span.end
    cursor = quantity.end
    of_the = OF_THE.match(text, cursor, end)  # "Eleven of the men"
    if of_the:
        cursor = of_the.end()
    for step in range(NOUN_GAP_WORDS + 1):
        gap = GAP.match(text, cursor, end)
        if gap is None and step:
            return None
        cursor = gap.end() if gap else cursor
        noun = vocab.figure_nouns.matches_at(text, cursor, end)
        if noun is not None:
            return noun.label, quantity.end, noun.end
        word = WORD.match(text, cursor, end)
        if word is None or word.group().lower() in vocab.function_words:
            return None
        cursor = word.end()
    return None


def _population(context: DocumentContext, sentence: Sentence, quantity: Quantity) -> bool:
    window_start = max(sentence.span.start, quantity.start - 40)
    for cue in context.vocab.population_cues.finditer(context.text, window_start, quantity.start):
        if context.text[cue.end : quantity.start].strip(" ") in {
            "",
            "about",
            "nearly",
            "some",
            "over",
        }:
            return True
    return False


def _excluded(
    context: DocumentContext, sentence: Sentence, quantity: Quantity, noun_end: int
) -> bool:
    start = max(sentence.span.start, quantity.start - EXCLUSION_BEFORE)
    end = min(sentence.span.end, noun_end + EXCLUSION_AFTER)
    return context.vocab.figure_exclusions.search(context.text, start, end) is not None


def _clause_after(text: str, start: int, end: int) -> str:
    stop = CLAUSE_END.search(text, start, end)
    return text[start : stop.start() if stop else end].strip()


def _clause_before(text: str, start: int, floor: int) -> str:
    piece = text[floor:start]
    cut = max(piece.rfind(mark) for mark in ",;:()")
    return piece[cut + 1 :].strip()


def _attribution(context: DocumentContext, sentence: Sentence) -> str | None:
    """ "according to a survey by X", "X believes", "the US recently estimated"."""
    text, vocab = context.text, context.vocab
    start, end = sentence.span.start, sentence.span.end
    opener = vocab.attribution_openers.search(text, start, end)
    if opener is not None:
        name = _name_after(text, opener.end, end)
        if name:
            return name
    for verb in vocab.attribution_verbs.finditer(text, start, end):
        name = _name_before(text, verb.start, start, vocab.function_words)
        if name:
            return name
    return None


def _name_after(text: str, start: int, end: int) -> str | None:
    words = _clause_after(text, start, end).split()
    while words and not NAME_WORD.fullmatch(words[-1]):
        words.pop()
    name = LEADING_NOISE.sub("", " ".join(words[:10]))
    return name if name and NAME_WORD.match(name) else None


def _name_before(
    text: str, verb_start: int, floor: int, function_words: frozenset[str]
) -> str | None:
    words = text[floor:verb_start].split()
    while words and words[-1].lower() in {
        "recently",
        "also",
        "now",
        "has",
        "have",
        "had",
        "previously",
    }:
        words.pop()
    name: list[str] = []
    while words and (
        NAME_WORD.fullmatch(words[-1].rstrip(",")) or (name and words[-1] in NAME_CONNECTORS)
    ):
        if words[-1].endswith(","):
            break
        name.insert(0, words.pop())
    while name and (name[0].lower() in NAME_CONNECTORS or name[0].lower() in function_words):
        name.pop(0)
    return " ".join(name) or None


def read_figures(context: DocumentContext, doc_id: str) -> list[Figure]:
    """Manpower figures; only in documents about military service or labour shortage."""
    if not (context.military or context.vocab.percent_cues.search(context.text)):
        return []
    figures: list[Figure] = []
    seen: set[tuple[float, str]] = set()
    last_source: str | None = None
    for sentence in context.sentences:
        source = _attribution(context, sentence)
        if source is not None and context.vocab.pronouns.matches_at(source.lower(), 0):
            source = last_source
        last_source = source or last_source
        for quantity in _free_quantities(sentence):
            found = _read_quantity(context, sentence, quantity)
            if found is None:
                continue
            unit, subject, value_end = found
            key = (quantity.value, unit)
            if key in seen:
                continue
            seen.add(key)
            figures.append(
                _figure(context, sentence, quantity, unit, subject, source, value_end, doc_id)
            )
    return figures


def _free_quantities(sentence: Sentence) -> list[Quantity]:
    covered = [span for money in sentence.money for span in money.covered]
    return [
        quantity
        for quantity in sentence.quantities
        if not any(start <= quantity.start < stop for start, stop in covered)
    ]


def _read_quantity(
    context: DocumentContext, sentence: Sentence, quantity: Quantity
) -> tuple[FigureUnit, str, int] | None:
    text, vocab = context.text, context.vocab
    if quantity.percent:
        start = max(sentence.span.start, quantity.start - PERCENT_WINDOW)
        end = min(sentence.span.end, quantity.end + PERCENT_WINDOW)
        if vocab.percent_exclusions.search(text, start, end) is not None:
            return None
        if vocab.percent_cues.search(text, sentence.span.start, sentence.span.end) is None:
            return None
        subject = _clause_after(text, quantity.end, sentence.span.end).removeprefix("of ").strip()
        subject = subject or _clause_before(text, quantity.start, sentence.span.start)
        return "percent", subject, quantity.end
    if _is_year(text, quantity):
        return None
    anaphora = vocab.anaphora_words.search(
        text, max(sentence.span.start, quantity.start - 7), quantity.start
    )
    if anaphora is not None:
        return None
    noun = _noun_after(context, sentence, quantity)
    if noun is not None:
        label, _, noun_end = noun
        if _excluded(context, sentence, quantity, noun_end):
            return None
        phrase = text[quantity.end : noun_end].strip()
        return "people", phrase or label, noun_end
    if _population(context, sentence, quantity) and not _excluded(
        context, sentence, quantity, quantity.end
    ):
        return "people", "population", quantity.end
    return None


def _figure(
    context: DocumentContext,
    sentence: Sentence,
    quantity: Quantity,
    unit: FigureUnit,
    subject: str,
    source: str | None,
    value_end: int,
    doc_id: str,
) -> Figure:
    span = sentence.span
    cue: PhraseMatch | None = context.vocab.military_cues.search(context.text, span.start, span.end)
    return Figure(
        quantity=quantity.value,
        unit=unit,
        subject=subject,
        source=source,
        evidence=evidence(context, doc_id, span, (quantity.start, value_end), f"figure.{unit}"),
        confidence=0.7 if cue is not None else 0.5,
    )
