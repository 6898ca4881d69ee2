"""Batch over whole crawls on Dask: each worker reads, extracts and writes its own partitions.

    locations -> find_sources -> partitions (each WARC, JSON Lines shard, feed or export alone;
                 single-document files in chunks)
              -> Dask workers: pipeline.extract_sources (ingest, extract, normalise), then
                 pipeline.save_extractions into
                   PostgreSQL: the database itself, in one transaction with the partition
                               noted done (COPY; ids from the tables' sequences)
                   SQLite:     a file of its own per partition (store.sqlite.open_staging)
              -> this process: partition names and counts only; for SQLite it merges each
                 file in partition order (ATTACH, INSERT ... SELECT), noting it done in the
                 same transaction

The workers run the very code `ingest` runs, and the records go into the store through the same
functions, so a batch stores what a single-process ingest of the same sources stores. A text
found in two partitions is stored under the copy read first: SQLite files are merged in reading
order; PostgreSQL writers, finishing in any order, place each copy by its batch order key
(`order_key`) and an earlier copy takes the text over (store/postgres.py). Link once at the end
(`link.link_store`), as `ingest --no-link` batches do.

A partition whose task raised, or whose worker died, is retried by Dask (`retries`; the scheduler
re-runs a dead worker's tasks itself); one that still fails has each of its files listed as a
failure (`recruitwatch errors`) and is not noted done, so the next run tries it again. A partition
whose files are byte for byte the ones stored before is skipped. Each document has the time
budget it has in `ingest` (RECRUITWATCH_EXTRACT_SECONDS): one past it is that document's failure
and the partition goes on.

Dask (`distributed`) is the optional `[dask]` extra, imported only here and only when a batch runs.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import random
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from recruitwatch import __version__
from recruitwatch.errors import BatchError, StoreConflictError, StoreError
from recruitwatch.ingest import Failure, Input, ReadOptions, Source, find_sources
from recruitwatch.model import Extraction
from recruitwatch.normalise import Normaliser
from recruitwatch.pipeline import IngestReport, extract_sources, is_single, save_extractions
from recruitwatch.settings import DEFAULT_EXTRACT_SECONDS, DEFAULT_TOLERANCE
from recruitwatch.store import Store, postgres_backend
from recruitwatch.store.sqlite import SQLiteStore, open_sqlite, open_staging

if TYPE_CHECKING:
    from distributed import Client

logger = logging.getLogger(__name__)

INSTALL_LINE = "pip install 'recruitwatch[dask]'"
# Single-document files per partition: enough that a task's overhead (milliseconds) is small
# next to its extraction (seconds), few enough that a lost worker costs little work again.
DEFAULT_CHUNK = 200
# Retries of a partition whose task raised, on top of the scheduler's own re-runs of dead workers.
DEFAULT_RETRIES = 2
# Seconds to reach a scheduler: a wrong address should fail at once, not after Dask's 30 s.
CONNECT_TIMEOUT = 5.0
# Tries of a PostgreSQL partition write that met another worker writing the same texts; each
# retry is rare (a text found in two partitions written at the same moment) and cheap.
WRITE_ATTEMPTS = 5


@dataclass(frozen=True, slots=True)
class BatchStep:
    """How far a batch is, after each partition a worker finished: `documents` read (stored
    or failed) in this run, of `documents_total` when every partition is a chunk of
    single-document files (None when WARC files or shards hide the count); partitions done
    (skipped ones included) of all."""

    documents: int
    documents_total: int | None
    partitions_done: int
    partitions: int
    name: str

    @property
    def fraction(self) -> float:
        """The part done, by documents when their number is known, else by partitions."""
        if self.documents_total:
            return min(1.0, self.documents / self.documents_total)
        return self.partitions_done / self.partitions if self.partitions else 1.0


BatchProgress = Callable[[BatchStep], None]


@dataclass(frozen=True, slots=True)
class Partition:
    """Files read by one task; `fingerprint` covers their names and bytes."""

    sources: tuple[Source, ...]
    fingerprint: str

    @property
    def name(self) -> str:
        first = str(self.sources[0].path)
        more = len(self.sources) - 1
        return f"{first} (+{more} files)" if more else first


@dataclass(slots=True)
class BatchReport:
    """What a batch stored; `ingest` counts documents as `ingest` does."""

    ingest: IngestReport = field(default_factory=IngestReport)
    partitions: int = 0
    skipped: int = 0  # done in an earlier run, files unchanged
    failed_partitions: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.ingest.ok and not self.failed_partitions


def partitions_of(sources: Sequence[Input], *, chunk: int = DEFAULT_CHUNK) -> list[Partition]:
    """The files of `sources` cut into partitions, in order; URLs and standard input are refused
    (a worker cannot read this process's input, and fetching belongs to `ingest` / `watch`)."""
    partitions: list[Partition] = []
    singles: list[Source] = []
    for source in sources:
        if isinstance(source, Failure):
            continue  # a missing path: the caller records it
        if not isinstance(source, Source):
            raise BatchError(
                "batch reads files and folders only; ingest URLs and standard input with"
                " `recruitwatch ingest`"
            )
        if is_single(source):
            singles.append(source)
            if len(singles) == chunk:
                partitions.append(_partition(singles))
                singles = []
        else:
            partitions.append(_partition([source]))
    if singles:
        partitions.append(_partition(singles))
    return partitions


def _partition(sources: list[Source]) -> Partition:
    digest = hashlib.sha256(__version__.encode())
    for source in sources:
        # The id too: the same bytes under another name would be other documents' places.
        digest.update(f"\0{source.doc_id}\0".encode())
        try:
            with source.path.open("rb") as handle:
                digest.update(hashlib.file_digest(handle, "sha256").digest())
        except OSError as exc:
            # Unreadable here: the worker's read will fail and say why; never skip it.
            digest.update(f"unreadable {exc}".encode())
    return Partition(tuple(sources), digest.hexdigest())


@dataclass(frozen=True, slots=True)
class Target:
    """Where workers write: a PostgreSQL `url`, else SQLite files in the `staging` folder.
    `run` starts every batch order key of this run (a later run's keys sort after it)."""

    url: str | None
    staging: Path | None
    run: str

    def order_key(self, partition: int, position: int) -> str:
        """The place of a partition's n-th document in this run's reading order, as text
        that sorts in that order."""
        return f"{self.run}/{partition:09d}/{position:09d}"


@dataclass(frozen=True, slots=True)
class Written:
    """What a worker wrote for one partition: `documents` read and not failed, `failures`;
    into PostgreSQL the final counts, into SQLite the `staging` file to merge."""

    documents: int
    failures: tuple[Failure, ...]
    ingested: int = 0
    unchanged: int = 0
    duplicates: int = 0
    staging: Path | None = None


def extract_partition(
    sources: tuple[Source, ...],
    options: ReadOptions,
    rates_file: Path | None,
    tolerance: float,
    budget_seconds: float | None = DEFAULT_EXTRACT_SECONDS,
) -> list[Extraction | Failure]:
    """Run on a worker: every document of the partition extracted and normalised; one whose
    extraction runs past `budget_seconds` is that document's failure, the partition goes on."""
    normaliser = _normaliser(rates_file, tolerance)
    return list(
        extract_sources(
            sources, options=options, normaliser=normaliser, budget_seconds=budget_seconds
        )
    )


def write_partition(
    part: Partition,
    number: int,
    target: Target,
    options: ReadOptions,
    rates_file: Path | None,
    tolerance: float,
    budget_seconds: float | None = DEFAULT_EXTRACT_SECONDS,
) -> Written:
    """Run on a worker: the partition extracted, then written where `target` says."""
    if target.staging is not None:
        done = target.staging / f"{part.fingerprint}.db"
        if done.exists():  # written by an earlier run that stopped before merging it
            return _staged(done)
    items = extract_partition(part.sources, options, rates_file, tolerance, budget_seconds)
    if target.url is not None:
        return _write_postgres(target.url, part, items, functools.partial(target.order_key, number))
    assert target.staging is not None
    return _write_staging(target.staging, part, items)


def _write_postgres(
    url: str, part: Partition, items: list[Extraction | Failure], order: Callable[[int], str]
) -> Written:
    # One transaction: the records, the failures and the partition noted done, all or none.
    with postgres_backend().open_writer(url) as store:
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            report = IngestReport()
            try:
                with store.batch():
                    if store.partition_done(part.fingerprint):
                        # A task re-run after its worker wrote and died: written once.
                        return Written(0, ())
                    save_extractions(items, store, report, order=order)
                    store.record_partition(
                        part.fingerprint, part.name, _read(report), len(report.failed)
                    )
            except StoreConflictError:
                if attempt == WRITE_ATTEMPTS:
                    raise
                logger.info("%s: another worker wrote the same texts; again", part.name)
                time.sleep(random.uniform(0.05, 0.2) * attempt)  # apart, not in step
                continue
            return Written(
                _read(report),
                tuple(report.failed),
                report.ingested,
                report.unchanged,
                report.duplicates,
            )
    raise AssertionError("unreachable: the last attempt returns or raises")


def _write_staging(folder: Path, part: Partition, items: list[Extraction | Failure]) -> Written:
    folder.mkdir(parents=True, exist_ok=True)
    # Renamed when whole: the client never merges, and no later run reuses, a cut file.
    unfinished = folder / f"{part.fingerprint}.{uuid.uuid4().hex}.tmp"
    report = IngestReport()
    try:
        with open_staging(unfinished) as store, store.batch():
            save_extractions(items, store, report)
            store.record_partition(part.fingerprint, part.name, _read(report), len(report.failed))
        done = folder / f"{part.fingerprint}.db"
        unfinished.replace(done)
    finally:
        _remove_database_files(unfinished)
    return Written(_read(report), tuple(report.failed), staging=done)


def _staged(path: Path) -> Written:
    with open_sqlite(path, create=False) as store:
        failures = tuple(Failure(f.source, f.reason, f.stage) for f in store.list_failures())
        read = store._select("SELECT documents FROM batch_partitions", ())
    return Written(read[0]["documents"] if read else 0, failures, staging=path)


def _read(report: IngestReport) -> int:
    return report.ingested + report.unchanged + report.duplicates


def _remove_database_files(path: Path) -> None:
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)


