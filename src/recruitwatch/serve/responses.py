"""The one success envelope and the one error shape, for the API and the pages alike."""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from recruitwatch.store.browse import Page


class Envelope(BaseModel):
    """A list response: `next` is the cursor of the following page (null on the last);
    `count` is how many items match the filters in all pages."""

    ok: bool = True
    items: list[dict[str, Any]]
    next: str | None = None
    count: int
    note: str | None = Field(None, description="Why the list is empty, when it is not data.")


class Problem(BaseModel):
    """An error: `status` repeats the HTTP status, `error` says what to fix."""

    ok: bool = False
    status: int
    error: str
    detail: Any = None


def envelope(page: Page, note: str | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {"ok": True, "items": page.items, "next": page.next}
    found["count"] = page.count
    if note is not None:
        found["note"] = note
    return found


def problem_body(status: int, error: str, detail: Any = None) -> dict[str, Any]:
    return {"ok": False, "status": status, "error": error, "detail": detail}


def problem(
    status: int, error: str, detail: Any = None, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(problem_body(status, error, detail), status_code=status, headers=headers)


def status_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


# Documented on every API route, so clients (and schemathesis) know each error's shape.
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": Problem, "description": "A parameter is malformed or unknown."},
    401: {"model": Problem, "description": "A token is needed (Authorization: Bearer)."},
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "No such record."}
}
