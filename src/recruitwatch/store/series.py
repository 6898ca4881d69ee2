"""Chart data: dated offers of one kind over time, from the same filters as the offers table.

While the filters leave few enough offers, one row per offer (a chart draws each, linked to its
evidence); beyond that, one row per period and series (payer or region) at the period's mean,
the series past the largest seven folded into "other". The period is a month, or a quarter when
the offers span more than two years (a mark per series and month would crowd the chart).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from recruitwatch.store.browse import Reader
from recruitwatch.store.filters import OFFER_DATE, OFFER_RUB, OFFER_USD, OfferFilters, offer_where

CHART_KINDS = ("signing_bonus", "monthly_pay")
# What colours a chart's marks.
# The payer as written splits one payer into several ("Russian military", "MoD"); its level
# (federal, regional...) and the paying region's ISO code do not.
CHART_SERIES = {
    "payer": "offers.offered_by",
    "region": "offers.region",
    "level": "offers.payer_level",
    "paying_region": "offers.payer_region",
}
# Above this many dated offers a chart shows means per period: thousands of dots are a smudge,
# and the page would carry a link per dot.
MAX_POINTS = 400
# Longer spans are binned by quarter.
MONTHLY_SPAN = 24
# Series a chart can tell apart by colour; the rest are one grey "other".
MAX_SERIES = 7
OTHER = "other"
NOT_STATED = "not stated"


@dataclass(frozen=True, slots=True)
class ChartRow:
    """An offer, or a month's mean of one series (then `id` is None and `n` counts offers)."""

    id: int | None
    document_id: str | None
    day: date
    usd: float | None
    rub: float | None
    series: str
    n: int = 1


@dataclass(frozen=True, slots=True)
class ChartData:
    rows: list[ChartRow]
    total: int  # dated offers of the kind that match the filters
    period: str | None  # "month" or "quarter" when rows are means, None when offers


def chart_data(reader: Reader, filters: OfferFilters, series: str) -> dict[str, ChartData]:
    """Per charted kind, its rows; `series` is a key of CHART_SERIES."""
    column = CHART_SERIES[series]
    where = offer_where(filters, reader.dialect)
    where.add(f"{OFFER_DATE} IS NOT NULL")
    # One scan sums every (kind, series, month), in the order of the offers_by_payer (or
    # offers_by_region) index, so nothing is sorted: the means when a kind has many offers,
    # and its count either way.
    marks = ", ".join("?" * len(CHART_KINDS))
    grouped = reader.select(
        f"SELECT offers.kind AS kind, {column} AS series, offers.record_month AS month,"
        f" sum({OFFER_USD}) AS usd, count({OFFER_USD}) AS usd_n,"
        f" sum({OFFER_RUB}) AS rub, count({OFFER_RUB}) AS rub_n, count(*) AS n"
        f" FROM offers{where.sql()} AND offers.kind IN ({marks})"
        f" GROUP BY offers.kind, {column}, offers.record_month",
        [*where.params, *CHART_KINDS],
    )
    found: dict[str, ChartData] = {}
    for kind in CHART_KINDS:
        sums = [row for row in grouped if row["kind"] == kind]
        total = sum(int(row["n"]) for row in sums)
        if total > MAX_POINTS:
            rows, period = _means(sums)
            found[kind] = ChartData(rows, total, period)
        else:
            kind_where = where.copy()
            kind_where.add("offers.kind = ?", kind)
            rows = _points(reader, kind_where.sql(), kind_where.params, column) if total else []
            found[kind] = ChartData(rows, total, None)
    return found


def _points(reader: Reader, where: str, params: list[object], column: str) -> list[ChartRow]:
    found = reader.select(
        f"SELECT offers.id, offers.document_id, {OFFER_DATE} AS day, {OFFER_USD} AS usd,"
        f" {OFFER_RUB} AS rub, {reader.dialect.ifnull}({column}, '{NOT_STATED}') AS series"
        f" FROM offers{where} ORDER BY day, offers.id",
        params,
    )
    return [
        ChartRow(
            id=row["id"],
            document_id=row["document_id"],
            day=date.fromisoformat(row["day"]),
            usd=row["usd"],
            rub=row["rub"],
            series=row["series"],
        )
        for row in found
    ]


def _means(found: list[Any]) -> tuple[list[ChartRow], str]:
    """Sums per (month, series) as means per period, the small series folded into "other"."""
    sizes: Counter[str] = Counter()
    for row in found:
        sizes[row["series"] or NOT_STATED] += row["n"]
    kept = {name for name, _ in sizes.most_common(MAX_SERIES)}
    months = sorted({_month_number(row["month"]) for row in found})
    period = "quarter" if months and months[-1] - months[0] >= MONTHLY_SPAN else "month"
    # Sums and counts per (period, series), the small series folded into one.
    sums: dict[tuple[date, str], list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0, 0.0])
    for row in found:
        name = row["series"] or NOT_STATED
        name = name if name in kept else OTHER
        total = sums[(_middle(row["month"], period), name)]
        total[0] += row["usd"] or 0.0
        total[1] += row["usd_n"]
        total[2] += row["rub"] or 0.0
        total[3] += row["rub_n"]
        total[4] += row["n"]
    rows = [
        ChartRow(
            id=None,
            document_id=None,
            day=day,
            usd=usd / usd_n if usd_n else None,
            rub=rub / rub_n if rub_n else None,
            series=name,
            n=int(n),
        )
        for (day, name), (usd, usd_n, rub, rub_n, n) in sorted(sums.items())
    ]
    return rows, period


def _month_number(month: str) -> int:
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def _middle(month: str, period: str) -> date:
    """The middle of the period `month` ("YYYY-MM") falls in, where its mean is drawn."""
    year, number = int(month[:4]), int(month[5:7])
    if period == "quarter":
        number = (number - 1) // 3 * 3 + 2
    return date(year, number, 15)
