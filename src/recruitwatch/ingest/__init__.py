"""Ingest stage: adapters that turn sources into Documents, or into failures so a batch goes on.

`find_sources(locations)` expands folders (recursive, the suffixes in `FOLDER_SUFFIXES`) and
recognises URLs and `-` (standard input); `iter_documents(sources)` yields every Document and
Failure the sources hold. The adapter is chosen by the first bytes (`sniff`), the name only
breaking ties:

    text / markdown  text.py         one document per file
    corpus JSON      corpus_json.py  one document per file; JSON Lines: one per line
    HTML page        html.py         one document (trafilatura)
    RSS / Atom feed  feed.py         one per entry, or per entry's page with `follow`
    Telegram export  telegram.py     one per message
    WARC / WARC.gz   warc.py         one per HTML response, streamed
    URL              fetch.py        fetched, then read as any of the above except WARC
"""

from __future__ import annotations

import io
import json
import logging
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from recruitwatch.errors import InputError
from recruitwatch.ingest.corpus_json import (
    TOO_DEEP,
    document_from_object,
    read_corpus_document,
    read_json_lines,
)
from recruitwatch.ingest.feed import PageReader, read_feed
from recruitwatch.ingest.fetch import Fetched, Fetcher, FetchPolicy
from recruitwatch.ingest.html import read_html
from recruitwatch.ingest.ids import url_id
from recruitwatch.ingest.items import Failure
from recruitwatch.ingest.read import (
    check_size,
    check_size_on_disk,
    decode_text,
    read_bytes,
    read_head,
)
from recruitwatch.ingest.sniff import HEAD_BYTES, Kind, sniff
from recruitwatch.ingest.telegram import read_telegram
from recruitwatch.ingest.text import text_document
from recruitwatch.ingest.warc import read_warc
from recruitwatch.model import Document, content_hash
from recruitwatch.settings import DEFAULT_MAX_BYTES, DEFAULT_MAX_EXPORT_BYTES

FOLDER_SUFFIXES = frozenset(
    {".txt", ".md", ".json", ".jsonl", ".ndjson", ".html", ".htm", ".xml", ".rss", ".atom"}
    | {".warc", ".gz"}  # .gz only as .warc.gz, see _in_folder
)
STDIN = "-"
# Kinds of file that hold many documents, under the larger cap: a channel's history, a feed,
# a scraper's dump (the first and last streamed, a message or line at a time).
_EXPORT_KINDS: frozenset[Kind] = frozenset({"telegram", "jsonl", "feed"})

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Source:
    """A file to read; `doc_id` names single-document files (containers name their own)."""

    path: Path
    doc_id: str


@dataclass(frozen=True, slots=True)
class UrlSource:
    url: str


@dataclass(frozen=True, slots=True)
class StdinSource:
    pass


Input = Source | UrlSource | StdinSource | Failure
# The fetcher, made on first use: reading files never opens an HTTP client.
_Web = Callable[[], Fetcher]


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How sources are read. `max_bytes` caps one document (a file, a page, a WARC record);
    `max_export_bytes` a file read whole that holds many (Telegram export, feed, JSON Lines)."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_export_bytes: int = DEFAULT_MAX_EXPORT_BYTES
    follow: bool = False  # feeds: fetch and extract each entry's page instead of its summary
    fetch: FetchPolicy = field(default_factory=FetchPolicy)


def find_sources(locations: Iterable[Path | str]) -> list[Input]:
    """Sources to read, in a stable order; a path that does not exist becomes a Failure."""
    found: list[Input] = []
    for location in locations:
        text = str(location)
        if isinstance(location, str) and location == STDIN:
            found.append(StdinSource())
        elif isinstance(location, str) and urlsplit(text).scheme in ("http", "https"):
            found.append(UrlSource(text))
        else:
            found.extend(_file_sources(Path(location)))
    return found


def _file_sources(path: Path) -> list[Input]:
    if path.is_dir():
        found: list[Input] = []
        for file in sorted(path.rglob("*")):
            relative = file.relative_to(path)
            # Hidden folders (.git, .venv) hold tool files, not documents.
            hidden = any(part.startswith(".") for part in relative.parts)
            if hidden or not _in_folder(file) or file.is_dir():
                continue
            not_file = _not_a_file(file)
            if not_file is not None:  # listed, never skipped silently
                found.append(Failure(str(file), not_file))
            else:
                # The path below the folder, so equal names in sibling folders stay apart.
                found.append(Source(file, relative.with_suffix("").as_posix()))
        return found
    if path.exists() or path.is_symlink():
        not_file = _not_a_file(path)
        return [Failure(str(path), not_file)] if not_file else [Source(path, path.stem)]
    return [Failure(str(path), "does not exist")]


