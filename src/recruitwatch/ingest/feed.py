"""RSS and Atom feeds by feedparser: one document per entry, or per entry's page with `follow`."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

from recruitwatch.errors import InputError
from recruitwatch.ingest.ids import url_id
from recruitwatch.ingest.items import Failure
from recruitwatch.ingest.markup import fragment_text
from recruitwatch.language import detect_language
from recruitwatch.model import Document, content_hash

logger = logging.getLogger(__name__)

# Fetches and extracts an entry's page (the `--follow` option); raises InputError.
PageReader = Callable[[str], Document]


def read_feed(
    data: bytes,
    *,
    source: str,
    base_url: str | None = None,
    follow: PageReader | None = None,
    skip: Callable[[str], bool] | None = None,
) -> Iterator[Document | Failure]:
    """One Document per entry with text, or a Failure for an entry that cannot be one.

    With `follow`, entries whose link `skip` accepts are left out. Raises InputError when
    `data` is not an RSS or Atom feed at all."""
    import feedparser

    # Bytes, never a str: feedparser reads a str as a URL or file name and would fetch it.
    parsed: Any = feedparser.parse(data, response_headers=_base(base_url))
    problem = parsed.get("bozo_exception")
    detail = f" ({problem})" if problem else ""
    if not parsed.version:
        raise InputError(f"is not an RSS or Atom feed{detail}", source=source)
    if parsed.bozo and not parsed.entries:
        raise InputError(f"is a broken feed with no readable entries{detail}", source=source)
    if parsed.bozo:
        logger.warning("%s: feed is not well-formed, read leniently: %s", source, problem)
    feed_language = _language(parsed.feed.get("language"))
    site_name = fragment_text(parsed.feed.get("title", "")) or None
    for index, entry in enumerate(parsed.entries):
        link: str | None = entry.get("link") or None
        entry_source = link or f"{source}#entry-{index + 1}"
        if follow is not None and link:
            if skip is not None and skip(link):
                continue  # already stored: a poller does not fetch it again
            try:
                yield follow(link)
            except Exception as exc:
                # One entry's page that cannot be fetched or read fails alone.
                logger.debug("following %s failed", link, exc_info=True)
                yield Failure.from_error(exc, link)
            continue
        text = _entry_text(entry)
        if not text:
            yield Failure(entry_source, "feed entry has no text (title, summary or content)")
            continue
        title = fragment_text(entry.get("title", "")) or None
        body = f"{title}\n\n{text}" if title and not text.startswith(title) else text
        yield Document.from_text(
            body,
            id=_entry_id(link, entry, source, body),
            source=entry_source if link else source,
            url=link,
            title=title,
            published=_date(entry.get("published_parsed") or entry.get("updated_parsed")),
            language=feed_language or detect_language(body),
            site_name=site_name,
            author=entry.get("author") or None,
        )


def _base(base_url: str | None) -> dict[str, str]:
    # Relative links in the feed resolve against where it was fetched from.
    return {"content-location": base_url} if base_url else {}


def _entry_text(entry: Any) -> str:
    # Full content when the feed carries it, else the summary.
    for item in entry.get("content", []):
        text = fragment_text(item.get("value", ""))
        if text:
            return text
    return fragment_text(entry.get("summary", ""))


def _entry_id(link: str | None, entry: Any, source: str, body: str) -> str:
    if link:
        return url_id(link)
    guid = entry.get("id")
    return f"{source}#{guid}" if guid else content_hash(body)[:16]


def _date(value: time.struct_time | None) -> date | None:
    return date(value.tm_year, value.tm_mon, value.tm_mday) if value else None


def _language(value: str | None) -> str | None:
    # "ru-RU", "en-us": the feed states its language; keep the ISO 639-1 part.
    code = (value or "").split("-")[0].strip().lower()
    return code if len(code) == 2 and code.isalpha() else None
