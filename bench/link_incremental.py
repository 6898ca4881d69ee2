"""Linking what was added against what is stored: the incremental link and the full relink.

    python bench/link_incremental.py                       # 100,000 stored, 1,000 added
    python bench/link_incremental.py --stored 20000        # a quicker run

Documents come from the seeded story generator in tests/_rewrites.py (originals and their
rewrites); each "N roubles" is an offer and each "N reservists" a figure (the stand-in extractor
of tests/_factories.py), so claims and conflicts have statements to group. The first
`--stored` documents are saved and linked whole (`recruitwatch link`), then the next `--added`
(new stories, and rewrites of stories already stored) are saved and linked incrementally, as
ingest, batch, watch and the API do; then everything is relinked whole again for comparison,
and the two results are checked to be the same links. Times are wall seconds in one process
on an SQLite file.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from _factories import fake_extract  # found through the path set just above
from _rewrites import generate
from recruitwatch.link import link_store
from recruitwatch.link.update import link_new
from recruitwatch.model import Document
from recruitwatch.pipeline import IngestReport, save_extractions
from recruitwatch.store import Store, open_store

_BATCH = 2000


def _save(store: Store, documents: list[Document]) -> None:
    for start in range(0, len(documents), _BATCH):
        with store.batch():
            extractions = [fake_extract(doc) for doc in documents[start : start + _BATCH]]
            save_extractions(extractions, store, IngestReport())


def _links(store: Store) -> tuple[object, ...]:
    clusters = sorted(tuple(sorted(m.doc_id for m in c.members)) for c in store.list_clusters())
    claims = store.list_claims()
    held = {c.id: tuple(sorted((s.doc_id, s.record_id) for s in c.statements)) for c in claims}
    counted = sorted((held[c.id], c.independent_sources) for c in claims)
    conflicts = sorted(tuple(sorted(held[i] for i in c.claims)) for c in store.list_conflicts())
    return clusters, counted, conflicts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stored", type=int, default=100_000)
    parser.add_argument("--added", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--db", type=Path, help="keep the database here (default: a temp file)")
    args = parser.parse_args()

    # 2.5 documents a story on average: enough stories for both parts.
    stories = (args.stored + args.added) // 2 + 10
    generated = (
        Document(id=doc.id, text=doc.text, published=doc.published)
        for doc in generate(stories, seed=args.seed)
    )
    stored = list(islice(generated, args.stored))
    added = list(islice(generated, args.added))
    with tempfile.TemporaryDirectory() as folder:
        db = args.db or Path(folder) / "link.db"
        with open_store(db) as store:
            started = time.perf_counter()
            _save(store, stored)
            saving = time.perf_counter() - started
            started = time.perf_counter()
            link_store(store)
            first_link = time.perf_counter() - started
            _save(store, added)
            started = time.perf_counter()
            update = link_new(store)
            incremental = time.perf_counter() - started
            stepwise = _links(store)
            started = time.perf_counter()
            link_store(store)
            full = time.perf_counter() - started
            same = _links(store) == stepwise
            clusters, claims, conflicts = store.link_index().totals()

    print(f"stored            {len(stored):,} documents (saved in {saving:.0f} s)")
    print(f"first full link   {first_link:.1f} s")
    print(
        f"added             {len(added):,} documents: {update.clusters:,} clusters,"
        f" {update.claims:,} claims, {update.conflicts:,} conflicts rewritten"
    )
    print(f"incremental link  {incremental:.2f} s   (goal: under 10 s)")
    print(f"full relink       {full:.1f} s   ({len(stored) + len(added):,} documents)")
    print(f"same links        {'yes' if same else 'NO'}")
    print(f"totals            {clusters:,} clusters, {claims:,} claims, {conflicts:,} conflicts")


if __name__ == "__main__":
    main()
