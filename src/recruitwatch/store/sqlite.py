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
        store = SQLiteStore(connection)
        store._migrate()
    except sqlite3.Error as exc:
        if connection is not None:
            connection.close()
        raise StoreError(
            f"cannot open the database ({exc}); check that it is an SQLite file you can write",
            source=str(path),
        ) from exc
    return store


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

    def __init__(self, connection: sqlite3.Connection) -> None:
        super().__init__(connection)
        self._sqlite = connection

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
        # table_xinfo lists generated columns too (record_month); hidden 1 is FTS-internal.
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
