"""PostgreSQL backend: the shared SQL of `SQLStore` over psycopg 3, for a database many
processes write and read at once. Open it with a URL: `--db postgresql://user@host/dbname`.

`open_store` imports this module only for a PostgreSQL URL, so an SQLite user never needs
psycopg installed.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg

from recruitwatch.errors import StoreConflictError, StoreError
from recruitwatch.model import Document, Extraction, content_hash
from recruitwatch.store import notes, reviews, rows
from recruitwatch.store.base import Seen
from recruitwatch.store.dbapi import Cursor, describe_url
from recruitwatch.store.dialects import PostgresDialect, ts_query
from recruitwatch.store.schema import POSTGRES
from recruitwatch.store.sql import ColumnType, SQLStore, now

# Seconds to wait for the server to answer: a wrong host or a stopped server fails a command
# at once instead of hanging it.
CONNECT_TIMEOUT = 5
logger = logging.getLogger(__name__)
DIALECT = PostgresDialect(errors=(psycopg.Error,))
# Any constant; held while migrating so two processes never apply one migration twice.
_MIGRATION_LOCK = 0x72775F6D
_COLUMN_TYPES: dict[str, ColumnType] = {
    "bigint": "integer",
    "integer": "integer",
    "double precision": "real",
}
_CREATED = re.compile(r"CREATE (TABLE|FUNCTION) (\w+)")
# What a write meets when another batch worker writes the same texts at the same moment: the
# whole write is rolled back and tried again, never saved one document at a time.
_CONTENTION = (
    psycopg.errors.UniqueViolation,
    psycopg.errors.ForeignKeyViolation,
    psycopg.errors.DeadlockDetected,
    psycopg.errors.SerializationFailure,
)
_LOCATION_COLUMNS = ("document_id", "location_id", "source", "url", "first_seen", "batch_order")


def connect(url: str, *, read_only: bool = False) -> Adapter:
    """A connection to the database at `url` that takes the shared `?` SQL; `read_only`: every
    statement runs in a read-only transaction, so the server refuses writes."""
    try:
        connection: psycopg.Connection[Any] = psycopg.connect(
            url,
            autocommit=True,
            connect_timeout=CONNECT_TIMEOUT,
            row_factory=row_factory,
            options="-c default_transaction_read_only=on" if read_only else None,
        )
    except psycopg.Error as exc:
        reason = " ".join(str(exc).split())
        need = "a database you can read" if read_only else "a database you can write"
        raise StoreError(
            f"cannot connect to PostgreSQL ({reason}); check that the server runs and the URL"
            f" names {need}",
            source=describe_url(url),
        ) from exc
    return Adapter(connection)


def open_postgres(url: str, *, create: bool = True) -> PostgresStore:
    """Connect to the database at `url` and bring its schema up to date; with `create` false,
    refuse one that holds no recruitwatch tables yet."""
    store = PostgresStore(connect(url), url)
    try:
        if not create and not store.has_schema():
            from recruitwatch.store import no_database  # the package imports this module

            raise no_database(url)
        store._migrate()
    except psycopg.Error as exc:
        store.close()
        raise StoreError(f"cannot migrate the database ({exc})", source=describe_url(url)) from exc
    except StoreError:
        store.close()
        raise
    return store


def open_writer(url: str) -> PostgresStore:
    """A store for a batch worker: connected, not migrated (the batch's own process brought
    the schema up to date before it handed out any partition)."""
    return PostgresStore(connect(url), url)


def remove_postgres(url: str) -> None:
    """Drop recruitwatch's own tables and functions, nothing else the database holds."""
    created = [
        match.groups()
        for statements in POSTGRES.values()
        for s in statements
        for match in _CREATED.finditer(s)
    ]
    with connect(url).connection as connection, connection.transaction():
        for what, name in reversed(created):
            # The names come from our own DDL above, never from input.
            connection.execute(f"DROP {what} IF EXISTS {name} CASCADE")
        connection.execute("DROP TABLE IF EXISTS migrations")


