"""SQL for what normalise and link add: record notes (dates, conversions, checks) and links
(clusters, credit lines, claims, conflicts). Functions over a connection, called by the SQLite
store inside its own transactions; the tables are in schema.py (migration 4)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import date
from typing import Any, Literal, cast

from recruitwatch.model import (
    Attribution,
    Check,
    CheckStatus,
    Claim,
    Cluster,
    ClusterMember,
    Conflict,
    Conversion,
    DatePrecision,
    Extraction,
    FigureNotes,
    Links,
    OfferNotes,
    Rate,
    RecordDate,
    RecordType,
    Statement,
)
from recruitwatch.store.dbapi import Connection
from recruitwatch.store.rows import insert_sql

# Ids bound in one statement: SQLite before 3.32 allows 999 parameters, later 32,766 (and
# PostgreSQL 65,535). Fewer, larger chunks save a server round trip each on PostgreSQL.
_CHUNK = 10_000 if sqlite3.sqlite_version_info >= (3, 32) else 500
_NO_RATE = "no rate: not normalised (stored before the normalise stage ran)"


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value is not None else None


# The columns each note table is written with, in the order `note_rows` gives its values.
NOTE_COLUMNS: dict[str, tuple[str, ...]] = {
    "record_dates": ("offer_id", "figure_id", "date", "precision", "phrase", "reason"),
    "conversions": (
        "offer_id",
        "currency",
        "amount",
        "amount_max",
        "rate",
        "rate_date",
        "rate_source",
        "reason",
    ),
    "checks": (
        "document_id",
        "offer_id",
        "figure_id",
        "name",
        "status",
        "detail",
        "stated",
        "expected",
        "deviation",
    ),
}


def insert_notes(
    connection: Connection,
    extraction: Extraction,
    offer_ids: Sequence[int],
    figure_ids: Sequence[int],
) -> None:
    """The notes of one document's records: one batched statement per table, so a server
    round trip is paid per document, not per record."""
    for table, values in note_rows(extraction, offer_ids, figure_ids).items():
        if values:
            connection.executemany(insert_sql(table, NOTE_COLUMNS[table]), values)


def note_rows(
    extraction: Extraction, offer_ids: Sequence[int], figure_ids: Sequence[int]
) -> dict[str, list[tuple[Any, ...]]]:
    """The rows of each note table (NOTE_COLUMNS) for one document's records, by their ids."""
    doc_id = extraction.document.id
    dates: list[tuple[Any, ...]] = []
    conversions: list[tuple[Any, ...]] = []
    checks: list[tuple[Any, ...]] = []
    for offer_id, notes in zip(offer_ids, extraction.offer_notes, strict=True):
        dates.append((offer_id, None, *_date_values(notes.date)))
        for conversion in (notes.usd, notes.rub):
            rate = conversion.rate
            conversions.append(
                (
                    offer_id,
                    conversion.currency,
                    conversion.amount,
                    conversion.amount_max,
                    rate.value if rate else None,
                    _iso(rate.date) if rate else None,
                    rate.source if rate else None,
                    conversion.reason,
                )
            )
        checks += _check_values(doc_id, offer_id, None, notes.checks)
    for figure_id, figure_notes in zip(figure_ids, extraction.figure_notes, strict=True):
        dates.append((None, figure_id, *_date_values(figure_notes.date)))
        checks += _check_values(doc_id, None, figure_id, figure_notes.checks)
    return {"record_dates": dates, "conversions": conversions, "checks": checks}


def _date_values(record_date: RecordDate) -> tuple[Any, ...]:
    return (
        _iso(record_date.value),
        record_date.precision,
        record_date.phrase,
        record_date.reason,
    )


def _check_values(
    doc_id: str, offer_id: int | None, figure_id: int | None, checks: Sequence[Check]
) -> list[tuple[Any, ...]]:
    return [
        (doc_id, offer_id, figure_id, c.name, c.status, c.detail, c.stated, c.expected, c.deviation)
        for c in checks
    ]