# One per worker process: the rate table loads once, not once per partition.
@functools.cache
def _normaliser(rates_file: Path | None, tolerance: float) -> Normaliser:
    return Normaliser(rates_file=rates_file, tolerance=tolerance)


def staging_folder(store: SQLiteStore) -> Path:
    """Where workers write an SQLite database's partitions: beside it, so a merge renames
    nothing across disks and a cluster sharing the folder reaches it."""
    return store.path.with_name(store.path.name + ".partitions")


def run_batch(
    locations: Iterable[Path | str],
    store: Store,
    client: Client,
    *,
    options: ReadOptions | None = None,
    rates_file: Path | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
    chunk: int = DEFAULT_CHUNK,
    retries: int = DEFAULT_RETRIES,
    progress: BatchProgress | None = None,
    budget_seconds: float | None = DEFAULT_EXTRACT_SECONDS,
) -> BatchReport:
    """Extract every document in `locations` on `client`'s workers, each worker writing its
    partitions itself; failures are recorded, not raised. `budget_seconds` bounds each
    document's extraction as it does in `ingest` (RECRUITWATCH_EXTRACT_SECONDS)."""
    from distributed import as_completed

    report = BatchReport()
    target = _target(store)
    sources = find_sources(locations)
    for failure in sources:
        if isinstance(failure, Failure):
            save_extractions([failure], store, report.ingest)
    partitions = partitions_of(sources, chunk=chunk)
    report.partitions = len(partitions)
    # By fingerprint: a file named twice is one task (Dask keys them alike) and stored once.
    unique = {part.fingerprint: (number, part) for number, part in enumerate(partitions)}
    todo = [(n, part) for n, part in unique.values() if not store.partition_done(part.fingerprint)]
    report.skipped = len(partitions) - len(todo)
    futures = {
        client.submit(
            write_partition,
            part,
            number,
            target,
            options or ReadOptions(),
            rates_file,
            tolerance,
            budget_seconds,
            key=f"recruitwatch-partition-{part.fingerprint}",
            retries=retries,
            pure=False,
        ): index
        for index, (number, part) in enumerate(todo)
    }
    finished: dict[int, Written | BaseException] = {}
    merged = 0
    documents = 0
    documents_total = (
        sum(len(part.sources) for _, part in todo)
        if all(is_single(source) for _, part in todo for source in part.sources)
        else None
    )
    for done, future in enumerate(as_completed(futures, loop=client.loop), start=1):
        index = futures[future]
        part = todo[index][1]
        try:
            result = finished[index] = future.result()
            documents += result.documents + len(result.failures)
        except Exception as exc:
            # Whatever the task raised after its retries, or KilledWorker: the partition's
            # files are listed as failures below, never dropped.
            finished[index] = exc
            documents += len(part.sources)
        future.release()
        if progress is not None:
            progress(
                BatchStep(
                    documents, documents_total, report.skipped + done, len(partitions), part.name
                )
            )
        # Counted (and, into SQLite, merged) in partition order, so which copy of a repeated
        # text is stored first, and so every id, is the one a single-process ingest gives.
        while merged in finished:
            _finish(store, report, todo[merged][1], finished.pop(merged))
            merged += 1
    if target.staging is not None:
        with contextlib.suppress(OSError):
            target.staging.rmdir()  # empty now, unless another batch writes there too
    return report


