"""Store stage: keeps documents, their records and ingest failures; never makes records.

`open_store(path)` returns a `Store`; SQLite is the one backend today, and the `Store` protocol is
what a PostgreSQL backend would implement.
"""

from __future__ import annotations

from pathlib import Path

from recruitwatch.store.base import Location, Seen, Store, StoredFailure, Validators
from recruitwatch.store.sqlite import open_sqlite, remove_database


def open_store(path: Path) -> Store:
    """The store at `path`, created with its parent folder if missing and migrated to date."""
    return open_sqlite(path)


__all__ = [
    "Location",
    "Seen",
    "Store",
    "StoredFailure",
    "Validators",
    "open_store",
    "remove_database",
]
