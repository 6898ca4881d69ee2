"""Read-only queries for the API and the pages: sorted, keyset-paginated lists, single records,
search snippets. SQLite only, on a connection of its own that cannot write (`connect_reader`).

A page query first orders only (id, sort key) pairs, which the offers_browse index covers, and
then reads the whole rows of that page. The cursor holds the sort key and id of the last row
shown (so a page costs the same at any depth, and rows added meanwhile do not shift it) and the
total counted for the first page (so later pages do not count again).
"""

from __future__ import annotations

import base64
import binascii
import json
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from recruitwatch.errors import QueryError, StoreError
from recruitwatch.store.dbapi import describe_url, is_postgres_url
from recruitwatch.store.filters import (
    FIGURE_DATE,
    OFFER_DATE,
    OFFER_RUB,
    OFFER_USD,
    DocumentFilters,
    FigureFilters,
    OfferFilters,
    Where,
    document_where,
    figure_where,
    fts_query,
    offer_where,
)

# One page holds at most this many rows: enough for a screen or a script, small enough to stay fast.
MAX_LIMIT = 1000
DEFAULT_LIMIT = 50
# Sort keys are never NULL, so (key, id) orders every row: missing values go last either way.
_TEXT_LAST = "char(1114111)"
_NUMBER_LAST = "1e308"
# Columns a page query adds for itself, dropped from the items.
_INTERNAL = frozenset({"sort_key", "cursor_id", "total"})


def connect_reader(db: str | Path) -> sqlite3.Connection:
    """A connection that reads the database at `db` and refuses every write.

    The file must exist and be migrated (open it once with `open_store` first)."""
    if is_postgres_url(db):
        raise StoreError(
            "the web pages and the API read an SQLite file; PostgreSQL is not served yet",
            source=describe_url(str(db)),
        )
    path = Path(db)
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


@dataclass(frozen=True, slots=True)
class _Listing:
    """What a list selects from, and the keys it can be sorted by."""

    name: str
    table: str
    joins: str  # joined to `table` for filters and columns
    select: str
    row_id: str  # an integer column: the tie-break of every sort, the cursor's second half
    sorts: Mapping[str, tuple[str, str]]  # name -> (SQL expression, "text" | "date" | "number")
    default_sort: str


_OFFERS = _Listing(
    name="offers",
    table="offers",
    joins="",
    select="offers.*",
    row_id="offers.id",
    sorts={
        "date": (OFFER_DATE, "date"),
        "amount": ("offers.amount", "number"),
        "usd": (OFFER_USD, "number"),
        "rub": (OFFER_RUB, "number"),
        "kind": ("offers.kind", "text"),
        "currency": ("offers.currency", "text"),
        "payer": ("offers.offered_by", "text"),
        "target": ("offers.target", "text"),
        "region": ("offers.region", "text"),
        "document": ("offers.document_id", "text"),
        "id": ("offers.id", "number"),
    },
    default_sort="-date",
)
_FIGURES = _Listing(
    name="figures",
    table="figures",
    joins=" JOIN documents ON documents.id = figures.document_id",
    select=f"figures.*, {FIGURE_DATE} AS record_date",
    row_id="figures.id",
    sorts={
        "date": (FIGURE_DATE, "date"),
        "quantity": ("figures.quantity", "number"),
        "unit": ("figures.unit", "text"),
        "subject": ("figures.subject", "text"),
        "source": ("figures.source", "text"),
        "document": ("figures.document_id", "text"),
        "id": ("figures.id", "number"),
    },
    default_sort="-date",
)
_DOCUMENTS = _Listing(
    name="documents",
    table="documents",
    joins="",
    select=(
        "documents.id, documents.source, documents.url, documents.title, documents.published,"
        " documents.language, documents.content_hash, documents.ingested_at,"
        " length(documents.text) AS characters,"
        " (SELECT count(*) FROM offers WHERE offers.document_id = documents.id) AS offers,"
        " (SELECT count(*) FROM figures WHERE figures.document_id = documents.id) AS figures"
    ),
    row_id="documents.rowid",
    sorts={
        "published": ("documents.published", "date"),
        "title": ("documents.title", "text"),
        "id": ("documents.id", "text"),
        "language": ("documents.language", "text"),
        "ingested": ("documents.ingested_at", "date"),
    },
    default_sort="-published",
)
_FAILURES = _Listing(
    name="errors",
    table="failures",
    joins="",
    select="failures.*",
    row_id="failures.id",
    sorts={
        "id": ("failures.id", "number"),
        "stage": ("failures.stage", "text"),
        "source": ("failures.source", "text"),
    },
    default_sort="-id",
)

OFFER_SORTS = tuple(_OFFERS.sorts)
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
            raise QueryError(
                f"sort: cannot sort {listing.name} by {name!r}; one of"
                f" {', '.join(listing.sorts)} (prefix - for descending)"
            )
        expression, kind = listing.sorts[name]
        if kind == "text":
            # lower() folds ASCII only; Cyrillic values keep their case order. A Python
            # casefold per row would cost more than the rest of the query.
            expression = f"lower({expression})"
        text_last = "''" if descending else _TEXT_LAST
        last = _number_last(descending) if kind == "number" else text_last
        # Newest first is ifnull(record_date, '') descending: the offers_newest index.
        return cls(name, descending, f"ifnull({expression}, {last})")

    @property
    def token(self) -> str:
        return f"-{self.name}" if self.descending else self.name


def _number_last(descending: bool) -> str:
    return f"-{_NUMBER_LAST}" if descending else _NUMBER_LAST


