"""One path from sources to stored records, the same for one document and for a batch.

    locations -> ingest.find_sources -> ingest.iter_documents -> extract_document -> store

A document whose text is already stored (same content hash) is not extracted again: the store
only notes where this copy was found. A source that fails at any stage becomes a Failure
(recorded in the store by `ingest_documents`) and the batch goes on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from recruitwatch.errors import RecruitwatchError, StoreError
from recruitwatch.extract import extract_document
from recruitwatch.ingest import Failure, Input, ReadOptions, Source, find_sources, iter_documents
from recruitwatch.model import Document, Extraction
from recruitwatch.store import Store

logger = logging.getLogger(__name__)

# Called after each document or failure with (done, expected total or None, source name),
# e.g. to drive a progress bar; the total is known only when every source is one document.
Progress = Callable[[int, int | None, str], None]
# Suffixes of files that hold exactly one document, so a batch of them has a known size.
_SINGLE_SUFFIXES = frozenset({".txt", ".md", ".html", ".htm"})


@dataclass(slots=True)
class IngestReport:
    ingested: int = 0
    unchanged: int = 0
    duplicates: int = 0  # the same text found at another place: stored once, place noted
    failed: list[Failure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed


def extract_paths(
    paths: Iterable[Path | str], *, options: ReadOptions | None = None
) -> Iterator[Extraction | Failure]:
    """One Extraction or Failure per document found in `paths`, without a store."""
    for item in iter_documents(find_sources(paths), options=options):
        yield item if isinstance(item, Failure) else _extract(item)


def ingest_paths(
    paths: Iterable[Path | str],
    store: Store,
    *,
    options: ReadOptions | None = None,
    progress: Progress | None = None,
) -> IngestReport:
    """Read, extract and save every document in `paths` (files, folders, URLs, `-`);
    failures are recorded, not raised."""
    sources = find_sources(paths)
    total = len(sources) if all(_single(source) for source in sources) else None
    items = iter_documents(sources, options=options)
    return ingest_documents(items, store, progress=progress, total=total)


def ingest_documents(
    items: Iterable[Document | Failure],
    store: Store,
    *,
    progress: Progress | None = None,
    total: int | None = None,
) -> IngestReport:
    """Extract and save documents not stored yet; note new places of known texts."""
    report = IngestReport()
    for done, item in enumerate(items, start=1):
        if isinstance(item, Failure):
            _record(store, report, item)
        else:
            _save(store, report, item)
        if progress is not None:
            progress(done, total if total is not None and done <= total else None, item.source)
    return report


def _save(store: Store, report: IngestReport, document: Document) -> None:
    try:
        seen = store.record_location(document)
        if seen == "same":
            report.unchanged += 1
            return
        if seen == "duplicate":
            report.duplicates += 1
            return
        extraction = _extract(document)
        if isinstance(extraction, Failure):
            _record(store, report, extraction)
        elif store.save_extraction(extraction):
            report.ingested += 1
        else:
            report.unchanged += 1
    except StoreError as exc:
        _record(store, report, Failure(document.source, exc.args[0], "store"))


def _extract(document: Document) -> Extraction | Failure:
    try:
        return extract_document(document)
    except RecruitwatchError as exc:
        return Failure(document.source, exc.args[0], "extract")
    except Exception as exc:
        # The extractor is rule code run over untrusted text: a bug on one document must
        # become that document's failure, not end the batch. The traceback goes to the log.
        logger.exception("extractor failed on %s", document.source)
        return Failure(document.source, f"extractor error: {type(exc).__name__}: {exc}", "extract")


def _record(store: Store, report: IngestReport, failure: Failure) -> None:
    store.record_failure(failure.source, failure.stage, failure.reason)
    report.failed.append(failure)


def _single(source: Input) -> bool:
    return isinstance(source, Failure) or (
        isinstance(source, Source) and source.path.suffix.lower() in _SINGLE_SUFFIXES
    )
