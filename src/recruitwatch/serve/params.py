"""Query parameters shared by the API, the pages and the exports, declared once.

FastAPI validates each against its declared type and pattern (a failure is a 400 with the
parameter named), and a request naming a parameter its route does not know is refused too,
so a typo (`?kidn=`) is never silently ignored.
"""

# No `from __future__ import annotations`: FastAPI reads the parameter annotations of the
# dependencies `page_params` builds at run time, and they name its local variables.
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from datetime import date
from typing import Annotated

from fastapi import HTTPException, Path, Query, Request
from pydantic import BeforeValidator

from recruitwatch.model import FigureCategory, OfferKind, PayerLevel, Recipient
from recruitwatch.store.browse import (
    CLAIM_SORTS,
    DEFAULT_LIMIT,
    DOCUMENT_SORTS,
    ERROR_SORTS,
    FIGURE_SORTS,
    MAX_LIMIT,
    OFFER_SORTS,
)
from recruitwatch.store.filters import (
    REVIEW_FILTERS,
    ClaimFilters,
    DocumentFilters,
    FigureFilters,
    OfferFilters,
)
from recruitwatch.store.series import CHART_SERIES

# Free-text filters are a few words; a longer value is a mistake or an attack, not a query.
_MAX_TEXT = 200
_CODE = "^[A-Za-z]{3}$"
_REGION = "^[A-Z]{2}-[A-Z0-9]{1,3}$"
_COUNTRY = "^[A-Z]{2}$"
_LANGUAGE = "^[a-z]{2,3}$"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

Text = Annotated[str | None, Query(max_length=_MAX_TEXT)]


def _iso_date(value: object) -> object:
    # Pydantic alone would read "0.0" or "1700000000" as a Unix time; a filter takes a day.
    if isinstance(value, str) and not _ISO_DATE.match(value):
        raise ValueError("expected a date as YYYY-MM-DD")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
Since = Annotated[
    IsoDate | None, Query(description="On or after (YYYY-MM-DD): record date, else published.")
]
Until = Annotated[IsoDate | None, Query(description="On or before (YYYY-MM-DD).")]
Language = Annotated[str | None, Query(pattern=_LANGUAGE, description="Language code: en, ru, kk.")]
Search = Annotated[
    str | None,
    Query(max_length=_MAX_TEXT, description="Words in the document text (all, as prefixes)."),
]
Document = Annotated[str | None, Query(max_length=_MAX_TEXT, description="A document id.")]
Excel = Annotated[
    bool,
    Query(description="CSV only: start with a UTF-8 byte-order mark, so Excel reads Cyrillic."),
]
Usd = Annotated[float | None, Query(ge=0, allow_inf_nan=False)]
RegionCode = Annotated[
    str | None, Query(pattern=_REGION, description="ISO 3166-2 code of a region: RU-SAM, UA-43.")
]
Review = Annotated[
    str | None,
    Query(
        pattern=f"^({'|'.join(REVIEW_FILTERS)})$",
        description="By review: unreviewed, confirmed, corrected, rejected, accepted"
        " (confirmed or corrected), reviewed (any).",
    ),
]
# A record id: SQLite integers are 64-bit, and a larger number must be a 4xx, not an overflow.
RecordId = Annotated[int, Path(ge=1, le=2**63 - 1, description="Record id.")]


def offer_filters(
    kind: Annotated[OfferKind | None, Query(description="Offer kind.")] = None,
    currency: Annotated[
        str | None, Query(pattern=_CODE, description="Currency stated: RUB, USD, KZT...")
    ] = None,
    payer: Annotated[
        str | None, Query(max_length=_MAX_TEXT, description="Text in the payer.")
    ] = None,
    target: Annotated[
        str | None, Query(max_length=_MAX_TEXT, description="Text in the target.")
    ] = None,
    region: Annotated[
        str | None, Query(max_length=_MAX_TEXT, description="Text in the region.")
    ] = None,
    payer_level: Annotated[
        PayerLevel | None, Query(description="Who pays: federal, regional, municipal...")
    ] = None,
    payer_region: Annotated[
        str | None,
        Query(pattern=_REGION, description="ISO 3166-2 code of the paying region: RU-TA."),
    ] = None,
    target_country: Annotated[
        str | None,
        Query(pattern=_COUNTRY, description="ISO 3166-1 code of a foreign target: KZ."),
    ] = None,
    recipient: Annotated[
        Recipient | None, Query(description="Who receives it: recruit, family, recruiter.")
    ] = None,
    language: Language = None,
    document: Document = None,
    since: Since = None,
    until: Until = None,
    min_usd: Usd = None,
    max_usd: Usd = None,
    q: Search = None,
    review: Review = None,
) -> OfferFilters:
    return OfferFilters(
        kind=kind,
        currency=currency,
        payer=payer,
        target=target,
        region=region,
        payer_level=payer_level,
        payer_region=payer_region,
        target_country=target_country,
        recipient=recipient,
        language=language,
        document=document,
        since=since,
        until=until,
        min_usd=min_usd,
        max_usd=max_usd,
        q=q,
        review=review,
    )


