"""Translations by number: the same story in another language shares no word shingles, but it
states the same amounts and counts, which the extractor has already read in both languages.

Two documents in different languages, published within a few days of each other, whose sets of
stated values (offer amounts with their currency, figure quantities with their unit) nearly
coincide and hold at least three values, are taken for one story. Independent reports in one
language also share numbers; those are left to the word shingles, which tell copies from
reporting.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from itertools import combinations

from recruitwatch.link.dedup import Pair
from recruitwatch.model import Document, Statement

# Three values (a bonus, a salary, a count) rarely coincide by chance; two often do.
MIN_VALUES = 3
# Share of the two documents' values they must have in common (Jaccard).
MIN_OVERLAP = 0.8
# A translation follows its original within days; a year later the same numbers are a recap.
MAX_DAYS_APART = 7
# A value stated by this many documents ("100,000 roubles") says nothing about which story.
MAX_DOCUMENTS_PER_VALUE = 50

Value = tuple[str, str, float]


def _values(statements: Sequence[Statement]) -> dict[str, frozenset[Value]]:
    found: dict[str, set[Value]] = defaultdict(set)
    for s in statements:
        # Rounded to 3 significant digits: "495 тыс." and "495,000" are one value.
        found[s.doc_id].add((s.record, s.unit, float(f"{s.value:.3g}")))
    return {doc: frozenset(values) for doc, values in found.items() if len(values) >= MIN_VALUES}


def translation_pairs(documents: Sequence[Document], statements: Sequence[Statement]) -> list[Pair]:
    """Pairs of documents (by index in `documents`) that look like translations of each other;
    a pair's similarity is the Jaccard of their value sets."""
    index = {doc.id: i for i, doc in enumerate(documents)}
    values = {doc: held for doc, held in _values(statements).items() if doc in index}
    holders: dict[Value, list[str]] = defaultdict(list)
    for doc_id, held in values.items():
        for value in held:
            holders[value].append(doc_id)
    candidates = {
        tuple(sorted(pair))
        for docs in holders.values()
        if len(docs) <= MAX_DOCUMENTS_PER_VALUE
        for pair in combinations(docs, 2)
    }
    pairs = []
    for first, second in sorted(candidates):
        a, b = documents[index[first]], documents[index[second]]
        if a.language == b.language:
            continue
        if a.published and b.published and abs((a.published - b.published).days) > MAX_DAYS_APART:
            continue
        overlap = len(values[first] & values[second]) / len(values[first] | values[second])
        if overlap >= MIN_OVERLAP:
            i, j = sorted((index[first], index[second]))
            pairs.append(Pair(i, j, overlap))
    return pairs
