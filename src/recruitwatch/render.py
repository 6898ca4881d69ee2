"""Turning records into tables, JSON and CSV; builds output, never prints it (the CLI does)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import asdict, fields
from typing import Any

from rich.table import Table
from rich.text import Text

from recruitwatch.model import Document, Evidence, Extraction, Figure, Offer, to_jsonable
from recruitwatch.store import StoredFailure

# Columns of free text that may wrap; the others (ids, kinds, numbers) are kept whole.
_WRAPPING_COLUMNS = frozenset({"offered by", "target", "subject", "source", "reason"})


def jsonable(record: Any) -> dict[str, Any]:
    """A record (offer, figure, document, failure...) as a plain dict for json.dumps."""
    if isinstance(record, Offer | Figure | Document | Evidence):
        return to_jsonable(record)
    return asdict(record)


def envelope(records: Sequence[Any]) -> dict[str, Any]:
    items = [jsonable(record) for record in records]
    return {"ok": True, "items": items, "count": len(items)}


def extraction_json(extraction: Extraction, *, with_text: bool = False) -> dict[str, Any]:
    document = to_jsonable(extraction.document)
    if not with_text:
        del document["text"]
    return {
        "document": document,
        "offers": [to_jsonable(item) for item in extraction.offers],
        "figures": [to_jsonable(item) for item in extraction.figures],
    }


def records_csv(records: Sequence[Any], record_type: type) -> str:
    """CSV with a header even when empty; the nested evidence becomes evidence_* columns."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=_columns(record_type), lineterminator="\n")
    writer.writeheader()
    writer.writerows(_flat(jsonable(record)) for record in records)
    return buffer.getvalue()


def _columns(record_type: type) -> list[str]:
    names: list[str] = []
    for field in fields(record_type):
        if field.name == "evidence":
            names.extend(f"evidence_{inner.name}" for inner in fields(Evidence))
        else:
            names.append(field.name)
    return names


def _flat(item: dict[str, Any]) -> dict[str, Any]:
    nested = item.pop("evidence", None) or {}
    return {**item, **{f"evidence_{key}": value for key, value in nested.items()}}


def _table(title: str, headers: Sequence[str], rows: Iterable[Sequence[str]]) -> Table:
    """A table whose short columns (ids, kinds, numbers) never wrap; long text columns wrap."""
    cells = [list(row) for row in rows]
    table = Table(title=title, title_justify="left")
    for index, header in enumerate(headers):
        longest = max((len(row[index]) for row in cells), default=0)
        if header in _WRAPPING_COLUMNS:
            table.add_column(header, overflow="fold", min_width=min(longest, 12))
        else:
            table.add_column(header, no_wrap=True, min_width=max(longest, len(header)))
    for row in cells:
        # Text cells: a "[...]" in a source must print as itself, not as rich markup.
        table.add_row(*(Text(cell) for cell in row))
    return table


def _number(value: float | None, high: float | None = None) -> str:
    if value is None:
        return ""
    text = f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"
    return f"{text}–{_number(high)}" if high is not None else text


def offers_table(records: Sequence[Offer]) -> Table:
    headers = ("doc", "kind", "amount", "currency", "usd", "offered by", "target", "date")
    rows = (
        (
            o.evidence.doc_id,
            o.kind,
            _number(o.amount, o.amount_max),
            o.currency,
            _number(o.usd_stated),
            o.offered_by or "",
            o.target or "",
            o.date.isoformat() if o.date else "",
        )
        for o in records
    )
    return _table(f"offers: {len(records)}", headers, rows)


def figures_table(records: Sequence[Figure]) -> Table:
    headers = ("doc", "quantity", "unit", "subject", "source", "date")
    rows = (
        (
            f.evidence.doc_id,
            _number(f.quantity, f.quantity_max),
            f.unit,
            f.subject or "",
            f.source or "",
            f.date.isoformat() if f.date else "",
        )
        for f in records
    )
    return _table(f"figures: {len(records)}", headers, rows)


def failures_table(records: Sequence[StoredFailure]) -> Table:
    headers = ("id", "when", "stage", "source", "reason")
    rows = ((str(f.id), f.occurred_at, f.stage, f.source, f.reason) for f in records)
    return _table(f"failures: {len(records)}", headers, rows)


def _offer_summary(offer: Offer) -> str:
    usd = f" (${_number(offer.usd_stated)})" if offer.usd_stated is not None else ""
    parts = [f"{offer.kind}: {_number(offer.amount, offer.amount_max)} {offer.currency}{usd}"]
    parts += [f"{name} {value}" for name, value in _attributes(offer) if value]
    return "; ".join(parts)


def _figure_summary(figure: Figure) -> str:
    parts = [f"figure: {_number(figure.quantity, figure.quantity_max)} {figure.unit}"]
    parts += [f"{name} {value}" for name, value in _attributes(figure) if value]
    return "; ".join(parts)


def _attributes(record: Offer | Figure) -> list[tuple[str, str | None]]:
    if isinstance(record, Offer):
        named = [("by", record.offered_by), ("for", record.target), ("in", record.region)]
    else:
        named = [("of", record.subject), ("per", record.source)]
    return [*named, ("on", record.date.isoformat() if record.date else None)]


def record_lines(record: Offer | Figure) -> list[Text]:
    """A one-line summary of the record, then its evidence sentence with the value underlined."""
    summary = _offer_summary(record) if isinstance(record, Offer) else _figure_summary(record)
    evidence = record.evidence
    quote = Text(f'  "{evidence.text}"  [{evidence.rule}]')
    offset = 3 - evidence.start  # the quote starts 3 characters into the line
    quote.stylize("bold underline", evidence.value_start + offset, evidence.value_end + offset)
    return [Text(f"\n• {summary}", style="bold"), quote]


def document_header(document: Document) -> list[Text]:
    meta = (
        ("id", document.id),
        ("source", document.source),
        ("url", document.url),
        ("site", document.site_name),
        ("author", document.author),
        ("published", document.published.isoformat() if document.published else None),
        ("language", document.language),
    )
    lines = [Text(document.title or document.id, style="bold")]
    lines += [Text(f"{name}: {value}", style="dim") for name, value in meta if value]
    return lines
