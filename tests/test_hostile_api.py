"""The API under hostile requests: the token is checked before a body is read, every body is
capped, a 500 still carries the security headers, a cursor no database can bind is a 400,
and numbers that are not finite never break a JSON or CSV export."""

from __future__ import annotations

import base64
import json
import sqlite3
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the [web] extra is not installed")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # Starlette's test client asks for httpx2
    from fastapi.testclient import TestClient

from _serve import TOKEN, build_db, settings
from recruitwatch.serve.app import create_app
from recruitwatch.store import open_store
from recruitwatch.store.browse import Reader

SECURITY_HEADERS = ("content-security-policy", "x-content-type-options", "x-frame-options")


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str | Path:
    return build_db(tmp_path_factory.mktemp("hostile-api"))


@pytest.fixture
def client(db: str | Path) -> Iterator[TestClient]:
    app = create_app(settings(db, max_request_bytes=10_000))
    with TestClient(app, raise_server_exceptions=False) as found:
        yield found


def _chunks(total: int) -> Iterator[bytes]:
    sent = 0
    while sent < total:
        sent += 4096
        yield b"x" * 4096


def test_a_write_without_the_token_is_refused_before_its_body_is_read(client: TestClient) -> None:
    read: list[int] = []

    def body() -> Iterator[bytes]:
        for chunk in _chunks(50_000):
            read.append(len(chunk))
            yield chunk

    response = client.post("/api/documents", content=body())
    assert response.status_code == 401
    assert response.json()["status"] == 401
    assert sum(read) <= 4096, "the body was not read"
    assert all(name in response.headers for name in SECURITY_HEADERS)


def test_a_body_over_the_cap_is_refused(client: TestClient) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    declared = client.post("/api/documents", content=b"{" + b" " * 20_000 + b"}", headers=auth)
    assert declared.status_code == 413, declared.text
    assert "RECRUITWATCH_MAX_REQUEST_BYTES" in declared.json()["error"]
    streamed = client.post("/api/documents", content=_chunks(50_000), headers=auth)
    assert streamed.status_code == 413, streamed.text
    small = client.post("/api/documents", json={"text": "Nothing here."}, headers=auth)
    assert small.status_code in (200, 201), small.text


def test_an_unexpected_error_is_a_500_with_the_security_headers(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(Reader, "offers", broken)
    for path in ("/api/offers", "/offers"):
        response = client.get(path)
        assert response.status_code == 500
        assert all(name in response.headers for name in SECURITY_HEADERS)
        assert "a bug" not in response.text
    assert client.get("/api/offers").headers["content-type"].startswith("application/json")


@pytest.mark.parametrize("path", ["/api/offers", "/api/figures", "/api/documents", "/api/errors"])
def test_a_cursor_holding_a_lone_surrogate_is_a_400(client: TestClient, path: str) -> None:
    for sort in ("", "-amount"):
        raw = json.dumps(["x", "\ud800", "\ud800", 1]).encode("ascii")
        cursor = base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")
        response = client.get(path, params={"cursor": cursor})
        assert response.status_code == 400, (sort, response.text)


def test_an_infinite_number_in_the_database_leaves_exports_valid(
    tmp_path: Path, db: str | Path
) -> None:
    copy = tmp_path / "inf.db"
    copy.write_bytes(Path(db).read_bytes())
    with sqlite3.connect(copy) as connection:  # as an old version could have stored it
        connection.execute(
            "UPDATE offers SET amount = 9e999 WHERE id = (SELECT min(id) FROM offers)"
        )
        connection.execute("UPDATE offers SET offered_by = '=HYPERLINK(1)'")
    with TestClient(create_app(settings(copy)), raise_server_exceptions=False) as client:
        lines = client.get("/api/offers.jsonl").text.splitlines()
        rows = [json.loads(line) for line in lines]  # strict JSON: no Infinity
        assert any(row["amount"] is None for row in rows)
        exported = client.get("/api/offers.csv").text
        assert "inf" not in exported.lower().split(",")
        assert "'=HYPERLINK(1)" in exported
        listed = client.get("/api/offers?limit=500")
        assert listed.status_code == 200, listed.text
        first = min(listed.json()["items"], key=lambda item: item["id"])
        assert first["amount"] is None
        assert client.get("/offers").status_code == 200
        assert client.get(f"/documents/{first['document_id']}").status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        b'{"text": "A bonus \\ud800 of 100 roubles."}',
        b'{"text": "A bonus \\u0000 of 100 roubles."}',
        b'{"text": "A bonus of 100 roubles.", "title": "\\udfff"}',
        b'{"url": "http://example.org:99999/story"}',
        b'{"url": "http://volunteers..example.org/story"}',
        b'{"text": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    ],
)
def test_hostile_posts_are_4xx_not_500(db: str | Path, body: bytes) -> None:
    app = create_app(settings(db))  # the default request cap: the deep body is 200 KB
    with TestClient(app, raise_server_exceptions=False) as roomy:
        response = roomy.post(
            "/api/documents",
            content=body,
            headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
        )
    assert 400 <= response.status_code < 500, response.text
    assert response.json()["ok"] is False


def test_a_post_links_only_what_it_stored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # No full relink per POST: it reads every document and holds the writer's lock meanwhile.
    from recruitwatch.link import link_store, update

    db = tmp_path / "rw.db"
    with open_store(db) as store:  # linked once: from then on links are incremental
        link_store(store)

    def full_relink(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a POST ran a full relink")

    monkeypatch.setattr(update, "link_store", full_relink)
    texts = [
        "The Omsk region offers volunteers a sign-on bonus of 650,000 roubles to join the army.",
        "Volunteers who join the army get a sign-on bonus of 650,000 roubles from the Omsk region.",
    ]
    with TestClient(create_app(settings(db))) as client:
        for day, text in enumerate(texts, start=3):
            response = client.post(
                "/api/documents",
                json={"text": text, "published": f"2024-03-0{day}"},
                headers={"Authorization": f"Bearer {TOKEN}"},
            )
            assert response.status_code == 201, response.text
        claims = client.get("/api/claims").json()["items"]
    (bonus,) = [claim for claim in claims if claim["value"] == 650_000]
    assert bonus["sources"] == 2  # linked before each answer, without a relink
