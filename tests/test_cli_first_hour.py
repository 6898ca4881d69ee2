"""What a newcomer meets in the first hour: read commands refuse a database that does not
exist, every --json has the README's envelope, piped tables keep every column."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.models import CommandInfo
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


def _name(command: CommandInfo) -> str:
    assert command.callback is not None
    return command.name or command.callback.__name__.replace("_", "-")


HELP_COMMANDS = [
    [],
    ["rates"],
    ["rates", "update"],
    *([name] for name in sorted(map(_name, app.registered_commands))),
]
TYPE_NOISE = ("<str>", "<bool>", "<list", "<int", "<file>", "<dir>", "<%", "{", "}")


@pytest.mark.parametrize("command", HELP_COMMANDS, ids=lambda command: " ".join(command) or "-")
def test_help_has_an_example_and_no_type_noise(command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert "Example: recruitwatch " in result.stdout
    assert [noise for noise in TYPE_NOISE if noise in result.stdout] == []


@pytest.mark.parametrize(("command", "extra"), [("batch", "[dask]"), ("serve", "[web]")])
def test_help_names_the_extra(command: str, extra: str) -> None:
    assert f"Needs the {extra} extra." in " ".join(run(command, "--help").stdout.split())


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    assert run("demo", "--db", path).exit_code == 0
    return path


@pytest.mark.parametrize(
    "command",
    [
        ["offers"],
        ["figures"],
        ["show", "tatarstan-bonus"],
        ["check", "tatarstan-bonus"],
        ["errors"],
        ["search", "bonus"],
        ["claims"],
        ["conflicts"],
        ["clusters"],
    ],
    ids=lambda command: command[0],
)
def test_every_json_output_has_the_envelope(demo_db: Path, command: list[str]) -> None:
    result = run(*command, "--db", demo_db, "--json")
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert payload["ok"] is True
    assert payload["count"] == len(payload["items"])
    assert all(isinstance(item, dict) for item in payload["items"])


def test_extract_json_lists_what_failed_and_exits_one(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("Recruits are promised 400,000 roubles.", encoding="utf-8")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\xff\xfe\x00b\x00a\x00d")
    result = run("extract", good, binary, tmp_path / "missing.txt", "--json")
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    assert (payload["ok"], payload["count"]) == (False, 1)
    assert payload["items"][0]["document"]["id"] == "good"
    assert [failure["source"] for failure in payload["failed"]] == [
        str(binary),
        str(tmp_path / "missing.txt"),
    ]


def test_a_piped_table_is_tsv_with_every_column(demo_db: Path) -> None:
    result = run("offers", "--db", demo_db)  # CliRunner's stdout is not a terminal
    assert result.exit_code == 0
    header, *rows = result.stdout.splitlines()
    names = header.split("\t")
    assert names[:3] == ["doc", "kind", "amount"]
    assert len(names) >= 9 and "target" in names and "date" in names
    assert rows and all(len(row.split("\t")) == len(names) for row in rows)
    payer = names.index("offered by")
    # A long cell is whole, never cut or folded onto a second line.
    assert "Russian Ministry of Defence" in [row.split("\t")[payer] for row in rows]
    assert result.stderr.startswith("offers: ")


def test_a_table_on_a_terminal_is_boxed(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")  # rich: treat the output as a terminal
    monkeypatch.setenv("COLUMNS", "200")
    result = run("errors", "--db", demo_db)
    assert "failures: 0" in result.stdout
    assert "┏━━━━┳" in result.stdout and "\t" not in result.stdout


def test_a_piped_table_runs_no_formula(tmp_path: Path) -> None:
    note = tmp_path / "note.txt"
    note.write_text("=HYPERLINK(1)\n\nRecruits are promised 400,000 roubles.", encoding="utf-8")
    db = tmp_path / "rw.db"
    assert run("ingest", note, "--db", db, "--no-link").exit_code == 0
    found = run("search", "recruits", "--db", db)
    assert "\t'=HYPERLINK(1)" in found.stdout
