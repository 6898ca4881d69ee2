"""Offers: which money amounts are promised to recruits, of what kind, by whom, to whom."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace

from recruitwatch.extract.context import DocumentContext, Mention, Sentence, evidence
from recruitwatch.extract.money import Money
from recruitwatch.extract.payers import Claim, Payer, assign_payers, contract_party
from recruitwatch.lang import KIND_ORDER, PhraseMatch
from recruitwatch.model import OFFER_KINDS, Offer, OfferKind

NEAR_BEFORE = 30  # characters: cues this close before an amount govern it together
NEAR_AFTER = 20  # "a $5,200 sign-on bonus": the cue right after the amount
FAMILY_BEFORE = 80  # "Для семей контрактников ... выплату в размере 100 тысяч рублей"
FAMILY_AFTER = 25  # "300 тысяч рублей семьям мобилизованных"
STRONG = len(KIND_ORDER)  # kind cues past this entry index are the weak ones
FAMILY_KINDS = frozenset({"signing_bonus", "other_payment"})  # may be a death payout
NOT_OFFER_WINDOW = 120
PAYER_AFTER = 45  # "$2,500 from the region of Ryazan"
LOOKBACK_SENTENCES = 2
LIST_ITEM_CHARS = 80
AUTHORITY_GAP = 20  # characters between "governor of" and the place it governs
LINK_PUNCTUATION = frozenset(" )]—–-:\u00a0")
HEADLINE_CHARS = 300  # a dollar figure this near the top restates the story's offer
DEFAULT_TARGET = "recruits"


@dataclass(slots=True)
class Reading:
    """What one money amount turned out to be, before it becomes an Offer."""

    money: Money
    sentence: Sentence
    sentence_index: int
    kind: OfferKind
    kind_local: bool
    payer: Mention | None
    target: str
    previous: bool = False


KINDS: dict[str, OfferKind] = {kind: kind for kind in OFFER_KINDS}


def _kind(label: str) -> OfferKind:
    return KINDS[label]


def _covered_end(money: Money) -> int:
    return max(stop for _, stop in money.covered)


def _segments(sentence: Sentence, index: int) -> tuple[tuple[int, int], tuple[int, int]]:
    money = sentence.money[index]
    # The replaced level before a new one ("from 1.5 to 2.4 million") does not cut it off.
    earlier = index - 1
    while earlier >= 0 and sentence.money[earlier].follows is money:
        earlier -= 1
    before_start = _covered_end(sentence.money[earlier]) if earlier >= 0 else sentence.span.start
    after_end = (
        sentence.money[index + 1].start if index + 1 < len(sentence.money) else sentence.span.end
    )
    return (before_start, money.start), (_covered_end(money), after_end)


def _strongest(cues: list[PhraseMatch]) -> OfferKind:
    """Compensation, then other payments, salary, one-off; weak cues ("allowance", "bonus")
    after every strong one. The cue's entry index in the phrase set is that rank."""
    return _kind(min(cues, key=lambda cue: cue.index).label)


def _local_kind(context: DocumentContext, sentence: Sentence, index: int) -> OfferKind | None:
    """The kind the words around the amount give: a death or injury condition after it
    ("5 million to the family of any prisoner killed in action"); else the strongest cue
    right before or right after it ("who sign contracts earn 210,000 roubles a month"); else
    the last cue before it in the sentence. "After" starts at the amount itself, so a period
    between it and its conversion counts ("200,000 rubles a month, roughly $2,200")."""
    (before_start, money_start), (covered_end, after_end) = _segments(sentence, index)
    amount_end = sentence.money[index].end
    before: list[PhraseMatch] = context.kind_cues.within(before_start, money_start)
    after = [
        cue
        for cue in context.kind_cues.within(amount_end, after_end)
        if not _breaks_clause(
            context, covered_end if cue.start >= covered_end else amount_end, cue.start
        )
    ]
    # A condition or a period later in the clause governs the amount: "3 million rubles to
    # families of those who are killed", "5.2 million ... over their first year".
    governing = [cue for cue in after if cue.index < STRONG]
    if any(cue.label == "compensation" for cue in governing):
        return "compensation"
    near = [cue for cue in before if money_start - cue.end <= NEAR_BEFORE]
    near += [cue for cue in after if cue.start - max(amount_end, covered_end) <= NEAR_AFTER]
    near_strong = [cue for cue in near if cue.index < STRONG]
    if near_strong:
        return _family_kind(context, sentence, index, _strongest(near_strong))
    # "An allowance of 150,000 roubles is paid ... upon signing": a strong cue later in
    # the clause outranks a weak one beside the amount.
    if governing:
        return _family_kind(context, sentence, index, _strongest(governing))
    if near:
        return _family_kind(context, sentence, index, _strongest(near))
    strong = [cue for cue in before if cue.index < STRONG]
    if strong or before:
        return _family_kind(context, sentence, index, _kind((strong or before)[-1].label))
    return None


