"""What the SQLite and PostgreSQL stores share: every read and write of the `Store` interface,
written once in SQL both accept. A backend supplies its connection, its transactions, its
full-text search and the few words where the two dialects differ.

Statements use `?` placeholders (SQLite's); the PostgreSQL connection adapter rewrites them.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, date, datetime
from types import TracebackType
from typing import Any, ClassVar, Literal, Self, TypeVar

from recruitwatch.accounts import Account, User
from recruitwatch.errors import StoreError
from recruitwatch.model import (
    Attribution,
    Claim,
    Cluster,
    Conflict,
    Document,
    Extraction,
    Figure,
    FigureNotes,
    Links,
    Offer,
    OfferNotes,
    Statement,
    content_hash,
)
from recruitwatch.store import accounts, notes, reviews, rows
from recruitwatch.store.base import Location, SearchHit, Seen, StoredFailure, Validators
from recruitwatch.store.dbapi import Connection
from recruitwatch.store.dialects import Dialect
from recruitwatch.store.filters import FigureFilters, OfferFilters, figure_where, offer_where
from recruitwatch.store.linkindex import LinkIndex
from recruitwatch.store.schema import MAX_FAILURE_REASON, MAX_FAILURE_SOURCE, MIGRATIONS

logger = logging.getLogger(__name__)
_T = TypeVar("_T")

ColumnType = Literal["integer", "real", "text"]


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class SQLStore(ABC):
    # The schema's name for POSTGRES-or-SQLite migrations, and the words this backend says.
    schema: ClassVar[str]
    dialect: ClassVar[Dialect]

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    # What a backend supplies.

    @abstractmethod
    def _transaction(self) -> AbstractContextManager[None]:
        """One transaction; inside another, a savepoint, so one write still fails alone."""

    @abstractmethod
    def _search_rows(self, q: str, limit: int) -> list[Any]:
        """Rows (id, title, published) of documents holding every word of `q` as a prefix,
        best first (QueryError when `q` has no word)."""

    @abstractmethod
    def column_types(self, table: str) -> list[tuple[str, ColumnType]]:
        """The columns of one of our tables in order, each with the kind of value it holds."""

    def stream(self, sql: str, size: int) -> Iterator[list[Any]]:
        """The rows of a query, `size` at a time, never all in memory."""
        cursor = self._connection.execute(sql)
        while found := cursor.fetchmany(size):
            yield found

    def _insert_returning_ids(self, sql: str, values: list[tuple[Any, ...]]) -> list[int]:
        # Row by row; a backend with batched RETURNING overrides this.
        return [
            self._connection.execute(sql + " RETURNING id", row).fetchone()[0] for row in values
        ]

    # Migrations.

    def _migrate(self) -> None:
        with self._transaction():
            # Under the lock: two first opens at once would both create the table.
            self._lock_migrations()
            self._connection.execute(
                "CREATE TABLE IF NOT EXISTS migrations"
                " (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
            applied, found = self._connection.execute(
                "SELECT COUNT(*), MAX(version) FROM migrations"
            ).fetchone()
        newest = MIGRATIONS[-1].version
        if found is not None and found > newest:
            raise StoreError(
                f"database schema version {found} is newer than this recruitwatch knows"
                f" ({newest}); upgrade recruitwatch"
            )
        if applied == len(MIGRATIONS) and found == newest:
            return  # up to date: no transaction per migration on every open
        for migration in MIGRATIONS:
            with self._transaction():
                self._lock_migrations()
                # Checked inside the lock: another process may have just applied it.
                done = self._connection.execute(
                    "SELECT 1 FROM migrations WHERE version = ?", (migration.version,)
                ).fetchone()
                if done:
                    continue
                for statement in migration.statements_for(self.schema):
                    self._connection.execute(statement)
                self._connection.execute(
                    "INSERT INTO migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    (migration.version, migration.name, now()),
                )
                logger.info("applied migration %d: %s", migration.version, migration.name)

    @abstractmethod
    def _lock_migrations(self) -> None:
        """Keep two processes from applying one migration at once."""

    # The Store interface.

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._connection.close()

    @contextmanager
    def batch(self) -> Iterator[None]:
        try:
            with self._transaction():
                yield
        except self.dialect.errors as exc:
            raise StoreError(f"cannot commit a batch: {exc}") from exc

    def save_extraction(self, extraction: Extraction) -> bool:
        document = extraction.document
        digest = document.content_hash or content_hash(document.text)
        execute = self._connection.execute
        try:
            with self._transaction():
                if self._add_location(document, digest) != "new":
                    return False
                # A changed version of a known document: the cascade drops its old records.
                execute("DELETE FROM documents WHERE id = ?", (document.id,))
                execute(rows.INSERT_DOCUMENT, rows.document_values(document, digest, now()))
                execute(
                    "INSERT INTO document_locations"
                    " (document_id, location_id, source, url, first_seen) VALUES (?, ?, ?, ?, ?)",
                    (document.id, document.id, document.source, document.url, now()),
                )
                offer_ids = self._insert_returning_ids(
                    rows.INSERT_OFFER,
                    [
                        rows.offer_values(document.id, *noted)
                        for noted in rows.noted_offers(extraction)
                    ],
                )
                figure_ids = self._insert_returning_ids(
                    rows.INSERT_FIGURE,
                    [rows.figure_values(document.id, figure) for figure in extraction.figures],
                )
                if extraction.offer_notes or extraction.figure_notes:
                    notes.insert_notes(self._connection, extraction, offer_ids, figure_ids)
                reviews.reattach(self._connection, [document.id])
        except self.dialect.errors as exc:
            raise StoreError(f"cannot save document: {exc}", source=document.id) from exc
        return True

    def save_extractions(
        self, extractions: Sequence[Extraction], order: Sequence[str] | None = None
    ) -> list[Seen | StoreError]:
        """Each extraction in order as `ingest` saves one: "new" when stored, "same" or
        "duplicate" when its text was stored already (only its place is noted), or the
        StoreError that failed it alone. One writer at a time writes here in reading order,
        so `order` has nothing to place."""
        outcomes: list[Seen | StoreError] = []
        for extraction in extractions:
            try:
                seen = self.record_location(extraction.document)
                if seen == "new" and not self.save_extraction(extraction):
                    seen = "same"
            except StoreError as exc:
                outcomes.append(exc)
            else:
                outcomes.append(seen)
        return outcomes

    def record_location(self, document: Document) -> Seen:
        digest = document.content_hash or content_hash(document.text)
        try:
            with self._transaction():
                return self._add_location(document, digest)
        except self.dialect.errors as exc:
            raise StoreError(f"cannot record location: {exc}", source=document.id) from exc

    def _add_location(self, document: Document, digest: str) -> Seen:
        # Inside the caller's transaction.
        found = self._connection.execute(
            "SELECT id FROM documents WHERE content_hash = ?", (digest,)
        ).fetchone()
        if found is None:
            return "new"
        added = self._connection.execute(
            "INSERT INTO document_locations (document_id, location_id, source, url, first_seen)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (found["id"], document.id, document.source, document.url, now()),
        )
        return "duplicate" if added.rowcount else "same"

    def list_locations(self, doc_id: str) -> list[Location]:
        found = self._select(
            "SELECT * FROM document_locations WHERE document_id = ? ORDER BY id", (doc_id,)
        )
        return [
            Location(
                document_id=row["document_id"],
                location_id=row["location_id"],
                source=row["source"],
                url=row["url"],
                first_seen=row["first_seen"],
            )
            for row in found
        ]

    def knows_url(self, url: str) -> bool:
        return bool(self._select("SELECT 1 FROM document_locations WHERE url = ? LIMIT 1", (url,)))

    def get_validators(self, url: str) -> Validators | None:
        found = self._select("SELECT * FROM fetch_validators WHERE url = ?", (url,))
        if not found:
            return None
        return Validators(etag=found[0]["etag"], last_modified=found[0]["last_modified"])

    def save_validators(self, url: str, validators: Validators) -> None:
        self._write(
            "cannot save fetch validators",
            url,
            "INSERT INTO fetch_validators (url, etag, last_modified, updated_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (url) DO UPDATE SET etag = excluded.etag,"
            " last_modified = excluded.last_modified, updated_at = excluded.updated_at",
            (url, validators.etag, validators.last_modified, now()),
        )

    def record_failure(self, source: str, stage: str, reason: str) -> None:
        # One row per source and reason: seen again, it is counted and dated, not repeated.
        source = _cut(source, MAX_FAILURE_SOURCE)
        reason = _cut(reason, MAX_FAILURE_REASON)
        seen = now()
        self._write(
            "cannot record failure",
            source,
            "INSERT INTO failures (source, stage, reason, occurred_at, times, last_seen)"
            " VALUES (?, ?, ?, ?, 1, ?) ON CONFLICT (source, reason) DO UPDATE SET"
            " stage = excluded.stage, times = failures.times + 1, last_seen = excluded.last_seen",
            (source, stage, reason, seen, seen),
        )

    def partition_done(self, fingerprint: str) -> bool:
        found = self._select("SELECT 1 FROM batch_partitions WHERE fingerprint = ?", (fingerprint,))
        return bool(found)

    def record_partition(self, fingerprint: str, sources: str, documents: int, failed: int) -> None:
        self._write(
            "cannot record a batch partition",
            sources,
            "INSERT INTO batch_partitions (fingerprint, sources, documents, failed, done_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (fingerprint) DO UPDATE SET"
            " sources = excluded.sources, documents = excluded.documents,"
            " failed = excluded.failed, done_at = excluded.done_at",
            (fingerprint, sources, documents, failed, now()),
        )

    def list_failures(self) -> list[StoredFailure]:
        found = self._select("SELECT * FROM failures ORDER BY id", ())
        return [
            StoredFailure(
                id=row["id"],
                source=row["source"],
                stage=row["stage"],
                reason=row["reason"],
                occurred_at=row["occurred_at"],
                times=row["times"],
                last_seen=row["last_seen"] or row["occurred_at"],
            )
            for row in found
        ]

    def query_offers(
        self,
        *,
        kind: str | None = None,
        currency: str | None = None,
        target: str | None = None,
        since: date | None = None,
        until: date | None = None,
        payer_level: str | None = None,
        payer_region: str | None = None,
        target_country: str | None = None,
        recipient: str | None = None,
        review: str | None = None,
    ) -> list[Offer]:
        filters = OfferFilters(kind, currency, None, target, None, payer_level, payer_region,
                               target_country, recipient, since=since, until=until,
                               review=review)  # fmt: skip
        return [rows.offer_from_row(row) for row in self._offer_rows(filters)]

    def query_noted_offers(
        self,
        *,
        kind: str | None = None,
        currency: str | None = None,
        target: str | None = None,
        since: date | None = None,
        until: date | None = None,
        payer_level: str | None = None,
        payer_region: str | None = None,
        target_country: str | None = None,
        recipient: str | None = None,
        review: str | None = None,
    ) -> list[tuple[Offer, OfferNotes | None]]:
        filters = OfferFilters(kind, currency, None, target, None, payer_level, payer_region,
                               target_country, recipient, since=since, until=until,
                               review=review)  # fmt: skip
        found = self._offer_rows(filters)
        noted = self._read(notes.offer_notes, [row["id"] for row in found])
        return [(rows.offer_from_row(row), noted.get(row["id"])) for row in found]

    def _offer_rows(self, filters: OfferFilters) -> list[Any]:
        where = offer_where(filters, self.dialect)
        sql = f"SELECT offers.* FROM offers{where.sql()} ORDER BY offers.document_id, offers.id"
        return self._select(sql, where.params)

    def query_figures(
        self,
        *,
        unit: str | None = None,
        subject: str | None = None,
        since: date | None = None,
        until: date | None = None,
        category: str | None = None,
        review: str | None = None,
    ) -> list[Figure]:
        filters = FigureFilters(unit, category, subject, since=since, until=until, review=review)
        return [rows.figure_from_row(row) for row in self._figure_rows(filters)]

    def query_noted_figures(
        self,
        *,
        unit: str | None = None,
        subject: str | None = None,
        since: date | None = None,
        until: date | None = None,
        category: str | None = None,
        review: str | None = None,
    ) -> list[tuple[Figure, FigureNotes | None]]:
        found = self._figure_rows(
            FigureFilters(unit, category, subject, since=since, until=until, review=review)
        )
        noted = self._read(notes.figure_notes, [row["id"] for row in found])
        return [(rows.figure_from_row(row), noted.get(row["id"])) for row in found]

    def _figure_rows(self, filters: FigureFilters) -> list[Any]:
        where = figure_where(filters, self.dialect)
        sql = (
            "SELECT figures.* FROM figures JOIN documents ON documents.id = figures.document_id"
            f"{where.sql()} ORDER BY figures.document_id, figures.id"
        )
        return self._select(sql, where.params)

    def get_document(self, doc_id: str) -> Extraction | None:
        found = self._select("SELECT * FROM documents WHERE id = ?", (doc_id,))
        if not found:
            return None
        document = rows.document_from_row(found[0])
        offers = self._select("SELECT * FROM offers WHERE document_id = ? ORDER BY id", (doc_id,))
        figures = self._select("SELECT * FROM figures WHERE document_id = ? ORDER BY id", (doc_id,))
        offer_notes = self._read(notes.offer_notes, [row["id"] for row in offers])
        figure_notes = self._read(notes.figure_notes, [row["id"] for row in figures])
        # Notes come all or none: a document stored before normalise ran has none.
        noted = len(offer_notes) == len(offers) and len(figure_notes) == len(figures)
        return Extraction(
            document=document,
            offers=[rows.offer_from_row(item) for item in offers],
            figures=[rows.figure_from_row(item) for item in figures],
            offer_notes=[offer_notes[row["id"]] for row in offers] if noted else [],
            figure_notes=[figure_notes[row["id"]] for row in figures] if noted else [],
        )

    def list_documents(self) -> list[Document]:
        found = self._select("SELECT * FROM documents ORDER BY id", ())
        return [rows.document_from_row(row) for row in found]

    def search_documents(self, q: str, limit: int = 50) -> list[SearchHit]:
        found = self._read(lambda _connection: self._search_rows(q, limit))
        return [
            SearchHit(
                doc_id=row["id"],
                title=row["title"],
                published=date.fromisoformat(row["published"]) if row["published"] else None,
            )
            for row in found
        ]

    def list_statements(self) -> list[Statement]:
        return self._read(notes.statements)

    def save_links(self, links: Links) -> None:
        try:
            with self._transaction():
                notes.replace_links(self._connection, links)
        except self.dialect.errors as exc:
            raise StoreError(f"cannot save links: {exc}") from exc

    def link_index(self) -> LinkIndex:
        return LinkIndex(self._connection)

    def list_clusters(self, doc_id: str | None = None) -> list[Cluster]:
        return self._read(notes.clusters, doc_id)

    def list_attributions(self, doc_id: str) -> list[Attribution]:
        return self._read(notes.attributions, doc_id)

    def list_claims(self, doc_id: str | None = None) -> list[Claim]:
        return self._read(notes.claims, doc_id)

    def list_conflicts(self) -> list[Conflict]:
        return self._read(notes.conflicts)

    # Accounts, sessions, reviews and the audit log (store/accounts.py, store/reviews.py).

    def add_user(self, name: str, role: str, actor: str) -> tuple[User, str]:
        """A new account and its token, which is returned here only: it is stored hashed."""
        return self._in_transaction("cannot add the user", accounts.add_user, name, role, actor)

    def list_users(self) -> list[User]:
        return self._read(accounts.list_users)

    def revoke_user(self, name: str, actor: str) -> User:
        return self._in_transaction("cannot revoke the user", accounts.revoke_user, name, actor)

    def account_for_token(self, token: str) -> Account | None:
        return self._read(accounts.account_for_token, token)

    def open_session(self, account: Account, hours: float) -> tuple[str, str]:
        """(session id, CSRF token) of a new session for `account`."""
        return self._in_transaction("cannot open a session", accounts.open_session, account, hours)

    def session_account(self, session_id: str) -> tuple[Account, str] | None:
        return self._read(accounts.session_account, session_id)

    def end_session(self, session_id: str) -> None:
        self._in_transaction("cannot end the session", accounts.end_session, session_id)

    def review_record(
        self,
        account: Account,
        record: reviews.RecordName,
        record_id: int,
        action: reviews.Action,
        *,
        reason: str | None = None,
        changes: dict[str, Any] | None = None,
    ) -> dict[str, Any] | None:
        """Confirm, reject or correct a record, logged for audit; None for an unknown id."""

        def act(connection: Connection) -> dict[str, Any] | None:
            return reviews.review_record(
                connection, account, record, record_id, action, reason=reason, changes=changes
            )

        return self._in_transaction("cannot save the review", act)

    def document_reviews(self, doc_id: str) -> list[dict[str, Any]]:
        return self._read(reviews.document_reviews, doc_id)

    def audit_entries(self, limit: int = 100, before_id: int | None = None) -> list[dict[str, Any]]:
        return self._read(accounts.audit_entries, limit, before_id)

    def _in_transaction(self, failed: str, work: Callable[..., _T], *args: Any) -> _T:
        try:
            with self._transaction():
                return work(self._connection, *args)
        except self.dialect.errors as exc:
            raise StoreError(f"{failed}: {exc}") from exc

    def _write(self, failed: str, source: str, sql: str, params: Sequence[Any]) -> None:
        try:
            with self._transaction():
                self._connection.execute(sql, params)
        except self.dialect.errors as exc:
            raise StoreError(f"{failed}: {exc}", source=source) from exc

    def _read(self, query: Callable[..., _T], *args: Any) -> _T:
        try:
            return query(self._connection, *args)
        except self.dialect.errors as exc:
            raise StoreError(f"cannot read the database: {exc}") from exc

    def _select(self, sql: str, params: Sequence[Any]) -> list[Any]:
        try:
            return self._connection.execute(sql, params).fetchall()
        except self.dialect.errors as exc:
            raise StoreError(f"cannot read the database: {exc}") from exc


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
