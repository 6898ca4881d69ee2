"""SQLite backend: WAL journal, foreign keys on, one transaction per document."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Self, TypeVar

from recruitwatch.errors import StoreError
from recruitwatch.model import (
    Attribution,
    Claim,
    Cluster,
    Conflict,
    Document,
    Extraction,
    Figure,
    FigureNotes,
    Links,
    Offer,
    OfferNotes,
    Statement,
    content_hash,
)
from recruitwatch.store import notes, rows
from recruitwatch.store.base import Location, Seen, StoredFailure, Validators
from recruitwatch.store.schema import MIGRATIONS

logger = logging.getLogger(__name__)
_T = TypeVar("_T")

_SQLITE_HEADER = b"SQLite format 3\x00"
# Seconds a writer waits for another writer's lock before giving up with "database is locked".
_BUSY_TIMEOUT = 10.0
# When a record's own date is unknown, the document's publication date places it in time.
_RECORD_DATE = "COALESCE({table}.date, documents.published)"


def open_sqlite(path: Path) -> SQLiteStore:
    """Open (creating if needed) the database at `path` and bring its schema up to date."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            f"cannot create the folder for the database ({exc.strerror}); choose another --db",
            source=str(path),
        ) from exc
    if path.is_dir():
        raise StoreError("is a folder, not a database file; choose a file path", source=str(path))
    connection: sqlite3.Connection | None = None
    try:
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, so a transaction is exactly
        # what the code says and not what the sqlite3 module guesses.
        connection = sqlite3.connect(path, timeout=_BUSY_TIMEOUT, isolation_level=None)
        connection.row_factory = sqlite3.Row
        connection.create_function("casefold", 1, _casefold, deterministic=True)
        connection.execute("PRAGMA foreign_keys = ON")
        mode = connection.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode != "wal":
            logger.warning("%s: journal mode is %s, not WAL (file system without WAL?)", path, mode)
        _migrate(connection)
    except sqlite3.Error as exc:
        if connection is not None:
            connection.close()
        raise StoreError(
            f"cannot open the database ({exc}); check that it is an SQLite file you can write",
            source=str(path),
        ) from exc
    return SQLiteStore(connection)


