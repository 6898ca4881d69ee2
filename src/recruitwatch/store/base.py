"""The small interface every store backend implements (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date
from types import TracebackType
from typing import Literal, Protocol, Self

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
)
from recruitwatch.store.linkindex import LinkIndex

# What the store knows of a document's text: nothing yet, this very place, or another place.
Seen = Literal["new", "same", "duplicate"]


@dataclass(frozen=True, slots=True)
class StoredFailure:
    """A source that could not be ingested, as recorded so a batch can go on: once per source
    and reason, first seen `occurred_at`, seen `times` times, last at `last_seen`."""

    id: int
    source: str
    stage: str
    reason: str
    occurred_at: str
    times: int
    last_seen: str


@dataclass(frozen=True, slots=True)
class Location:
    """One place a stored text was found; `location_id` is the id the copy there would have."""

    document_id: str
    location_id: str
    source: str
    url: str | None
    first_seen: str


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A document holding every word of a search."""

    doc_id: str
    title: str | None
    published: date | None


@dataclass(frozen=True, slots=True)
class Validators:
    """What a server said about a URL's last response, for a conditional request next time."""

    etag: str | None
    last_modified: str | None


class Store(Protocol):
    def batch(self) -> AbstractContextManager[None]:
        """The writes inside as one transaction, each write still all or nothing on its own:
        a batch writer commits once per partition instead of once per document."""
        ...

    def save_extraction(self, extraction: Extraction) -> bool:
        """Write a document and all its records in one transaction.

        Returns False when a document with the same content hash is already stored (nothing is
        written); a changed document with a known id replaces the old version and its records.
        """
        ...

    def save_extractions(
        self, extractions: Sequence[Extraction], order: Sequence[str] | None = None
    ) -> list[Seen | StoreError]:
        """Each extraction in order as `ingest` saves one (`record_location`, then
        `save_extraction` for a new text): "new" when stored, "same" or "duplicate" when only
        its place was noted, or the StoreError that failed it alone. A backend may write them
        in bulk; the outcome is the same. `order`: each extraction's place in a batch's
        reading order (`batch.order_key`), for a backend that batch workers write at once,
        so a text read twice is stored under its first copy whichever partition finishes
        first (StoreConflictError when another writer got in the way: try again)."""
        ...

    def record_location(self, document: Document) -> Seen:
        """Note where this copy of a document was found, if its text is stored already.

        "new": no stored document has this text (nothing written); "same": this place is
        known; "duplicate": the text is stored under another place, and this one is added."""
        ...

    def list_locations(self, doc_id: str) -> list[Location]:
        """Every place the stored document's text was found, first seen first."""
        ...

    def knows_url(self, url: str) -> bool:
        """Whether a stored document was found at `url`."""
        ...

    def get_validators(self, url: str) -> Validators | None:
        """The ETag and Last-Modified remembered for `url`, or None before its first fetch."""
        ...

    def save_validators(self, url: str, validators: Validators) -> None: ...

    def record_failure(self, source: str, stage: str, reason: str) -> None: ...

    def list_failures(self) -> list[StoredFailure]: ...

    def partition_done(self, fingerprint: str) -> bool:
        """Whether a `batch` partition with this content fingerprint was stored already."""
        ...

    def record_partition(self, fingerprint: str, sources: str, documents: int, failed: int) -> None:
        """Note a `batch` partition as stored, so a re-run skips it."""
        ...

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
        """Offers matching every given filter; `target` is a case-insensitive substring,
        `since`/`until` (inclusive) apply to the offer date, else the document's published date,
        and the guide's keys (`payer_level`, `payer_region`, `target_country`, `recipient`)
        match exactly; `review` is one of store.filters.REVIEW_FILTERS."""
        ...

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
        """Figures matching every given filter; `subject` is a case-insensitive substring,
        `category` (the guide's key) an exact value."""
        ...

    def get_document(self, doc_id: str) -> Extraction | None:
        """The stored document with its offers and figures (and their notes, when normalised),
        or None when the id is unknown."""
        ...

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
        """As `query_offers`, each offer with its notes (None if stored before normalise)."""
        ...

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
        """As `query_figures`, each figure with its notes (None if stored before normalise)."""
        ...

    def list_documents(self) -> list[Document]:
        """Every stored document, with its text, by id."""
        ...

    def search_documents(self, q: str, limit: int = 50) -> list[SearchHit]:
        """Documents whose title or text holds every word of `q` (each as a word prefix, case
        folded), best match first; QueryError when `q` has no word."""
        ...

    def list_statements(self) -> list[Statement]:
        """Every stored offer and figure, reduced to what it claims, for the link stage."""
        ...

    def save_links(self, links: Links) -> None:
        """Replace every stored cluster, credit line, claim and conflict in one transaction."""
        ...

    def link_index(self) -> LinkIndex:
        """What the link stage keeps between runs, for incremental linking (run its reads and
        writes inside `batch`)."""
        ...

    def list_clusters(self, doc_id: str | None = None) -> list[Cluster]:
        """Rewrite clusters (only the one holding `doc_id`, when given)."""
        ...

    def list_attributions(self, doc_id: str) -> list[Attribution]: ...

    def list_claims(self, doc_id: str | None = None) -> list[Claim]:
        """Claims, most independent sources first (only those `doc_id` states, when given)."""
        ...

    def list_conflicts(self) -> list[Conflict]: ...

    def close(self) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...
