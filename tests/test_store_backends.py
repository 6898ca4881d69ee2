"""SQLite and PostgreSQL answer alike: the bundled samples, normalised and linked, read back
the same from both, through every query of the Store interface."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from recruitwatch.ingest import samples_dir
from recruitwatch.link import link_store
from recruitwatch.pipeline import ingest_paths
from recruitwatch.store import Store, open_store

SEARCHES = ("contract", "kazakh citizens", "выплат", "добровольц контракт", "nothing-like-this")


def _everything(store: Store) -> dict[str, Any]:
    documents = store.list_documents()
    return {
        "documents": documents,
        "extractions": [store.get_document(document.id) for document in documents],
        # first_seen is the clock's: not compared.
        "locations": {
            d.id: [(p.location_id, p.source, p.url) for p in store.list_locations(d.id)]
            for d in documents
        },
        "attributions": {d.id: store.list_attributions(d.id) for d in documents},
        "offers": store.query_noted_offers(),
        "monthly RUB": store.query_noted_offers(kind="monthly_pay", currency="rub"),
        "targets": store.query_offers(target="КАЗАХ") + store.query_offers(target="citizens"),
        "dated": store.query_offers(since=date(2024, 1, 1), until=date(2024, 12, 31)),
        "figures": store.query_noted_figures(),
        "people": store.query_figures(unit="people", subject="mobil"),
        "statements": store.list_statements(),
        "clusters": store.list_clusters(),
        "claims": store.list_claims(),
        "conflicts": store.list_conflicts(),
        # Relevance scores differ (bm25, ts_rank); which documents match may not.
        "searches": {q: sorted(hit.doc_id for hit in store.search_documents(q)) for q in SEARCHES},
    }


def _load(db: str | Path) -> dict[str, Any]:
    with open_store(db) as store:
        report = ingest_paths([samples_dir(), samples_dir()], store)
        assert report.ingested and not report.failed
        link_store(store)
        return _everything(store)


@pytest.mark.parametrize("db", ["postgres"], indirect=True)
def test_postgres_reads_back_exactly_what_sqlite_does(tmp_path: Path, db: str | Path) -> None:
    expected = _load(tmp_path / "rw.db")
    assert expected["offers"] and expected["figures"] and expected["claims"]
    assert any(expected["searches"].values())
    found = _load(db)
    for key, value in expected.items():
        assert found[key] == value, key