def _select_in(connection: Connection, sql: str, ids: Sequence[Any]) -> list[Any]:
    """Rows of `sql` (which has one `{marks}` placeholder) for ids, a chunk at a time."""
    found: list[Any] = []
    for start in range(0, len(ids), _CHUNK):
        chunk = list(ids[start : start + _CHUNK])
        found += connection.execute(sql.format(marks=", ".join("?" * len(chunk))), chunk).fetchall()
    return found


def _record_dates(connection: Connection, column: str, ids: Sequence[int]) -> dict[int, RecordDate]:
    rows = _select_in(connection, f"SELECT * FROM record_dates WHERE {column} IN ({{marks}})", ids)
    return {
        row[column]: RecordDate(
            _date(row["date"]),
            cast(DatePrecision | None, row["precision"]),  # the schema's CHECK admits only these
            row["phrase"],
            row["reason"],
        )
        for row in rows
    }


def _checks(connection: Connection, column: str, ids: Sequence[int]) -> dict[int, list[Check]]:
    rows = _select_in(
        connection, f"SELECT * FROM checks WHERE {column} IN ({{marks}}) ORDER BY id", ids
    )
    found: dict[int, list[Check]] = {}
    for row in rows:
        found.setdefault(row[column], []).append(
            Check(
                row["name"],
                cast(CheckStatus, row["status"]),  # the schema's CHECK admits only these
                row["detail"],
                row["stated"],
                row["expected"],
                row["deviation"],
            )
        )
    return found


def offer_notes(connection: Connection, ids: Sequence[int]) -> dict[int, OfferNotes]:
    """The notes of each offer id that has them (offers stored before normalise have none)."""
    dates = _record_dates(connection, "offer_id", ids)
    checks = _checks(connection, "offer_id", ids)
    conversions: dict[tuple[int, str], Conversion] = {}
    for row in _select_in(connection, "SELECT * FROM conversions WHERE offer_id IN ({marks})", ids):
        rate = None
        if row["rate"] is not None:
            rate = Rate(row["rate"], date.fromisoformat(row["rate_date"]), row["rate_source"])
        conversions[(row["offer_id"], row["currency"])] = Conversion(
            row["currency"], row["amount"], row["amount_max"], rate, row["reason"]
        )
    return {
        offer_id: OfferNotes(
            date=when,
            usd=conversions.get((offer_id, "USD"), Conversion("USD", None, reason=_NO_RATE)),
            rub=conversions.get((offer_id, "RUB"), Conversion("RUB", None, reason=_NO_RATE)),
            checks=checks.get(offer_id, []),
        )
        for offer_id, when in dates.items()
    }


def figure_notes(connection: Connection, ids: Sequence[int]) -> dict[int, FigureNotes]:
    dates = _record_dates(connection, "figure_id", ids)
    checks = _checks(connection, "figure_id", ids)
    return {
        figure_id: FigureNotes(date=when, checks=checks.get(figure_id, []))
        for figure_id, when in dates.items()
    }


_OFFER_STATEMENTS = (
    "SELECT offers.id, offers.document_id, kind, currency, amount, offered_by, target,"
    " payer_level, payer_region, recipient, previous,"
    " COALESCE(offers.date, documents.published) AS day"
    " FROM offers JOIN documents ON documents.id = offers.document_id"
)
_FIGURE_STATEMENTS = (
    "SELECT figures.id, figures.document_id, unit, quantity, figures.source, subject,"
    " COALESCE(figures.date, documents.published) AS day"
    " FROM figures JOIN documents ON documents.id = figures.document_id"
)


def statements(connection: Connection) -> list[Statement]:
    """Every stored offer and figure as a statement, dated by its record date or else its
    document's publication date."""
    offers = connection.execute(f"{_OFFER_STATEMENTS} ORDER BY offers.id").fetchall()
    figures = connection.execute(f"{_FIGURE_STATEMENTS} ORDER BY figures.id").fetchall()
    return [offer_statement(row) for row in offers] + [figure_statement(row) for row in figures]


def statements_where(
    connection: Connection, record: RecordType, where: str, params: Sequence[Any]
) -> list[Statement]:
    """The statements of one record type whose rows meet `where` (a fixed SQL condition)."""
    if record == "offer":
        sql = f"{_OFFER_STATEMENTS} WHERE {where} ORDER BY offers.id"
        return [offer_statement(row) for row in connection.execute(sql, params).fetchall()]
    sql = f"{_FIGURE_STATEMENTS} WHERE {where} ORDER BY figures.id"
    return [figure_statement(row) for row in connection.execute(sql, params).fetchall()]


