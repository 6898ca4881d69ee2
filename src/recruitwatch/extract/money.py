"""The grammar of numbers and money: quantities, currencies, ranges and stated conversions.

No library reads this grammar: quantulum3 takes "($5,200)" for minus 5,200 and knows neither
"495k rubles" nor a conversion in brackets, so it is written here, driven by lang/*.yaml.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from recruitwatch.extract.vocabulary import Vocabulary
from recruitwatch.lang import KIND_ORDER, PhraseSet

OPEN_BRACKET = re.compile(r"\s*[(\[]\s*")
CLOSE_BRACKET = re.compile(r"[^()\[\]]{0,60}?[)\]]")
# Up to two words may stand between an amount and its bracketed conversion.
BRACKET_GAP = re.compile(
    r"[\s\u00a0]*(?:[^\W\d]+[\s\u00a0-]+){0,2}?[(\[](?P<inside>[^()\[\]\d]{0,20})"
)


@dataclass(frozen=True, slots=True)
class Quantity:
    start: int
    end: int
    value: float
    magnitude: float | None  # the multiplier a magnitude word gave, if any
    percent: bool = False


@dataclass(slots=True)
class Money:
    start: int
    end: int
    amount: float
    currency: str
    amount_max: float | None = None
    conversions: list[tuple[str, float]] = field(default_factory=list)
    covered: list[tuple[int, int]] = field(default_factory=list)  # every span it consumed
    follows: Money | None = None  # the amount a bare "from 800,000" continues
    previous: bool = False  # a level the text says was replaced ("raised from X to Y": X)


PERIOD_KINDS = frozenset({"monthly_pay", "other_payment"})  # "a month", "a year" sit between
STRIPPED = frozenset(" ,\u00a0\n\t")


def _digits_value(digits: str, decimal: str) -> float:
    cleaned = re.sub(r"[\s\u00a0\u202f\u2009]", "", digits)
    if decimal == ".":
        cleaned = cleaned.replace(",", "")
    else:
        # A dot or space groups thousands; the comma is the decimal mark.
        if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", cleaned):
            cleaned = cleaned.replace(".", "")
        cleaned = cleaned.replace(",", ".")
    return float(cleaned)


def _magnitude(word: str | None, vocab: Vocabulary) -> float | None:
    if not word:
        return None
    return vocab.magnitudes.get(word.strip(" -").lower().rstrip("."))


def find_quantities(text: str, start: int, end: int, vocab: Vocabulary) -> list[Quantity]:
    """Every number in text[start:end], expanded by its magnitude word ("5.2 million"),
    with number words summed ("двести пятьдесят") and mixed forms joined ("2 млн 400 тыс.")."""
    found: list[Quantity] = []
    for match in vocab.quantity.finditer(text, start, end):
        magnitude = _magnitude(match.group("nummag"), vocab)
        value = _digits_value(match.group("num"), vocab.decimal_mark)
        found.append(_quantity(text, match.start(), match.end(), end, value, magnitude, vocab))
    found.extend(_word_quantities(text, start, end, vocab))
    ordered: list[Quantity] = []
    for quantity in sorted(found, key=lambda q: (q.start, -q.end)):
        if quantity.value <= 0 or (ordered and quantity.start < ordered[-1].end):
            continue  # "тысяч" inside "пяти тысяч" is not a number of its own
        if ordered and _continues(text, ordered[-1], quantity):
            previous = ordered.pop()
            quantity = Quantity(
                previous.start,
                quantity.end,
                previous.value + quantity.value,
                previous.magnitude,
                quantity.percent,
            )
        ordered.append(quantity)
    return ordered


def _continues(text: str, larger: Quantity, smaller: Quantity) -> bool:
    """ "2 млн 400 тыс.", "26 тысяч 700", "1 million 200 thousand": one number."""
    return (
        larger.magnitude is not None
        and not larger.percent
        and smaller.value < larger.magnitude
        and not text[larger.end : smaller.start].strip()
    )


def _word_quantities(text: str, start: int, end: int, vocab: Vocabulary) -> list[Quantity]:
    """Number words, consecutive ones summed while each is smaller than the one before
    ("twenty five", "двести пятьдесят три"), then scaled by a magnitude word."""
    found: list[Quantity] = []
    words = list(vocab.number_words.finditer(text, start, end))
    index = 0
    while index < len(words):
        first = words[index]
        value, stop, smallest = float(first.label), first.end, float(first.label)
        while index + 1 < len(words):
            following = words[index + 1]
            part = float(following.label)
            if text[stop : following.start].strip() or part >= smallest or smallest < 10:
                break
            value, stop, smallest = value + part, following.end, part
            index += 1
        after = vocab.magnitude_after_words.match(text, stop, end)
        magnitude = _magnitude(after.group("mag"), vocab) if after else None
        found.append(
            _quantity(
                text, first.start, after.end() if after else stop, end, value, magnitude, vocab
            )
        )
        index += 1
    return found


def _quantity(
    text: str,
    start: int,
    stop: int,
    limit: int,
    value: float,
    magnitude: float | None,
    vocab: Vocabulary,
) -> Quantity:
    # "12%", "12 percent", "75 пайызы": at most one space before the percent word.
    gap = 1 if text[stop : stop + 1] in {" ", "\u00a0"} else 0
    word = vocab.percent_words.matches_at(text, stop + gap, limit)
    percent = word is not None and word.start == stop + gap
    if word is not None and percent:
        stop = word.end
    return Quantity(start, stop, value * (magnitude or 1.0), magnitude, percent)


def _currency_before(
    text: str, quantity: Quantity, floor: int, vocab: Vocabulary
) -> tuple[str, int] | None:
    window_start = max(floor, quantity.start - 12)
    best: tuple[str, int] | None = None
    for match in vocab.currency_before.finditer(text, window_start, quantity.start):
        gap = text[match.end : quantity.start]
        if gap.strip() == "" and len(gap) <= 1:
            best = (match.label, match.start)
    return best


def _currency_after(
    text: str, position: int, limit: int, vocab: Vocabulary
) -> tuple[str, int] | None:
    gap = re.compile(r"[ \u00a0-]?").match(text, position, limit)
    cursor = gap.end() if gap else position
    match = vocab.currency_after.matches_at(text, cursor, limit)
    return (match.label, match.end) if match else None


def resolve_symbol(code: str, symbol: str, document_text: str, vocab: Vocabulary) -> str:
    """`Rs` is rupees of India, Nepal, Pakistan or Sri Lanka: the document's words decide."""
    options = vocab.ambiguous_symbols.get(symbol)
    if not options:
        return code
    for option_code, cues in options:
        if cues.search(document_text):
            return option_code
    return options[0][0]


