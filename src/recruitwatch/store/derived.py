"""What later stages add to the store, read without knowing their tables in advance.

The normalise and link stages (conversions, checks, rewrite clusters, claims, conflicts) keep
tables of their own; the pages show them where present and say "not computed yet" otherwise.
Tables are found by name and by the columns that tie them to records:

- rows of a table with an `offer_id` (`figure_id`) column are notes on that offer (figure);
- rows of a table with a `claim_id` column belong to that claim (its statements, its sources);
- `conflicts` rows belong to each claim their claim columns name (`first`, `second`, `*claim*`);
- a table with `cluster_id` and a document column places documents in rewrite clusters, and
  `clusters.origin` names each cluster's origin.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from recruitwatch.store.browse import Reader, plain_item

CLAIMS = "claims"
CONFLICTS = "conflicts"
CONFLICT_CLAIMS = "conflict_claims"
CLUSTERS = "clusters"
# Columns that hold a document id, in the order they are looked for.
DOCUMENT_COLUMNS = ("document_id", "doc_id")
_RECORD_TABLES = frozenset({"offers", "figures", "documents"})
# Notes every offer and figure item carries itself (the read path joins them once).
ITEM_NOTES = frozenset({"record_dates", "conversions", "checks"})
# Tables that point at records but are no notes of theirs: reviews have their own place on
# the pages (serve/web.py).
_NOT_NOTES = frozenset({"reviews"})
# SQLite allows 999 bound parameters per statement in old builds; stay well under.
_CHUNK = 500


def computed(reader: Reader, table: str) -> bool:
    return table in reader.tables()


def _tables_with(reader: Reader, column: str) -> list[str]:
    return sorted(
        table
        for table in reader.tables()
        if table not in _RECORD_TABLES
        and table not in _NOT_NOTES
        and not table.startswith(("documents_fts", "sqlite_"))
        and column in reader.columns(table)
    )


def record_notes(
    reader: Reader, column: str, ids: Sequence[int]
) -> dict[int, dict[str, list[dict[str, Any]]]]:
    """Per record id, the rows of every table that points at it through `column`
    ("offer_id" or "figure_id"), by table name; not the notes its item carries."""
    notes: dict[int, dict[str, list[dict[str, Any]]]] = {}
    for table in _tables_with(reader, column):
        if table in ITEM_NOTES:
            continue
        for start in range(0, len(ids), _CHUNK):
            chunk = list(ids[start : start + _CHUNK])
            marks = ", ".join("?" * len(chunk))
            # Table and column names come from the database, never from a request.
            found = reader.select(
                f'SELECT * FROM "{table}" WHERE "{column}" IN ({marks})'
                f" ORDER BY {reader.insertion_order(table)}",
                chunk,
            )
            for row in found:
                notes.setdefault(row[column], {}).setdefault(table, []).append(plain_item(row))
    return notes


def claim(reader: Reader, claim_id: int) -> dict[str, Any] | None:
    if not computed(reader, CLAIMS):
        return None
    key = "id" if "id" in reader.columns(CLAIMS) else "rowid"
    found = reader.select(f'SELECT * FROM "{CLAIMS}" WHERE {key} = ?', (claim_id,))
    return dict(found[0]) if found else None


def claim_parts(reader: Reader, claim_id: int) -> dict[str, list[dict[str, Any]]]:
    """Rows of every table with a `claim_id` column that belong to the claim, by table."""
    parts: dict[str, list[dict[str, Any]]] = {}
    for table in _tables_with(reader, "claim_id"):
        if table in (CONFLICTS, CONFLICT_CLAIMS):
            continue
        found = reader.select(
            f'SELECT * FROM "{table}" WHERE claim_id = ? ORDER BY {reader.insertion_order(table)}',
            (claim_id,),
        )
        if found:
            parts[table] = [plain_item(row) for row in found]
    return parts


def claim_conflicts(reader: Reader, claim_id: int) -> list[dict[str, Any]]:
    if not computed(reader, CONFLICTS):
        return []
    if computed(reader, CONFLICT_CLAIMS):
        found = reader.select(
            f'SELECT "{CONFLICTS}".* FROM "{CONFLICTS}" JOIN "{CONFLICT_CLAIMS}"'
            f' ON "{CONFLICT_CLAIMS}".conflict_id = "{CONFLICTS}".id'
            f' WHERE "{CONFLICT_CLAIMS}".claim_id = ? ORDER BY "{CONFLICTS}".id',
            (claim_id,),
        )
        return [plain_item(row) for row in found]
    columns = [
        name for name in reader.columns(CONFLICTS) if name in ("first", "second") or "claim" in name
    ]
    if not columns:
        return []
    where = " OR ".join(f'"{name}" = ?' for name in columns)
    found = reader.select(
        f'SELECT * FROM "{CONFLICTS}" WHERE {where} ORDER BY {reader.insertion_order(CONFLICTS)}',
        [claim_id] * len(columns),
    )
    return [plain_item(row) for row in found]


def document_roles(reader: Reader, doc_ids: Sequence[str]) -> dict[str, str]:
    """Per document id, "origin" or "copy of ORIGIN" when rewrite clusters are stored."""
    if not computed(reader, CLUSTERS) or "origin" not in reader.columns(CLUSTERS):
        return {}
    roles: dict[str, str] = {}
    for table in _tables_with(reader, "cluster_id"):
        document = next((c for c in DOCUMENT_COLUMNS if c in reader.columns(table)), None)
        if document is None or table == CLUSTERS or not doc_ids:
            continue
        marks = ", ".join("?" * len(doc_ids))
        found = reader.select(
            f'SELECT "{table}"."{document}" AS document, clusters.origin AS origin'
            f' FROM "{table}" JOIN clusters ON clusters.id = "{table}".cluster_id'
            f' WHERE "{table}"."{document}" IN ({marks})',
            list(doc_ids),
        )
        for row in found:
            same = row["document"] == row["origin"]
            roles[row["document"]] = "origin" if same else f"copy of {row['origin']}"
    return roles


def document_ids_in(rows: Sequence[dict[str, Any]]) -> list[str]:
    """The document ids the rows name, in order, once each."""
    seen: dict[str, None] = {}
    for row in rows:
        for column in DOCUMENT_COLUMNS:
            value = row.get(column)
            if isinstance(value, str):
                seen[value] = None
    return list(seen)
