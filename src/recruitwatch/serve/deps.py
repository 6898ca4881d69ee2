"""Dependencies every route shares: a read-only view of the database, and access checks."""

from __future__ import annotations

import hmac
from collections.abc import Iterator

from fastapi import HTTPException, Request

from recruitwatch.settings import Settings
from recruitwatch.store.browse import Reader, open_reader

COOKIE = "recruitwatch_token"


def reader(request: Request) -> Iterator[Reader]:
    """A dependency: a read-only view of the database for one request."""
    settings: Settings = request.app.state.settings
    found = open_reader(settings.db)
    try:
        yield found
    finally:
        found.close()


def read_access(request: Request) -> None:
    """A dependency: reads are open unless the server was started private."""
    settings: Settings = request.app.state.settings
    if settings.private and not _has_token(request, settings, cookie=True):
        raise HTTPException(
            401,
            "this server is private: send Authorization: Bearer <RECRUITWATCH_TOKEN>,"
            " or sign in at /login",
            headers={"WWW-Authenticate": "Bearer"},
        )


def write_access(request: Request) -> None:
    """A dependency: writes need the token in the Authorization header (never a cookie, so a
    page elsewhere cannot make a browser write)."""
    settings: Settings = request.app.state.settings
    if not settings.token:
        raise HTTPException(
            403, "writes are off: start the server with RECRUITWATCH_TOKEN set to allow them"
        )
    if not _has_token(request, settings, cookie=False):
        raise HTTPException(
            401,
            "this needs the token: send Authorization: Bearer <RECRUITWATCH_TOKEN>",
            headers={"WWW-Authenticate": "Bearer"},
        )


def token_matches(settings: Settings, offered: str) -> bool:
    # Constant-time, so response timing does not reveal how much of a guess was right.
    expected = settings.token or ""
    return bool(expected) and hmac.compare_digest(offered.encode(), expected.encode())


def _has_token(request: Request, settings: Settings, *, cookie: bool) -> bool:
    scheme, _, offered = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token_matches(settings, offered.strip()):
        return True
    return cookie and token_matches(settings, request.cookies.get(COOKIE, ""))
