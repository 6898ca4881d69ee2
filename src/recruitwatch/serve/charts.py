"""Charts as server-drawn SVG: positions are computed here, the template only writes them out.

A scatter plots one mark per offer (each a link to its evidence) while the filters leave few
enough to read; beyond that it plots one mark per month and series, at the month's mean, and
says so. A step chart draws levels over time: a flat segment per level, a dotted riser where
one level gives way to the next, a mark per statement. Every chart titles its axes, and its
date ticks are spaced so their labels never overlap. Colours are CSS classes (`s0`...`s7`), so
the page needs no inline style.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from recruitwatch.store.series import OTHER, ChartRow

WIDTH = 560
HEIGHT = 280
# Room for the tick labels and the axis titles: the y title turned on its side at the left, the
# x title under the date labels.
_LEFT, _RIGHT, _TOP, _BOTTOM = 72, 14, 12, 44
# A tick label's width in pixels: 10 px text is at most about 6.5 px a character, plus a gap.
_CHAR_WIDTH, _LABEL_GAP = 6.5, 12
# Seven colours and a grey "other": more series than that cannot be told apart by colour.
_PALETTE_SIZE = 7


@dataclass(frozen=True, slots=True)
class Mark:
    x: float
    y: float
    r: float
    series: int  # palette index; _PALETTE_SIZE is "other"
    label: str
    href: str | None


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of line: `riser` joins one level to the next, `dashed` is a level known only
    as a replaced one (so where it began is unknown)."""

    x1: float
    y1: float
    x2: float
    y2: float
    series: int
    riser: bool = False
    dashed: bool = False


@dataclass(frozen=True, slots=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True, slots=True)
class Chart:
    title: str
    caption: str
    width: int = WIDTH
    height: int = HEIGHT
    marks: list[Mark] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    legend: list[tuple[int, str]] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    x_title: str = "date"
    y_title: str = ""
    left: int = _LEFT
    right: int = WIDTH - _RIGHT
    top: int = _TOP
    bottom: int = HEIGHT - _BOTTOM