def _family_kind(
    context: DocumentContext, sentence: Sentence, index: int, kind: OfferKind
) -> OfferKind:
    """A one-off paid to the families of the mobilised or of new soldiers is another
    payment, not a signing bonus ("300,000 roubles to the families of the mobilised")."""
    if kind != "signing_bonus":
        return kind
    return "other_payment" if _for_family(context, sentence, index) else kind


def _death_story_for_family(context: DocumentContext, sentence_index: int) -> bool:
    """A payment to the family in a passage about death payouts is one of them: the sentence
    names the family and a sentence just before names a death or injury."""
    span = context.sentences[sentence_index].span
    return context.family_words.any_within(span.start, span.end) and (
        _context_kind(context, sentence_index) == "compensation"
    )


def _for_family(context: DocumentContext, sentence: Sentence, index: int) -> bool:
    """A family word governs the amount: before it in its clause, or right after it."""
    (before_start, money_start), (covered_end, after_end) = _segments(sentence, index)
    before = context.family_words.within(
        max(before_start, money_start - FAMILY_BEFORE), money_start
    )
    after = context.family_words.within(covered_end, min(after_end, covered_end + FAMILY_AFTER))
    return bool(before) or any(
        not _breaks_clause(context, covered_end, word.start) for word in after
    )


def _said_before(context: DocumentContext, sentence: Sentence, money: Money) -> bool:
    """ "Ранее она составляла 1 млн рублей", "It previously stood at 195,000": the level
    before the current one. "Earlier, the region raised it to 1.5 million" is a new level."""
    cues = context.previous_level_cues.within(sentence.span.start, money.start)
    if not cues:
        return False
    text, vocab = context.text, context.vocab
    return (
        vocab.level_verbs.search(text, cues[-1].start, money.start) is not None
        and vocab.change_words.search(text, cues[-1].end, money.start) is None
    )


def _breaks_clause(
    context: DocumentContext, start: int, end: int, *, commas: bool = True, brackets: bool = True
) -> bool:
    marks = (",;" if commas else ";") + ("(" if brackets else "")
    text = context.text
    return (
        any(text.find(mark, start, end) >= 0 for mark in marks)
        or context.vocab.clause_joiners.search(text, start, end) is not None
    )


def _context_kind(context: DocumentContext, sentence_index: int) -> OfferKind | None:
    """The last strong cue of the sentences just before; failing that, a weak one."""
    weak: PhraseMatch | None = None
    for earlier in reversed(
        context.sentences[max(0, sentence_index - LOOKBACK_SENTENCES) : sentence_index]
    ):
        cues: list[PhraseMatch] = context.kind_cues.within(earlier.span.start, earlier.span.end)
        strong = [cue for cue in cues if cue.index < STRONG]
        if strong:
            return _kind(strong[-1].label)
        weak = weak or (cues[-1] if cues else None)
        if _is_header(context, earlier):
            break  # "Выплаты:" opens a list of its own; what came before does not govern it
    return _kind(weak.label) if weak is not None else None


def _is_header(context: DocumentContext, sentence: Sentence) -> bool:
    """ "Выплаты:" over list lines; "184,1 тыс. рублей рядовому:" is an item, not a header."""
    return not sentence.money and context.text[sentence.span.end - 1] == ":"


def _is_offer(context: DocumentContext, sentence: Sentence, index: int) -> bool:
    money = sentence.money[index]
    vocab = context.vocab
    limit = vocab.max_offer_amount.get(money.currency, vocab.max_offer_amount["default"])
    if money.amount > limit:
        return False
    (before_start, money_start), _ = _segments(sentence, index)
    window_start = max(before_start, money_start - NOT_OFFER_WINDOW)
    payers = context.payers.within(window_start, money_start)
    for cue in context.not_offer_cues.within(window_start, money_start):
        inside_payer = any(p.start <= cue.start < p.end for p in payers)  # "federal budget"
        if not inside_payer and not _breaks_clause(context, cue.end, money_start, commas=False):
            return False
    return True


