"""What a read asks for: filters, checked and turned into WHERE clauses with bound parameters.

Only fixed SQL fragments written here are ever joined into a statement; every value from a
request travels as a parameter. A malformed value raises QueryError naming the parameter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from recruitwatch.errors import QueryError
from recruitwatch.model import FIGURE_CATEGORIES, OFFER_KINDS, PAYER_LEVELS, RECIPIENTS
from recruitwatch.store.dialects import Dialect

# The offer's date, else its document's; the USD and RUB amounts (official rate, else stated).
# Normalise gives them and the offer row keeps them (migration 16): no filter joins a table.
OFFER_DATE = "offers.record_date"
OFFER_USD = "offers.usd"
OFFER_RUB = "offers.rub"
FIGURE_DATE = "COALESCE(figures.date, documents.published)"
FIGURE_UNITS = ("people", "percent", "other")
_CURRENCY = re.compile(r"^[A-Za-z]{3}$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")
_REGION_CODE = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,3}$")  # ISO 3166-2: RU-TA, UA-43
_COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")  # ISO 3166-1 alpha-2
# What a list may be narrowed to by review: a status, none yet, confirmed or corrected
# ("accepted": what a reviewer stands behind), or any review at all.
REVIEW_FILTERS = ("unreviewed", "confirmed", "corrected", "rejected", "accepted", "reviewed")


@dataclass(frozen=True, slots=True)
class OfferFilters:
    """Every field is optional; payer, target and region match a case-insensitive substring,
    the guide's keys (payer_level, payer_region, target_country, recipient) an exact value."""

    kind: str | None = None
    currency: str | None = None
    payer: str | None = None
    target: str | None = None
    region: str | None = None
    payer_level: str | None = None
    payer_region: str | None = None
    target_country: str | None = None
    recipient: str | None = None
    language: str | None = None
    document: str | None = None
    since: date | None = None
    until: date | None = None
    min_usd: float | None = None
    max_usd: float | None = None
    q: str | None = None
    review: str | None = None

    def query_params(self) -> dict[str, str]:
        """The filters as URL query parameters (for links that keep them)."""
        return _query_params(self)


@dataclass(frozen=True, slots=True)
class FigureFilters:
    """Every field is optional; subject and source match a case-insensitive substring, the
    guide's category an exact value."""

    unit: str | None = None
    category: str | None = None
    subject: str | None = None
    source: str | None = None
    language: str | None = None
    document: str | None = None
    since: date | None = None
    until: date | None = None
    q: str | None = None
    review: str | None = None

    def query_params(self) -> dict[str, str]:
        return _query_params(self)


@dataclass(frozen=True, slots=True)
class ClaimFilters:
    """Claims with at least `min_sources` independent sources, of one record type, kind or
    unit, about one paying region (ISO 3166-2), stated within a period."""

    record: str | None = None
    kind: str | None = None
    unit: str | None = None
    payer_region: str | None = None
    min_sources: int | None = None
    since: date | None = None
    until: date | None = None

    def query_params(self) -> dict[str, str]:
        return _query_params(self)


@dataclass(frozen=True, slots=True)
class DocumentFilters:
    language: str | None = None
    since: date | None = None
    until: date | None = None
    q: str | None = None


def _query_params(filters: OfferFilters | FigureFilters | ClaimFilters) -> dict[str, str]:
    found: dict[str, str] = {}
    for item in fields(filters):
        value = getattr(filters, item.name)
        if value is not None:
            found[item.name] = value.isoformat() if isinstance(value, date) else str(value)
    return found


@dataclass(slots=True)
class Where:
    """WHERE clauses with bound parameters, in `dialect`."""

    dialect: Dialect
    clauses: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)

    def add(self, clause: str, *params: Any) -> None:
        self.clauses.append(clause)
        self.params.extend(params)

    def equal(self, column: str, value: str | None) -> None:
        if value is not None:
            self.add(f"{column} = ?", value)

    def contains(self, column: str, value: str | None) -> None:
        if value:
            self.add(*self.dialect.contains(column, value))

    def between(self, column: str, low: Any, high: Any) -> None:
        if low is not None:
            self.add(f"{column} >= ?", low)
        if high is not None:
            self.add(f"{column} <= ?", high)

    def review(self, column: str, wanted: str | None) -> None:
        found = review_clause(column, wanted)
        if found is not None:
            self.add(found[0], *found[1])

    def search(self, document_column: str, q: str | None) -> None:
        if q is not None:
            self.add(*self.dialect.search(document_column, q))

    def copy(self) -> Where:
        return Where(self.dialect, list(self.clauses), list(self.params))

    def sql(self) -> str:
        return f" WHERE {' AND '.join(self.clauses)}" if self.clauses else ""


def offer_where(filters: OfferFilters, dialect: Dialect) -> Where:
    if filters.kind is not None and filters.kind not in OFFER_KINDS:
        raise QueryError(f"kind: unknown kind {filters.kind!r}; one of {', '.join(OFFER_KINDS)}")
    if filters.currency is not None and not _CURRENCY.match(filters.currency):
        raise QueryError(f"currency: {filters.currency!r} is not a 3-letter code like RUB or USD")
    low, high = filters.min_usd, filters.max_usd
    if low is not None and high is not None and low > high:
        raise QueryError(f"min_usd ({low}) is above max_usd ({high}); swap them")
    _check_dates(filters.since, filters.until)
    _check_language(filters.language)
    check_offer_keys(
        filters.payer_level, filters.payer_region, filters.target_country, filters.recipient
    )
    where = Where(dialect)
    where.equal("offers.kind", filters.kind)
    where.equal("offers.currency", filters.currency.upper() if filters.currency else None)
    where.contains("offers.offered_by", filters.payer)
    where.contains("offers.target", filters.target)
    where.contains("offers.region", filters.region)
    where.equal("offers.payer_level", filters.payer_level)
    where.equal("offers.payer_region", filters.payer_region)
    where.equal("offers.target_country", filters.target_country)
    where.equal("offers.recipient", filters.recipient)
    where.equal("offers.language", filters.language)
    where.equal("offers.document_id", filters.document)
    where.between(OFFER_DATE, _iso(filters.since), _iso(filters.until))
    where.between(OFFER_USD, low, high)
    where.search("offers.document_id", filters.q)
    where.review("offers.review_status", filters.review)
    return where


