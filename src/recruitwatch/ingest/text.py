"""Plain text and markdown files: a title line, an optional `Published: YYYY-MM-DD` line, text."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from recruitwatch.errors import InputError
from recruitwatch.ingest.read import read_text
from recruitwatch.language import detect_language
from recruitwatch.model import Document

# A first line longer than this is a paragraph, not a headline.
MAX_TITLE_CHARS = 150
# Metadata sits in the header block; a "Published:" deep in the body is text.
HEADER_LINES = 5
# Anchored, no nested quantifiers: linear time on any line. Markdown decoration (`*`, `_`, `>`,
# `-`) around the line is allowed so `*Published: 2024-03-01*` reads the same.
_PUBLISHED = re.compile(r"^[\s*_>-]*published:\s*(\d{4}-\d{2}-\d{2})[\s*_]*$", re.IGNORECASE)


def read_text_document(path: Path, *, doc_id: str, max_bytes: int) -> Document:
    """A document from a .txt or .md file; the text is kept verbatim so offsets match the file."""
    return text_document(read_text(path, max_bytes=max_bytes), doc_id=doc_id, source=str(path))


def text_document(text: str, *, doc_id: str, source: str) -> Document:
    """A document from plain text or markdown, with the title and date its header gives."""
    header = [line.strip() for line in text.splitlines() if line.strip()][:HEADER_LINES]
    published = _published(header, source)
    title = header[0].lstrip("#").strip() if header else None
    if title and (len(title) > MAX_TITLE_CHARS or _PUBLISHED.match(title)):
        title = None
    return Document.from_text(
        text,
        id=doc_id,
        source=source,
        title=title or None,
        published=published,
        language=detect_language(text),
    )


def _published(header: list[str], source: str) -> date | None:
    for line in header:
        match = _PUBLISHED.match(line)
        if match:
            try:
                return date.fromisoformat(match.group(1))
            except ValueError as exc:
                raise InputError(
                    f"'{line}' is not a real date; write Published: YYYY-MM-DD", source=source
                ) from exc
    return None