def _payer(
    context: DocumentContext,
    sentence: Sentence,
    index: int,
    claimed: set[int],
    previous: Sentence | None,
) -> Mention | None:
    """The payer named right after the amount ("from the region of Ryazan"), else the
    nearest one before it, else any left in the sentence, else a region or authority the
    sentence before names ("The governor of Kursk signed a decree. It is now 1.2 million")."""
    (_, money_start), (after_start, after_end) = _segments(sentence, index)
    candidates = [
        mention
        for mention in context.payers.within(sentence.span.start, sentence.span.end)
        if not sentence.in_brackets(mention.start, mention.end) and mention.start not in claimed
    ]
    # The other party to the contract pays only when nobody else is named.
    parties = [mention for mention in candidates if contract_party(context, mention)]
    mentions = [mention for mention in candidates if mention not in parties] or parties
    for mention in mentions:
        if (
            after_start <= mention.start < after_end
            and mention.start - after_start <= PAYER_AFTER
            and _introduced_by_link(context, after_start, mention.start)
            and not _breaks_clause(context, after_start, mention.start, brackets=False)
        ):
            claimed.add(mention.start)
            return mention
    # "the army" mostly names the service, not the payer: any other payer outranks it.
    before = [mention for mention in mentions if mention.end <= money_start]
    after = [mention for mention in mentions if mention.start >= after_start]
    for candidates in (before[::-1], after):
        for mention in candidates:
            if mention.label != context.vocab.default_payers["default"]:
                return mention
    fallback = before[::-1] + after
    if fallback:
        return fallback[0]
    if previous is None:
        return None
    authorities = [
        mention
        for mention in context.payers.within(previous.span.start, previous.span.end)
        if mention.region == mention.label and _governed(context, mention)
    ]
    return authorities[-1] if authorities else None


def _governed(context: DocumentContext, place: Mention) -> bool:
    """ "The governor of Kursk", "Власти Белгородской области": the place as an authority
    that can pay, not as where something happened ("In Moscow, leaflets appeared")."""
    before = context.authorities.within(max(0, place.start - AUTHORITY_GAP), place.start)
    after = context.authorities.within(place.end, place.end + AUTHORITY_GAP)
    return bool(before or after)


def _introduced_by_link(context: DocumentContext, start: int, end: int) -> bool:
    """The gap after an amount opens with "from", "in", "из" ... ("— из федерального бюджета")."""
    text = context.text
    while start < end and text[start] in LINK_PUNCTUATION:
        start += 1
    return context.vocab.payer_links.matches_at(text, start, end) is not None


def _refers_back(context: DocumentContext, sentence: Sentence) -> bool:
    """ "In Krasnodar Krai, it now amounts to 1 million", "Ранее она составляла 1 млн": the
    sentence speaks of a payment named before its first amount."""
    first = sentence.money[0].start if sentence.money else sentence.span.end
    return context.back_references.any_within(sentence.span.start, first)


def _relevant(context: DocumentContext, index: int, list_goes_on: bool, offer_before: bool) -> bool:
    """A sentence speaks of pay for service when it has a cue of its own, refers back to an
    offer just read (`offer_before`), or is a short item of a list introduced by one
    ("184,1 тыс. рублей рядовому:") or continuing one (`list_goes_on`). A currency ticker in
    a page header has none of these."""
    sentence = context.sentences[index]
    span = sentence.span
    if context.kind_cues.any_within(span.start, span.end):
        return True
    if context.payment_words.any_within(span.start, span.end):
        return True
    if context.service_cues.any_within(span.start, span.end):
        return True
    earlier = context.sentences[max(0, index - LOOKBACK_SENTENCES) : index]
    if _refers_back(context, sentence) and (
        offer_before
        or any(
            cue.index < STRONG
            for e in earlier
            for cue in context.kind_cues.within(e.span.start, e.span.end)
        )
    ):
        return True
    if span.end - span.start > LIST_ITEM_CHARS:
        return False
    header = bool(earlier) and context.text[earlier[-1].span.end - 1] == ":"
    return (
        list_goes_on
        or header
        or any(context.kind_cues.any_within(e.span.start, e.span.end) for e in earlier)
    )