class _Row:
    """A row read by column name or by position, as sqlite3.Row is."""

    __slots__ = ("_index", "_values")

    def __init__(self, index: dict[str, int], values: Sequence[Any]) -> None:
        self._index = index
        self._values = values

    def __getitem__(self, key: str | int) -> Any:
        return self._values[self._index[key] if isinstance(key, str) else key]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def keys(self) -> list[str]:
        return list(self._index)


def row_factory(cursor: Any) -> Any:
    index = {column.name: number for number, column in enumerate(cursor.description or ())}
    return functools.partial(_Row, index)


@functools.lru_cache(maxsize=512)
def _format_params(sql: str) -> str:
    # The shared SQL uses SQLite's `?`; psycopg wants `%s` and a literal % doubled. No statement
    # of ours holds a `?` or `%` inside a string literal.
    return sql.replace("%", "%%").replace("?", "%s")


class Adapter:
    """A psycopg connection with the `execute` / `executemany` the shared SQL calls."""

    def __init__(self, connection: psycopg.Connection[Any]) -> None:
        self.connection = connection

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> Cursor:
        return self.connection.execute(_format_params(sql), parameters)

    def executemany(self, sql: str, parameters: Any, /) -> Any:
        with self.connection.cursor() as cursor:
            cursor.executemany(_format_params(sql), parameters)

    def close(self) -> None:
        self.connection.close()


