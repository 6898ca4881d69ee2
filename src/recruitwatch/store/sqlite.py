"""SQLite backend: WAL journal, foreign keys on, one transaction per document."""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from recruitwatch.errors import StoreError
from recruitwatch.store import notes, rows
from recruitwatch.store.dialects import SQLITE, fts_query
from recruitwatch.store.sql import ColumnType, SQLStore

logger = logging.getLogger(__name__)

_SQLITE_HEADER = b"SQLite format 3\x00"
# Seconds SQLite itself waits for another writer's lock before "database is locked".
_BUSY_TIMEOUT = 10.0
# Seconds a writer keeps trying to begin, with back-off, past SQLite's own wait: an ingest and
# the API's writes queue for one another instead of one of them failing.
_WRITE_PATIENCE = 120.0


def open_sqlite(path: Path, *, create: bool = True) -> SQLiteStore:
    """Open the database at `path` (creating it and its folder if needed, unless `create` is
    false) and bring its schema up to date."""
    if not create and not path.exists():
        from recruitwatch.store import no_database  # the package imports this module

        raise no_database(path)
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
        # what the code says and not what the sqlite3 module guesses. check_same_thread off:
        # one caller at a time, but the Parquet writer reads the export's rows on its thread.
        connection = sqlite3.connect(
            path, timeout=_BUSY_TIMEOUT, isolation_level=None, check_same_thread=False
        )
        connection.row_factory = sqlite3.Row
        connection.create_function("casefold", 1, _casefold, deterministic=True)
        connection.execute("PRAGMA foreign_keys = ON")
        mode = connection.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode != "wal":
            logger.warning("%s: journal mode is %s, not WAL (file system without WAL?)", path, mode)
        store = SQLiteStore(connection, path)
        store._migrate()
    except sqlite3.Error as exc:
        if connection is not None:
            connection.close()
        raise StoreError(
            f"cannot open the database ({exc}); check that it is an SQLite file you can write",
            source=str(path),
        ) from exc
    return store


def open_staging(path: Path) -> SQLiteStore:
    """A new database for one batch partition, written by a worker and merged into the main
    one (`SQLiteStore.merge_partition`): the same tables, without the search index (the
    merge indexes each text once, in the main database) and without waiting on the disk (an
    unfinished file is never merged: the worker renames it when done)."""
    store = open_sqlite(path)
    for trigger in ("insert", "delete", "update"):
        store._sqlite.execute(f"DROP TRIGGER documents_search_{trigger}")  # our own names
    store._sqlite.execute("PRAGMA synchronous = OFF")
    return store


def _copy_rows(
    connection: sqlite3.Connection,
    table: str,
    columns: tuple[str, ...],
    where: str,
    values: dict[str, str] | None = None,
) -> int:
    # INSERT ... SELECT from the attached partition; `values` replaces a column by an
    # expression (a shifted id). Table, column and expression text are our own constants.
    selected = ", ".join((values or {}).get(column, column) for column in columns)
    return connection.execute(
        f"INSERT INTO main.{table} ({', '.join(columns)})"
        f" SELECT {selected} FROM part.{table} WHERE {where}"
    ).rowcount


def remove_sqlite(path: Path) -> None:
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


def _begin(connection: sqlite3.Connection) -> None:
    """BEGIN IMMEDIATE, tried again with doubling pauses while another writer holds the lock
    (one writer at a time: the others wait their turn), for up to _WRITE_PATIENCE seconds."""
    deadline = time.monotonic() + _WRITE_PATIENCE
    pause = 0.05
    while True:
        try:
            connection.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            busy = "locked" in str(exc) or "busy" in str(exc)
            if not busy or time.monotonic() + pause > deadline:
                raise
            logger.info("database busy; trying again in %.2f s", pause)
            time.sleep(pause)
            pause = min(pause * 2, 2.0)


