"""The commands over either backend: `--db` (or RECRUITWATCH_DB) takes a file or a
postgresql:// URL, and a database that cannot be reached fails at once, in one line."""

from __future__ import annotations

import json
import time
from pathlib import Path

from typer.testing import CliRunner, Result

from recruitwatch.cli import app
from recruitwatch.store import open_store


def run(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(app, [str(arg) for arg in args], env=env)


def test_demo_then_listing_commands(db: str | Path) -> None:
    assert run("demo", "--db", db).exit_code == 0
    assert run("demo", "--db", db).exit_code == 0  # replaces, never appends
    offers = json.loads(run("offers", "--json", "--kind", "signing_bonus", "--db", db).stdout)
    assert offers["count"] > 5
    assert all(item["kind"] == "signing_bonus" for item in offers["items"])
    # The database named by the environment, as by --db.
    env = {"RECRUITWATCH_DB": str(db)}
    found = json.loads(run("search", "kazakh", "--json", env=env).stdout)
    assert found["count"] >= 1
    assert all(item["doc_id"] for item in found["items"])
    assert run("search", "kazakh", "--csv", env=env).stdout.startswith("doc_id,title,published")
    claims = json.loads(run("claims", "--json", "--db", db).stdout)
    assert claims["count"] > 0
    shown = run("show", "tatarstan-bonus", "--db", db)
    assert shown.exit_code == 0 and "Tatarstan" in shown.stdout


def test_search_needs_a_word(db: str | Path) -> None:
    with open_store(db):
        pass
    result = run("search", "?!", "--db", db)
    assert result.exit_code == 1
    assert "at least one word" in result.stderr


def test_an_unreachable_database_fails_fast_in_one_line() -> None:
    started = time.monotonic()
    result = run("offers", "--db", "postgresql://reader:hunter2@127.0.0.1:1/news")
    assert time.monotonic() - started < 10
    assert result.exit_code == 1
    where = "postgresql://reader:***@127.0.0.1:1/news"
    assert result.stderr.startswith(f"error: {where}: cannot connect to PostgreSQL")
    assert result.stderr.count("\n") == 1
    assert "hunter2" not in result.output
