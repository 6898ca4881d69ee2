"""The ASGI app: the JSON API under /api/ and the pages, over one database (an SQLite file or
a PostgreSQL database).

Each request reads through a connection of its own that cannot write; only POST
/api/documents writes, through the store and the pipeline like `recruitwatch ingest`.
Errors of every kind leave as one shape (`responses.problem_body`): JSON under /api/, a page
elsewhere.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Mapping
from importlib import resources
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.datastructures import MutableHeaders, QueryParams
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from recruitwatch import __version__
from recruitwatch.errors import QueryError, RecruitwatchError, ReviewError, StoreError
from recruitwatch.serve import api, feeds, regions, web
from recruitwatch.serve.auth import SignInThrottle, write_refusal
from recruitwatch.serve.responses import problem, problem_body, status_phrase
from recruitwatch.settings import Settings
from recruitwatch.store import describe_url, open_store
from recruitwatch.store.readers import ReaderPool

logger = logging.getLogger(__name__)

# Pages and API alike: nothing but this app's own scripts, styles and images, no framing, and
# no inline script, so text that slipped through as markup still could not run.
_SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
        " object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def create_app(settings: Settings) -> FastAPI:
    """The app over `settings.db` (created and migrated now if needed)."""
    if settings.private and not settings.token:
        raise RecruitwatchError(
            "RECRUITWATCH_PRIVATE needs RECRUITWATCH_TOKEN: set the token readers will send"
        )
    with open_store(settings.db):
        pass  # creates the database and applies migrations, so readers find every table
    readers = ReaderPool(settings.db)

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        readers.close()

    app = FastAPI(
        lifespan=lifespan,
        title="recruitwatch",
        version=__version__,
        summary="Military recruitment offers and manpower figures, each with its evidence.",
        # The interactive docs load scripts from a CDN; the schema itself is served.
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.readers = readers
    app.state.sign_ins = SignInThrottle()
    package = resources.files("recruitwatch.serve")
    app.state.templates = Jinja2Templates(directory=str(package / "templates"))
    web.add_filters(app.state.templates.env)
    app.mount("/static", StaticFiles(directory=str(package / "static")), name="static")
    app.include_router(api.router)
    app.include_router(web.router)
    app.include_router(regions.router)
    app.include_router(feeds.router)
    _add_error_handlers(app)
    app.add_middleware(_Guard)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]  # FastAPI's own hook
    return app


class _Guard:
    """Security headers on every response (500s included), the token checked before a write's
    body is read, every body capped in size, and empty form fields dropped from page addresses.

    Plain ASGI: it only rewrites the response's first message and counts body bytes, so it
    costs next to nothing and leaves streaming responses (exports) streaming."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                for name, value in _SECURITY_HEADERS.items():
                    if name not in headers:
                        headers.append(name, value)
            await send(message)

        request = Request(scope)
        refusal = await _refusal(request)
        if refusal is not None:
            await refusal(scope, receive, send_with_headers)
            return
        limit = _settings(request).max_request_bytes
        received = 0

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # An HTTPException passes FastAPI's body reading unchanged (any other
                    # error there becomes a 400), and the error handler answers it.
                    raise StarletteHTTPException(413, _too_large_message(limit))
            return message

        try:
            await self._route(scope, counted_receive, send_with_headers)
        except Exception:
            # Starlette's own last handler sits outside this guard: it would send a 500
            # without the security headers and then re-raise into the server.
            if started:
                raise
            logger.exception("unexpected error on %s", scope.get("path"))
            response = error_response(
                request, 500, "internal error; the server log has the details"
            )
            await response(scope, receive, send_with_headers)

    async def _route(self, scope: Scope, receive: Receive, send: Send) -> None:

        # A filter form sends its empty fields too (?kind=&currency=RUB); a page drops them
        # with a redirect so its address shows only the filters in use. The API takes them
        # as given (and says which value is malformed).
        pairs = QueryParams(scope.get("query_string", b"")).multi_items()
        path: str = scope["path"]
        if (
            scope["method"] == "GET"
            and not path.startswith("/api/")
            and any(value == "" for _, value in pairs)
        ):
            kept = [(key, value) for key, value in pairs if value != ""]
            target = path + (f"?{urlencode(kept)}" if kept else "")
            await RedirectResponse(target, status_code=303)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def _refusal(request: Request) -> Response | None:
    """A response sent before any of the body is read: the body is declared too large, or it
    is a write to the API without a token."""
    limit = _settings(request).max_request_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return _too_large(request, limit)
    if request.method in ("GET", "HEAD", "OPTIONS") or not request.url.path.startswith("/api/"):
        return None
    refusal = await write_refusal(request)
    if refusal is None:
        return None
    status, message = refusal
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return error_response(request, status, message, None, headers)