def offer_statement(row: Any) -> Statement:
    return Statement(
        "offer",
        row["id"],
        row["document_id"],
        row["kind"],
        row["currency"],
        row["amount"],
        row["offered_by"],
        row["target"],
        _date(row["day"]),
        level=row["payer_level"],
        region=row["payer_region"],
        recipient=row["recipient"],
        previous=bool(row["previous"]),
    )


def figure_statement(row: Any) -> Statement:
    return Statement(
        "figure",
        row["id"],
        row["document_id"],
        "figure",
        row["unit"],
        row["quantity"],
        row["source"],
        row["subject"],
        _date(row["day"]),
    )


def replace_links(connection: Connection, links: Links) -> None:
    """Replace every stored link with `links` (inside the caller's transaction)."""
    tables = ("conflict_claims", "conflicts", "claim_statements", "claims", "cluster_members")
    for table in (*tables, "clusters"):
        connection.execute(f"DELETE FROM {table}")  # fixed names
    connection.execute("DELETE FROM attributions")
    insert_clusters(connection, links.clusters)
    insert_attributions(connection, links.attributions)
    insert_claims(connection, links.claims)
    insert_conflicts(connection, links.conflicts)


def insert_clusters(connection: Connection, found: Sequence[Cluster]) -> None:
    connection.executemany(
        "INSERT INTO clusters (id, origin) VALUES (?, ?)",
        [(cluster.id, cluster.origin) for cluster in found],
    )
    connection.executemany(
        "INSERT INTO cluster_members (document_id, cluster_id, similarity, misattribution)"
        " VALUES (?, ?, ?, ?)",
        [
            (member.doc_id, cluster.id, member.similarity, member.misattribution)
            for cluster in found
            for member in cluster.members
        ],
    )


def insert_attributions(connection: Connection, found: Sequence[Attribution]) -> None:
    connection.executemany(
        # "end" is quoted: a reserved word in PostgreSQL.
        'INSERT INTO attributions (document_id, name, start, "end", text) VALUES (?, ?, ?, ?, ?)',
        [(a.doc_id, a.name, a.start, a.end, a.text) for a in found],
    )


def insert_claims(connection: Connection, found: Sequence[Claim]) -> None:
    connection.executemany(
        "INSERT INTO claims (id, record, kind, unit, value, who, about, first, last, sources,"
        " independent_sources) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                c.id,
                c.record,
                c.kind,
                c.unit,
                c.value,
                c.who,
                c.about,
                _iso(c.first),
                _iso(c.last),
                len(c.sources),
                c.independent_sources,
            )
            for c in found
        ],
    )
    connection.executemany(
        "INSERT INTO claim_statements (claim_id, document_id, offer_id, figure_id)"
        " VALUES (?, ?, ?, ?)",
        [
            (
                claim.id,
                s.doc_id,
                s.record_id if s.record == "offer" else None,
                s.record_id if s.record == "figure" else None,
            )
            for claim in found
            for s in claim.statements
        ],
    )


def insert_conflicts(connection: Connection, found: Sequence[Conflict]) -> None:
    connection.executemany(
        "INSERT INTO conflicts (id, first_claim, second_claim, period, detail)"
        " VALUES (?, ?, ?, ?, ?)",
        [(c.id, c.first, c.second, c.period, c.detail) for c in found],
    )
    connection.executemany(
        "INSERT INTO conflict_claims (conflict_id, claim_id) VALUES (?, ?)",
        [(c.id, claim_id) for c in found for claim_id in c.claims],
    )


