"""Who is asking: a bearer token on the API (an account's, or the server's RECRUITWATCH_TOKEN
as admin), a session cookie on the pages; CSRF tokens for the pages' forms; failed sign-ins
slowed down.

A session cookie never authorises an API write: only the Authorization header does, so a page
elsewhere cannot make a browser write through the API. Page forms that write carry the
session's CSRF token, and the cookie is SameSite=Strict as well.
"""

from __future__ import annotations

import hmac
import threading
import time
from dataclasses import dataclass, field

from fastapi import HTTPException, Request, Response
from starlette.concurrency import run_in_threadpool

from recruitwatch.accounts import SERVER_TOKEN_ACCOUNT, Account, new_csrf_token, split_token
from recruitwatch.settings import Settings
from recruitwatch.store import open_sql_store

SESSION_COOKIE = "recruitwatch_session"
# Before a session exists, the sign-in form's CSRF token is checked against this cookie.
LOGIN_CSRF_COOKIE = "recruitwatch_login_csrf"
CSRF_FIELD = "csrf"
# Failed sign-ins from one address allowed before each further try has to wait; the wait
# doubles with each failure up to the cap, and a success clears the count.
FREE_FAILURES = 3
MAX_WAIT_SECONDS = 300.0
# Addresses remembered at most; the oldest go first, so a flood cannot grow memory.
MAX_TRACKED = 10_000
_UNSET = object()  # not looked up yet for this request


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def token_matches(settings: Settings, offered: str) -> bool:
    # Constant-time, so response timing does not reveal how much of a guess was right.
    expected = settings.token or ""
    return bool(expected) and hmac.compare_digest(offered.encode(), expected.encode())


def token_account(settings: Settings, token: str) -> Account | None:
    """The account a token belongs to: the server's own token is an admin; an account's
    token is looked up by its prefix and checked against its hash. Blocking (scrypt)."""
    token = token.strip()
    if token_matches(settings, token):
        return Account(name=SERVER_TOKEN_ACCOUNT, role="admin")
    if split_token(token) is None:
        return None
    with open_sql_store(settings.db) as store:
        return store.account_for_token(token)


def bearer(authorization: str) -> str | None:
    scheme, _, offered = authorization.partition(" ")
    return offered.strip() if scheme.lower() == "bearer" and offered.strip() else None


async def api_account(request: Request) -> Account | None:
    """The account of the request's bearer token (once per request), else None."""
    if getattr(request.state, "api_account", _UNSET) is _UNSET:
        token = bearer(request.headers.get("authorization", ""))
        found = None
        if token is not None:
            found = await run_in_threadpool(token_account, settings_of(request), token)
        request.state.api_account = found
    account: Account | None = request.state.api_account
    return account


async def write_refusal(request: Request) -> tuple[int, str] | None:
    """Why an API write is refused (status, message), or None. Checked before the body is
    read, so no one without a token makes the server read and parse a large body."""
    if await api_account(request) is not None:
        return None
    settings = settings_of(request)
    if not settings.token and not await run_in_threadpool(_has_users, settings):
        return 403, (
            "writes are off: start the server with RECRUITWATCH_TOKEN set, or add an account"
            " with `recruitwatch users add NAME`"
        )
    return 401, (
        "this needs a token: send Authorization: Bearer <token> (an account's, from"
        " `recruitwatch users add`, or RECRUITWATCH_TOKEN)"
    )


def _has_users(settings: Settings) -> bool:
    with open_sql_store(settings.db) as store:
        return any(user.revoked_at is None for user in store.list_users())


async def write_access(request: Request) -> Account:
    """A dependency: the API writer's account, or 401/403."""
    refusal = await write_refusal(request)
    if refusal is not None:
        status, message = refusal
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        raise HTTPException(status, message, headers=headers)
    account = await api_account(request)
    assert account is not None  # no refusal means a known account
    return account


async def admin_api_access(request: Request) -> Account:
    """A dependency: an admin's bearer token."""
    account = await api_account(request)
    if account is None:
        raise HTTPException(
            401,
            "this needs an admin's token: send Authorization: Bearer <token>",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if not account.is_admin:
        raise HTTPException(403, f"{account.name} is a {account.role}; this needs an admin")
    return account


# --- sessions (the pages) --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Session:
    account: Account
    csrf: str


async def page_session(request: Request) -> Session | None:
    """The live session of the request's cookie (looked up once per request), else None."""
    if getattr(request.state, "page_session", _UNSET) is _UNSET:
        return await run_in_threadpool(session_now, request)
    return session_now(request)


def session_now(request: Request) -> Session | None:
    """As `page_session`, blocking: for routes that run on a worker thread."""
    if getattr(request.state, "page_session", _UNSET) is _UNSET:
        cookie = request.cookies.get(SESSION_COOKIE)
        request.state.page_session = (
            _lookup_session(settings_of(request), cookie) if cookie else None
        )
    session: Session | None = request.state.page_session
    return session


def _lookup_session(settings: Settings, cookie: str) -> Session | None:
    with open_sql_store(settings.db) as store:
        found = store.session_account(cookie)
    return Session(account=found[0], csrf=found[1]) if found else None


def open_session(request: Request, response: Response, account: Account) -> None:
    settings = settings_of(request)
    with open_sql_store(settings.db) as store:
        session_id, _csrf = store.open_session(account, settings.session_hours)
    response.set_cookie(
        SESSION_COOKIE,
        session_id,
        max_age=int(settings.session_hours * 3600),
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE)


def close_session(request: Request, response: Response) -> None:
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        with open_sql_store(settings_of(request).db) as store:
            store.end_session(cookie)
    response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="strict")


def login_csrf(request: Request) -> str:
    """The sign-in form's CSRF token: the one in the visitor's cookie, or a new one (the
    caller sets the cookie with `remember_login_csrf`)."""
    return request.cookies.get(LOGIN_CSRF_COOKIE) or new_csrf_token()


def remember_login_csrf(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        max_age=3600,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def csrf_matches(expected: str | None, offered: object) -> bool:
    return (
        bool(expected)
        and isinstance(offered, str)
        and hmac.compare_digest(offered.encode(), (expected or "").encode())
    )


# --- failed sign-ins -------------------------------------------------------------------------


@dataclass(slots=True)
class SignInThrottle:
    """Failed sign-ins per client address: after FREE_FAILURES, each try must wait twice as
    long as the last (to MAX_WAIT_SECONDS). One per app; a lock, as requests run on threads."""

    failures: dict[str, tuple[int, float]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def wait(self, client: str) -> float:
        """Seconds this address must still wait before trying again (0: may try now)."""
        with self.lock:
            count, last = self.failures.get(client, (0, 0.0))
        if count < FREE_FAILURES:
            return 0.0
        delay = min(2.0 ** (count - FREE_FAILURES), MAX_WAIT_SECONDS)
        return max(0.0, last + delay - time.monotonic())

    def failed(self, client: str) -> None:
        with self.lock:
            count, _ = self.failures.pop(client, (0, 0.0))
            self.failures[client] = (count + 1, time.monotonic())
            while len(self.failures) > MAX_TRACKED:
                del self.failures[next(iter(self.failures))]

    def succeeded(self, client: str) -> None:
        with self.lock:
            self.failures.pop(client, None)


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"
