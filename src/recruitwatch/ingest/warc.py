"""WARC and WARC.gz crawls by warcio, streamed record by record: memory stays flat with size.

HTML `response` records become documents (target URI, page date or else the capture date);
requests, metadata, redirects and non-HTML responses are skipped. warcio reads damaged files
leniently and silently; the checks here turn the damage into failures:

* a record whose body ends before its Content-Length (a truncated file, a cut gzip member, or
  a Content-Length larger than the record) fails as truncated;
* a record not followed by the blank line the format requires (a Content-Length smaller than
  the record) fails as having a wrong Content-Length, and reading resumes at the next record;
* a file that ends inside a gzip member fails at that member (warcio drops it silently);
* a record without a WARC-Type header fails; anything warcio cannot parse at all ends the
  file with one failure at that offset.
"""

from __future__ import annotations

import contextlib
import io
import zlib
from collections.abc import Iterator
from datetime import date, datetime
from typing import IO, Any

from recruitwatch.errors import InputError
from recruitwatch.ingest.html import read_html
from recruitwatch.ingest.ids import url_id
from recruitwatch.ingest.items import Failure
from recruitwatch.model import Document

_HTML_TYPES = ("text/html", "application/xhtml+xml")


def read_warc(stream: IO[bytes], *, source: str, max_bytes: int) -> Iterator[Document | Failure]:
    """Documents for the HTML responses in a WARC stream, with failures for damaged records."""
    from warcio.exceptions import ArchiveLoadFailed

    records = _iterator(stream)
    pending: Document | Failure | None = None
    pending_record: Any = None
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
            if pending is not None:
                yield _checked(pending, pending_record, source, records.err_count > errors_before)
            yield Failure(
                f"{source}@{records.offset}",
                f"unreadable WARC data, the rest of the file is skipped: {exc}".strip(),
            )
            return
        if pending is not None:
            yield _checked(pending, pending_record, source, records.err_count > errors_before)
        if record is None:
            if records.cut_gzip:
                yield Failure(
                    f"{source}@{records.offset}",
                    "the file ends inside a gzip member (truncated download?);"
                    " the records in it are lost",
                )
            return
        pending, pending_record = _read_record(record, source, records.offset, max_bytes)


def _iterator(stream: IO[bytes]) -> Any:
    from warcio.archiveiterator import ArchiveIterator

    class Records(ArchiveIterator):  # type: ignore[misc]
        """warcio's iterator, noting whether the file ended inside a gzip member."""

        cut_gzip = False

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