def remove_database(path: Path) -> None:
    """Delete an SQLite database and its WAL files; refuse a file that is not SQLite."""
    if path.exists():
        try:
            with path.open("rb") as handle:
                header = handle.read(len(_SQLITE_HEADER))
        except OSError as exc:
            raise StoreError(f"cannot read ({exc.strerror})", source=str(path)) from exc
        # A guard so a mistyped --db never deletes a document or source file.
        if header and header != _SQLITE_HEADER:
            raise StoreError("is not an SQLite database; refusing to delete it", source=str(path))
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            leftover.unlink(missing_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot delete ({exc.strerror})", source=str(leftover)) from exc


def _casefold(value: str | None) -> str | None:
    # SQLite's lower() folds ASCII only; Cyrillic targets must match case-insensitively too.
    return value.casefold() if value is not None else None


@contextmanager
def _transaction(connection: sqlite3.Connection) -> Iterator[None]:
    if connection.in_transaction:
        # Inside SQLiteStore.batch: a savepoint, so one document still fails alone.
        connection.execute("SAVEPOINT write")
        try:
            yield
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK TO write")
                connection.execute("RELEASE write")
            raise
        connection.execute("RELEASE write")
        return
    # IMMEDIATE takes the write lock up front, so two writers queue instead of deadlocking.
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def _migrate(connection: sqlite3.Connection) -> None:
    connection.execute(
        "CREATE TABLE IF NOT EXISTS migrations"
        " (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    newest = MIGRATIONS[-1].version
    found = connection.execute("SELECT MAX(version) FROM migrations").fetchone()[0]
    if found is not None and found > newest:
        raise StoreError(
            f"database schema version {found} is newer than this recruitwatch knows ({newest});"
            " upgrade recruitwatch"
        )
    for migration in MIGRATIONS:
        with _transaction(connection):
            # Checked inside the write lock: another process may have just applied it.
            done = connection.execute(
                "SELECT 1 FROM migrations WHERE version = ?", (migration.version,)
            ).fetchone()
            if done:
                continue
            for statement in migration.statements:
                connection.execute(statement)
            connection.execute(
                "INSERT INTO migrations (version, name, applied_at) VALUES (?, ?, ?)",
                (migration.version, migration.name, _now()),
            )
            logger.info("applied migration %d: %s", migration.version, migration.name)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class _Filters:
    """WHERE clauses with bound parameters; only fixed SQL fragments are ever joined."""

    def __init__(self, table: str) -> None:
        self.table = table
        self.clauses: list[str] = []
        self.params: list[Any] = []

    def equal(self, column: str, value: str | None) -> None:
        if value is not None:
            self.clauses.append(f"{self.table}.{column} = ?")
            self.params.append(value)

    def contains(self, column: str, value: str | None) -> None:
        if value is not None:
            self.clauses.append(f"instr(casefold({self.table}.{column}), ?) > 0")
            self.params.append(value.casefold())

    def dates(self, since: date | None, until: date | None) -> None:
        record_date = _RECORD_DATE.format(table=self.table)
        if since is not None:
            self.clauses.append(f"{record_date} >= ?")
            self.params.append(since.isoformat())
        if until is not None:
            self.clauses.append(f"{record_date} <= ?")
            self.params.append(until.isoformat())

    def where(self) -> str:
        return f" WHERE {' AND '.join(self.clauses)}" if self.clauses else ""


class SQLiteStore:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._connection.close()

    @contextmanager
    def batch(self) -> Iterator[None]:
        try:
            with _transaction(self._connection):
                yield
        except sqlite3.Error as exc:
            raise StoreError(f"cannot commit a batch: {exc}") from exc

    def save_extraction(self, extraction: Extraction) -> bool:
        document = extraction.document
        digest = document.content_hash or content_hash(document.text)
        execute = self._connection.execute
        try:
            with _transaction(self._connection):
                if self._add_location(document, digest) != "new":
                    return False
                # A changed version of a known document: the cascade drops its old records.
                execute("DELETE FROM documents WHERE id = ?", (document.id,))
                execute(rows.INSERT_DOCUMENT, rows.document_values(document, digest, _now()))
                self._add_location(document, digest)
                offer_ids = [
                    self._insert(rows.INSERT_OFFER, rows.offer_values(document.id, offer))
                    for offer in extraction.offers
                ]
                figure_ids = [
                    self._insert(rows.INSERT_FIGURE, rows.figure_values(document.id, figure))
                    for figure in extraction.figures
                ]
                if extraction.offer_notes or extraction.figure_notes:
                    notes.insert_notes(self._connection, extraction, offer_ids, figure_ids)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot save document: {exc}", source=document.id) from exc
        return True

    def _insert(self, sql: str, values: tuple[Any, ...]) -> int:
        # Row by row, not executemany: the notes need each record's id.
        row_id = self._connection.execute(sql, values).lastrowid
        assert row_id is not None  # an INSERT always sets it
        return row_id

    def record_location(self, document: Document) -> Seen:
        digest = document.content_hash or content_hash(document.text)
        try:
            with _transaction(self._connection):
                return self._add_location(document, digest)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot record location: {exc}", source=document.id) from exc

    def _add_location(self, document: Document, digest: str) -> Seen:
        # Inside the caller's transaction.
        found = self._connection.execute(
            "SELECT id FROM documents WHERE content_hash = ?", (digest,)
        ).fetchone()
        if found is None:
            return "new"
        added = self._connection.execute(
            "INSERT OR IGNORE INTO document_locations"
            " (document_id, location_id, source, url, first_seen) VALUES (?, ?, ?, ?, ?)",
            (found["id"], document.id, document.source, document.url, _now()),
        )
        return "duplicate" if added.rowcount else "same"

    def list_locations(self, doc_id: str) -> list[Location]:
        found = self._select(
            "SELECT * FROM document_locations WHERE document_id = ? ORDER BY id", (doc_id,)
        )
        return [
            Location(
                document_id=row["document_id"],
                location_id=row["location_id"],
                source=row["source"],
                url=row["url"],
                first_seen=row["first_seen"],
            )
            for row in found
        ]

    def knows_url(self, url: str) -> bool:
        return bool(self._select("SELECT 1 FROM document_locations WHERE url = ? LIMIT 1", (url,)))

    def get_validators(self, url: str) -> Validators | None:
        found = self._select("SELECT * FROM fetch_validators WHERE url = ?", (url,))
        if not found:
            return None
        return Validators(etag=found[0]["etag"], last_modified=found[0]["last_modified"])

    def save_validators(self, url: str, validators: Validators) -> None:
        try:
            with _transaction(self._connection):
                self._connection.execute(
                    "INSERT OR REPLACE INTO fetch_validators"
                    " (url, etag, last_modified, updated_at) VALUES (?, ?, ?, ?)",
                    (url, validators.etag, validators.last_modified, _now()),
                )
        except sqlite3.Error as exc:
            raise StoreError(f"cannot save fetch validators: {exc}", source=url) from exc

    def record_failure(self, source: str, stage: str, reason: str) -> None:
        try:
            with _transaction(self._connection):
                self._connection.execute(
                    "INSERT INTO failures (source, stage, reason, occurred_at) VALUES (?, ?, ?, ?)",
                    (source, stage, reason, _now()),
                )
        except sqlite3.Error as exc:
            raise StoreError(f"cannot record failure: {exc}", source=source) from exc

    def partition_done(self, fingerprint: str) -> bool:
        found = self._select("SELECT 1 FROM batch_partitions WHERE fingerprint = ?", (fingerprint,))
        return bool(found)

    def record_partition(self, fingerprint: str, sources: str, documents: int, failed: int) -> None:
        try:
            with _transaction(self._connection):
                self._connection.execute(
                    "INSERT OR REPLACE INTO batch_partitions"
                    " (fingerprint, sources, documents, failed, done_at) VALUES (?, ?, ?, ?, ?)",
                    (fingerprint, sources, documents, failed, _now()),
                )
        except sqlite3.Error as exc:
            raise StoreError(f"cannot record a batch partition: {exc}", source=sources) from exc

    def list_failures(self) -> list[StoredFailure]:
        found = self._select("SELECT * FROM failures ORDER BY id", ())
        return [
            StoredFailure(
                id=row["id"],
                source=row["source"],
                stage=row["stage"],
                reason=row["reason"],
                occurred_at=row["occurred_at"],
            )
            for row in found
        ]

    def query_offers(
        self,
        *,
        kind: str | None = None,
        currency: str | None = None,
        target: str | None = None,
        since: date | None = None,
        until: date | None = None,
    ) -> list[Offer]:
        found = self._offer_rows(kind, currency, target, since, until)
        return [rows.offer_from_row(row) for row in found]

    def query_noted_offers(
        self,
        *,
        kind: str | None = None,
        currency: str | None = None,
        target: str | None = None,
        since: date | None = None,
        until: date | None = None,
    ) -> list[tuple[Offer, OfferNotes | None]]:
        found = self._offer_rows(kind, currency, target, since, until)
        noted = self._read(notes.offer_notes, [row["id"] for row in found])
        return [(rows.offer_from_row(row), noted.get(row["id"])) for row in found]

    def _offer_rows(
        self,
        kind: str | None,
        currency: str | None,
        target: str | None,
        since: date | None,
        until: date | None,
    ) -> list[sqlite3.Row]:
        filters = _Filters("offers")
        filters.equal("kind", kind)
        filters.equal("currency", currency.upper() if currency else None)
        filters.contains("target", target)
        filters.dates(since, until)
        sql = (
            "SELECT offers.* FROM offers JOIN documents ON documents.id = offers.document_id"
            f"{filters.where()} ORDER BY offers.document_id, offers.id"
        )
        return self._select(sql, filters.params)

    def query_figures(
        self,
        *,
        unit: str | None = None,
        subject: str | None = None,
        since: date | None = None,
        until: date | None = None,
    ) -> list[Figure]:
        found = self._figure_rows(unit, subject, since, until)
        return [rows.figure_from_row(row) for row in found]

    def query_noted_figures(
        self,
        *,
        unit: str | None = None,
        subject: str | None = None,
        since: date | None = None,
        until: date | None = None,
    ) -> list[tuple[Figure, FigureNotes | None]]:
        found = self._figure_rows(unit, subject, since, until)
        noted = self._read(notes.figure_notes, [row["id"] for row in found])
        return [(rows.figure_from_row(row), noted.get(row["id"])) for row in found]

    def _figure_rows(
        self, unit: str | None, subject: str | None, since: date | None, until: date | None
    ) -> list[sqlite3.Row]:
        filters = _Filters("figures")
        filters.equal("unit", unit)
        filters.contains("subject", subject)
        filters.dates(since, until)
        sql = (
            "SELECT figures.* FROM figures JOIN documents ON documents.id = figures.document_id"
            f"{filters.where()} ORDER BY figures.document_id, figures.id"
        )
        return self._select(sql, filters.params)

    def get_document(self, doc_id: str) -> Extraction | None:
        found = self._select("SELECT * FROM documents WHERE id = ?", (doc_id,))
        if not found:
            return None
        document = rows.document_from_row(found[0])
        offers = self._select("SELECT * FROM offers WHERE document_id = ? ORDER BY id", (doc_id,))
        figures = self._select("SELECT * FROM figures WHERE document_id = ? ORDER BY id", (doc_id,))
        offer_notes = self._read(notes.offer_notes, [row["id"] for row in offers])
        figure_notes = self._read(notes.figure_notes, [row["id"] for row in figures])
        # Notes come all or none: a document stored before normalise ran has none.
        noted = len(offer_notes) == len(offers) and len(figure_notes) == len(figures)
        return Extraction(
            document=document,
            offers=[rows.offer_from_row(item) for item in offers],
            figures=[rows.figure_from_row(item) for item in figures],
            offer_notes=[offer_notes[row["id"]] for row in offers] if noted else [],
            figure_notes=[figure_notes[row["id"]] for row in figures] if noted else [],
        )

    def list_documents(self) -> list[Document]:
        found = self._select("SELECT * FROM documents ORDER BY id", ())
        return [rows.document_from_row(row) for row in found]

    def list_statements(self) -> list[Statement]:
        return self._read(notes.statements)

    def save_links(self, links: Links) -> None:
        try:
            with _transaction(self._connection):
                notes.replace_links(self._connection, links)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot save links: {exc}") from exc

    def list_clusters(self, doc_id: str | None = None) -> list[Cluster]:
        return self._read(notes.clusters, doc_id)

    def list_attributions(self, doc_id: str) -> list[Attribution]:
        return self._read(notes.attributions, doc_id)

    def list_claims(self, doc_id: str | None = None) -> list[Claim]:
        return self._read(notes.claims, doc_id)

    def list_conflicts(self) -> list[Conflict]:
        return self._read(notes.conflicts)

    def _read(self, query: Callable[..., _T], *args: Any) -> _T:
        try:
            return query(self._connection, *args)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot read the database: {exc}") from exc

    def _select(self, sql: str, params: Sequence[Any]) -> list[sqlite3.Row]:
        try:
            return self._connection.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise StoreError(f"cannot read the database: {exc}") from exc
