"""Readers for a server's requests: from a pool of open PostgreSQL connections, or a fresh
read-only SQLite connection each (opening a file costs microseconds; a PostgreSQL connection
costs a round of authentication and a new server process, several milliseconds).

The pool is psycopg_pool, part of the `[postgres]` extra.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from recruitwatch.errors import StoreError
from recruitwatch.store import postgres_backend
from recruitwatch.store.browse import Reader, open_reader
from recruitwatch.store.dbapi import POSTGRES_INSTALL_LINE, describe_url, is_postgres_url

# Connections kept open: one per request served at once (FastAPI runs a sync route in a thread
# pool of 40); past this a request waits for one to come back.
POOL_SIZE = 10
# Seconds a request waits for a free connection before it fails.
POOL_TIMEOUT = 10.0


class ReaderPool:
    """`reader()` lends a read-only Reader for one request; `close()` at shutdown."""

    def __init__(self, db: str | Path, *, size: int = POOL_SIZE) -> None:
        self._db = db
        self._pool: Any = None
        if is_postgres_url(db):
            self._pool = _postgres_pool(str(db), size)

    @contextmanager
    def reader(self) -> Iterator[Reader]:
        if self._pool is None:
            found = open_reader(self._db)
            try:
                yield found
            finally:
                found.close()
            return
        from psycopg_pool import PoolTimeout

        postgres = postgres_backend()
        try:
            # Never Reader.close(): the connection goes back to the pool, which rolls back
            # whatever a failed request left open and replaces a broken one.
            with self._pool.connection(timeout=POOL_TIMEOUT) as connection:
                yield Reader(postgres.Adapter(connection), postgres.DIALECT)
        except PoolTimeout as exc:
            raise StoreError(
                f"no database connection came free within {POOL_TIMEOUT:.0f} s ({exc})",
                source=describe_url(str(self._db)),
            ) from exc

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()


def _postgres_pool(url: str, size: int) -> Any:
    try:
        from psycopg_pool import ConnectionPool
    except ImportError as exc:
        raise StoreError(
            f"serving PostgreSQL needs psycopg_pool; install it: {POSTGRES_INSTALL_LINE}"
        ) from exc
    postgres = postgres_backend()
    return ConnectionPool(
        url,
        min_size=1,
        max_size=size,
        kwargs={
            "autocommit": True,
            "connect_timeout": postgres.CONNECT_TIMEOUT,
            "row_factory": postgres.row_factory,
            "options": "-c default_transaction_read_only=on",
        },
        # A server restarted under us: a dead connection is replaced, not lent.
        check=ConnectionPool.check_connection,
        open=True,
        name="recruitwatch-readers",
    )
