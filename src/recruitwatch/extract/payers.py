"""Who pays an offer: the payer as written, its level (federal, regional, municipal, combined,
pmc, foreign) and, for a region or city, the region's ISO 3166-2 code.

The payer named with the amount wins; else words giving the level ("the regional payment",
"in total"), with the region named in the sentence, paying the offer just before, or the
document's own; else a private or foreign payer the whole story is about; else the default
payers of the language file (domain assumptions, kept as data); a story of regional payments
about one region gives its one-off payments to that region. One amount given for a list
of regions ("in Bashkortostan and Dagestan — 500,000") is one offer per region.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from functools import partial
from itertools import pairwise
from typing import get_args

from recruitwatch.extract.context import DocumentContext, Mention, Sentence
from recruitwatch.extract.money import Money
from recruitwatch.lang import PhraseMatch
from recruitwatch.model import OfferKind, PayerLevel

SETTING = "{setting}"  # a payer's region in lang data: the region the story is set in
COUNTRY = "Russia"  # the region text of federal money
LEVELS: dict[str, PayerLevel] = {level: level for level in get_args(PayerLevel)}
INHERITED_SENTENCES = 2  # a payer known by level takes the region of an offer this near
ATTACHED_CHARS = 45  # a list of regions this close before its amount pays it
CLAUSE_BREAKS = ",;("
LINK_PUNCTUATION = " )]—–-:\u00a0"
INNER_STOP = re.compile(r"[.!?…]\s+[\"“«(]?")  # a stop, then (checked) a capital
OWN_LEVELS = frozenset({"pmc", "foreign"})  # payers a whole story can be about
BRACKETED = re.compile(r"\([^()]*\)")


@dataclass(frozen=True, slots=True)
class Payer:
    offered_by: str | None
    region: str | None  # as written (the English label of a region, "Russia", ...)
    level: PayerLevel | None = None
    code: str | None = None  # ISO 3166-2 of a regional, municipal or combined payer


@dataclass(frozen=True, slots=True)
class Claim:
    """What the offer reader knows of one amount: where it is and the payer it picked."""

    money: Money
    sentence: Sentence
    sentence_index: int
    kind: OfferKind
    mention: Mention | None
    before_start: int  # where the amount's own stretch of the sentence starts
    after_end: int  # and ends (the next amount, or the sentence end)
    start: int = 0  # the sentence as payers read it: cut where an abbreviated unit ends one
    end: int = 0


@dataclass(slots=True)
class _Document:
    """What the whole document says about payers, found once."""

    home: Mention | None  # the region the story is about, if one stands out
    regional: bool  # the story speaks of regional or municipal money
    own_payer: str | None  # a private or foreign payer the story is about, named more than others


def assign_payers(context: DocumentContext, claims: list[Claim]) -> list[list[Payer]]:
    """One or more payers per claim, in order: most amounts have one, an amount given for a
    list of regions has one per region."""
    document = _read_document(context)
    assigned: list[list[Payer]] = []
    last: tuple[int, Payer] | None = None
    for claim in map(partial(_cut, context.text), claims):
        payers = _payers(context, document, claim, last)
        assigned.append(payers)
        last = (claim.sentence_index, payers[-1])
    return assigned


def _cut(text: str, claim: Claim) -> Claim:
    """The claim within its own sentence: "... 800 тыс. руб. Ранее общая сумма ..." is two
    sentences to a reader of payers, though the splitter keeps "руб." from ending one."""
    start, end = claim.sentence.span.start, claim.sentence.span.end
    for stop in INNER_STOP.finditer(text, start, end):
        if not text[stop.end() : stop.end() + 1].isupper():
            continue
        if stop.end() <= claim.money.start:
            start = stop.end()
        elif stop.end() > claim.money.end:
            end = max(stop.start() + 1, claim.money.end)
            break
    return replace(
        claim,
        start=start,
        end=end,
        before_start=max(claim.before_start, start),
        after_end=min(claim.after_end, end),
    )


def _read_document(context: DocumentContext) -> _Document:
    """The home region is the one named most, the first sentence counting twice."""
    places = [place for place in context.places_in_text if place.code is not None]
    first_end = context.sentences[0].span.end if context.sentences else 0
    counts = Counter(place.code for place in places)
    counts.update(place.code for place in places if place.start < first_end)
    ranked = counts.most_common(2)
    home = None
    if ranked and ranked[0][1] >= 2 and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
        home = next(place for place in places if place.code == ranked[0][0])
    vocab = context.vocab
    levels = {match.label for match in vocab.payer_level_cues.finditer(context.text)}
    named = Counter(
        mention.label
        for mention in context.payers.items
        if mention.code is None and mention.label != vocab.default_payers["default"]
    )
    named_levels = {vocab.payer_levels.get(label) for label in named}
    own = [label for label, _ in named.most_common() if vocab.payer_levels.get(label) in OWN_LEVELS]
    others = [label for label in named if vocab.payer_levels.get(label) not in OWN_LEVELS]
    own_payer = own[0] if own and named[own[0]] > sum(named[label] for label in others) else None
    return _Document(home, bool({"regional", "municipal"} & (levels | named_levels)), own_payer)


def _payers(
    context: DocumentContext,
    document: _Document,
    claim: Claim,
    last: tuple[int, Payer] | None,
) -> list[Payer]:
    vocab = context.vocab
    mention = claim.mention
    party = None
    if mention is not None and contract_party(context, mention):
        # Named only as the other party of the contract: it pays only where no one else
        # does (the federal contract money), never a region's own payment.
        party, mention = mention, None
    by_currency = vocab.default_payers.get(claim.money.currency)
    if by_currency is not None and (mention is None or _level(context, mention) != "foreign"):
        # Only one state pays in this currency: a payer named with it is that state's
        # ("the Ministry of Defence" of a story in hryvnias), kept as written.
        payer = _named(context, by_currency)
        if mention is None or mention.code is not None:
            return [payer]
        return [Payer(context.text[mention.start : mention.end], payer.region, payer.level)]
    paired = _respective(context, claim)
    if paired is not None:
        return [
            _regional(
                paired, "municipal" if "municipal" in _level_cues(context, claim) else "regional"
            )
        ]
    attached = _attached(context, claim, mention)
    if attached is None and _combined(context, claim):
        place = _place(context, claim, mention, last, document)
        return [_regional(place, "combined") if place else Payer(None, COUNTRY, "combined")]
    cues = _level_cues(context, claim)
    if attached is not None:
        level, source = attached
        if source is None:
            return [_by_level(context, claim, mention, last, document, level)]
        mention = source
    if mention is not None and mention.code is None and _level(context, mention) is None:
        # "regions" in general yield to a region the sentence names with the amount
        mention = _place_before(context, claim) or mention
    if mention is not None and mention.code is not None:
        level = "municipal" if "municipal" in cues else "regional"
        return [_regional(place, level) for place in _coordinated(context, claim, mention)]
    default = vocab.default_payers["default"]
    named_level = _level(context, mention) if mention is not None else None
    if (
        mention is not None
        and named_level in {"federal", "pmc", "foreign"}
        and (mention.label != default or not cues)
    ):
        return [_from_mention(mention, named_level)]
    for cue_level in ("municipal", "regional", "federal"):
        if cue_level in cues:
            return [_by_level(context, claim, mention, last, document, LEVELS[cue_level])]
    if mention is not None and named_level in {"regional", "municipal"}:
        return [_by_level(context, claim, mention, last, document, named_level)]
    if mention is not None and mention.label != default:
        return [Payer(mention.label, mention.region, None)]  # several or unnamed regions
    if document.own_payer is not None:
        return [_named(context, document.own_payer)]
    party_level = _level(context, party) if party is not None else None
    if party is not None and party_level == "federal" and claim.kind in vocab.default_payers:
        return [_from_mention(party, party_level)]
    if claim.kind in vocab.default_payers:
        return [_named(context, vocab.default_payers[claim.kind])]
    if document.home is not None and document.regional:
        return [_regional(document.home, "regional")]
    if party is not None and party_level == "federal":
        return [_from_mention(party, party_level)]
    return [_named(context, default)]


def _attached(
    context: DocumentContext, claim: Claim, mention: Mention | None
) -> tuple[PayerLevel, Mention | None] | None:
    """A level said with the amount itself: a payer linked right after it ("2.5 million from
    the republic"), or a level word or payer right before it in the same clause ("a federal
    bonus of 400,000", "the Defence Ministry pays 200,000"). A place is not a level."""
    if mention is not None and _linked_after(context, claim, mention):
        level = _level(context, mention)
        if level is not None:
            return level, mention
    text = context.text
    linked = _level_linked_after(context, claim)
    if linked is not None:
        return linked, None
    after = context.payers.within(claim.money.end, claim.after_end)
    if after and after[0].code is None and _linked_after(context, claim, after[0]):
        gap_links = context.vocab.payer_links.matches(text, claim.money.end, after[0].start)
        level = _level(context, after[0])
        if gap_links and level is not None:  # "195 тысяч рублей идут от Минобороны"
            return level, after[0]
    start = claim.money.start
    candidates: list[tuple[int, PayerLevel, Mention | None]] = [
        (cue.end, LEVELS[cue.label], None)
        for cue in context.vocab.payer_level_cues.matches(text, claim.before_start, start)
        if cue.label != "combined" and not claim.sentence.in_brackets(cue.start, cue.end)
    ]
    candidates += [
        (payer.end, level, payer)
        for payer in context.payers.within(claim.before_start, start)
        if payer.code is None
        and (level := _level(context, payer)) is not None
        and payer.label != context.vocab.default_payers["default"]
        and not claim.sentence.in_brackets(payer.start, payer.end)
        and not contract_party(context, payer)
    ]
    if not candidates:
        return None
    end, level, source = max(candidates, key=lambda item: item[0])
    gap = text[end:start]
    if len(gap) > ATTACHED_CHARS or any(mark in gap for mark in CLAUSE_BREAKS):
        return None
    return level, source


def _level_linked_after(context: DocumentContext, claim: Claim) -> PayerLevel | None:
    """A level word linked right after the amount: "2,5 млн рублей от республики", "400,000
    from the federal budget"."""
    text = context.text
    end = claim.money.end
    cues = context.vocab.payer_level_cues.matches(text, end, claim.after_end)
    if not cues:
        return None
    cue = cues[0]
    gap = text[end : cue.start]
    if len(gap) > ATTACHED_CHARS or any(mark in gap for mark in CLAUSE_BREAKS):
        return None
    start = end + len(gap) - len(gap.lstrip(LINK_PUNCTUATION))
    if cue.label == "combined" or not context.vocab.payer_links.matches_at(text, start, cue.start):
        return None
    # "из городского и федерального бюджетов": two levels named together pay a total
    for other in cues[1:]:
        joined = context.vocab.list_joiners.matches(text, cue.end, other.start)
        if not joined or len(text[cue.end : other.start].split()) > len(joined):
            break
        if other.label not in {cue.label, "combined"}:
            return "combined"
    return LEVELS[cue.label]


def contract_party(context: DocumentContext, mention: Mention) -> bool:
    """ "sign a contract with the Defence Ministry": the other party, not the payer."""
    window = context.contract_parties.within(max(0, mention.start - 40), mention.start)
    return any(len(context.text[cue.end : mention.start].split()) <= 1 for cue in window)


def _combined(context: DocumentContext, claim: Claim) -> bool:
    """A total of several levels: a total word earlier in the sentence ("brings the total to",
    "в общей сложности"), or right after the amount (", including the federal part")."""
    text = context.text
    cues = context.vocab.payer_level_cues
    for cue in cues.matches(text, claim.start, claim.money.start):
        if cue.label == "combined" and ";" not in text[cue.end : claim.money.start]:
            return True
    after = cues.matches(text, claim.money.end, claim.after_end)
    for cue in after:
        if cue.label == "combined":
            gap = BRACKETED.sub("", text[claim.money.end : cue.start])
            return not gap.strip(" ,.:—–-")
    return False


def _place_before(context: DocumentContext, claim: Claim) -> Mention | None:
    places = [
        place
        for place in context.payers.within(claim.before_start, claim.money.start)
        if place.code is not None and not claim.sentence.in_brackets(place.start, place.end)
    ]
    return places[-1] if places else None


def _level(context: DocumentContext, mention: Mention) -> PayerLevel | None:
    if mention.code is not None:
        return "regional"
    level = context.vocab.payer_levels.get(mention.label)
    return LEVELS[level] if level is not None else None


def _named(context: DocumentContext, label: str) -> Payer:
    """A payer of the language file by its label (a default payer)."""
    vocab = context.vocab
    index = next(i for i, name in enumerate(vocab.payers.labels) if name == label)
    level = vocab.payer_levels.get(label)
    return Payer(label, vocab.payer_regions[index], LEVELS[level] if level else None)


def _from_mention(mention: Mention, level: PayerLevel) -> Payer:
    return Payer(mention.label, mention.region, level)


def _regional(place: Mention, level: PayerLevel) -> Payer:
    return Payer(place.label, place.label, level, place.code)


def _by_level(
    context: DocumentContext,
    claim: Claim,
    mention: Mention | None,
    last: tuple[int, Payer] | None,
    document: _Document,
    level: PayerLevel,
) -> Payer:
    """A payer known by its level only ("the regional payment"): a region from the sentence,
    the offer before or the document."""
    if level == "federal":
        if mention is not None and _level(context, mention) == "federal":
            return _from_mention(mention, "federal")
        return _named(context, _federal_label(context))
    place = _place(context, claim, mention, last, document)
    if place is not None:
        return _regional(place, level)
    if mention is not None and _level(context, mention) is None:
        return Payer(mention.label, mention.region, None)  # "regional governors" in general
    return Payer(mention.label if mention else None, None, level)


def _federal_label(context: DocumentContext) -> str:
    """The first federal payer of the language file (the federal government)."""
    vocab = context.vocab
    return next(
        label for label in vocab.payers.labels if vocab.payer_levels.get(label) == "federal"
    )


def _place(
    context: DocumentContext,
    claim: Claim,
    mention: Mention | None,
    last: tuple[int, Payer] | None,
    document: _Document,
) -> Mention | None:
    """The region of a payer known by level: named in the sentence (nearest the amount), paying
    the offer before, or the document's own."""
    if mention is not None and mention.code is not None:
        return mention
    places = [
        place
        for place in context.payers.within(claim.start, claim.end)
        if place.code is not None and not claim.sentence.in_brackets(place.start, place.end)
    ]
    if places:
        money = claim.money
        return min(places, key=lambda p: min(abs(p.start - money.end), abs(money.start - p.end)))
    if last is not None and claim.sentence_index - last[0] <= INHERITED_SENTENCES:
        previous = last[1]
        if previous.code is not None and previous.region is not None:
            return Mention(0, 0, previous.region, previous.region, previous.code)
    return document.home


def _level_cues(context: DocumentContext, claim: Claim) -> set[str]:
    """Levels named in the amount's own stretch of the sentence, within its clause before it
    ("the regional one-off payment is ...") or right after it ("... including the federal
    part")."""
    found: list[PhraseMatch] = context.vocab.payer_level_cues.matches(
        context.text, claim.before_start, claim.after_end
    )
    text = context.text
    levels = set()
    for cue in found:
        if cue.end <= claim.money.start:
            gap = text[cue.end : claim.money.start]
            if ";" in gap:
                continue
        levels.add(cue.label)
    return levels


def _linked_after(context: DocumentContext, claim: Claim, mention: Mention | None) -> bool:
    """A payer named right after the amount ("2.5 million from the republic") pays that part,
    whatever total the sentence speaks of."""
    if mention is None or not claim.money.end <= mention.start < claim.after_end:
        return False
    gap = context.text[claim.money.end : mention.start]
    return len(gap) <= ATTACHED_CHARS and not any(mark in gap for mark in CLAUSE_BREAKS)


def _coordinated(context: DocumentContext, claim: Claim, place: Mention) -> list[Mention]:
    """The regions listed together with `place` ("in Bashkortostan and Dagestan — 500,000",
    "Tatarstan and Bashkortostan each pay"), when the list stands with the amount."""
    places = [
        mention
        for mention in context.payers.within(claim.start, claim.end)
        if mention.code is not None
    ]
    if place not in places:
        return [place]
    index = places.index(place)
    first = last = index
    while first > 0 and _joined(context, places[first - 1], places[first]):
        first -= 1
    while last + 1 < len(places) and _joined(context, places[last], places[last + 1]):
        last += 1
    group = places[first : last + 1]
    if len({mention.code for mention in group}) < 2 or not _list_attached(context, claim, group):
        return [place]
    unique: dict[str | None, Mention] = {}
    for mention in group:
        unique.setdefault(mention.code, mention)
    return list(unique.values())


def _respective(context: DocumentContext, claim: Claim) -> Mention | None:
    """ "In the Samara and Orenburg regions, payments rose to 1.1 million and 1 million
    rubles, respectively": a list of places and as many amounts after it, paired in order."""
    text = context.text
    if context.vocab.respectively.search(text, claim.money.end, claim.end) is None:
        return None
    amounts = [money for money in claim.sentence.money if not money.previous]
    if claim.money not in amounts or len(amounts) < 2:
        return None
    places = [
        mention
        for mention in context.payers.within(claim.start, amounts[0].start)
        if mention.code is not None
    ]
    group = places[-len(amounts) :]
    if len(group) != len(amounts) or not all(
        _joined(context, left, right) for left, right in pairwise(group)
    ):
        return None
    return group[amounts.index(claim.money)]


def _joined(context: DocumentContext, left: Mention, right: Mention) -> bool:
    """Nothing but list words between two places ("Tatarstan, Chuvashia and Mari El")."""
    gap = context.text[left.end : right.start]
    if not gap.strip():
        return False
    joiners = context.vocab.list_joiners.matches(context.text, left.end, right.start)
    rest = gap
    for joiner in joiners:
        rest = rest.replace(context.text[joiner.start : joiner.end], " ", 1)
    return not rest.strip()


def _list_attached(context: DocumentContext, claim: Claim, group: list[Mention]) -> bool:
    """The list is the amount's own: right before it with no clause break between, or right
    after it."""
    money = claim.money
    text = context.text
    if group[-1].end <= money.start:
        gap = text[group[-1].end : money.start]
        return (
            group[0].start >= claim.before_start
            and len(gap) <= ATTACHED_CHARS
            and not any(mark in gap for mark in CLAUSE_BREAKS)
        )
    if group[0].start >= money.end:
        gap = text[money.end : group[0].start]
        return group[-1].end <= claim.after_end and len(gap) <= ATTACHED_CHARS // 3
    return False
