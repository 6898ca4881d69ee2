"""Sentence spans with character offsets.

Hand-written because the maintained splitters either drop offsets or cost milliseconds per
sentence (pysbd), and extraction must stay above a thousand documents a second. Lines are
units of their own: headlines, bullets and table rows are sentences in ads and feeds.

Linear in the text: a run of punctuation is matched once from its first mark (never again
from each mark inside it), and a sentence longer than `MAX_SENTENCE_CHARS` is cut at a
space, so the per-sentence work downstream (amount grouping, cue lookups) stays bounded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The lookbehind starts a match only at the first mark of a run; the possessive quantifiers
# never give back what they matched, so "......" costs one scan, not one per mark.
BOUNDARY = re.compile(r"(?<![.!?…])[.!?…]++[\"”’»)\]]*+\s++(?=[\"“‘«(\[]?[\w•\-–—])")
# Pages that lost their line breaks glue sentences: "the reductions.In Chuvashia". A word of
# three lower-case letters, a mark, then a capitalised word is a boundary with no space.
GLUED = re.compile(r"(?<=[^\W\d_]{3})[.!?](?=[^\W\d_]{2})")
LINE = re.compile(r"[^\n]+")
# The longest sentence of the dev corpus is about 1,000 characters; twice that is prose no
# reporter writes, only a table flattened into one line or a hostile input.
MAX_SENTENCE_CHARS = 2000
# An abbreviation or an initial is a short word: looking further back is wasted on hostile runs.
MAX_ABBREVIATION_CHARS = 32


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int


def _ends_with_abbreviation(
    text: str, period_at: int, line_start: int, abbreviations: frozenset[str]
) -> bool:
    word_start = period_at
    floor = max(line_start, period_at - MAX_ABBREVIATION_CHARS)
    while word_start > floor and (text[word_start - 1].isalnum() or text[word_start - 1] == "."):
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
        for cut in _boundaries(text, line.start(), line.end()):
            period_at = cut.start()
            if text[period_at] == "." and _ends_with_abbreviation(
                text, period_at, start, abbreviations
            ):
                continue
            if _next_is_lowercase(text, cut.end()):
                continue
            _append_stripped(text, start, cut.end(), spans)
            start = cut.end()
        _append_stripped(text, start, line.end(), spans)
    return spans


def _boundaries(text: str, start: int, end: int) -> list[re.Match[str]]:
    """Marks that end a sentence: before a space, or glued to a capitalised word."""
    found = list(BOUNDARY.finditer(text, start, end))
    glued = [
        match
        for match in GLUED.finditer(text, start, end)
        if text[match.start() - 1].islower()
        and text[match.end()].isupper()
        and text[match.end() + 1].islower()
    ]
    if glued:
        found = sorted(found + glued, key=lambda match: match.start())
    return found


def _append_stripped(text: str, start: int, end: int, spans: list[Span]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    while end - start > MAX_SENTENCE_CHARS:
        cut = _cut_point(text, start, start + MAX_SENTENCE_CHARS)
        _append_stripped(text, start, cut, spans)
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        spans.append(Span(start, end))


def _cut_point(text: str, start: int, limit: int) -> int:
    """The last space before `limit` in the second half of the window, else `limit` itself
    (a word that long is no word)."""
    space = text.rfind(" ", start + MAX_SENTENCE_CHARS // 2, limit)
    return space if space > start else limit
