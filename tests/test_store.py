"""Store: schema and migrations, idempotent saves, one transaction per document, queries."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from _factories import figure, offer
from recruitwatch.errors import StoreError
from recruitwatch.model import Document, Extraction
from recruitwatch.store import Store, open_store, remove_database
from recruitwatch.store.schema import MIGRATIONS

TEXT = (
    "Tatarstan pays volunteers 500,000 roubles on signing.\n"
    "The ministry adds 210,000 roubles a month.\n"
    "Officials said 300,000 reservists were called up."
)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "rw.db") as opened:
        yield opened


def _extraction(
    text: str = TEXT, *, doc_id: str = "doc-1", published: date | None = None
) -> Extraction:
    doc = Document.from_text(text, id=doc_id, source=f"{doc_id}.txt", published=published)
    return Extraction(
        document=doc,
        offers=[
            offer(doc, "500,000 roubles", amount=500000, target="Volunteers from Tatarstan"),
            offer(
                doc,
                "210,000 roubles",
                kind="monthly_pay",
                amount=210000,
                target="contract soldiers",
            ),
        ],
        figures=[
            figure(doc, "300,000 reservists", quantity=300000, subject="mobilised reservists")
        ],
    )


def _count(path: Path, table: str) -> int:
    with sqlite3.connect(path) as connection:
        return int(connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def test_open_creates_parent_folder_and_records_migrations(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "rw.db"
    open_store(path).close()
    open_store(path).close()  # a second open applies nothing twice
    with sqlite3.connect(path) as connection:
        versions = [row[0] for row in connection.execute("SELECT version FROM migrations")]
        mode = connection.execute("PRAGMA journal_mode").fetchone()[0]
    assert versions == [migration.version for migration in MIGRATIONS]
    assert mode == "wal"


def test_foreign_keys_are_on_and_cascade(tmp_path: Path) -> None:
    path = tmp_path / "rw.db"
    with open_store(path) as store:
        store.save_extraction(_extraction())
        # foreign_keys is a per-connection setting: ask the store's own connection.
        connection = store._connection  # type: ignore[attr-defined]
        assert connection.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        with pytest.raises(sqlite3.IntegrityError):
            connection.execute(
                "INSERT INTO offers (document_id, kind, amount, currency, confidence,"
                " evidence_start, evidence_end, evidence_text, value_start, value_end, rule,"
                " language) VALUES ('missing', 'monthly_pay', 1, 'RUB', 0.5, 0, 1, 'x', 0, 1,"
                " 'r', 'en')"
            )
        connection.execute("DELETE FROM documents WHERE id = 'doc-1'")
    assert _count(path, "offers") == 0
    assert _count(path, "figures") == 0


def test_save_is_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "rw.db"
    with open_store(path) as store:
        assert store.save_extraction(_extraction()) is True
        assert store.save_extraction(_extraction()) is False
        # The same text under another id is the same document: the content hash decides.
        assert store.save_extraction(_extraction(doc_id="copy")) is False
    assert (_count(path, "documents"), _count(path, "offers"), _count(path, "figures")) == (1, 2, 1)


def test_changed_document_replaces_its_records(store: Store) -> None:
    store.save_extraction(_extraction())
    changed_text = "Bashkortostan now pays 700,000 roubles."
    doc = Document.from_text(changed_text, id="doc-1")
    changed = Extraction(doc, offers=[offer(doc, "700,000 roubles", amount=700000)])
    assert store.save_extraction(changed) is True
    stored = store.get_document("doc-1")
    assert stored is not None
    assert stored.document.text == changed_text
    assert [item.amount for item in stored.offers] == [700000]
    assert stored.figures == []


def test_failed_write_leaves_nothing_half_written(tmp_path: Path) -> None:
    path = tmp_path / "rw.db"
    good = _extraction()
    with open_store(path) as store:
        store.save_extraction(good)
        doc = Document.from_text(TEXT + " Revised.", id="doc-1")
        bad_offer = replace(offer(doc, "210,000 roubles"), kind="bogus")  # type: ignore[arg-type]
        broken = Extraction(doc, offers=[offer(doc, "500,000 roubles"), bad_offer])
        with pytest.raises(StoreError, match="doc-1"):
            store.save_extraction(broken)
        # The delete of the old version and the first offer were rolled back with the rest.
        assert store.get_document("doc-1") == good
    assert (_count(path, "documents"), _count(path, "offers")) == (1, 2)


def test_get_document_round_trips_every_field(store: Store) -> None:
    extraction = _extraction(published=date(2024, 3, 1))
    doc = extraction.document
    rich = replace(
        extraction,
        offers=[
            replace(
                extraction.offers[0],
                amount_max=600000.0,
                usd_stated=5400.0,
                offered_by="Tatarstan",
                region="Tatarstan",
                date=date(2024, 2, 1),
                confidence=0.9,
            )
        ],
    )
    store.save_extraction(rich)
    assert store.get_document(doc.id) == rich
    assert store.get_document("nope") is None


def test_query_offers_filters(store: Store) -> None:
    store.save_extraction(_extraction(published=date(2024, 5, 1)))
    other = Document.from_text(
        "Мигрантам обещают 300,000 roubles.", id="doc-2", published=date(2023, 1, 1)
    )
    store.save_extraction(
        Extraction(
            other,
            offers=[offer(other, "300,000 roubles", currency="USD", target="Мигранты из Азии")],
        )
    )
    assert len(store.query_offers()) == 3
    assert [o.amount for o in store.query_offers(kind="monthly_pay")] == [210000]
    assert [o.evidence.doc_id for o in store.query_offers(currency="usd")] == ["doc-2"]
    assert len(store.query_offers(target="TATARSTAN")) == 1
    assert len(store.query_offers(target="мигранты")) == 1  # case folding beyond ASCII
    assert len(store.query_offers(target="'; DROP TABLE offers; --")) == 0
    assert {o.evidence.doc_id for o in store.query_offers(since=date(2024, 1, 1))} == {"doc-1"}
    assert {o.evidence.doc_id for o in store.query_offers(until=date(2023, 12, 31))} == {"doc-2"}
    assert store.query_offers(since=date(2025, 1, 1)) == []


def test_offer_date_wins_over_published_date(store: Store) -> None:
    doc = Document.from_text("Pay: 100 roubles.", id="dated", published=date(2020, 1, 1))
    store.save_extraction(Extraction(doc, offers=[offer(doc, "100 roubles", on=date(2024, 6, 1))]))
    assert len(store.query_offers(since=date(2024, 1, 1))) == 1
    assert store.query_offers(until=date(2021, 1, 1)) == []


def test_query_figures_filters(store: Store) -> None:
    store.save_extraction(_extraction(published=date(2022, 9, 21)))
    assert [f.quantity for f in store.query_figures()] == [300000]
    assert len(store.query_figures(unit="people", subject="Mobilised")) == 1
    assert store.query_figures(unit="percent") == []
    assert store.query_figures(until=date(2022, 1, 1)) == []


def test_failures_are_recorded_in_order(store: Store) -> None:
    store.record_failure("a.txt", "ingest", "is empty")
    store.record_failure("b.txt", "extract", "boom")
    failures = store.list_failures()
    assert [(f.source, f.stage, f.reason) for f in failures] == [
        ("a.txt", "ingest", "is empty"),
        ("b.txt", "extract", "boom"),
    ]
    assert failures[0].occurred_at


def test_open_refuses_a_folder(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="folder"):
        open_store(tmp_path)


def test_open_refuses_a_parent_that_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(StoreError, match="cannot create the folder"):
        open_store(tmp_path / "file" / "rw.db")


def test_open_refuses_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n" * 100)
    with pytest.raises(StoreError, match="notes") as caught:
        open_store(path)
    assert "\n" not in str(caught.value)


def test_open_refuses_a_newer_schema(tmp_path: Path) -> None:
    path = tmp_path / "rw.db"
    open_store(path).close()
    with sqlite3.connect(path) as connection:
        connection.execute("INSERT INTO migrations VALUES (999, 'future', 'then')")
    with pytest.raises(StoreError, match="newer"):
        open_store(path)


def test_remove_database(tmp_path: Path) -> None:
    path = tmp_path / "rw.db"
    with open_store(path) as store:
        store.save_extraction(_extraction())
    remove_database(path)
    assert list(tmp_path.iterdir()) == []
    remove_database(path)  # nothing there is fine
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me")
    with pytest.raises(StoreError, match="refusing"):
        remove_database(precious)
    assert precious.exists()
