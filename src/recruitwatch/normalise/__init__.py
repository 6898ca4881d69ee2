"""Normalise stage: dates, official-rate conversions and checks for each record of a document.

    Extraction -> normalise_extraction -> Extraction with offer_notes / figure_notes

Pure like extraction: the rates are reference data handed in, nothing is fetched or stored.
Each offer gets the date it refers to (and the offer's `date` becomes it), its amount in USD and
RUB at the official rate of that date (or "no rate" and why), and its checks. These are the
only derived values: the store keeps them as they are (record date, month, USD, RUB) and every
output reads them from there; no other stage computes them again.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from functools import cached_property
from pathlib import Path

from recruitwatch.model import Conversion, Extraction, FigureNotes, Offer, OfferNotes, RecordDate
from recruitwatch.normalise.checks import date_check, share_checks, stated_conversion
from recruitwatch.normalise.dates import check_published, resolve
from recruitwatch.normalise.rates import RateTable
from recruitwatch.settings import DEFAULT_TOLERANCE, Settings


def normalise_extraction(
    extraction: Extraction,
    rates: RateTable,
    *,
    tolerance: float = DEFAULT_TOLERANCE,
    today: date | None = None,
) -> Extraction:
    """The extraction with each record dated, converted and checked."""
    document = extraction.document
    published = check_published(document.published, today or date.today())
    offers: list[Offer] = []
    offer_notes: list[OfferNotes] = []
    for offer in extraction.offers:
        when = resolve(offer.evidence, published, document.language)
        rate_day = _rate_day(when, published)
        offer_notes.append(
            OfferNotes(
                date=when,
                usd=_convert(offer, "USD", rates, rate_day, when),
                rub=_convert(offer, "RUB", rates, rate_day, when),
                checks=[
                    date_check(when),
                    stated_conversion(offer, rates, published.value, tolerance),
                ],
            )
        )
        offers.append(replace(offer, date=when.value))
    shares = share_checks(extraction.figures, tolerance)
    figure_dates = [resolve(f.evidence, published, document.language) for f in extraction.figures]
    figure_notes = [
        FigureNotes(date=when, checks=[date_check(when), *([shares[i]] if i in shares else [])])
        for i, when in enumerate(figure_dates)
    ]
    return replace(
        extraction,
        offers=offers,
        figures=[
            replace(f, date=when.value)
            for f, when in zip(extraction.figures, figure_dates, strict=True)
        ],
        offer_notes=offer_notes,
        figure_notes=figure_notes,
    )


def _rate_day(when: RecordDate, published: RecordDate) -> date | None:
    # An offer dated by the text converts at that date's rate; one announced for later converts
    # at the publication date's, since no rate exists yet for a future day.
    if when.value is None or published.value is None:
        return when.value
    return min(when.value, published.value)


def _convert(
    offer: Offer, target: str, rates: RateTable, day: date | None, when: RecordDate
) -> Conversion:
    if offer.currency.upper() == target:
        # An amount in roubles is that many roubles on any day: no rate, no date needed.
        return Conversion(target, offer.amount, offer.amount_max)
    if day is None:
        return Conversion(target, None, reason=f"no rate: {when.reason or 'no date'}")
    return rates.convert(offer.amount, offer.amount_max, offer.currency, target, day)


class Normaliser:
    """`normalise_extraction` with its settings; the rates load on first use, once."""

    def __init__(
        self, *, rates_file: Path | None = None, tolerance: float = DEFAULT_TOLERANCE
    ) -> None:
        self.rates_file = rates_file
        self.tolerance = tolerance

    @classmethod
    def from_settings(cls, settings: Settings) -> Normaliser:
        return cls(rates_file=settings.rates_file, tolerance=settings.conversion_tolerance)

    @cached_property
    def rates(self) -> RateTable:
        return RateTable.load(self.rates_file)

    def __call__(self, extraction: Extraction) -> Extraction:
        return normalise_extraction(extraction, self.rates, tolerance=self.tolerance)


__all__ = ["Normaliser", "RateTable", "normalise_extraction"]
