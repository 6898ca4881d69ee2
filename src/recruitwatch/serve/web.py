"""The pages: server-rendered HTML over the same queries as the API.

Jinja2 autoescapes every value, so stored text (titles, evidence, whole documents) is always
written as text; links to other sites are made only for http(s) URLs.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date
from typing import Annotated, Any, Literal
from urllib.parse import quote, urlencode, urlsplit

import jinja2
from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from recruitwatch.model import (
    FIGURE_CATEGORIES,
    OFFER_KINDS,
    PAYER_LEVELS,
    RECIPIENTS,
    TARGET_ORIGINS,
)
from recruitwatch.serve import params
from recruitwatch.serve.auth import (
    CSRF_FIELD,
    LOGIN_CSRF_COOKIE,
    SignInThrottle,
    client_address,
    close_session,
    csrf_matches,
    login_csrf,
    open_session,
    page_session,
    remember_login_csrf,
    session_now,
    settings_of,
    token_account,
)
from recruitwatch.serve.charts import Chart, Point, log_scatter, scatter
from recruitwatch.serve.deps import read_access, reader
from recruitwatch.serve.highlight import Span, runs
from recruitwatch.store import open_sql_store
from recruitwatch.store.browse import CLAIM_SORTS, Reader
from recruitwatch.store.derived import (
    CLAIMS,
    CONFLICTS,
    claim,
    claim_conflicts,
    claim_parts,
    computed,
    document_ids_in,
    document_roles,
    record_notes,
)
from recruitwatch.store.filters import ClaimFilters, DocumentFilters, FigureFilters, OfferFilters
from recruitwatch.store.queue import needs_review
from recruitwatch.store.reviews import ACTIONS, FIGURE_UNITS, fields_of, review_item
from recruitwatch.store.series import MAX_POINTS, ChartRow, chart_data

router = APIRouter(include_in_schema=False)
Read = Annotated[Reader, Depends(reader)]
_OPEN = [Depends(read_access)]
_CHART_TITLES = {"signing_bonus": "Signing bonuses", "monthly_pay": "Monthly pay"}


def add_filters(env: jinja2.Environment) -> None:
    env.filters["num"] = number
    env.filters["doc_url"] = document_url
    env.filters["web_url"] = web_url
    env.globals["OFFER_KINDS"] = OFFER_KINDS
    env.globals["PAYER_LEVELS"] = PAYER_LEVELS
    env.globals["RECIPIENTS"] = RECIPIENTS
    env.globals["FIGURE_CATEGORIES"] = FIGURE_CATEGORIES
    env.globals["TARGET_ORIGINS"] = TARGET_ORIGINS
    env.globals["FIGURE_UNITS"] = FIGURE_UNITS
    env.globals["with_query"] = with_query


def _page(request: Request, template: str, context: dict[str, Any], status: int = 200) -> Response:
    templates: Jinja2Templates = request.app.state.templates
    context.setdefault("settings", request.app.state.settings)
    # Who is signed in, for the header and the review forms (looked up once per request).
    context.setdefault("session", session_now(request))
    return templates.TemplateResponse(request, template, context, status_code=status)


@router.get("/", response_class=HTMLResponse, dependencies=[*_OPEN, Depends(params.only())])
def home(request: Request, db: Read) -> Response:
    return _page(request, "home.html", {"totals": db.totals()})


@router.get(
    "/offers",
    response_class=HTMLResponse,
    dependencies=[*_OPEN, Depends(params.only(params.OFFER_PARAMS, {"series"}))],
)
def offers_page(
    request: Request,
    db: Read,
    filters: Annotated[OfferFilters, Depends(params.offer_filters)],
    page: Annotated[params.PageParams, Depends(params.offer_page)],
    series: params.Series = "payer",
) -> Response:
    listing = db.offers(filters, sort=page.sort, limit=page.limit, cursor=page.cursor)
    return _page(
        request,
        "offers.html",
        {
            "page": listing,
            "filters": filters,
            "sort": page.sort,
            "series": series,
            "charts": offer_charts(db, filters, series),
            "export": urlencode({**filters.query_params(), "sort": page.sort}),
            "feed": urlencode(filters.query_params()),
        },
    )


def offer_charts(db: Reader, filters: OfferFilters, series: str) -> list[Chart]:
    """Signing bonuses and monthly pay, each in USD and in RUB, from the table's filters."""
    charts: list[Chart] = []
    for kind, data in chart_data(db, filters, series).items():
        for currency in ("USD", "RUB"):
            charts.append(
                scatter(
                    f"{_CHART_TITLES[kind]}, {currency}, by {series.replace('_', ' ')}",
                    data.rows,
                    currency,
                    period=data.period,
                    total=data.total,
                    href=_evidence_href,
                )
            )
    return charts


