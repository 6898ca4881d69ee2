"""One path from sources to stored records, the same for one document and for a batch.

    locations -> ingest.find_sources -> ingest.iter_documents -> extract_document
              -> normalise (dates, official-rate conversions, checks) -> store

Linking across documents (rewrite clusters, claims, conflicts) is `link.link_store`, run over
the whole store after a batch.

A document whose text is already stored (same content hash) is not extracted again: the store
only notes where this copy was found. A source that fails at any stage becomes a Failure
(recorded in the store by `ingest_documents`) and the batch goes on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from functools import partial
from pathlib import Path

from recruitwatch.errors import RecruitwatchError, StoreError
from recruitwatch.extract import extract_document
from recruitwatch.ingest import Failure, Input, ReadOptions, Source, find_sources, iter_documents
from recruitwatch.model import Document, Extraction, unusable_character
from recruitwatch.normalise import Normaliser
from recruitwatch.settings import DEFAULT_EXTRACT_SECONDS
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


@dataclass(frozen=True, slots=True)
class DocumentDefaults:
    """Metadata for documents whose source gives none, e.g. a plain text file with no
    `Published:` line (`ingest --published 2023-08-07`)."""

    published: date | None = None
    url: str | None = None
    title: str | None = None

    def fill(self, document: Document) -> Document:
        return replace(
            document,
            published=document.published or self.published,
            url=document.url or self.url,
            title=document.title or self.title,
        )


def extract_paths(
    paths: Iterable[Path | str],
    *,
    options: ReadOptions | None = None,
    normaliser: Normaliser | None = None,
    defaults: DocumentDefaults | None = None,
    budget_seconds: float | None = DEFAULT_EXTRACT_SECONDS,
) -> Iterator[Extraction | Failure]:
    """One Extraction or Failure per document found in `paths`, without a store;
    `budget_seconds` bounds the extraction of each document (see `extract_document`)."""
    yield from extract_sources(
        find_sources(paths),
        options=options,
        normaliser=normaliser,
        defaults=defaults,
        budget_seconds=budget_seconds,
    )


def extract_sources(
    sources: Iterable[Input],
    *,
    options: ReadOptions | None = None,
    normaliser: Normaliser | None = None,
    defaults: DocumentDefaults | None = None,
    budget_seconds: float | None = DEFAULT_EXTRACT_SECONDS,
) -> Iterator[Extraction | Failure]:
    """As `extract_paths`, for sources already found (a batch partition on a Dask worker)."""
    normalise = normaliser or Normaliser()
    for item in iter_documents(sources, options=options):
        if isinstance(item, Failure):
            yield item
        else:
            yield _extract(defaults.fill(item) if defaults else item, normalise, budget_seconds)


def ingest_paths(
    paths: Iterable[Path | str],
    store: Store,
    *,
    options: ReadOptions | None = None,
    progress: Progress | None = None,
    normaliser: Normaliser | None = None,
    defaults: DocumentDefaults | None = None,
    budget_seconds: float | None = DEFAULT_EXTRACT_SECONDS,
) -> IngestReport:
    """Read, extract and save every document in `paths` (files, folders, URLs, `-`);
    failures are recorded, not raised."""
    sources = find_sources(paths)
    total = len(sources) if all(is_single(source) for source in sources) else None
    items = iter_documents(sources, options=options)
    return ingest_documents(
        items,
        store,
        progress=progress,
        total=total,
        normaliser=normaliser,
        defaults=defaults,
        budget_seconds=budget_seconds,
    )


def ingest_documents(
    items: Iterable[Document | Failure],
    store: Store,
    *,
    progress: Progress | None = None,
    total: int | None = None,
    normaliser: Normaliser | None = None,
    defaults: DocumentDefaults | None = None,
    budget_seconds: float | None = DEFAULT_EXTRACT_SECONDS,
) -> IngestReport:
    """Extract, normalise and save documents not stored yet; note new places of known texts."""
    report = IngestReport()
    normalise = normaliser or Normaliser()
    for done, item in enumerate(items, start=1):
        if isinstance(item, Failure):
            _record(store, report, item)
        else:
            document = defaults.fill(item) if defaults else item
            _save(store, report, document, partial(_extract, document, normalise, budget_seconds))
        if progress is not None:
            progress(done, total if total is not None and done <= total else None, item.source)
    return report


def save_extractions(
    items: Iterable[Extraction | Failure],
    store: Store,
    report: IngestReport,
    *,
    order: Callable[[int], str] | None = None,
) -> IngestReport:
    """Save records extracted elsewhere (on Dask workers) exactly as `ingest_documents` saves
    its own: known texts only note their place, failures are recorded. The store may write
    them in bulk (PostgreSQL copies a partition in a few streams). `order(n)`: the batch
    place of the n-th extraction (see `Store.save_extractions`)."""
    extractions: list[Extraction] = []
    for item in items:
        if isinstance(item, Failure):
            _record(store, report, item)
        else:
            extractions.append(item)
    keys = [order(number) for number in range(len(extractions))] if order else None
    outcomes = store.save_extractions(extractions, keys)
    for extraction, outcome in zip(extractions, outcomes, strict=True):
        if isinstance(outcome, StoreError):
            _record(store, report, Failure(extraction.document.source, outcome.args[0], "store"))
        elif outcome == "new":
            report.ingested += 1
        elif outcome == "same":
            report.unchanged += 1
        else:
            report.duplicates += 1
    return report


def _save(
    store: Store,
    report: IngestReport,
    document: Document,
    extract: Callable[[], Extraction | Failure],
) -> None:
    # `extract` runs only for a text not stored yet, so a known text is never extracted again.
    try:
        seen = store.record_location(document)
        if seen == "same":
            report.unchanged += 1
            return
        if seen == "duplicate":
            report.duplicates += 1
            return
        extraction = extract()
        if isinstance(extraction, Failure):
            _record(store, report, extraction)
        elif store.save_extraction(extraction):
            report.ingested += 1
        else:
            report.unchanged += 1
    except StoreError as exc:
        _record(store, report, Failure(document.source, exc.args[0], "store"))


def _extract(
    document: Document, normalise: Normaliser, budget_seconds: float | None
) -> Extraction | Failure:
    # The extractor and the date parser are rule code run over untrusted text: whatever one
    # document makes them raise is that document's failure, not the end of the batch. The
    # traceback of a bug goes to the debug log (`recruitwatch --debug`).
    try:
        extraction = extract_document(document, budget_seconds=budget_seconds)
    except Exception as exc:
        if not isinstance(exc, RecruitwatchError):
            logger.debug("extractor failed on %s", document.source, exc_info=True)
        return Failure.from_error(exc, document.source, "extract")
    try:
        return normalise(extraction)
    except Exception as exc:
        if not isinstance(exc, RecruitwatchError):
            logger.debug("normalise failed on %s", document.source, exc_info=True)
        return Failure.from_error(exc, document.source, "normalise")


def _record(store: Store, report: IngestReport, failure: Failure) -> None:
    # A file name that is not UTF-8, or a reason quoting hostile text, may hold characters no
    # database stores (a lone surrogate, a NUL): written escaped, so the failure is kept.
    failure = Failure(_storable(failure.source), _storable(failure.reason), failure.stage)
    store.record_failure(failure.source, failure.stage, failure.reason)
    report.failed.append(failure)


def _storable(text: str) -> str:
    if unusable_character(text) is None:
        return text
    return text.replace("\x00", "\\x00").encode("utf-8", "backslashreplace").decode("utf-8")


def is_single(source: Input) -> bool:
    """Whether `source` holds exactly one document (by its suffix), so batches can be sized."""
    return isinstance(source, Failure) or (
        isinstance(source, Source) and source.path.suffix.lower() in _SINGLE_SUFFIXES
    )
