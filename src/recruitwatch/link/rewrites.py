"""Is one text a rewrite of another, or its own report of the same facts?

Word-triple MinHash (`dedup`) finds copies and light rewrites; a heavy paraphrase keeps few word
runs. What a rewrite keeps is its origin's sentences, one for one, and its facts: it adds no
numbers, names or quotes of its own. An independent report of the same news shares the headline
numbers, but brings its own: other counts, other people, other quotes. So a pair is verified on
three measures, each computed both ways, since which text is the copy is not known:

* alignment: the share of the shorter text's sentences whose content words mostly recur in one
  sentence of the other (content words: casefolded word stems of four letters or more);
* new numbers: the share of a text's numbers the other does not state;
* new names: the same for capitalised words inside sentences (people, places, outlets).

Candidates come from the word-triple LSH index (`dedup`) and from shared uncommon numbers
(`shared_number_pairs`); every candidate is verified here, so the index only has to propose.
Pure functions over texts; no store.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import combinations

# A content word's first letters stand for its forms: "payment"/"payments", "выплата"/"выплаты".
STEM_LETTERS = 5
MIN_CONTENT_LETTERS = 4
# A sentence is aligned when this share of its content stems recurs in one sentence of the other.
SENTENCE_ALIGNED = 0.4
# A light rewrite keeps most of its origin's sentences.
MIN_ALIGNMENT = 0.5
# A heavy paraphrase rewords every sentence but keeps a third of its content words in the
# origin's vocabulary, and is not a two-line summary of a long article.
MIN_CONTAINMENT = 0.33
MIN_LENGTH_RATIO = 0.4
# Whichever way round, the copy adds few facts of its own: numbers, then names.
MAX_NEW_NUMBERS = 0.2
MAX_NEW_NAMES = 0.5
# Two texts stating different numbers are two reports, however alike their words (one press
# release template, two regions): over this share of new numbers both ways, no rewrite.
MAX_DIFFERENT_NUMBERS = 0.34
# Word-triple Jaccard at or above which two texts stating the same numbers are copies.
COPY_JACCARD = 0.3

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
# Digits with their separators: "600,000", "1.9", "195 000"; read as one number each.
_NUMBER = re.compile(r"\d[\d\s.,]*\d|\d")
# A word inside a sentence that may be a name; kept when its first letter is a capital.
_NAME = re.compile(r"(?<=[\w,;:] )[^\W\d_][\w’'-]+")


@dataclass(frozen=True, slots=True)
class Profile:
    """What the verifier compares of one text, computed once per text."""

    sentences: tuple[frozenset[str], ...]
    triples: frozenset[str]
    stems: frozenset[str]
    numbers: frozenset[str]
    story_numbers: frozenset[str]
    names: frozenset[str]


@dataclass(frozen=True, slots=True)
class Verdict:
    same_origin: bool
    jaccard: float  # word triples, exact
    alignment: float
    new_numbers: float
    new_names: float


def stem(word: str) -> str:
    return word.casefold()[:STEM_LETTERS]


def content_stems(text: str) -> frozenset[str]:
    return frozenset(stem(word) for word in _WORD.findall(text) if len(word) >= MIN_CONTENT_LETTERS)


def _number_key(raw: str) -> str:
    digits = re.sub(r"[\s.,]", "", raw)
    # "600,000" and "600 000" are one number; "1.9" and "1,9" too. Trailing zeros fold so a
    # rounded restatement ("1.4 million" as "1,400,000") still meets its origin.
    return digits.rstrip("0") or "0"


def profile(text: str) -> Profile:
    sentences = tuple(stems for part in _SENTENCE_END.split(text) if (stems := content_stems(part)))
    words = [word.casefold() for word in _WORD.findall(text)]
    return Profile(
        sentences=sentences,
        triples=frozenset(" ".join(words[i : i + 3]) for i in range(len(words) - 2)),
        stems=frozenset().union(*sentences),
        numbers=frozenset(_number_key(raw) for raw in _NUMBER.findall(text)),
        story_numbers=story_numbers(text),
        names=frozenset(stem(name) for name in _NAME.findall(text) if name[0].isupper()),
    )


def _jaccard(first: frozenset[str], second: frozenset[str]) -> float:
    union = len(first | second)
    return len(first & second) / union if union else 0.0


def _aligned_share(sentences: Sequence[frozenset[str]], other: Sequence[frozenset[str]]) -> float:
    if not sentences or not other:
        return 0.0
    aligned = sum(
        1
        for own in sentences
        if max(len(own & theirs) for theirs in other) >= SENTENCE_ALIGNED * len(own)
    )
    return aligned / len(sentences)


def _new_share(own: frozenset[str], other: frozenset[str]) -> float:
    return len(own - other) / len(own) if own else 0.0


def _containment(own: frozenset[str], other: frozenset[str]) -> float:
    return len(own & other) / len(own) if own else 0.0


def _paraphrases(copy: Profile, origin: Profile) -> bool:
    """`copy` rewords `origin`: much of its vocabulary, none of its own numbers or names."""
    return (
        len(copy.stems) >= MIN_LENGTH_RATIO * len(origin.stems)
        and _containment(copy.stems, origin.stems) >= MIN_CONTAINMENT
        and _new_share(copy.numbers, origin.numbers) <= MAX_NEW_NUMBERS
        and _new_share(copy.names, origin.names) <= MAX_NEW_NAMES
        and (bool(copy.numbers & origin.numbers) or not (copy.numbers or origin.numbers))
    )


def share_story_numbers(first: frozenset[str], second: frozenset[str]) -> bool:
    """Both texts state uncommon numbers and share two (one, when a text has only one)."""
    shared = len(first & second)
    return shared > 0 and shared >= min(2, len(first), len(second))


def verify(first: Profile, second: Profile) -> Verdict:
    """Whether two texts tell one report: a copy, or a rewrite adding no facts of its own."""
    jaccard = _jaccard(first.triples, second.triples)
    shorter, longer = sorted((first, second), key=lambda p: len(p.sentences))
    alignment = _aligned_share(shorter.sentences, longer.sentences)
    new_numbers = min(
        _new_share(first.numbers, second.numbers), _new_share(second.numbers, first.numbers)
    )
    new_names = min(_new_share(first.names, second.names), _new_share(second.names, first.names))
    # Reworded texts must share the facts that mark a story, not only its stock phrases.
    reworded = share_story_numbers(first.story_numbers, second.story_numbers) and (
        alignment >= MIN_ALIGNMENT or _paraphrases(first, second) or _paraphrases(second, first)
    )
    same = new_numbers <= MAX_DIFFERENT_NUMBERS and (jaccard >= COPY_JACCARD or reworded)
    return Verdict(same, jaccard, alignment, new_numbers, new_names)


# --- candidates beyond the word-triple index -----------------------------------------------

# A rewrite keeps its origin's numbers: two texts sharing this many uncommon numbers are
# compared, however differently they are worded.
MIN_SHARED_NUMBERS = 2
# Small counts, days of the month and years say nothing about which story a text tells.
MIN_NUMBER = 100
YEARS = range(1900, 2100)
# A number stated by this many texts ("100,000") is common currency, not a story's mark.
MAX_TEXTS_PER_NUMBER = 50
# Rewrites follow their origin within weeks; the same numbers a year later are a recap.
MAX_DAYS_APART = 31


def story_numbers(text: str) -> frozenset[str]:
    """The uncommon numbers a text states, as digit keys."""
    found = set()
    for raw in _NUMBER.findall(text):
        digits = re.sub(r"[\s.,]", "", raw)
        if len(digits) > 12:  # a phone number or an id, not a quantity
            continue
        value = int(digits)
        if value >= MIN_NUMBER and value not in YEARS:
            found.add(_number_key(raw))
    return frozenset(found)


def shared_number_pairs(
    numbers: Sequence[frozenset[str]], published: Sequence[date | None]
) -> set[tuple[int, int]]:
    """Pairs of texts (by index, first < second) that share uncommon numbers (`story_numbers`
    of each) and were published within weeks of each other (or are undated)."""
    holders: dict[str, list[int]] = defaultdict(list)
    for index, held in enumerate(numbers):
        for number in held:
            holders[number].append(index)
    shared: Counter[tuple[int, int]] = Counter()
    for indices in holders.values():
        if len(indices) <= MAX_TEXTS_PER_NUMBER:
            shared.update(combinations(indices, 2))
    return {
        (first, second)
        for (first, second), count in shared.items()
        if count >= MIN_SHARED_NUMBERS and _near(published[first], published[second])
    }


def _near(first: date | None, second: date | None) -> bool:
    return first is None or second is None or abs((first - second).days) <= MAX_DAYS_APART
