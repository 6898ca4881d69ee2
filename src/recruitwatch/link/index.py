"""What the link stage keeps of each document, so a new one is compared with its candidates only.

    Document + its statements -> Entry (signature, story numbers, stated values)
    Entry -> keys: LSH band keys, story-number keys, translation-value keys
    Entry + its candidates' entries -> Edge (a verified rewrite or translation pair)

Whether two documents are linked depends on the two alone, given how many documents hold each
number or value key (a number stated by over `MAX_TEXTS_PER_NUMBER` texts proposes nothing): so
linking everything at once and linking document by document give the same edges. The store
keeps the entries, the keys and the edges (`store.linkindex`); `link.update` and `link.full`
use them. Pure functions; no store.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from recruitwatch.link.dedup import CANDIDATE_THRESHOLD, LSH_BANDS, NUM_PERM, signatures
from recruitwatch.link.rewrites import (
    COPY_JACCARD,
    MAX_DAYS_APART,
    MAX_TEXTS_PER_NUMBER,
    MIN_SHARED_NUMBERS,
    Profile,
    share_story_numbers,
    story_numbers,
    verify,
)
from recruitwatch.link.translations import MAX_DAYS_APART as TRANSLATION_DAYS
from recruitwatch.link.translations import (
    MAX_DOCUMENTS_PER_VALUE,
    MIN_OVERLAP,
    MIN_VALUES,
    Value,
)
from recruitwatch.model import Document, Statement
from recruitwatch.store.linkindex import Entry, Signature, StatedValue


def values(entry: Entry) -> frozenset[Value]:
    """Its stated values as translations compare them (`translations._values`)."""
    found = frozenset(
        (record, unit, float(f"{value:.3g}")) for record, _, unit, value in entry.stated
    )
    return found if len(found) >= MIN_VALUES else frozenset()


def band_keys(entry: Entry) -> list[int]:
    if entry.signature is None:
        return []
    bands, rows = LSH_BANDS
    return [
        _key(b"b%d:" % band + entry.signature[band * rows : (band + 1) * rows].tobytes())
        for band in range(bands)
    ]


def number_keys(entry: Entry) -> list[int]:
    return [_key(b"n:" + number.encode()) for number in sorted(entry.numbers)]


def value_keys(entry: Entry) -> list[int]:
    return [_key(b"v:" + repr(value).encode()) for value in sorted(values(entry))]


def capped_keys(entry: Entry) -> list[int]:
    """Keys that propose nothing once too many documents hold them."""
    return number_keys(entry) + value_keys(entry)


def keys(entry: Entry) -> list[int]:
    return band_keys(entry) + capped_keys(entry)


# Number keys and value keys share one cap (both are 50 today); a key held by more proposes
# nothing.
CAP = MAX_TEXTS_PER_NUMBER
assert CAP == MAX_DOCUMENTS_PER_VALUE, "one cap for number and value keys"


def _key(data: bytes) -> int:
    # 64 bits: a collision only proposes a pair, which is then verified.
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big", signed=True)


def entries(documents: Sequence[Document], statements: Iterable[Statement]) -> list[Entry]:
    """An entry per document, its statements among `statements`."""
    stated: dict[str, list[StatedValue]] = {}
    for s in statements:
        stated.setdefault(s.doc_id, []).append((s.record, s.kind, s.unit, s.value))
    found = signatures(doc.text for doc in documents)
    return [
        Entry(
            doc.id,
            doc.content_hash,
            doc.published,
            doc.language,
            None if signature is None else np.asarray(signature.hashvalues, dtype=np.uint32),
            story_numbers(doc.text),
            tuple(sorted(stated.get(doc.id, []))),
        )
        for doc, signature in zip(documents, found, strict=True)
    ]


def estimated_jaccard(first: Signature | None, second: Signature | None) -> float:
    if first is None or second is None:
        return 0.0
    return float(np.count_nonzero(first == second)) / NUM_PERM


@dataclass(slots=True)
class Shared:
    """What two documents have in common among their keys."""

    band: bool = False
    # Number keys held by at most CAP documents (a set: a pair is seen from both sides).
    numbers: set[int] = field(default_factory=set)
    value: bool = False  # a value key held by at most CAP documents


@dataclass(frozen=True, slots=True)
class Edge:
    first: str  # first < second
    second: str
    similarity: float


@dataclass(slots=True)
class Candidates:
    """Each document's candidates, from who holds its keys."""

    found: dict[tuple[str, str], Shared] = field(default_factory=dict)

    def add(self, entry: Entry, holders: Mapping[int, Sequence[str]]) -> None:
        own = entry.doc_id

        def note(key: int) -> Iterable[Shared]:
            for other in holders.get(key, ()):
                if other != own:
                    pair = (own, other) if own < other else (other, own)
                    yield self.found.setdefault(pair, Shared())

        for key in band_keys(entry):
            for shared in note(key):
                shared.band = True
        for key in number_keys(entry):
            if len(holders.get(key, ())) <= CAP:
                for shared in note(key):
                    shared.numbers.add(key)
        for key in value_keys(entry):
            if len(holders.get(key, ())) <= CAP:
                for shared in note(key):
                    shared.value = True


def judge(
    candidates: Candidates,
    entry_of: Mapping[str, Entry],
    profile_of: Callable[[str], Profile],
    *,
    threshold: float = CANDIDATE_THRESHOLD,
) -> list[Edge]:
    """The verified pairs among the candidates: rewrites (copies or paraphrases, verified on
    their texts) and translations (by their stated values); a pair that is both takes the
    translation's similarity, as `link.find_clusters` always has."""
    edges = []
    for (first, second), shared in sorted(candidates.found.items()):
        a, b = entry_of[first], entry_of[second]
        similarity = _rewrite(a, b, shared, profile_of, threshold)
        translated = _translation(a, b) if shared.value else None
        if translated is not None:
            similarity = translated
        if similarity is not None:
            edges.append(Edge(first, second, similarity))
    return edges


def _rewrite(
    a: Entry,
    b: Entry,
    shared: Shared,
    profile_of: Callable[[str], Profile],
    threshold: float,
) -> float | None:
    estimate = estimated_jaccard(a.signature, b.signature) if shared.band else 0.0
    proposed = shared.band and estimate >= threshold
    by_numbers = len(shared.numbers) >= MIN_SHARED_NUMBERS and _near(a.published, b.published)
    if not (proposed or by_numbers):
        return None
    # Only likely copies, or texts sharing a story's numbers, are worth reading in full.
    if not (proposed and estimate >= COPY_JACCARD) and not share_story_numbers(
        a.numbers, b.numbers
    ):
        return None
    verdict = verify(profile_of(a.doc_id), profile_of(b.doc_id))
    return verdict.jaccard if verdict.same_origin else None


def _near(first: date | None, second: date | None) -> bool:
    return first is None or second is None or abs((first - second).days) <= MAX_DAYS_APART


def _translation(a: Entry, b: Entry) -> float | None:
    if a.language == b.language:
        return None
    if a.published and b.published and abs((a.published - b.published).days) > TRANSLATION_DAYS:
        return None
    first, second = values(a), values(b)
    if not first or not second:
        return None
    overlap = len(first & second) / len(first | second)
    return overlap if overlap >= MIN_OVERLAP else None


def in_memory_holders(found: Sequence[Entry]) -> dict[int, list[str]]:
    """Who holds each key, for linking a whole store at once."""
    holders: dict[int, list[str]] = {}
    for entry in found:
        for key in keys(entry):
            holders.setdefault(key, []).append(entry.doc_id)
    return holders
