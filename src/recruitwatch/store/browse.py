"""Read-only queries for the API and the pages: sorted, keyset-paginated lists, single records,
search snippets, over SQLite or PostgreSQL, on a connection of its own that cannot write
(`open_reader`). The SQL is written once; `dialects` holds the few words that differ.

A page query first orders only (id, sort key) pairs, which the offers_browse index covers, and
then reads the whole rows of that page. The cursor holds the sort key and id of the last row
shown (so a page costs the same at any depth, and rows added meanwhile do not shift it) and the
total counted for the first page (so later pages do not count again).
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from recruitwatch.errors import QueryError, StoreError
from recruitwatch.model import figure_notes_json, offer_notes_json
from recruitwatch.store import notes, postgres_backend
from recruitwatch.store.dbapi import (
    Connection,
    is_postgres_url,
)
from recruitwatch.store.dialects import SQLITE, Dialect
from recruitwatch.store.filters import (
    FIGURE_DATE,
    OFFER_DATE,
    OFFER_RUB,
    OFFER_USD,
    ClaimFilters,
    DocumentFilters,
    FigureFilters,
    OfferFilters,
    Where,
    claim_where,
    document_where,
    figure_where,
    offer_where,
)

# One page holds at most this many rows: enough for a screen or a script, small enough to stay fast.
MAX_LIMIT = 1000
DEFAULT_LIMIT = 50
# Columns a page query adds for itself, dropped from the items; and `rowid`, which SQLite
# hides and PostgreSQL's claim_statements spells out.
_INTERNAL = frozenset({"sort_key", "cursor_id", "total", "rowid"})
_N = TypeVar("_N")


def open_reader(db: str | Path) -> Reader:
    """Queries over the database at `db` (an SQLite file or a postgresql:// URL) on a
    connection that refuses every write.

    The database must exist and be migrated (open it once with `open_store` first)."""
    if is_postgres_url(db):
        return _postgres_reader(str(db))
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
    return Reader(connection, SQLITE)


@contextmanager
def read_database(db: str | Path) -> Iterator[Reader]:
    """The one read path outside the server: the database brought up to date (a missing one
    refused with a StoreError), then read as the API reads it."""
    from recruitwatch.store import open_store  # the package imports this module's users

    with open_store(db, create=False):
        pass
    reader = open_reader(db)
    try:
        yield reader
    finally:
        reader.close()


def _casefold(value: str | None) -> str | None:
    return value.casefold() if value is not None else None


def _postgres_reader(url: str) -> Reader:
    # The store's connection: `?` placeholders, rows read by name as sqlite3.Row is.
    postgres = postgres_backend()
    return Reader(postgres.connect(url, read_only=True), postgres.DIALECT)


@dataclass(frozen=True, slots=True)
class _Listing:
    """What a list selects from, and the keys it can be sorted by."""

    name: str
    table: str
    joins: str  # joined to `table` for filters and columns
    select: str
    row_id: str  # a unique column: the tie-break of every sort, the cursor's second half
    sorts: Mapping[str, tuple[str, str]]  # name -> (SQL expression, "text" | "date" | "number")
    default_sort: str
    text_id: bool = False  # whether `row_id` holds text rather than integers
    row_joins: str = ""  # joined only when a page's whole rows are read, never to filter


# Each record's document, on its item: a row can be cited without a second look-up.
_SOURCES = (
    "documents.url AS document_url, documents.site_name AS document_outlet,"
    " documents.title AS document_title, documents.published AS document_published"
)
_DOCUMENT_JOIN = " JOIN documents ON documents.id = {table}.document_id"


_OFFERS = _Listing(
    name="offers",
    table="offers",
    joins="",
    select=f"offers.*, {_SOURCES}",
    row_joins=_DOCUMENT_JOIN.format(table="offers"),
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
    joins=_DOCUMENT_JOIN.format(table="figures"),
    select=f"figures.*, {FIGURE_DATE} AS record_date, {_SOURCES}",
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
_CLAIMS = _Listing(
    name="claims",
    table="claims",
    joins="",
    select="claims.*",
    row_id="claims.id",
    sorts={
        "independent_sources": ("claims.independent_sources", "number"),
        "sources": ("claims.sources", "number"),
        "value": ("claims.value", "number"),
        "first": ("claims.first", "date"),
        "last": ("claims.last", "date"),
        "kind": ("claims.kind", "text"),
        "id": ("claims.id", "number"),
    },
    default_sort="-independent_sources",
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
    # Its text key, not SQLite's rowid: PostgreSQL has none, and ties sort alike on both.
    row_id="documents.id",
    text_id=True,
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
CLAIM_SORTS = tuple(_CLAIMS.sorts)
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
    kind: str  # "text" | "date" | "number"
    key: str  # an SQL expression that is never NULL

    @classmethod
    def parse(cls, listing: _Listing, sort: str | None, dialect: Dialect) -> _Order:
        text = sort or listing.default_sort
        descending = text.startswith("-")
        name = text.removeprefix("-")
        if name not in listing.sorts:
            raise QueryError(
                f"sort: cannot sort {listing.name} by {name!r}; one of"
                f" {', '.join(listing.sorts)} (prefix - for descending)"
            )
        expression, kind = listing.sorts[name]
        # Sort keys are never NULL, so (key, id) orders every row: missing values go last
        # either way.
        if kind == "number":
            last = f"-{dialect.number_last}" if descending else dialect.number_last
        else:
            last = "''" if descending else dialect.text_last
            sortable = dialect.sort_text if kind == "text" else dialect.sort_date
            expression = sortable(expression)
        # Newest first is ifnull(record_date, '') descending: the offers_newest index.
        return cls(name, descending, kind, f"{dialect.ifnull}({expression}, {last})")

    @property
    def token(self) -> str:
        return f"-{self.name}" if self.descending else self.name


@dataclass(frozen=True, slots=True)
class _Cursor:
    key: Any
    row_id: int | str
    count: int

    def encode(self, order: _Order) -> str:
        raw = json.dumps([order.token, self.key, self.row_id, self.count], ensure_ascii=False)
        return base64.urlsafe_b64encode(raw.encode("utf-8")).decode("ascii").rstrip("=")

    @classmethod
    def decode(cls, listing: _Listing, order: _Order, cursor: str) -> _Cursor:
        bad = QueryError("cursor: malformed; pass the `next` value of the previous page unchanged")
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            token, key, row_id, count = json.loads(raw.decode("utf-8"))
        except (binascii.Error, UnicodeDecodeError, ValueError, TypeError) as exc:
            raise bad from exc
        # Values of the types the columns hold, so no database is asked to compare a number
        # with a text.
        key_fits = _number(key) if order.kind == "number" else _text(key)
        id_fits = _text(row_id) if listing.text_id else _storable(row_id)
        if not (key_fits and id_fits and _storable(count)):
            raise bad
        if token != order.token:
            raise QueryError(
                f"cursor: it belongs to sort {token!r}, not {order.token!r}; start without it"
            )
        return cls(key, row_id, count)


def _storable(value: object) -> bool:
    """An int both databases can bind (64-bit), not a bool."""
    return isinstance(value, int) and not isinstance(value, bool) and -(2**63) <= value < 2**63


def _text(value: object) -> bool:
    """A str a database can bind: JSON's "\\ud800" decodes to a lone surrogate, which no
    UTF-8 driver can send."""
    if not isinstance(value, str):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _number(value: object) -> bool:
    return _storable(value) or (isinstance(value, float) and math.isfinite(value))


class Reader:
    """Queries over one read-only connection (see `open_reader`)."""

    def __init__(self, connection: Connection, dialect: Dialect) -> None:
        self._connection = connection
        self.dialect = dialect
        self._tables: frozenset[str] | None = None
        self._columns: dict[str, list[str]] = {}

    def close(self) -> None:
        self._connection.close()

    def select(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        """The rows of a query, each read by column name or position."""
        if any(isinstance(value, str) and "\x00" in value for value in params):
            # PostgreSQL cannot even be sent one; no stored text holds one on either.
            raise QueryError("a value holds a NUL character (\\x00); no stored text does")
        try:
            return self._connection.execute(sql, params).fetchall()
        except self.dialect.errors as exc:
            raise StoreError(f"cannot read the database: {exc}") from exc

    def tables(self) -> frozenset[str]:
        """Names of the tables present: later stages' tables may not exist in every database."""
        if self._tables is None:
            found = self.select(self.dialect.tables())
            self._tables = frozenset(row["name"] for row in found)
        return self._tables

    def columns(self, table: str) -> list[str]:
        """Column names of `table`, [] when it does not exist."""
        if table not in self.tables():
            return []
        if table not in self._columns:
            every = self.dialect.all_columns()
            if every is None:
                found = self.select(self.dialect.columns(table))
                self._columns[table] = [row["name"] for row in found]
            else:
                for row in self.select(every):
                    self._columns.setdefault(row["table_name"], []).append(row["name"])
                self._columns.setdefault(table, [])
        return self._columns[table]

    def insertion_order(self, table: str) -> str:
        """A column of `table` (present) that orders its rows as they were written."""
        return self.dialect.insertion_order(self.columns(table))

    # --- lists ---

    def offers(
        self,
        filters: OfferFilters,
        *,
        sort: str | None = None,
        limit: int = DEFAULT_LIMIT,
        cursor: str | None = None,
    ) -> Page:
        where = offer_where(filters, self.dialect)
        return self._page(_OFFERS, where, sort, limit, cursor, self._offer_items)

    def figures(
        self,
        filters: FigureFilters,
        *,
        sort: str | None = None,
        limit: int = DEFAULT_LIMIT,
        cursor: str | None = None,
    ) -> Page:
        where = figure_where(filters, self.dialect)
        return self._page(_FIGURES, where, sort, limit, cursor, self._figure_items)

    def claims(
        self,
        filters: ClaimFilters,
        *,
        sort: str | None = None,
        limit: int = DEFAULT_LIMIT,
        cursor: str | None = None,
    ) -> Page:
        """Claims, most independent sources first unless sorted otherwise; [] before linking."""
        if "claims" not in self.tables():
            return Page(items=[], next=None, count=0)
        where = claim_where(filters, self.dialect)
        return self._page(_CLAIMS, where, sort, limit, cursor, plain_items)

    def claim_sources(self, claim_id: int) -> list[dict[str, Any]]:
        """Each statement of a claim with its document's outlet, date and link, and the
        sentence it was read from."""
        if "claim_statements" not in self.tables():
            return []
        rows = self.select(
            "SELECT claim_statements.document_id, claim_statements.offer_id,"
            " claim_statements.figure_id, documents.site_name AS outlet, documents.url,"
            " documents.title, documents.published,"
            " COALESCE(offers.evidence_text, figures.evidence_text) AS quote"
            " FROM claim_statements"
            " JOIN documents ON documents.id = claim_statements.document_id"
            " LEFT JOIN offers ON offers.id = claim_statements.offer_id"
            " LEFT JOIN figures ON figures.id = claim_statements.figure_id"
            " WHERE claim_statements.claim_id = ?"
            " ORDER BY documents.published, claim_statements.document_id",
            (claim_id,),
        )
        return [plain_item(row) for row in rows]

    def documents(
        self,
        filters: DocumentFilters,
        *,
        sort: str | None = None,
        limit: int = DEFAULT_LIMIT,
        cursor: str | None = None,
    ) -> Page:
        where = document_where(filters, self.dialect)
        page = self._page(_DOCUMENTS, where, sort, limit, cursor, plain_items)
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
        where = Where(self.dialect)
        where.equal("failures.stage", stage)
        return self._page(_FAILURES, where, sort, limit, cursor, plain_items)

    def table_page(
        self, table: str, *, limit: int = DEFAULT_LIMIT, cursor: str | None = None
    ) -> Page:
        """Rows of a table another stage writes, in the order written; [] when it is absent."""
        if table not in self.tables():
            return Page(items=[], next=None, count=0)
        # The name was found among the tables, so quoting it cannot inject anything.
        row_id = f'"{table}".{self.insertion_order(table)}'
        listing = _Listing(
            name=table,
            table=f'"{table}"',
            joins="",
            select=f'"{table}".*',
            row_id=row_id,
            sorts={"rowid": (row_id, "number")},
            default_sort="rowid",
        )
        return self._page(listing, Where(self.dialect), None, limit, cursor, plain_items)

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
        items: Callable[[list[Any]], list[dict[str, Any]]],
    ) -> Page:
        if not 1 <= limit <= MAX_LIMIT:
            raise QueryError(f"limit: must be between 1 and {MAX_LIMIT}, got {limit}")
        order = _Order.parse(listing, sort, self.dialect)
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
            after = _Cursor.decode(listing, order, cursor)
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
        found = self.select(
            f"SELECT {listing.select}, page.sort_key, page.cursor_id, page.total"
            f" FROM ({keys}) AS page {self.dialect.page_join} {listing.table}"
            f" ON {listing.row_id} = page.cursor_id{listing.joins}{listing.row_joins}"
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
        return Page(items=items(rows), next=next_cursor, count=count)

    # --- single records, search, totals ---

    def document(self, doc_id: str) -> dict[str, Any] | None:
        found = self.select("SELECT * FROM documents WHERE id = ?", (doc_id,))
        return dict(found[0]) if found else None

    def document_records(self, doc_id: str) -> dict[str, Any] | None:
        """One document with its text, and its offers and figures as the lists give them."""
        found = self.document(doc_id)
        if found is None:
            return None
        found["offers"] = self.document_offers(doc_id)
        found["figures"] = self.document_figures(doc_id)
        return found

    def offer(self, offer_id: int) -> dict[str, Any] | None:
        found = self._offer_items(
            self.select(
                f"SELECT {_OFFERS.select} FROM offers{_OFFERS.row_joins} WHERE offers.id = ?",
                (offer_id,),
            )
        )
        return found[0] if found else None

    def figure(self, figure_id: int) -> dict[str, Any] | None:
        found = self._figure_items(
            self.select(
                f"SELECT {_FIGURES.select} FROM figures{_FIGURES.joins} WHERE figures.id = ?",
                (figure_id,),
            )
        )
        return found[0] if found else None

    def records_by_id(self, record: str, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        """Offer ("offer") or figure items by id, as every output shows them."""
        if not ids:
            return {}
        listing = _OFFERS if record == "offer" else _FIGURES
        table = listing.table
        marks = ", ".join("?" * len(ids))
        rows = self.select(
            f"SELECT {listing.select} FROM {table}{listing.joins}{listing.row_joins}"
            f" WHERE {table}.id IN ({marks})",
            list(ids),
        )
        items = self._offer_items(rows) if record == "offer" else self._figure_items(rows)
        return {item["id"]: item for item in items}

    def document_offers(self, doc_id: str) -> list[dict[str, Any]]:
        return self._offer_items(
            self.select(
                f"SELECT {_OFFERS.select} FROM offers{_OFFERS.row_joins}"
                " WHERE offers.document_id = ? ORDER BY offers.evidence_start, offers.id",
                (doc_id,),
            )
        )

    def document_figures(self, doc_id: str) -> list[dict[str, Any]]:
        return self._figure_items(
            self.select(
                f"SELECT {_FIGURES.select} FROM figures{_FIGURES.joins}"
                " WHERE figures.document_id = ? ORDER BY figures.evidence_start, figures.id",
                (doc_id,),
            )
        )

    def _offer_items(self, rows: list[Any]) -> list[dict[str, Any]]:
        """Offers as every output shows them: the row, its document's source, its notes."""
        noted = self._notes(notes.offer_notes, [row["id"] for row in rows])
        return [
            offer_item(row) | offer_notes_json(row["currency"], noted.get(row["id"]))
            for row in rows
        ]

    def _figure_items(self, rows: list[Any]) -> list[dict[str, Any]]:
        noted = self._notes(notes.figure_notes, [row["id"] for row in rows])
        return [figure_item(row) | figure_notes_json(noted.get(row["id"])) for row in rows]

    def _notes(
        self, read: Callable[[Connection, Sequence[int]], dict[int, _N]], ids: list[int]
    ) -> dict[int, _N]:
        if not ids:
            return {}
        try:
            return read(self._connection, ids)
        except self.dialect.errors as exc:
            raise StoreError(f"cannot read the database: {exc}") from exc

    def snippets(self, q: str, doc_ids: Sequence[str]) -> dict[str, str]:
        """Per document, a passage around the words of `q`, matches between \\x02 and \\x03."""
        found = self.select(*self.dialect.snippets(q, list(doc_ids)))
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


def _evidence(row: Any) -> dict[str, Any]:
    return {
        "start": row["evidence_start"],
        "end": row["evidence_end"],
        "text": row["evidence_text"],
        "value_start": row["value_start"],
        "value_end": row["value_end"],
        "rule": row["rule"],
        "language": row["language"],
    }


def offer_item(row: Any) -> dict[str, Any]:
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
        "recipient": row["recipient"],
        "payer_level": row["payer_level"],
        "payer_region": row["payer_region"],
        "target_origin": row["target_origin"],
        "target_country": row["target_country"],
        "previous": bool(row["previous"]),
        "review": row["review_status"],
        "date": row["date"],
        "record_date": row["record_date"],
        "confidence": row["confidence"],
        "evidence": _evidence(row),
        **_source(row),
    }


def figure_item(row: Any) -> dict[str, Any]:
    return {
        "id": row["id"],
        "document_id": row["document_id"],
        "quantity": row["quantity"],
        "quantity_max": row["quantity_max"],
        "unit": row["unit"],
        "subject": row["subject"],
        "source": row["source"],
        "category": row["category"],
        "review": row["review_status"],
        "date": row["date"],
        "record_date": row["record_date"],
        "confidence": row["confidence"],
        "evidence": _evidence(row),
        **_source(row),
    }


def _source(row: Any) -> dict[str, Any]:
    return {
        "document_url": row["document_url"],
        "document_outlet": row["document_outlet"],
        "document_title": row["document_title"],
        "document_published": row["document_published"],
    }


def plain_items(rows: list[Any]) -> list[dict[str, Any]]:
    return [plain_item(row) for row in rows]


def plain_item(row: Any) -> dict[str, Any]:
    """The row as a dict, without the columns a page query adds for itself or a rowid."""
    return {key: row[key] for key in row.keys() if key not in _INTERNAL}  # noqa: SIM118  # a Row iterates over values
