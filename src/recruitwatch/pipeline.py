"""One path from files to stored records, the same for one document and for a batch.

    paths -> ingest.find_sources -> ingest.iter_documents -> extract_document -> store

A source that fails at any stage becomes a Failure (recorded in the store by `ingest_paths`)
and the batch goes on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from recruitwatch.errors import RecruitwatchError, StoreError
from recruitwatch.extract import extract_document
from recruitwatch.ingest import Failure, Source, find_sources, iter_documents
from recruitwatch.model import Extraction
from recruitwatch.settings import DEFAULT_MAX_BYTES
from recruitwatch.store import Store

logger = logging.getLogger(__name__)

# Called after each source with (done, total, source name), e.g. to drive a progress bar.
Progress = Callable[[int, int, str], None]


@dataclass(slots=True)
class IngestReport:
    ingested: int = 0
    unchanged: int = 0
    failed: list[Failure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed


def extract_paths(
    paths: Iterable[Path], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Extraction | Failure]:
    """One Extraction or Failure per file found under `paths`, without a store."""
    return _extract(find_sources(paths), max_bytes=max_bytes)


def ingest_paths(
    paths: Iterable[Path],
    store: Store,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    progress: Progress | None = None,
) -> IngestReport:
    """Read, extract and save every file under `paths`; failures are recorded, not raised."""
    sources = find_sources(paths)
    report = IngestReport()
    for done, item in enumerate(_extract(sources, max_bytes=max_bytes), start=1):
        if isinstance(item, Failure):
            _record(store, report, item)
        else:
            try:
                if store.save_extraction(item):
                    report.ingested += 1
                else:
                    report.unchanged += 1
            except StoreError as exc:
                _record(store, report, Failure(item.document.source, exc.args[0], "store"))
        if progress is not None:
            progress(done, len(sources), _name(sources[done - 1]))
    return report


def _extract(sources: list[Source | Failure], *, max_bytes: int) -> Iterator[Extraction | Failure]:
    for item in iter_documents(sources, max_bytes=max_bytes):
        if isinstance(item, Failure):
            yield item
            continue
        try:
            yield extract_document(item)
        except RecruitwatchError as exc:
            yield Failure(item.source, exc.args[0], "extract")
        except Exception as exc:
            # The extractor is rule code run over untrusted text: a bug on one document must
            # become that document's failure, not end the batch. The traceback goes to the log.
            logger.exception("extractor failed on %s", item.source)
            yield Failure(item.source, f"extractor error: {type(exc).__name__}: {exc}", "extract")


def _record(store: Store, report: IngestReport, failure: Failure) -> None:
    store.record_failure(failure.source, failure.stage, failure.reason)
    report.failed.append(failure)


def _name(source: Source | Failure) -> str:
    return str(source.path) if isinstance(source, Source) else source.source
