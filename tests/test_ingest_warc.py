"""WARC and WARC.gz built with warcio in the test: HTML responses in, damage as failures."""

from __future__ import annotations

import io
import re
import tracemalloc
from datetime import date
from gzip import compress as gzip_compress
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from recruitwatch.ingest import Failure, find_sources, iter_documents, warc
from recruitwatch.ingest.warc import read_warc
from recruitwatch.model import Document

PARAGRAPH = (
    "The regional government of {region} promised every volunteer a one-time payment of"
    " {amount} roubles on signing a contract with the defence ministry, officials said."
)


def html_page(region: str, amount: str, *, dated: bool = False) -> bytes:
    meta = '<meta property="article:published_time" content="2023-12-01">' if dated else ""
    body = PARAGRAPH.format(region=region, amount=amount)
    return (
        f"<html><head><title>{region}</title>{meta}</head><body>"
        f"<nav>Home News Sport</nav><article><p>{body}</p><p>{body}</p></article></body></html>"
    ).encode()


def write_warc(path: Path, *, gzip: bool, pages: int = 3) -> Path:
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=gzip)
        for index in range(pages):
            uri = f"https://news.example/{index}"
            request = writer.create_warc_record(
                uri, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")
            )
            writer.write_record(request)
            page = html_page(f"Region {index}", f"{index + 1}00,000", dated=index == 0)
            writer.write_record(_response(writer, uri, page))
        image = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(
                "https://news.example/logo.png",
                "response",
                payload=io.BytesIO(b"\x89PNG fake"),
                http_headers=image,
            )
        )
        moved = StatusAndHeaders(
            "301 Moved",
            [("Location", "https://news.example/0"), ("Content-Type", "text/html")],
            protocol="HTTP/1.1",
        )
        writer.write_record(
            writer.create_warc_record(
                "https://news.example/old", "response", payload=io.BytesIO(b""), http_headers=moved
            )
        )
    return path


def _response(writer: WARCWriter, uri: str, body: bytes) -> object:
    headers = StatusAndHeaders(
        "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
    )
    return writer.create_warc_record(
        uri,
        "response",
        payload=io.BytesIO(body),
        http_headers=headers,
        warc_headers_dict={"WARC-Date": "2024-05-06T07:08:09Z"},
    )


def _docs(items: list[Document | Failure]) -> list[Document]:
    return [item for item in items if isinstance(item, Document)]


def test_html_responses_become_documents(tmp_path: Path) -> None:
    for gzip in (False, True):
        path = write_warc(tmp_path / f"crawl.warc{'.gz' if gzip else ''}", gzip=gzip)
        items = list(iter_documents(find_sources([path])))
        assert all(isinstance(item, Document) for item in items), items
        docs = _docs(items)
        assert [doc.id for doc in docs] == ["news.example/0", "news.example/1", "news.example/2"]
        assert [doc.url for doc in docs] == [f"https://news.example/{n}" for n in range(3)]
        # The page's own date when it states one, else the capture date.
        assert [doc.published for doc in docs] == [date(2023, 12, 1)] + [date(2024, 5, 6)] * 2
        assert "100,000 roubles" in docs[0].text
        assert "Home News Sport" not in docs[0].text
        assert docs[0].source == str(path)


def test_warc_is_recognised_by_content(tmp_path: Path) -> None:
    path = write_warc(tmp_path / "crawl.bin", gzip=True)
    assert len(_docs(list(iter_documents(find_sources([path]))))) == 3


