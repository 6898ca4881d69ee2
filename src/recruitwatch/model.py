"""The records every stage passes along: documents in, offers and figures with evidence out."""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Literal

OfferKind = Literal["signing_bonus", "monthly_pay", "compensation", "other_payment"]
OFFER_KINDS: tuple[OfferKind, ...] = (
    "signing_bonus",
    "monthly_pay",
    "compensation",
    "other_payment",
)
FigureUnit = Literal["people", "percent", "other"]


def content_hash(text: str) -> str:
    """SHA-256 of the text after Unicode and whitespace normalisation, so re-saves dedup."""
    normalised = " ".join(unicodedata.normalize("NFC", text).split())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Document:
    id: str
    text: str
    source: str = ""
    url: str | None = None
    title: str | None = None
    published: date | None = None
    language: str = "en"
    content_hash: str = ""

    @classmethod
    def from_text(
        cls,
        text: str,
        *,
        id: str | None = None,
        source: str = "",
        url: str | None = None,
        title: str | None = None,
        published: date | None = None,
        language: str = "en",
    ) -> Document:
        digest = content_hash(text)
        return cls(
            id=id or digest[:16],
            text=text,
            source=source,
            url=url,
            title=title,
            published=published,
            language=language,
            content_hash=digest,
        )


@dataclass(frozen=True, slots=True)
class Evidence:
    """Where a record came from: `doc.text[start:end] == text` (the sentence), and
    `doc.text[value_start:value_end]` is the amount or quantity itself."""

    doc_id: str
    start: int
    end: int
    text: str
    value_start: int
    value_end: int
    rule: str
    language: str


@dataclass(frozen=True, slots=True)
class Offer:
    kind: OfferKind
    amount: float
    currency: str
    evidence: Evidence
    amount_max: float | None = None
    usd_stated: float | None = None
    offered_by: str | None = None
    target: str | None = None
    region: str | None = None
    date: date | None = None
    confidence: float = 0.5


@dataclass(frozen=True, slots=True)
class Figure:
    quantity: float
    unit: FigureUnit
    evidence: Evidence
    quantity_max: float | None = None
    subject: str | None = None
    source: str | None = None
    date: date | None = None
    confidence: float = 0.5


@dataclass(frozen=True, slots=True)
class Extraction:
    document: Document
    offers: list[Offer] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)


def to_jsonable(record: Offer | Figure | Document | Evidence) -> dict[str, Any]:
    """Plain dict with ISO dates, ready for json.dumps."""
    raw = asdict(record)

    def convert(value: Any) -> Any:
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, dict):
            return {key: convert(item) for key, item in value.items()}
        return value

    return {key: convert(value) for key, value in raw.items()}