def _evidence_href(row: ChartRow) -> str | None:
    if row.document_id is None or row.id is None:
        return None
    return document_url(row.document_id, f"offer-{row.id}")


@router.get(
    "/figures",
    response_class=HTMLResponse,
    dependencies=[*_OPEN, Depends(params.only(params.FIGURE_PARAMS))],
)
def figures_page(
    request: Request,
    db: Read,
    filters: Annotated[FigureFilters, Depends(params.figure_filters)],
    page: Annotated[params.PageParams, Depends(params.figure_page)],
) -> Response:
    listing = db.figures(filters, sort=page.sort, limit=page.limit, cursor=page.cursor)
    export = urlencode({**filters.query_params(), "sort": page.sort})
    context = {
        "page": listing,
        "filters": filters,
        "sort": page.sort,
        "export": export,
        "figure_chart": figure_chart(db, filters),
    }
    return _page(request, "figures.html", context)


def figure_chart(db: Reader, filters: FigureFilters) -> Chart | None:
    """Counts of people over time, a mark per figure coloured by category and linked to its
    evidence, on a logarithmic axis; the newest `MAX_POINTS` of those the filters leave. None
    when the filters ask for percentages or other units."""
    if filters.unit not in (None, "people"):
        return None
    people = replace(filters, unit="people")
    items = db.figures(people, sort="-date", limit=MAX_POINTS).items
    palette = {category: index for index, category in enumerate(FIGURE_CATEGORIES)}
    points = [
        Point(
            day=date.fromisoformat(str(item["record_date"])[:10]),
            value=float(item["quantity"]),
            series=palette.get(item["category"] or "other", palette["other"]),
            label=f"{item['record_date']} · {(item['category'] or 'no category').replace('_', ' ')}"
            f" · {number(item['quantity'])} {item['subject'] or 'people'}",
            href=document_url(item["document_id"], f"figure-{item['id']}"),
        )
        for item in items
        if item.get("record_date")
    ]
    shown = len(items) < MAX_POINTS
    caption = (
        f"{len(points)} dated counts of people, one mark each"
        if shown
        else f"the newest {len(points)} dated counts of people, one mark each; filter to see others"
    )
    return log_scatter(
        "Counts of people by category",
        points,
        legend=[(index, name.replace("_", " ")) for name, index in palette.items()],
        y_title="people (log scale)",
        caption=caption,
    )


@router.get(
    "/documents",
    response_class=HTMLResponse,
    dependencies=[*_OPEN, Depends(params.only(params.DOCUMENT_PARAMS))],
)
def documents_page(
    request: Request,
    db: Read,
    filters: Annotated[DocumentFilters, Depends(params.document_filters)],
    page: Annotated[params.PageParams, Depends(params.document_page)],
) -> Response:
    listing = db.documents(filters, sort=page.sort, limit=page.limit, cursor=page.cursor)
    for item in listing.items:
        if item.get("snippet"):
            item["snippet_runs"] = snippet_runs(item["snippet"])
    context = {"page": listing, "filters": filters, "sort": page.sort}
    return _page(request, "documents.html", context)


@router.get("/search", dependencies=[*_OPEN, Depends(params.only({"q"}))])
def search(q: params.Search = None) -> Response:
    """The search box's target: the documents page, filtered by the words."""
    target = f"/documents?{urlencode({'q': q})}" if q else "/documents"
    return RedirectResponse(target, status_code=303)