def find_money(
    text: str,
    start: int,
    end: int,
    vocab: Vocabulary,
    quantities: list[Quantity],
    *,
    change_goes_on: bool = False,
) -> list[Money]:
    """Money amounts in text[start:end] with ranges joined and stated conversions folded in.

    A conversion in brackets or after "approximately"/"or about" is part of the amount it
    follows, never a second amount: "495,000 rubles ($5,200)" is one Money with a USD
    conversion. After a verb of change "from X to Y" is two amounts, X the replaced level;
    `change_goes_on` says the sentence before was such a change ("In Tatarstan, from 3.1
    million to 800,000 rubles.").
    """
    raw: list[Money] = []
    for quantity in quantities:
        if quantity.percent:
            continue
        money = _attach_currency(text, quantity, start, end, vocab)
        if money is not None:
            raw.append(money)
    raw = _join_ranges(text, raw, quantities, start, vocab, change_goes_on)
    raw = _reach_ranges(text, raw, quantities, start, vocab)
    merged = _fold_conversions(text, raw, vocab)
    merged.extend(_previous_levels(text, merged, quantities, vocab))
    carried = _carried(text, merged, quantities, vocab)
    if carried:  # "from 3.1 to 1.9 million", the currency given earlier in the sentence
        merged = _join_ranges(text, merged + carried, quantities, start, vocab)
    merged.sort(key=lambda money: money.start)
    return merged


def _attach_currency(
    text: str, quantity: Quantity, floor: int, limit: int, vocab: Vocabulary
) -> Money | None:
    before = _currency_before(text, quantity, floor, vocab)
    if before is not None:
        code, symbol_start = before
        symbol = text[symbol_start : quantity.start].strip()
        code = resolve_symbol(code, symbol, text, vocab)
        return Money(
            symbol_start, quantity.end, quantity.value, code, covered=[(symbol_start, quantity.end)]
        )
    after = _currency_after(text, quantity.end, limit, vocab)
    if after is not None:
        code, stop = after
        return Money(quantity.start, stop, quantity.value, code, covered=[(quantity.start, stop)])
    # "195,000 ($2,260) rubles": the currency word comes after a bracketed conversion.
    opening = OPEN_BRACKET.match(text, quantity.end, limit)
    if opening and text[opening.start() : opening.end()].strip()[:1] in "([":
        closing = CLOSE_BRACKET.match(text, opening.end(), limit)
        if closing:
            after = _currency_after(text, closing.end(), limit, vocab)
            if after is not None:
                code, stop = after
                return Money(
                    quantity.start, stop, quantity.value, code, covered=[(quantity.start, stop)]
                )
    return None


