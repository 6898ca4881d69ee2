"""The database as a Frictionless Data Package: `datapackage.json` and one CSV per table.

`recruitwatch export --datapackage DIR` writes documents.csv, offers.csv, figures.csv and
claims.csv, and a `datapackage.json` describing each with a Table Schema (field types and
descriptions, primary and foreign keys). Offers and figures carry the columns of the CSV
download (`OFFER_COLUMNS`, `FIGURE_COLUMNS`), followed by their document's URL, outlet, title and
publication date, so a row can be cited without a join.

Values are written as stored: text is not prefixed against spreadsheet formulas as the
downloads are, since a quoted sentence must stay equal to its document's characters. Documents
are exported without their text (the articles' copyright is their publishers'); the evidence
sentence of every record is kept. Offers and figures are read a page at a time.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from recruitwatch import __version__
from recruitwatch.errors import StoreError
from recruitwatch.serve.export import FIGURE_COLUMNS, OFFER_COLUMNS, column_kind, finite, flat
from recruitwatch.store import open_sql_store
from recruitwatch.store.browse import Reader, open_reader
from recruitwatch.store.filters import FigureFilters, OfferFilters
from recruitwatch.store.sql import ColumnType

# Document columns left out of the package, with why: the full text is the publisher's.
_WITHHELD = frozenset({"text"})
_DATE_COLUMNS = frozenset({"date", "record_date", "rate_date", "published", "document_published"})
_TABLE_TYPES: dict[ColumnType, str] = {"integer": "integer", "real": "number", "text": "string"}

_DESCRIPTIONS: dict[str, str] = {
    # documents
    "source": "Where the document was read from: a file, feed or URL.",
    "figures.source": "Who gives the figure, as the text names them.",
    "url": "The document's web address.",
    "title": "The document's title.",
    "published": "Publication date.",
    "language": "Language code (ISO 639-1).",
    "content_hash": "SHA-256 of the text; the same text is stored once.",
    "ingested_at": "When recruitwatch stored the document (UTC).",
    "site_name": "The outlet (site or channel) that published it.",
    "author": "The author, when the page names one.",
    # offers and figures
    "id": "Record id.",
    "document_id": "The document the record was read from (documents.id).",
    "kind": "Offer kind (signing bonus, monthly pay...); for claims, the offer kind or figure.",
    "amount": "The amount stated, in `currency` (the lower bound of a range).",
    "amount_max": "The upper bound of a stated range, else empty.",
    "currency": "ISO 4217 code of the amount stated.",
    "usd_stated": "A US-dollar conversion the text itself gives.",
    "usd": "The amount in US dollars at the official rate of the record's date.",
    "rub": "The amount in roubles at the official rate of the record's date.",
    "offered_by": "Who pays, as the text names it.",
    "target": "Who the offer is for, as the text names them.",
    "region": "The region the offer applies to, as the text names it.",
    "recipient": "Who receives the money: recruit, family, recruiter.",
    "payer_level": "Level of the payer: federal, regional, municipal, company...",
    "payer_region": "ISO 3166-2 code of the paying region (RU-TA).",
    "target_origin": "Where the targeted people come from, as the text names it.",
    "target_country": "ISO 3166-1 code of a foreign target's country.",
    "previous": "True when the text states a former level, not the current one.",
    "date": "The date the text gives for the record, else empty.",
    "record_date": "The record's date: the date it gives, else its document's publication date.",
    "confidence": "The extractor's confidence, 0 to 1.",
    "review": "A reviewer's verdict: confirmed, corrected or rejected; empty until reviewed.",
    "quantity": "The number stated (the lower bound of a range).",
    "quantity_max": "The upper bound of a stated range, else empty.",
    "unit": "What is counted: people, percent, other; for claims, the currency or unit.",
    "subject": "What the figure counts (mobilised, recruited, casualties...).",
    "category": "The figure's category in the annotation guide.",
    "evidence_start": "Start of the evidence sentence: a character offset in the document's text.",
    "evidence_end": "End of the evidence sentence (exclusive character offset).",
    "evidence_text": "The evidence: the sentence quoted exactly.",
    "evidence_value_start": "Start of the amount or quantity in the document's text.",
    "evidence_value_end": "End of the amount or quantity in the document's text.",
    "evidence_rule": "The extraction rule that found the record.",
    "evidence_language": "Language of the evidence sentence.",
    "document_url": "The document's web address (documents.url).",
    "document_outlet": "The outlet that published the document (documents.site_name).",
    "document_title": "The document's title (documents.title).",
    "document_published": "The document's publication date (documents.published).",
    "usd_reason": "Why there is no amount in US dollars, when there is none.",
    "rub_reason": "Why there is no amount in roubles, when there is none.",
    "rate_value": "The official rate used: units of the offer's currency per US dollar.",
    "rate_unit": "What the rate counts, e.g. RUB per USD.",
    "rate_date": "The day of the official rate used.",
    "rate_source": "Who publishes the rate (CBR, ECB...).",
    "date_precision": "How precise the record's date is: day, week, month, season, year.",
    "date_label": "The record's date as a reader names it: July 2023, autumn 2022.",
    "flags": "Names of the checks that flagged the record (an implausible date, a stated"
    " conversion far from the official rate...).",
    # claims
    "record": "offer or figure.",
    "value": "The value the statements agree on.",
    "who": "The payer or source the statements name.",
    "about": "The target or subject the statements name.",
    "first": "Date of the earliest statement.",
    "last": "Date of the latest statement.",
    "sources": "Documents making the statement.",
    "independent_sources": "Documents making it that are not copies of one another.",
}


@dataclass(frozen=True, slots=True)
class _Resource:
    name: str
    description: str
    fields: list[dict[str, Any]]
    primary_key: str = "id"
    foreign_document: bool = False  # whether document_id refers to documents.id


def write_datapackage(db: str | Path, out: Path) -> dict[str, int]:
    """Write the package of the database `db` into the folder `out`; rows written per table."""
    with open_sql_store(db, create=False) as store:  # refuses a missing database, migrates
        stored = {
            table: [(name, kind) for name, kind in store.column_types(table)]
            for table in ("documents", "claims")
        }
    document_types = [(name, kind) for name, kind in stored["documents"] if name not in _WITHHELD]
    resources = [
        _Resource(
            "documents",
            "The documents read: articles, ads and posts (without their text).",
            [_field("documents", name, _stored_type(name, kind)) for name, kind in document_types],
        ),
        _Resource(
            "offers",
            "Money promised for joining or serving, each with its evidence sentence and source.",
            _fields("offers", OFFER_COLUMNS),
            foreign_document=True,
        ),
        _Resource(
            "figures",
            "Manpower figures, each with its evidence sentence and source.",
            _fields("figures", FIGURE_COLUMNS),
            foreign_document=True,
        ),
        _Resource(
            "claims",
            "Statements made by one or more documents, with how many sources make them.",
            [_field("claims", name, _stored_type(name, kind)) for name, kind in stored["claims"]],
        ),
    ]
    try:
        out.mkdir(parents=True, exist_ok=True)
        reader = open_reader(db)
        try:
            documents = _documents(reader, [name for name, _ in document_types])
            counts = {
                "documents": _write_csv(out, resources[0], documents),
                "offers": _write_csv(
                    out, resources[1], map(flat, reader.iter_offers(OfferFilters()))
                ),
                "figures": _write_csv(
                    out, resources[2], map(flat, reader.iter_figures(FigureFilters()))
                ),
                "claims": _write_csv(out, resources[3], _claims(reader)),
            }
        finally:
            reader.close()
        descriptor = _descriptor(resources)
        (out / "datapackage.json").write_text(
            json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    except OSError as exc:
        raise StoreError(f"cannot write the data package ({exc})", source=str(out)) from exc
    return counts


def _fields(table: str, columns: Iterable[str]) -> list[dict[str, Any]]:
    return [_field(table, name, _export_type(name)) for name in columns]


def _field(table: str, name: str, kind: str) -> dict[str, Any]:
    description = _DESCRIPTIONS.get(f"{table}.{name}") or _DESCRIPTIONS[name]
    found: dict[str, Any] = {"name": name, "type": kind, "description": description}
    if kind == "boolean":
        found |= {"trueValues": ["true"], "falseValues": ["false"]}
    return found


def _export_type(name: str) -> str:
    if name in _DATE_COLUMNS:
        return "date"
    return column_kind(name)


def _stored_type(name: str, kind: ColumnType) -> str:
    if name in _DATE_COLUMNS or name in ("first", "last"):
        return "date"
    return _TABLE_TYPES[kind]


def _documents(reader: Reader, columns: list[str]) -> list[dict[str, Any]]:
    select = ", ".join(f"documents.{name}" for name in columns)
    rows = reader.select(f"SELECT {select} FROM documents ORDER BY documents.id")
    return [{name: row[name] for name in columns} for row in rows]


def _claims(reader: Reader) -> Iterator[dict[str, Any]]:
    if "claims" not in reader.tables():
        return
    columns = reader.columns("claims")
    select = ", ".join(f"claims.{name}" for name in columns)
    for row in reader.select(f"SELECT {select} FROM claims ORDER BY claims.id"):
        yield {name: row[name] for name in columns}


def _write_csv(out: Path, resource: _Resource, rows: Iterable[dict[str, Any]]) -> int:
    columns = [field["name"] for field in resource.fields]
    written = 0
    with (out / f"{resource.name}.csv").open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({name: _cell(row.get(name)) for name in columns})
            written += 1
    return written


def _cell(value: Any) -> Any:
    value = finite(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _descriptor(resources: list[_Resource]) -> dict[str, Any]:
    return {
        "name": "recruitwatch",
        "title": "Military recruitment offers and manpower figures, with their sources",
        "description": (
            "Offers (money promised for joining or serving) and manpower figures read from news,"
            " ads and posts by recruitwatch, each with the sentence it was read from and its"
            " document's URL, outlet, title and publication date."
        ),
        "version": __version__,
        "resources": [_resource(resource) for resource in resources],
    }


def _resource(resource: _Resource) -> dict[str, Any]:
    schema: dict[str, Any] = {"fields": resource.fields, "primaryKey": [resource.primary_key]}
    if resource.foreign_document:
        schema["foreignKeys"] = [
            {"fields": ["document_id"], "reference": {"resource": "documents", "fields": ["id"]}}
        ]
    return {
        "name": resource.name,
        "path": f"{resource.name}.csv",
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "description": resource.description,
        "schema": schema,
    }