@router.get(
    "/documents/{doc_id:path}",
    response_class=HTMLResponse,
    dependencies=[*_OPEN, Depends(params.only({"record"}))],
)
def document_page(
    request: Request,
    doc_id: str,
    db: Read,
    record: Annotated[
        str | None, params.Query(pattern=r"^(offer|figure)-\d{1,18}$", description="Record id.")
    ] = None,
) -> Response:
    document = db.document(doc_id)
    if document is None:
        raise HTTPException(404, f"no document with id {doc_id!r}; /documents lists them")
    offers = db.document_offers(doc_id)
    figures = db.document_figures(doc_id)
    spans = [_span("offer", item) for item in offers] + [_span("figure", item) for item in figures]
    locations = (
        db.select("SELECT * FROM document_locations WHERE document_id = ? ORDER BY id", (doc_id,))
        if "document_locations" in db.tables()
        else []
    )
    context = {
        "document": document,
        "runs": runs(document["text"], spans, record),
        "offers": offers,
        "figures": figures,
        "selected": record,
        "offer_notes": record_notes(db, "offer_id", [item["id"] for item in offers]),
        "figure_notes": record_notes(db, "figure_id", [item["id"] for item in figures]),
        "notes_computed": "checks" in db.tables(),
        "role": document_roles(db, [doc_id]).get(doc_id),
        "locations": [dict(row) for row in locations[1:]],
        **_document_reviews(db, doc_id),
    }
    return _page(request, "document.html", context)


def _document_reviews(db: Reader, doc_id: str) -> dict[str, Any]:
    """Each record's review by record id ("offer-12"), and the stale ones apart."""
    if "reviews" not in db.tables():
        return {"reviews": {}, "stale_reviews": []}
    rows = db.select("SELECT * FROM reviews WHERE document_id = ? ORDER BY id", (doc_id,))
    items = [review_item(row) for row in rows]
    return {
        "reviews": {
            f"{item['record']}-{item['record_id']}": item
            for item in items
            if item["record_id"] is not None
        },
        "stale_reviews": [item for item in items if item["stale"]],
    }


def _span(kind: str, item: dict[str, Any]) -> Span:
    evidence = item["evidence"]
    return Span(
        record=f"{kind}-{item['id']}",
        start=evidence["start"],
        end=evidence["end"],
        value_start=evidence["value_start"],
        value_end=evidence["value_end"],
    )


@router.get(
    "/claims",
    response_class=HTMLResponse,
    dependencies=[*_OPEN, Depends(params.only(params.CLAIM_PARAMS))],
)
def claims_page(
    request: Request,
    db: Read,
    filters: Annotated[ClaimFilters, Depends(params.claim_filters)],
    page: Annotated[params.PageParams, Depends(params.claim_page)],
) -> Response:
    listing = db.claims(filters, sort=page.sort, limit=page.limit, cursor=page.cursor)
    context = {
        "page": listing,
        "computed": computed(db, CLAIMS),
        "what": "claims",
        "filters": filters,
        "sort": page.sort,
        "sorts": CLAIM_SORTS,
    }
    return _page(request, "claims.html", context)


@router.get(
    "/claims/{claim_id}",
    response_class=HTMLResponse,
    dependencies=[*_OPEN, Depends(params.only())],
)
def claim_page(request: Request, claim_id: params.RecordId, db: Read) -> Response:
    if not computed(db, CLAIMS):
        return _page(request, "claim.html", {"claim": None, "claim_id": claim_id})
    found = claim(db, claim_id)
    if found is None:
        raise HTTPException(404, f"no claim with id {claim_id}; /claims lists them")
    parts = claim_parts(db, claim_id)
    statements = [row for rows in parts.values() for row in rows]
    # Each statement's record ("offer-12") and the document it is in.
    records = {
        f"{kind}-{row[f'{kind}_id']}": row.get("document_id")
        for row in statements
        for kind in ("offer", "figure")
        if row.get(f"{kind}_id") is not None
    }
    notes: dict[str, dict[str, Any]] = {}
    for kind, read in (("offer", db.offer), ("figure", db.figure)):
        ids = [int(rid.split("-")[1]) for rid in records if rid.startswith(kind)]
        tables = record_notes(db, f"{kind}_id", ids)
        for record_id in ids:
            item = read(record_id)
            if item is not None:
                # The statements are listed as sources already.
                others = {k: v for k, v in tables.get(record_id, {}).items() if k not in parts}
                notes[f"{kind}-{record_id}"] = {"item": item, "tables": others}
    context = {
        "claim": found,
        "claim_id": claim_id,
        "parts": parts,
        "sources": db.claim_sources(claim_id),
        "roles": document_roles(db, document_ids_in(statements)),
        "conflicts": claim_conflicts(db, claim_id),
        "record_notes": notes,
        "record_docs": records,
    }
    return _page(request, "claim.html", context)


