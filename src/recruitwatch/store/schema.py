"""The database schema, as ordered migrations; the only place that says what the tables are.

A migration is never edited once released: a change to the schema is a new entry at the end.
Each entry runs in its own transaction and is recorded in the `migrations` table.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        version=1,
        name="documents, offers, figures, failures",
        statements=(
            """
            CREATE TABLE documents (
                id TEXT PRIMARY KEY,
                source TEXT NOT NULL,
                url TEXT,
                title TEXT,
                published TEXT,
                language TEXT NOT NULL,
                text TEXT NOT NULL,
                content_hash TEXT NOT NULL UNIQUE,
                ingested_at TEXT NOT NULL
            )
            """,
            """
            CREATE TABLE offers (
                id INTEGER PRIMARY KEY,
                document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
                kind TEXT NOT NULL
                    CHECK (kind IN ('signing_bonus', 'monthly_pay', 'compensation',
                                    'other_payment')),
                amount REAL NOT NULL,
                amount_max REAL,
                currency TEXT NOT NULL,
                usd_stated REAL,
                offered_by TEXT,
                target TEXT,
                region TEXT,
                date TEXT,
                confidence REAL NOT NULL,
                evidence_start INTEGER NOT NULL,
                evidence_end INTEGER NOT NULL,
                evidence_text TEXT NOT NULL,
                value_start INTEGER NOT NULL,
                value_end INTEGER NOT NULL,
                rule TEXT NOT NULL,
                language TEXT NOT NULL
            )
            """,
            "CREATE INDEX offers_document ON offers (document_id)",
            "CREATE INDEX offers_kind_currency ON offers (kind, currency)",
            """
            CREATE TABLE figures (
                id INTEGER PRIMARY KEY,
                document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
                quantity REAL NOT NULL,
                quantity_max REAL,
                unit TEXT NOT NULL CHECK (unit IN ('people', 'percent', 'other')),
                subject TEXT,
                source TEXT,
                date TEXT,
                confidence REAL NOT NULL,
                evidence_start INTEGER NOT NULL,
                evidence_end INTEGER NOT NULL,
                evidence_text TEXT NOT NULL,
                value_start INTEGER NOT NULL,
                value_end INTEGER NOT NULL,
                rule TEXT NOT NULL,
                language TEXT NOT NULL
            )
            """,
            "CREATE INDEX figures_document ON figures (document_id)",
            """
            CREATE TABLE failures (
                id INTEGER PRIMARY KEY,
                source TEXT NOT NULL,
                stage TEXT NOT NULL,
                reason TEXT NOT NULL,
                occurred_at TEXT NOT NULL
            )
            """,
        ),
    ),
    Migration(
        version=2,
        name="document locations, fetch validators",
        statements=(
            # Each place a stored text was found: an exact copy elsewhere is stored once.
            """
            CREATE TABLE document_locations (
                id INTEGER PRIMARY KEY,
                document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
                location_id TEXT NOT NULL,
                source TEXT NOT NULL,
                url TEXT,
                first_seen TEXT NOT NULL
            )
            """,
            "CREATE UNIQUE INDEX document_locations_place"
            " ON document_locations (document_id, source, ifnull(url, ''))",
            "CREATE INDEX document_locations_url ON document_locations (url)",
            "INSERT INTO document_locations (document_id, location_id, source, url, first_seen)"
            " SELECT id, id, source, url, ingested_at FROM documents",
            # ETag / Last-Modified per URL, so `watch` asks only for what changed.
            """
            CREATE TABLE fetch_validators (
                url TEXT PRIMARY KEY,
                etag TEXT,
                last_modified TEXT,
                updated_at TEXT NOT NULL
            )
            """,
        ),
    ),
)
