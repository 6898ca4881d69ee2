"""One pass over a document: sentences, numbers, money and every cue, found once.

Offers and figures then look cues up by position, so each phrase set runs over the text
once per document rather than once per amount.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from recruitwatch.errors import BudgetError
from recruitwatch.extract.money import (
    PERIOD_KINDS,
    Money,
    Quantity,
    carry_document_currency,
    find_money,
    find_quantities,
)
from recruitwatch.extract.sentences import Span, split_sentences
from recruitwatch.extract.vocabulary import Vocabulary
from recruitwatch.lang import PhraseMatch, PhraseSet
from recruitwatch.model import Evidence

BRACKETED = re.compile(r"\([^()]*\)")
# Amounts are grouped (ranges, conversions, carried currencies) among this many neighbours at a
# time: a sentence of prose holds a handful, and a flattened table or a hostile run of "$1 $1 …"
# then costs time in proportion to its length, not to its square.
MONEY_WINDOW = 64
# A long report holds a few thousand numbers; past this many a document is a table dump or a
# generated file, and its numbers, amounts and cues would take memory without end.
MAX_NUMBERS = 50_000


@dataclass(frozen=True, slots=True)
class Mention:
    start: int
    end: int
    label: str
    region: str | None = None
    code: str | None = None  # a place's ISO 3166-2 code


class Located(Protocol):
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


Item = TypeVar("Item", bound=Located)


class Cues(Generic[Item]):
    """Matches of one phrase set over the whole document, queried by range."""

    def __init__(self, matches: list[Item]):
        self.items = sorted(matches, key=lambda match: match.start)
        self.starts = [match.start for match in self.items]

    def within(self, start: int, end: int) -> list[Item]:
        """Matches lying wholly inside [start, end)."""
        first = bisect_left(self.starts, start)
        last = bisect_left(self.starts, end, first)
        return [item for item in self.items[first:last] if item.end <= end]

    def any_within(self, start: int, end: int) -> bool:
        return bool(self.within(start, end))


@dataclass(slots=True)
class Sentence:
    span: Span
    quantities: list[Quantity]
    money: list[Money]
    brackets: list[tuple[int, int]] = field(default_factory=list)

    def in_brackets(self, start: int, end: int) -> bool:
        return any(left <= start and end <= right for left, right in self.brackets)


@dataclass(slots=True)
class DocumentContext:
    text: str
    vocab: Vocabulary
    sentences: list[Sentence]
    military: bool
    kind_cues: Cues[PhraseMatch]
    payment_words: Cues[PhraseMatch]
    service_cues: Cues[PhraseMatch]
    not_offer_cues: Cues[PhraseMatch]
    previous_level_cues: Cues[PhraseMatch]
    back_references: Cues[PhraseMatch]
    payers: Cues[Mention]
    targets: Cues[PhraseMatch]
    family_words: Cues[PhraseMatch]
    contract_parties: Cues[PhraseMatch]
    authorities: Cues[PhraseMatch]
    target_counts: Counter[str]
    places_in_text: list[Mention]


def _payer_mentions(text: str, vocab: Vocabulary) -> tuple[list[Mention], list[Mention]]:
    """Payers and places; a capital followed by a verb ("Moscow is offering") is the state
    speaking, not the city paying, so it is left out."""
    payers = [
        Mention(match.start, match.end, match.label, vocab.payer_regions[match.index])
        for match in vocab.payers.finditer(text)
    ]
    places: list[Mention] = []
    for match in vocab.places.finditer(text):
        label = vocab.region_labels.get(match.label, match.label)
        if label in vocab.capitals:
            verb = vocab.metonym_verbs.matches_at(text, match.end + 1)
            if verb is not None and text[match.end : match.end + 1] == " ":
                continue
        places.append(Mention(match.start, match.end, label, label, match.label))
    # A place name inside a payer phrase is the place ("Moscow" in "Moscow city"), not both.
    place_starts = [place.start for place in places]

    def inside_place(payer: Mention) -> bool:
        index = bisect_right(place_starts, payer.start) - 1
        return index >= 0 and payer.start < places[index].end

    return [payer for payer in payers if not inside_place(payer)] + places, places


def evidence(
    context: DocumentContext, doc_id: str, span: Span, value: tuple[int, int], rule: str
) -> Evidence:
    """The sentence a record came from and, inside it, the amount or quantity itself."""
    return Evidence(
        doc_id=doc_id,
        start=span.start,
        end=span.end,
        text=context.text[span.start : span.end],
        value_start=value[0],
        value_end=value[1],
        rule=rule,
        language=context.vocab.language,
    )


def _cues(phrases: PhraseSet, text: str) -> Cues[PhraseMatch]:
    return Cues(list(phrases.finditer(text)))


def _kind_cues(text: str, vocab: Vocabulary) -> list[PhraseMatch]:
    """Kind cues, less a period that is a point in time ("a year ago", "a month later")."""
    return [
        cue
        for cue in vocab.kind_cues.finditer(text)
        if cue.label not in PERIOD_KINDS
        or vocab.time_after_period.matches_at(text, cue.end) is None
    ]


def analyse(text: str, vocab: Vocabulary, spans: Iterable[Span] | None = None) -> DocumentContext:
    """Read the document's sentences (or only `spans`, those in this vocabulary's language)."""
    sentences: list[Sentence] = []
    numbers = 0
    for span in split_sentences(text, vocab.abbreviations) if spans is None else spans:
        quantities = find_quantities(text, span.start, span.end, vocab)
        numbers += len(quantities)
        if numbers > MAX_NUMBERS:
            raise BudgetError(
                f"holds more than {MAX_NUMBERS:,} numbers: a table or generated data, not"
                " prose; split it into smaller documents to read it"
            )
        change_goes_on = bool(sentences) and any(m.previous for m in sentences[-1].money)
        money = [
            found
            for first in range(0, len(quantities), MONEY_WINDOW)
            for found in find_money(
                text,
                span.start,
                span.end,
                vocab,
                quantities[first : first + MONEY_WINDOW],
                change_goes_on=change_goes_on,
            )
        ]
        brackets = [
            (match.start(), match.end()) for match in BRACKETED.finditer(text, span.start, span.end)
        ]
        sentences.append(Sentence(span, quantities, money, brackets))
    carried = carry_document_currency(text, [(s.quantities, s.money) for s in sentences], vocab)
    for sentence, extra in zip(sentences, carried, strict=True):
        if extra:
            sentence.money = sorted(sentence.money + extra, key=lambda money: money.start)
    payers, places = _payer_mentions(text, vocab)
    targets = list(vocab.targets.finditer(text))
    return DocumentContext(
        text=text,
        vocab=vocab,
        sentences=sentences,
        military=vocab.military_cues.search(text) is not None,
        kind_cues=Cues(_kind_cues(text, vocab)),
        payment_words=_cues(vocab.payment_words, text),
        service_cues=Cues(
            list(vocab.military_cues.finditer(text)) + list(vocab.service_cues.finditer(text))
        ),
        not_offer_cues=_cues(vocab.not_offer_cues, text),
        previous_level_cues=_cues(vocab.previous_level_cues, text),
        back_references=_cues(vocab.back_references, text),
        payers=Cues(payers),
        targets=Cues(targets),
        family_words=_cues(vocab.family_words, text),
        contract_parties=_cues(vocab.contract_party_cues, text),
        authorities=_cues(vocab.authority_words, text),
        target_counts=Counter(match.label for match in targets),
        places_in_text=places,
    )