@router.get(
    "/conflicts",
    response_class=HTMLResponse,
    dependencies=[*_OPEN, Depends(params.only({"sort", "limit", "cursor"}))],
)
def conflicts_page(
    request: Request, db: Read, page: Annotated[params.PageParams, Depends(params.table_page)]
) -> Response:
    listing = db.table_page(CONFLICTS, limit=page.limit, cursor=page.cursor)
    context = {"page": listing, "computed": computed(db, CONFLICTS), "what": "conflicts"}
    return _page(request, "conflicts.html", context)


@router.get(
    "/errors",
    response_class=HTMLResponse,
    dependencies=[*_OPEN, Depends(params.only({"sort", "limit", "cursor"}))],
)
def errors_page(
    request: Request, db: Read, page: Annotated[params.PageParams, Depends(params.error_page)]
) -> Response:
    listing = db.failures(sort=page.sort, limit=page.limit, cursor=page.cursor)
    return _page(request, "errors.html", {"page": listing, "sort": page.sort})


@router.get("/login", response_class=HTMLResponse, dependencies=[Depends(params.only())])
def login_form(request: Request) -> Response:
    csrf = login_csrf(request)
    response = _page(request, "login.html", {"failed": False, "csrf": csrf})
    remember_login_csrf(request, response, csrf)
    return response


@router.post("/login", response_class=HTMLResponse, dependencies=[Depends(params.only())])
async def login(request: Request) -> Response:
    """A token (an account's, or RECRUITWATCH_TOKEN) for a session cookie: it opens reads on
    a private server and the review forms; API writes still need the header."""
    throttle: SignInThrottle = request.app.state.sign_ins
    client = client_address(request)
    wait = throttle.wait(client)
    if wait > 0:
        raise HTTPException(
            429,
            f"too many failed sign-ins from here; try again in {math.ceil(wait)} s",
            headers={"Retry-After": str(math.ceil(wait))},
        )
    form = await request.form()
    csrf = login_csrf(request)
    await page_session(request)
    if not csrf_matches(request.cookies.get(LOGIN_CSRF_COOKIE), form.get(CSRF_FIELD)):
        raise HTTPException(403, _CSRF_REFUSED)
    offered = form.get("token")
    account = None
    if isinstance(offered, str) and offered:
        account = await run_in_threadpool(token_account, settings_of(request), offered)
    if account is None:
        throttle.failed(client)
        response = _page(request, "login.html", {"failed": True, "csrf": csrf}, status=401)
        remember_login_csrf(request, response, csrf)
        return response
    throttle.succeeded(client)
    response = RedirectResponse("/", status_code=303)
    await run_in_threadpool(open_session, request, response, account)
    return response


@router.post("/logout", dependencies=[Depends(params.only())])
async def logout(request: Request) -> Response:
    session = await page_session(request)
    form = await request.form()
    if session is not None and not csrf_matches(session.csrf, form.get(CSRF_FIELD)):
        raise HTTPException(403, _CSRF_REFUSED)
    response = RedirectResponse("/", status_code=303)
    await run_in_threadpool(close_session, request, response)
    return response


_CSRF_REFUSED = "the form's CSRF token is missing or out of date; reload the page and send it again"


