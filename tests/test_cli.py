"""The command line, end to end, on files the tests write; the extractor is a stand-in."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from _factories import fake_extract
from recruitwatch import pipeline
from recruitwatch.cli import app
from recruitwatch.ingest import samples_dir
from recruitwatch.store import open_store

COMMANDS = (
    "extract",
    "ingest",
    "offers",
    "figures",
    "show",
    "errors",
    "demo",
    "eval",
    "watch",
    "batch",
    "export",
    "search",
)


@pytest.fixture(autouse=True)
def stand_in_extractor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "extract_document", fake_extract)
    monkeypatch.delenv("RECRUITWATCH_DB", raising=False)
    monkeypatch.delenv("RECRUITWATCH_MAX_DOCUMENT_BYTES", raising=False)


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(arg) for arg in args])


def _write_batch(folder: Path, *, bad: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "kazan.txt").write_text(
        "Kazan bonus\nPublished: 2024-03-05\n\nVolunteers get 500,000 roubles on signing.\n",
        encoding="utf-8",
    )
    (folder / "ufa.md").write_text(
        "# Ufa pay\n\nPublished: 2023-06-01\n\nA salary of 210,000 roubles. "
        "Officials called up 300,000 reservists.\n",
        encoding="utf-8",
    )
    (folder / "budget.txt").write_text("Budget\n\nThe city spends money.\n", encoding="utf-8")
    if bad:
        (folder / "broken.txt").write_bytes(b"\xff\xfe\x00b\x00a\x00d")
    return folder


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A database holding the good part of a batch (and one recorded failure)."""
    path = tmp_path / "rw.db"
    result = run("ingest", _write_batch(tmp_path / "in"), "--db", path)
    assert result.exit_code == 1, result.output
    return path


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_an_example(command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Example: recruitwatch " + command in result.stdout


def test_extract_prints_the_json_envelope(tmp_path: Path) -> None:
    folder = _write_batch(tmp_path / "in", bad=False)
    result = run("extract", folder / "kazan.txt", folder / "ufa.md", "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert (payload["ok"], payload["count"], payload["failed"]) == (True, 2, [])
    kazan, ufa = payload["items"]
    assert "text" not in kazan["document"]
    assert kazan["document"] == {
        "id": "kazan",
        "source": str(folder / "kazan.txt"),
        "url": None,
        "title": "Kazan bonus",
        "published": "2024-03-05",
        "language": "en",
        "content_hash": kazan["document"]["content_hash"],
        "site_name": None,
        "author": None,
    }
    (offer,) = kazan["offers"]
    assert set(offer) == {
        "kind",
        "amount",
        "amount_max",
        "currency",
        "usd_stated",
        "offered_by",
        "target",
        "region",
        "date",
        "confidence",
        "evidence",
        # version-2 keys of the annotation guide
        "recipient",
        "payer_level",
        "payer_region",
        "target_origin",
        "target_country",
        "previous",
        "review",
        # added by the normalise stage
        "date_precision",
        "date_label",
        "date_phrase",
        "date_reason",
        "usd",
        "usd_reason",
        "rub",
        "rub_reason",
        "rate",
        "checks",
    }
    assert set(offer["evidence"]) == {
        "doc_id",
        "start",
        "end",
        "text",
        "value_start",
        "value_end",
        "rule",
        "language",
    }
    assert offer["evidence"]["text"] == "Volunteers get 500,000 roubles on signing."
    assert [f["quantity"] for f in ufa["figures"]] == [300000]


def test_extract_table_and_a_bad_file(tmp_path: Path) -> None:
    folder = _write_batch(tmp_path / "in")
    result = run("extract", folder)
    assert result.exit_code == 1
    assert "Kazan bonus" in result.stdout
    assert "500,000" in result.stdout
    assert f"{folder / 'broken.txt'}: " in result.stderr
    assert "binary" in result.stderr


def test_ingest_reports_failures_and_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "rw.db"
    folder = _write_batch(tmp_path / "in")
    first = run("ingest", folder, "--db", path)
    assert first.exit_code == 1
    assert "ingested 3, unchanged 0, 1 failed" in first.stdout
    assert [line.strip() for line in first.stderr.splitlines()] == [
        f"{folder / 'broken.txt'}: looks binary (contains NUL bytes); give a UTF-8 text file"
    ]
    again = run("ingest", folder, "--db", path)
    assert "ingested 0, unchanged 3, 1 failed" in again.stdout
    errors = json.loads(run("errors", "--db", path, "--json").stdout)
    # One row per source and reason, however often it was seen.
    assert errors["count"] == 1
    [item] = errors["items"]
    assert (item["source"], item["stage"], item["times"]) == (
        str(folder / "broken.txt"),
        "ingest",
        2,
    )


def test_ingest_all_good_exits_zero(tmp_path: Path) -> None:
    folder = _write_batch(tmp_path / "in", bad=False)
    result = run("ingest", folder / "kazan.txt", "--db", tmp_path / "rw.db")
    assert result.exit_code == 0, result.output
    assert "ingested 1, unchanged 0, 0 failed" in result.stdout


def test_ingest_reads_the_database_path_from_the_environment(tmp_path: Path) -> None:
    folder = _write_batch(tmp_path / "in", bad=False)
    path = tmp_path / "from-env.db"
    result = CliRunner().invoke(
        app, ["ingest", str(folder / "kazan.txt")], env={"RECRUITWATCH_DB": str(path)}
    )
    assert result.exit_code == 0, result.output
    assert path.exists()


@pytest.mark.parametrize(
    "args",
    [
        ("ingest",),
        ("offers", "--kind", "bribe"),
        ("offers", "--since", "last week"),
        ("offers", "--json", "--csv"),
        ("nonsense",),
    ],
)
def test_usage_errors_exit_two(args: tuple[str, ...]) -> None:
    assert run(*args).exit_code == 2


def test_store_problem_is_one_line_and_exit_one(tmp_path: Path) -> None:
    result = run("offers", "--db", tmp_path / "not-a-db.txt")
    assert result.exit_code == 1  # a read never makes a new, empty database
    assert result.stderr.startswith(f"error: no database at {tmp_path / 'not-a-db.txt'}")
    junk = tmp_path / "junk.db"
    junk.write_text("not a database\n" * 50)
    result = run("offers", "--db", junk)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {junk}: cannot open the database")
    assert result.stderr.count("\n") == 1


def test_offers_json_and_filters(db: Path) -> None:
    payload = json.loads(run("offers", "--db", db, "--json").stdout)
    assert payload["ok"] is True
    assert payload["count"] == len(payload["items"]) == 2
    assert {item["document_id"] for item in payload["items"]} == {"kazan", "ufa"}

    def count(*filters: str) -> int:
        result = run("offers", "--db", db, "--json", *filters)
        assert result.exit_code == 0, result.output
        return int(json.loads(result.stdout)["count"])

    assert count("--kind", "signing_bonus") == 2
    assert count("--kind", "monthly_pay") == 0
    assert count("--currency", "rub") == 2
    assert count("--target", "VOLUNTEER") == 2
    assert count("--since", "2024-01-01") == 1
    assert count("--until", "2023-12-31") == 1


def test_offers_csv_and_table(db: Path) -> None:
    result = run("offers", "--db", db, "--csv", "--sort", "-amount")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [row["amount"] for row in rows] == ["500000.0", "210000.0"]
    assert rows[0]["evidence_text"] == "Volunteers get 500,000 roubles on signing."
    assert rows[0]["document_id"] == "kazan"
    assert rows[0]["rub"] == "500000.0"  # the official-rate columns the JSON has too
    assert {"usd", "rate_value", "rate_date", "rate_source", "flags"} <= set(rows[0])
    table = run("offers", "--db", db)  # piped: TSV, the title on stderr
    assert table.stderr == "offers: 2\n"
    assert "\nkazan\tsigning_bonus\t" in table.stdout


def test_figures_json_csv_and_table(db: Path) -> None:
    payload = json.loads(run("figures", "--db", db, "--json").stdout)
    assert [item["quantity"] for item in payload["items"]] == [300000]
    assert (
        json.loads(run("figures", "--db", db, "--json", "--unit", "percent").stdout)["items"] == []
    )
    rows = list(csv.DictReader(io.StringIO(run("figures", "--db", db, "--csv").stdout)))
    assert rows[0]["subject"] == "reservists"
    assert "300,000" in run("figures", "--db", db, "--subject", "RESERV").stdout


def test_empty_csv_still_has_a_header(tmp_path: Path) -> None:
    with open_store(tmp_path / "empty.db"):
        pass
    result = run("offers", "--db", tmp_path / "empty.db", "--csv")
    assert result.stdout.startswith("id,document_id,kind,amount,amount_max,currency,")


def test_show_document_with_evidence(db: Path) -> None:
    result = run("show", "ufa", "--db", db)
    assert result.exit_code == 0, result.output
    assert "Ufa pay" in result.stdout
    assert "published: 2023-06-01" in result.stdout
    assert '"Officials called up 300,000 reservists."' in result.stdout
    assert "signing_bonus: 210,000 RUB" in result.stdout
    payload = json.loads(run("show", "ufa", "--db", db, "--json").stdout)
    assert (payload["ok"], payload["count"]) == (True, 1)
    [shown] = payload["items"]
    assert shown["text"].startswith("# Ufa pay")
    assert len(shown["offers"]) == len(shown["figures"]) == 1


def test_show_unknown_document(db: Path) -> None:
    result = run("show", "missing", "--db", db)
    assert result.exit_code == 1
    assert "no document with id 'missing'" in result.stderr


def test_errors_table_and_csv(db: Path, tmp_path: Path) -> None:
    table = run("errors", "--db", db)
    assert table.stderr == "failures: 1\n"
    assert "broken.txt" in table.stdout
    rows = list(csv.DictReader(io.StringIO(run("errors", "--db", db, "--csv").stdout)))
    assert [row["source"] for row in rows] == [str(tmp_path / "in" / "broken.txt")]
    assert list(rows[0]) == [
        "id",
        "source",
        "stage",
        "reason",
        "occurred_at",
        "times",
        "last_seen",
    ]


def test_demo_recreates_the_database(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    for _ in range(2):
        result = run("demo", "--db", path)
        assert result.exit_code == 0, result.output
        samples = len(list(samples_dir().iterdir()))
        assert f"ingested {samples}, unchanged 0, 0 failed" in result.stdout
        assert "offers:" in result.stderr
    assert run("show", "tatarstan-bonus", "--db", path).exit_code == 0


def test_demo_never_deletes_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("mine", encoding="utf-8")
    result = run("demo", "--db", notes)
    assert result.exit_code == 1
    assert "refusing to delete" in result.stderr
    assert notes.read_text(encoding="utf-8") == "mine"


def _tiny_corpus(root: Path) -> Path:
    (root / "docs").mkdir(parents=True)
    text = "Volunteers get 500,000 roubles on signing."
    doc = {"id": "d1", "url": None, "title": "t", "published": None, "language": "en", "text": text}
    (root / "docs" / "d1.json").write_text(json.dumps(doc), encoding="utf-8")
    gold = {
        "doc": "d1",
        "offers": [
            {"kind": "signing_bonus", "amount": 500000, "currency": "RUB", "evidence": text}
        ],
        "figures": [],
    }
    (root / "gold.jsonl").write_text(json.dumps(gold) + "\n", encoding="utf-8")
    return root


def test_eval_text_and_json(tmp_path: Path) -> None:
    corpus = _tiny_corpus(tmp_path / "corpus")
    text = run("eval", corpus)
    assert text.exit_code == 0, text.output
    assert text.stdout.strip()
    payload = json.loads(run("eval", corpus, "--json").stdout)
    assert (payload["ok"], payload["count"]) == (True, 1)
    assert {"offers", "figures"} <= set(payload["items"][0])


def test_eval_missing_corpus_is_a_clear_error(tmp_path: Path) -> None:
    result = run("eval", tmp_path / "nowhere")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ")


def test_killed_ingest_leaves_a_consistent_database(tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    total = 3000
    for index in range(total):
        (folder / f"doc-{index:04}.txt").write_text(
            f"Story {index}\nPublished: 2024-01-01\n\nRegion {index} pays {index},000 roubles.\n",
            encoding="utf-8",
        )
    path = tmp_path / "rw.db"
    command = [sys.executable, "-m", "recruitwatch", "ingest", str(folder), "--db", str(path)]
    env = {**os.environ, "RECRUITWATCH_DB": str(path)}
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while _documents(path) < 50:
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "ingest made no progress"
            time.sleep(0.01)
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    stored = _documents(path)
    assert 50 <= stored < total, "the kill must land mid-run"

    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        orphans = connection.execute(
            "SELECT COUNT(*) FROM offers WHERE document_id NOT IN (SELECT id FROM documents)"
        ).fetchone()[0]
        assert orphans == 0

    rerun = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert f"ingested {total - stored}, unchanged {stored}, 0 failed" in rerun.stdout
    assert _documents(path) == total


def _documents(path: Path) -> int:
    if not path.exists():
        return 0
    try:
        with sqlite3.connect(path, timeout=5) as connection:
            return int(connection.execute("SELECT COUNT(*) FROM documents").fetchone()[0])
    except sqlite3.OperationalError:  # the schema is not there yet
        return 0