@dataclass(frozen=True, slots=True)
class _Cursor:
    key: Any
    row_id: int
    count: int

    def encode(self, order: _Order) -> str:
        raw = json.dumps([order.token, self.key, self.row_id, self.count], ensure_ascii=False)
        return base64.urlsafe_b64encode(raw.encode("utf-8")).decode("ascii").rstrip("=")

    @classmethod
    def decode(cls, order: _Order, cursor: str) -> _Cursor:
        bad = QueryError("cursor: malformed; pass the `next` value of the previous page unchanged")
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            token, key, row_id, count = json.loads(raw.decode("utf-8"))
        except (binascii.Error, UnicodeDecodeError, ValueError, TypeError) as exc:
            raise bad from exc
        if not (_storable(key) or isinstance(key, str | float)) or not all(
            _storable(number) for number in (row_id, count)
        ):
            raise bad
        if token != order.token:
            raise QueryError(
                f"cursor: it belongs to sort {token!r}, not {order.token!r}; start without it"
            )
        return cls(key, row_id, count)


def _storable(value: object) -> bool:
    """An int SQLite can bind (64-bit), not a bool."""
    return isinstance(value, int) and not isinstance(value, bool) and -(2**63) <= value < 2**63


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
        return self._page(_OFFERS, offer_where(filters), sort, limit, cursor, offer_item)

    def figures(
        self,
        filters: FigureFilters,
        *,
        sort: str | None = None,
        limit: int = DEFAULT_LIMIT,
        cursor: str | None = None,
    ) -> Page:
        return self._page(_FIGURES, figure_where(filters), sort, limit, cursor, figure_item)

    def documents(
        self,
        filters: DocumentFilters,
        *,
        sort: str | None = None,
        limit: int = DEFAULT_LIMIT,
        cursor: str | None = None,
    ) -> Page:
        where = document_where(filters)
        page = self._page(_DOCUMENTS, where, sort, limit, cursor, plain_item)
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
        where = Where()
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
            table=f'"{table}"',
            joins="",
            select=f'"{table}".*',
            row_id=f'"{table}".rowid',
            sorts={"rowid": (f'"{table}".rowid', "number")},
            default_sort="rowid",
        )
        return self._page(listing, Where(), None, limit, cursor, plain_item)

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
        where: Where,
        sort: str | None,
        limit: int,
        cursor: str | None,
        item: Callable[[sqlite3.Row], dict[str, Any]],
    ) -> Page:
        if not 1 <= limit <= MAX_LIMIT:
            raise QueryError(f"limit: must be between 1 and {MAX_LIMIT}, got {limit}")
        order = _Order.parse(listing, sort)
        source = f"{listing.table}{listing.joins}"
        page_where = where.copy()
        count: int | None = None
        # The first page counts the matches: unfiltered, from the table's size (cheap);
        # filtered, in the same scan that finds the page. Later pages carry the count.
        total = "NULL"
        if cursor is None and not where.clauses:
            count = int(self.select(f"SELECT count(*) FROM {source}")[0][0])
        elif cursor is None:
            total = "count(*) OVER ()"
        else:
            after = _Cursor.decode(order, cursor)
            count = after.count
            comparison = "<" if order.descending else ">"
            page_where.add(
                f"({order.key}, {listing.row_id}) {comparison} (?, ?)", after.key, after.row_id
            )
        direction = "DESC" if order.descending else "ASC"
        keys = (
            f"SELECT {listing.row_id} AS cursor_id, {order.key} AS sort_key, {total} AS total"
            f" FROM {source}{page_where.sql()}"
            f" ORDER BY sort_key {direction}, cursor_id {direction} LIMIT ?"
        )
        # CROSS JOIN keeps the page as the outer loop: only its rows are read whole.
        found = self.select(
            f"SELECT {listing.select}, page.sort_key, page.cursor_id, page.total"
            f" FROM ({keys}) AS page"
            f" CROSS JOIN {listing.table} ON {listing.row_id} = page.cursor_id{listing.joins}"
            f" ORDER BY page.sort_key {direction}, page.cursor_id {direction}",
            [*page_where.params, limit + 1],
        )
        rows = found[:limit]
        if count is None:
            count = int(found[0]["total"]) if found else 0
        next_cursor = None
        if len(found) > limit:
            last = rows[-1]
            next_cursor = _Cursor(last["sort_key"], last["cursor_id"], count).encode(order)
        return Page(items=[item(row) for row in rows], next=next_cursor, count=count)

    # --- single records, search, totals ---

    def document(self, doc_id: str) -> dict[str, Any] | None:
        found = self.select("SELECT * FROM documents WHERE id = ?", (doc_id,))
        return dict(found[0]) if found else None

    def offer(self, offer_id: int) -> dict[str, Any] | None:
        found = self.select("SELECT * FROM offers WHERE id = ?", (offer_id,))
        return offer_item(found[0]) if found else None

    def document_offers(self, doc_id: str) -> list[dict[str, Any]]:
        found = self.select(
            "SELECT * FROM offers WHERE document_id = ? ORDER BY evidence_start, id", (doc_id,)
        )
        return [offer_item(row) for row in found]

    def document_figures(self, doc_id: str) -> list[dict[str, Any]]:
        found = self.select(
            f"SELECT {_FIGURES.select} FROM figures{_FIGURES.joins}"
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


def _pages(first: Page, following: Callable[[str], Page]) -> Iterator[dict[str, Any]]:
    page = first
    while True:
        yield from page.items
        if page.next is None:
            return
        page = following(page.next)


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
    return {key: row[key] for key in row.keys() if key not in _INTERNAL}  # noqa: SIM118  # a Row iterates over values
