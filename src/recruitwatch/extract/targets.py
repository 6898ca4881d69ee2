"""Whom an offer is for and who receives it: the guide's target_origin, target_country and
recipient, read from cues around each offer after the offers are found.

* Origin: a citizenship (a demonym, a country, "citizens of X") or an origin cue ("foreigners",
  "residents", "from other regions", "anyone") in the offer's sentence; a foreign one may also
  come from the sentence before or from the document's theme (a story about recruiting
  Cubans). The paying state's own citizens are `local` ("all Russians" for federal money).
* Recipient: the cue nearest the amount in its stretch of the sentence (between the amounts
  on either side): a family or a death makes it `family` (for compensation and other payments
  only: a salary or a signing bonus goes to whoever signs), a referral `recruiter`, an injury
  keeps it `recruit`; else a referral named elsewhere in the sentence or in the sentence before
  carries over to an other payment ("For each one they bring, 100,000 is promised").
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, replace

from recruitwatch.extract.context import Cues, DocumentContext, Sentence
from recruitwatch.lang import PhraseMatch
from recruitwatch.model import Offer, Recipient, TargetOrigin

HOME_COUNTRY = "RU"  # the state whose recruitment the project watches, unless the money says
HOME_BY_CURRENCY = {"UAH": "UA"}  # hryvnias are Ukraine's own money for its own citizens
THEME_MENTIONS = 2  # a foreign group named this often is what the document is about
FAMILY_KINDS = frozenset({"compensation", "other_payment"})
FAMILIES = "families"  # the free-text target of money for a family
FAMILY_PREFIX = f"{FAMILIES} of "
RECRUITERS = "those who bring in recruits"  # of a referral fee
JOINT_GAP = 6  # characters between two conditions of one payout: "injury or death"
ORIGIN_ORDER: tuple[TargetOrigin, ...] = ("foreign", "other_region", "local", "any")


@dataclass(frozen=True, slots=True)
class _Cues:
    countries: Cues[PhraseMatch]
    origins: Cues[PhraseMatch]
    recipients: Cues[PhraseMatch]


def describe_targets(context: DocumentContext, offers: list[Offer]) -> list[Offer]:
    """The offers with target_origin, target_country and recipient filled in."""
    if not offers:
        return offers
    vocab, text = context.vocab, context.text
    cues = _Cues(
        Cues(list(vocab.countries.finditer(text))),
        Cues(list(vocab.target_origins.finditer(text))),
        Cues(list(vocab.recipients.finditer(text))),
    )
    starts = [sentence.span.start for sentence in context.sentences]
    described: list[Offer] = []
    last: tuple[int, Offer] | None = None  # the offer read before, by sentence
    for offer in offers:
        position = bisect_right(starts, offer.evidence.start) - 1
        sentence = context.sentences[position] if position >= 0 else None
        before = context.sentences[position - 1] if position > 0 else None
        home = HOME_BY_CURRENCY.get(offer.currency, HOME_COUNTRY)
        origin, country = _origin(cues, offer, before, home)
        if origin is None and last is not None and position - last[0] <= 1:
            # "Muscovites will receive 50,000 a month. For an injury, 500,000": the group of
            # the offer just before goes on where a sentence names none of its own.
            origin, country = last[1].target_origin, last[1].target_country
        if origin is None:
            origin, country = _theme(cues, home)
        if origin is None and home != HOME_COUNTRY:
            origin = "local"  # another state's own recruiting is of its own citizens
        recipient = _recipient(context, cues, offer, sentence, before)
        described.append(
            replace(
                offer,
                target=_target_text(context, offer, recipient),
                target_origin=origin,
                target_country=country,
                recipient=recipient,
            )
        )
        last = (position, described[-1])
    return described


def _origin(
    cues: _Cues, offer: Offer, before: Sentence | None, home: str
) -> tuple[TargetOrigin | None, str | None]:
    """From the offer's sentence; a foreign group may also be named in the sentence before
    ("Kazakh citizens are invited. The one-off payment is ...")."""
    start, end = offer.evidence.start, offer.evidence.end
    found = _origin_in(cues, start, end, home)
    if found[0] is None and before is not None:
        earlier = _origin_in(cues, before.span.start, before.span.end, home)
        if earlier[0] == "foreign":
            return earlier
    return found


def _origin_in(
    cues: _Cues, start: int, end: int, home: str
) -> tuple[TargetOrigin | None, str | None]:
    named = {match.label for match in cues.countries.within(start, end)}
    foreign = sorted(named - {home})
    if foreign:
        return "foreign", foreign[0] if len(foreign) == 1 else None
    origins = {match.label for match in cues.origins.within(start, end)}
    if home in named:
        origins.add("local")
    for origin in ORIGIN_ORDER:
        if origin in origins:
            return origin, None
    return None, None


def _theme(cues: _Cues, home: str) -> tuple[TargetOrigin | None, str | None]:
    """A document about recruiting one foreign group: every offer in it is for that group. It
    must name foreigners more often than residents or the paying state's own citizens."""
    countries = Counter(match.label for match in cues.countries.items if match.label != home)
    origins = Counter(match.label for match in cues.origins.items)
    own = origins["local"] + sum(match.label == home for match in cues.countries.items)
    foreign = origins["foreign"] + sum(countries.values())
    if foreign < THEME_MENTIONS or foreign <= own:
        return None, None
    if countries:
        (code, count), *rest = countries.most_common()
        if count >= THEME_MENTIONS and (not rest or rest[0][1] < count):
            return "foreign", code
    return "foreign", None


