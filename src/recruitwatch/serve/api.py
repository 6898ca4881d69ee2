"""The JSON API: lists with filters, sorting and cursor pages; single records; exports; and one
write, POST /api/documents, which ingests a text or a URL through the pipeline."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, Field

from recruitwatch.accounts import Account
from recruitwatch.errors import InputError, StoreError
from recruitwatch.ingest import Failure, FetchPolicy, ReadOptions, find_sources, iter_documents
from recruitwatch.language import detect_language
from recruitwatch.link.update import link_new
from recruitwatch.model import Document, unusable_character
from recruitwatch.normalise import Normaliser
from recruitwatch.pipeline import IngestReport, ingest_documents
from recruitwatch.serve import params
from recruitwatch.serve.auth import admin_api_access, write_access
from recruitwatch.serve.deps import read_access, reader
from recruitwatch.serve.export import (
    FIGURE_COLUMNS,
    MEDIA_TYPES,
    OFFER_COLUMNS,
    csv_chunks,
    jsonl_chunks,
    parquet_bytes,
)
from recruitwatch.serve.responses import (
    NOT_FOUND,
    PROBLEM_RESPONSES,
    Envelope,
    envelope,
    problem,
)
from recruitwatch.settings import Settings
from recruitwatch.store import open_sql_store, open_store
from recruitwatch.store.browse import Page, Reader, open_reader
from recruitwatch.store.derived import CLAIMS, CONFLICTS, claim, claim_conflicts, claim_parts
from recruitwatch.store.filters import ClaimFilters, DocumentFilters, FigureFilters, OfferFilters
from recruitwatch.store.queue import needs_review
from recruitwatch.store.reviews import MAX_REASON, Action, RecordName

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/api", tags=["api"], responses=PROBLEM_RESPONSES)
Read = Annotated[Reader, Depends(reader)]
ExportFormat = Literal["csv", "jsonl", "parquet"]
_OPEN = [Depends(read_access)]
# `note` appears only when a list has one; `next` and `count` always.
_ENVELOPE: dict[str, Any] = {"response_model": Envelope, "response_model_exclude_unset": True}
_NOT_COMPUTED = "not computed yet: the link stage has not stored {what} in this database"


@router.get(
    "/offers",
    **_ENVELOPE,
    dependencies=[*_OPEN, Depends(params.only(params.OFFER_PARAMS))],
)
def list_offers(
    db: Read,
    filters: Annotated[OfferFilters, Depends(params.offer_filters)],
    page: Annotated[params.PageParams, Depends(params.offer_page)],
) -> dict[str, Any]:
    """Offers matching every filter given; `count` is the number in all pages."""
    return envelope(db.offers(filters, sort=page.sort, limit=page.limit, cursor=page.cursor))


@router.get(
    "/offers.{fmt}",
    response_class=Response,
    responses={200: {"content": {media: {} for media in MEDIA_TYPES.values()}}},
    dependencies=[
        *_OPEN,
        Depends(params.only(params.OFFER_PARAMS - {"limit", "cursor"}, {"excel"})),
    ],
)
def export_offers(
    fmt: ExportFormat,
    db: Read,
    filters: Annotated[OfferFilters, Depends(params.offer_filters)],
    page: Annotated[params.PageParams, Depends(params.offer_page)],
    excel: params.Excel = False,
) -> Response:
    """Every offer matching the filters (all pages) as CSV, JSON Lines or Parquet."""
    rows = db.iter_offers(filters, sort=page.sort)
    return _export(fmt, rows, OFFER_COLUMNS, "offers", excel=excel)


@router.get(
    "/offers/{offer_id}",
    **_ENVELOPE,
    responses=NOT_FOUND,
    dependencies=[*_OPEN, Depends(params.only())],
)
def get_offer(offer_id: params.RecordId, db: Read) -> dict[str, Any]:
    found = db.offer(offer_id)
    if found is None:
        raise HTTPException(404, f"no offer with id {offer_id}; /api/offers lists them")
    return envelope(Page(items=[found], next=None, count=1))


@router.get(
    "/figures",
    **_ENVELOPE,
    dependencies=[*_OPEN, Depends(params.only(params.FIGURE_PARAMS))],
)
def list_figures(
    db: Read,
    filters: Annotated[FigureFilters, Depends(params.figure_filters)],
    page: Annotated[params.PageParams, Depends(params.figure_page)],
) -> dict[str, Any]:
    """Manpower figures matching every filter given."""
    return envelope(db.figures(filters, sort=page.sort, limit=page.limit, cursor=page.cursor))


@router.get(
    "/figures.{fmt}",
    response_class=Response,
    responses={200: {"content": {media: {} for media in MEDIA_TYPES.values()}}},
    dependencies=[
        *_OPEN,
        Depends(params.only(params.FIGURE_PARAMS - {"limit", "cursor"}, {"excel"})),
    ],
)
def export_figures(
    fmt: ExportFormat,
    db: Read,
    filters: Annotated[FigureFilters, Depends(params.figure_filters)],
    page: Annotated[params.PageParams, Depends(params.figure_page)],
    excel: params.Excel = False,
) -> Response:
    """Every figure matching the filters (all pages) as CSV, JSON Lines or Parquet."""
    rows = db.iter_figures(filters, sort=page.sort)
    return _export(fmt, rows, FIGURE_COLUMNS, "figures", excel=excel)


@router.get(
    "/documents",
    **_ENVELOPE,
    dependencies=[*_OPEN, Depends(params.only(params.DOCUMENT_PARAMS))],
)
def list_documents(
    db: Read,
    filters: Annotated[DocumentFilters, Depends(params.document_filters)],
    page: Annotated[params.PageParams, Depends(params.document_page)],
) -> dict[str, Any]:
    """Documents (without their text); with `q`, those whose text has all its words, each
    with a `snippet` whose matches sit between \\u0002 and \\u0003."""
    return envelope(db.documents(filters, sort=page.sort, limit=page.limit, cursor=page.cursor))


@router.get(
    "/documents/{doc_id:path}",
    **_ENVELOPE,
    responses=NOT_FOUND,
    dependencies=[*_OPEN, Depends(params.only())],
)
def get_document(doc_id: str, db: Read) -> dict[str, Any]:
    """One document with its text, offers and figures."""
    found = db.document_records(doc_id)
    if found is None:
        raise HTTPException(404, f"no document with id {doc_id!r}; /api/documents lists them")
    return envelope(Page(items=[found], next=None, count=1))


class NewDocument(BaseModel):
    """A text to ingest, or a URL to fetch and ingest (exactly one of them)."""

    text: str | None = Field(None, min_length=1, description="Plain text of the document.")
    url: str | None = Field(
        None, max_length=2000, pattern="^https?://", description="An http(s) page or feed."
    )
    id: str | None = Field(
        None, pattern=r"^[\w.\-/:]{1,200}$", description="Id for the text (default: its hash)."
    )
    title: str | None = Field(None, max_length=500)
    published: date | None = None
    language: str | None = Field(None, pattern="^[a-z]{2,3}$", description="Default: detected.")


@router.post(
    "/documents",
    **_ENVELOPE,
    status_code=201,
    responses={
        200: {"model": Envelope, "description": "The text was stored already."},
        401: PROBLEM_RESPONSES[401],
        403: {"description": "Writes are off (no RECRUITWATCH_TOKEN)."},
        413: {"description": "The body is larger than RECRUITWATCH_MAX_DOCUMENT_BYTES."},
        422: {"description": "The document could not be read or extracted."},
    },
    dependencies=[Depends(write_access), Depends(params.only())],
)
def post_document(request: Request, body: NewDocument) -> JSONResponse:
    """Ingest a posted text (or the document at a URL) as `recruitwatch ingest` does: extract,
    normalise, store, and return what was found; 201 when something new was stored, 200 when
    the text was known already. What was stored is linked before the answer (only the new
    document, against its candidates): claims and conflicts are up to date when it comes."""
    settings: Settings = request.app.state.settings
    if (body.text is None) == (body.url is None):
        raise HTTPException(400, "send exactly one of text and url")
    if body.text is not None and len(body.text.encode("utf-8")) > settings.max_document_bytes:
        raise HTTPException(
            413, f"the text is over RECRUITWATCH_MAX_DOCUMENT_BYTES ({settings.max_document_bytes})"
        )
    options = ReadOptions(
        max_bytes=settings.max_document_bytes,
        max_export_bytes=settings.max_document_bytes,
        # Never on loopback or private addresses: the server must not fetch its own network.
        fetch=FetchPolicy(max_bytes=settings.max_document_bytes),
    )
    if body.text is not None:
        items: Iterable[Document | Failure] = [_posted(body)]
    else:
        assert body.url is not None  # one of the two, checked above
        items = iter_documents(find_sources([body.url]), options=options)
    hashes: list[str] = []
    with open_store(settings.db) as store:
        report = ingest_documents(
            _noting_hashes(items, hashes),
            store,
            normaliser=Normaliser.from_settings(settings),
            budget_seconds=settings.extract_seconds,
        )
        if report.ingested:
            try:
                link_new(store, window_days=settings.claim_window_days)
            except StoreError:
                # The document is stored; the next link (any writer's) links it.
                logger.exception("linking after a POST failed")
    return _ingest_response(request, report, hashes)


@router.get(
    "/claims",
    **_ENVELOPE,
    dependencies=[*_OPEN, Depends(params.only(params.CLAIM_PARAMS))],
)
def list_claims(
    db: Read,
    filters: Annotated[ClaimFilters, Depends(params.claim_filters)],
    page: Annotated[params.PageParams, Depends(params.claim_page)],
) -> dict[str, Any]:
    """Claims (one statement made by one or more documents), most independent sources first,
    when the link stage has run."""
    note = None if CLAIMS in db.tables() else _NOT_COMPUTED.format(what="claims")
    return envelope(db.claims(filters, sort=page.sort, limit=page.limit, cursor=page.cursor), note)


@router.get(
    "/claims/{claim_id}",
    **_ENVELOPE,
    responses=NOT_FOUND,
    dependencies=[*_OPEN, Depends(params.only())],
)
def get_claim(claim_id: params.RecordId, db: Read) -> dict[str, Any]:
    """One claim with its statements (sources) and conflicts."""
    found = claim(db, claim_id)
    if found is None:
        raise HTTPException(404, f"no claim with id {claim_id}")
    found["parts"] = claim_parts(db, claim_id)
    found["statements"] = db.claim_sources(claim_id)
    found["conflicts"] = claim_conflicts(db, claim_id)
    return envelope(Page(items=[found], next=None, count=1))


@router.get(
    "/conflicts",
    **_ENVELOPE,
    dependencies=[*_OPEN, Depends(params.only({"sort", "limit", "cursor"}))],
)
def list_conflicts(
    db: Read, page: Annotated[params.PageParams, Depends(params.table_page)]
) -> dict[str, Any]:
    """Pairs of claims about one payer (or subject) and period that disagree."""
    return _table(db, CONFLICTS, page, "conflicts")


@router.get(
    "/errors",
    **_ENVELOPE,
    dependencies=[*_OPEN, Depends(params.only({"sort", "limit", "cursor", "stage"}))],
)
def list_errors(
    db: Read,
    page: Annotated[params.PageParams, Depends(params.error_page)],
    stage: Annotated[str | None, params.Query(max_length=40)] = None,
) -> dict[str, Any]:
    """Sources that failed to ingest, and why."""
    return envelope(db.failures(stage=stage, sort=page.sort, limit=page.limit, cursor=page.cursor))


class ReviewBody(BaseModel):
    """A reviewer's verdict on one record: confirm it, reject it (with a reason), or correct
    some of its fields (`changes`: field -> value; null or "" clears an optional one)."""

    action: Action
    reason: str | None = Field(None, max_length=MAX_REASON)
    changes: dict[str, str | float | bool | None] = Field(default_factory=dict)


_REVIEW_RESPONSES: dict[int | str, dict[str, Any]] = {
    **NOT_FOUND,
    401: PROBLEM_RESPONSES[401],
    403: {"description": "Writes are off (no token and no accounts)."},
}


@router.post(
    "/offers/{offer_id}/review",
    **_ENVELOPE,
    responses=_REVIEW_RESPONSES,
    dependencies=[Depends(params.only())],
)
def review_offer(
    request: Request,
    offer_id: params.RecordId,
    body: ReviewBody,
    account: Annotated[Account, Depends(write_access)],
) -> dict[str, Any]:
    """Confirm, reject or correct an offer; the action goes to the audit log. Returns the
    offer as it now reads, with its `review`."""
    return _review(request, account, "offer", offer_id, body)


@router.post(
    "/figures/{figure_id}/review",
    **_ENVELOPE,
    responses=_REVIEW_RESPONSES,
    dependencies=[Depends(params.only())],
)
def review_figure(
    request: Request,
    figure_id: params.RecordId,
    body: ReviewBody,
    account: Annotated[Account, Depends(write_access)],
) -> dict[str, Any]:
    """Confirm, reject or correct a figure (quantity, unit, category)."""
    return _review(request, account, "figure", figure_id, body)


def _review(
    request: Request, account: Account, record: RecordName, record_id: int, body: ReviewBody
) -> dict[str, Any]:
    settings: Settings = request.app.state.settings
    with open_sql_store(settings.db) as store:
        after = store.review_record(
            account,
            record,
            record_id,
            body.action,
            reason=body.reason,
            changes=dict(body.changes) if body.action == "correct" else None,
        )
    if after is None:
        raise HTTPException(404, f"no {record} with id {record_id}; /api/{record}s lists them")
    db = open_reader(settings.db)
    try:
        found = db.offer(record_id) if record == "offer" else db.figure(record_id)
    finally:
        db.close()
    return envelope(Page(items=[found] if found else [], next=None, count=1))


@router.get(
    "/review-queue",
    **_ENVELOPE,
    dependencies=[*_OPEN, Depends(params.only({"record", "limit"}))],
)
def review_queue(
    db: Read,
    record: Annotated[
        str | None, params.Query(pattern="^(offer|figure)$", description="offer or figure.")
    ] = None,
    limit: Annotated[int, params.Query(ge=1, le=1000, description="Records.")] = 50,
) -> dict[str, Any]:
    """Unreviewed records, what matters first: large amounts, low confidence, one source.
    Each item has its `record` (offer or figure), `priority` and `why`."""
    items = needs_review(db, record=record, limit=limit)
    return envelope(Page(items=items, next=None, count=len(items)))


@router.get(
    "/audit",
    **_ENVELOPE,
    responses={403: {"description": "The token is not an admin's."}},
    dependencies=[Depends(params.only({"limit", "before"}))],
)
def audit_log(
    request: Request,
    _admin: Annotated[Account, Depends(admin_api_access)],
    limit: Annotated[int, params.Query(ge=1, le=1000, description="Entries.")] = 100,
    before: Annotated[
        int | None, params.Query(ge=1, le=2**63 - 1, description="Entries older than this id.")
    ] = None,
) -> dict[str, Any]:
    """Every review and account change, newest first: who, when, before and after. Admins
    only. `next` is the `before` of the following page."""
    settings: Settings = request.app.state.settings
    with open_sql_store(settings.db) as store:
        items = store.audit_entries(limit + 1, before)
    following = str(items[limit - 1]["id"]) if len(items) > limit else None
    return envelope(Page(items=items[:limit], next=following, count=len(items[:limit])))


# --- helpers ---------------------------------------------------------------------------------


def _table(db: Reader, table: str, page: params.PageParams, what: str) -> dict[str, Any]:
    note = None if table in db.tables() else _NOT_COMPUTED.format(what=what)
    return envelope(db.table_page(table, limit=page.limit, cursor=page.cursor), note)


def _export(
    fmt: ExportFormat,
    rows: Iterator[dict[str, Any]],
    columns: tuple[str, ...],
    name: str,
    *,
    excel: bool = False,
) -> Response:
    if excel and fmt != "csv":
        raise HTTPException(400, f"excel applies to CSV only: ask for {name}.csv?excel=true")
    headers = {"Content-Disposition": f'attachment; filename="{name}.{fmt}"'}
    if fmt == "parquet":
        return Response(parquet_bytes(rows, columns), media_type=MEDIA_TYPES[fmt], headers=headers)
    chunks = csv_chunks(rows, columns, bom=excel) if fmt == "csv" else jsonl_chunks(rows)
    return StreamingResponse(chunks, media_type=MEDIA_TYPES[fmt], headers=headers)


def _posted(body: NewDocument) -> Document | Failure:
    """The posted text as a document, or its failure (a 422) when it holds a character no
    text can (a NUL, a lone surrogate)."""
    assert body.text is not None
    problem = unusable_character(body.text)
    if problem is not None:
        return Failure("api", f"the text {problem}; it cannot be stored")
    try:
        return Document.from_text(
            body.text,
            id=body.id,
            source="api",
            title=body.title,
            published=body.published,
            language=body.language or detect_language(body.text),
        )
    except InputError as exc:
        return Failure.from_error(exc, "api")


def _noting_hashes(
    items: Iterable[Document | Failure], hashes: list[str]
) -> Iterator[Document | Failure]:
    for item in items:
        if isinstance(item, Document):
            hashes.append(item.content_hash)
        yield item


def _ingest_response(request: Request, report: IngestReport, hashes: list[str]) -> JSONResponse:
    settings: Settings = request.app.state.settings
    failed = [{"source": f.source, "stage": f.stage, "reason": f.reason} for f in report.failed]
    if not hashes:
        reason = failed[0]["reason"] if failed else "no document found there"
        return problem(422, f"nothing stored: {reason}", failed)
    db = open_reader(settings.db)
    try:
        marks = ", ".join("?" * len(hashes))
        rows = db.select(f"SELECT id FROM documents WHERE content_hash IN ({marks})", hashes)
        items = [item for row in rows if (item := db.document_records(row["id"])) is not None]
    finally:
        db.close()
    note = (
        f"ingested {report.ingested}, unchanged {report.unchanged},"
        f" duplicates {report.duplicates}, failed {len(failed)} (see /api/errors)"
    )
    body = envelope(Page(items=items, next=None, count=len(items)), note)
    return JSONResponse(body, status_code=201 if report.ingested else 200)