class PostgresStore(SQLStore):
    schema = "postgresql"
    dialect = DIALECT

    def __init__(self, adapter: Adapter, url: str) -> None:
        super().__init__(adapter)
        self._pg = adapter.connection
        self.url = url  # batch workers open their own connections to it

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        # psycopg nests: the outermost block is BEGIN/COMMIT, inner ones savepoints.
        with self._pg.transaction():
            yield

    def has_schema(self) -> bool:
        """Whether recruitwatch has written this database (its migrations table exists)."""
        row = self._pg.execute("SELECT to_regclass('migrations') IS NOT NULL").fetchone()
        return bool(row and row[0])

    def column_types(self, table: str) -> list[tuple[str, ColumnType]]:
        found = self._pg.execute(
            "SELECT column_name, data_type FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name = %s ORDER BY ordinal_position",
            (table,),
        ).fetchall()
        return [(row[0], _COLUMN_TYPES.get(row[1], "text")) for row in found]

    def stream(self, sql: str, size: int) -> Iterator[list[Any]]:
        # A named (server-side) cursor: the server keeps the result, we hold one slice.
        with self._pg.transaction(), self._pg.cursor(name="recruitwatch_stream") as cursor:
            cursor.execute(_format_params(sql))
            while found := cursor.fetchmany(size):
                yield found

    def save_extractions(
        self, extractions: Sequence[Extraction], order: Sequence[str] | None = None
    ) -> list[Seen | StoreError]:
        # A batch partition in a few COPY streams instead of a dozen statements a document;
        # if any row is refused, the savepoint drops them all and each document is saved
        # alone, so the bad one fails alone. A clash with another writer is no bad row: the
        # caller's transaction is given up whole and tried again.
        try:
            with self._transaction():
                return self._copy_extractions(extractions, order)
        except _CONTENTION as exc:
            reason = " ".join(str(exc).split())
            raise StoreConflictError(f"another writer stored the same texts ({reason})") from exc
        except psycopg.Error as exc:
            logger.info("bulk save refused (%s); saving one document at a time", exc)
            return super().save_extractions(extractions)

    def _copy_extractions(
        self, extractions: Sequence[Extraction], order: Sequence[str] | None
    ) -> list[Seen | StoreError]:
        digests = [e.document.content_hash or content_hash(e.document.text) for e in extractions]
        keys: Sequence[str | None] = order if order is not None else [None] * len(extractions)
        # Each known text with the batch place of its stored copy, locked: two writers noting
        # places of one text take turns, so the places keep their reading order.
        known: dict[str, tuple[str, str | None]] = {
            row[0]: (row[1], row[2])
            for row in self._pg.execute(
                "SELECT content_hash, id, (SELECT batch_order FROM document_locations"
                " WHERE document_id = documents.id ORDER BY id LIMIT 1) FROM documents"
                " WHERE content_hash = ANY(%s) ORDER BY id FOR UPDATE",
                (digests,),
            )
        }
        # A copy read earlier in this batch than the stored one (whose partition finished
        # first) takes its text over, as a single process reading in order would have stored it.
        displaced: dict[str, str] = {}
        for digest, key in zip(digests, keys, strict=True):
            stored = known.get(digest)
            if stored and key is not None and stored[1] is not None and key < stored[1]:
                displaced.setdefault(digest, stored[0])
        moved = self._remove_displaced(displaced)
        # The first of each text not stored yet is new; the rest only note their place, after.
        fresh: dict[str, int] = {}
        for position, digest in enumerate(digests):
            if (digest not in known or digest in displaced) and digest not in fresh:
                fresh[digest] = position
        if fresh:
            self._copy_new(
                [extractions[position] for position in fresh.values()],
                list(fresh),
                [keys[position] for position in fresh.values()],
            )
        # The places the displaced copies had, behind the copy that took their text over.
        self._insert_locations(
            [
                (extractions[fresh[digest]].document.id, *place[1:])
                for digest, places in moved.items()
                for place in places
            ]
        )
        outcomes: list[Seen | StoreError] = []
        new_positions = set(fresh.values())
        for position, (extraction, digest) in enumerate(zip(extractions, digests, strict=True)):
            if position in new_positions:
                # A text taken over counts once new (where it was first stored) and once a
                # duplicate (here), as the two places of one text do in a single process.
                outcomes.append("duplicate" if digest in displaced else "new")
            else:
                key = keys[position]
                outcomes.append(self._add_ordered_location(extraction.document, digest, key))
        return outcomes

    def _remove_displaced(self, displaced: dict[str, str]) -> dict[str, list[tuple[Any, ...]]]:
        """Delete the stored documents of `displaced` ({content hash: document id}) with their
        records (the cascade); return each text's places, in order, to note again."""
        if not displaced:
            return {}
        by_id = {doc_id: digest for digest, doc_id in displaced.items()}
        moved: dict[str, list[tuple[Any, ...]]] = {digest: [] for digest in displaced}
        for row in self._pg.execute(
            f"SELECT {', '.join(_LOCATION_COLUMNS)} FROM document_locations"
            " WHERE document_id = ANY(%s) ORDER BY id",
            (list(by_id),),
        ):
            moved[by_id[row[0]]].append(tuple(row))
        self._pg.execute("DELETE FROM documents WHERE id = ANY(%s)", (list(by_id),))
        return moved

    def _add_ordered_location(self, document: Document, digest: str, key: str | None) -> Seen:
        """As `_add_location`, placing this copy among the text's batch places by `key`:
        places read later in the batch but noted before it move behind it."""
        if key is None:
            return self._add_location(document, digest)
        found = self._pg.execute(
            "SELECT id FROM documents WHERE content_hash = %s", (digest,)
        ).fetchone()
        if found is None:
            return "new"
        later = sorted(
            self._pg.execute(
                f"DELETE FROM document_locations WHERE document_id = %s AND batch_order > %s"
                f" RETURNING id, {', '.join(_LOCATION_COLUMNS)}",
                (found[0], key),
            ).fetchall(),
            key=lambda row: row[0],
        )
        added = self._pg.execute(
            f"INSERT INTO document_locations ({', '.join(_LOCATION_COLUMNS)})"
            " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
            (found[0], document.id, document.source, document.url, now(), key),
        ).rowcount
        self._insert_locations([tuple(row)[1:] for row in later])
        return "duplicate" if added else "same"

    def _insert_locations(self, places: list[tuple[Any, ...]]) -> None:
        """Rows of _LOCATION_COLUMNS, in order (their ids keep it)."""
        if places:
            with self._pg.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO document_locations ({', '.join(_LOCATION_COLUMNS)})"
                    " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                    places,
                )

    def _copy_new(
        self, extractions: list[Extraction], digests: list[str], keys: Sequence[str | None]
    ) -> None:
        stamp = now()
        # A changed version of a known document: the cascade drops its old records.
        self._pg.execute(
            "DELETE FROM documents WHERE id = ANY(%s)", ([e.document.id for e in extractions],)
        )
        self._copy(
            "documents",
            rows.DOCUMENT_COLUMNS,
            [
                rows.document_values(e.document, digest, stamp)
                for e, digest in zip(extractions, digests, strict=True)
            ],
        )
        self._copy(
            "document_locations",
            _LOCATION_COLUMNS,
            [
                (e.document.id, e.document.id, e.document.source, e.document.url, stamp, key)
                for e, key in zip(extractions, keys, strict=True)
            ],
        )
        offer_ids = self._next_ids("offers", sum(len(e.offers) for e in extractions))
        figure_ids = self._next_ids("figures", sum(len(e.figures) for e in extractions))
        offer_rows: list[tuple[Any, ...]] = []
        figure_rows: list[tuple[Any, ...]] = []
        note_rows: dict[str, list[tuple[Any, ...]]] = {table: [] for table in notes.NOTE_COLUMNS}
        for extraction in extractions:
            doc_id = extraction.document.id
            own_offers = [offer_ids.pop() for _ in extraction.offers]
            own_figures = [figure_ids.pop() for _ in extraction.figures]
            offer_rows += [
                (record_id, *rows.offer_values(doc_id, *noted))
                for record_id, noted in zip(own_offers, rows.noted_offers(extraction), strict=True)
            ]
            figure_rows += [
                (record_id, *rows.figure_values(doc_id, figure))
                for record_id, figure in zip(own_figures, extraction.figures, strict=True)
            ]
            if extraction.offer_notes or extraction.figure_notes:
                for table, values in notes.note_rows(extraction, own_offers, own_figures).items():
                    note_rows[table] += values
        self._copy("offers", ("id", *rows.OFFER_COLUMNS), offer_rows)
        self._copy("figures", ("id", *rows.FIGURE_COLUMNS), figure_rows)
        for table, values in note_rows.items():
            self._copy(table, notes.NOTE_COLUMNS[table], values)
        reviews.reattach(self._connection, [e.document.id for e in extractions])

    def _next_ids(self, table: str, count: int) -> list[int]:
        """`count` ids from the table's identity sequence, the lowest last (for pop())."""
        if not count:
            return []
        found = self._pg.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            (table, count),
        ).fetchall()
        return sorted((row[0] for row in found), reverse=True)

    def _copy(self, table: str, columns: Sequence[str], values: list[tuple[Any, ...]]) -> None:
        if not values:
            return
        # Table and column names are our own constants, never input.
        statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with self._pg.cursor() as cursor, cursor.copy(statement) as copy:
            for row in values:
                copy.write_row(row)

    def save_extraction(self, extraction: Extraction) -> bool:
        # Pipeline mode: statements go out without waiting for each answer; the connection
        # waits only where a result is read (the content-hash lookup, the new record ids).
        with self._pg.pipeline():
            return super().save_extraction(extraction)

    def _lock_migrations(self) -> None:
        self._pg.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))

    def _insert_returning_ids(self, sql: str, values: list[tuple[Any, ...]]) -> list[int]:
        # One batched round of statements (psycopg pipelines executemany), not one per row.
        if not values:
            return []
        ids: list[int] = []
        with self._pg.cursor() as cursor:
            cursor.executemany(_format_params(f"{sql} RETURNING id"), values, returning=True)
            while True:
                row = cursor.fetchone()
                assert row is not None  # every INSERT ... RETURNING returns its row
                ids.append(row[0])
                if not cursor.nextset():
                    break
        return ids

    def _search_rows(self, q: str, limit: int) -> list[Any]:
        # Matched and ranked on the stored vectors (migration 15): no text parsed again.
        query = ts_query(q)
        return self._pg.execute(
            "SELECT documents.id, documents.title, documents.published FROM document_vectors"
            " JOIN documents ON documents.id = document_vectors.document_id"
            " WHERE vector @@ to_tsquery('simple', %s)"
            " ORDER BY ts_rank(vector, to_tsquery('simple', %s)) DESC, documents.id LIMIT %s",
            (query, query, limit),
        ).fetchall()