def _target(
    context: DocumentContext,
    sentence: Sentence,
    money: Money,
    payer: Mention | None,
    kind: OfferKind,
    previous: Sentence | None,
) -> str:
    """The group named nearest the amount; else one the sentence before names ("Kazakh
    citizens are invited to serve. The one-off payment is ..."); else the document's."""
    specific = context.vocab.specific_targets
    mentions: list[PhraseMatch] = context.targets.within(sentence.span.start, sentence.span.end)
    earlier = (
        context.targets.within(previous.span.start, previous.span.end)
        if previous is not None
        else []
    )

    def nearest(candidates: list[PhraseMatch]) -> str | None:
        if not candidates:
            return None
        return min(
            candidates, key=lambda m: min(abs(m.start - money.end), abs(money.start - m.end))
        ).label

    def frequent(want_specific: bool, least: int = 2) -> str | None:
        counted = [
            (count, label)
            for label, count in context.target_counts.most_common()
            if (label in specific) == want_specific
        ]
        return counted[0][1] if counted and counted[0][0] >= least else None

    # A group the document names even once says more than the default.
    label = (
        nearest([m for m in mentions if m.label in specific])
        or next((m.label for m in reversed(earlier) if m.label in specific), None)
        or frequent(True)
        or nearest([m for m in mentions if m.label not in specific])
        or frequent(False)
        or frequent(False, least=1)
        or DEFAULT_TARGET
    )
    if "{region}" in label:
        region = payer.region if payer is not None and payer.region == payer.label else None
        # "Russian regions" pay, or no one region: the residents are regional ones.
        label = (
            label.replace("{region}", region)
            if region and region != "Russian regions"
            else label.replace("{region} ", "regional " if payer is not None else "local ")
        )
    if kind == "compensation" and _for_family(context, sentence, sentence.money.index(money)):
        label = f"families of {label}"
    return label


def read_offers(
    context: DocumentContext,
    doc_id: str,
    verdicts: Mapping[int, bool] | None = None,
    kinds: Mapping[int, OfferKind] | None = None,
) -> list[Offer]:
    """The offers of the document. From the learned scorer, by an amount's start: `verdicts`
    (keep it or not) overrule the rules' relevance tests, `kinds` stand in where no kind cue
    is near the amount. Payer and target are read the same way for every amount kept."""
    verdicts = verdicts or {}
    kinds = kinds or {}
    if not context.military and True not in verdicts.values():
        return []
    readings: list[Reading] = []
    story = _story_kind(context)
    by_money: dict[int, Reading] = {}
    kinds_by_sentence: dict[int, OfferKind] = {}
    for sentence_index, sentence in enumerate(context.sentences):
        claimed: set[int] = set()
        previous: Reading | None = None
        list_goes_on = sentence_index - 1 in kinds_by_sentence
        recent = [
            r for r in readings[-1:] if sentence_index - r.sentence_index <= LOOKBACK_SENTENCES
        ]
        last = recent[0] if recent else None
        relevant = bool(sentence.money) and _relevant(
            context, sentence_index, list_goes_on, last is not None
        )
        refers_back = last is not None and _refers_back(context, sentence)
        # An amount that follows another ("raised from X to Y": X follows Y) is read after it.
        order = sorted(
            range(len(sentence.money)), key=lambda i: sentence.money[i].follows is not None
        )
        for index in order:
            money = sentence.money[index]
            verdict = verdicts.get(money.start)
            if verdict is False or (verdict is None and not relevant):
                continue
            if money.follows is not None and id(money.follows) in by_money:
                base = by_money[id(money.follows)]
                reading = replace(base, money=money)
            else:
                if verdict is None and not _is_offer(context, sentence, index):
                    continue
                kind = _local_kind(context, sentence, index)
                local = kind is not None
                kind = kind or kinds.get(money.start)  # the scorer's, where no cue is near
                if kind in FAMILY_KINDS and _death_story_for_family(context, sentence_index):
                    kind = "compensation"  # "a one-off 5 million, shared by spouse and children"
                if kind is None and previous is not None:
                    kind = previous.kind
                header_before = sentence_index > 0 and _is_header(
                    context, context.sentences[sentence_index - 1]
                )
                kind = (
                    kind
                    or _context_kind(context, sentence_index)
                    or (None if header_before else kinds_by_sentence.get(sentence_index - 1))
                    or story
                )
                before = context.sentences[sentence_index - 1] if sentence_index else None
                payer = _payer(context, sentence, index, claimed, before)
                target = _target(context, sentence, money, payer, kind, before)
                reading = Reading(money, sentence, sentence_index, kind, local, payer, target)
            reading.previous = money.previous or _said_before(context, sentence, money)
            if last is not None and reading.payer is None and (refers_back or reading.previous):
                # The same payment named before: its payer and recipients carry over.
                reading.payer, reading.target = last.payer, last.target
            by_money[id(money)] = reading
            readings.append(reading)
            previous = reading
            kinds_by_sentence[sentence_index] = reading.kind
    setting = _setting_region(context, readings)
    payers = assign_payers(context, [_claim(reading) for reading in readings])
    return _deduplicate(
        [
            (_offer(context, reading, doc_id, payer, setting), _paid_by(reading, payer, paying))
            for reading, paying in zip(readings, payers, strict=True)
            for payer in paying
        ]
    )