def figure_where(filters: FigureFilters, dialect: Dialect) -> Where:
    if filters.unit is not None and filters.unit not in FIGURE_UNITS:
        raise QueryError(f"unit: unknown unit {filters.unit!r}; one of {', '.join(FIGURE_UNITS)}")
    _check_dates(filters.since, filters.until)
    _check_language(filters.language)
    check_figure_category(filters.category)
    where = Where(dialect)
    where.equal("figures.unit", filters.unit)
    where.equal("figures.category", filters.category)
    where.contains("figures.subject", filters.subject)
    where.contains("figures.source", filters.source)
    where.equal("figures.language", filters.language)
    where.equal("figures.document_id", filters.document)
    where.between(FIGURE_DATE, _iso(filters.since), _iso(filters.until))
    where.search("figures.document_id", filters.q)
    where.review("figures.review_status", filters.review)
    return where


def claim_where(filters: ClaimFilters, dialect: Dialect) -> Where:
    if filters.record is not None and filters.record not in ("offer", "figure"):
        raise QueryError(f"record: {filters.record!r} is neither offer nor figure")
    if filters.payer_region is not None and not _REGION_CODE.match(filters.payer_region):
        raise QueryError(f"payer_region: {filters.payer_region!r} is not an ISO 3166-2 code")
    _check_dates(filters.since, filters.until)
    where = Where(dialect)
    where.equal("claims.record", filters.record)
    where.equal("claims.kind", filters.kind)
    where.equal("claims.unit", filters.unit)
    if filters.min_sources is not None:
        where.add("claims.independent_sources >= ?", filters.min_sources)
    # A claim's period overlaps [since, until].
    if filters.since is not None:
        where.add("claims.last >= ?", _iso(filters.since))
    if filters.until is not None:
        where.add("claims.first <= ?", _iso(filters.until))
    if filters.payer_region is not None:
        where.add(
            "EXISTS (SELECT 1 FROM claim_statements JOIN offers"
            " ON offers.id = claim_statements.offer_id"
            " WHERE claim_statements.claim_id = claims.id AND offers.payer_region = ?)",
            filters.payer_region,
        )
    return where


def document_where(filters: DocumentFilters, dialect: Dialect) -> Where:
    _check_dates(filters.since, filters.until)
    _check_language(filters.language)
    where = Where(dialect)
    where.equal("documents.language", filters.language)
    where.between("documents.published", _iso(filters.since), _iso(filters.until))
    where.search("documents.id", filters.q)
    return where


def check_offer_keys(
    payer_level: str | None,
    payer_region: str | None,
    target_country: str | None,
    recipient: str | None,
) -> None:
    """The guide's keys as filters: a value from its vocabulary, an ISO code in capitals."""
    if payer_level is not None and payer_level not in PAYER_LEVELS:
        raise QueryError(
            f"payer_level: unknown level {payer_level!r}; one of {', '.join(PAYER_LEVELS)}"
        )
    if recipient is not None and recipient not in RECIPIENTS:
        raise QueryError(f"recipient: unknown {recipient!r}; one of {', '.join(RECIPIENTS)}")
    if payer_region is not None and not _REGION_CODE.match(payer_region):
        raise QueryError(
            f"payer_region: {payer_region!r} is not an ISO 3166-2 code like RU-TA or UA-43"
        )
    if target_country is not None and not _COUNTRY_CODE.match(target_country):
        raise QueryError(
            f"target_country: {target_country!r} is not an ISO 3166-1 code like KZ or CU"
        )


def review_clause(column: str, wanted: str | None) -> tuple[str, tuple[str, ...]] | None:
    """The clause (and its parameters) keeping records by review (one of REVIEW_FILTERS)."""
    check_review(wanted)
    if wanted is None:
        return None
    if wanted == "unreviewed":
        return f"{column} IS NULL", ()
    if wanted == "reviewed":
        return f"{column} IS NOT NULL", ()
    if wanted == "accepted":
        return f"{column} IN ('confirmed', 'corrected')", ()
    return f"{column} = ?", (wanted,)


def check_review(wanted: str | None) -> None:
    if wanted is not None and wanted not in REVIEW_FILTERS:
        raise QueryError(f"review: unknown {wanted!r}; one of {', '.join(REVIEW_FILTERS)}")


def check_figure_category(category: str | None) -> None:
    if category is not None and category not in FIGURE_CATEGORIES:
        raise QueryError(
            f"category: unknown category {category!r}; one of {', '.join(FIGURE_CATEGORIES)}"
        )


def _check_dates(since: date | None, until: date | None) -> None:
    if since is not None and until is not None and since > until:
        raise QueryError(f"since ({since}) is after until ({until}); swap them")


def _check_language(language: str | None) -> None:
    if language is not None and not _LANGUAGE.match(language):
        raise QueryError(f"language: {language!r} is not a language code like en, ru or kk")


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None
