"""The part of a DB-API connection the stores use: sqlite3's own, or the PostgreSQL adapter.

Rows are read by column name (sqlite3.Row, or the adapter's rows), so they stay `Any` here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol


class Cursor(Protocol):
    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...


class Connection(Protocol):
    """The part of a DB-API connection the stores use (sqlite3's, or the PostgreSQL adapter)."""

    def execute(self, sql: str, parameters: Sequence[Any] = ..., /) -> Cursor: ...

    def executemany(self, sql: str, parameters: Any, /) -> Any: ...

    def close(self) -> None: ...
