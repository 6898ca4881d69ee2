"""Fixtures for running one test against each store backend.

`db` is a fresh, empty database: an SQLite file, or a new database on a throwaway PostgreSQL
server (started once per session from the machine's own binaries). Without PostgreSQL the
postgres cases skip, unless RECRUITWATCH_REQUIRE_POSTGRES=1 (CI) makes that a failure.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from _postgres import fresh_database, server
from recruitwatch.store import Store, open_store

BACKENDS = ("sqlite", "postgres")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    try:
        with server() as url:
            yield url
    except RuntimeError as exc:
        if os.environ.get("RECRUITWATCH_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL is required here: {exc}")
        pytest.skip(f"no PostgreSQL server: {exc}")


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> str | Path:
    """A fresh database for each backend: a file path, or a postgresql:// URL."""
    if request.param == "sqlite":
        return tmp_path / "rw.db"
    return fresh_database(request.getfixturevalue("postgres_server"))


@pytest.fixture
def store(db: str | Path) -> Iterator[Store]:
    with open_store(db) as opened:
        yield opened
