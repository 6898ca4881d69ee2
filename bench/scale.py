"""The Dask batch path on a generated corpus of JSON Lines shards: docs/s by worker count, into
SQLite and into PostgreSQL, each worker writing its own partitions.

    python bench/scale.py --docs 4000 --workers 1,2 --store sqlite,postgres
    python bench/scale.py --docs 16000 --shard 200 --workers 1,2,4,8,15   # the issue's table

Runs from a checkout with only the project installed (`pip install -e '.[test]'`, or
`.[dask,postgres]`): PostgreSQL from `--postgres URL`, or a throwaway server started from the
machine's own binaries (Debian's postgresql package) as the tests do.

Writes `--docs` English articles from extract_speed's generator (with URLs and publication dates
spread over 2023-2024) as shards of `--shard` lines to a temporary folder. For each store and
each worker count it starts a LocalCluster of single-threaded worker processes and runs
`run_batch` into a fresh database: the workers read, extract, normalise and write (PostgreSQL
directly; SQLite a file per partition, merged here in partition order). Cluster start and
linking are not timed. The speed-up is against the first worker count of the same store.

Each run prints the workers' peak RSS (`resource.getrusage` run on each worker by `client.run`)
and the machine's load average before it. `--memory` adds a run over half the shards with the
largest worker count (worker memory should stay flat as the corpus doubles: a worker holds one
partition at a time). Then, unless `--no-workers-alone`, the same partitions run with no writer
at all (records extracted and dropped on the worker; only counts come back), which is the
ceiling the stores are measured against.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))  # extract_speed's article generator
sys.path.insert(0, str(Path(__file__).parent.parent / "tests"))  # the throwaway PostgreSQL

from _postgres import fresh_database, server
from extract_speed import generate
from recruitwatch.batch import dask_client, extract_partition, partitions_of, run_batch
from recruitwatch.ingest import ReadOptions, find_sources
from recruitwatch.store import open_store

SEED = 20261127
STORES = ("sqlite", "postgres")


@dataclass(frozen=True, slots=True)
class Run:
    label: str
    workers: int
    docs: int
    seconds: float
    peaks: list[float]
    load: float
    failed: int = 0

    @property
    def rate(self) -> float:
        return self.docs / self.seconds if self.seconds else 0.0


def write_corpus(folder: Path, docs: int, shard: int) -> list[Path]:
    """`docs` articles in shards of `shard` lines; returns the shard files in order."""
    start = date(2023, 1, 1)
    shards: list[Path] = []
    articles = generate(docs, seed=SEED)
    for number in range(0, docs, shard):
        path = folder / f"shard-{number // shard:05d}.jsonl"
        with path.open("w", encoding="utf-8") as out:
            for index in range(number, min(number + shard, docs)):
                article = next(articles)
                line = {
                    "url": f"https://news.example.org/{index}",
                    "title": f"Story {index}",
                    "published": (start + timedelta(days=index % 700)).isoformat(),
                    "text": article.text,
                }
                out.write(json.dumps(line) + "\n")
        shards.append(path)
    return shards


def peak_rss_mb() -> float:
    # Run on each worker by client.run; Linux reports kilobytes.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load() -> float:
    return os.getloadavg()[0]


def run_store(label: str, shards: list[Path], workers: int, db: str | Path) -> Run:
    with dask_client(workers=workers) as client, open_store(db) as store:
        before = load()
        started = time.perf_counter()
        report = run_batch(shards, store, client)
        seconds = time.perf_counter() - started
        peaks: dict[str, Any] = client.run(peak_rss_mb)
    stored = report.ingest.ingested + report.ingest.duplicates
    return Run(
        label, workers, stored, seconds, sorted(peaks.values()), before, len(report.ingest.failed)
    )


def count_partition(sources: Any, options: ReadOptions) -> int:
    """Run on a worker: a partition extracted, its records dropped there."""
    return len(extract_partition(sources, options, None, 0.07))


def run_alone(shards: list[Path], workers: int) -> Run:
    """The same partitions extracted on the workers with no writer: only counts come back."""
    partitions = partitions_of(find_sources(shards))
    with dask_client(workers=workers) as client:
        before = load()
        started = time.perf_counter()
        futures = [
            client.submit(count_partition, p.sources, ReadOptions(), pure=False) for p in partitions
        ]
        done = sum(client.gather(futures))
        seconds = time.perf_counter() - started
        peaks: dict[str, Any] = client.run(peak_rss_mb)
    return Run("workers alone", workers, done, seconds, sorted(peaks.values()), before)


HEADER = (
    "| run | workers | docs | seconds | docs/s | speed-up | worker peak RSS (MB) | load |\n"
    "|---|---:|---:|---:|---:|---:|---|---:|"
)


def print_row(run: Run, first: dict[str, float]) -> None:
    """One row of the table as soon as its run ends; the speed-up is against the first run
    of the same label (`first` remembers it)."""
    base = first.setdefault(run.label, run.rate)
    memory = ", ".join(f"{peak:.0f}" for peak in run.peaks)
    failed = f" ({run.failed} failed)" if run.failed else ""
    print(
        f"| {run.label} | {run.workers} | {run.docs:,}{failed} | {run.seconds:.1f}"
        f" | {run.rate:,.0f} | {run.rate / base:.2f}x | {memory} | {run.load:.1f} |",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=4_000, help="documents in the corpus")
    parser.add_argument("--shard", type=int, default=200, help="documents per JSONL shard")
    parser.add_argument(
        "--workers", default="1,2", help="worker counts, comma-separated (default: 1,2)"
    )
    parser.add_argument(
        "--store", default=",".join(STORES), help="stores, comma-separated: sqlite,postgres"
    )
    parser.add_argument("--postgres", help="a PostgreSQL server URL (default: start one here)")
    parser.add_argument(
        "--memory", action="store_true", help="also run half the corpus on the most workers"
    )
    parser.add_argument(
        "--no-workers-alone", action="store_true", help="skip the runs without a writer"
    )
    args = parser.parse_args(argv)
    counts = [int(value) for value in args.workers.split(",")]
    stores = args.store.split(",")
    if unknown := set(stores) - set(STORES):
        parser.error(f"unknown store {', '.join(sorted(unknown))}; choose from sqlite,postgres")

    with tempfile.TemporaryDirectory(prefix="rw-scale-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        shards = write_corpus(folder, args.docs, args.shard)
        print(f"corpus: {args.docs:,} documents in {len(shards)} shards", end="")
        print(f" (written in {time.perf_counter() - started:.0f} s); {os.cpu_count()} cores")
        print()
        print(HEADER, flush=True)
        first: dict[str, float] = {}
        for store in stores:
            with server(args.postgres) if store == "postgres" else contextlib.nullcontext() as pg:
                for workers in counts:
                    db = fresh_database(pg) if pg else folder / f"{store}-{workers}.db"
                    label = f"batch into {'PostgreSQL' if pg else 'SQLite'}"
                    print_row(run_store(label, shards, workers, db), first)
                if args.memory:
                    half = shards[: max(1, len(shards) // 2)]
                    db = fresh_database(pg) if pg else folder / f"{store}-half.db"
                    label = f"half the corpus, {'PostgreSQL' if pg else 'SQLite'}"
                    print_row(run_store(label, half, max(counts), db), first)
        if not args.no_workers_alone:
            for workers in counts:
                print_row(run_alone(shards, workers), first)
        print()
        print(f"peak RSS of this process (the client): {peak_rss_mb():.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
