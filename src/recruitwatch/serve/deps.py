"""Dependencies every route shares: a read-only view of the database, and access checks."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import HTTPException, Request

from recruitwatch.serve.auth import api_account, page_session, settings_of
from recruitwatch.store.browse import Reader
from recruitwatch.store.readers import ReaderPool


def reader(request: Request) -> Iterator[Reader]:
    """A dependency: a read-only view of the database for one request (on PostgreSQL, a
    connection lent by the app's pool)."""
    readers: ReaderPool = request.app.state.readers
    with readers.reader() as found:
        yield found


async def read_access(request: Request) -> None:
    """A dependency: reads are open unless the server was started private; then they need a
    token (bearer) or a signed-in session."""
    if not settings_of(request).private:
        return
    if await api_account(request) is None and await page_session(request) is None:
        raise HTTPException(
            401,
            "this server is private: send Authorization: Bearer <token>, or sign in at /login",
            headers={"WWW-Authenticate": "Bearer"},
        )
