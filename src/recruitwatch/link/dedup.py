"""Copies and rewrites of one story: MinHash LSH (datasketch) over word shingles.

Each text becomes the set of its overlapping word triples (case-folded, punctuation dropped), so
reordered sentences keep almost all their shingles and a changed word costs only the three that
contain it. LSH proposes pairs whose estimated Jaccard similarity may pass the threshold; each
proposal is verified on the signatures, and verified pairs join into clusters.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from datasketch import LeanMinHash, MinHash, MinHashLSH

# Word triples: pairs are shared by unrelated texts ("of the", "the army"), longer runs break on
# every changed word of a rewrite.
SHINGLE_WORDS = 3
# 128 permutations estimate a Jaccard of 0.3 within about +-0.04.
NUM_PERM = 128
# Estimated Jaccard at or above which two texts are copies or rewrites of one another: rewrites
# in our test corpora score 0.3 and up, unrelated stories 0.05 on average (0.13 at the 99th
# percentile) since news shares stock phrases.
DEFAULT_THRESHOLD = 0.3
# Below that, light paraphrases (clauses reordered, voice changed: 0.1-0.3) still rank above
# unrelated stories; the index proposes from here and `link.rewrites.verify` decides exactly.
CANDIDATE_THRESHOLD = 0.15
# 32 bands of 4 rows: a pair at Jaccard 0.5 is proposed with probability 0.87, one at 0.1 with
# 0.003. datasketch's own choice for 0.3 (3 rows) proposes ten times more unrelated pairs, which
# then cost a verification each; a missed rewrite pair is mostly caught through a third copy.
LSH_BANDS = (32, 4)
# Shorter texts (a headline, a two-line post) have too few shingles to tell copies apart.
MIN_SHINGLES = 5

_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Pair:
    first: int
    second: int
    similarity: float


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[bytes]:
    words = _WORD.findall(text.casefold())
    return {" ".join(words[i : i + size]).encode() for i in range(max(len(words) - size + 1, 0))}


def signatures(texts: Iterable[str]) -> list[LeanMinHash | None]:
    """A MinHash per text (None when it has too few shingles to compare), one text at a time
    so only the signatures stay in memory."""
    # One set of permutations for all; crc32 is deterministic and far faster than the default
    # SHA-1, and 32 bits is what MinHash keeps of any hash.
    template = MinHash(num_perm=NUM_PERM)
    found: list[LeanMinHash | None] = []
    for text in texts:
        words = shingles(text)
        if len(words) < MIN_SHINGLES:
            found.append(None)
            continue
        signature = MinHash(
            num_perm=NUM_PERM,
            hashfunc=zlib.crc32,
            permutations=template.permutations,
            scheme=template.scheme,
        )
        signature.update_batch(list(words))
        found.append(LeanMinHash(signature))
    return found


def similar_pairs(
    texts: Sequence[str], *, threshold: float = DEFAULT_THRESHOLD
) -> tuple[list[Pair], list[LeanMinHash | None]]:
    """Pairs of texts (by index, first < second) whose estimated Jaccard is >= threshold:
    the index's proposals, to be verified (`link.rewrites.verify`)."""
    found = signatures(texts)
    lsh = MinHashLSH(num_perm=NUM_PERM, params=LSH_BANDS)
    with lsh.insertion_session() as session:
        for index, signature in enumerate(found):
            if signature is not None:
                session.insert(index, signature, check_duplication=False)
    pairs: list[Pair] = []
    for index, signature in enumerate(found):
        if signature is None:
            continue
        for other in lsh.query(signature):
            if other <= index:
                continue
            other_signature = found[other]
            assert other_signature is not None  # only signatures were inserted
            similarity = float(signature.jaccard(other_signature))
            if similarity >= threshold:
                pairs.append(Pair(index, other, similarity))
    return pairs, found


def group(count: int, pairs: Sequence[Pair]) -> list[list[int]]:
    """Connected groups of two or more indices, each sorted, in order of their first index."""
    parent = list(range(count))

    def root(item: int) -> int:
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    for pair in pairs:
        first, second = root(pair.first), root(pair.second)
        if first != second:
            parent[max(first, second)] = min(first, second)
    groups: dict[int, list[int]] = {}
    for index in range(count):
        groups.setdefault(root(index), []).append(index)
    return [members for members in groups.values() if len(members) > 1]
