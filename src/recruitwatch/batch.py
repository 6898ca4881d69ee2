"""Batch over whole crawls on Dask: partitions read and extracted on workers, stored by one writer.

    locations -> find_sources -> partitions (each WARC, JSON Lines shard, feed or export alone;
                 single-document files in chunks)
              -> Dask workers: pipeline.extract_sources (ingest, extract, normalise), plain records
              -> this process, in partition order: pipeline.save_extractions (the one writer)
              -> the partition noted done under its content fingerprint

The workers run the very code `ingest` runs, and the records go into the store through the same
function, so a batch stores what a single-process ingest of the same sources stores. Link once
at the end (`link.link_store`), as `ingest --no-link` batches do.

A partition whose task raised, or whose worker died, is retried by Dask (`retries`; the scheduler
re-runs a dead worker's tasks itself); one that still fails has each of its files listed as a
failure (`recruitwatch errors`) and is not noted done, so the next run tries it again. A partition
whose files are byte for byte the ones stored before is skipped.

Dask (`distributed`) is the optional `[dask]` extra, imported only here and only when a batch runs.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from recruitwatch import __version__
from recruitwatch.errors import BatchError
from recruitwatch.ingest import Failure, Input, ReadOptions, Source, find_sources
from recruitwatch.model import Extraction
from recruitwatch.normalise import Normaliser
from recruitwatch.pipeline import IngestReport, extract_sources, is_single, save_extractions
from recruitwatch.settings import DEFAULT_TOLERANCE
from recruitwatch.store import Store

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


def extract_partition(
    sources: tuple[Source, ...], options: ReadOptions, rates_file: Path | None, tolerance: float
) -> list[Extraction | Failure]:
    """Run on a worker: every document of the partition extracted and normalised."""
    normaliser = _normaliser(rates_file, tolerance)
    return list(extract_sources(sources, options=options, normaliser=normaliser))


# One per worker process: the rate table loads once, not once per partition.
@functools.cache
def _normaliser(rates_file: Path | None, tolerance: float) -> Normaliser:
    return Normaliser(rates_file=rates_file, tolerance=tolerance)


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
) -> BatchReport:
    """Extract every document in `locations` on `client`'s workers and store the records here;
    failures are recorded, not raised."""
    from distributed import as_completed

    report = BatchReport()
    sources = find_sources(locations)
    for failure in sources:
        if isinstance(failure, Failure):
            save_extractions([failure], store, report.ingest)
    partitions = partitions_of(sources, chunk=chunk)
    report.partitions = len(partitions)
    # By fingerprint: a file named twice is one task (Dask keys them alike) and stored once.
    unique = {part.fingerprint: part for part in partitions}
    todo = [part for part in unique.values() if not store.partition_done(part.fingerprint)]
    report.skipped = len(partitions) - len(todo)
    futures = {
        client.submit(
            extract_partition,
            part.sources,
            options or ReadOptions(),
            rates_file,
            tolerance,
            key=f"recruitwatch-partition-{part.fingerprint}",
            retries=retries,
            pure=False,
        ): number
        for number, part in enumerate(todo)
    }
    finished: dict[int, list[Extraction | Failure] | BaseException] = {}
    written = 0
    documents = 0
    documents_total = (
        sum(len(part.sources) for part in todo)
        if all(is_single(source) for part in todo for source in part.sources)
        else None
    )
    for done, future in enumerate(as_completed(futures, loop=client.loop), start=1):
        number = futures[future]
        try:
            result = finished[number] = future.result()
            documents += len(result)
        except Exception as exc:
            # Whatever the task raised after its retries, or KilledWorker: the partition's
            # files are listed as failures below, never dropped.
            finished[number] = exc
            documents += len(todo[number].sources)
        future.release()
        if progress is not None:
            step = BatchStep(
                documents,
                documents_total,
                report.skipped + done,
                len(partitions),
                todo[number].name,
            )
            progress(step)
        # Stored in partition order, so which copy of a repeated text is stored first (and
        # so every id) is the same as a single-process ingest of the same sources gives.
        while written in finished:
            # One commit per partition, and the partition noted done in the same one: a run
            # stopped midway leaves whole partitions, so the next run neither misses documents
            # nor lists a failure twice.
            with store.batch():
                _store(store, report, todo[written], finished.pop(written))
            written += 1
    return report


def _store(
    store: Store,
    report: BatchReport,
    part: Partition,
    result: list[Extraction | Failure] | BaseException,
) -> None:
    if isinstance(result, BaseException):
        reason = f"partition failed after retries: {type(result).__name__}: {result}"
        failures = [Failure(str(source.path), reason, "batch") for source in part.sources]
        save_extractions(failures, store, report.ingest)
        report.failed_partitions.append(part.name)
        return
    failed_before = len(report.ingest.failed)
    save_extractions(result, store, report.ingest)
    documents = sum(isinstance(item, Extraction) for item in result)
    failed = len(report.ingest.failed) - failed_before
    # Done even with failures inside: the same bytes would fail the same way again.
    store.record_partition(part.fingerprint, part.name, documents, failed)


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
