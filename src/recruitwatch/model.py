"""The records every stage passes along: documents in, offers and figures with evidence out."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Literal, get_args

from recruitwatch.errors import InputError

OfferKind = Literal["signing_bonus", "monthly_pay", "compensation", "other_payment"]
OFFER_KINDS: tuple[OfferKind, ...] = (
    "signing_bonus",
    "monthly_pay",
    "compensation",
    "other_payment",
)
FigureUnit = Literal["people", "percent", "other"]

# Version 2 of the annotation guide (../shared/corpus/ANNOTATION.md): closed vocabularies.
Recipient = Literal["recruit", "family", "recruiter"]
PayerLevel = Literal["federal", "regional", "municipal", "combined", "pmc", "foreign"]
TargetOrigin = Literal["local", "other_region", "foreign", "any"]
FigureCategory = Literal[
    "mobilised",
    "recruited",
    "casualties",
    "fled",
    "labour_shortage",
    "prisoners",
    "population",
    "other",
]
RECIPIENTS: tuple[Recipient, ...] = get_args(Recipient)
PAYER_LEVELS: tuple[PayerLevel, ...] = get_args(PayerLevel)
TARGET_ORIGINS: tuple[TargetOrigin, ...] = get_args(TargetOrigin)
FIGURE_CATEGORIES: tuple[FigureCategory, ...] = get_args(FigureCategory)
# What a reviewer said of a record; None until someone has (extraction never sets it).
ReviewStatus = Literal["confirmed", "corrected", "rejected"]
REVIEW_STATUSES: tuple[ReviewStatus, ...] = get_args(ReviewStatus)
# The guide's normalised keys on an offer, beside its free text as written.
OFFER_GUIDE_KEYS: tuple[str, ...] = (
    "recipient",
    "payer_level",
    "payer_region",
    "target_origin",
    "target_country",
    "previous",
)


# A NUL or a lone surrogate (JSON's "\ud800" with no pair) is no character of any text: no
# database stores it and UTF-8 cannot encode the surrogate. Every reader refuses both alike.
_UNUSABLE = re.compile("[\x00\ud800-\udfff]")


def unusable_character(value: str) -> str | None:
    """Why `value` cannot be stored as text (names the character and where), or None."""
    found = _UNUSABLE.search(value)
    if found is None:
        return None
    what = "a NUL character" if found.group() == "\x00" else "a lone surrogate"
    return f"holds {what} (U+{ord(found.group()):04X} at character {found.start()})"


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
    site_name: str | None = None  # the outlet or channel, as the source names itself
    author: str | None = None

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
        site_name: str | None = None,
        author: str | None = None,
    ) -> Document:
        """InputError when the text or a field holds a character no text can (NUL, a lone
        surrogate)."""
        for name, value in (("text", text), ("id", id), ("url", url), ("title", title)):
            problem = unusable_character(value) if value else None
            if problem is not None:
                raise InputError(f"the {name} {problem}; it cannot be stored", source=source)
        for name, value in (("site name", site_name), ("author", author)):
            if value and unusable_character(value) is not None:
                raise InputError(f"the {name} {unusable_character(value)}", source=source)
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
            site_name=site_name,
            author=author,
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
    recipient: Recipient | None = None
    payer_level: PayerLevel | None = None
    payer_region: str | None = None  # ISO 3166-2 (RU-TA, UA-43) of a regional/municipal payer
    target_origin: TargetOrigin | None = None
    target_country: str | None = None  # ISO 3166-1 alpha-2 of a foreign target
    previous: bool = False  # a level the text says was replaced
    review: ReviewStatus | None = None


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
    category: FigureCategory | None = None
    review: ReviewStatus | None = None


@dataclass(frozen=True, slots=True)
class Extraction:
    """A document and its records; the notes (dates, conversions, checks) are the normalise
    stage's, one per record in the same order, and empty until it has run."""

    document: Document
    offers: list[Offer] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    offer_notes: list[OfferNotes] = field(default_factory=list)
    figure_notes: list[FigureNotes] = field(default_factory=list)


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


# --- what the normalise stage adds to a record ----------------------------------------------

DatePrecision = Literal["day", "week", "month", "season", "year"]
CheckStatus = Literal["ok", "flag", "n/a"]


@dataclass(frozen=True, slots=True)
class RecordDate:
    """The date a record refers to: the first day of its period, and how precise it is.

    `phrase` is the words in the evidence sentence it was read from (None: the document date);
    `value` is None when no date is known, and `reason` says why."""

    value: date | None
    precision: DatePrecision | None
    phrase: str | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Rate:
    """`value` units of the target currency for one unit of the source currency."""

    value: float
    date: date
    source: str


@dataclass(frozen=True, slots=True)
class Conversion:
    """An amount in `currency` (USD or RUB), or None with the reason there is no rate."""

    currency: str
    amount: float | None
    amount_max: float | None = None
    rate: Rate | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Check:
    """One test of a record against something independent of the text (an official rate,
    arithmetic, the calendar). `stated`/`expected`/`deviation` hold the numbers compared."""

    name: str
    status: CheckStatus
    detail: str
    stated: float | None = None
    expected: float | None = None
    deviation: float | None = None