def _target_text(context: DocumentContext, offer: Offer, recipient: Recipient) -> str | None:
    """Who the money is for, as the recipient says: a referral fee is for those who bring in
    recruits; money for a family is for "families of" the group named ("families of Nepali
    recruits"), of no one group simply "families"; money for the serviceman is not for his
    family, whatever the offer reader took it to be."""
    if recipient == "recruiter":
        return RECRUITERS
    target = offer.target
    if target is not None and target.startswith(FAMILY_PREFIX):
        target = target.removeprefix(FAMILY_PREFIX)
    if recipient != "family" or target is None:
        return target
    return FAMILY_PREFIX + target if target in context.vocab.specific_targets else FAMILIES


def _recipient(
    context: DocumentContext,
    cues: _Cues,
    offer: Offer,
    sentence: Sentence | None,
    before: Sentence | None,
) -> Recipient:
    if sentence is None:
        return "recruit"
    allowed = {"recruit"}
    if offer.kind in FAMILY_KINDS:
        allowed.add("family")
    if offer.kind != "monthly_pay":  # a salary is never a referral fee
        allowed.add("recruiter")
    value_start, value_end = offer.evidence.value_start, offer.evidence.value_end
    left, right = sentence.span.start, sentence.span.end
    for money in sentence.money:  # the stretch between this amount and its neighbours
        if money.end <= value_start:
            left = max(left, money.end)
        elif money.start >= value_end:
            right = min(right, money.start)
    near = [cue for cue in cues.recipients.within(left, right) if cue.label in allowed]
    if near:
        # A cue before the amount but behind a clause break ("for the families of the killed,
        # and three million for the injured") belongs to what came before: it counts last.
        nearest = min(
            near,
            key=lambda cue: (
                cue.end <= value_start and _breaks(context, cue.end, value_start),
                max(value_start - cue.end, cue.start - value_end, 0),
            ),
        )
        # "in case of injury or death": one payout for either, to the serviceman first.
        joint = nearest.label == "family" and any(
            cue.label == "recruit" and _adjacent(cue, nearest) for cue in near
        )
        return "recruit" if joint else _as_recipient(nearest.label)
    if offer.kind == "other_payment":  # a referral named elsewhere in the sentence or before it
        for span in (sentence.span, before.span if before is not None else None):
            if span is not None and any(
                cue.label == "recruiter" for cue in cues.recipients.within(span.start, span.end)
            ):
                return "recruiter"
    return "recruit"


def _adjacent(first: PhraseMatch, second: PhraseMatch) -> bool:
    gap = max(first.start, second.start) - min(first.end, second.end)
    return 0 <= gap <= JOINT_GAP


def _breaks(context: DocumentContext, start: int, end: int) -> bool:
    text = context.text
    return (
        any(text.find(mark, start, end) >= 0 for mark in ",;")
        or context.vocab.clause_joiners.search(text, start, end) is not None
    )


def _as_recipient(label: str) -> Recipient:
    if label == "family":
        return "family"
    return "recruiter" if label == "recruiter" else "recruit"