def _story_kind(context: DocumentContext) -> OfferKind:
    """The kind of a payment the text names without one ("payments were raised to 1.1
    million"): the kind the document's cues name most, first named on a tie; death and
    injury words are left out, as a war story names them apart from any payment. Without
    any, a payment of no stated period is another payment."""
    counts: Counter[str] = Counter()
    counts.update(
        cue.label
        for cue in context.kind_cues.items
        if cue.index < STRONG and cue.label != "compensation"
    )
    return _kind(counts.most_common(1)[0][0]) if counts else "other_payment"


def _paid_by(reading: Reading, payer: Payer, paying: list[Payer]) -> Reading:
    """One amount for several payers is one offer each, told apart by the payer."""
    if len(paying) == 1 or reading.payer is None:
        return reading
    named = replace(reading.payer, label=payer.offered_by or reading.payer.label)
    return replace(reading, payer=named)


def _claim(reading: Reading) -> Claim:
    sentence = reading.sentence
    index = sentence.money.index(reading.money)
    (before_start, _), (_, after_end) = _segments(sentence, index)
    return Claim(
        reading.money,
        sentence,
        reading.sentence_index,
        reading.kind,
        reading.payer,
        before_start,
        after_end,
    )


def _setting_region(context: DocumentContext, readings: list[Reading]) -> str | None:
    """A region the story is set in but that pays nothing itself (a recruiting drive run
    from Sakhalin): it is where offers of "the army" come from. Capitals are left out, as
    "Moscow" mostly stands for the state."""
    paying = {reading.payer.label for reading in readings if reading.payer is not None}
    setting = {
        place.label
        for place in context.places_in_text
        if place.label not in paying and place.label not in context.vocab.capitals
    }
    return setting.pop() if len(setting) == 1 else None


def _offer(
    context: DocumentContext, reading: Reading, doc_id: str, payer: Payer, setting: str | None
) -> Offer:
    money, sentence = reading.money, reading.sentence
    offered_by, region = payer.offered_by, payer.region
    if offered_by == context.vocab.default_payers["default"]:
        region = setting or region
    usd = money.amount if money.currency == "USD" else None
    usd = usd or next((amount for code, amount in money.conversions if code == "USD"), None)
    military_here = context.service_cues.any_within(sentence.span.start, sentence.span.end)
    confidence = (
        0.4 + 0.25 * reading.kind_local + 0.2 * military_here + 0.15 * bool(money.conversions)
    )
    value = (money.start, _value_end(context.text, money))
    record_evidence = evidence(context, doc_id, sentence.span, value, f"offer.{reading.kind}")
    return Offer(
        previous=reading.previous,
        kind=reading.kind,
        amount=money.amount,
        amount_max=money.amount_max,
        currency=money.currency,
        usd_stated=usd,
        offered_by=offered_by,
        target=reading.target,
        region=region,
        payer_level=payer.level,
        payer_region=payer.code,
        evidence=record_evidence,
        confidence=round(min(confidence, 1.0), 2),
    )


def _value_end(text: str, money: Money) -> int:
    end = _covered_end(money)
    return end + 1 if money.conversions and text[end : end + 1] in {")", "]"} else end