def _gap_is(text: str, start: int, end: int, phrases: PhraseSet) -> bool:
    """True when text[start:end], less spaces and commas, is exactly one of the phrases."""
    while start < end and text[start] in STRIPPED:
        start += 1
    while end > start and text[end - 1] in STRIPPED:
        end -= 1
    if start == end:
        return False
    match = phrases.matches_at(text, start, end)
    return match is not None and match.end == end


def _bare_upper(text: str, lower: Money, quantity: Quantity) -> Money | None:
    """The upper bound of "$5,600-11,200", in the lower bound's currency: a larger bare
    number right after a dash."""
    if quantity.percent or text[lower.end : quantity.start].strip() not in {"-", "–", "—"}:
        return None
    if not lower.amount < quantity.value <= lower.amount * 100:
        return None
    return Money(quantity.start, quantity.end, quantity.value, lower.currency)


def _join_ranges(
    text: str,
    found: list[Money],
    quantities: list[Quantity],
    floor: int,
    vocab: Vocabulary,
    change_goes_on: bool = False,
) -> list[Money]:
    """Ranges: "from 200,000 to 500,000 rubles", "200,000-500,000 rubles",
    "Rs 900,000 to Rs 1.4 million". After a verb of change ("raised from 1.5 to 2.4
    million") the pair is the replaced level, following the new one, and the new one."""
    by_start = {money.start: money for money in found}
    money_of_quantity = {}
    for quantity in quantities:
        for money in found:
            if money.start <= quantity.start and quantity.end <= money.end:
                money_of_quantity[quantity.start] = money
    joined: list[Money] = []
    changes: list[Money] = []
    consumed: set[int] = set()
    for index, quantity in enumerate(quantities[:-1]):
        upper_quantity = quantities[index + 1]
        upper = money_of_quantity.get(upper_quantity.start)
        lower = money_of_quantity.get(quantity.start)
        if upper is None and lower is not None:
            upper = _bare_upper(text, lower, upper_quantity)  # "$5,600-11,200"
        if upper is None or quantity.percent or upper is lower:
            continue
        if lower is not None and (
            lower.currency != upper.currency or lower.end > upper_quantity.start
        ):
            continue
        gap_start = lower.end if lower is not None else quantity.end
        gap_end = upper.start
        # "30 000-нан 40 000 теңгеге дейін": the lower bound's own ending says "from".
        suffixed = (
            lower is None
            and not text[gap_start:gap_end].strip()
            and vocab.range_openers.search(text, quantity.start, quantity.end) is not None
        )
        if not (suffixed or _gap_is(text, gap_start, gap_end, vocab.range_joiners)):
            continue
        dash = text[gap_start:gap_end].strip() in {"-", "–", "—"}
        opener = vocab.range_openers.search(text, max(floor, quantity.start - 12), quantity.end)
        if not (dash or opener or lower is not None):
            continue
        if not opener and vocab.clause_joiners.search(text, gap_start, gap_end) is not None:
            continue  # "1.1 million and 1 million rubles" is a list; "between X and Y" a range
        low_value = quantity.value
        if quantity.magnitude is None and upper_quantity.magnitude and quantity.value < 1000:
            low_value = quantity.value * upper_quantity.magnitude  # "from 1 to 1.5 million"
        decreasing = low_value > upper.amount  # "cut from 3.6 million to 400,000"
        if decreasing or (
            opener
            and (change_goes_on or vocab.change_words.search(text, floor, opener.start) is not None)
        ):
            # A change of level: the replaced one follows the new one; two amounts.
            if lower is None:
                span = (quantity.start, quantity.end)
                lower = Money(*span, low_value, upper.currency, covered=[span])
                changes.append(lower)
            lower.previous, lower.follows = True, upper
            continue
        start = lower.start if lower is not None else quantity.start
        joined.append(
            Money(
                start,
                upper.end,
                low_value,
                upper.currency,
                amount_max=upper.amount,
                covered=[(start, upper.end)],
            )
        )
        consumed.update({upper.start} | ({lower.start} if lower is not None else set()))
    kept = [money for start, money in by_start.items() if start not in consumed]
    return sorted(kept + joined + changes, key=lambda money: money.start)