class SQLiteStore(SQLStore):
    schema = "sqlite"
    dialect = SQLITE

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        super().__init__(connection)
        self._sqlite = connection
        self.path = path

    def merge_partition(
        self, staging: Path, fingerprint: str, name: str, documents: int, failed: int
    ) -> tuple[int, int]:
        """Bulk-load a partition a batch worker wrote to its own file (`open_staging`), as
        `save_extractions` would have saved its records here one by one, and note the partition
        done in the same transaction. Returns (documents stored, places noted of texts stored
        before); the rest of `documents` were places known already."""
        execute = self._sqlite.execute
        try:
            execute("ATTACH DATABASE ? AS part", (str(staging),))
        except sqlite3.Error as exc:
            raise StoreError(f"cannot read a batch partition ({exc})", source=str(staging)) from exc
        try:
            with self._transaction():
                stored, placed = self._merge_attached()
                self.record_partition(fingerprint, name, documents, failed)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot merge a batch partition ({exc})", source=name) from exc
        finally:
            execute("DETACH DATABASE part")
        return stored, placed - stored

    def _merge_attached(self) -> tuple[int, int]:
        # Inside the caller's transaction, `part` attached. Texts stored already only add
        # their places; a known id with another text is a changed version, replaced (the
        # cascade drops its records). Record ids move past this database's highest: the
        # notes follow them.
        execute = self._sqlite.execute
        execute("CREATE TEMP TABLE IF NOT EXISTS merge_fresh (id TEXT PRIMARY KEY)")
        execute("DELETE FROM temp.merge_fresh")
        execute(
            "INSERT INTO temp.merge_fresh SELECT id FROM part.documents"
            " WHERE content_hash NOT IN (SELECT content_hash FROM main.documents) ORDER BY rowid"
        )
        fresh = "SELECT id FROM temp.merge_fresh"
        execute(f"DELETE FROM main.documents WHERE id IN ({fresh})")
        stored = _copy_rows(
            self._sqlite, "documents", rows.DOCUMENT_COLUMNS, f"id IN ({fresh}) ORDER BY rowid"
        )
        offsets = {
            table: execute(f"SELECT ifnull(max(id), 0) FROM main.{table}").fetchone()[0]
            for table in ("offers", "figures")
        }
        for table, columns in (("offers", rows.OFFER_COLUMNS), ("figures", rows.FIGURE_COLUMNS)):
            _copy_rows(
                self._sqlite,
                table,
                ("id", *columns),
                f"document_id IN ({fresh}) ORDER BY id",
                {"id": f"id + {offsets[table]}"},
            )
        shifted = {
            "offer_id": f"offer_id + {offsets['offers']}",
            "figure_id": f"figure_id + {offsets['figures']}",
        }
        fresh_offers = f"SELECT id FROM part.offers WHERE document_id IN ({fresh})"
        fresh_figures = f"SELECT id FROM part.figures WHERE document_id IN ({fresh})"
        where = {
            "record_dates": f"offer_id IN ({fresh_offers}) OR figure_id IN ({fresh_figures})",
            "conversions": f"offer_id IN ({fresh_offers})",
            "checks": f"document_id IN ({fresh}) ORDER BY id",
        }
        for table, columns in notes.NOTE_COLUMNS.items():
            _copy_rows(self._sqlite, table, columns, where[table], shifted)
        placed = execute(
            "INSERT INTO main.document_locations"
            " (document_id, location_id, source, url, first_seen, batch_order)"
            " SELECT stored.id, place.location_id, place.source, place.url, place.first_seen,"
            " place.batch_order FROM part.document_locations AS place"
            " JOIN part.documents AS copy ON copy.id = place.document_id"
            " JOIN main.documents AS stored ON stored.content_hash = copy.content_hash"
            " WHERE true ORDER BY place.id ON CONFLICT DO NOTHING"
        ).rowcount
        execute(
            "INSERT INTO main.failures (source, stage, reason, occurred_at, times, last_seen)"
            " SELECT source, stage, reason, occurred_at, times, last_seen FROM part.failures"
            " WHERE true ORDER BY id ON CONFLICT (source, reason) DO UPDATE SET"
            " stage = excluded.stage, times = failures.times + excluded.times,"
            " last_seen = excluded.last_seen"
        )
        return stored, placed

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        connection = self._sqlite
        if connection.in_transaction:
            # Inside a batch: a savepoint, so one document still fails alone.
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
        _begin(connection)
        try:
            yield
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

    def column_types(self, table: str) -> list[tuple[str, ColumnType]]:
        # table_xinfo lists generated columns too; hidden 1 is FTS-internal.
        found = self._sqlite.execute(f"PRAGMA table_xinfo({table})").fetchall()  # our names
        return [
            (column["name"], _column_type(column["type"]))
            for column in found
            if column["hidden"] in (0, 2, 3)
        ]

    def _lock_migrations(self) -> None:
        pass  # BEGIN IMMEDIATE has taken the write lock already

    def _search_rows(self, q: str, limit: int) -> list[Any]:
        return self._sqlite.execute(
            "SELECT documents.id, documents.title, documents.published FROM documents_fts"
            " JOIN document_search ON document_search.rowid = documents_fts.rowid"
            " JOIN documents ON documents.id = document_search.document_id"
            " WHERE documents_fts MATCH ? ORDER BY bm25(documents_fts), documents.id LIMIT ?",
            (fts_query(q), limit),
        ).fetchall()


def _column_type(declared: str) -> ColumnType:
    declared = declared.upper()
    if "INT" in declared:
        return "integer"
    return "real" if "REAL" in declared else "text"