def _deduplicate(pairs: list[tuple[Offer, Reading]]) -> list[Offer]:
    """One record per offer: a headline "$5,200 sign-on bonus" restating "495,000 rubles
    ($5,200)", or a repeat of the same amount, is dropped in favour of the mention that
    says most (a stated conversion, its own kind cue, a named payer)."""

    def richness(pair: tuple[Offer, Reading]) -> tuple[bool, bool, bool, bool, int]:
        offer, reading = pair
        return (
            offer.currency == "USD",
            offer.usd_stated is None,
            not reading.kind_local,
            reading.payer is None,
            offer.evidence.start,
        )

    kept: list[tuple[Offer, Reading]] = []
    # Indexes keep this linear: a long channel dump has thousands of amounts.
    by_value: dict[tuple[float, float | None, str], list[tuple[Offer, Reading]]] = {}
    by_payer: dict[tuple[float, float | None, str, str | None], list[tuple[Offer, Reading]]] = {}
    unpaid: dict[tuple[float, float | None, str], list[tuple[Offer, Reading]]] = {}
    converted_by_kind: dict[str, list[tuple[Offer, Reading]]] = {}
    for pair in sorted(pairs, key=richness):
        offer, reading = pair
        key = (offer.amount, offer.amount_max, offer.currency)
        named = _named_payer(reading)
        if named is None:
            candidates = by_value.get(key, [])
        else:
            candidates = by_payer.get((*key, named), []) + unpaid.get(key, [])
        if offer.currency == "USD":
            candidates = candidates + converted_by_kind.get(offer.kind, [])
        if any(_same_offer(pair, other) for other in candidates):
            continue
        kept.append(pair)
        by_value.setdefault(key, []).append(pair)
        by_payer.setdefault((*key, named), []).append(pair)
        if named is None:
            unpaid.setdefault(key, []).append(pair)
        if offer.currency != "USD" and offer.usd_stated is not None:
            converted_by_kind.setdefault(offer.kind, []).append(pair)
    return sorted(
        (offer for offer, _ in _fold_headline_dollars(kept)),
        key=lambda o: (o.evidence.start, o.evidence.value_start),
    )


def _fold_headline_dollars(pairs: list[tuple[Offer, Reading]]) -> list[tuple[Offer, Reading]]:
    """A headline that gives the story's offer in dollars ("more than $3,000 a month") while
    the body gives it in roubles: the dollars are the body offer's stated conversion."""
    kept = list(pairs)
    for pair in pairs:
        offer, _ = pair
        if offer.currency != "USD" or offer.evidence.start >= HEADLINE_CHARS:
            continue
        twin = next(
            (
                index
                for index, (other, _) in enumerate(kept)
                if other.currency != "USD" and other.kind == offer.kind and other.usd_stated is None
            ),
            None,
        )
        if twin is not None:
            other, other_reading = kept[twin]
            kept[twin] = (replace(other, usd_stated=offer.amount), other_reading)
            kept.remove(pair)
    return kept


def _named_payer(reading: Reading) -> str | None:
    """The payer the sentence names: repeats are told apart by it, not by a payer inferred
    from elsewhere in the document."""
    return reading.payer.label if reading.payer is not None else None


def _same_offer(pair: tuple[Offer, Reading], other_pair: tuple[Offer, Reading]) -> bool:
    (offer, reading), (other, other_reading) = pair, other_pair
    if offer.kind != other.kind and reading.kind_local and other_reading.kind_local:
        return False
    # A replaced level and a current one, or a federal and a regional payment, of the
    # same amount are two offers.
    if offer.previous != other.previous:
        return False
    levels = {offer.payer_level, other.payer_level}
    named = _named_payer(reading) is not None and _named_payer(other_reading) is not None
    if named and len(levels) == 2 and None not in levels:
        return False
    if offer.currency == "USD" and other.currency != "USD" and other.usd_stated is not None:
        return (
            offer.kind == other.kind
            and abs(offer.amount - other.usd_stated) <= 0.005 * other.usd_stated
        )
    if (offer.amount, offer.amount_max, offer.currency) != (
        other.amount,
        other.amount_max,
        other.currency,
    ):
        return False
    return (
        _named_payer(reading) is None
        or _named_payer(other_reading) is None
        or _named_payer(reading) == _named_payer(other_reading)
    )