REACH_GAP = 60  # characters between "from 40,000" and "can reach 90,000"


def _reach_ranges(
    text: str, found: list[Money], quantities: list[Quantity], floor: int, vocab: Vocabulary
) -> list[Money]:
    """ "от 40 тысяч рублей, а опытный боец может достигать 90 тысяч": an amount opened by
    "from" and a larger one after a verb of reaching are one range, the second one in the
    first one's currency if it names none."""
    by_start = {money.start: money for money in found}
    dropped: set[int] = set()
    for money in found:
        if money.amount_max is not None or money.previous or money.start in dropped:
            continue
        if vocab.range_openers.search(text, max(floor, money.start - 12), money.start) is None:
            continue
        following = next((q for q in quantities if q.start >= money.end), None)
        if following is None or following.start - money.end > REACH_GAP or following.percent:
            continue
        gap = text[money.end : following.start]
        if any(mark in gap for mark in ";.!?()"):
            continue
        reach = [match for match in vocab.reach_words.finditer(text, money.end, following.start)]
        if not reach or text[reach[-1].end : following.start].strip():
            continue
        upper = by_start.get(following.start)
        if upper is not None and upper.currency != money.currency:
            continue
        value = upper.amount if upper is not None else following.value
        if not money.amount < value <= money.amount * 100:
            continue
        stop = upper.end if upper is not None else following.end
        money.amount_max = value
        money.covered.append((following.start, stop))
        if upper is not None:
            dropped.add(upper.start)
    return [money for money in found if money.start not in dropped]


def _fold_conversions(text: str, found: list[Money], vocab: Vocabulary) -> list[Money]:
    merged: list[Money] = []
    for money in found:
        primary = merged[-1] if merged else None
        if primary is not None and _is_conversion(text, primary, money, vocab):
            primary.conversions.append((money.currency, money.amount))
            primary.covered.extend(money.covered)
            if money.end > primary.end and not _inside_primary(primary, money):
                primary.covered.append((primary.end, money.end))
            continue
        merged.append(money)
    return merged


def _inside_primary(primary: Money, money: Money) -> bool:
    return primary.start <= money.start and money.end <= primary.end


def _is_conversion(text: str, primary: Money, money: Money, vocab: Vocabulary) -> bool:
    if _inside_primary(primary, money):
        return True  # "195,000 ($2,260) rubles"
    if money.start < primary.end:
        return False
    start = primary.end
    period = vocab.kind_cues.matches_at(text, start, money.start)
    if period is not None and period.label in PERIOD_KINDS:
        start = period.end  # "200,000 rubles a month, roughly $2,200"
    gap = text[start : money.start]
    bracket = BRACKET_GAP.fullmatch(gap)
    if bracket is not None:
        # "($5,200)", "(over $4,600)", "200,000 roubles payment (£2,383)"
        inside = bracket.group("inside")
        if not inside.strip():
            return True
        opening = start + bracket.start("inside")
        return _gap_is(text, opening, money.start, vocab.approximators)
    return _gap_is(text, start, money.start, vocab.conversion_links)


def _previous_levels(
    text: str, found: list[Money], quantities: list[Quantity], vocab: Vocabulary
) -> list[Money]:
    """ "upped the payment to 2.6 million rubles from 800,000": the bare number takes the
    currency (and the meaning) of the amount it follows."""
    extra: list[Money] = []
    for money in found:
        for quantity in quantities:
            if quantity.start <= money.end or quantity.percent:
                continue
            if any(
                start <= quantity.start < stop for other in found for start, stop in other.covered
            ):
                break
            if _gap_is(text, money.end, quantity.start, vocab.previous_level_links):
                value = quantity.value
                if quantity.magnitude is None and value < 1000 <= money.amount:
                    break  # "from 2022": a year or a small count, not an amount
                extra.append(
                    Money(
                        quantity.start,
                        quantity.end,
                        value,
                        money.currency,
                        covered=[(quantity.start, quantity.end)],
                        follows=money,
                        previous=True,
                    )
                )
            break
    return extra


