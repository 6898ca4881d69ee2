"""Polling feeds and pages: one round fetches each source once, conditionally, and ingests
what is new. `recruitwatch watch` runs rounds on a timer; tests run one round at a time.

The ETag and Last-Modified of each source's last good response are kept in the store, so an
unchanged source costs one 304 answer. With `follow`, feed entries whose page is stored
already are not fetched again. A source that is down is recorded as a failure, and the round
goes on with the others.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from recruitwatch.errors import InputError, StoreError
from recruitwatch.ingest import Failure, Fetcher, ReadOptions, read_fetched
from recruitwatch.normalise import Normaliser
from recruitwatch.pipeline import IngestReport, ingest_documents
from recruitwatch.settings import DEFAULT_EXTRACT_SECONDS
from recruitwatch.store import Store, Validators

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SourceResult:
    """What one round did with one source; `report` is None when it was not modified."""

    url: str
    report: IngestReport | None
    error: str | None = None

    @property
    def summary(self) -> str:
        if self.error is not None:
            return f"failed: {self.error}"
        if self.report is None:
            return "not modified"
        report = self.report
        return (
            f"{report.ingested} new, {report.unchanged} unchanged, {report.duplicates} duplicates,"
            f" {len(report.failed)} failed"
        )


def read_sources_file(path: Path) -> list[str]:
    """The URLs listed in a file, one per line; blank lines and `#` comments are skipped."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the sources file: {exc}", source=str(path)) from exc
    urls: list[str] = []
    for number, line in enumerate(lines, start=1):
        url = line.split("#", 1)[0].strip() if line.lstrip().startswith("#") else line.strip()
        if not url:
            continue
        if urlsplit(url).scheme not in ("http", "https"):
            raise InputError(f"line {number}: {url!r} is not an http(s) URL", source=str(path))
        urls.append(url)
    if not urls:
        raise InputError("lists no URLs; write one feed or page URL per line", source=str(path))
    return urls


def watch_round(
    urls: Iterable[str],
    store: Store,
    *,
    options: ReadOptions | None = None,
    fetcher: Fetcher | None = None,
    normaliser: Normaliser | None = None,
    budget_seconds: float | None = DEFAULT_EXTRACT_SECONDS,
) -> list[SourceResult]:
    """Fetch every source once (conditionally) and ingest what is new, normalised with
    `normaliser` (the user's rates), each document's extraction within `budget_seconds`;
    never raises for a source that fails."""
    options = options or ReadOptions()
    if fetcher is None:
        with Fetcher(options.fetch) as own:
            return watch_round(
                urls,
                store,
                options=options,
                fetcher=own,
                normaliser=normaliser,
                budget_seconds=budget_seconds,
            )
    results = []
    for url in urls:
        result = _poll(url, store, options, fetcher, normaliser, budget_seconds)
        logger.info("%s: %s", url, result.summary)
        results.append(result)
    return results


def _poll(
    url: str,
    store: Store,
    options: ReadOptions,
    fetcher: Fetcher,
    normaliser: Normaliser | None,
    budget_seconds: float | None,
) -> SourceResult:
    known = store.get_validators(url)
    try:
        fetched = fetcher.get(
            url,
            etag=known.etag if known else None,
            last_modified=known.last_modified if known else None,
        )
    except Exception as exc:
        # Any error fetching one source (a bad redirect target, a library's bug) fails that
        # source alone; the round goes on.
        logger.debug("fetching %s failed", url, exc_info=True)
        failure = Failure.from_error(exc, url)
        store.record_failure(failure.source, failure.stage, failure.reason)
        return SourceResult(url, None, failure.reason)
    if fetched.not_modified:
        return SourceResult(url, None)
    items = read_fetched(
        fetched, source=url, fetcher=fetcher, options=options, skip_link=store.knows_url
    )
    try:
        report = ingest_documents(
            items, store, normaliser=normaliser, budget_seconds=budget_seconds
        )
    except StoreError:
        raise  # the database, not this source: every other source would fail alike
    except Exception as exc:
        # The response as a whole was unreadable (not a feed, not a page).
        logger.debug("reading %s failed", url, exc_info=True)
        failure = Failure.from_error(exc, url)
        store.record_failure(failure.source, failure.stage, failure.reason)
        return SourceResult(url, None, failure.reason)
    # Remembered only once its documents are stored: an interrupted round fetches again.
    store.save_validators(url, Validators(fetched.etag, fetched.last_modified))
    return SourceResult(url, report)
