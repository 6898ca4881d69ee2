"""Store: schema and migrations, idempotent saves, one transaction per document, queries.

Tests taking `db` or `store` run once per backend (SQLite and PostgreSQL, see conftest.py);
the rest are about the SQLite file itself."""

from __future__ import annotations

import logging
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from _factories import figure, offer
from recruitwatch.errors import QueryError, StoreError
from recruitwatch.model import Document, Extraction
from recruitwatch.normalise import Normaliser
from recruitwatch.store import Store, Validators, open_store, remove_database, sql
from recruitwatch.store.schema import MIGRATIONS

TEXT = (
    "Tatarstan pays volunteers 500,000 roubles on signing.\n"
    "The ministry adds 210,000 roubles a month.\n"
    "Officials said 300,000 reservists were called up."
)


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


def _counts(db: str | Path) -> tuple[int, int, int]:
    with open_store(db) as store:
        return (
            len(store.list_documents()),
            len(store.query_offers()),
            len(store.query_figures()),
        )


def _versions(db: str | Path) -> list[int]:
    with open_store(db) as store:
        found = store._connection.execute(  # type: ignore[attr-defined]
            "SELECT version FROM migrations ORDER BY version"
        ).fetchall()
    return [row[0] for row in found]


def _sql(store: Store, statement: str) -> None:
    # The store's own connection takes `?` SQL on both backends.
    store._connection.execute(statement)  # type: ignore[attr-defined]


def test_migrations_apply_once_and_are_recorded(db: str | Path) -> None:
    open_store(db).close()
    open_store(db).close()  # a second open applies nothing twice
    assert _versions(db) == [migration.version for migration in MIGRATIONS]


def test_first_opens_at_once_migrate_once(db: str | Path) -> None:
    def open_and_close(_: int) -> None:
        open_store(db).close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(open_and_close, range(4)))
    assert _versions(db) == [migration.version for migration in MIGRATIONS]