def _too_large(request: Request, limit: int) -> Response:
    return error_response(request, 413, _too_large_message(limit), None, {"Connection": "close"})


def _too_large_message(limit: int) -> str:
    return f"the request body is over RECRUITWATCH_MAX_REQUEST_BYTES ({limit} bytes)"


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def error_response(
    request: Request,
    status: int,
    error: str,
    detail: Any = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """The one way errors leave: a problem body as JSON for the API, as a page otherwise."""
    if _wants_json(request):
        return problem(status, error, detail, headers)
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(
        request,
        "error.html",
        {"problem": problem_body(status, error, detail), "phrase": status_phrase(status)},
        status_code=status,
        headers=headers,
    )


def _add_error_handlers(app: FastAPI) -> None:
    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        message = exc.detail if isinstance(exc.detail, str) else status_phrase(exc.status_code)
        if exc.status_code == 404 and exc.detail == "Not Found":
            message = f"no such page or endpoint: {request.url.path}; / lists them"
        if exc.status_code == 405:
            message = f"{request.method} is not allowed on {request.url.path}"
        return error_response(request, exc.status_code, message, None, exc.headers)

    async def invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        detail = [
            {
                "parameter": ".".join(str(part) for part in error["loc"][1:]) or error["loc"][0],
                "in": error["loc"][0],
                "message": error["msg"],
            }
            for error in exc.errors()
        ]
        names = ", ".join(str(item["parameter"]) for item in detail)
        return error_response(request, 400, f"invalid {names}: {detail[0]['message']}", detail)

    async def bad_query(request: Request, exc: Exception) -> Response:
        return error_response(request, 400, str(exc))

    async def store_error(request: Request, exc: Exception) -> Response:
        logger.error("store error on %s: %s", request.url.path, exc)
        return error_response(request, 503, f"the database cannot be read: {exc}")

    async def unexpected(request: Request, exc: Exception) -> Response:
        logger.exception("unexpected error on %s", request.url.path)
        return error_response(request, 500, "internal error; the server log has the details")

    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(QueryError, bad_query)
    app.add_exception_handler(ReviewError, bad_query)
    app.add_exception_handler(StoreError, store_error)
    app.add_exception_handler(Exception, unexpected)


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's schema, with its 422 validation responses stated as the 400 problems we send."""
    if app.openapi_schema is not None:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title, version=app.version, summary=app.summary, routes=app.routes
    )
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            responses = operation.get("responses", {})
            if "422" in responses:
                responses.pop("422")
                responses.setdefault(
                    "400",
                    {
                        "description": "A parameter is malformed or unknown.",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}
                        },
                    },
                )
    components = schema.get("components", {}).get("schemas", {})
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)
    app.openapi_schema = schema
    return schema


def run(settings: Settings, *, host: str, port: int) -> None:
    """Serve until interrupted (Ctrl-C)."""
    import uvicorn  # the server, only when serving

    app = create_app(settings)
    logger.info("serving %s on http://%s:%d", describe_url(str(settings.db)), host, port)
    uvicorn.run(app, host=host, port=port, log_level="info")
