"""The Dask batch path on a generated corpus of JSON Lines shards, with 1 and with 2 workers,
into SQLite and into PostgreSQL.

    python bench/scale.py                  # 20,000 documents in 20 shards: ~10 minutes here
    python bench/scale.py --docs 200000 --no-workers-alone   # the issue's size: ~75 minutes

Writes `--docs` English articles from extract_speed's generator (with URLs and publication dates
spread over 2023-2024) as shards of `--shard` lines to a temporary folder, then for each worker
count starts a LocalCluster of single-threaded worker processes and runs `run_batch` into a fresh
SQLite database: ingest, extract and normalise on the workers, one writer here. The 2-worker run
is repeated into a fresh PostgreSQL database (a throwaway server on loopback started from the
machine's binaries, as the tests do, or `--postgres URL`), so the two stores are compared on the
same partitions; the server shares the 2 cores. Linking is not timed (it runs once over the
whole store after a batch, on one machine).

Prints docs/s (cluster start not counted), the speed-up of 2 workers over 1, and each worker's
peak RSS (`resource.getrusage` run on the worker by `client.run`). A last run with 2 workers over
the first half of the shards shows whether worker memory stays flat as the corpus doubles: it
should, since a worker holds one partition at a time. Then the same partitions run on 1 and 2
workers with no writer (records gathered and dropped), which separates the workers' scaling from
the writer's share of a 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))  # extract_speed's article generator
sys.path.insert(0, str(Path(__file__).parent.parent / "tests"))  # the throwaway PostgreSQL

from _postgres import fresh_database, server
from extract_speed import generate
from recruitwatch.batch import BatchReport, dask_client, extract_partition, partitions_of, run_batch
from recruitwatch.ingest import ReadOptions, find_sources
from recruitwatch.store import open_store

SEED = 20261127
# The store runs: key -> (label, workers).
RUNS = {
    "sqlite-1": ("1 worker, SQLite", 1),
    "sqlite-2": ("2 workers, SQLite", 2),
    "postgres-2": ("2 workers, PostgreSQL", 2),
    "half-2": ("2 workers, half the corpus, SQLite", 2),
}


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


def run(shards: list[Path], workers: int, db: str | Path) -> tuple[BatchReport, float, list[float]]:
    with dask_client(workers=workers) as client, open_store(db) as store:
        started = time.perf_counter()
        report = run_batch(shards, store, client)
        seconds = time.perf_counter() - started
        peaks: dict[str, Any] = client.run(peak_rss_mb)
    return report, seconds, sorted(peaks.values())


def run_workers_only(shards: list[Path], workers: int) -> tuple[int, float]:
    """The same partitions extracted on the workers, results gathered and dropped: no writer."""
    partitions = partitions_of(find_sources(shards))
    with dask_client(workers=workers) as client:
        started = time.perf_counter()
        futures = [
            client.submit(extract_partition, p.sources, ReadOptions(), None, 0.07, pure=False)
            for p in partitions
        ]
        done = sum(len(items) for items in client.gather(futures))
        return done, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=20_000, help="documents in the corpus")
    parser.add_argument("--shard", type=int, default=1_000, help="documents per JSONL shard")
    parser.add_argument("--postgres", help="a PostgreSQL server URL (default: start one here)")
    parser.add_argument(
        "--no-workers-alone", action="store_true", help="skip the runs without a writer"
    )
    parser.add_argument(
        "--runs",
        default=",".join(RUNS),
        help=f"which store runs, comma-separated (default: all of {','.join(RUNS)})",
    )
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="rw-scale-") as tmp, server(args.postgres) as pg:
        folder = Path(tmp)
        started = time.perf_counter()
        shards = write_corpus(folder, args.docs, args.shard)
        print(f"corpus: {args.docs:,} documents in {len(shards)} shards", end="")
        print(f" (written in {time.perf_counter() - started:.0f} s)")
        print()
        print("| run | docs | seconds | docs/s | worker peak RSS (MB) | failed |")
        print("|---|---:|---:|---:|---|---:|")
        rates: dict[int, float] = {}
        half = shards[: max(1, len(shards) // 2)]
        postgres_rate = 0.0
        chosen = args.runs.split(",")
        for label, workers, files in (
            (label, workers, half if "half" in label else shards)
            for key, (label, workers) in RUNS.items()
            if key in chosen
        ):
            db: str | Path = fresh_database(pg) if "PostgreSQL" in label else folder / f"{label}.db"
            report, seconds, peaks = run(files, workers, db)
            stored = report.ingest.ingested + report.ingest.duplicates
            rate = stored / seconds
            if "PostgreSQL" in label:
                postgres_rate = rate
            elif files is shards:
                rates[workers] = rate
            memory = ", ".join(f"{peak:.0f}" for peak in peaks)
            failed = len(report.ingest.failed)
            print(f"| {label} | {stored:,} | {seconds:.1f} | {rate:.0f} | {memory} | {failed} |")
        print()
        if 1 in rates and 2 in rates:
            print(f"speed-up, 2 workers over 1 (SQLite): {rates[2] / rates[1]:.2f}x")
        if postgres_rate and 2 in rates:
            print(f"PostgreSQL against SQLite, 2 workers: {postgres_rate / rates[2]:.2f}x")
        # Before the runs below, whose gathering of every record would count here.
        print(f"peak RSS of this process (the writer): {peak_rss_mb():.0f} MB")
        if args.no_workers_alone:
            return 0
        print()
        print("workers alone (records gathered and dropped, no writer):")
        alone: dict[int, float] = {}
        for workers in (1, 2):
            done, seconds = run_workers_only(shards, workers)
            alone[workers] = done / seconds
            print(
                f"  {workers} worker(s): {done:,} docs in {seconds:.1f} s, {alone[workers]:.0f}/s"
            )
        print(f"  speed-up, 2 workers over 1: {alone[2] / alone[1]:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
