"""Corpus JSON documents: `{"id", "url", "title", "published", "language", "text"}`."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from recruitwatch.errors import InputError
from recruitwatch.ingest.read import read_text
from recruitwatch.model import Document


def read_corpus_document(path: Path, *, max_bytes: int) -> Document:
    """A document from one corpus JSON file; `id` and `text` are required, the rest optional."""
    source = str(path)
    try:
        raw: Any = json.loads(read_text(path, max_bytes=max_bytes))
    except json.JSONDecodeError as exc:
        raise InputError(
            f"is not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}", source=source
        ) from exc
    if not isinstance(raw, dict):
        raise InputError("must hold one JSON object with id and text", source=source)
    doc_id = _string(raw, "id", source)
    text = _string(raw, "text", source)
    if not doc_id or not text.strip():
        raise InputError("needs a non-empty 'id' and 'text'", source=source)
    published = _string(raw, "published", source)
    try:
        published_date = date.fromisoformat(published) if published else None
    except ValueError as exc:
        raise InputError(
            f"'published' {published!r} is not a YYYY-MM-DD date", source=source
        ) from exc
    return Document.from_text(
        text,
        id=doc_id,
        source=source,
        url=_string(raw, "url", source) or None,
        title=_string(raw, "title", source) or None,
        published=published_date,
        language=_string(raw, "language", source) or "en",
    )


def _string(raw: dict[str, Any], key: str, source: str) -> str:
    value = raw.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InputError(f"'{key}' must be a string, not {type(value).__name__}", source=source)
    return value