def clusters(connection: Connection, doc_id: str | None = None) -> list[Cluster]:
    """Stored clusters (the one holding `doc_id`, when given), members oldest first."""
    where = ""
    params: tuple[str, ...] = ()
    if doc_id is not None:
        where = (
            " WHERE clusters.id = (SELECT cluster_id FROM cluster_members WHERE document_id = ?)"
        )
        params = (doc_id,)
    rows = connection.execute(
        "SELECT clusters.id, clusters.origin, cluster_members.document_id, similarity,"
        " misattribution, documents.published FROM clusters"
        " JOIN cluster_members ON cluster_members.cluster_id = clusters.id"
        " JOIN documents ON documents.id = cluster_members.document_id"
        f"{where} ORDER BY clusters.id, documents.published IS NULL, documents.published,"
        " cluster_members.document_id",
        params,
    ).fetchall()
    found: dict[int, Cluster] = {}
    for row in rows:
        cluster = found.setdefault(row["id"], Cluster(row["id"], row["origin"], []))
        cluster.members.append(
            ClusterMember(
                row["document_id"],
                _date(row["published"]),
                row["similarity"],
                row["misattribution"],
            )
        )
    return list(found.values())


def attributions(connection: Connection, doc_id: str) -> list[Attribution]:
    rows = connection.execute(
        "SELECT * FROM attributions WHERE document_id = ? ORDER BY start", (doc_id,)
    ).fetchall()
    return [
        Attribution(row["document_id"], row["name"], row["start"], row["end"], row["text"])
        for row in rows
    ]


def claims(connection: Connection, doc_id: str | None = None) -> list[Claim]:
    """Stored claims, most independent sources first (those `doc_id` is a source of)."""
    where = ""
    params: tuple[str, ...] = ()
    if doc_id is not None:
        where = " WHERE id IN (SELECT claim_id FROM claim_statements WHERE document_id = ?)"
        params = (doc_id,)
    rows = connection.execute(
        f"SELECT * FROM claims{where} ORDER BY independent_sources DESC, sources DESC, id", params
    ).fetchall()
    parts = _select_in(
        connection,
        "SELECT claim_statements.*, COALESCE(offers.amount, figures.quantity) AS value,"
        " COALESCE(offers.date, figures.date, documents.published) AS day,"
        " COALESCE(offers.offered_by, figures.source) AS who,"
        " COALESCE(offers.target, figures.subject) AS about"
        " FROM claim_statements"
        " JOIN documents ON documents.id = claim_statements.document_id"
        " LEFT JOIN offers ON offers.id = claim_statements.offer_id"
        " LEFT JOIN figures ON figures.id = claim_statements.figure_id"
        " WHERE claim_id IN ({marks}) ORDER BY claim_statements.rowid",
        [row["id"] for row in rows],
    )
    by_claim: dict[int, list[Statement]] = {}
    kinds = {row["id"]: (row["record"], row["kind"], row["unit"]) for row in rows}
    for part in parts:
        record, kind, unit = kinds[part["claim_id"]]
        record_type: RecordType = "offer" if record == "offer" else "figure"
        by_claim.setdefault(part["claim_id"], []).append(
            Statement(
                record_type,
                part["offer_id"] if record_type == "offer" else part["figure_id"],
                part["document_id"],
                kind,
                unit,
                part["value"],
                part["who"],
                part["about"],
                _date(part["day"]),
            )
        )
    return [_claim(row, by_claim.get(row["id"], [])) for row in rows]


def _claim(row: Any, members: list[Statement]) -> Claim:
    record: Literal["offer", "figure"] = "offer" if row["record"] == "offer" else "figure"
    return Claim(
        id=row["id"],
        record=record,
        kind=row["kind"],
        unit=row["unit"],
        value=row["value"],
        who=row["who"],
        about=row["about"],
        first=_date(row["first"]),
        last=_date(row["last"]),
        statements=members,
        sources=sorted({member.doc_id for member in members}),
        independent_sources=row["independent_sources"],
    )


def conflicts(connection: Connection) -> list[Conflict]:
    rows = connection.execute("SELECT * FROM conflicts ORDER BY id").fetchall()
    claims: dict[int, list[int]] = {}
    for row in connection.execute(
        "SELECT conflict_id, claim_id FROM conflict_claims ORDER BY conflict_id, claim_id"
    ).fetchall():
        claims.setdefault(row["conflict_id"], []).append(row["claim_id"])
    return [
        Conflict(
            row["id"],
            row["first_claim"],
            row["second_claim"],
            row["period"],
            row["detail"],
            tuple(claims.get(row["id"], (row["first_claim"], row["second_claim"]))),
        )
        for row in rows
    ]
