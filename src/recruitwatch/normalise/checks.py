"""Checks of what a text states against something independent of it: an official exchange rate,
arithmetic, the calendar. A check reports; it never changes the record it checks."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from recruitwatch.model import Check, Figure, Offer, RecordDate
from recruitwatch.normalise.rates import NoRate, RateTable

STATED_CONVERSION = "stated_conversion"
SHARE_ARITHMETIC = "share_arithmetic"
DATE = "date"


def stated_conversion(offer: Offer, rates: RateTable, day: date | None, tolerance: float) -> Check:
    """Compare the rate implied by a stated USD conversion with the official rate of `day` (the
    document's date: when the writer converted). Flagged beyond `tolerance`, never corrected."""
    if offer.usd_stated is None:
        return Check(STATED_CONVERSION, "n/a", "the text states no USD conversion")
    if offer.currency == "USD":
        return Check(STATED_CONVERSION, "n/a", "the amount is in USD already")
    if offer.usd_stated <= 0:
        return Check(STATED_CONVERSION, "flag", f"stated conversion ${offer.usd_stated:,g}")
    if day is None:
        return Check(STATED_CONVERSION, "n/a", "no document date to take the official rate from")
    try:
        rate = rates.rate(offer.currency, "USD", day)
    except NoRate as exc:
        return Check(STATED_CONVERSION, "n/a", f"no rate: {exc}")
    official = 1 / rate.value
    implied = offer.amount / offer.usd_stated
    deviation = implied / official - 1
    unit = f"{offer.currency}/USD"
    detail = (
        f"{offer.amount:,.0f} {offer.currency} = ${offer.usd_stated:,.0f} implies"
        f" {_rate(implied)} {unit}; {rate.source} rate of {rate.date} is {_rate(official)} {unit}"
        f" ({deviation:+.1%})"
    )
    if abs(deviation) > tolerance:
        detail += f": more than {tolerance:.0%} off; the stated figure is kept as written"
        return Check(STATED_CONVERSION, "flag", detail, implied, official, deviation)
    return Check(STATED_CONVERSION, "ok", detail, implied, official, deviation)


def date_check(record_date: RecordDate) -> Check:
    if record_date.reason and record_date.value is not None:
        return Check(DATE, "flag", record_date.reason)
    if record_date.value is None:
        return Check(DATE, "n/a", record_date.reason or "no date")
    source = f"from {record_date.phrase!r}" if record_date.phrase else "the document's date"
    return Check(DATE, "ok", f"{record_date.value} ({record_date.precision}), {source}")


def share_checks(figures: list[Figure], tolerance: float) -> dict[int, Check]:
    """For each percentage stated in a sentence with a count and a total ("3,500 people, or 5%
    of its 70,000"), whether count / total gives it; keyed by the figure's index."""
    by_sentence: dict[tuple[int, int], list[int]] = defaultdict(list)
    for index, figure in enumerate(figures):
        by_sentence[(figure.evidence.start, figure.evidence.end)].append(index)
    checks: dict[int, Check] = {}
    for indices in by_sentence.values():
        people = sorted({figures[i].quantity for i in indices if figures[i].unit == "people"})
        for index in indices:
            if figures[index].unit == "percent":
                checks[index] = _share(figures[index].quantity, people, tolerance)
    return checks


def _share(percent: float, people: list[float], tolerance: float) -> Check:
    pairs = [(part, whole) for i, whole in enumerate(people) for part in people[:i] if whole > 0]
    if not pairs:
        return Check(SHARE_ARITHMETIC, "n/a", "no count and total stated with the percentage")
    # A rounded "18%" stands for anything from 17.5 to 18.5.
    slack = max(0.5 * 10.0 ** _exponent(percent), tolerance * percent)
    part, whole = min(pairs, key=lambda pair: abs(pair[0] / pair[1] * 100 - percent))
    implied = part / whole * 100
    detail = f"{part:,.0f} of {whole:,.0f} is {implied:.3g}%; the text says {percent:g}%"
    deviation = implied / percent - 1 if percent else None
    if abs(implied - percent) > slack:
        return Check(SHARE_ARITHMETIC, "flag", detail, percent, implied, deviation)
    return Check(SHARE_ARITHMETIC, "ok", detail, percent, implied, deviation)


def _exponent(value: float) -> int:
    exponent = Decimal(repr(value)).normalize().as_tuple().exponent
    return exponent if isinstance(exponent, int) else 0


def _rate(value: float) -> str:
    return f"{value:,.2f}" if value >= 1 else f"{value:.6f}"
