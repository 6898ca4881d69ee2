"""Corpus JSON documents `{"id", "url", "title", "published", "language", "text"}`, one per file,
and JSON Lines of the same objects (`id` optional there) from users' own scrapers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import IO, Any

from recruitwatch.errors import InputError
from recruitwatch.ingest.ids import url_id
from recruitwatch.ingest.items import Failure
from recruitwatch.ingest.read import read_text, size_text
from recruitwatch.language import detect_language
from recruitwatch.model import Document, content_hash, unusable_character
from recruitwatch.settings import DEFAULT_MAX_BYTES


def read_corpus_document(path: Path, *, max_bytes: int) -> Document:
    """A document from one corpus JSON file; `id` and `text` are required, the rest optional."""
    source = str(path)
    try:
        raw: Any = json.loads(read_text(path, max_bytes=max_bytes))
    except json.JSONDecodeError as exc:
        raise InputError(
            f"is not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}", source=source
        ) from exc
    except RecursionError as exc:
        raise InputError(TOO_DEEP, source=source) from exc
    if not isinstance(raw, dict):
        raise InputError("must hold one JSON object with id and text", source=source)
    if not _string(raw, "id", source):
        raise InputError("needs a non-empty 'id' and 'text'", source=source)
    return document_from_object(raw, source=source)


TOO_DEEP = "nests arrays or objects too deeply to be a document (a hostile or broken file)"


def read_json_lines(
    stream: IO[bytes], *, source: str, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Document | Failure]:
    """One document per line `{"url", "title", "published", "text"}` (`id`, `language`
    optional), read a line at a time: memory stays at one line whatever the file's size. A bad
    line, or one longer than `max_bytes` (one document's cap), is that line's failure and the
    next line is read."""
    for number, raw_line in enumerate(_lines(stream, max_bytes), start=1):
        where = f"{source}:{number}"
        if raw_line is None:
            yield Failure(
                where,
                f"line is larger than the {size_text(max_bytes)} limit of one document;"
                " raise RECRUITWATCH_MAX_DOCUMENT_BYTES to read it",
            )
            continue
        if b"\x00" in raw_line:
            yield Failure(where, "holds NUL bytes (binary data), not a line of JSON")
            continue
        try:
            line = raw_line.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            yield Failure(where, f"is not UTF-8 (byte 0x{raw_line[exc.start]:02x})")
            continue
        if not line.strip():
            continue
        try:
            raw: Any = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Failure(where, f"is not valid JSON (column {exc.colno}): {exc.msg}")
            continue
        except RecursionError:
            yield Failure(where, TOO_DEEP)
            continue
        if not isinstance(raw, dict):
            yield Failure(where, "must be one JSON object with text")
            continue
        try:
            yield document_from_object(raw, source=where)
        except InputError as exc:
            yield Failure.from_error(exc, where)


def _lines(stream: IO[bytes], max_bytes: int) -> Iterator[bytes | None]:
    """The stream's lines; None for a line longer than `max_bytes`, which is skipped unread."""
    while line := stream.readline(max_bytes + 1):
        if len(line) > max_bytes and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):  # the rest of it, a block at a time
                line = stream.readline(1024 * 1024)
            yield None
        else:
            yield line


def document_from_object(raw: dict[str, Any], *, source: str) -> Document:
    """A document from a JSON object; without an `id` it is named by its url, else its text."""
    text = _string(raw, "text", source)
    if not text.strip():
        raise InputError("needs a non-empty 'id' and 'text'", source=source)
    problem = unusable_character(text)
    if problem is not None:  # before the language detector meets it
        raise InputError(f"the text {problem}; it cannot be stored", source=source)
    url = _string(raw, "url", source) or None
    published = _string(raw, "published", source)
    try:
        published_date = date.fromisoformat(published[:10]) if published else None
    except ValueError as exc:
        raise InputError(
            f"'published' {published!r} is not a YYYY-MM-DD date", source=source
        ) from exc
    doc_id = _string(raw, "id", source) or (url_id(url) if url else content_hash(text)[:16])
    return Document.from_text(
        text,
        id=doc_id,
        source=source,
        url=url,
        title=_string(raw, "title", source) or None,
        published=published_date,
        language=_string(raw, "language", source) or detect_language(text),
    )


def _string(raw: dict[str, Any], key: str, source: str) -> str:
    value = raw.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InputError(f"'{key}' must be a string, not {type(value).__name__}", source=source)
    return value