def _target(store: Store) -> Target:
    run = f"{time.time_ns():020d}"
    if isinstance(store, SQLiteStore):
        return Target(None, staging_folder(store), run)
    url = getattr(store, "url", None)
    if not isinstance(url, str):
        raise BatchError("batch writes to an SQLite file or a PostgreSQL database only")
    return Target(url, None, run)


def _finish(
    store: Store, report: BatchReport, part: Partition, result: Written | BaseException
) -> None:
    if isinstance(result, Written) and result.staging is not None:
        assert isinstance(store, SQLiteStore)  # only an SQLite target stages files
        result = _merge(store, part, result, result.staging)
    if isinstance(result, BaseException):
        reason = f"partition failed after retries: {type(result).__name__}: {result}"
        failures = [Failure(str(source.path), reason, "batch") for source in part.sources]
        save_extractions(failures, store, report.ingest)
        report.failed_partitions.append(part.name)
        return
    report.ingest.ingested += result.ingested
    report.ingest.unchanged += result.unchanged
    report.ingest.duplicates += result.duplicates
    report.ingest.failed += result.failures


def _merge(
    store: SQLiteStore, part: Partition, staged: Written, path: Path
) -> Written | StoreError:
    try:
        stored, duplicates = store.merge_partition(
            path, part.fingerprint, part.name, staged.documents, len(staged.failures)
        )
    except StoreError as exc:
        return exc  # listed as failed; the next run extracts the partition again
    finally:
        _remove_database_files(path)
    unchanged = staged.documents - stored - duplicates
    return Written(staged.documents, staged.failures, stored, unchanged, duplicates)


