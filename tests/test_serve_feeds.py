"""Atom feeds of offer filters (parsed with feedparser), the offers page's links to them, and
the Excel-friendly CSV downloads (UTF-8 with a byte-order mark)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import feedparser
import pytest

pytest.importorskip("fastapi", reason="the [web] extra is not installed")

from fastapi.testclient import TestClient

from _factories import fake_extract
from _serve import build_db, settings
from recruitwatch import pipeline
from recruitwatch.model import Document
from recruitwatch.pipeline import ingest_documents
from recruitwatch.serve.app import create_app
from recruitwatch.serve.feeds import FEED_ENTRIES
from recruitwatch.store import open_store

_ATOM = "application/atom+xml"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return Path(build_db(tmp_path_factory.mktemp("feeds")))


@pytest.fixture(scope="module")
def client(db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(settings(db)), raise_server_exceptions=False) as found:
        yield found


def _feed(client: TestClient, query: str = "") -> feedparser.FeedParserDict:
    response = client.get(f"/feeds/offers.atom{query}")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(_ATOM)
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def test_the_feed_is_valid_atom_with_every_offer_newest_first(client: TestClient) -> None:
    parsed = _feed(client)
    offers = client.get("/api/offers?limit=500").json()
    assert len(parsed.entries) == offers["count"]
    published = [entry.published for entry in parsed.entries]
    assert published == sorted(published, reverse=True)
    assert parsed.feed.title == "recruitwatch offers"
    assert len({entry.id for entry in parsed.entries}) == len(parsed.entries)


def test_each_entry_names_the_offer_and_links_to_its_evidence(client: TestClient) -> None:
    parsed = _feed(client, "?q=Tatarstan")
    [entry] = [e for e in parsed.entries if "1,000,000" in e.title]
    assert entry.title.startswith("Signing bonus: 1,000,000 RUB")
    assert "Tatarstan" in entry.title  # the payer or the region
    match = re.fullmatch(
        r"http://testserver(/documents/.+\?record=(offer-\d+))#offer-\d+", entry.link
    )
    assert match, entry.link
    page = client.get(match.group(1))
    assert page.status_code == 200 and f'id="{match.group(2)}"' in page.text
    assert "1,000,000 roubles" in entry.summary


def test_the_feed_takes_the_api_filters(client: TestClient) -> None:
    monthly = _feed(client, "?kind=monthly_pay")
    assert monthly.entries and all(e.title.startswith("Monthly pay") for e in monthly.entries)
    api = client.get("/api/offers?kind=monthly_pay&limit=500").json()
    assert len(monthly.entries) == api["count"]
    assert "kind monthly_pay" in monthly.feed.title
    assert monthly.feed.id.endswith("/feeds/offers.atom?kind=monthly_pay")
    assert not _feed(client, "?since=2099-01-01").entries


def test_unknown_or_malformed_parameters_are_refused(client: TestClient) -> None:
    assert client.get("/feeds/offers.atom?sort=-amount").status_code == 400
    assert client.get("/feeds/offers.atom?kind=bribe").status_code == 400


def test_the_feed_holds_at_most_the_newest_hundred(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "extract_document", fake_extract)
    text = "\n".join(f"Region {n} pays {n + 100},000 roubles." for n in range(FEED_ENTRIES + 5))
    db = tmp_path / "many.db"
    with open_store(db) as store:
        ingest_documents([Document.from_text(text, id="many", language="en")], store)
    with TestClient(create_app(settings(db))) as client:
        assert client.get("/api/offers?limit=1").json()["count"] == FEED_ENTRIES + 5
        assert len(_feed(client).entries) == FEED_ENTRIES


def test_the_offers_page_links_its_feed(client: TestClient) -> None:
    page = client.get("/offers?kind=signing_bonus").text
    head = page.split("</head>")[0]
    assert (
        '<link rel="alternate" type="application/atom+xml" title="Offers matching these filters"'
        ' href="/feeds/offers.atom?kind=signing_bonus">' in head
    )
    assert 'href="/feeds/offers.atom?kind=signing_bonus" type="application/atom+xml"' in page


def test_csv_for_excel_starts_with_a_byte_order_mark(client: TestClient) -> None:
    plain = client.get("/api/offers.csv?language=ru")
    excel = client.get("/api/offers.csv?language=ru&excel=true")
    assert excel.status_code == 200 and excel.headers["content-type"].startswith("text/csv")
    assert excel.content.startswith(b"\xef\xbb\xbf") and not plain.content.startswith(b"\xef")
    assert excel.content[3:] == plain.content
    rows = list(csv.DictReader(io.StringIO(excel.content.decode("utf-8-sig"))))
    assert rows and any("рублей" in row["evidence_text"] for row in rows)
    figures = client.get("/api/figures.csv?excel=true")
    assert figures.status_code == 200 and figures.content.startswith(b"\xef\xbb\xbf")


def test_excel_applies_to_csv_only(client: TestClient) -> None:
    response = client.get("/api/offers.jsonl?excel=true")
    assert response.status_code == 400 and "CSV only" in response.json()["error"]


def test_the_pages_offer_the_excel_download(client: TestClient) -> None:
    assert "excel=true" in client.get("/offers").text
    assert "excel=true" in client.get("/figures").text


def test_the_claims_feed_holds_claims_two_independent_sources_make(client: TestClient) -> None:
    response = client.get("/feeds/claims.atom")
    assert response.status_code == 200 and response.headers["content-type"].startswith(_ATOM)
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    confirmed = client.get("/api/claims?min_sources=2&limit=500").json()
    assert confirmed["count"] > 0  # the Kazakh bonus and its rewrite
    assert len(parsed.entries) == confirmed["count"]
    assert all("independent sources" in entry.title for entry in parsed.entries)
    link = parsed.entries[0].link.removeprefix("http://testserver")
    assert re.fullmatch(r"/claims/\d+", link) and client.get(link).status_code == 200
    assert "min_sources 2" in parsed.feed.title
    single = feedparser.parse(client.get("/feeds/claims.atom?min_sources=1").content)
    assert len(single.entries) >= len(parsed.entries)
    assert client.get("/feeds/claims.atom?sort=-last").status_code == 400
    page = client.get("/claims").text
    assert 'type="application/atom+xml" title="Claims with two or more' in page.split("</head>")[0]
    assert 'href="/feeds/claims.atom" type="application/atom+xml"' in page
