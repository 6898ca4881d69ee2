"""Standard input, JSON Lines, sniffing, duplicates across sources and the CLI over URLs."""

from __future__ import annotations

import io
import json
import sqlite3
import sys
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from _factories import fake_extract
from _http import Reply, serve
from recruitwatch import pipeline
from recruitwatch.cli import app
from recruitwatch.ingest import Failure, find_sources, iter_documents
from recruitwatch.ingest.ids import url_id
from recruitwatch.ingest.sniff import sniff
from recruitwatch.model import Document, content_hash
from recruitwatch.store import open_store
from recruitwatch.store.schema import MIGRATIONS


@pytest.fixture(autouse=True)
def stand_in_extractor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "extract_document", fake_extract)
    monkeypatch.delenv("RECRUITWATCH_DB", raising=False)


def run(*args: str | Path, stdin: str | None = None) -> Result:
    return CliRunner().invoke(app, [str(arg) for arg in args], input=stdin)


LINES = [
    {
        "url": "https://a.example/1",
        "title": "One",
        "published": "2024-01-02",
        "text": "Pays 100 roubles.",
    },
    {"title": "No url", "text": "Доброволец получит 200 000 рублей при подписании контракта."},
    {"url": "https://a.example/3", "text": 5},
    {"url": "https://a.example/4", "published": "2024-13-01", "text": "Bad date."},
]


def test_json_lines_one_document_per_line(tmp_path: Path) -> None:
    path = tmp_path / "scraped.jsonl"
    lines = [json.dumps(line, ensure_ascii=False) for line in LINES]
    path.write_text("\n".join([*lines[:2], "", "{not json", *lines[2:]]) + "\n", encoding="utf-8")
    items = list(iter_documents(find_sources([path])))
    first, second = items[0], items[1]
    assert isinstance(first, Document) and isinstance(second, Document)
    assert (first.id, first.url, first.title, first.published, first.language) == (
        "a.example/1",
        "https://a.example/1",
        "One",
        date(2024, 1, 2),
        "en",
    )
    assert second.language == "ru"
    assert second.id == second.content_hash[:16]
    failures = [item for item in items if isinstance(item, Failure)]
    assert [failure.source for failure in failures] == [f"{path}:4", f"{path}:5", f"{path}:6"]
    assert "not valid JSON" in failures[0].reason
    assert "'text' must be a string" in failures[1].reason
    assert "not a YYYY-MM-DD date" in failures[2].reason


@pytest.mark.parametrize(
    ("head", "name", "kind"),
    [
        (b"WARC/1.1\r\n", "x.bin", "warc"),
        (b'\xef\xbb\xbf<?xml version="1.0"?>\n<rss version="2.0">', "x.txt", "feed"),
        (b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">', "", "feed"),
        (b"<!DOCTYPE html><html>", "x.xml", "html"),
        (b"  <div>fragment</div>", "", "html"),
        (
            b'{"name": "Chan", "type": "public_channel", "id": 1, "messages": [',
            "a.json",
            "telegram",
        ),
        (b'{"text": "a"}\n{"text": "b"}\n', "dump.json", "jsonl"),
        (b'{"id": "x", "text": "a"}', "doc.json", "json"),
        (b"Just words", "notes.xml", "feed"),  # no signature: the extension decides
        (b"Just words", "notes", "text"),
    ],
)
def test_sniffing(head: bytes, name: str, kind: str) -> None:
    assert sniff(head, name) == kind


def test_stdin_text_and_feed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"Title\n\nPays 300 roubles.\n")))
    (doc,) = list(iter_documents(find_sources(["-"])))
    assert isinstance(doc, Document)
    assert (doc.source, doc.title) == ("<stdin>", "Title")

    db = tmp_path / "rw.db"
    feed = (
        '<rss version="2.0"><channel><title>c</title><item><title>Item</title>'
        "<link>https://b.example/x</link><description>Pays 400 roubles.</description></item>"
        "</channel></rss>"
    )
    result = run("ingest", "-", "--db", db, stdin=feed)
    assert result.exit_code == 0, result.output
    assert "ingested 1, unchanged 0, 0 failed" in result.stdout


