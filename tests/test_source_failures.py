"""Whatever one source raises becomes that source's recorded failure; the run goes on, and no
traceback reaches the user unless `recruitwatch --debug` asks for it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

import recruitwatch.ingest as ingest
from _factories import fake_extract
from recruitwatch import cli, pipeline
from recruitwatch.cli import app
from recruitwatch.ingest.items import MAX_REASON_CHARS, Failure
from recruitwatch.store import open_store

FEED = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Local news</title><link>https://news.example/</link>
<item><title>Town pays</title><link>https://news.example/pay</link>
<description>The town pays volunteers 300,000 roubles.</description></item>
</channel></rss>"""


@pytest.fixture(autouse=True)
def stand_in_extractor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "extract_document", fake_extract)
    monkeypatch.delenv("RECRUITWATCH_DB", raising=False)


def _mixed_folder(folder: Path) -> Path:
    folder.mkdir()
    (folder / "note.txt").write_text(
        "Bonus note\n\nRecruits are promised 400,000 roubles.", encoding="utf-8"
    )
    (folder / "page.html").write_text(
        "<html><body><p>A page that pays 100 roubles.</p></body></html>", encoding="utf-8"
    )
    (folder / "feed.xml").write_bytes(FEED)
    return folder


def _broken_html_reader(monkeypatch: pytest.MonkeyPatch, error: Exception) -> None:
    def read_html(*_args: object, **_kwargs: object) -> None:
        raise error

    monkeypatch.setattr(ingest, "read_html", read_html)


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(arg) for arg in args])


# The error a fresh install gave before lxml_html_clean was declared: two lines long.
IMPORT_ERROR = ImportError(
    "lxml.html.clean module is now a separate project lxml_html_clean.\n"
    "Install lxml[html-clean] or lxml_html_clean directly."
)


@pytest.mark.parametrize(
    "error", [IMPORT_ERROR, RecursionError("maximum recursion depth exceeded"), KeyError("x")]
)
def test_an_adapter_that_raises_fails_its_source_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: Exception
) -> None:
    _broken_html_reader(monkeypatch, error)
    folder = _mixed_folder(tmp_path / "in")
    with open_store(tmp_path / "rw.db") as store:
        report = pipeline.ingest_paths([folder], store)
        stored = {offer.evidence.doc_id for offer in store.query_offers()}
        failures = store.list_failures()
    assert report.ingested == 2
    assert stored == {"note", "news.example/pay"}
    [failure] = report.failed
    assert failure.source == str(folder / "page.html")
    assert failure.reason.startswith(type(error).__name__ + ": ")
    assert "\n" not in failure.reason
    assert [(f.source, f.reason) for f in failures] == [(failure.source, failure.reason)]


def test_a_reason_is_one_line_and_bounded() -> None:
    failure = Failure.from_error(ValueError("first\n\n  second " + "x" * 1000), "in.txt")
    assert failure.reason.startswith("ValueError: first second x")
    assert "\n" not in failure.reason
    assert len(failure.reason) == MAX_REASON_CHARS


def test_cli_ingest_lists_the_failure_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _broken_html_reader(monkeypatch, IMPORT_ERROR)
    folder = _mixed_folder(tmp_path / "in")
    db = tmp_path / "rw.db"
    result = run("ingest", folder, "--db", db)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "ingested 2, unchanged 0, 1 failed" in result.stdout
    assert result.stderr.strip() == (
        f"{folder / 'page.html'}: ImportError: lxml.html.clean module is now a separate"
        " project lxml_html_clean. Install lxml[html-clean] or lxml_html_clean directly."
    )
    listed = json.loads(run("errors", "--db", db, "--json").stdout)
    assert [item["source"] for item in listed["items"]] == [str(folder / "page.html")]


def test_an_unexpected_error_is_one_line_unless_debug(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_link(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("linker bug")

    monkeypatch.setattr(cli, "link_new", broken_link)
    note = tmp_path / "note.txt"
    note.write_text("Recruits are promised 400,000 roubles.", encoding="utf-8")
    plain = run("ingest", note, "--db", tmp_path / "rw.db")
    assert plain.exit_code == 1
    assert "Traceback" not in plain.output
    assert plain.stderr == (
        "error: unexpected RuntimeError: linker bug"
        " (run `recruitwatch --debug ...` for the traceback)\n"
    )
    try:
        debug = run("--debug", "ingest", note, "--db", tmp_path / "rw.db")
    finally:
        cli._configure_logging(debug=False)  # the debug log wrote to that run's stderr
    assert isinstance(debug.exception, RuntimeError)


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout.startswith("recruitwatch 0.")
