"""Incremental linking gives what a full relink gives, on a store built in steps."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from _factories import fake_extract
from _rewrites import generate
from recruitwatch.link import link_store
from recruitwatch.link.index import CAP
from recruitwatch.link.update import link_new
from recruitwatch.model import Document
from recruitwatch.pipeline import IngestReport, save_extractions
from recruitwatch.store import Store, open_store


def _snapshot(store: Store) -> tuple[Any, ...]:
    """Clusters, claims and conflicts, ids aside: a claim is known by what it holds."""
    clusters = sorted(
        (
            cluster.origin,
            tuple(
                sorted(
                    (m.doc_id, round(m.similarity, 6), m.misattribution) for m in cluster.members
                )
            ),
        )
        for cluster in store.list_clusters()
    )
    claims = store.list_claims()
    held = {
        claim.id: (
            claim.record,
            claim.kind,
            claim.unit,
            claim.value,
            tuple(sorted((s.doc_id, s.record_id) for s in claim.statements)),
        )
        for claim in claims
    }
    counted = sorted((held[claim.id], claim.independent_sources) for claim in claims)
    conflicts = sorted(tuple(sorted(held[i] for i in c.claims)) for c in store.list_conflicts())
    return clusters, counted, conflicts


def _save(store: Store, documents: list[Document]) -> None:
    save_extractions([fake_extract(doc) for doc in documents], store, IngestReport())


def _doc(doc_id: str, text: str, day: int, language: str = "en") -> Document:
    return Document(id=doc_id, text=text, published=date(2024, 6, day), language=language)


def test_a_store_linked_in_steps_equals_one_linked_at_once(db: str | Path) -> None:
    stories = [
        Document(id=doc.id, text=doc.text, published=doc.published) for doc in generate(30, seed=11)
    ]
    # The same three amounts in Russian a day later: a translation, by its values.
    english = _doc(
        "en", "Tomsk pays 310,000 roubles, then 45,000 roubles a month and 2,750,000 roubles.", 3
    )
    russian = _doc(
        "ru", "Томск платит 310,000 roubles, 45,000 roubles в месяц и 2,750,000 roubles.", 4, "ru"
    )
    # Two reports sharing two uncommon numbers; then the first number turns common (held by
    # more than CAP texts), and stops proposing the pair.
    shared = [
        _doc("x", "Officials in Perm counted 31,337 reservists and paid 88,123 roubles each.", 5),
        _doc("y", "Perm paid 88,123 roubles to each of 31,337 reservists, officials said.", 6),
    ]
    common = [
        _doc(f"c{n}", f"Report {n}: a region counted 31,337 reservists in week {n}.", 7)
        for n in range(CAP)
    ]
    with open_store(db) as store:
        _save(store, stories[:20])
        link_store(store)  # the first link builds the index
        _save(store, [*stories[20:50], english, *shared])
        link_new(store)
        _save(store, [*stories[50:], russian])
        link_new(store)
        _save(store, common)
        link_new(store)
        # A text changed in place: its old values and pairs go, its new ones come.
        changed = replace(stories[0], text=stories[1].text + " Updated on Friday.")
        save_extractions([fake_extract(changed)], store, IngestReport())
        update = link_new(store)
        assert update.linked == 1
        assert link_new(store).linked == 0  # nothing waits any more
        stepwise = _snapshot(store)
        link_store(store)
        assert _snapshot(store) == stepwise
    clusters = stepwise[0]
    assert any({"en", "ru"} <= {m[0] for m in members} for _, members in clusters)


def test_a_new_document_joins_its_rewrites_cluster(tmp_path: Path) -> None:
    docs = [
        Document(id=doc.id, text=doc.text, published=doc.published)
        for doc in generate(4, seed=5, max_copies=3)
    ]
    with open_store(tmp_path / "rw.db") as store:
        _save(store, docs[:-1])
        link_store(store)
        _save(store, docs[-1:])
        assert link_new(store).linked == 1
        (cluster,) = store.list_clusters(docs[-1].id)
        story = docs[-1].id.split("-")[0]
        assert {m.doc_id for m in cluster.members} == {d.id for d in docs if d.id.startswith(story)}