def _not_a_file(path: Path) -> str | None:
    """Why `path` cannot be read as a document file (a link to nothing, a named pipe that
    would block the run, a device or socket), or None for a regular file."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "is a symbolic link to nothing (its target does not exist)"
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "is a named pipe (FIFO), not a file; reading it could block the run"
    return "is not a regular file (a device or a socket)"


def _in_folder(file: Path) -> bool:
    suffix = file.suffix.lower()
    if suffix == ".gz":
        return file.name.lower().endswith(".warc.gz")
    return suffix in FOLDER_SUFFIXES


def iter_documents(
    sources: Iterable[Input],
    *,
    options: ReadOptions | None = None,
    fetcher: Fetcher | None = None,
) -> Iterator[Document | Failure]:
    """Every Document and Failure the sources hold, in order; a bad one never stops the batch.

    URLs (and `follow`) use `fetcher`, else one made from `options.fetch` and closed at the end.
    """
    options = options or ReadOptions()
    with ExitStack() as stack:

        def web() -> Fetcher:
            nonlocal fetcher
            if fetcher is None:
                fetcher = stack.enter_context(Fetcher(options.fetch))
            return fetcher

        for source in sources:
            if isinstance(source, Failure):
                yield source
                continue
            name = source_name(source)
            try:
                if isinstance(source, Source):
                    yield from _file_documents(source, options, web)
                elif isinstance(source, UrlSource):
                    yield from url_documents(source.url, web(), options)
                else:
                    yield from _stdin_documents(options, web)
            except Exception as exc:
                # Whatever one source raises (our InputError, a parser's bug, a library that
                # failed to import) is that source's failure: the rest of the run goes on. The
                # traceback goes to the debug log (`recruitwatch --debug`).
                if not isinstance(exc, InputError):
                    logger.debug("reading %s failed", name, exc_info=True)
                yield Failure.from_error(exc, name)


def read_document(source: Source, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """The document in a single-document file; InputError naming the file otherwise."""
    items = list(iter_documents([source], options=ReadOptions(max_bytes=max_bytes)))
    if len(items) == 1 and isinstance(items[0], Document):
        return items[0]
    if len(items) == 1 and isinstance(items[0], Failure):
        raise InputError(items[0].reason, source=items[0].source)
    raise InputError(
        f"holds {len(items)} documents; read it with iter_documents", source=str(source.path)
    )


def url_documents(
    url: str,
    fetcher: Fetcher,
    options: ReadOptions,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
) -> Iterator[Document | Failure]:
    """Fetch `url` and read what it returns (a page, a feed, JSON or text); nothing when the
    server says it is unchanged since `etag` / `last_modified`."""
    fetched = fetcher.get(url, etag=etag, last_modified=last_modified)
    yield from read_fetched(fetched, source=url, fetcher=fetcher, options=options)


def read_fetched(
    fetched: Fetched,
    *,
    source: str,
    fetcher: Fetcher,
    options: ReadOptions,
    skip_link: Callable[[str], bool] | None = None,
) -> Iterator[Document | Failure]:
    """The documents in a response; with `options.follow`, feed entries whose link
    `skip_link` accepts (already stored, say) are not fetched again."""
    if fetched.not_modified:
        return
    kind = sniff(fetched.content[:HEAD_BYTES], urlsplit(fetched.url).path)
    if kind == "warc":
        raise InputError("is a WARC archive; download it and ingest the file", source=source)
    yield from _bytes_documents(
        kind,
        fetched.content,
        source=source,
        doc_id=url_id(fetched.url),
        url=fetched.url,
        charset=fetched.charset,
        options=options,
        follow=_follower(fetcher, options) if options.follow else None,
        skip_link=skip_link,
    )


def _file_documents(
    source: Source, options: ReadOptions, web: _Web
) -> Iterator[Document | Failure]:
    path = source.path
    head = read_head(path, HEAD_BYTES)
    kind = sniff(head, path.name)
    if kind == "warc":
        with path.open("rb") as stream:
            yield from read_warc(stream, source=str(path), max_bytes=options.max_bytes)
        return
    cap = options.max_export_bytes if kind in _EXPORT_KINDS else options.max_bytes
    if kind == "json":
        yield read_corpus_document(path, max_bytes=cap)
        return
    if kind in ("jsonl", "telegram"):  # streamed: the file is never in memory whole
        check_size_on_disk(path, max_bytes=cap)
        read = read_json_lines if kind == "jsonl" else read_telegram
        with path.open("rb") as stream:
            yield from read(stream, source=str(path), max_bytes=options.max_bytes)
        return
    data = read_bytes(path, max_bytes=cap)
    follow = _follower(web(), options) if options.follow and kind == "feed" else None
    yield from _bytes_documents(
        kind, data, source=str(path), doc_id=source.doc_id, options=options, follow=follow
    )


def _stdin_documents(options: ReadOptions, web: _Web) -> Iterator[Document | Failure]:
    # Standard input cannot be read twice: one bounded read, then sniffed like a file.
    data = check_size(
        sys.stdin.buffer.read(options.max_export_bytes + 1),
        max_bytes=options.max_export_bytes,
        source="<stdin>",
    )
    kind = sniff(data[:HEAD_BYTES], "")
    if kind == "warc":
        yield from read_warc(io.BytesIO(data), source="<stdin>", max_bytes=options.max_bytes)
        return
    follow = _follower(web(), options) if options.follow and kind == "feed" else None
    doc_id = content_hash(data.decode("utf-8", "replace"))[:16]
    yield from _bytes_documents(
        kind, data, source="<stdin>", doc_id=doc_id, options=options, follow=follow
    )


def _bytes_documents(
    kind: Kind,
    data: bytes,
    *,
    source: str,
    doc_id: str,
    options: ReadOptions,
    url: str | None = None,
    charset: str | None = None,
    follow: PageReader | None = None,
    skip_link: Callable[[str], bool] | None = None,
) -> Iterator[Document | Failure]:
    if kind == "html":
        yield read_html(data, doc_id=doc_id, source=source, url=url, charset=charset)
    elif kind == "feed":
        yield from read_feed(data, source=source, base_url=url, follow=follow, skip=skip_link)
    elif kind == "telegram":
        yield from read_telegram(io.BytesIO(data), source=source, max_bytes=options.max_bytes)
    elif kind == "jsonl":
        lines = io.BytesIO(data)
        yield from read_json_lines(lines, source=source, max_bytes=options.max_bytes)
    elif kind == "json":
        yield _json_document(data, source=source, doc_id=doc_id, url=url)
    else:
        text = decode_text(data, source=source)
        document = text_document(text, doc_id=doc_id, source=source)
        yield document if url is None else replace(document, url=url)


def _json_document(data: bytes, *, source: str, doc_id: str, url: str | None) -> Document:
    try:
        raw = json.loads(decode_text(data, source=source))
    except json.JSONDecodeError as exc:
        raise InputError(f"is not valid JSON: {exc.msg}", source=source) from exc
    except RecursionError as exc:
        raise InputError(TOO_DEEP, source=source) from exc
    if not isinstance(raw, dict):
        raise InputError("must hold one JSON object with text", source=source)
    return document_from_object({"id": doc_id, "url": url, **raw}, source=source)


def _follower(fetcher: Fetcher, options: ReadOptions) -> PageReader:
    def read_page(link: str) -> Document:
        fetched = fetcher.get(link)
        return read_html(
            fetched.content,
            doc_id=url_id(fetched.url),
            source=link,
            url=fetched.url,
            charset=fetched.charset,
        )

    return read_page


def source_name(source: Source | UrlSource | StdinSource) -> str:
    if isinstance(source, Source):
        return str(source.path)
    return source.url if isinstance(source, UrlSource) else "<stdin>"


def samples_dir() -> Path:
    """The folder of bundled sample texts that `recruitwatch demo` ingests."""
    folder = resources.files("recruitwatch") / "samples"
    if not isinstance(folder, Path):
        raise InputError("the bundled samples are not on the file system (zipped install?)")
    return folder


__all__ = [
    "FOLDER_SUFFIXES",
    "STDIN",
    "Failure",
    "FetchPolicy",
    "Fetched",
    "Fetcher",
    "Input",
    "ReadOptions",
    "Source",
    "StdinSource",
    "UrlSource",
    "find_sources",
    "iter_documents",
    "read_document",
    "read_fetched",
    "samples_dir",
    "source_name",
    "url_documents",
]
