"""Conversions between records and table rows; the column lists match schema.py."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from recruitwatch.model import (
    OFFER_GUIDE_KEYS,
    Document,
    Evidence,
    Extraction,
    Figure,
    FigureCategory,
    FigureUnit,
    Offer,
    OfferKind,
    OfferNotes,
    PayerLevel,
    Recipient,
    ReviewStatus,
    TargetOrigin,
)

DOCUMENT_COLUMNS = (
    "id",
    "source",
    "url",
    "title",
    "published",
    "language",
    "text",
    "content_hash",
    "ingested_at",
    "site_name",
    "author",
)
_EVIDENCE_COLUMNS = (
    "evidence_start",
    "evidence_end",
    "evidence_text",
    "value_start",
    "value_end",
    "rule",
    "language",
)
OFFER_COLUMNS = (
    "document_id",
    "kind",
    "amount",
    "amount_max",
    "currency",
    "usd_stated",
    "offered_by",
    "target",
    "region",
    "date",
    "confidence",
    *OFFER_GUIDE_KEYS,
    *_EVIDENCE_COLUMNS,
    # What normalise derived (OfferNotes), kept on the row so a filter, a sort or a chart reads
    # one narrow index and joins nothing.
    "record_date",
    "record_month",
    "usd",
    "rub",
)
FIGURE_COLUMNS = (
    "document_id",
    "quantity",
    "quantity_max",
    "unit",
    "subject",
    "source",
    "date",
    "confidence",
    "category",
    *_EVIDENCE_COLUMNS,
)


def insert_sql(table: str, columns: tuple[str, ...]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


INSERT_DOCUMENT = insert_sql("documents", DOCUMENT_COLUMNS)
INSERT_OFFER = insert_sql("offers", OFFER_COLUMNS)
INSERT_FIGURE = insert_sql("figures", FIGURE_COLUMNS)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value is not None else None


def _evidence_values(evidence: Evidence) -> tuple[Any, ...]:
    return (
        evidence.start,
        evidence.end,
        evidence.text,
        evidence.value_start,
        evidence.value_end,
        evidence.rule,
        evidence.language,
    )


def _evidence(row: Any) -> Evidence:
    return Evidence(
        doc_id=row["document_id"],
        start=row["evidence_start"],
        end=row["evidence_end"],
        text=row["evidence_text"],
        value_start=row["value_start"],
        value_end=row["value_end"],
        rule=row["rule"],
        language=row["language"],
    )


def offer_from_row(row: Any) -> Offer:
    return Offer(
        kind=cast(OfferKind, row["kind"]),  # the schema's CHECK admits only OfferKind values
        amount=row["amount"],
        amount_max=row["amount_max"],
        currency=row["currency"],
        usd_stated=row["usd_stated"],
        offered_by=row["offered_by"],
        target=row["target"],
        region=row["region"],
        date=_date(row["date"]),
        confidence=row["confidence"],
        evidence=_evidence(row),
        # The schema's CHECKs admit only the guide's values (model.py).
        recipient=cast(Recipient | None, row["recipient"]),
        payer_level=cast(PayerLevel | None, row["payer_level"]),
        payer_region=row["payer_region"],
        target_origin=cast(TargetOrigin | None, row["target_origin"]),
        target_country=row["target_country"],
        previous=bool(row["previous"]),
        review=cast(ReviewStatus | None, row["review_status"]),
    )


def figure_from_row(row: Any) -> Figure:
    return Figure(
        quantity=row["quantity"],
        quantity_max=row["quantity_max"],
        unit=cast(FigureUnit, row["unit"]),  # the schema's CHECK admits only FigureUnit values
        subject=row["subject"],
        source=row["source"],
        date=_date(row["date"]),
        confidence=row["confidence"],
        evidence=_evidence(row),
        category=cast(FigureCategory | None, row["category"]),
        review=cast(ReviewStatus | None, row["review_status"]),
    )


def noted_offers(extraction: Extraction) -> list[tuple[Offer, OfferNotes | None]]:
    """Each offer with its notes, None for all when normalise has not run."""
    noted: list[OfferNotes | None] = [*extraction.offer_notes] or [None] * len(extraction.offers)
    return list(zip(extraction.offers, noted, strict=True))


def offer_values(doc_id: str, offer: Offer, notes: OfferNotes | None) -> tuple[Any, ...]:
    # Not normalised: the offer's own date and no conversion, never a rule of the store's.
    record_date = _iso(notes.date.value if notes else offer.date)
    return (
        doc_id,
        offer.kind,
        offer.amount,
        offer.amount_max,
        offer.currency,
        offer.usd_stated,
        offer.offered_by,
        offer.target,
        offer.region,
        _iso(offer.date),
        offer.confidence,
        offer.recipient,
        offer.payer_level,
        offer.payer_region,
        offer.target_origin,
        offer.target_country,
        int(offer.previous),
        *_evidence_values(offer.evidence),
        record_date,
        record_date[:7] if record_date else None,
        notes.usd.amount if notes else None,
        notes.rub.amount if notes else None,
    )


def figure_values(doc_id: str, figure: Figure) -> tuple[Any, ...]:
    return (
        doc_id,
        figure.quantity,
        figure.quantity_max,
        figure.unit,
        figure.subject,
        figure.source,
        _iso(figure.date),
        figure.confidence,
        figure.category,
        *_evidence_values(figure.evidence),
    )


def document_values(document: Document, digest: str, ingested_at: str) -> tuple[Any, ...]:
    return (
        document.id,
        document.source,
        document.url,
        document.title,
        _iso(document.published),
        document.language,
        document.text,
        digest,
        ingested_at,
        document.site_name,
        document.author,
    )


def document_from_row(row: Any) -> Document:
    return Document(
        id=row["id"],
        text=row["text"],
        source=row["source"],
        url=row["url"],
        title=row["title"],
        published=_date(row["published"]),
        language=row["language"],
        content_hash=row["content_hash"],
        site_name=row["site_name"],
        author=row["author"],
    )