@dataclass(frozen=True, slots=True)
class OfferNotes:
    date: RecordDate
    usd: Conversion
    rub: Conversion
    checks: list[Check] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class FigureNotes:
    date: RecordDate
    checks: list[Check] = field(default_factory=list)


# Meteorological seasons: first month and English name, by the season keys of lang/*.yaml.
SEASON_MONTHS = {"spring": 3, "summer": 6, "autumn": 9, "winter": 12}
NOT_NORMALISED = "no rate: not normalised (stored before the normalise stage ran)"


def date_label(record_date: RecordDate) -> str:
    """A reader's name for the date: "autumn 2022", "July 2023", "2019", "2023-08-07"."""
    value = record_date.value
    if value is None:
        return ""
    if record_date.precision == "season":
        name = next(name for name, month in SEASON_MONTHS.items() if month == value.month)
        if name == "winter":
            return f"winter {value.year}/{(value.year + 1) % 100:02d}"
        return f"{name} {value.year}"
    if record_date.precision == "month":
        return value.strftime("%B %Y")
    if record_date.precision == "year":
        return str(value.year)
    if record_date.precision == "week":
        return f"week of {value.isoformat()}"
    return value.isoformat()


def offer_notes_json(currency: str, notes: OfferNotes | None) -> dict[str, Any]:
    """What normalise says of an offer, as every output carries it: the date's precision and
    label, why USD or RUB is missing, the official `rate` used and the `checks`."""
    if notes is None:
        return {
            **_date_json(None),
            "usd_reason": NOT_NORMALISED,
            "rub_reason": NOT_NORMALISED,
            "rate": None,
            "checks": [],
        }
    return {
        **_date_json(notes.date),
        "usd_reason": notes.usd.reason,
        "rub_reason": notes.rub.reason,
        "rate": _rate_json(currency, notes),
        "checks": [_check_json(check) for check in notes.checks],
    }


def figure_notes_json(notes: FigureNotes | None) -> dict[str, Any]:
    checks = [_check_json(check) for check in notes.checks] if notes else []
    return {**_date_json(notes.date if notes else None), "checks": checks}


def _date_json(when: RecordDate | None) -> dict[str, Any]:
    return {
        "date_precision": when.precision if when else None,
        "date_label": (date_label(when) or None) if when else None,
        "date_phrase": when.phrase if when else None,
        "date_reason": when.reason if when else None,
    }


def _rate_json(currency: str, notes: OfferNotes) -> dict[str, Any] | None:
    """The official rate as people quote it: units of the offer's currency per US dollar
    (roubles per dollar for an offer in dollars), comparable with a stated conversion."""
    if currency == "USD":
        rate, value, unit = notes.rub.rate, notes.rub.rate and notes.rub.rate.value, "RUB per USD"
    else:
        rate, unit = notes.usd.rate, f"{currency} per USD"
        value = 1 / rate.value if rate and rate.value else None
    if rate is None or value is None:
        return None
    return {"value": value, "date": rate.date.isoformat(), "source": rate.source, "unit": unit}


def _check_json(check: Check) -> dict[str, Any]:
    return {
        "name": check.name,
        "status": check.status,
        "detail": check.detail,
        "stated": check.stated,
        "expected": check.expected,
        "deviation": check.deviation,
    }


# --- what the link stage finds across documents ---------------------------------------------

RecordType = Literal["offer", "figure"]


@dataclass(frozen=True, slots=True)
class Attribution:
    """A line crediting another outlet: "Source: Insider", "according to a report by ANBLE"."""

    doc_id: str
    name: str
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class ClusterMember:
    """One copy or rewrite; `similarity` is its estimated word-shingle Jaccard with the origin,
    `misattribution` says why its credit line does not match the origin's, if it does not."""

    doc_id: str
    published: date | None
    similarity: float
    misattribution: str | None = None


@dataclass(frozen=True, slots=True)
class Cluster:
    """Copies and rewrites of one story; `origin` is the earliest published member."""

    id: int
    origin: str
    members: list[ClusterMember]


@dataclass(frozen=True, slots=True)
class Statement:
    """A stored offer or figure reduced to what it claims, for matching across documents:
    `kind` is the offer kind or "figure", `unit` the currency or figure unit, `who` the payer
    or the figure's source, `about` the target or subject; for offers, the payer's level and
    region, the recipient, and whether the text gives the value as a replaced level."""

    record: RecordType
    record_id: int
    doc_id: str
    kind: str
    unit: str
    value: float
    who: str | None
    about: str | None
    when: date | None
    level: str | None = None
    region: str | None = None
    recipient: str | None = None
    previous: bool = False


@dataclass(frozen=True, slots=True)
class Claim:
    """One thing stated by one or more documents; copies from one rewrite cluster count once
    in `independent_sources`."""

    id: int
    record: RecordType
    kind: str
    unit: str
    value: float
    who: str | None
    about: str | None
    first: date | None
    last: date | None
    statements: list[Statement]
    sources: list[str]
    independent_sources: int


@dataclass(frozen=True, slots=True)
class Conflict:
    """Claims about one subject (kind, payer, region and recipient; for figures, what is
    counted) in one period that give different values: `claims` all of them, `first` and
    `second` the lowest and the highest."""

    id: int
    first: int
    second: int
    period: str
    detail: str
    claims: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Links:
    clusters: list[Cluster] = field(default_factory=list)
    attributions: list[Attribution] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
