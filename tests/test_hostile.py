"""Hostile inputs: each one becomes its own recorded failure (or is read in bounded time and
memory), the run completes and the good inputs beside it are stored.

Time is never asserted in seconds: only that ten times the input costs at most a generous
multiple of ten times the time (a quadratic step gives a hundred).
"""

from __future__ import annotations

import gzip
import os
import socket
import sqlite3
import threading
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _http import Reply, serve
from recruitwatch import pipeline
from recruitwatch.errors import BudgetError
from recruitwatch.extract import extract_document
from recruitwatch.extract.sentences import MAX_SENTENCE_CHARS, split_sentences
from recruitwatch.ingest import (
    Failure,
    Fetcher,
    FetchPolicy,
    ReadOptions,
    UrlSource,
    find_sources,
    iter_documents,
)
from recruitwatch.language import detect_language
from recruitwatch.model import Document
from recruitwatch.store import open_store

GOOD = "Volunteers in Kazan are promised a bonus of 500,000 roubles for signing a contract.\n"
# Ten times the input may cost this many times the time: linear work gives about 10, noise on
# a shared machine a few times more, quadratic work 100.
LINEAR_RATIO = 40


def _seconds(work: Callable[[], object], times: int = 1) -> float:
    """Seconds for one call of `work`: the least of three timings of `times` calls each."""
    best = float("inf")
    for _ in range(3):  # the least of three, in CPU time: other processes do not count
        started = time.process_time()
        for _ in range(times):
            work()
        best = min(best, (time.process_time() - started) / times)
    return max(best, 1e-4)


def _grows_linearly(make: Callable[[int], str], read: Callable[[str], object]) -> None:
    small, large = make(10_000), make(100_000)
    read(small)  # warm: vocabularies load once
    # The small input is timed over ten calls, so both timings are of about the same length.
    ratio = _seconds(lambda: read(large)) / _seconds(lambda: read(small), times=10)
    assert ratio < LINEAR_RATIO, f"10x the input took {ratio:.0f}x the time"


def _extract(text: str) -> object:
    return extract_document(Document.from_text(text, id="hostile"), budget_seconds=None)


