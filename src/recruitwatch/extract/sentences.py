"""Sentence spans with character offsets.

Hand-written because the maintained splitters either drop offsets or cost milliseconds per
sentence (pysbd), and extraction must stay above a thousand documents a second. Lines are
units of their own: headlines, bullets and table rows are sentences in ads and feeds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

BOUNDARY = re.compile(r"[.!?…]+[\"”’»)\]]*\s+(?=[\"“‘«(\[]?[\w•\-–—])")
LINE = re.compile(r"[^\n]+")


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int


def _ends_with_abbreviation(
    text: str, period_at: int, line_start: int, abbreviations: frozenset[str]
) -> bool:
    word_start = period_at
    while word_start > line_start and (
        text[word_start - 1].isalnum() or text[word_start - 1] == "."
    ):
        word_start -= 1
    word = text[word_start:period_at].lower()
    if len(word) == 1 and word.isalpha():  # an initial: "J. Smith"
        return True
    return word in abbreviations


def _next_is_lowercase(text: str, position: int) -> bool:
    for char in text[position : position + 3]:
        if char.isalpha():
            return char.islower()
    return False


def split_sentences(text: str, abbreviations: frozenset[str] = frozenset()) -> list[Span]:
    """Non-empty, stripped sentence spans in document order; `[]` for blank text.
    A period after one of `abbreviations` (lower case, without the period) does not end one."""
    spans: list[Span] = []
    for line in LINE.finditer(text):
        start = line.start()
        for boundary in BOUNDARY.finditer(text, line.start(), line.end()):
            period_at = boundary.start()
            if text[period_at] == "." and _ends_with_abbreviation(
                text, period_at, start, abbreviations
            ):
                continue
            if _next_is_lowercase(text, boundary.end()):
                continue
            _append_stripped(text, start, boundary.end(), spans)
            start = boundary.end()
        _append_stripped(text, start, line.end(), spans)
    return spans


def _append_stripped(text: str, start: int, end: int, spans: list[Span]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append(Span(start, end))
