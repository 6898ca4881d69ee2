"""What the link stage keeps between runs, and the narrow reads and writes of an incremental
link: entries (a document's signature, story numbers and stated values), the keys that find its
candidates, the verified pairs (edges) that make clusters, and clusters, claims and conflicts
replaced piece by piece. SQL both backends accept; the caller holds the transaction.

Entries carry no foreign key: when a document is replaced or removed, its old entry is what
tells the link stage which claims held its old values.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from recruitwatch.model import Attribution, Claim, Cluster, Conflict, Document, Statement
from recruitwatch.store import notes
from recruitwatch.store.dbapi import Connection
from recruitwatch.store.rows import document_from_row

Signature = npt.NDArray[np.uint32]
# What a statement puts into a claim: record, kind, unit, value.
StatedValue = tuple[str, str, str, float]
# A claim's partition: record, kind, unit. Claims and conflicts never cross one.
Partition = tuple[str, str, str]

_CHUNK = 500


@dataclass(frozen=True, slots=True)
class Entry:
    """One linked document as the link stage remembers it."""

    doc_id: str
    content_hash: str
    published: date | None
    language: str
    signature: Signature | None  # None: too few word triples to compare
    numbers: frozenset[str]  # story numbers (`link.rewrites.story_numbers`)
    stated: tuple[StatedValue, ...]  # its offers' and figures' values


def _chunks(items: Sequence[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(items), _CHUNK):
        yield list(items[start : start + _CHUNK])


def _marks(items: Sequence[Any]) -> str:
    return ", ".join("?" * len(items))


class LinkIndex:
    """Reads and writes for `link.update` over one connection, inside its transaction."""

    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def _rows(self, sql: str, ids: Sequence[Any], extra: Sequence[Any] = ()) -> list[Any]:
        """Rows of `sql` (one `{marks}` placeholder before any `extra` parameters) for ids."""
        found: list[Any] = []
        for chunk in _chunks(sorted(set(ids))):
            found += self._db.execute(sql.format(marks=_marks(chunk)), [*chunk, *extra]).fetchall()
        return found

    # --- entries and keys -------------------------------------------------------------------

    def pending_count(self) -> int:
        """How many documents are not linked yet, or changed since."""
        row = self._db.execute(
            "SELECT COUNT(*) FROM documents LEFT JOIN link_documents"
            " ON link_documents.document_id = documents.id"
            " WHERE link_documents.content_hash IS NULL"
            " OR link_documents.content_hash <> documents.content_hash"
        ).fetchone()
        return int(row[0])

    def pending(self) -> tuple[list[Document], list[Entry]]:
        """Documents not linked yet or changed since, and the entries of documents changed or
        gone since they were linked."""
        new = self._db.execute(
            "SELECT documents.* FROM documents LEFT JOIN link_documents"
            " ON link_documents.document_id = documents.id"
            " WHERE link_documents.content_hash IS NULL"
            " OR link_documents.content_hash <> documents.content_hash ORDER BY documents.id"
        ).fetchall()
        stale = self._db.execute(
            "SELECT link_documents.* FROM link_documents LEFT JOIN documents"
            " ON documents.id = link_documents.document_id"
            " WHERE documents.content_hash IS NULL"
            " OR documents.content_hash <> link_documents.content_hash"
        ).fetchall()
        return [document_from_row(row) for row in new], [_entry(row) for row in stale]

    def entries(self, doc_ids: Iterable[str]) -> dict[str, Entry]:
        rows = self._rows(
            "SELECT * FROM link_documents WHERE document_id IN ({marks})", list(doc_ids)
        )
        return {row["document_id"]: _entry(row) for row in rows}

    def remember(self, found: Sequence[Entry], keys: Sequence[tuple[int, str]]) -> None:
        self._db.executemany(
            "INSERT INTO link_documents (document_id, content_hash, published, language,"
            " signature, numbers, stated) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [_entry_values(entry) for entry in found],
        )
        self._db.executemany("INSERT INTO link_keys (key, document_id) VALUES (?, ?)", keys)

    def forget(self, found: Sequence[Entry], keys: Sequence[tuple[int, str]]) -> None:
        self._db.executemany("DELETE FROM link_keys WHERE key = ? AND document_id = ?", keys)
        self._db.executemany(
            "DELETE FROM link_documents WHERE document_id = ?", [(e.doc_id,) for e in found]
        )

    def holders(self, keys: Iterable[int], *, limit: int | None = None) -> dict[int, list[str]]:
        """Who holds each key (at most `limit` + 1 of them, enough to tell a key over it)."""
        held: dict[int, list[str]] = {}
        if limit is None:
            sql = "SELECT key, document_id FROM link_keys WHERE key IN ({marks})"
        else:
            sql = (
                "SELECT key, document_id FROM (SELECT key, document_id, ROW_NUMBER() OVER"
                " (PARTITION BY key ORDER BY document_id) AS n FROM link_keys"
                f" WHERE key IN ({{marks}})) AS held WHERE n <= {int(limit) + 1}"
            )
        for row in self._rows(sql, list(keys)):
            held.setdefault(row["key"], []).append(row["document_id"])
        return held

    def counts(self, keys: Iterable[int]) -> dict[int, int]:
        rows = self._rows(
            "SELECT key, COUNT(*) AS n FROM link_keys WHERE key IN ({marks}) GROUP BY key",
            list(keys),
        )
        return {row["key"]: row["n"] for row in rows}

    def documents(self, doc_ids: Iterable[str]) -> dict[str, Document]:
        rows = self._rows("SELECT * FROM documents WHERE id IN ({marks})", list(doc_ids))
        return {row["id"]: document_from_row(row) for row in rows}

    def statements_of(self, doc_ids: Sequence[str]) -> list[Statement]:
        found: list[Statement] = []
        for chunk in _chunks(sorted(set(doc_ids))):
            marks = _marks(chunk)
            found += notes.statements_where(
                self._db, "offer", f"offers.document_id IN ({marks})", chunk
            )
            found += notes.statements_where(
                self._db, "figure", f"figures.document_id IN ({marks})", chunk
            )
        return found

    # --- edges and clusters -----------------------------------------------------------------

    def edges_of(self, doc_ids: Iterable[str]) -> list[tuple[str, str, float]]:
        ids = list(doc_ids)
        rows = self._rows("SELECT * FROM link_pairs WHERE first IN ({marks})", ids)
        rows += self._rows("SELECT * FROM link_pairs WHERE second IN ({marks})", ids)
        return sorted({(row["first"], row["second"], row["similarity"]) for row in rows})

    def drop_edges(self, doc_ids: Iterable[str]) -> list[tuple[str, str, float]]:
        """Delete every edge touching the documents; return them."""
        found = self.edges_of(doc_ids)
        self._db.executemany(
            "DELETE FROM link_pairs WHERE first = ? AND second = ?", [(a, b) for a, b, _ in found]
        )
        return found

    def add_edges(self, edges: Sequence[tuple[str, str, float]]) -> None:
        self._db.executemany(
            "INSERT INTO link_pairs (first, second, similarity) VALUES (?, ?, ?)", edges
        )

    def clusters_of(self, doc_ids: Iterable[str]) -> dict[int, list[str]]:
        """The clusters holding any of the documents, each with all its members."""
        rows = self._rows(
            "SELECT cluster_id, document_id FROM cluster_members WHERE cluster_id IN"
            " (SELECT cluster_id FROM cluster_members WHERE document_id IN ({marks}))",
            list(doc_ids),
        )
        found: dict[int, list[str]] = {}
        for row in rows:
            found.setdefault(row["cluster_id"], []).append(row["document_id"])
        return found

    def replace_clusters(self, old: Iterable[int], new: Sequence[Cluster]) -> list[Cluster]:
        """Delete clusters `old`, add `new` under fresh ids; return them as stored."""
        self._db.executemany("DELETE FROM clusters WHERE id = ?", [(i,) for i in old])
        first = self._next_id("clusters")
        stored = [Cluster(first + n, c.origin, c.members) for n, c in enumerate(new)]
        notes.insert_clusters(self._db, stored)
        return stored

    def memberships(self, doc_ids: Iterable[str]) -> dict[str, tuple[int, str]]:
        """The cluster id and origin of each clustered document among `doc_ids`."""
        rows = self._rows(
            "SELECT cluster_members.document_id, clusters.id, clusters.origin"
            " FROM cluster_members JOIN clusters ON clusters.id = cluster_members.cluster_id"
            " WHERE cluster_members.document_id IN ({marks})",
            list(doc_ids),
        )
        return {row["document_id"]: (row["id"], row["origin"]) for row in rows}

    def credits(self, doc_ids: Iterable[str]) -> dict[str, list[Attribution]]:
        rows = self._rows(
            "SELECT * FROM attributions WHERE document_id IN ({marks}) ORDER BY document_id, start",
            list(doc_ids),
        )
        found: dict[str, list[Attribution]] = {}
        for row in rows:
            found.setdefault(row["document_id"], []).append(
                Attribution(row["document_id"], row["name"], row["start"], row["end"], row["text"])
            )
        return found

    def replace_credits(self, doc_ids: Sequence[str], found: Sequence[Attribution]) -> None:
        self._db.executemany(
            "DELETE FROM attributions WHERE document_id = ?", [(i,) for i in doc_ids]
        )
        notes.insert_attributions(self._db, found)

    # --- claims -----------------------------------------------------------------------------

    def values_in(self, partition: Partition) -> list[float]:
        """Every stated value of a claim partition, ascending."""
        record, kind, unit = partition
        if record == "offer":
            sql = "SELECT amount FROM offers WHERE kind = ? AND currency = ? ORDER BY amount"
            params: tuple[str, ...] = (kind, unit)
        else:
            sql = "SELECT quantity FROM figures WHERE unit = ? ORDER BY quantity"
            params = (unit,)
        return [row[0] for row in self._db.execute(sql, params).fetchall()]

    def statements_between(self, partition: Partition, low: float, high: float) -> list[Statement]:
        record, kind, unit = partition
        if record == "offer":
            return notes.statements_where(
                self._db,
                "offer",
                "kind = ? AND currency = ? AND amount BETWEEN ? AND ?",
                (kind, unit, low, high),
            )
        return notes.statements_where(
            self._db, "figure", "unit = ? AND quantity BETWEEN ? AND ?", (unit, low, high)
        )

    def claim_members(
        self, partition: Partition, low: float, high: float
    ) -> dict[int, tuple[float, list[tuple[str, int]]]]:
        """The claims of a partition whose value is within [low, high], each with its value
        and its statements as (record, offer or figure id)."""
        rows = self._db.execute(
            "SELECT claims.id, claims.value, claim_statements.offer_id,"
            " claim_statements.figure_id FROM claims"
            " LEFT JOIN claim_statements ON claim_statements.claim_id = claims.id"
            " WHERE claims.record = ? AND claims.kind = ? AND claims.unit = ?"
            " AND claims.value BETWEEN ? AND ?",
            (*partition, low, high),
        ).fetchall()
        found: dict[int, tuple[float, list[tuple[str, int]]]] = {}
        for row in rows:
            members = found.setdefault(row["id"], (row["value"], []))[1]
            if row["offer_id"] is not None:
                members.append(("offer", row["offer_id"]))
            elif row["figure_id"] is not None:
                members.append(("figure", row["figure_id"]))
        return found

    def claim_sources(self, doc_ids: Iterable[str]) -> dict[int, list[str]]:
        """Claims any of the documents states, each with every document stating it."""
        rows = self._rows(
            "SELECT DISTINCT claim_id, document_id FROM claim_statements WHERE claim_id IN"
            " (SELECT claim_id FROM claim_statements WHERE document_id IN ({marks}))",
            list(doc_ids),
        )
        found: dict[int, list[str]] = {}
        for row in rows:
            found.setdefault(row["claim_id"], []).append(row["document_id"])
        return found

    def replace_claims(self, old: Iterable[int], new: Sequence[Claim]) -> list[Claim]:
        self._db.executemany("DELETE FROM claims WHERE id = ?", [(i,) for i in old])
        first = self._next_id("claims")
        stored = [_renumbered(claim, first + n) for n, claim in enumerate(new)]
        notes.insert_claims(self._db, stored)
        return stored

    def set_independent_sources(self, counts: dict[int, int]) -> None:
        self._db.executemany(
            "UPDATE claims SET independent_sources = ? WHERE id = ?",
            [(n, claim_id) for claim_id, n in counts.items()],
        )

    # --- conflicts --------------------------------------------------------------------------

    def conflicts_of(self, claim_ids: Iterable[int]) -> dict[int, list[int]]:
        """Conflicts holding any of the claims, each with all its claims."""
        rows = self._rows(
            "SELECT conflict_id, claim_id FROM conflict_claims WHERE conflict_id IN"
            " (SELECT conflict_id FROM conflict_claims WHERE claim_id IN ({marks}))",
            list(claim_ids),
        )
        found: dict[int, list[int]] = {}
        for row in rows:
            found.setdefault(row["conflict_id"], []).append(row["claim_id"])
        return found

    def claims_in_period(self, partition: Partition, start: date, end: date) -> list[Claim]:
        """The claims of a partition whose dates touch [start, end], each with its statements
        as the link stage reads them (levels, regions, recipients, replaced levels)."""
        rows = self._db.execute(
            "SELECT * FROM claims WHERE record = ? AND kind = ? AND unit = ?"
            " AND first <= ? AND last >= ? ORDER BY id",
            (*partition, end.isoformat(), start.isoformat()),
        ).fetchall()
        return self._with_statements(partition[0], rows)

    def claims(self, claim_ids: Iterable[int]) -> list[Claim]:
        rows = self._rows("SELECT * FROM claims WHERE id IN ({marks}) ORDER BY id", list(claim_ids))
        found: list[Claim] = []
        for record in ("offer", "figure"):
            found += self._with_statements(record, [r for r in rows if r["record"] == record])
        return found

    def _with_statements(self, record: str, rows: list[Any]) -> list[Claim]:
        ids = [row["id"] for row in rows]
        table = "offers" if record == "offer" else "figures"
        kind_of: Literal["offer", "figure"] = "offer" if record == "offer" else "figure"
        parts: list[Any] = []
        by_record: dict[int, Statement] = {}
        for chunk in _chunks(ids):
            marks = _marks(chunk)
            parts += self._db.execute(
                f"SELECT claim_id, {record}_id AS record_id FROM claim_statements"
                f" WHERE claim_id IN ({marks}) AND {record}_id IS NOT NULL",
                chunk,
            ).fetchall()
            where = (
                f"{table}.id IN (SELECT {record}_id FROM claim_statements"
                f" WHERE claim_id IN ({marks}))"
            )
            by_record.update(
                (s.record_id, s) for s in notes.statements_where(self._db, kind_of, where, chunk)
            )
        members: dict[int, list[Statement]] = {}
        for part in parts:
            if part["record_id"] in by_record:
                members.setdefault(part["claim_id"], []).append(by_record[part["record_id"]])
        claims = []
        for row in rows:
            statements = members.get(row["id"], [])
            claims.append(
                Claim(
                    id=row["id"],
                    record=kind_of,
                    kind=row["kind"],
                    unit=row["unit"],
                    value=row["value"],
                    who=row["who"],
                    about=row["about"],
                    first=_date(row["first"]),
                    last=_date(row["last"]),
                    statements=statements,
                    sources=sorted({s.doc_id for s in statements}),
                    independent_sources=row["independent_sources"],
                )
            )
        return claims

    def replace_conflicts(self, old: Iterable[int], new: Sequence[Conflict]) -> None:
        self._db.executemany("DELETE FROM conflicts WHERE id = ?", [(i,) for i in old])
        first = self._next_id("conflicts")
        notes.insert_conflicts(
            self._db,
            [
                Conflict(first + n, c.first, c.second, c.period, c.detail, c.claims)
                for n, c in enumerate(new)
            ],
        )

    # --- everything at once -----------------------------------------------------------------

    def replace_all(
        self,
        found: Sequence[Entry],
        keys: Sequence[tuple[int, str]],
        edges: Sequence[tuple[str, str, float]],
    ) -> None:
        """Replace every entry, key and edge (a full relink)."""
        for table in ("link_keys", "link_pairs", "link_documents"):
            self._db.execute(f"DELETE FROM {table}")  # fixed names
        self.remember(found, keys)
        self.add_edges(edges)

    def totals(self) -> tuple[int, int, int]:
        """How many clusters, claims and conflicts are stored."""
        return (
            self._count("clusters"),
            self._count("claims"),
            self._count("conflicts"),
        )

    def linked(self) -> int:
        """How many documents are linked."""
        return self._count("link_documents")

    def _count(self, table: str) -> int:
        return int(self._db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])  # our names

    def _next_id(self, table: str) -> int:
        row = self._db.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}").fetchone()
        return int(row[0])


def _renumbered(claim: Claim, claim_id: int) -> Claim:
    return Claim(
        id=claim_id,
        record=claim.record,
        kind=claim.kind,
        unit=claim.unit,
        value=claim.value,
        who=claim.who,
        about=claim.about,
        first=claim.first,
        last=claim.last,
        statements=claim.statements,
        sources=claim.sources,
        independent_sources=claim.independent_sources,
    )


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _entry(row: Any) -> Entry:
    signature = row["signature"]
    return Entry(
        doc_id=row["document_id"],
        content_hash=row["content_hash"],
        published=_date(row["published"]),
        language=row["language"],
        signature=None if signature is None else np.frombuffer(bytes(signature), dtype=np.uint32),
        numbers=frozenset(row["numbers"].split()),
        stated=tuple(
            (record, kind, unit, float(value))
            for record, kind, unit, value in json.loads(row["stated"])
        ),
    )


def _entry_values(entry: Entry) -> tuple[Any, ...]:
    return (
        entry.doc_id,
        entry.content_hash,
        entry.published.isoformat() if entry.published else None,
        entry.language,
        None if entry.signature is None else entry.signature.astype(np.uint32).tobytes(),
        " ".join(sorted(entry.numbers)),
        json.dumps(entry.stated, ensure_ascii=False),
    )