def test_exact_duplicates_are_stored_once_with_every_location(tmp_path: Path) -> None:
    text = "Region pays volunteers 500,000 roubles on signing.\n"
    (tmp_path / "a.txt").write_text("Copy A\n\n" + text, encoding="utf-8")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "a.txt").write_text("Copy  A\n" + text, encoding="utf-8")  # same words
    (tmp_path / "c.jsonl").write_text(
        json.dumps({"url": "https://c.example/x", "text": "Copy A\n" + text}) + "\n",
        encoding="utf-8",
    )
    db = tmp_path / "rw.db"
    first = run("ingest", tmp_path / "a.txt", tmp_path / "b", tmp_path / "c.jsonl", "--db", db)
    assert first.exit_code == 0, first.output
    assert "ingested 1, unchanged 0, 2 duplicates, 0 failed" in first.stdout
    again = run("ingest", tmp_path / "a.txt", tmp_path / "b", tmp_path / "c.jsonl", "--db", db)
    assert "ingested 0, unchanged 3, 0 failed" in again.stdout
    with open_store(db) as store:
        assert len(store.query_offers()) == 1
        places = store.list_locations("a")
    assert [(place.location_id, place.url) for place in places] == [
        ("a", None),
        ("a", None),
        ("c.example/x", "https://c.example/x"),
    ]
    assert [place.source for place in places[:2]] == [
        str(tmp_path / "a.txt"),
        str(tmp_path / "b" / "a.txt"),
    ]
    shown = run("show", "a", "--db", db)
    assert "also at: https://c.example/x" in shown.stdout


def test_changed_document_is_updated_and_re_extracted(tmp_path: Path) -> None:
    path = tmp_path / "page.txt"
    db = tmp_path / "rw.db"
    path.write_text("Page\n\nPays 100 roubles.\n", encoding="utf-8")
    assert run("ingest", path, "--db", db).exit_code == 0
    path.write_text("Page\n\nNow pays 900 roubles.\n", encoding="utf-8")
    result = run("ingest", path, "--db", db)
    assert "ingested 1, unchanged 0, 0 failed" in result.stdout
    with open_store(db) as store:
        assert [offer.amount for offer in store.query_offers()] == [900.0]
        assert len(store.list_locations("page")) == 1


def test_migration_gives_existing_documents_their_location(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    with sqlite3.connect(db) as connection:  # a database as version 1 left it
        for statement in MIGRATIONS[0].statements:
            connection.execute(statement)
        connection.execute(
            "CREATE TABLE migrations (version INTEGER PRIMARY KEY, name TEXT, applied_at TEXT)"
        )
        connection.execute("INSERT INTO migrations VALUES (1, 'v1', '2024-01-01')")
        connection.execute(
            "INSERT INTO documents VALUES ('doc', 'doc.txt', NULL, 'Doc', NULL, 'en',"
            " 'Doc\n\nPays 100 roubles.\n', ?, '2024-01-01')",
            (content_hash("Doc\n\nPays 100 roubles.\n"),),
        )
    with open_store(db) as store:
        (place,) = store.list_locations("doc")
    assert (place.location_id, place.source, place.url) == ("doc", "doc.txt", None)


def test_cli_ingest_urls_with_failures_listed(tmp_path: Path) -> None:
    db = tmp_path / "rw.db"
    body = (
        b"<html><body><article><p>" + b"The region pays 700,000 roubles. " * 8 + b"</p></article>"
    )
    with serve() as server:
        server.routes["/page"] = Reply(body=body, headers={"Content-Type": "text/html"})
        server.routes["/loop"] = Reply(302, headers={"Location": "/loop"})
        good, missing, loop = server.url("/page"), server.url("/missing"), server.url("/loop")
        refused = run("ingest", good, "--db", db)
        assert refused.exit_code == 1
        assert "loopback address" in refused.stderr
        assert "--allow-private" in refused.stderr
        result = run("ingest", good, missing, loop, "--allow-private", "--db", db)
    assert result.exit_code == 1
    assert "ingested 1, unchanged 0, 2 failed" in result.stdout
    errors = json.loads(run("errors", "--db", db, "--json").stdout)["items"]
    reasons = {item["source"]: item["reason"] for item in errors}
    assert "404" in reasons[missing]
    assert "redirect loop" in reasons[loop]
    assert "loopback address" in reasons[good]
    with open_store(db) as store:
        stored = store.get_document(url_id(good))
    assert stored is not None
    assert stored.offers[0].amount == 700000


def test_ingest_help_names_every_source() -> None:
    text = run("ingest", "--help").stdout
    for word in (
        "URLs",
        "Lines",
        "HTML",
        "RSS",
        "Telegram",
        "WARC",
        "--follow",
        "--allow-private",
    ):
        assert word in text


def test_text_files_get_their_language_detected(tmp_path: Path) -> None:
    path = tmp_path / "ru.txt"
    path.write_text("Выплаты\n\nДобровольцам обещают 500 тысяч рублей при подписании.\n", "utf-8")
    (doc,) = list(iter_documents(find_sources([path])))
    assert isinstance(doc, Document)
    assert doc.language == "ru"
