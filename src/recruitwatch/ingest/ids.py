"""Document ids from where a document lives, so a changed page keeps its id and is updated."""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

# Ids are typed on the command line (`recruitwatch show ID`); longer URLs are cut and hashed.
MAX_ID_CHARS = 120


def url_id(url: str) -> str:
    """`example.org/news/bonus` for `https://www.example.org/news/bonus/#top`: scheme, `www.`,
    fragment and trailing slash dropped, the query kept (it often names the article)."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").removeprefix("www.")
    if parts.port:
        host = f"{host}:{parts.port}"
    path = parts.path.rstrip("/")
    ident = f"{host}{path}" + (f"?{parts.query}" if parts.query else "")
    if len(ident) <= MAX_ID_CHARS:
        return ident
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:12]
    return f"{ident[: MAX_ID_CHARS - 13]}-{digest}"