def test_truncated_gzip_fails_for_the_cut_record_only(tmp_path: Path) -> None:
    path = write_warc(tmp_path / "crawl.warc.gz", gzip=True, pages=3)
    data = path.read_bytes()
    cut = tmp_path / "cut.warc.gz"
    # Members: request and response per page, then the image and the redirect.
    members = [m.start() for m in re.finditer(b"\x1f\x8b\x08", data)]
    assert len(members) == 8
    for start, end in ((members[5], members[6]), (members[4], members[5])):
        # Into the middle of the last page's response, then of its request.
        cut.write_bytes(data[: (start + end) // 2])
        items = list(iter_documents(find_sources([cut])))
        assert [doc.id for doc in _docs(items)] == ["news.example/0", "news.example/1"]
        (failure,) = [item for item in items if isinstance(item, Failure)]
        assert failure.source.startswith(str(cut))
        assert "truncated" in failure.reason


def test_content_length_that_lies(tmp_path: Path) -> None:
    path = write_warc(tmp_path / "crawl.warc", gzip=False, pages=3)
    data = path.read_bytes()
    # The second response record: say it is 60 bytes shorter than it is.
    lengths = list(re.finditer(rb"Content-Length: (\d+)", data))
    target = lengths[3]  # request 0, response 0, request 1, response 1
    shorter = int(target.group(1)) - 60
    lying = data[: target.start()] + f"Content-Length: {shorter}".encode() + data[target.end() :]
    bad = tmp_path / "lying.warc"
    bad.write_bytes(lying)
    items = list(iter_documents(find_sources([bad])))
    failures = [item for item in items if isinstance(item, Failure)]
    assert len(failures) == 1, items
    assert "Content-Length does not match" in failures[0].reason
    assert "https://news.example/1" in failures[0].source
    # Reading goes on after the damaged record.
    assert "news.example/2" in [doc.id for doc in _docs(items)]


def test_content_length_longer_than_the_file(tmp_path: Path) -> None:
    path = write_warc(tmp_path / "crawl.warc", gzip=False, pages=1)
    data = path.read_bytes()
    lengths = list(re.finditer(rb"Content-Length: (\d+)", data))
    target = lengths[1]
    lying = data[: target.start()] + b"Content-Length: 99999999" + data[target.end() :]
    bad = tmp_path / "long.warc"
    bad.write_bytes(lying)
    items = list(iter_documents(find_sources([bad])))
    assert len(items) == 1
    assert isinstance(items[0], Failure)
    assert "truncated" in items[0].reason


def test_not_a_warc_after_all(tmp_path: Path) -> None:
    path = tmp_path / "junk.warc"
    path.write_bytes(b"WARC/1.0\r\nthis is not a header block\r\n\r\n" + b"x" * 100)
    items = list(iter_documents(find_sources([path])))
    assert len(items) == 1
    assert isinstance(items[0], Failure)
    assert "not a WARC record" in items[0].reason


def test_streams_in_bounded_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Four times the records must not take more memory: records are read one at a time.
    (Extraction is stubbed: trafilatura's own bounded caches would blur the reading.)"""

    def stub(data: bytes, *, doc_id: str, source: str, **_: object) -> Document:
        return Document.from_text(data[:50].decode(), id=doc_id, source=source)

    monkeypatch.setattr(warc, "read_html", stub)
    peaks = []
    for pages in (100, 400):
        path = write_warc(tmp_path / f"big-{pages}.warc.gz", gzip=True, pages=pages)
        tracemalloc.start()
        try:
            with path.open("rb") as stream:
                count = sum(
                    1
                    for item in read_warc(stream, source="s", max_bytes=1 << 20)
                    if isinstance(item, Document)
                )
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
        assert count == pages
    assert peaks[1] < peaks[0] * 1.5, peaks


def test_a_response_record_warcio_cannot_parse_fails_the_file_not_the_batch(
    tmp_path: Path,
) -> None:
    # A response with no HTTP headers, cut short: warcio raises AttributeError on it.
    crawl = gzip_compress(b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 9999\r\n\r\n<html>")
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(crawl[: len(crawl) // 2])
    (failure,) = list(iter_documents(find_sources([path])))
    assert isinstance(failure, Failure)
    assert failure.source == f"{path}@0" and "unreadable WARC data" in failure.reason
