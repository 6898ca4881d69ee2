"""The two stores side by side: SQLite against PostgreSQL on the same extracted records.

    python bench/store.py                 # 10,000 documents: about 2 minutes here
    python bench/store.py --docs 50000

Extracts and normalises `--docs` generated English articles once (extract_speed's generator),
then saves them into a fresh SQLite file and a fresh PostgreSQL database (a throwaway server on
loopback, started from the machine's binaries as the tests do, or `--postgres URL`) the way
`batch`'s writer does: `save_extractions` of 1,000 documents in one transaction (SQLite: a
savepoint and a dozen statements per document; PostgreSQL: a few COPY streams). Prints
documents saved per second and the time of the reads a user runs: every offer with its notes,
a target filter, a full-text search and the statements the link stage reads. The PostgreSQL
server shares this machine's 2 cores with this process.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))  # extract_speed's article generator
sys.path.insert(0, str(Path(__file__).parent.parent / "tests"))  # the throwaway PostgreSQL

from _postgres import fresh_database, server
from extract_speed import generate
from recruitwatch.extract import extract_document
from recruitwatch.model import Document, Extraction
from recruitwatch.normalise import Normaliser
from recruitwatch.store import Store, open_store

SEED = 20261127
BATCH = 1_000


def extractions(docs: int) -> list[Extraction]:
    normalise = Normaliser()
    start = date(2023, 1, 1)
    return [
        normalise(
            extract_document(
                Document.from_text(
                    article.text,
                    id=f"story-{index}",
                    source=f"https://news.example.org/{index}",
                    published=start + timedelta(days=index % 700),
                )
            )
        )
        for index, article in enumerate(generate(docs, seed=SEED))
    ]


def save_all(store: Store, items: list[Extraction]) -> float:
    started = time.perf_counter()
    for first in range(0, len(items), BATCH):
        with store.batch():
            store.save_extractions(items[first : first + BATCH])
    return time.perf_counter() - started


def timed(read: Callable[[], Any]) -> tuple[float, int]:
    started = time.perf_counter()
    found = read()
    return time.perf_counter() - started, len(found)


def measure(db: str | Path, items: list[Extraction]) -> dict[str, str]:
    with open_store(db) as store:
        seconds = save_all(store, items)
        row = {"save (docs/s)": f"{len(items) / seconds:,.0f}"}
        reads: dict[str, Callable[[], Any]] = {
            "all offers with notes": store.query_noted_offers,
            "offers, target filter": lambda: store.query_offers(target="volunteer"),
            "search, 2 words": lambda: store.search_documents("contract bonus", limit=1000),
            "statements for linking": store.list_statements,
        }
        for name, read in reads.items():
            took, count = timed(read)
            row[name] = f"{took:.2f} s ({count:,})"
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000, help="documents to save")
    parser.add_argument("--postgres", help="a PostgreSQL server URL (default: start one here)")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    items = extractions(args.docs)
    offers = sum(len(item.offers) for item in items)
    figures = sum(len(item.figures) for item in items)
    print(f"{args.docs:,} documents, {offers:,} offers, {figures:,} figures", end="")
    print(f" (extracted in {time.perf_counter() - started:.0f} s)")
    with tempfile.TemporaryDirectory(prefix="rw-store-") as tmp, server(args.postgres) as url:
        results = {
            "SQLite": measure(Path(tmp) / "rw.db", items),
            "PostgreSQL": measure(fresh_database(url), items),
        }
    columns = list(results["SQLite"])
    print()
    print("| store | " + " | ".join(columns) + " |")
    print("|---|" + "---:|" * len(columns))
    for name, row in results.items():
        print(f"| {name} | " + " | ".join(row[column] for column in columns) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