def claim_filters(
    record: Annotated[
        str | None, Query(pattern="^(offer|figure)$", description="offer or figure.")
    ] = None,
    kind: Annotated[
        str | None,
        Query(max_length=_MAX_TEXT, description="Offer kind, or figure for figures."),
    ] = None,
    unit: Annotated[
        str | None, Query(max_length=_MAX_TEXT, description="Currency or figure unit.")
    ] = None,
    payer_region: Annotated[
        str | None,
        Query(pattern=_REGION, description="ISO 3166-2 code of a paying region: RU-TA."),
    ] = None,
    min_sources: Annotated[
        int | None, Query(ge=1, le=1_000_000, description="At least this many independent sources.")
    ] = None,
    since: Since = None,
    until: Until = None,
) -> ClaimFilters:
    return ClaimFilters(
        record=record,
        kind=kind,
        unit=unit,
        payer_region=payer_region,
        min_sources=min_sources,
        since=since,
        until=until,
    )


def figure_filters(
    unit: Annotated[
        str | None, Query(pattern="^(people|percent|other)$", description="What is counted.")
    ] = None,
    category: Annotated[
        FigureCategory | None, Query(description="What the figure is about: mobilised, fled...")
    ] = None,
    subject: Text = None,
    source: Text = None,
    language: Language = None,
    document: Document = None,
    since: Since = None,
    until: Until = None,
    q: Search = None,
    review: Review = None,
) -> FigureFilters:
    return FigureFilters(
        unit=unit,
        category=category,
        subject=subject,
        source=source,
        language=language,
        document=document,
        since=since,
        until=until,
        q=q,
        review=review,
    )


def document_filters(
    language: Language = None, since: Since = None, until: Until = None, q: Search = None
) -> DocumentFilters:
    return DocumentFilters(language=language, since=since, until=until, q=q)


@dataclass(frozen=True, slots=True)
class PageParams:
    sort: str | None
    limit: int
    cursor: str | None


def _sort_pattern(names: Iterable[str]) -> str:
    return f"^-?({'|'.join(names)})$"


def page_params(sorts: tuple[str, ...], default: str) -> Callable[..., PageParams]:
    """A dependency reading `sort` (one of `sorts`, `-` for descending), `limit` and `cursor`."""

    def read(
        sort: Annotated[
            str,
            Query(
                pattern=_sort_pattern(sorts),
                description=f"One of {', '.join(sorts)}; prefix - for descending.",
            ),
        ] = default,
        limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Rows per page.")] = (
            DEFAULT_LIMIT
        ),
        cursor: Annotated[
            str | None,
            Query(max_length=2000, description="The `next` value of the previous page."),
        ] = None,
    ) -> PageParams:
        return PageParams(sort=sort, limit=limit, cursor=cursor)

    return read


offer_page = page_params(OFFER_SORTS, "-date")
figure_page = page_params(FIGURE_SORTS, "-date")
document_page = page_params(DOCUMENT_SORTS, "-published")
error_page = page_params(ERROR_SORTS, "-id")
claim_page = page_params(CLAIM_SORTS, "-independent_sources")
# Rows of a later stage's table come in the order written.
table_page = page_params(("rowid",), "rowid")

Series = Annotated[
    str, Query(pattern=f"^({'|'.join(CHART_SERIES)})$", description="What colours the chart.")
]

_PAGE = frozenset({"sort", "limit", "cursor"})
OFFER_PARAMS = _PAGE | {f.name for f in fields(OfferFilters)}
FIGURE_PARAMS = _PAGE | {f.name for f in fields(FigureFilters)}
DOCUMENT_PARAMS = _PAGE | {f.name for f in fields(DocumentFilters)}
CLAIM_PARAMS = _PAGE | {f.name for f in fields(ClaimFilters)}


def only(*names: Iterable[str]) -> Callable[[Request], None]:
    """A dependency refusing query parameters other than `names`."""
    known = frozenset().union(*names)

    def check(request: Request) -> None:
        names = [name for name, _ in request.query_params.multi_items()]
        unknown = sorted(set(names) - known)
        if unknown:
            raise HTTPException(
                400,
                f"unknown parameter {', '.join(unknown)}; known: {', '.join(sorted(known))}",
            )
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            # Every parameter takes one value; silently keeping the last would hide a mistake.
            raise HTTPException(400, f"parameter {', '.join(repeated)} given more than once")

    return check
