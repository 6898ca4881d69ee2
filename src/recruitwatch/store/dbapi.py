"""The part of a DB-API connection the stores use: sqlite3's own, or the PostgreSQL adapter.

Rows are read by column name (sqlite3.Row, or the adapter's rows), so they stay `Any` here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

POSTGRES_SCHEMES = ("postgresql://", "postgres://")
POSTGRES_INSTALL_LINE = "pip install 'recruitwatch[postgres]'"


def is_postgres_url(target: str | Path) -> bool:
    """Whether a --db value names a PostgreSQL server rather than an SQLite file."""
    return isinstance(target, str) and target.startswith(POSTGRES_SCHEMES)


def describe_url(url: str) -> str:
    """A database URL without its password, for messages and logs."""
    return re.sub(r"(://[^:/@]*):[^@/]*@", r"\1:***@", url)


class Cursor(Protocol):
    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def fetchmany(self, size: int = ...) -> list[Any]: ...


class Connection(Protocol):
    """The part of a DB-API connection the stores use (sqlite3's, or the PostgreSQL adapter)."""

    def execute(self, sql: str, parameters: Sequence[Any] = ..., /) -> Cursor: ...

    def executemany(self, sql: str, parameters: Any, /) -> Any: ...

    def close(self) -> None: ...
