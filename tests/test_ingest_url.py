"""Fetching URLs from a loopback server: limits, retries, refusals, each a clear failure."""

from __future__ import annotations

import socket
import time
from http.server import BaseHTTPRequestHandler

import pytest

from _http import Reply, Server, serve
from recruitwatch.errors import InputError
from recruitwatch.ingest import (
    Failure,
    Fetcher,
    FetchPolicy,
    ReadOptions,
    find_sources,
    iter_documents,
)
from recruitwatch.ingest.fetch import USER_AGENT
from recruitwatch.model import Document

QUICK = FetchPolicy(allow_private=True, timeout=2, retries=0, backoff=0.01)
ARTICLE = (
    b"<html><head><title>Kursk pays more</title>"
    b'<meta property="article:published_time" content="2024-02-10"></head><body>'
    b"<article><p>The Kursk region will pay volunteers 1.2 million roubles on signing a contract"
    b" with the defence ministry, the governor said on Saturday in a statement.</p></article>"
    b"</body></html>"
)


@pytest.fixture
def server() -> Server:
    with serve() as running:
        running.routes["/article"] = Reply(
            body=ARTICLE, headers={"Content-Type": "text/html; charset=utf-8"}
        )
        yield running  # type: ignore[misc]


def _get(url: str, policy: FetchPolicy = QUICK) -> bytes:
    with Fetcher(policy) as fetcher:
        return fetcher.get(url).content


def _refused(url: str, match: str, policy: FetchPolicy = QUICK) -> str:
    with pytest.raises(InputError, match=match) as caught:
        _get(url, policy)
    assert str(caught.value).startswith(url)
    return str(caught.value)


def test_page_url_becomes_a_document(server: Server) -> None:
    url = server.url("/article")
    (doc,) = list(iter_documents(find_sources([url]), options=ReadOptions(fetch=QUICK)))
    assert isinstance(doc, Document)
    assert (doc.url, doc.title, doc.source) == (url, "Kursk pays more", url)
    assert doc.id == f"127.0.0.1:{url.split(':')[2].split('/')[0]}/article"
    assert "1.2 million roubles" in doc.text
    _, headers = server.hits[0]
    assert headers["User-Agent"] == USER_AGENT
    assert "recruitwatch" in USER_AGENT


def test_private_addresses_are_refused_by_default(server: Server) -> None:
    for url in (server.url("/article"), "http://localhost:9/x", "http://[::1]:9/x"):
        message = _refused(url, "refused: ", FetchPolicy(retries=0))
        assert "loopback address" in message
        assert "--allow-private" in message
    assert server.hits == []  # refused before any request was sent


def test_private_refusal_is_a_batch_failure(server: Server) -> None:
    items = list(iter_documents(find_sources([server.url("/article")])))
    assert len(items) == 1
    assert isinstance(items[0], Failure)
    assert "loopback address" in items[0].reason


def test_not_found_is_final(server: Server) -> None:
    policy = FetchPolicy(allow_private=True, retries=3, backoff=0.01)
    _refused(server.url("/missing"), "server answered 404 Not Found", policy)
    assert server.count("/missing") == 1  # a 404 is not retried


def test_timeout_is_retried_then_fails(server: Server) -> None:
    server.routes["/slow"] = Reply(body=ARTICLE, delay=1.0)
    policy = FetchPolicy(allow_private=True, timeout=0.2, retries=1, backoff=0.01)
    started = time.monotonic()
    _refused(server.url("/slow"), r"timed out after 0.2 s \(after 2 tries\)", policy)
    assert time.monotonic() - started < 3
    assert server.count("/slow") == 2


def test_server_error_is_retried_with_back_off(server: Server) -> None:
    answers = iter([Reply(503), Reply(502), Reply(body=ARTICLE)])
    server.routes["/flaky"] = lambda _handler: next(answers)
    policy = FetchPolicy(allow_private=True, retries=2, backoff=0.05)
    started = time.monotonic()
    assert _get(server.url("/flaky"), policy) == ARTICLE
    assert time.monotonic() - started >= 0.05 + 0.1  # 0.05 s, then 0.1 s


def test_redirects_are_followed_and_loops_stopped(server: Server) -> None:
    server.routes["/old"] = Reply(301, headers={"Location": "/article"})
    assert _get(server.url("/old")) == ARTICLE
    server.routes["/a"] = Reply(302, headers={"Location": "/b"})
    server.routes["/b"] = Reply(302, headers={"Location": server.url("/a")})
    _refused(server.url("/a"), "redirect loop: .*/a -> .*/b -> .*/a")
    for n in range(10):
        server.routes[f"/hop{n}"] = Reply(302, headers={"Location": f"/hop{n + 1}"})
    _refused(server.url("/hop0"), "more than 5 redirects")


def test_redirect_to_a_private_address_is_refused() -> None:
    # The first hop is allowed (the test cannot run a public server), the next one checked.
    with serve() as server:
        server.routes["/out"] = Reply(302, headers={"Location": "http://169.254.169.254/meta"})
        fetcher = Fetcher(FetchPolicy(retries=0))
        fetcher._check_url = _allow_loopback(fetcher._check_url)  # type: ignore[method-assign]
        with fetcher, pytest.raises(InputError, match=r"169\.254\.169\.254, a link-local address"):
            fetcher.get(server.url("/out"))


def _allow_loopback(check: object) -> object:
    def checked(url: str) -> None:
        if "127.0.0.1" not in url:
            check(url)  # type: ignore[operator]

    return checked


def test_declared_200_megabytes_are_refused_before_reading(server: Server) -> None:
    server.routes["/huge"] = Reply(body=b"", headers={"Content-Length": str(200 * 1024 * 1024)})
    policy = FetchPolicy(allow_private=True, retries=0, max_bytes=1024 * 1024)
    _refused(
        server.url("/huge"), "response of 209715200 bytes is over the 1048576 byte limit", policy
    )


def test_undeclared_200_megabytes_are_cut_off_early(server: Server) -> None:
    server.routes["/stream"] = Reply(stream=200)  # 200 MiB, no Content-Length
    policy = FetchPolicy(allow_private=True, retries=0, max_bytes=2 * 1024 * 1024)
    started = time.monotonic()
    _refused(server.url("/stream"), "over the 2097152 byte limit; download stopped", policy)
    assert time.monotonic() - started < 5


def test_conditional_request_gets_not_modified(server: Server) -> None:
    def conditional(handler: BaseHTTPRequestHandler) -> Reply:
        if handler.headers.get("If-None-Match") == '"v1"':
            return Reply(304)
        return Reply(body=ARTICLE, headers={"ETag": '"v1"', "Last-Modified": "Sat, 10 Feb 2024"})

    server.routes["/cond"] = conditional
    with Fetcher(QUICK) as fetcher:
        first = fetcher.get(server.url("/cond"))
        again = fetcher.get(server.url("/cond"), etag=first.etag)
    assert (first.status, first.etag, first.last_modified) == (200, '"v1"', "Sat, 10 Feb 2024")
    assert again.not_modified
    assert again.content == b""


def test_unsupported_scheme_and_unresolvable_host(monkeypatch: pytest.MonkeyPatch) -> None:
    _refused("ftp://example.org/x", "only http and https")

    def no_dns(*args: object, **kwargs: object) -> None:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    # No resolver is asked: the tests stay off the network.
    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    _refused(
        "http://no-such-host.example/x",
        "cannot resolve no-such-host.example",
        FetchPolicy(retries=0),
    )
