"""The read side under the pages: derived offer columns kept by triggers, chart data, search
queries that cannot fail to parse, evidence runs that always add up to the text."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from _postgres import fresh_database
from _serve import build_db
from conftest import BACKENDS
from recruitwatch.errors import QueryError, StoreError
from recruitwatch.model import (
    Conversion,
    Document,
    Evidence,
    Extraction,
    Offer,
    OfferNotes,
    Rate,
    RecordDate,
)
from recruitwatch.store import open_store
from recruitwatch.store.browse import open_reader
from recruitwatch.store.dialects import fts_query
from recruitwatch.store.filters import DocumentFilters, OfferFilters
from recruitwatch.store.readers import ReaderPool
from recruitwatch.store.series import MAX_POINTS, MAX_SERIES, OTHER, chart_data


@pytest.fixture(scope="module")
def sqlite_db(tmp_path_factory: pytest.TempPathFactory) -> str | Path:
    return build_db(tmp_path_factory.mktemp("store"))


@pytest.fixture(scope="module", params=BACKENDS)
def built_db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> str | Path:
    if request.param == "sqlite":
        return build_db(tmp_path_factory.mktemp("store"))
    empty = fresh_database(request.getfixturevalue("postgres_server"))
    return build_db(tmp_path_factory.mktemp("store"), empty)


def test_derived_columns_follow_conversions_and_dates(sqlite_db: Path) -> None:
    with sqlite3.connect(sqlite_db) as connection:
        rows = connection.execute(
            "SELECT offers.record_date, offers.date, documents.published, offers.usd,"
            " offers.rub, usd.amount, rub.amount, offers.currency, offers.amount"
            " FROM offers JOIN documents ON documents.id = offers.document_id"
            " LEFT JOIN conversions usd ON usd.offer_id = offers.id AND usd.currency = 'USD'"
            " LEFT JOIN conversions rub ON rub.offer_id = offers.id AND rub.currency = 'RUB'"
        ).fetchall()
    assert rows
    for record_date, own, published, usd, rub, official_usd, official_rub, currency, amount in rows:
        assert record_date == (own or published)
        assert usd == pytest.approx(official_usd if official_usd is not None else usd)
        assert rub == pytest.approx(official_rub if official_rub is not None else rub)
        if currency == "RUB":
            assert rub == pytest.approx(amount)


def _many_offers(path: str | Path, count: int) -> None:
    """`count` signing bonuses in RUB over three years, 12 payers, through the store."""
    start = date(2022, 1, 1)
    with open_store(path) as store:
        for number in range(count):
            said = f"Payer {number % 12} offers a signing bonus of {number + 1000} RUB."
            document = Document.from_text(said, id=f"d{number}", published=start)
            day = start + timedelta(days=number * 3 % 1095)
            evidence = Evidence(document.id, 0, len(said), said, 0, 5, "test", "en")
            offer = Offer(
                "signing_bonus", float(number + 1000), "RUB", evidence,
                offered_by=f"Payer {number % 12}", date=day,
            )  # fmt: skip
            rate = Rate(0.01, day, "test")
            notes = OfferNotes(
                RecordDate(day, "day"),
                usd=Conversion("USD", (number + 1000) * 0.01, rate=rate),
                rub=Conversion("RUB", float(number + 1000), rate=rate),
            )
            store.save_extraction(Extraction(document, [offer], offer_notes=[notes]))


def test_many_offers_chart_as_period_means_with_small_series_folded(db: str | Path) -> None:
    _many_offers(db, MAX_POINTS + 100)
    reader = open_reader(db)
    try:
        data = chart_data(reader, OfferFilters(), "payer")["signing_bonus"]
        assert data.total == MAX_POINTS + 100
        assert data.period == "quarter"  # three years of offers
        names = {row.series for row in data.rows}
        assert OTHER in names and len(names) == MAX_SERIES + 1
        assert sum(row.n for row in data.rows) == data.total
        # Means are weighted by offers: the overall mean survives the binning.
        mean = sum(row.rub * row.n for row in data.rows if row.rub) / data.total
        assert mean == pytest.approx(sum(range(1000, 1000 + data.total)) / data.total)
        few = chart_data(reader, OfferFilters(payer="payer 3"), "payer")["signing_bonus"]
        assert few.period is None and all(row.id is not None for row in few.rows)
        assert chart_data(reader, OfferFilters(), "payer")["monthly_pay"].rows == []
    finally:
        reader.close()


@given(st.text(max_size=60))
def test_any_search_text_is_a_valid_fts_query_or_a_clear_error(text: str) -> None:
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE VIRTUAL TABLE t USING fts5(body)")
    try:
        query = fts_query(text)
    except QueryError as exc:
        assert str(exc).startswith("q: ")
        return
    connection.execute("SELECT * FROM t WHERE t MATCH ?", (query,)).fetchall()


def test_a_reader_cannot_write(db: str | Path) -> None:
    open_store(db).close()
    reader = open_reader(db)
    try:
        with pytest.raises(StoreError):
            reader.select("DELETE FROM documents")
        with pytest.raises(StoreError):
            reader.select("CREATE TABLE sneaky (x INTEGER)")
        assert "sneaky" not in reader.tables()
    finally:
        reader.close()


@pytest.mark.parametrize(
    "q", ["a_b", "_x_", "٣", "Straße", "ǅ", "x" * 3000, "don't", "a:*", "a & !b", "Курской"]
)
def test_any_search_words_read_on_both_backends(built_db: str | Path, q: str) -> None:
    reader = open_reader(built_db)
    try:
        reader.documents(DocumentFilters(q=q))
        reader.offers(OfferFilters(q=q))
    finally:
        reader.close()


@given(
    st.text(max_size=80),
    st.lists(st.tuples(st.integers(-5, 90), st.integers(-5, 90)), max_size=6),
)
def test_evidence_runs_always_add_up_to_the_text(text: str, spans: list[tuple[int, int]]) -> None:
    from recruitwatch.serve.highlight import Span, runs

    found = runs(
        text,
        [Span(f"offer-{i}", a, b, a, min(a + 2, b)) for i, (a, b) in enumerate(spans)],
        "offer-0",
    )
    assert "".join(run.text for run in found) == text
    assert all(run.text for run in found)


def test_datasette_metadata_names_only_tables_and_columns_that_exist(sqlite_db: Path) -> None:
    import json

    path = Path(__file__).resolve().parent.parent / "datasette" / "metadata.json"
    metadata = json.loads(path.read_text(encoding="utf-8"))
    tables = metadata["databases"]["recruitwatch"]["tables"]
    with sqlite3.connect(sqlite_db) as connection:
        for table, described in tables.items():
            columns = {row[1] for row in connection.execute(f'PRAGMA table_xinfo("{table}")')}
            assert columns, f"{table} is not a table"
            named = set(described.get("columns", {})) | set(described.get("facets", []))
            named |= {described[key] for key in ("label_column", "sort_desc") if key in described}
            assert named <= columns, (table, named - columns)
    assert {"offers", "figures", "documents", "claims", "conversions", "checks"} <= set(tables)


def test_a_server_borrows_readers_from_one_pool_that_cannot_write(built_db: str | Path) -> None:
    pool = ReaderPool(built_db, size=2)
    try:
        with pool.reader() as first:
            assert first.documents(DocumentFilters(q="roubles")).items
            count = first.documents(DocumentFilters()).count
            with pytest.raises(StoreError):
                first.select("DELETE FROM documents")
        # A failed statement left nothing behind: the next borrower reads as before.
        with pool.reader() as again:
            assert again.documents(DocumentFilters()).count == count
    finally:
        pool.close()


def test_search_ranks_documents_holding_the_words_more_often_first(db: str | Path) -> None:
    texts = {
        "once": "Volunteers were promised a bonus. The weather was cold.",
        "thrice": "A bonus, then a second bonus, then a bonus for families.",
        "none": "Nothing about money here.",
    }
    with open_store(db) as store:
        for doc_id, text in texts.items():
            store.save_extraction(Extraction(Document.from_text(text, id=doc_id)))
        assert [hit.doc_id for hit in store.search_documents("bonus")] == ["thrice", "once"]