def scatter(
    title: str,
    rows: Sequence[ChartRow],
    currency: str,
    *,
    period: str | None,
    total: int,
    href: Callable[[ChartRow], str | None],
) -> Chart:
    """A chart of `rows` valued in `currency` ("USD" or "RUB"); `period` says the rows are
    means per month or quarter; `total` is how many offers the rows stand for (all of them,
    with or without an amount in this currency)."""
    points = [(row, value) for row in rows if (value := _value(row, currency)) is not None]
    plotted = sum(row.n for row, _ in points)
    if not points:
        return Chart(
            title=title, caption=f"none of the {total} dated offers has an amount in {currency}"
        )
    first = min(row.day for row, _ in points)
    last = max(row.day for row, _ in points)
    # A margin of 4% (at least two weeks) so no mark sits on an axis.
    margin = timedelta(days=max(14, (last - first).days // 25))
    first, last = first - margin, last + margin
    step = _nice_step(max(value for _, value in points))
    top_value = step * math.ceil(max(value for _, value in points) / step)
    names = _legend(row.series for row, _ in points)
    index = {name: position for position, name in enumerate(names)}
    chart = Chart(title=title, caption="")
    span_days = (last - first).days
    x = _scale(0, span_days, chart.left, chart.right)
    y = _scale(0, top_value, chart.bottom, chart.top)
    marks = [
        Mark(
            x=x((row.day - first).days),
            y=y(value),
            r=min(3.5 + math.sqrt(row.n) / 2, 9.0) if period else 4.0,
            series=index.get(row.series, _PALETTE_SIZE),
            label=_label(row, value, currency, period),
            href=None if period else href(row),
        )
        for row, value in points
    ]
    caption = (
        f"{plotted} of {total} dated offers, as {period}ly means per series (one mark each,"
        " larger for more offers); filter further to see each offer"
        if period
        else f"{plotted} of {total} dated offers have an amount in {currency}; one mark each"
    )
    legend = [(position, name) for position, name in enumerate(names)]
    if any(mark.series == _PALETTE_SIZE for mark in marks):
        legend.append((_PALETTE_SIZE, "other"))
    return Chart(
        title=title,
        caption=caption,
        marks=marks,
        x_ticks=[
            Tick(x((day - first).days), label)
            for day, label in _date_ticks(first, last, chart.right - chart.left)
        ],
        y_ticks=[
            Tick(y(step * index), _compact(step * index))
            for index in range(round(top_value / step) + 1)
        ],
        legend=legend,
        x_title=f"{period} of the offer" if period else "date of the offer",
        y_title=f"mean amount, {currency}" if period else f"amount, {currency}",
    )


def _value(row: ChartRow, currency: str) -> float | None:
    return row.usd if currency == "USD" else row.rub


def _scale(low: float, high: float, start: float, end: float) -> Callable[[float], float]:
    width = (high - low) or 1.0
    return lambda value: round(start + (value - low) / width * (end - start), 1)


def _legend(series: Iterable[str]) -> list[str]:
    counts = Counter(name for name in series if name != OTHER)
    return [name for name, _ in counts.most_common(_PALETTE_SIZE)]


def _label(row: ChartRow, value: float, currency: str, period: str | None) -> str:
    if period == "quarter":
        when = f"{row.day.year} Q{(row.day.month - 1) // 3 + 1}"
    else:
        when = row.day.strftime("%Y-%m") if period else row.day.isoformat()
    mean = f"mean of {row.n}: " if period else ""
    return f"{when} · {row.series} · {mean}{value:,.0f} {currency}"


def _nice_step(largest: float) -> float:
    """A round tick step (1, 2, 2.5 or 5 times a power of ten) giving 3 to 6 ticks up to
    `largest`."""
    if largest <= 0:
        return 1.0
    magnitude = 10.0 ** math.floor(math.log10(largest))
    for multiple in (0.1, 0.2, 0.25, 0.5, 1.0, 2.0, 2.5, 5.0):
        step = multiple * magnitude
        if largest / step <= 5:
            return step
    return 10 * magnitude


def _compact(value: float) -> str:
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:.3g}{suffix}"
    return f"{value:.3g}"


def _date_ticks(first: date, last: date, width: float) -> list[tuple[date, str]]:
    """Month starts inside [first, last], every 1, 2, 3, 6, 12, 24 or 60 months: the smallest
    step whose labels fit side by side in `width` pixels. Monthly labels read "2024-03",
    yearly ones "2024"."""
    months = max(1, (last.year - first.year) * 12 + last.month - first.month)
    for step in (1, 2, 3, 6, 12, 24, 60):
        label_width = (4 if step >= 12 else 7) * _CHAR_WIDTH + _LABEL_GAP
        if (months // step + 1) * label_width <= width:
            break
    ticks: list[tuple[date, str]] = []
    year, month = first.year, first.month
    while True:
        month += 1
        if month > 12:
            year, month = year + 1, 1
        day = date(year, month, 1)
        if day > last:
            return ticks
        if (year * 12 + month - 1) % step == 0:
            ticks.append((day, str(year) if step >= 12 else day.strftime("%Y-%m")))


# --- levels over time ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StepPoint:
    """A statement on a step chart: where it was said, linked to its evidence."""

    day: date
    value: float
    label: str
    href: str | None


@dataclass(frozen=True, slots=True)
class StepLevel:
    """One level held from `start` to `end`; `dashed` when known only as a replaced level."""

    start: date
    end: date
    value: float
    points: Sequence[StepPoint]
    dashed: bool = False


def steps(
    title: str,
    series: Sequence[tuple[int, str, Sequence[StepLevel]]],
    *,
    y_title: str,
    caption: str,
) -> Chart:
    """Levels over time, one line per series (palette index, name, its levels in order)."""
    levels = [level for _, _, found in series for level in found]
    if not levels:
        return Chart(title=title, caption=caption or "no levels recorded")
    first = min(level.start for level in levels)
    last = max(level.end for level in levels)
    margin = timedelta(days=max(14, (last - first).days // 25))
    first, last = first - margin, last + margin
    largest = max(level.value for level in levels)
    step = _nice_step(largest)
    top_value = step * math.ceil(largest / step)
    chart = Chart(title=title, caption=caption)
    x = _scale(0, (last - first).days, chart.left, chart.right)
    y = _scale(0, top_value, chart.bottom, chart.top)
    segments: list[Segment] = []
    marks: list[Mark] = []
    for index, _, found in series:
        for position, level in enumerate(found):
            segments.append(
                Segment(
                    x((level.start - first).days),
                    y(level.value),
                    x((level.end - first).days),
                    y(level.value),
                    index,
                    dashed=level.dashed,
                )
            )
            if position + 1 < len(found):
                following = found[position + 1]
                riser_x = x((following.start - first).days)
                segments.append(
                    Segment(riser_x, y(level.value), riser_x, y(following.value), index, True)
                )
            marks.extend(
                Mark(
                    x=x((point.day - first).days),
                    y=y(point.value),
                    r=4.0,
                    series=index,
                    label=point.label,
                    href=point.href,
                )
                for point in level.points
            )
    return Chart(
        title=title,
        caption=caption,
        marks=marks,
        segments=segments,
        x_ticks=[
            Tick(x((day - first).days), label)
            for day, label in _date_ticks(first, last, chart.right - chart.left)
        ],
        y_ticks=[
            Tick(y(step * index), _compact(step * index))
            for index in range(round(top_value / step) + 1)
        ],
        legend=[(index, name) for index, name, found in series if found],
        x_title="date of the statement",
        y_title=y_title,
    )


# --- quantities spanning orders of magnitude -------------------------------------------------


@dataclass(frozen=True, slots=True)
class Point:
    day: date
    value: float
    series: int  # palette index
    label: str
    href: str | None


def log_scatter(
    title: str,
    points: Sequence[Point],
    *,
    legend: Sequence[tuple[int, str]],
    y_title: str,
    caption: str,
) -> Chart:
    """A mark per point on a logarithmic value axis (counts of people range from hundreds to
    millions), ticks at the powers of ten."""
    shown = [point for point in points if point.value > 0 and math.isfinite(point.value)]
    if not shown:
        return Chart(title=title, caption=caption)
    first = min(point.day for point in shown)
    last = max(point.day for point in shown)
    margin = timedelta(days=max(14, (last - first).days // 25))
    first, last = first - margin, last + margin
    low = math.floor(math.log10(min(point.value for point in shown)))
    high = max(low + 1, math.ceil(math.log10(max(point.value for point in shown))))
    chart = Chart(title=title, caption=caption)
    x = _scale(0, (last - first).days, chart.left, chart.right)
    y = _scale(low, high, chart.bottom, chart.top)
    used = {point.series for point in shown}
    return Chart(
        title=title,
        caption=caption,
        marks=[
            Mark(
                x=x((point.day - first).days),
                y=y(math.log10(point.value)),
                r=4.0,
                series=point.series,
                label=point.label,
                href=point.href,
            )
            for point in shown
        ],
        x_ticks=[
            Tick(x((day - first).days), label)
            for day, label in _date_ticks(first, last, chart.right - chart.left)
        ],
        y_ticks=[Tick(y(power), _compact(10.0**power)) for power in range(low, high + 1)],
        legend=[(index, name) for index, name in legend if index in used],
        x_title="date of the figure",
        y_title=y_title,
    )