@router.post("/review", dependencies=[Depends(params.only())])
async def review(request: Request) -> Response:
    """A review form of the document page: confirm, reject or correct one record."""
    session = await page_session(request)
    if session is None:
        raise HTTPException(401, "sign in at /login to review records")
    form = await request.form()
    if not csrf_matches(session.csrf, form.get(CSRF_FIELD)):
        raise HTTPException(403, _CSRF_REFUSED)
    target = form.get("record")
    action = form.get("action")
    if not isinstance(target, str) or target.partition("-")[0] not in ("offer", "figure"):
        raise HTTPException(400, "record: expected offer-ID or figure-ID")
    kind, _, number = target.partition("-")
    if not number.isdigit() or len(number) > 18:
        raise HTTPException(400, "record: expected offer-ID or figure-ID")
    chosen = next((known for known in ACTIONS if known == action), None)
    if chosen is None:
        raise HTTPException(400, f"action: one of {', '.join(ACTIONS)}")
    record: Literal["offer", "figure"] = "offer" if kind == "offer" else "figure"
    reason = form.get("reason")
    changes = None
    if chosen == "correct":
        changes = {
            name: value for name in fields_of(record) if isinstance(value := form.get(name), str)
        }
    settings = settings_of(request)

    def act() -> dict[str, Any] | None:
        with open_sql_store(settings.db) as store:
            return store.review_record(
                session.account,
                record,
                int(number),
                chosen,
                reason=reason if isinstance(reason, str) else None,
                changes=changes,
            )

    after = await run_in_threadpool(act)
    if after is None:
        raise HTTPException(404, f"no {record} with id {number}")
    document = form.get("document")
    where = document_url(document, target) if isinstance(document, str) and document else "/"
    return RedirectResponse(where, status_code=303)


@router.get("/review", response_class=HTMLResponse, dependencies=[*_OPEN, Depends(params.only())])
def review_queue_page(request: Request, db: Read) -> Response:
    """Unreviewed records, what matters first."""
    return _page(request, "queue.html", {"items": needs_review(db, limit=100)})


@router.get("/audit", response_class=HTMLResponse, dependencies=[Depends(params.only({"before"}))])
def audit_page(
    request: Request, before: Annotated[int | None, params.Query(ge=1)] = None
) -> Response:
    """The audit log, for admins signed in."""
    session = session_now(request)
    if session is None:
        raise HTTPException(401, "sign in at /login as an admin to read the audit log")
    if not session.account.is_admin:
        raise HTTPException(
            403, f"{session.account.name} is a {session.account.role}; the audit log is for admins"
        )
    with open_sql_store(settings_of(request).db) as store:
        entries = store.audit_entries(101, before)
    following = entries[99]["id"] if len(entries) > 100 else None
    return _page(request, "audit.html", {"entries": entries[:100], "following": following})


# --- formatting ------------------------------------------------------------------------------


def number(value: float | None, high: float | None = None) -> str:
    if value is None or not math.isfinite(value):
        return ""  # no number at all rather than "inf" (refused at extraction since)
    if value == int(value):
        text = f"{value:,.0f}"
    else:
        # Rates like 0.0104 USD per RUB need their significant digits, amounts two decimals.
        text = f"{value:.4g}" if abs(value) < 1 else f"{value:,.2f}"
    return f"{text}–{number(high)}" if high is not None else text


def document_url(doc_id: str, record: str | None = None) -> str:
    """The document page's address; ids may hold slashes (folders), so they stay as paths."""
    url = f"/documents/{quote(doc_id, safe='/')}"
    return f"{url}?record={record}#{record}" if record else url


def with_query(request: Request, **changes: str | None) -> str:
    """This page's address with some query parameters changed (None drops one); a change of
    sort or filter starts again at the first page, so the old cursor goes."""
    kept = [
        (key, value)
        for key, value in request.query_params.multi_items()
        if key not in changes and key != "cursor"
    ]
    kept += [(key, value) for key, value in changes.items() if value is not None]
    return f"{request.url.path}?{urlencode(kept)}" if kept else request.url.path


def web_url(value: str | None) -> str | None:
    """`value` when it is an http(s) URL, so a stored `javascript:` URL never becomes a link."""
    if value and urlsplit(value).scheme in ("http", "https"):
        return value
    return None


def snippet_runs(snippet: str) -> list[tuple[str, bool]]:
    """A search snippet (matches between \\x02 and \\x03) as (text, is match) runs."""
    found: list[tuple[str, bool]] = []
    for part in snippet.split("\x02"):
        match, _, rest = part.partition("\x03") if "\x03" in part else ("", "", part)
        if match:
            found.append((match, True))
        if rest:
            found.append((rest, False))
    return found
