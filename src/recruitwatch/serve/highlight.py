"""A document's text cut into runs, each knowing which records' evidence covers it.

The template writes each run escaped, wrapping evidence in <mark> and amounts in <strong>:
the text itself never becomes markup, whatever it contains.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise


@dataclass(frozen=True, slots=True)
class Span:
    """One record's evidence: the sentence [start, end) and the value inside it."""

    record: str  # "offer-12", "figure-3": the anchor the record's links point at
    start: int
    end: int
    value_start: int
    value_end: int


@dataclass(frozen=True, slots=True)
class Run:
    text: str
    records: tuple[str, ...] = ()  # whose evidence covers this run
    value: bool = False  # part of an amount or quantity
    selected: bool = False  # part of the record the reader came to see
    anchors: tuple[str, ...] = field(default=())  # records whose evidence starts here


def runs(text: str, spans: Sequence[Span], selected: str | None = None) -> list[Run]:
    """`text` as consecutive runs; spans out of the text's range are clipped, never trusted."""
    size = len(text)
    clipped = [
        Span(
            s.record,
            _clip(s.start, size),
            _clip(s.end, size),
            _clip(s.value_start, size),
            _clip(s.value_end, size),
        )
        for s in spans
    ]
    cuts = {0, size}
    for span in clipped:
        cuts.update((span.start, span.end, span.value_start, span.value_end))
    edges = sorted(cuts)
    found: list[Run] = []
    for start, end in pairwise(edges):
        if start == end:
            continue
        covering = [s for s in clipped if s.start <= start and end <= s.end]
        found.append(
            Run(
                text=text[start:end],
                records=tuple(s.record for s in covering),
                value=any(s.value_start <= start and end <= s.value_end for s in covering),
                selected=any(s.record == selected for s in covering),
                anchors=tuple(s.record for s in clipped if s.start == start),
            )
        )
    return found


def _clip(position: int, size: int) -> int:
    return max(0, min(position, size))
