"""HTML pages: main text and metadata by trafilatura; menus, footers and comments dropped.

The page's bytes go to trafilatura undecoded so it can honour the page's own charset
(`<meta charset=windows-1251>`) or detect one: cp1251 and KOI8-R pages read right.
"""

from __future__ import annotations

import logging
import re
from datetime import date
from typing import Any

from recruitwatch.errors import InputError
from recruitwatch.language import detect_language
from recruitwatch.model import Document

logger = logging.getLogger(__name__)

# A tag: "<" and a letter, up to the next angle bracket. Stopping at "<" as well as ">" keeps
# the scan linear on "<a<a<a..." (each match ends where the next begins).
_TAG = re.compile(rb"<[A-Za-z][^<>]*")
# A news page has a few thousand elements and a handful of attributes on each. lxml checks an
# element's attributes for duplicates pairwise (30,000 on one element took 19 s), and holds
# about a kilobyte per element (a million tags in 7.7 MB took 1.3 GB): past these, the page is
# refused before it is parsed, so time and memory stay bounded by the document cap.
MAX_ELEMENTS = 100_000
MAX_ATTRIBUTES = 500
# A tag shorter than this cannot hold MAX_ATTRIBUTES attributes: only longer ones are counted.
_LONG_TAG = 2 * MAX_ATTRIBUTES

# Dates from the page's own metadata (meta tags, JSON-LD, <time>, the URL); the extensive
# search would read any date in the text, and a copyright year is not a publication date.
_DATE_PARAMS: dict[str, Any] = {"extensive_search": False, "original_date": True}


def read_html(
    data: bytes,
    *,
    doc_id: str,
    source: str,
    url: str | None = None,
    charset: str | None = None,
    fallback_date: date | None = None,
) -> Document:
    """One document from a page; `charset` is the one the HTTP headers name, `fallback_date`
    (a WARC capture date) is used only when the page states no date. InputError when the page
    holds no readable text."""
    if b"\x00" in data[:4096]:
        raise InputError("looks binary (contains NUL bytes), not an HTML page", source=source)
    _check_markup(data, source)
    markup: bytes | str = _decode(data, charset) if charset else data
    # Heavy (lxml, htmldate, justext): imported on first use, not with the CLI.
    import trafilatura

    try:
        page = trafilatura.bare_extraction(
            markup,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            date_extraction_params={**_DATE_PARAMS, "url": url},
        )
    except Exception as exc:
        # Parser code run over untrusted bytes: one bad page is that page's failure.
        logger.debug("trafilatura failed on %s", source, exc_info=True)
        raise InputError(
            f"cannot parse the HTML: {type(exc).__name__}: {exc}", source=source
        ) from exc
    text = getattr(page, "text", None) or ""
    if not text.strip():
        raise InputError("no main text found in the HTML (empty or malformed page)", source=source)
    return Document.from_text(
        text,
        id=doc_id,
        source=source,
        url=url or getattr(page, "url", None) or None,
        title=getattr(page, "title", None) or None,
        published=_date(getattr(page, "date", None)) or fallback_date,
        language=detect_language(text),
        site_name=getattr(page, "sitename", None) or None,
        author=getattr(page, "author", None) or None,
    )


def _check_markup(data: bytes, source: str) -> None:
    """InputError when the page has more elements, or one element more attributes, than a
    page has; one linear scan, before any parser sees it."""
    for elements, tag in enumerate(_TAG.finditer(data), start=1):
        if elements > MAX_ELEMENTS:
            raise InputError(
                f"has more than {MAX_ELEMENTS:,} elements: not a page to read", source=source
            )
        if tag.end() - tag.start() > _LONG_TAG and len(tag.group().split()) > MAX_ATTRIBUTES:
            raise InputError(
                f"has an element with more than {MAX_ATTRIBUTES} attributes: not a page to read",
                source=source,
            )


def _date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _decode(data: bytes, charset: str) -> bytes | str:
    # Servers do mislabel pages; bytes that do not decode go to trafilatura's own detection.
    try:
        return data.decode(charset)
    except (LookupError, UnicodeDecodeError):
        return data