def test_open_creates_parent_folder_and_records_migrations(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "rw.db"
    open_store(path).close()
    open_store(path).close()  # a second open applies nothing twice
    with sqlite3.connect(path) as connection:
        versions = [row[0] for row in connection.execute("SELECT version FROM migrations")]
        mode = connection.execute("PRAGMA journal_mode").fetchone()[0]
    assert versions == [migration.version for migration in MIGRATIONS]
    assert mode == "wal"


def test_sqlite_foreign_keys_are_on(tmp_path: Path) -> None:
    with open_store(tmp_path / "rw.db") as store:
        # foreign_keys is a per-connection setting: ask the store's own connection.
        connection = store._connection  # type: ignore[attr-defined]
        assert connection.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_records_need_their_document_and_go_with_it(db: str | Path) -> None:
    with open_store(db) as store:
        store.save_extraction(_extraction())
        with pytest.raises(store.dialect.errors):  # type: ignore[attr-defined]
            _sql(
                store,
                "INSERT INTO offers (document_id, kind, amount, currency, confidence,"
                " evidence_start, evidence_end, evidence_text, value_start, value_end, rule,"
                " language) VALUES ('missing', 'monthly_pay', 1, 'RUB', 0.5, 0, 1, 'x', 0, 1,"
                " 'r', 'en')",
            )
        _sql(store, "DELETE FROM documents WHERE id = 'doc-1'")
    assert _counts(db) == (0, 0, 0)


def test_save_is_idempotent(db: str | Path) -> None:
    with open_store(db) as store:
        assert store.save_extraction(_extraction()) is True
        assert store.save_extraction(_extraction()) is False
        # The same text under another id is the same document: the content hash decides.
        assert store.save_extraction(_extraction(doc_id="copy")) is False
    assert _counts(db) == (1, 2, 1)


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


def test_failed_write_leaves_nothing_half_written(db: str | Path) -> None:
    good = _extraction()
    with open_store(db) as store:
        store.save_extraction(good)
        doc = Document.from_text(TEXT + " Revised.", id="doc-1")
        bad_offer = replace(offer(doc, "210,000 roubles"), kind="bogus")  # type: ignore[arg-type]
        broken = Extraction(doc, offers=[offer(doc, "500,000 roubles"), bad_offer])
        with pytest.raises(StoreError, match="doc-1"):
            store.save_extraction(broken)
        # The delete of the old version and the first offer were rolled back with the rest.
        assert store.get_document("doc-1") == good
    assert _counts(db) == (1, 2, 1)


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
    # Normalised, as the pipeline stores them: normalise dates an undated offer by its document.
    normalise = Normaliser()
    store.save_extraction(normalise(_extraction(published=date(2024, 5, 1))))
    other = Document.from_text(
        "Мигрантам обещают 300,000 roubles.", id="doc-2", published=date(2023, 1, 1)
    )
    store.save_extraction(
        normalise(
            Extraction(
                other,
                offers=[offer(other, "300,000 roubles", currency="USD", target="Мигранты из Азии")],
            )
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


def test_a_failure_seen_again_is_counted_not_repeated(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = iter(f"2024-01-0{day}T00:00:00+00:00" for day in range(1, 10))
    monkeypatch.setattr(sql, "now", lambda: next(clock))
    store.record_failure("a.txt", "ingest", "is empty")
    store.record_failure("b.txt", "extract", "boom")
    store.record_failure("a.txt", "ingest", "is empty")
    store.record_failure("a.txt", "ingest", "is empty")
    store.record_failure("a.txt", "ingest", "is binary")  # another reason: another row
    failures = store.list_failures()
    assert [(f.source, f.reason, f.times) for f in failures] == [
        ("a.txt", "is empty", 3),
        ("b.txt", "boom", 1),
        ("a.txt", "is binary", 1),
    ]
    assert [(f.occurred_at[:10], f.last_seen[:10]) for f in failures] == [
        ("2024-01-01", "2024-01-04"),
        ("2024-01-02", "2024-01-02"),
        ("2024-01-05", "2024-01-05"),
    ]


def test_a_failure_is_stored_at_a_bounded_length(store: Store) -> None:
    for _ in range(2):
        store.record_failure("д" * 5000, "ingest", "причина " * 1000)
    [failure] = store.list_failures()
    assert failure.times == 2
    assert len(failure.source) <= 400 and len(failure.reason) <= 300


def test_migration_counts_the_failures_listed_before(db: str | Path) -> None:
    with open_store(db) as store:  # back to version 8: a row per failure, repeats and all
        _sql(store, "DROP INDEX failures_source_reason")
        _sql(store, "ALTER TABLE failures DROP COLUMN times")
        _sql(store, "ALTER TABLE failures DROP COLUMN last_seen")
        _sql(store, "DELETE FROM migrations WHERE version = 9")
        rows = [
            ("2024-01-01", "a.txt"),
            ("2024-01-03", "b.txt"),
            ("2024-01-02", "a.txt"),
            ("2024-01-05", "a.txt"),
        ]
        for when, source in rows:
            _sql(
                store,
                "INSERT INTO failures (source, stage, reason, occurred_at)"
                f" VALUES ('{source}', 'ingest', 'is empty', '{when}')",
            )
    with open_store(db) as store:
        failures = store.list_failures()
        store.record_failure("a.txt", "ingest", "is empty")
        again = store.list_failures()
    assert [(f.source, f.times, f.occurred_at, f.last_seen) for f in failures] == [
        ("a.txt", 3, "2024-01-01", "2024-01-05"),
        ("b.txt", 1, "2024-01-03", "2024-01-03"),
    ]
    assert [(f.source, f.times) for f in again] == [("a.txt", 4), ("b.txt", 1)]


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


def test_open_refuses_a_newer_schema(db: str | Path) -> None:
    with open_store(db) as store:
        _sql(store, "INSERT INTO migrations VALUES (999, 'future', 'then')")
    with pytest.raises(StoreError, match="newer"):
        open_store(db)


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


def test_locations_validators_and_partitions(store: Store) -> None:
    extraction = _extraction()
    store.save_extraction(extraction)
    copy = replace(extraction.document, id="mirror", source="mirror.html", url="https://m.test/a")
    assert store.record_location(copy) == "duplicate"
    assert store.record_location(copy) == "same"
    assert store.record_location(Document.from_text("Unseen text.", id="new")) == "new"
    assert [place.location_id for place in store.list_locations("doc-1")] == ["doc-1", "mirror"]
    assert store.knows_url("https://m.test/a")
    assert not store.knows_url("https://m.test/b")
    assert store.get_validators("https://m.test/a") is None
    store.save_validators("https://m.test/a", Validators('"v1"', None))
    store.save_validators("https://m.test/a", Validators('"v2"', "Tue, 01 Oct 2024 10:00:00 GMT"))
    assert store.get_validators("https://m.test/a") == Validators(
        '"v2"', "Tue, 01 Oct 2024 10:00:00 GMT"
    )
    assert not store.partition_done("abc")
    store.record_partition("abc", "shard-1.jsonl", 10, 1)
    store.record_partition("abc", "shard-1.jsonl", 10, 0)  # a re-run may record it again
    assert store.partition_done("abc")


def test_batch_commits_together_and_a_bad_document_fails_alone(db: str | Path) -> None:
    with open_store(db) as store:
        with store.batch():
            store.save_extraction(_extraction())
            doc = Document.from_text("Bad: 5 roubles.", id="bad")
            bad = replace(offer(doc, "5 roubles"), kind="bogus")  # type: ignore[arg-type]
            with pytest.raises(StoreError, match="bad"):
                store.save_extraction(Extraction(doc, offers=[bad]))
            store.save_extraction(_extraction(TEXT + " Updated.", doc_id="other"))
        assert [item.id for item in store.list_documents()] == ["doc-1", "other"]


def test_search_finds_every_word_as_a_prefix(store: Store) -> None:
    store.save_extraction(_extraction(published=date(2024, 5, 1)))
    russian = Document.from_text(
        "Добровольцам из Татарстана обещают выплату.", id="ru", title="Выплаты добровольцам"
    )
    store.save_extraction(Extraction(russian))
    assert [hit.doc_id for hit in store.search_documents("tatarstan volunteers")] == ["doc-1"]
    assert store.search_documents("tatar")[0].published == date(2024, 5, 1)
    assert [hit.doc_id for hit in store.search_documents("ДОБРОВОЛЬЦ")] == ["ru"]
    assert store.search_documents("tatarstan выплату") == []
    # Query syntax of either engine is read as plain words.
    assert store.search_documents('volunteers" OR * & !: NEAR(') == []
    assert [hit.doc_id for hit in store.search_documents("(volunteers)")] == ["doc-1"]
    with pytest.raises(QueryError, match="at least one word"):
        store.search_documents("  ?! ")
    # A changed document is found by its new words only.
    changed = Document.from_text("Bashkortostan pays.", id="doc-1")
    store.save_extraction(Extraction(changed))
    assert store.search_documents("tatarstan volunteers") == []
    assert [hit.doc_id for hit in store.search_documents("bashkortostan")] == ["doc-1"]


def test_an_unreachable_postgres_fails_fast_without_the_password() -> None:
    started = time.monotonic()
    with pytest.raises(StoreError, match="cannot connect to PostgreSQL") as caught:
        open_store("postgresql://writer:s3cret@127.0.0.1:1/recruitwatch")
    assert time.monotonic() - started < 10
    assert "s3cret" not in str(caught.value)
    assert "writer:***@127.0.0.1:1" in str(caught.value)


@pytest.mark.parametrize("with_bad", [False, True], ids=["all good", "one bad"])
def test_save_extractions_in_order_with_copies(
    store: Store, with_bad: bool, caplog: pytest.LogCaptureFixture
) -> None:
    # All good: PostgreSQL copies them in bulk; one bad: it falls back to one at a time.
    caplog.set_level(logging.INFO, logger="recruitwatch.store.postgres")
    first = _extraction(published=date(2024, 5, 1))
    store.save_extraction(first)
    changed = _extraction(TEXT + " Changed.", doc_id="doc-1")  # a new version of a stored id
    fresh = _extraction(TEXT + " Fresh.", doc_id="fresh")
    mirror = replace(fresh, document=replace(fresh.document, id="mirror", source="mirror.txt"))
    bad_doc = Document.from_text("Bad: 5 roubles.", id="bad")
    bad_offer = replace(offer(bad_doc, "5 roubles"), kind="bogus")  # type: ignore[arg-type]
    again = _extraction(TEXT + " Changed.", doc_id="again")  # the changed text, elsewhere
    bad = [Extraction(bad_doc, offers=[bad_offer])] if with_bad else []
    with store.batch():
        outcomes = store.save_extractions([changed, fresh, *bad, mirror, again])
    assert outcomes[:2] == ["new", "new"]
    if with_bad:
        assert isinstance(outcomes[2], StoreError) and "bad" in str(outcomes[2])
    assert outcomes[-2:] == ["duplicate", "duplicate"]
    assert ("bulk save refused" in caplog.text) == (with_bad and "postgres" in repr(store))
    assert [d.id for d in store.list_documents()] == ["doc-1", "fresh"]
    assert store.get_document("doc-1") == changed
    assert store.get_document("fresh") == fresh
    assert [p.location_id for p in store.list_locations("fresh")] == ["fresh", "mirror"]
    assert [p.location_id for p in store.list_locations("doc-1")] == ["doc-1", "again"]
    assert store.save_extractions([fresh]) == ["same"]
    assert store.save_extractions([]) == []
