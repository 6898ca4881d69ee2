"""Which adapter reads a source, decided by its first bytes; the name only breaks ties."""

from __future__ import annotations

import re
import zlib
from typing import Literal

Kind = Literal["text", "json", "jsonl", "telegram", "html", "feed", "warc"]

# Enough for an XML prolog, a doctype and comments before the root element.
HEAD_BYTES = 4096
_GZIP_MAGIC = b"\x1f\x8b"
_FEED_ROOT = re.compile(rb"<(?:rss|feed|rdf:rdf)[\s>]")
_HTML_ROOT = re.compile(rb"<(?:!doctype\s+html|html|head|body|meta|title|article|div|p)[\s>/]")
# Telegram Desktop writes name, type and id before the messages list; a "messages" key of
# another shape still goes to the Telegram reader, which says what is wrong with it.
_TELEGRAM = re.compile(rb'"messages"\s*:')
_BY_SUFFIX: dict[str, Kind] = {
    ".warc": "warc",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".xml": "feed",
    ".rss": "feed",
    ".atom": "feed",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
}


def sniff(head: bytes, name: str) -> Kind:
    """The kind of a source from its first bytes (`HEAD_BYTES` are enough) and its file name."""
    if head.startswith(_GZIP_MAGIC):
        head = _gunzip_start(head)
    if head.startswith(b"WARC/"):
        return "warc"
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith(b"<"):
        if _FEED_ROOT.search(start):
            return "feed"
        if _HTML_ROOT.search(start):
            return "html"
    if start.startswith(b"{"):
        if _TELEGRAM.search(start):
            return "telegram"
        first, newline, rest = start.partition(b"\n")
        if newline and first.rstrip().endswith(b"}") and rest.lstrip().startswith(b"{"):
            return "jsonl"
    return _by_name(name)


def _by_name(name: str) -> Kind:
    lowered = name.lower()
    if lowered.endswith(".warc.gz"):
        return "warc"
    suffix = lowered[lowered.rfind(".") :] if "." in lowered else ""
    return _BY_SUFFIX.get(suffix, "text")


def _gunzip_start(head: bytes) -> bytes:
    # A WARC.gz is a series of gzip members; the first few hundred bytes say "WARC/1.x".
    try:
        return zlib.decompressobj(zlib.MAX_WBITS | 16).decompress(head, 64)
    except zlib.error:
        return b""