def _carried(
    text: str, found: list[Money], quantities: list[Quantity], vocab: Vocabulary
) -> list[Money]:
    """ "Samara pays 800k rubles, while Penza pays 300k": a bare amount with a magnitude word
    after an amount in the same sentence is in that amount's currency, unless it counts
    people ("300 thousand reservists"). Before an amount, one with the same magnitude word
    is ("decided to pay 3.1 million and cut it to 1.9 million rubles")."""
    extra: list[Money] = []
    for quantity in quantities:
        if quantity.magnitude is None or quantity.percent:
            continue
        if any(start <= quantity.start < stop for money in found for start, stop in money.covered):
            continue
        if _people_noun_after(text, quantity, vocab):
            continue
        earlier = [money for money in found if money.end <= quantity.start]
        later = [
            money
            for money in found
            if money.start >= quantity.end
            and any(
                money.start <= other.start < money.end and other.magnitude == quantity.magnitude
                for other in quantities
            )
        ]
        source = earlier[-1] if earlier else later[0] if later else None
        if source is None:
            continue
        extra.append(
            Money(
                quantity.start,
                quantity.end,
                quantity.value,
                source.currency,
                covered=[(quantity.start, quantity.end)],
            )
        )
    return extra


DOCUMENT_CURRENCY_SHARE = 0.8  # of a document's amounts, for its currency to go without saying


def carry_document_currency(
    text: str, sentences: list[tuple[list[Quantity], list[Money]]], vocab: Vocabulary
) -> list[list[Money]]:
    """Bare amounts in the currency the document speaks in: "the 195,000 one-time payment".
    Only an amount a payment word governs (a strong kind cue right before or after it) and
    that counts no people; only where nearly all of the document's amounts are in one
    currency. Returns the extra amounts per sentence."""
    currencies = Counter(money.currency for _, found in sentences for money in found)
    total = sum(currencies.values())
    if not total:
        return [[] for _ in sentences]
    currency, count = currencies.most_common(1)[0]
    if count < DOCUMENT_CURRENCY_SHARE * total:
        return [[] for _ in sentences]
    extra: list[list[Money]] = []
    for quantities, found in sentences:
        covered = [span for money in found for span in money.covered]
        added: list[Money] = []
        for quantity in quantities:
            if quantity.percent or (quantity.magnitude is None and quantity.value < 1000):
                continue
            if quantity.magnitude is None and _looks_like_a_year(text, quantity):
                continue
            if any(start <= quantity.start < stop for start, stop in covered):
                continue
            if _counts_people(text, quantity, vocab):
                continue
            if not _governed_by_payment(text, quantity, vocab):
                continue
            span = (quantity.start, quantity.end)
            added.append(Money(*span, quantity.value, currency, covered=[span]))
        extra.append(added)
    return extra


NEAR_CUE = 25  # characters between a bare amount and the payment word governing it


def _counts_people(text: str, quantity: Quantity, vocab: Vocabulary) -> bool:
    """ "15,000 volunteers", "800 thousand new recruits": a people-noun at most one word on;
    "the number of inmates has fallen to 420,000": one shortly before."""
    if vocab.figure_nouns.search(text, max(0, quantity.start - 40), quantity.start):
        return True
    return _people_noun_after(text, quantity, vocab)


def _people_noun_after(text: str, quantity: Quantity, vocab: Vocabulary) -> bool:
    """ "300 thousand reservists", "800 thousand new recruits": a people-noun at most one
    word on; "3.1 million to each contract soldier" is paid to them, not counting them."""
    noun = vocab.figure_nouns.search(text, quantity.end, quantity.end + 40)
    if noun is None:
        return False
    gap = text[quantity.end : noun.start]
    return all(char.isalnum() or char in " -\u00a0" for char in gap) and len(gap.split()) <= 1


def _looks_like_a_year(text: str, quantity: Quantity) -> bool:
    digits = text[quantity.start : quantity.end]
    return digits.isdigit() and 1900 <= quantity.value <= 2100


def _governed_by_payment(text: str, quantity: Quantity, vocab: Vocabulary) -> bool:
    """A strong kind cue right before or after the amount ("the 195,000 one-time payment")."""
    before = vocab.kind_cues.matches(text, max(0, quantity.start - NEAR_CUE), quantity.start)
    after = vocab.kind_cues.matches(text, quantity.end, quantity.end + NEAR_CUE)
    return any(cue.index < len(KIND_ORDER) for cue in before + after)
