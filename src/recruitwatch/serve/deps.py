"""Dependencies every route shares: a read-only view of the database, and access checks."""

from __future__ import annotations

import hmac
from collections.abc import Iterator

from fastapi import HTTPException, Request

from recruitwatch.settings import Settings
from recruitwatch.store.browse import Reader
from recruitwatch.store.readers import ReaderPool

COOKIE = "recruitwatch_token"


def reader(request: Request) -> Iterator[Reader]:
    """A dependency: a read-only view of the database for one request (on PostgreSQL, a
    connection lent by the app's pool)."""
    readers: ReaderPool = request.app.state.readers
    with readers.reader() as found:
        yield found


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
    refusal = write_refusal(request.app.state.settings, request.headers.get("authorization", ""))
    if refusal is not None:
        status, message = refusal
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        raise HTTPException(status, message, headers=headers)


def write_refusal(settings: Settings, authorization: str) -> tuple[int, str] | None:
    """Why a write with this Authorization header is refused (status, message), or None.
    Also checked before a request's body is read, so no one without the token makes the
    server read and parse a large body."""
    if not settings.token:
        return 403, "writes are off: start the server with RECRUITWATCH_TOKEN set to allow them"
    if not _bearer_matches(settings, authorization):
        return 401, "this needs the token: send Authorization: Bearer <RECRUITWATCH_TOKEN>"
    return None


def token_matches(settings: Settings, offered: str) -> bool:
    # Constant-time, so response timing does not reveal how much of a guess was right.
    expected = settings.token or ""
    return bool(expected) and hmac.compare_digest(offered.encode(), expected.encode())


def _has_token(request: Request, settings: Settings, *, cookie: bool) -> bool:
    if _bearer_matches(settings, request.headers.get("authorization", "")):
        return True
    return cookie and token_matches(settings, request.cookies.get(COOKIE, ""))


def _bearer_matches(settings: Settings, authorization: str) -> bool:
    scheme, _, offered = authorization.partition(" ")
    return scheme.lower() == "bearer" and token_matches(settings, offered.strip())
