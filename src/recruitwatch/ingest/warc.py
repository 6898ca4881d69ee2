"""WARC and WARC.gz crawls by warcio, streamed record by record: memory stays flat with size.

HTML `response` records become documents (target URI, page date or else the capture date);
requests, metadata, redirects and non-HTML responses are skipped. warcio reads damaged files
leniently and silently; the checks here turn the damage into failures:

* a record whose body ends before its Content-Length (a truncated file, a cut gzip member, or
  a Content-Length larger than the record) fails as truncated;
* a record not followed by the blank line the format requires (a Content-Length smaller than
  the record) fails as having a wrong Content-Length, and reading resumes at the next record;
* a file that ends inside a gzip member fails at that member (warcio drops it silently);
* a record without a WARC-Type header fails; anything warcio cannot parse (a negative or
  non-numeric Content-Length, garbage between records, a header line longer than
  `MAX_HEADER_LINE`) fails at that offset, and reading resumes at the next record header
  (the next gzip member of a .warc.gz), so one bad record never loses the good ones after it.

A .warc.gz compressed whole (one gzip member, not one per record) has no member to resume at:
it is read as plain WARC through the decompressor, which keeps the last record's bytes so that
reading can step back to just after a damaged record's start.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import zlib
from collections.abc import Generator, Iterator
from datetime import date, datetime
from typing import IO, Any, Protocol

from recruitwatch.errors import InputError
from recruitwatch.ingest.html import read_html
from recruitwatch.ingest.ids import url_id
from recruitwatch.ingest.items import Failure
from recruitwatch.model import Document

_HTML_TYPES = ("text/html", "application/xhtml+xml")
# A header line (WARC or HTTP) longer than this is damage or an attack, never a header: warcio
# would otherwise hold the whole line in memory (600 MB took 2 GB).
MAX_HEADER_LINE = 64 * 1024
# Where a record can start again after damage: a line "WARC/1.x", or a gzip member's magic.
_WARC_START = b"\nWARC/1."
_GZIP_START = b"\x1f\x8b\x08"
_SCAN_CHUNK = 1024 * 1024


class _Stream(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...
    def seek(self, target: int, whence: int = 0, /) -> int: ...
    def tell(self) -> int: ...


class _LookBack:
    """A forward-only stream (a whole-file gzip, decompressed) that can seek back over the last
    `window` bytes read, and no further: reading resumes just after a damaged record's start,
    or at the earliest byte still kept (what lies before it is past the record anyway)."""

    def __init__(self, raw: _Stream, window: int):
        self.raw = raw
        self.window = window
        self.kept = bytearray()
        self.kept_from = 0  # the offset of kept[0]
        self.position = 0

    def tell(self) -> int:
        return self.position

    def seek(self, target: int, whence: int = 0, /) -> int:
        if whence == io.SEEK_CUR:
            target += self.position
        elif whence != io.SEEK_SET:
            raise io.UnsupportedOperation("a decompressing stream has no known end")
        self.position = max(target, self.kept_from)
        while self.position > self._end() and self._more(_SCAN_CHUNK):
            pass
        self.position = min(self.position, self._end())
        return self.position

    def read(self, size: int = -1, /) -> bytes:
        size = _SCAN_CHUNK if size < 0 else min(size, _SCAN_CHUNK)
        if self.position >= self._end() and not self._more(size):
            return b""
        offset = self.position - self.kept_from
        data = bytes(self.kept[offset : offset + size])
        self.position += len(data)
        return data

    def _end(self) -> int:
        return self.kept_from + len(self.kept)

    def _more(self, size: int) -> bool:
        data = self.raw.read(size)
        self.kept += data
        if len(self.kept) > 2 * self.window:  # drop the oldest, a window's worth kept
            drop = len(self.kept) - self.window
            del self.kept[:drop]
            self.kept_from += drop
        return bool(data)


def _member_per_record(stream: IO[bytes], start: int, record_bytes: int) -> bool:
    """Whether the .warc.gz's first gzip member ends within one record's bytes and another
    follows (one member per record, as the WARC standard recommends), not holding the whole
    crawl."""
    stream.seek(start)
    decompressor = zlib.decompressobj(wbits=31)
    produced = 0
    try:
        while not decompressor.eof and produced <= record_bytes:
            data = decompressor.unconsumed_tail or stream.read(_SCAN_CHUNK)
            if not data:
                break  # a cut member: the member reader reports it
            produced += len(decompressor.decompress(data, _SCAN_CHUNK))
    except zlib.error:
        return True  # damage: the member reader reports it and resumes after it
    if not decompressor.eof:
        return produced <= record_bytes  # cut short: the member reader reports it
    return bool(decompressor.unused_data or stream.read(1))


def read_warc(stream: IO[bytes], *, source: str, max_bytes: int) -> Iterator[Document | Failure]:
    """Documents for the HTML responses in a WARC stream (seekable), with failures for damaged
    records; after damage, reading resumes at the next record."""
    start = stream.tell()
    gzipped = stream.read(2) == b"\x1f\x8b"
    # A record: its HTML body under the document cap, its header lines under theirs.
    record_bytes = max_bytes + 4 * MAX_HEADER_LINE
    if gzipped and not _member_per_record(stream, start, record_bytes):
        stream.seek(start)
        with gzip.GzipFile(fileobj=stream, mode="rb") as whole:
            yield from _read_resuming(_LookBack(whole, record_bytes), 0, source, max_bytes, False)
        return
    yield from _read_resuming(stream, start, source, max_bytes, gzipped)


def _read_resuming(
    stream: _Stream, start: int, source: str, max_bytes: int, gzipped: bool
) -> Iterator[Document | Failure]:
    resume: int | None = start
    while resume is not None:
        stream.seek(resume)
        after = yield from _read_from(stream, source, max_bytes, gzipped)
        resume = after if after is not None and after > resume else None  # always forward


def _read_from(
    stream: _Stream, source: str, max_bytes: int, gzipped: bool
) -> Generator[Document | Failure, None, int | None]:
    """Records from the stream's position on; returns where to resume after damage (None at
    the end of the file)."""
    from warcio.exceptions import ArchiveLoadFailed

    records = _iterator(stream)
    pending: Document | Failure | None = None
    pending_record: Any = None
    # warcio counts offsets from where its iterator starts: made absolute from `base`.
    base = stream.tell()
    pending_offset = base
    while True:
        errors_before = records.err_count
        try:
            # warcio writes its Content-Length warnings to stderr; err_count carries them here.
            with contextlib.redirect_stderr(io.StringIO()):
                record = next(records, None)
        # AttributeError: warcio parses a response record without its HTTP headers into None.
        except (
            ArchiveLoadFailed,
            zlib.error,
            EOFError,
            OSError,
            ValueError,
            AttributeError,
        ) as exc:
            failed_at = base + records.offset
            if pending is not None:
                yield _checked(pending, pending_record, source, records.err_count > errors_before)
            yield Failure(
                f"{source}@{failed_at}",
                f"unreadable WARC data ({exc}); reading resumes at the next record".strip(),
            )
            # In a .warc.gz the damage may lie inside the member of the record just read
            # (its Content-Length too short): resume past that member's start.
            after = max(failed_at, pending_offset) if gzipped else failed_at
            return _next_record_start(stream, after + 1, gzipped)
        if pending is not None:
            bad_length = records.err_count > errors_before
            yield _checked(pending, pending_record, source, bad_length)
            if bad_length and not gzipped:
                # A wrong Content-Length may have swallowed the start of the next record:
                # look for it from just after the bad record's own header.
                return _next_record_start(stream, pending_offset + 1, gzipped)
        if record is None:
            if records.cut_gzip:
                yield Failure(
                    f"{source}@{base + records.offset}",
                    "the file ends inside a gzip member (truncated download?);"
                    " the records in it are lost",
                )
            return None
        pending_offset = base + records.offset
        pending, pending_record = _read_record(record, source, pending_offset, max_bytes)


def _next_record_start(stream: _Stream, after: int, gzipped: bool) -> int | None:
    """The offset of the next record header (gzip member) at or after `after`; None if none.
    One pass over the bytes, a chunk at a time."""
    marker = _GZIP_START if gzipped else _WARC_START
    stream.seek(after)
    position = after  # the offset of `window`'s first byte
    window = b""
    while chunk := stream.read(_SCAN_CHUNK):
        window += chunk
        found = window.find(marker)
        if found >= 0:
            return position + found + (0 if gzipped else 1)  # a WARC line starts after "\n"
        keep = len(marker) - 1
        position += len(window) - keep
        window = window[-keep:]
    return None


def _iterator(stream: _Stream) -> Any:
    from warcio.archiveiterator import ArchiveIterator

    class Records(ArchiveIterator):  # type: ignore[misc]
        """warcio's iterator, noting whether the file ended inside a gzip member, and reading
        header lines no longer than MAX_HEADER_LINE."""

        cut_gzip = False

        def __init__(self, fileobj: _Stream) -> None:
            super().__init__(fileobj)
            read_line = self.reader.readline

            def bounded_line(length: int | None = None) -> bytes:
                # warcio's own readline(length) may stop short of `length` mid-line; this
                # reads on until a newline, the end, or one byte past the bound.
                limit = MAX_HEADER_LINE + 1 if length is None else min(length, MAX_HEADER_LINE + 1)
                parts: list[bytes] = []
                size = 0
                while size < limit:
                    part: bytes = read_line(limit - size)
                    if not part:
                        break
                    parts.append(part)
                    size += len(part)
                    if part.endswith(b"\n"):
                        break
                line = b"".join(parts)
                if size > MAX_HEADER_LINE and not line.endswith(b"\n"):
                    raise ValueError(f"a header line is longer than {MAX_HEADER_LINE} bytes")
                return line

            self.reader.readline = bounded_line

        def close(self) -> None:
            # warcio closes the reader at the end of the file; look at it before it goes.
            decompressor = getattr(self.reader, "decompressor", None)
            if decompressor is not None and not getattr(decompressor, "eof", True):
                self.cut_gzip = True
            super().close()

    return Records(stream)


def _read_record(
    record: Any, source: str, offset: int, max_bytes: int
) -> tuple[Document | Failure | None, Any]:
    if not record.rec_type:
        return Failure(
            f"{source}@{offset}", "record has no WARC-Type header: not a WARC record"
        ), None
    if record.rec_type != "response" or record.http_headers is None:
        return None, None
    status = record.http_headers.get_statuscode() or ""
    content_type = (record.http_headers.get_header("Content-Type") or "").lower()
    if not status.startswith("2") or not content_type.startswith(_HTML_TYPES):
        return None, None
    uri = record.rec_headers.get_header("WARC-Target-URI") or ""
    where = f"{source}@{offset}"
    body = record.content_stream().read(max_bytes + 1)
    if len(body) > max_bytes:
        return Failure(where, f"{uri}: page larger than the {max_bytes} byte limit"), record
    try:
        document = read_html(
            body,
            doc_id=url_id(uri) if uri else where,
            source=source,
            url=uri or None,
            charset=_charset(content_type),
            fallback_date=_warc_date(record.rec_headers.get_header("WARC-Date")),
        )
    except InputError as exc:
        return Failure(where, f"{uri}: {exc.args[0]}"), record
    return document, record


def _checked(
    item: Document | Failure, record: Any, source: str, bad_length: bool
) -> Document | Failure:
    # Known only once warcio has moved past the record: both checks look back at it.
    if isinstance(item, Failure) or record is None:
        return item
    where = f"{source} ({item.url})"
    if record.raw_stream.limit > 0:
        return Failure(where, "WARC record is truncated: the file ends before its Content-Length")
    if bad_length:
        return Failure(
            where, "WARC record's Content-Length does not match its body; record skipped"
        )
    return item


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip() == "charset" and value.strip():
            return value.strip().strip('"')
    return None


def _warc_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).date()
    except ValueError:
        return None
