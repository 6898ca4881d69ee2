"""The "needs review" queue: unreviewed records, what matters first.

A record earns points for a large amount (USD, by order of magnitude) or a large count of
people, for the extractor's doubt (1 - confidence, weighted as much as the largest amount) and
for standing on a single source (no claim with a second independent source): a large payment
read with low confidence from one outlet is what a newsroom must check before it publishes.
"""

from __future__ import annotations

from typing import Any

from recruitwatch.store.browse import Reader

# (lower bound, points): USD for offers, people for figures.
_OFFER_SIZES = ((100_000, 3), (10_000, 2), (1_000, 1))
_FIGURE_SIZES = ((100_000, 3), (10_000, 2), (1_000, 1))
_DOUBT_WEIGHT = 3
_SINGLE_SOURCE_POINTS = 1
# Below this confidence the queue says "low confidence".
LOW_CONFIDENCE = 0.6


def _size_points(column: str, sizes: tuple[tuple[int, int], ...]) -> str:
    steps = " ".join(f"WHEN {column} >= {low} THEN {points}" for low, points in sizes)
    return f"(CASE {steps} ELSE 0 END)"


def needs_review(db: Reader, *, record: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
    """Up to `limit` unreviewed offers and figures (or one of them), highest priority first;
    each item carries `record`, `priority` and `why`."""
    linked = "claim_statements" in db.tables() and "claims" in db.tables()
    found: list[dict[str, Any]] = []
    if record in (None, "offer"):
        found += _queue(db, "offer", linked, limit)
    if record in (None, "figure"):
        found += _queue(db, "figure", linked, limit)
    found.sort(key=lambda item: (-item["priority"], item["record"], item["id"]))
    return found[:limit]


def _queue(db: Reader, record: str, linked: bool, limit: int) -> list[dict[str, Any]]:
    table = f"{record}s"
    if record == "offer":
        size = _size_points("COALESCE(offers.usd, 0)", _OFFER_SIZES)
    else:
        people = "CASE WHEN figures.unit = 'people' THEN figures.quantity ELSE 0 END"
        size = _size_points(people, _FIGURE_SIZES)
    sources = (
        "COALESCE((SELECT MAX(claims.independent_sources) FROM claim_statements"
        " JOIN claims ON claims.id = claim_statements.claim_id"
        f" WHERE claim_statements.{record}_id = {table}.id), 1)"
        if linked
        else "1"
    )
    inner = (
        f"SELECT {table}.id, {table}.confidence, {size} AS size_points, {sources} AS sources"
        f" FROM {table} WHERE {table}.review_status IS NULL"
    )
    priority = (
        f"size_points + {_DOUBT_WEIGHT} * (1 - confidence)"
        f" + CASE WHEN sources <= 1 THEN {_SINGLE_SOURCE_POINTS} ELSE 0 END"
    )
    rows = db.select(
        f"SELECT queued.*, {priority} AS priority FROM ({inner}) AS queued"
        " ORDER BY priority DESC, id LIMIT ?",
        (limit,),
    )
    found = db.records_by_id(record, [row["id"] for row in rows])
    items = []
    for row in rows:
        item = found[row["id"]]
        why = []
        if row["size_points"] >= 2:
            why.append("large amount" if record == "offer" else "large number")
        if row["confidence"] < LOW_CONFIDENCE:
            why.append("low confidence")
        if row["sources"] <= 1:
            why.append("single source")
        item.update(record=record, priority=round(float(row["priority"]), 3), why=why)
        items.append(item)
    return items
