"""`watch`: one round at a time against a loopback server; conditional requests, outages."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from typer.testing import CliRunner

from _factories import fake_extract
from _http import Reply, Server, serve
from recruitwatch import pipeline
from recruitwatch.cli import app
from recruitwatch.errors import InputError
from recruitwatch.ingest import FetchPolicy, ReadOptions
from recruitwatch.store import open_store
from recruitwatch.watch import read_sources_file, watch_round

OPTIONS = ReadOptions(fetch=FetchPolicy(allow_private=True, timeout=2, retries=0))


@pytest.fixture(autouse=True)
def stand_in_extractor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "extract_document", fake_extract)


def rss(*numbers: int, base: str = "https://news.example") -> bytes:
    items = "".join(
        f"<item><title>Story {n}</title><link>{base}/story-{n}</link>"
        f"<description>Region {n} pays {n}00 roubles.</description></item>"
        for n in numbers
    )
    return f'<rss version="2.0"><channel><title>c</title>{items}</channel></rss>'.encode()


class Feed:
    """A feed with an ETag that changes with its items; answers 304 to the current one."""

    def __init__(self, *numbers: int) -> None:
        self.numbers = numbers

    def __call__(self, handler: BaseHTTPRequestHandler) -> Reply:
        etag = f'"{"-".join(map(str, self.numbers))}"'
        if handler.headers.get("If-None-Match") == etag:
            return Reply(304)
        return Reply(body=rss(*self.numbers), headers={"ETag": etag})


def test_rounds_ingest_only_what_is_new(tmp_path: Path) -> None:
    with serve() as server, open_store(tmp_path / "rw.db") as store:
        feed = Feed(1, 2)
        server.routes["/feed"] = feed
        server.routes["/down"] = Reply(503)
        urls = [server.url("/feed"), server.url("/down")]

        first = watch_round(urls, store, options=OPTIONS)
        assert first[0].summary == "2 new, 0 unchanged, 0 duplicates, 0 failed"
        assert first[1].summary == "failed: server answered 503"

        second = watch_round(urls, store, options=OPTIONS)
        assert second[0].summary == "not modified"
        _, headers = server.hits[-2]
        assert headers["If-None-Match"] == '"1-2"'

        feed.numbers = (1, 2, 3)
        third = watch_round(urls, store, options=OPTIONS)
        assert third[0].summary == "1 new, 2 unchanged, 0 duplicates, 0 failed"
        assert len(store.query_offers()) == 3
        assert [(failure.source, failure.times) for failure in store.list_failures()] == [
            (server.url("/down"), 3)
        ]


def test_follow_fetches_only_pages_not_stored_yet(tmp_path: Path) -> None:
    def page(n: int) -> Reply:
        body = f"<html><body><article><p>{'Region pays ' + str(n) + '00 roubles. ' * 10}</p>"
        return Reply(body=body.encode(), headers={"Content-Type": "text/html"})

    with serve() as server, open_store(tmp_path / "rw.db") as store:
        feed = Feed(1)
        feed_route = feed
        server.routes["/feed"] = lambda handler: _with_base(feed_route, server, handler)
        server.routes["/story-1"] = page(1)
        server.routes["/story-2"] = page(2)
        options = ReadOptions(fetch=OPTIONS.fetch, follow=True)
        watch_round([server.url("/feed")], store, options=options)
        feed.numbers = (1, 2)
        result = watch_round([server.url("/feed")], store, options=options)
        assert result[0].summary == "1 new, 0 unchanged, 0 duplicates, 0 failed"
        assert (server.count("/story-1"), server.count("/story-2")) == (1, 1)


def _with_base(feed: Feed, server: Server, handler: BaseHTTPRequestHandler) -> Reply:
    reply = feed(handler)
    if reply.status == 200:
        reply = Reply(body=rss(*feed.numbers, base=server.base), headers=reply.headers)
    return reply


def test_a_source_that_is_not_a_feed_or_page_fails_alone(tmp_path: Path) -> None:
    with serve() as server, open_store(tmp_path / "rw.db") as store:
        server.routes["/broken.xml"] = Reply(body=b"<rss><channel", headers={"ETag": '"x"'})
        server.routes["/feed"] = Feed(1)
        results = watch_round(
            [server.url("/broken.xml"), server.url("/feed")], store, options=OPTIONS
        )
        assert results[0].error is not None
        assert results[1].summary.startswith("1 new")
        # Not remembered: the broken source is fetched in full again next round.
        assert store.get_validators(server.url("/broken.xml")) is None


def test_sources_file(tmp_path: Path) -> None:
    path = tmp_path / "sources.txt"
    path.write_text(
        "# feeds\nhttps://a.example/feed\n\n  https://b.example/page  \n", encoding="utf-8"
    )
    assert read_sources_file(path) == ["https://a.example/feed", "https://b.example/page"]
    path.write_text("https://a.example/feed\nnot a url\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 2: 'not a url' is not an http"):
        read_sources_file(path)
    path.write_text("# nothing\n", encoding="utf-8")
    with pytest.raises(InputError, match="lists no URLs"):
        read_sources_file(path)


def test_cli_watch_rounds(tmp_path: Path) -> None:
    with serve() as server:
        server.routes["/feed"] = Feed(1, 2)
        sources = tmp_path / "sources.txt"
        sources.write_text(f"{server.url('/feed')}\n{server.url('/gone')}\n", encoding="utf-8")
        args = ["watch", str(sources), "--db", str(tmp_path / "rw.db"), "--every", "0.01s"]
        result = CliRunner().invoke(app, [*args, "--rounds", "2", "--allow-private"])
    assert result.exit_code == 1, result.output  # /gone failed: exit 1 after the last round
    lines = result.stdout.splitlines()
    assert "round 1:" in lines[0]
    assert lines[1].endswith("2 new, 0 unchanged, 0 duplicates, 0 failed")
    assert "failed: server answered 404 Not Found" in lines[2]
    assert lines[3].startswith("linked: ")  # round 1 stored documents, so it linked them
    assert "round 2:" in lines[4]
    assert lines[5].endswith("not modified")
    assert len(lines) == 7  # round 2 stored nothing new: no linking
    bad = CliRunner().invoke(app, ["watch", str(sources), "--every", "soon"])
    assert bad.exit_code == 2


def test_a_document_past_its_time_budget_fails_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from recruitwatch.extract import extract_document

    monkeypatch.setattr(pipeline, "extract_document", extract_document)  # the real one
    with serve() as server, open_store(tmp_path / "rw.db") as store:
        server.routes["/feed"] = Feed(1, 2)
        (result,) = watch_round([server.url("/feed")], store, options=OPTIONS, budget_seconds=0)
        assert result.report is not None and result.report.ingested == 0
        assert [failure.stage for failure in result.report.failed] == ["extract", "extract"]
        assert all("time budget" in failure.reason for failure in result.report.failed)
        assert len(store.list_failures()) == 2
