"""Store stage: keeps documents, their records and ingest failures; never makes records.

`open_store(target)` returns a `Store`: an SQLite file for a path, a PostgreSQL database for a
`postgresql://` URL. Both run the same migrations and answer every query alike.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from recruitwatch.errors import StoreError
from recruitwatch.store.base import Location, SearchHit, Seen, Store, StoredFailure, Validators
from recruitwatch.store.dbapi import POSTGRES_INSTALL_LINE, describe_url, is_postgres_url
from recruitwatch.store.sql import SQLStore
from recruitwatch.store.sqlite import open_sqlite, remove_sqlite


def open_store(target: str | Path, *, create: bool = True) -> Store:
    """The store at `target`, brought up to date: an SQLite file (created with its folder if
    missing) or a `postgresql://user@host/dbname` URL (the database must exist). With
    `create=False` (commands that only read) a database recruitwatch never wrote is refused
    with a StoreError, so a mistyped path is not silently made an empty database."""
    return open_sql_store(target, create=create)


def open_sql_store(target: str | Path, *, create: bool = True) -> SQLStore:
    """As `open_store`, with what the export reads beyond the Store interface."""
    if is_postgres_url(target):
        store: SQLStore = postgres_backend().open_postgres(str(target), create=create)
        return store
    return open_sqlite(Path(target), create=create)


def no_database(target: str | Path) -> StoreError:
    """The error for a read of a database that does not exist."""
    where = describe_url(str(target)) if is_postgres_url(target) else str(target)
    return StoreError(
        f"no database at {where} (create one with recruitwatch ingest or recruitwatch demo)"
    )


def remove_database(target: str | Path) -> None:
    """Delete an SQLite database file, or drop recruitwatch's tables from a PostgreSQL one;
    never anything else."""
    if is_postgres_url(target):
        postgres_backend().remove_postgres(str(target))
    else:
        remove_sqlite(Path(target))


def postgres_backend() -> ModuleType:
    """The PostgreSQL backend module, imported on demand: SQLite users need not install
    psycopg."""
    try:
        from recruitwatch.store import postgres
    except ImportError as exc:
        raise StoreError(
            f"a PostgreSQL database needs psycopg; install it: {POSTGRES_INSTALL_LINE}"
        ) from exc
    return postgres


__all__ = [
    "Location",
    "SearchHit",
    "Seen",
    "Store",
    "StoredFailure",
    "Validators",
    "describe_url",
    "is_postgres_url",
    "no_database",
    "open_sql_store",
    "open_store",
    "postgres_backend",
    "remove_database",
]