@contextmanager
def dask_client(scheduler: str | None = None, workers: int | None = None) -> Iterator[Client]:
    """A client of the scheduler at `scheduler` (tcp://host:8786), else of a local cluster of
    `workers` single-threaded processes (default: one per core)."""
    try:
        import dask
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise BatchError(f"batch needs Dask (distributed); install it: {INSTALL_LINE}") from exc
    if scheduler is not None:
        try:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise BatchError(
                f"cannot reach the Dask scheduler at {scheduler} within {CONNECT_TIMEOUT:.0f} s"
                f" ({exc}); start one with `dask scheduler` and workers with"
                " `dask worker ADDRESS --nthreads 1`, or run a local cluster with --workers N"
            ) from exc
        with client:
            yield client
        return
    # The workers' statistical profiler keeps a call tree that gains nodes with every new
    # stack it samples: over 100,000 documents that was 130 MB a worker, and its sampling
    # costs CPU. Nannies pass this setting on to the worker processes.
    with (
        dask.config.set({"distributed.worker.profile.enabled": False}),
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,  # the extractor is pure Python: threads would share one GIL
            processes=True,
            # Loopback only, any free port: the scheduler's HTTP server (dashboard, health)
            # served every interface for the whole run; None would still bind it to all.
            dashboard_address="127.0.0.1:0",
            host="127.0.0.1",  # scheduler and workers on loopback: only this machine talks
            silence_logs=logging.ERROR,  # workers' shutdown warnings are not the user's concern
        ) as cluster,
        Client(cluster, set_as_default=False) as client,
    ):
        yield client