@pytest.mark.parametrize("run", [".", "…", "!?", ". .", "a."])
def test_sentence_splitter_is_linear_on_runs_of_punctuation(run: str) -> None:
    _grows_linearly(lambda size: run * (size // len(run)), split_sentences)


@pytest.mark.parametrize("unit", ["$1 ", "1 million ", "from 1 to 2 million rubles ", "1% "])
def test_amount_grouping_in_one_sentence_is_linear(unit: str) -> None:
    _grows_linearly(lambda size: unit * (size // len(unit)), _extract)


@given(st.text(alphabet=st.sampled_from("ab .!?…\n\"'«»()$1"), max_size=6000))
@settings(max_examples=60, deadline=None)
def test_sentences_cover_the_text_in_order_and_are_bounded(text: str) -> None:
    spans = split_sentences(text)
    position = 0
    for span in spans:
        assert position <= span.start < span.end <= len(text)
        assert span.end - span.start <= MAX_SENTENCE_CHARS
        assert not text[position : span.start].strip(), "nothing but spaces between sentences"
        position = span.end
    assert not text[position:].strip()


def test_a_long_sentence_is_cut_at_a_space() -> None:
    text = "word " * 1000
    spans = split_sentences(text)
    assert len(spans) > 1
    assert all(text[span.end - 1] != " " and text[span.start] != " " for span in spans)


def test_extraction_past_its_budget_is_that_documents_failure(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(GOOD, encoding="utf-8")
    (folder / "b.txt").write_text(GOOD.replace("Kazan", "Ufa"), encoding="utf-8")
    with pytest.raises(BudgetError, match="time budget"):
        extract_document(Document.from_text(GOOD, id="x"), budget_seconds=0)
    with open_store(tmp_path / "rw.db") as store:
        report = pipeline.ingest_paths([folder], store, budget_seconds=0)
        assert report.ingested == 0
        assert [failure.stage for failure in report.failed] == ["extract", "extract"]
        assert all("time budget" in failure.reason for failure in report.failed)
        report = pipeline.ingest_paths([folder], store)
        assert report.ingested == 2, "a generous budget reads them"


@pytest.mark.parametrize("digits", [400, 30])
def test_numbers_beyond_any_plausible_value_are_refused(digits: int) -> None:
    run = "9" * digits
    text = f"{run} people were mobilised. The bonus is {run} roubles."
    extraction = extract_document(Document.from_text(text, id="x"))
    assert extraction.figures == [] and extraction.offers == []
    kept = extract_document(Document.from_text("300,000 people were mobilised.", id="y"))
    assert [figure.quantity for figure in kept.figures] == [300_000]


# --- hostile files: the bad one is listed with its reason, the good ones are stored ----------

SURROGATE = "\\ud800"  # as JSON writes it: a lone high surrogate
NUL = "\\u0000"


def _line(text: str) -> str:
    return '{"text": "' + text + '"}'


def _telegram(messages: list[str]) -> str:
    return (
        '{"name": "Channel", "type": "public_channel", "id": 7, "messages": ['
        + ",".join(messages)
        + "]}"
    )


def _message(ident: str, text: str) -> str:
    return (
        '{"id": '
        + ident
        + ', "type": "message", "date": "2024-03-05T10:00:00", "text": "'
        + (text + '"}')
    )


HOSTILE_FILES = {
    "surrogate.json": '{"id": "s", "text": "Bonus ' + SURROGATE + ' of 100 roubles."}',
    "nul.json": '{"id": "n", "text": "Bonus ' + NUL + ' of 100 roubles."}',
    "deep.json": "[" * 100_000 + "]" * 100_000,
    "lines.jsonl": "\n".join(
        [
            _line("Ufa pays volunteers 300,000 roubles on signing."),
            _line("A lone " + SURROGATE + " surrogate."),
            _line("A NUL " + NUL + " character."),
            "[" * 100_000 + "]" * 100_000,
            _line("Perm pays volunteers 200,000 roubles on signing."),
        ]
    ),
    "result.json": _telegram(
        [
            _message("1", "Kursk pays volunteers 400,000 roubles on signing."),
            _message('{"nested": 1}', "An id that is an object."),
            _message("3", "A lone " + SURROGATE + " surrogate."),
            _message("4", "Tver pays volunteers 250,000 roubles on signing."),
        ]
    ),
    "attributes.html": "<html><body><p "
    + " ".join(f'a{n}="x"' for n in range(30_000))
    + ">Volunteers get 100 roubles.</p></body></html>",
    "tags.html": "<html><body>" + "<b>x</b>" * 150_000 + "</body></html>",
}


def test_hostile_files_fail_alone_and_the_good_ones_are_stored(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    for name, content in HOSTILE_FILES.items():
        (folder / name).write_text(content, encoding="utf-8")
    with open_store(tmp_path / "rw.db") as store:
        report = pipeline.ingest_paths([folder], store)
        stored = {row.source for row in store.list_documents()}
        failures = {failure.source: failure.reason for failure in report.failed}
    # ijson's C parser reads the lone surrogate in message 3 as "?": stored, not failed.
    assert report.ingested == 6, failures
    assert str(folder / "good.txt") in stored
    assert {f"{folder / 'lines.jsonl'}:{n}" for n in (1, 5)} <= stored
    assert {f"{folder / 'result.json'}#{n}" for n in (1, 3, 4)} <= stored
    expected = {
        "surrogate.json": "lone surrogate",
        "nul.json": "NUL character",
        "deep.json": "too deeply",
        "lines.jsonl:2": "lone surrogate",
        "lines.jsonl:3": "NUL character",
        "lines.jsonl:4": "too deeply",
        "result.json#message-2": "'id'",
        "attributes.html": "attributes",
        "tags.html": "elements",
    }
    for name, reason in expected.items():
        assert reason in failures[str(folder / name)], (name, failures)
    assert len(failures) == len(expected)


def test_a_json_lines_line_over_the_document_cap_is_that_lines_failure(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    long_text = "Volunteers get 100 roubles. " * 100
    path.write_text(_line(long_text) + "\n" + _line("Ufa pays 300,000 roubles."), encoding="utf-8")
    options = ReadOptions(max_bytes=1000)
    items = list(iter_documents(find_sources([path]), options=options))
    assert isinstance(items[0], Failure) and "limit of one document" in items[0].reason
    assert isinstance(items[1], Document)


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org:99999/story",
        "http://" + "a" * 64 + ".example.org/story",  # a label longer than DNS allows
        "http://volunteers..example.org/story",  # an empty label
    ],
)
def test_a_url_that_cannot_be_fetched_is_its_failure(url: str) -> None:
    items = list(iter_documents([UrlSource(url)], options=ReadOptions()))
    assert len(items) == 1 and isinstance(items[0], Failure)
    assert "not a valid URL" in items[0].reason


def test_bad_links_in_a_followed_feed_and_a_bad_redirect_fail_alone() -> None:
    bad = "http://example.org:99999/story"
    with serve() as server:
        good = server.url("/good")
        entries = "".join(
            f"<item><title>Story {n}</title><link>{link}</link></item>"
            for n, link in enumerate([bad, server.url("/moved"), good])
        )
        server.routes["/feed.xml"] = Reply(
            body=f'<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>{entries}'
            "</channel></rss>".encode(),
            headers={"Content-Type": "application/rss+xml"},
        )
        server.routes["/moved"] = Reply(302, headers={"Location": bad})
        server.routes["/good"] = Reply(
            body=b"<html><head><title>Good</title></head><body><article><p>"
            + b"The governor promised volunteers 300,000 roubles and a plot of land. " * 5
            + b"</p></article></body></html>",
            headers={"Content-Type": "text/html; charset=utf-8"},
        )
        options = ReadOptions(
            fetch=FetchPolicy(allow_private=True, timeout=5, retries=0), follow=True
        )
        items = list(iter_documents(find_sources([server.url("/feed.xml")]), options=options))
    failures = [item for item in items if isinstance(item, Failure)]
    # The entry's bad link, then the redirect's bad target (named as the URL refused).
    assert [failure.source for failure in failures] == [bad, bad]
    assert all("not a valid URL" in failure.reason for failure in failures)
    assert [item.url for item in items if isinstance(item, Document)] == [good]


def test_a_writer_waits_its_turn_while_another_holds_the_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from recruitwatch.store import sqlite as sqlite_store

    monkeypatch.setattr(sqlite_store, "_BUSY_TIMEOUT", 0.05)  # SQLite's own wait: nearly none
    path = tmp_path / "rw.db"
    with open_store(path):
        pass
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")  # another writer (the API, a relink) holds the lock
    releaser = threading.Timer(1.0, lambda: holder.execute("COMMIT"))
    releaser.start()
    try:
        with open_store(path) as store:
            store.record_failure("busy.txt", "ingest", "written once the lock is free")
            assert [row.source for row in store.list_failures()] == ["busy.txt"]
    finally:
        releaser.join()
        holder.close()


def test_links_to_nothing_and_named_pipes_are_listed_not_skipped(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    (folder / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    os.mkfifo(folder / "pipe.txt")
    with open_store(tmp_path / "rw.db") as store:
        report = pipeline.ingest_paths([folder, folder / "pipe.txt"], store)
    assert report.ingested == 1
    reasons = [(Path(failure.source).name, failure.reason) for failure in report.failed]
    assert [name for name, _ in reasons] == ["dangling.txt", "pipe.txt", "pipe.txt"]
    assert "link to nothing" in reasons[0][1] and "named pipe" in reasons[1][1]


def _warc_record(
    name: str, sentence: str, length: bytes | None = None, extra: bytes = b""
) -> bytes:
    page = (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body><article><p>"
        + (sentence.encode() * 5)
        + b"</p></article></body></html>"
    )
    declared = str(len(page)).encode() if length is None else length
    return (
        b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:"
        + name.encode()
        + b">\r\nWARC-Target-URI: http://example.org/"
        + name.encode()
        + b"\r\n"
        + extra
        + b"Content-Type: application/http; msgtype=response\r\nContent-Length: "
        + declared
        + b"\r\n\r\n"
        + page
        + b"\r\n\r\n"
    )


@pytest.mark.parametrize(
    "damage",
    [
        _warc_record("bad", "x", b"-5"),
        _warc_record("bad", "x", b"many"),
        _warc_record("bad", "Words of a page that is longer than it says. ", b"10"),
        _warc_record("bad", "x", b"600"),  # cuts into the next record's header
        b"garbage between records\r\n\r\n",
        _warc_record("bad", "x", extra=b"X-Long: " + b"a" * 200_000 + b"\r\n"),
    ],
    ids=["negative", "not-a-number", "too-short", "too-long", "garbage", "long-header-line"],
)
@pytest.mark.parametrize("packing", ["plain", "gzip per record", "gzip whole"])
def test_a_damaged_warc_record_loses_no_good_record_after_it(
    tmp_path: Path, damage: bytes, packing: str
) -> None:
    good = _warc_record("first", "The governor promised volunteers 300,000 roubles today. ")
    after = _warc_record("after", "Perm pays volunteers 200,000 roubles on signing a contract. ")
    parts = [good, damage, after]
    if packing == "plain":
        path, data = tmp_path / "crawl.warc", b"".join(parts)
    elif packing == "gzip per record":
        path, data = tmp_path / "crawl.warc.gz", b"".join(gzip.compress(part) for part in parts)
    else:  # one member for the whole crawl: no member boundary to resume at
        path, data = tmp_path / "crawl.warc.gz", gzip.compress(b"".join(parts))
    path.write_bytes(data)
    items = list(iter_documents(find_sources([path])))
    urls = [item.url for item in items if isinstance(item, Document)]
    assert urls == ["http://example.org/first", "http://example.org/after"]
    failures = [item for item in items if isinstance(item, Failure)]
    assert len(failures) == 1 and failures[0].reason


def test_json_lines_are_read_a_line_at_a_time_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "dump.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(_line("$1 " * 10_000_000) + "\n")  # 30 MB on one line
        handle.write(_line("Ufa pays volunteers 300,000 roubles on signing.") + "\n")
    detect_language("Warm the language detector first: its model is not the reader's memory.")
    tracemalloc.start()
    try:
        items = list(iter_documents(find_sources([path]), options=ReadOptions(max_bytes=1 << 20)))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert isinstance(items[0], Failure) and "limit of one document" in items[0].reason
    assert isinstance(items[1], Document)
    assert peak < 8 << 20, f"peak {peak >> 20} MB for a 30 MB file read with a 1 MB cap"


def test_the_fetch_connects_to_the_address_it_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    from recruitwatch.ingest import fetch

    real = socket.getaddrinfo
    answers: list[str] = []

    def rebinding(host: str, *args: object, **kwargs: object) -> object:
        # The first answer passes the check; any later one would send the request elsewhere.
        if host != "news.example":
            return real(host, *args, **kwargs)  # type: ignore[arg-type]
        answers.append(host)
        if len(answers) > 1:
            raise socket.gaierror(socket.EAI_NONAME, "rebound: resolved a second time")
        return real("127.0.0.1", *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    monkeypatch.setattr(fetch, "_private_kind", lambda _address: None)  # loopback as public
    with serve() as server:
        server.routes["/page"] = Reply(body=b"checked", headers={"Content-Type": "text/plain"})
        url = server.url("/page").replace("127.0.0.1", "news.example")
        with Fetcher(FetchPolicy(retries=0, timeout=5)) as fetcher:
            fetched = fetcher.get(url)
        host_header = server.hits[0][1].get("Host")
    assert fetched.content == b"checked" and fetched.url == url
    assert answers == ["news.example"], "resolved once, for the check"
    assert host_header == url.split("/")[2], "the server still sees the name"


def test_sentences_glued_without_a_space_are_split() -> None:
    text = "Payments fell to 800,000 rubles.In Tatarstan, from 3.1 million.Прием идет.Ok, U.S.-led."
    sentences = [text[span.start : span.end] for span in split_sentences(text)]
    assert sentences == [
        "Payments fell to 800,000 rubles.",
        "In Tatarstan, from 3.1 million.",
        "Прием идет.",
        "Ok, U.S.-led.",
    ]


def test_a_whole_file_gzip_warc_with_a_huge_header_line_is_read_in_bounded_memory(
    tmp_path: Path,
) -> None:
    good = _warc_record("first", "The governor promised volunteers 300,000 roubles today. ")
    after = _warc_record("after", "Perm pays volunteers 200,000 roubles on signing a contract. ")
    long_line = _warc_record("bad", "x", extra=b"X-Long: " + b"a" * 50_000_000 + b"\r\n")
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(gzip.compress(good + long_line + after))
    assert path.stat().st_size < 1_000_000
    detect_language("Warm the language detector first: its model is not the reader's memory.")
    tracemalloc.start()
    try:
        items = list(iter_documents(find_sources([path]), options=ReadOptions(max_bytes=1 << 20)))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    urls = [item.url for item in items if isinstance(item, Document)]
    assert urls == ["http://example.org/first", "http://example.org/after"]
    assert len([item for item in items if isinstance(item, Failure)]) == 1
    assert peak < 16 << 20, f"peak {peak >> 20} MB for a 50 MB header line"


def test_a_document_of_more_numbers_than_prose_holds_is_its_failure(tmp_path: Path) -> None:
    from recruitwatch.extract.context import MAX_NUMBERS

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    (folder / "table.txt").write_text("$1 " * (MAX_NUMBERS + 10), encoding="utf-8")
    with open_store(tmp_path / "rw.db") as store:
        report = pipeline.ingest_paths([folder], store, budget_seconds=None)
    assert report.ingested == 1
    (failure,) = report.failed
    assert failure.source == str(folder / "table.txt") and failure.stage == "extract"
    assert f"more than {MAX_NUMBERS:,} numbers" in failure.reason


@pytest.mark.parametrize("unit", [".", "$1 "])
def test_a_megabyte_of_tokens_is_indexed_in_bounded_memory(unit: str) -> None:
    from recruitwatch.lang import PhraseSet, tokenize

    text = unit * (1_000_000 // len(unit))
    dollars = PhraseSet.single(["$"])
    tracemalloc.start()
    try:
        tokenize(text)
        found = len(dollars.matches(text, 0, 1000))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert found == (0 if unit == "." else 334)  # "$" at 0, 3, ..., 999
    # Lists of Python ints and match objects took 185 MB for the dots alone.
    assert peak < 64 << 20, f"peak {peak >> 20} MB for a million tokens"
