"""The JSON API over a database the real pipeline filled: filters, sorting, pages, exports,
errors, access, and a schemathesis run against its OpenAPI schema; each on SQLite and on
PostgreSQL, and both backends answering alike."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the [web] extra is not installed")

with warnings.catch_warnings():
    # Starlette asks for httpx2 in its test client; the httpx it still supports is installed.
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from _postgres import fresh_database
from _serve import TEXTS, TOKEN, build_db, settings, sign_in
from conftest import BACKENDS
from recruitwatch.serve.app import create_app

# Both databases hold the same texts, read from one folder, stamped with one ingest time.
INGESTED_AT = "2024-10-01T12:00:00+00:00"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("serve")


@pytest.fixture(scope="module")
def sqlite_db(folder: Path) -> str | Path:
    return _stamped(build_db(folder))


@pytest.fixture(scope="module")
def postgres_db(folder: Path, postgres_server: str) -> str | Path:
    return _stamped(build_db(folder, fresh_database(postgres_server)))


def _stamped(db: str | Path) -> str | Path:
    _execute(db, f"UPDATE documents SET ingested_at = '{INGESTED_AT}'")
    return db


@pytest.fixture(scope="module", params=BACKENDS)
def served_db(request: pytest.FixtureRequest) -> str | Path:
    """The filled database this module's requests read, once per backend (built once each;
    the conftest `db` is a fresh empty one per test)."""
    found: str | Path = request.getfixturevalue(f"{request.param}_db")
    return found


@pytest.fixture(scope="module")
def client(served_db: str | Path) -> Iterator[TestClient]:
    with TestClient(create_app(settings(served_db)), raise_server_exceptions=False) as found:
        yield found


def get_json(client: TestClient, url: str, status: int = 200) -> dict[str, Any]:
    response = client.get(url)
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


def all_offers(client: TestClient) -> list[dict[str, Any]]:
    return list(get_json(client, "/api/offers?limit=1000")["items"])


def assert_problem(body: dict[str, Any], status: int) -> None:
    assert body["ok"] is False
    assert body["status"] == status
    assert isinstance(body["error"], str) and body["error"]
    assert "detail" in body


# --- lists and filters -----------------------------------------------------------------------


def test_offers_come_in_the_envelope_with_their_evidence(client: TestClient) -> None:
    body = get_json(client, "/api/offers")
    assert set(body) == {"ok", "items", "next", "count"}
    assert body["ok"] is True and body["next"] is None
    assert body["count"] == len(body["items"]) >= 8
    offer = next(o for o in body["items"] if o["document_id"] == "kazakh-bonus" and o["usd_stated"])
    assert offer["amount"] == 495_000 and offer["currency"] == "RUB"
    assert offer["usd_stated"] == 5_200
    assert offer["evidence"]["text"].startswith("The army offers Kazakh citizens")


OFFER_FILTERS = [
    ("kind=signing_bonus", lambda o: o["kind"] == "signing_bonus"),
    ("currency=rub", lambda o: o["currency"] == "RUB"),
    ("payer=moscow", lambda o: "moscow" in (o["offered_by"] or "").lower()),
    ("target=KAZAKH", lambda o: "kazakh" in (o["target"] or "").lower()),
    ("region=kursk", lambda o: "kursk" in (o["region"] or "").lower()),
    ("target_country=KZ", lambda o: o["target_country"] == "KZ"),
    ("language=ru", lambda o: o["evidence"]["language"] == "ru"),
    ("document=tatarstan", lambda o: o["document_id"] == "tatarstan"),
    ("since=2024-03-01", lambda o: o["record_date"] >= "2024-03-01"),
    ("until=2023-12-31", lambda o: o["record_date"] <= "2023-12-31"),
    (
        "since=2024-01-01&until=2024-03-31",
        lambda o: "2024-01-01" <= o["record_date"] <= "2024-03-31",
    ),
    ("min_usd=10000", lambda o: o["usd"] is not None and o["usd"] >= 10_000),
    ("max_usd=6000", lambda o: o["usd"] is not None and o["usd"] <= 6_000),
    ("q=reservists", lambda o: "reservists" in TEXTS[f"{o['document_id']}.txt"]),
    ("kind=monthly_pay&currency=RUB&payer=moscow", lambda o: o["kind"] == "monthly_pay"),
]


@pytest.mark.parametrize(("query", "holds"), OFFER_FILTERS, ids=[q for q, _ in OFFER_FILTERS])
def test_each_offer_filter_keeps_exactly_the_matching_offers(
    client: TestClient, query: str, holds: Any
) -> None:
    everything = all_offers(client)
    body = get_json(client, f"/api/offers?{query}&limit=1000")
    found = body["items"]
    assert found, f"{query} matched nothing; the fixture texts should give matches"
    assert all(holds(item) for item in found)
    assert body["count"] == len(found) < len(everything)
    # Nothing that matches is left out.
    assert {o["id"] for o in everything if _safe(holds, o)} >= {o["id"] for o in found}


def _safe(holds: Any, offer: dict[str, Any]) -> bool:
    try:
        return bool(holds(offer))
    except TypeError:  # a None compared with a date string
        return False


def test_text_filters_are_bound_not_spliced_into_sql(client: TestClient) -> None:
    for value in ("' OR 1=1 --", '") OR 1=1 --', "%", "_", "kazakh'; DROP TABLE offers; --"):
        body = get_json(client, f"/api/offers?payer={value}")
        assert body["count"] == 0, value
    assert get_json(client, "/api/offers")["count"] >= 8  # the table is still there


@pytest.mark.parametrize("sort", ["amount", "-amount", "date", "-usd", "payer", "-region", "kind"])
def test_pages_walk_every_offer_once_in_order(client: TestClient, sort: str) -> None:
    whole = get_json(client, f"/api/offers?sort={sort}&limit=1000")["items"]
    seen: list[dict[str, Any]] = []
    url = f"/api/offers?sort={sort}&limit=2"
    pages = 0
    while url:
        body = get_json(client, url)
        pages += 1
        assert body["count"] == len(whole) and len(body["items"]) <= 2
        seen += body["items"]
        url = f"/api/offers?sort={sort}&limit=2&cursor={body['next']}" if body["next"] else ""
    assert pages > 2
    assert [o["id"] for o in seen] == [o["id"] for o in whole]
    key = sort.removeprefix("-")
    column = {"payer": "offered_by", "date": "record_date"}.get(key, key)
    present = [o[column] for o in whole if o[column] is not None]
    if key in ("payer", "region", "kind"):
        present = [value.casefold() for value in present]
    assert present == sorted(present, reverse=sort.startswith("-"))
    # Missing values come last in either direction.
    missing = [index for index, o in enumerate(whole) if o[column] is None]
    assert missing == list(range(len(whole) - len(missing), len(whole)))


def test_filters_and_pages_combine(client: TestClient) -> None:
    first = get_json(client, "/api/offers?currency=RUB&limit=1&sort=-amount")
    assert first["next"] and first["count"] > 1
    second = get_json(
        client, f"/api/offers?currency=RUB&limit=1&sort=-amount&cursor={first['next']}"
    )
    assert second["items"][0]["amount"] <= first["items"][0]["amount"]


def test_figures_documents_and_errors_lists(client: TestClient) -> None:
    figures = get_json(client, "/api/figures?unit=people&subject=reservists")
    assert figures["count"] >= 2
    assert all(item["unit"] == "people" for item in figures["items"])
    assert get_json(client, "/api/figures?since=2030-01-01")["count"] == 0
    documents = get_json(client, "/api/documents?sort=published")
    assert [d["published"] for d in documents["items"]] == sorted(
        d["published"] for d in documents["items"]
    )
    assert "text" not in documents["items"][0]
    russian = get_json(client, "/api/documents?language=ru")
    assert [d["id"] for d in russian["items"]] == ["kursk-ru"]
    found = get_json(client, "/api/documents?q=Almaty salary&sort=id")
    assert [d["id"] for d in found["items"]] == ["kazakh-bonus", "kazakh-bonus-rewrite"]
    assert "\x02Almaty\x03" in found["items"][0]["snippet"]
    assert get_json(client, "/api/errors")["items"] == []


def test_one_document_with_its_records(client: TestClient) -> None:
    body = get_json(client, "/api/documents/kazakh-bonus")
    document = body["items"][0]
    assert "The army offers Kazakh citizens" in document["text"]
    assert {o["kind"] for o in document["offers"]} == {"signing_bonus", "monthly_pay"}
    for offer in document["offers"]:
        evidence = offer["evidence"]
        assert document["text"][evidence["start"] : evidence["end"]] == evidence["text"]
    offer_id = document["offers"][0]["id"]
    assert get_json(client, f"/api/offers/{offer_id}")["items"][0]["id"] == offer_id


VERSION_2_OFFER_KEYS = {
    "recipient",
    "payer_level",
    "payer_region",
    "target_origin",
    "target_country",
    "previous",
}


def test_records_carry_the_guides_keys_everywhere(client: TestClient) -> None:
    offers = all_offers(client)
    assert all(set(o) >= VERSION_2_OFFER_KEYS for o in offers)
    kazakh = [o for o in offers if o["document_id"] == "kazakh-bonus"]
    assert {(o["target_origin"], o["target_country"], o["recipient"]) for o in kazakh} == {
        ("foreign", "KZ", "recruit")
    }
    assert all(o["previous"] is False for o in kazakh)
    document = get_json(client, "/api/documents/kazakh-bonus")["items"][0]
    assert {o["target_country"] for o in document["offers"]} == {"KZ"}
    assert all("category" in f for f in document["figures"])
    figures = get_json(client, "/api/figures?limit=1000")["items"]
    assert figures and all("category" in f for f in figures)
    header = client.get("/api/offers.csv").text.splitlines()[0].split(",")
    assert set(header) >= VERSION_2_OFFER_KEYS
    assert "category" in client.get("/api/figures.csv").text.splitlines()[0].split(",")
    import pyarrow.parquet as pq

    table = pq.read_table(io.BytesIO(client.get("/api/offers.parquet").content))
    assert table.schema.field("previous").type == "bool"
    assert table.schema.field("target_country").type == "string"


# --- exports ---------------------------------------------------------------------------------


def test_exports_hold_what_the_filters_show(client: TestClient) -> None:
    expected = get_json(client, "/api/offers?currency=RUB&limit=1000&sort=amount")["items"]
    response = client.get("/api/offers.csv?currency=RUB&sort=amount")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [int(row["id"]) for row in rows] == [o["id"] for o in expected]
    assert rows[0]["evidence_text"] == expected[0]["evidence"]["text"]
    lines = client.get("/api/offers.jsonl?currency=RUB&sort=amount").text.splitlines()
    assert [json.loads(line)["id"] for line in lines] == [o["id"] for o in expected]
    import pyarrow.parquet as pq

    table = pq.read_table(io.BytesIO(client.get("/api/offers.parquet?currency=RUB").content))
    assert table.num_rows == len(expected)
    assert "evidence_text" in table.column_names
    empty = pq.read_table(io.BytesIO(client.get("/api/offers.parquet?currency=XYZ").content))
    assert empty.num_rows == 0 and empty.schema.field("amount").type == "double"
    figures = client.get("/api/figures.csv?unit=people").text
    assert figures.startswith("id,document_id,quantity")


# --- bad input -------------------------------------------------------------------------------

BAD_REQUESTS = [
    ("/api/offers?kind=lottery", 400, "kind"),
    ("/api/offers?currency=roubles", 400, "currency"),
    ("/api/offers?since=2024-13-01", 400, "since"),
    ("/api/offers?until=yesterday", 400, "until"),
    ("/api/offers?since=1700000000", 400, "since"),  # not read as a Unix time
    ("/api/offers?kind=monthly_pay&kind=signing_bonus", 400, "kind"),
    ("/api/offers?since=2024-05-01&until=2024-01-01", 400, "since"),
    ("/api/offers?min_usd=-5", 400, "min_usd"),
    ("/api/offers?min_usd=nan", 400, "min_usd"),
    ("/api/offers?min_usd=9000&max_usd=10", 400, "min_usd"),
    ("/api/offers?limit=100000", 400, "limit"),
    ("/api/offers?limit=0", 400, "limit"),
    ("/api/offers?sort=salary", 400, "sort"),
    ("/api/offers?cursor=not-a-cursor", 400, "cursor"),
    ("/api/offers?cursor=WyJhbW91bnQiLDEsMV0", 400, "cursor"),  # another sort's cursor
    ("/api/offers?cursor=WyItZGF0ZSIsIDUsIDEsIDVd", 400, "cursor"),  # a number for a date
    # An integer id where documents have a text one.
    ("/api/documents?cursor=WyItcHVibGlzaGVkIiwgIjIwMjQtMDEtMDEiLCAzLCA1XQ", 400, "cursor"),
    ("/api/offers?payer=a%00b", 400, "NUL"),  # PostgreSQL text cannot hold one
    ("/api/documents/a%00b", 400, "NUL"),
    ("/api/offers?colour=red", 400, "colour"),
    ("/api/offers?q=%21%21%21", 400, "q"),
    ("/api/offers?language=english", 400, "language"),
    ("/api/offers?payer_level=city", 400, "payer_level"),
    ("/api/offers?payer_region=Tatarstan", 400, "payer_region"),
    ("/api/offers?target_country=kaz", 400, "target_country"),
    ("/api/offers?recipient=friend", 400, "recipient"),
    ("/api/offers/99999", 404, "99999"),
    ("/api/offers/9223372036854775808", 400, "offer_id"),  # past SQLite's 64-bit integers
    ("/api/claims/0", 400, "claim_id"),
    (
        "/api/offers?cursor=WyItZGF0ZSIsICIyMDI0LTAxLTAxIiwgMTE4MDU5MTYyMDcxNzQxMTMwMzQyNCwgNV0",
        400,
        "cursor",
    ),  # an id past 64 bits
    ("/api/offers/abc", 400, "offer_id"),
    ("/api/documents/no-such-document", 404, "no-such-document"),
    ("/api/figures?unit=tanks", 400, "unit"),
    ("/api/documents?sort=amount", 400, "sort"),
    ("/api/claims/99999", 404, "99999"),
    ("/api/nothing-here", 404, "/api/nothing-here"),
]


@pytest.mark.parametrize(
    ("url", "status", "named"), BAD_REQUESTS, ids=[u for u, _, _ in BAD_REQUESTS]
)
def test_bad_input_gets_a_4xx_problem_naming_what_to_fix(
    client: TestClient, url: str, status: int, named: str
) -> None:
    response = client.get(url)
    assert response.status_code == status, response.text
    body = response.json()
    assert_problem(body, status)
    assert named in json.dumps(body)


def test_search_syntax_in_q_is_only_words(client: TestClient) -> None:
    for q in ('"NEAR(', "bonus OR", "a* AND -b", "title:bonus", "(((", "\"'"):
        response = client.get("/api/documents", params={"q": q})
        assert response.status_code in (200, 400), (q, response.text)


def test_pages_answer_errors_as_pages(client: TestClient) -> None:
    response = client.get("/documents/no-such-document")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "no-such-document" in response.text
    assert client.get("/offers?kind=lottery").status_code == 400
    assert client.get("/documents/kazakh-bonus?record=bogus").status_code == 400


def test_empty_form_fields_are_dropped_by_a_redirect(client: TestClient) -> None:
    response = client.get("/offers?kind=&currency=RUB&payer=", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/offers?currency=RUB"


# --- writes and access -----------------------------------------------------------------------

NEW_TEXT = (
    "Recruiters in Orenburg offer students a sign-on bonus of 250,000 roubles ($2,700)."
    " Officials called up 1,000 reservists."
)


def test_writes_need_the_token(client: TestClient) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
        response = client.post("/api/documents", json={"text": NEW_TEXT}, headers=headers)
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
        assert_problem(response.json(), 401)


def test_posted_text_is_extracted_and_stored(tmp_path: Path, db: str | Path) -> None:
    build_db(tmp_path, db)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with TestClient(create_app(settings(db))) as client:
        body = {"text": NEW_TEXT, "id": "orenburg", "published": "2024-09-01"}
        response = client.post("/api/documents", json=body, headers=auth)
        assert response.status_code == 201, response.text
        stored = response.json()["items"][0]
        assert stored["id"] == "orenburg" and stored["published"] == "2024-09-01"
        assert [o["amount"] for o in stored["offers"]] == [250_000]
        again = client.post("/api/documents", json=body, headers=auth)
        assert again.status_code == 200
        assert get_json(client, "/api/offers?payer=orenburg")["count"] == 1
        assert get_json(client, "/api/documents?q=Orenburg")["count"] == 1
        claims = get_json(client, "/api/claims?limit=1000")["items"]
        assert any(claim["value"] == 250_000 for claim in claims)  # relinked after the write
        for bad in ({}, {"text": "x", "url": "https://example.org/"}, {"text": ""}):
            assert client.post("/api/documents", json=bad, headers=auth).status_code == 400
        refused = client.post(
            "/api/documents", json={"url": "http://127.0.0.1:9/feed"}, headers=auth
        )
        assert refused.status_code == 422
        assert_problem(refused.json(), 422)


def test_without_a_token_setting_writes_are_off(served_db: str | Path) -> None:
    with TestClient(create_app(settings(served_db, token=None))) as client:
        response = client.post(
            "/api/documents", json={"text": NEW_TEXT}, headers={"Authorization": "Bearer x"}
        )
        assert response.status_code == 403
        assert "RECRUITWATCH_TOKEN" in response.json()["error"]


def test_a_private_server_needs_the_token_to_read(served_db: str | Path) -> None:
    with TestClient(create_app(settings(served_db, private=True))) as client:
        assert client.get("/api/offers").status_code == 401
        assert client.get("/offers").status_code == 401
        auth = {"Authorization": f"Bearer {TOKEN}"}
        assert client.get("/api/offers", headers=auth).status_code == 200
        assert sign_in(client, "wrong").status_code == 401
        signed_in = sign_in(client, TOKEN)
        assert signed_in.status_code == 303
        assert client.get("/offers").status_code == 200  # the cookie opens reads
        write = client.post("/api/documents", json={"text": NEW_TEXT})
        assert write.status_code == 401  # ...but never writes


def test_every_response_carries_the_security_headers(client: TestClient) -> None:
    for url in ("/", "/api/offers", "/api/offers?kind=x", "/static/style.css"):
        headers = client.get(url).headers
        assert "script-src 'self'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"


# --- what later stages add -------------------------------------------------------------------


def test_claims_and_conflicts_say_when_not_computed(tmp_path: Path, db: str | Path) -> None:
    build_db(tmp_path, db)
    for table in ("conflict_claims", "conflicts", "claim_statements", "claims"):
        _execute(db, f"DROP TABLE IF EXISTS {table}")
    with TestClient(create_app(settings(db))) as client:
        for what in ("claims", "conflicts"):
            body = get_json(client, f"/api/{what}")
            assert body["items"] == [] and "not computed yet" in body["note"]
            assert "not computed yet" in client.get(f"/{what}").text
        assert "not computed yet" in client.get("/claims/1").text


def _execute(db: str | Path, sql: str) -> None:
    if isinstance(db, Path):
        with sqlite3.connect(db) as connection:
            connection.execute(sql)
    else:
        import psycopg

        with psycopg.connect(db, autocommit=True) as connection:
            connection.execute(sql)  # type: ignore[arg-type]  # a fixed statement of the test


def test_a_claim_with_its_sources_and_conflict(client: TestClient) -> None:
    claims = get_json(client, "/api/claims?limit=1000")["items"]
    claim = next(c for c in claims if c["value"] == 495_000 and c["unit"] == "RUB")
    body = get_json(client, f"/api/claims/{claim['id']}")["items"][0]
    sources = {row["document_id"] for row in body["parts"]["claim_statements"]}
    assert sources == {"kazakh-bonus", "kazakh-bonus-rewrite"}
    assert len(body["conflicts"]) == 1
    page = client.get(f"/claims/{claim['id']}").text
    assert "kazakh-bonus-rewrite" in page and "400,000 RUB" in page
    assert get_json(client, "/api/conflicts")["count"] == 1


# --- the schema ------------------------------------------------------------------------------


def test_openapi_schema_is_valid_and_states_the_400s(client: TestClient) -> None:
    from openapi_spec_validator import validate

    schema = get_json(client, "/openapi.json")
    validate(schema)
    offers = schema["paths"]["/api/offers"]["get"]
    assert {"200", "400", "401"} <= set(offers["responses"])
    assert "422" not in offers["responses"]
    names = {parameter["name"] for parameter in offers["parameters"]}
    assert names >= {"kind", "currency", "payer", "target", "region", "language", "since"}


# --- schemathesis: generated requests, checked against the schema ----------------------------


def test_schemathesis_finds_no_server_errors_or_schema_breaks(served_db: str | Path) -> None:
    """Each operation gets a bounded number of generated requests, valid and invalid, in
    process; every response is checked (no 5xx, documented status, content type and body).
    Valid-by-schema requests may still get a 400 (a stale cursor, since after until), so
    that one check is left out. Writes carry no token: nothing is fetched or stored."""
    import schemathesis
    from hypothesis.errors import Unsatisfiable

    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(settings(served_db)))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12
    failures: list[str] = []
    calls = 0
    for mode in schemathesis.GenerationMode:
        for operation in operations:
            try:
                calls += _fuzz(operation, mode, failures)
            except Unsatisfiable:  # no invalid value exists for a free-text path parameter
                continue
    assert calls > 150
    assert failures == []


def _fuzz(operation: Any, mode: Any, failures: list[str]) -> int:
    """Run one operation's generated requests; returns how many were sent."""
    import schemathesis
    from hypothesis import HealthCheck, given
    from hypothesis import settings as hypothesis_settings
    from schemathesis.core.failures import FailureGroup

    calls = 0

    @hypothesis_settings(
        max_examples=8,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        nonlocal calls
        calls += 1
        try:
            case.call_and_validate(excluded_checks=[schemathesis.checks.positive_data_acceptance])
        except (AssertionError, FailureGroup) as exc:
            failures.append(f"{mode.value} {operation.method} {operation.path}: {exc}")

    run()
    return calls


# --- both backends alike ---------------------------------------------------------------------

# Lists, records and exports whose every byte should match: the same texts were ingested in
# the same order, so the same ids were given, and both sort text by code point.
SAME_ON_BOTH = [
    "/api/offers?limit=1000",
    *(f"/api/offers?{query}&limit=1000" for query, _ in OFFER_FILTERS),
    *(
        f"/api/offers?sort={sort}&limit=1000"
        for sort in ("amount", "-amount", "date", "-usd", "rub", "payer", "-region", "kind")
    ),
    *(f"/api/offers?sort={sort}&limit=1000" for sort in ("target", "-currency", "document", "id")),
    "/api/figures?limit=1000",
    "/api/figures?sort=-quantity&subject=RESERVISTS&limit=1000",
    "/api/figures?sort=unit&since=2023-01-01&limit=1000",
    *(
        f"/api/documents?sort={sort}&limit=1000"
        for sort in ("-published", "title", "-id", "language", "ingested")
    ),
    "/api/documents?language=en&since=2023-08-08&limit=1000",
    "/api/documents/kazakh-bonus",
    "/api/offers/1",
    "/api/claims?limit=1000",
    "/api/conflicts",
    "/api/errors",
    "/api/offers.csv?sort=amount",
    "/api/offers.jsonl?payer=kazakh",
    "/api/figures.csv",
    "/",
    "/offers?series=region",
    "/figures",
    "/documents/kazakh-bonus",
    "/claims",
    "/conflicts",
]


def test_sqlite_and_postgres_answer_alike(sqlite_db: str | Path, postgres_db: str | Path) -> None:
    with (
        TestClient(create_app(settings(sqlite_db))) as lite,
        TestClient(create_app(settings(postgres_db))) as pg,
    ):
        for url in SAME_ON_BOTH:
            expected = lite.get(url)
            assert expected.status_code == 200, url
            assert pg.get(url).text == expected.text, url
        claims = get_json(lite, "/api/claims?limit=1000")["items"]
        for claim in claims:
            for url in (f"/api/claims/{claim['id']}", f"/claims/{claim['id']}"):
                assert pg.get(url).text == lite.get(url).text, url
        # Page by page, cursors included (a cursor holds a sort key and an id).
        for sort in ("-date", "payer", "-amount"):
            url = f"/api/offers?sort={sort}&limit=3"
            while url:
                body = get_json(lite, url)
                assert get_json(pg, url) == body, url
                url = (
                    f"/api/offers?sort={sort}&limit=3&cursor={body['next']}" if body["next"] else ""
                )
        # A search finds the same documents; the passages around the words are each engine's.
        for q in ("reservists", "Almaty salary", "bonus roubles", "Курской"):
            found = get_json(lite, f"/api/documents?q={q}&sort=id")["items"]
            again = get_json(pg, f"/api/documents?q={q}&sort=id")["items"]
            assert found, q
            assert [d["id"] for d in again] == [d["id"] for d in found], q
            for item in (*found, *again):
                assert "\x02" in item.pop("snippet"), (q, item["id"])
            assert again == found, q


def test_claims_sort_by_independent_sources_and_filter(client: TestClient) -> None:
    items = get_json(client, "/api/claims?limit=1000")["items"]
    counts = [item["independent_sources"] for item in items]
    assert counts == sorted(counts, reverse=True)  # most independent sources first
    assert get_json(client, "/api/claims?min_sources=2")["items"] == [
        item for item in items if item["independent_sources"] >= 2
    ]
    offers = get_json(client, "/api/claims?record=offer&kind=signing_bonus&sort=value")["items"]
    assert offers and all(item["kind"] == "signing_bonus" for item in offers)
    assert [item["value"] for item in offers] == sorted(item["value"] for item in offers)
    dated = get_json(client, "/api/claims?since=2024-01-01&until=2024-12-31")["items"]
    assert dated and all(item["last"] >= "2024-01-01" for item in dated)
    assert client.get("/api/claims?min_sources=0").status_code in (400, 422)
    assert client.get("/api/claims?payer_region=Tatarstan").status_code in (400, 422)


def test_a_claim_lists_each_source_with_outlet_date_and_quote(client: TestClient) -> None:
    claims = get_json(client, "/api/claims?limit=1000")["items"]
    claim = next(c for c in claims if c["value"] == 495_000 and c["unit"] == "RUB")
    body = get_json(client, f"/api/claims/{claim['id']}")["items"][0]
    sources = {row["document_id"]: row for row in body["statements"]}
    assert set(sources) == {"kazakh-bonus", "kazakh-bonus-rewrite"}
    assert sources["kazakh-bonus"]["published"] == "2023-08-07"
    assert "495,000 roubles" in sources["kazakh-bonus"]["quote"]
    page = client.get(f"/claims/{claim['id']}").text
    assert "2023-08-09" in page and "495,000 roubles ($5,200)" in page
