"""Read-only queries for the API and the pages: filters, sorting, cursor pages, counts, search.

SQLite only, on a connection of its own that cannot write (`connect_reader`). Every value from a
request is a bound parameter; column names and SQL fragments come from the fixed tables in this
module, picked by name, never from the request text.

Pages are keyset-paginated: the cursor holds the sort key and id of the last row shown, so a
page costs the same at any depth and rows added meanwhile do not shift the next page.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from recruitwatch.errors import QueryError, StoreError
from recruitwatch.model import OFFER_KINDS

# A record's own date, else its document's publication date, places it in time.
OFFER_DATE = "COALESCE(offers.date, documents.published)"
FIGURE_DATE = "COALESCE(figures.date, documents.published)"
_OFFER_SOURCE = "offers JOIN documents ON documents.id = offers.document_id"


@dataclass(frozen=True, slots=True)
class Money:
    """SQL for an offer's amount in USD and in RUB.

    The official-rate conversion where the normalise stage stored one (its `conversions`
    table), else what the text states: a conversion it gives, or the amount in that currency."""

    usd: str
    rub: str

    @classmethod
    def for_tables(cls, tables: frozenset[str]) -> Money:
        stated_usd = (
            "COALESCE(offers.usd_stated, CASE WHEN offers.currency = 'USD' THEN offers.amount END)"
        )
        stated_rub = "CASE WHEN offers.currency = 'RUB' THEN offers.amount END"
        if "conversions" not in tables:
            return cls(usd=stated_usd, rub=stated_rub)
        return cls(
            usd=f"COALESCE({_converted('USD')}, {stated_usd})",
            rub=f"COALESCE({_converted('RUB')}, {stated_rub})",
        )


def _converted(currency: str) -> str:
    return (
        "(SELECT conversions.amount FROM conversions WHERE conversions.offer_id = offers.id"
        f" AND conversions.currency = '{currency}')"
    )


FIGURE_UNITS = ("people", "percent", "other")
# One page holds at most this many rows: enough for a screen or a script, small enough to stay fast.
MAX_LIMIT = 1000
DEFAULT_LIMIT = 50
# A search is a few words; more is a pasted text, not a query.
_MAX_SEARCH_WORDS = 20
_WORD = re.compile(r"\w+")
_CURRENCY = re.compile(r"^[A-Za-z]{3}$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")
# Sort keys never NULL, so (key, id) orders every row: missing values go last either way.
_TEXT_LAST = "char(1114111)"
_NUMBER_LAST = "1e308"


def connect_reader(path: Path) -> sqlite3.Connection:
    """A connection that reads the database at `path` and refuses every write.

    The file must exist and be migrated (open it once with `open_store` first)."""
    try:
        connection = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro",
            uri=True,
            # One request uses it at a time, but a framework may open and close it on two
            # threads of its pool.
            check_same_thread=False,
        )
        connection.row_factory = sqlite3.Row
        connection.create_function("casefold", 1, _casefold, deterministic=True)
        connection.execute("PRAGMA query_only = ON")
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open the database to read ({exc})", source=str(path)) from exc
    return connection


def _casefold(value: str | None) -> str | None:
    return value.casefold() if value is not None else None


# --- filters ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OfferFilters:
    """Every field is optional; text fields other than codes match a case-insensitive substring."""

    kind: str | None = None
    currency: str | None = None
    payer: str | None = None
    target: str | None = None
    region: str | None = None
    language: str | None = None
    document: str | None = None
    since: date | None = None
    until: date | None = None
    min_usd: float | None = None
    max_usd: float | None = None
    q: str | None = None

    def query_params(self) -> dict[str, str]:
        """The filters as URL query parameters (for links that keep them)."""
        return _query_params(self)


@dataclass(frozen=True, slots=True)
class FigureFilters:
    unit: str | None = None
    subject: str | None = None
    source: str | None = None
    language: str | None = None
    document: str | None = None
    since: date | None = None
    until: date | None = None
    q: str | None = None

    def query_params(self) -> dict[str, str]:
        return _query_params(self)


@dataclass(frozen=True, slots=True)
class DocumentFilters:
    language: str | None = None
    since: date | None = None
    until: date | None = None
    q: str | None = None

    def query_params(self) -> dict[str, str]:
        return _query_params(self)


def _query_params(filters: OfferFilters | FigureFilters | DocumentFilters) -> dict[str, str]:
    found: dict[str, str] = {}
    for name in filters.__dataclass_fields__:
        value = getattr(filters, name)
        if value is not None:
            found[name] = value.isoformat() if isinstance(value, date) else str(value)
    return found


@dataclass(slots=True)
class _Where:
    """WHERE clauses with bound parameters; only fixed SQL fragments are ever joined."""

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
            self.add(f"instr(casefold({column}), ?) > 0", value.casefold())

    def between(self, column: str, low: Any, high: Any) -> None:
        if low is not None:
            self.add(f"{column} >= ?", low)
        if high is not None:
            self.add(f"{column} <= ?", high)

    def search(self, document_column: str, q: str | None) -> None:
        if q is not None:
            self.add(
                f"{document_column} IN (SELECT document_search.document_id FROM documents_fts"
                " JOIN document_search ON document_search.rowid = documents_fts.rowid"
                " WHERE documents_fts MATCH ?)",
                fts_query(q),
            )

    def sql(self) -> str:
        return f" WHERE {' AND '.join(self.clauses)}" if self.clauses else ""


def fts_query(q: str) -> str:
    """The words of `q` as an FTS5 query: each a quoted prefix, all required.

    Quoting every word means no input is FTS syntax, so no search can fail to parse."""
    words = _WORD.findall(q)
    if not words:
        raise QueryError("q: the search needs at least one word (letters or digits)")
    if len(words) > _MAX_SEARCH_WORDS:
        raise QueryError(f"q: at most {_MAX_SEARCH_WORDS} words, got {len(words)}")
    return " ".join(f'"{word}"*' for word in words)


def _check_dates(since: date | None, until: date | None) -> None:
    if since is not None and until is not None and since > until:
        raise QueryError(f"since ({since}) is after until ({until}); swap them")


def _check_language(language: str | None) -> None:
    if language is not None and not _LANGUAGE.match(language):
        raise QueryError(f"language: {language!r} is not a language code like en, ru or kk")


def _offer_where(filters: OfferFilters, money: Money) -> _Where:
    if filters.kind is not None and filters.kind not in OFFER_KINDS:
        raise QueryError(f"kind: unknown kind {filters.kind!r}; one of {', '.join(OFFER_KINDS)}")
    if filters.currency is not None and not _CURRENCY.match(filters.currency):
        raise QueryError(f"currency: {filters.currency!r} is not a 3-letter code like RUB or USD")
    low, high = filters.min_usd, filters.max_usd
    if low is not None and high is not None and low > high:
        raise QueryError(f"min_usd ({low}) is above max_usd ({high}); swap them")
    _check_dates(filters.since, filters.until)
    _check_language(filters.language)
    where = _Where()
    where.equal("offers.kind", filters.kind)
    where.equal("offers.currency", filters.currency.upper() if filters.currency else None)
    where.contains("offers.offered_by", filters.payer)
    where.contains("offers.target", filters.target)
    where.contains("offers.region", filters.region)
    where.equal("offers.language", filters.language)
    where.equal("offers.document_id", filters.document)
    where.between(OFFER_DATE, _iso(filters.since), _iso(filters.until))
    where.between(money.usd, filters.min_usd, filters.max_usd)
    where.search("offers.document_id", filters.q)
    return where


def _figure_where(filters: FigureFilters) -> _Where:
    if filters.unit is not None and filters.unit not in FIGURE_UNITS:
        raise QueryError(f"unit: unknown unit {filters.unit!r}; one of {', '.join(FIGURE_UNITS)}")
    _check_dates(filters.since, filters.until)
    _check_language(filters.language)
    where = _Where()
    where.equal("figures.unit", filters.unit)
    where.contains("figures.subject", filters.subject)
    where.contains("figures.source", filters.source)
    where.equal("figures.language", filters.language)
    where.equal("figures.document_id", filters.document)
    where.between(FIGURE_DATE, _iso(filters.since), _iso(filters.until))
    where.search("figures.document_id", filters.q)
    return where


def _document_where(filters: DocumentFilters) -> _Where:
    _check_dates(filters.since, filters.until)
    _check_language(filters.language)
    where = _Where()
    where.equal("documents.language", filters.language)
    where.between("documents.published", _iso(filters.since), _iso(filters.until))
    where.search("documents.id", filters.q)
    return where


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


# --- listings, sorts and cursors -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Listing:
    """What a list endpoint selects from, and the keys it can be sorted by."""

    name: str
    select: str
    source: str
    row_id: str  # an integer column: the tie-break of every sort, and the cursor's second half
    sorts: Mapping[str, tuple[str, bool]]  # name -> (SQL expression, is text)
    default_sort: str


def _offers(money: Money) -> _Listing:
    return _Listing(
        name="offers",
        select=f"offers.*, {OFFER_DATE} AS record_date, {money.usd} AS usd, {money.rub} AS rub",
        source=_OFFER_SOURCE,
        row_id="offers.id",
        sorts={
            "date": (OFFER_DATE, True),
            "amount": ("offers.amount", False),
            "usd": (money.usd, False),
            "rub": (money.rub, False),
            "kind": ("offers.kind", True),
            "currency": ("offers.currency", True),
            "payer": ("offers.offered_by", True),
            "target": ("offers.target", True),
            "region": ("offers.region", True),
            "document": ("offers.document_id", True),
            "id": ("offers.id", False),
        },
        default_sort="-date",
    )


_FIGURES = _Listing(
    name="figures",
    select=f"figures.*, {FIGURE_DATE} AS record_date",
    source="figures JOIN documents ON documents.id = figures.document_id",
    row_id="figures.id",
    sorts={
        "date": (FIGURE_DATE, True),
        "quantity": ("figures.quantity", False),
        "unit": ("figures.unit", True),
        "subject": ("figures.subject", True),
        "source": ("figures.source", True),
        "document": ("figures.document_id", True),
        "id": ("figures.id", False),
    },
    default_sort="-date",
)
_DOCUMENTS = _Listing(
    name="documents",
    select=(
        "documents.rowid AS row_id, documents.id, documents.source, documents.url,"
        " documents.title, documents.published, documents.language, documents.content_hash,"
        " documents.ingested_at, length(documents.text) AS characters,"
        " (SELECT count(*) FROM offers WHERE offers.document_id = documents.id) AS offers,"
        " (SELECT count(*) FROM figures WHERE figures.document_id = documents.id) AS figures"
    ),
    source="documents",
    row_id="documents.rowid",
    sorts={
        "published": ("documents.published", True),
        "title": ("documents.title", True),
        "id": ("documents.id", True),
        "language": ("documents.language", True),
        "ingested": ("documents.ingested_at", True),
    },
    default_sort="-published",
)
_FAILURES = _Listing(
    name="errors",
    select="failures.*",
    source="failures",
    row_id="failures.id",
    sorts={
        "id": ("failures.id", False),
        "stage": ("failures.stage", True),
        "source": ("failures.source", True),
    },
    default_sort="-id",
)

OFFER_SORTS = tuple(_offers(Money("", "")).sorts)
FIGURE_SORTS = tuple(_FIGURES.sorts)
DOCUMENT_SORTS = tuple(_DOCUMENTS.sorts)
ERROR_SORTS = tuple(_FAILURES.sorts)


@dataclass(frozen=True, slots=True)
class Page:
    """One page of rows; `count` is how many rows match the filters in all pages."""

    items: list[dict[str, Any]]
    next: str | None
    count: int


@dataclass(frozen=True, slots=True)
class _Order:
    name: str
    descending: bool
    key: str  # an SQL expression that is never NULL

    @classmethod
    def parse(cls, listing: _Listing, sort: str | None) -> _Order:
        text = sort or listing.default_sort
        descending = text.startswith("-")
        name = text.removeprefix("-")
        if name not in listing.sorts:
            choices = ", ".join(listing.sorts)
            raise QueryError(
                f"sort: cannot sort {listing.name} by {name!r}; one of {choices}"
                " (prefix - for descending)"
            )
        expression, is_text = listing.sorts[name]
        if is_text:
            expression = f"casefold({expression})"
        last = ("''" if descending else _TEXT_LAST) if is_text else _number_last(descending)
        return cls(name, descending, f"ifnull({expression}, {last})")

    @property
    def token(self) -> str:
        return f"-{self.name}" if self.descending else self.name


def _number_last(descending: bool) -> str:
    return f"-{_NUMBER_LAST}" if descending else _NUMBER_LAST


def _encode_cursor(order: _Order, key: Any, row_id: int) -> str:
    raw = json.dumps([order.token, key, row_id], ensure_ascii=False).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _decode_cursor(order: _Order, cursor: str) -> tuple[Any, int]:
    bad = QueryError("cursor: malformed; pass the `next` value of the previous page unchanged")
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        token, key, row_id = json.loads(raw.decode("utf-8"))
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError) as exc:
        raise bad from exc
    if not isinstance(row_id, int) or not isinstance(key, str | int | float):
        raise bad
    if token != order.token:
        raise QueryError(
            f"cursor: it belongs to sort {token!r}, not {order.token!r}; start again without it"
        )
    return key, row_id


class Reader:
    """Queries over one read-only connection (see `connect_reader`)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection
        self._tables: frozenset[str] | None = None

    def close(self) -> None:
        self._connection.close()

    def select(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        try:
            return self._connection.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise StoreError(f"cannot read the database: {exc}") from exc

    def tables(self) -> frozenset[str]:
        """Names of the tables present: later stages' tables may not exist in every database."""
        if self._tables is None:
            found = self.select("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")
            self._tables = frozenset(row["name"] for row in found)
        return self._tables

    def money(self) -> Money:
        return Money.for_tables(self.tables())

    def columns(self, table: str) -> list[str]:
        """Column names of `table`, [] when it does not exist."""
        if table not in self.tables():
            return []
        # The name was just found in sqlite_master, so quoting it cannot inject anything.
        return [row["name"] for row in self.select(f'PRAGMA table_info("{table}")')]

    # --- lists ---

    def offers(
        self,
        filters: OfferFilters,
        *,
        sort: str | None = None,
        limit: int = DEFAULT_LIMIT,
        cursor: str | None = None,
    ) -> Page:
        money = self.money()
        return self._page(
            _offers(money), _offer_where(filters, money), sort, limit, cursor, offer_item
        )

    def figures(
        self,
        filters: FigureFilters,
        *,
        sort: str | None = None,
        limit: int = DEFAULT_LIMIT,
        cursor: str | None = None,
    ) -> Page:
        return self._page(_FIGURES, _figure_where(filters), sort, limit, cursor, figure_item)

    def documents(
        self,
        filters: DocumentFilters,
        *,
        sort: str | None = None,
        limit: int = DEFAULT_LIMIT,
        cursor: str | None = None,
    ) -> Page:
        page = self._page(_DOCUMENTS, _document_where(filters), sort, limit, cursor, plain_item)
        if filters.q is not None and page.items:
            snippets = self.snippets(filters.q, [item["id"] for item in page.items])
            for item in page.items:
                item["snippet"] = snippets.get(item["id"])
        return page

    def failures(
        self,
        *,
        stage: str | None = None,
        sort: str | None = None,
        limit: int = DEFAULT_LIMIT,
        cursor: str | None = None,
    ) -> Page:
        where = _Where()
        where.equal("failures.stage", stage)
        return self._page(_FAILURES, where, sort, limit, cursor, plain_item)

    def table_page(
        self, table: str, *, limit: int = DEFAULT_LIMIT, cursor: str | None = None
    ) -> Page:
        """Rows of a table another stage writes, in the order written; [] when it is absent."""
        if table not in self.tables():
            return Page(items=[], next=None, count=0)
        # The name was found in sqlite_master, so quoting it cannot inject anything.
        listing = _Listing(
            name=table,
            select=f'"{table}".*',
            source=f'"{table}"',
            row_id=f'"{table}".rowid',
            sorts={"rowid": (f'"{table}".rowid', False)},
            default_sort="rowid",
        )
        return self._page(listing, _Where(), None, limit, cursor, plain_item)

    def iter_offers(
        self, filters: OfferFilters, *, sort: str | None = None
    ) -> Iterator[dict[str, Any]]:
        """Every offer matching the filters, read a page at a time (for exports). The first
        page is read now, so a malformed filter raises here and not halfway through."""
        first = self.offers(filters, sort=sort, limit=MAX_LIMIT)
        return _pages(
            first, lambda cursor: self.offers(filters, sort=sort, limit=MAX_LIMIT, cursor=cursor)
        )

    def iter_figures(
        self, filters: FigureFilters, *, sort: str | None = None
    ) -> Iterator[dict[str, Any]]:
        first = self.figures(filters, sort=sort, limit=MAX_LIMIT)
        return _pages(
            first, lambda cursor: self.figures(filters, sort=sort, limit=MAX_LIMIT, cursor=cursor)
        )

    def _page(
        self,
        listing: _Listing,
        where: _Where,
        sort: str | None,
        limit: int,
        cursor: str | None,
        item: Callable[[sqlite3.Row], dict[str, Any]],
    ) -> Page:
        if not 1 <= limit <= MAX_LIMIT:
            raise QueryError(f"limit: must be between 1 and {MAX_LIMIT}, got {limit}")
        order = _Order.parse(listing, sort)
        count = self.select(f"SELECT count(*) FROM {listing.source}{where.sql()}", where.params)
        page_where = _Where(list(where.clauses), list(where.params))
        if cursor is not None:
            key, row_id = _decode_cursor(order, cursor)
            comparison = "<" if order.descending else ">"
            page_where.add(f"({order.key}, {listing.row_id}) {comparison} (?, ?)", key, row_id)
        direction = "DESC" if order.descending else "ASC"
        found = self.select(
            f"SELECT {listing.select}, {order.key} AS sort_key, {listing.row_id} AS cursor_id"
            f" FROM {listing.source}{page_where.sql()}"
            f" ORDER BY sort_key {direction}, cursor_id {direction} LIMIT ?",
            [*page_where.params, limit + 1],
        )
        more = len(found) > limit
        rows = found[:limit]
        next_cursor = (
            _encode_cursor(order, rows[-1]["sort_key"], rows[-1]["cursor_id"]) if more else None
        )
        return Page(items=[item(row) for row in rows], next=next_cursor, count=count[0][0])

    # --- single records and search ---

    def document(self, doc_id: str) -> dict[str, Any] | None:
        found = self.select("SELECT * FROM documents WHERE id = ?", (doc_id,))
        return dict(found[0]) if found else None

    def offer(self, offer_id: int) -> dict[str, Any] | None:
        listing = _offers(self.money())
        found = self.select(
            f"SELECT {listing.select} FROM {listing.source} WHERE offers.id = ?", (offer_id,)
        )
        return offer_item(found[0]) if found else None

    def document_offers(self, doc_id: str) -> list[dict[str, Any]]:
        listing = _offers(self.money())
        found = self.select(
            f"SELECT {listing.select} FROM {listing.source}"
            " WHERE offers.document_id = ? ORDER BY offers.evidence_start, offers.id",
            (doc_id,),
        )
        return [offer_item(row) for row in found]

    def document_figures(self, doc_id: str) -> list[dict[str, Any]]:
        found = self.select(
            f"SELECT {_FIGURES.select} FROM {_FIGURES.source}"
            " WHERE figures.document_id = ? ORDER BY figures.evidence_start, figures.id",
            (doc_id,),
        )
        return [figure_item(row) for row in found]

    def snippets(self, q: str, doc_ids: Sequence[str]) -> dict[str, str]:
        """Per document, a passage around the words of `q`, matches between \\x02 and \\x03."""
        marks = ", ".join("?" * len(doc_ids))
        found = self.select(
            "SELECT document_search.document_id AS id,"
            " snippet(documents_fts, 1, char(2), char(3), '…', 16) AS snippet"
            " FROM documents_fts JOIN document_search"
            " ON document_search.rowid = documents_fts.rowid"
            f" WHERE documents_fts MATCH ? AND document_search.document_id IN ({marks})",
            [fts_query(q), *doc_ids],
        )
        return {row["id"]: row["snippet"] for row in found}

    def totals(self) -> dict[str, int]:
        """Rows per table, for the home page; a table a later stage adds counts once present."""
        names = ["documents", "offers", "figures", "failures", "claims", "conflicts"]
        return {
            name: self.select(f'SELECT count(*) FROM "{name}"')[0][0]
            for name in names
            if name in self.tables()
        }

    def offer_kind_counts(self, filters: OfferFilters) -> dict[str, int]:
        where = _offer_where(filters, self.money())
        found = self.select(
            f"SELECT offers.kind, count(*) AS n FROM {_OFFER_SOURCE}{where.sql()}"
            " GROUP BY offers.kind",
            where.params,
        )
        return {row["kind"]: row["n"] for row in found}

    def chart_points(self, filters: OfferFilters, kind: str, series: str) -> list[ChartRow]:
        """Dated offers of `kind` matching the filters: one row each, oldest first."""
        money = self.money()
        where = _chart_where(filters, kind, money)
        found = self.select(
            f"SELECT offers.id, offers.document_id, {OFFER_DATE} AS day, {money.usd} AS usd,"
            f" {money.rub} AS rub, {_SERIES[series]} AS series, 1 AS n"
            f" FROM {_OFFER_SOURCE}{where.sql()} ORDER BY day, offers.id",
            where.params,
        )
        return [_chart_row(row) for row in found]

    def chart_months(self, filters: OfferFilters, kind: str, series: str) -> list[ChartRow]:
        """Dated offers of `kind` matching the filters, as monthly means per series."""
        money = self.money()
        where = _chart_where(filters, kind, money)
        found = self.select(
            f"SELECT NULL AS id, NULL AS document_id, substr({OFFER_DATE}, 1, 7) || '-15' AS day,"
            f" avg({money.usd}) AS usd, avg({money.rub}) AS rub, {_SERIES[series]} AS series,"
            f" count(*) AS n FROM {_OFFER_SOURCE}{where.sql()}"
            " GROUP BY substr(day, 1, 7), series ORDER BY day, series",
            where.params,
        )
        return [_chart_row(row) for row in found]

    def chart_count(self, filters: OfferFilters, kind: str) -> int:
        where = _chart_where(filters, kind, self.money())
        found = self.select(f"SELECT count(*) FROM {_OFFER_SOURCE}{where.sql()}", where.params)
        return int(found[0][0])


def _pages(first: Page, following: Callable[[str], Page]) -> Iterator[dict[str, Any]]:
    page = first
    while True:
        yield from page.items
        if page.next is None:
            return
        page = following(page.next)


# What a chart colours its marks by.
_SERIES = {
    "payer": "ifnull(offers.offered_by, 'not stated')",
    "region": "ifnull(offers.region, 'not stated')",
}
CHART_SERIES = tuple(_SERIES)


@dataclass(frozen=True, slots=True)
class ChartRow:
    """An offer (or, for many offers, a month's mean of one series) to plot."""

    id: int | None
    document_id: str | None
    day: date
    usd: float | None
    rub: float | None
    series: str
    n: int


def _chart_where(filters: OfferFilters, kind: str, money: Money) -> _Where:
    where = _offer_where(filters, money)
    where.add("offers.kind = ?", kind)
    where.add(f"{OFFER_DATE} IS NOT NULL")
    return where


def _chart_row(row: sqlite3.Row) -> ChartRow:
    return ChartRow(
        id=row["id"],
        document_id=row["document_id"],
        day=date.fromisoformat(row["day"]),
        usd=row["usd"],
        rub=row["rub"],
        series=row["series"],
        n=row["n"],
    )


# --- rows to items ---------------------------------------------------------------------------


def _evidence(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "start": row["evidence_start"],
        "end": row["evidence_end"],
        "text": row["evidence_text"],
        "value_start": row["value_start"],
        "value_end": row["value_end"],
        "rule": row["rule"],
        "language": row["language"],
    }


def offer_item(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "document_id": row["document_id"],
        "kind": row["kind"],
        "amount": row["amount"],
        "amount_max": row["amount_max"],
        "currency": row["currency"],
        "usd_stated": row["usd_stated"],
        "usd": row["usd"],
        "rub": row["rub"],
        "offered_by": row["offered_by"],
        "target": row["target"],
        "region": row["region"],
        "date": row["date"],
        "record_date": row["record_date"],
        "confidence": row["confidence"],
        "evidence": _evidence(row),
    }


def figure_item(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "document_id": row["document_id"],
        "quantity": row["quantity"],
        "quantity_max": row["quantity_max"],
        "unit": row["unit"],
        "subject": row["subject"],
        "source": row["source"],
        "date": row["date"],
        "record_date": row["record_date"],
        "confidence": row["confidence"],
        "evidence": _evidence(row),
    }


def plain_item(row: sqlite3.Row) -> dict[str, Any]:
    """The row as a dict, without the columns a page query adds for itself."""
    return {key: row[key] for key in row.keys() if key not in _INTERNAL}  # noqa: SIM118  # Row has no __iter__ over keys


_INTERNAL = frozenset({"row_id", "sort_key", "cursor_id"})
