"""What a newcomer meets in the first hour: read commands refuse a database that does not
exist, every --json has the README's envelope, piped tables keep every column."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from recruitwatch.cli import app
from recruitwatch.store import is_postgres_url, open_store

# Every command that reads a database, with what it needs besides --db.
READ_COMMANDS: list[list[str]] = [
    ["offers"],
    ["figures"],
    ["show", "some-doc"],
    ["check", "some-doc"],
    ["errors"],
    ["search", "bonus"],
    ["claims"],
    ["conflicts"],
    ["clusters"],
    ["link"],
    ["export", "--parquet", "out"],
    ["serve"],
]


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(arg) for arg in args])


@pytest.mark.parametrize("command", READ_COMMANDS, ids=lambda command: command[0])
def test_a_read_command_refuses_a_missing_database(tmp_path: Path, command: list[str]) -> None:
    missing = tmp_path / "no-such-folder" / "typo.db"
    result = run(*command, "--db", missing)
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: no database at {missing}"
        " (create one with recruitwatch ingest or recruitwatch demo)\n"
    )
    assert result.stdout == ""
    assert not missing.parent.exists()


def test_read_commands_refuse_a_database_recruitwatch_never_wrote(db: str | Path) -> None:
    # An empty PostgreSQL database, or a file path that is not there.
    result = run("offers", "--db", db)
    assert result.exit_code == 1
    assert result.stderr.startswith("error: no database at ")
    if not is_postgres_url(db):
        assert not Path(db).exists()


def test_the_writing_commands_create_one(db: str | Path, tmp_path: Path) -> None:
    note = tmp_path / "note.txt"
    note.write_text("Recruits are promised 400,000 roubles.", encoding="utf-8")
    assert run("ingest", note, "--db", db).exit_code == 0
    assert run("offers", "--db", db).exit_code == 0
    with open_store(db, create=False) as store:
        assert store.list_failures() == []
