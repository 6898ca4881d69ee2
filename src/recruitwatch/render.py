"""Turning records into tables, JSON and CSV; builds output, never prints it (the CLI does)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import asdict, fields
from datetime import date
from typing import Any

from rich.table import Table
from rich.text import Text

from recruitwatch.ingest.items import Failure
from recruitwatch.levels import Change, LevelStatement
from recruitwatch.model import (
    Attribution,
    Claim,
    Cluster,
    Conflict,
    Document,
    Evidence,
    Extraction,
    Figure,
    FigureNotes,
    Offer,
    OfferNotes,
    figure_notes_json,
    offer_notes_json,
    to_jsonable,
)
from recruitwatch.serve.export import spreadsheet_safe
from recruitwatch.store import SearchHit, StoredFailure

# Columns of free text that may wrap; the others (ids, kinds, numbers) are kept whole.
_WRAPPING_COLUMNS = frozenset(
    {"offered by", "target", "subject", "source", "reason", "flags", "who", "about", "sources",
     "detail", "misattribution"}
)  # fmt: skip


def jsonable(record: Any) -> dict[str, Any]:
    """A record (offer, figure, document, failure...) as a plain dict for json.dumps."""
    if isinstance(record, Offer | Figure | Document | Evidence):
        return to_jsonable(record)
    return {
        key: value.isoformat() if isinstance(value, date) else value
        for key, value in asdict(record).items()
    }


def envelope(records: Sequence[Any]) -> dict[str, Any]:
    return items_envelope([jsonable(record) for record in records])


def items_envelope(
    items: Sequence[Any], *, failed: Sequence[Failure] | None = None
) -> dict[str, Any]:
    """Every --json output: `{"ok", "items", "count"}`; with inputs read, also `failed`
    (`ok` false when any input failed)."""
    payload: dict[str, Any] = {"ok": not failed, "items": list(items), "count": len(items)}
    if failed is not None:
        payload["failed"] = [jsonable(failure) for failure in failed]
    return payload


def extraction_json(extraction: Extraction) -> dict[str, Any]:
    """A document read now (not stored), without its text, with its records."""
    document = to_jsonable(extraction.document)
    del document["text"]
    offer_notes: list[OfferNotes | None] = [*extraction.offer_notes] or [None] * len(
        extraction.offers
    )
    figure_notes: list[FigureNotes | None] = [*extraction.figure_notes] or [None] * len(
        extraction.figures
    )
    return {
        "document": document,
        "offers": [offer_json(o, n) for o, n in zip(extraction.offers, offer_notes, strict=True)],
        "figures": [
            figure_json(f, n) for f, n in zip(extraction.figures, figure_notes, strict=True)
        ],
    }


def offer_json(offer: Offer, notes: OfferNotes | None) -> dict[str, Any]:
    """An offer read from a text (not stored), with what normalise adds: USD and RUB (null
    with a reason when there is no rate), the official `rate` used and its `checks`."""
    usd, rub = (notes.usd.amount, notes.rub.amount) if notes else (None, None)
    return {**to_jsonable(offer), "usd": usd, "rub": rub, **offer_notes_json(offer.currency, notes)}


def figure_json(figure: Figure, notes: FigureNotes | None) -> dict[str, Any]:
    return {**to_jsonable(figure), **figure_notes_json(notes)}


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
    """A CSV row: evidence as evidence_* columns, safe to open in a spreadsheet."""
    nested = item.pop("evidence", None) or {}
    return spreadsheet_safe({**item, **{f"evidence_{key}": value for key, value in nested.items()}})


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


def table_tsv(table: Table) -> str:
    """A table as tab-separated lines, header first, every column whole: what a pipe or a
    file gets instead of the boxed table (the title is left to the caller)."""
    columns = [[_plain(column.header), *map(_plain, column.cells)] for column in table.columns]
    lines = []
    for row in zip(*columns, strict=True):
        # A TSV file opens in a spreadsheet as a CSV does: no cell may run as a formula.
        safe = spreadsheet_safe({str(index): cell for index, cell in enumerate(row)})
        lines.append("\t".join(map(str, safe.values())) + "\n")
    return "".join(lines)


def _plain(cell: object) -> str:
    text = cell.plain if isinstance(cell, Text) else str(cell)
    # A tab or line break inside a cell would split it.
    return " ".join(text.split())


def _number(value: float | None, high: float | None = None) -> str:
    if value is None:
        return ""
    text = f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"
    return f"{text}–{_number(high)}" if high is not None else text


def offers_table(items: Sequence[dict[str, Any]]) -> Table:
    """Offers with the USD the text states and, when normalised, the official-rate USD and RUB
    (a dash where there is no rate); a flags column when some check flagged."""
    flags = [
        ", ".join(c["name"] for c in item["checks"] if c["status"] == "flag") for item in items
    ]
    headers = ["doc", "kind", "amount", "stated $", "usd", "rub", "offered by", "target", "date"]
    rows = [
        [
            item["document_id"],
            item["kind"],
            f"{_number(item['amount'], item['amount_max'])} {item['currency']}",
            _number(item["usd_stated"]),
            _converted(item["usd"], None),
            _converted(item["rub"], None),
            item["offered_by"] or "",
            item["target"] or "",
            item["date_label"] or item.get("record_date") or item["date"] or "",
        ]
        for item in items
    ]
    if any(flags):
        headers.append("flags")
        rows = [[*row, flag] for row, flag in zip(rows, flags, strict=True)]
    return _table(f"offers: {len(items)}", headers, rows)


def _converted(value: float | None, high: float | None) -> str:
    if value is None:
        return "–"
    return _number(round(value), round(high) if high is not None else None)


def figures_table(items: Sequence[dict[str, Any]]) -> Table:
    headers = ("doc", "quantity", "unit", "category", "subject", "source", "date")
    rows = (
        (
            item["document_id"],
            _number(item["quantity"], item["quantity_max"]),
            item["unit"],
            (item["category"] or "").replace("_", " "),
            item["subject"] or "",
            item["source"] or "",
            item["date"] or "",
        )
        for item in items
    )
    return _table(f"figures: {len(items)}", headers, rows)


def extraction_items(extraction: Extraction) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A document's offers and figures not stored, in the items' shape the tables read."""
    offer_notes: list[OfferNotes | None] = [*extraction.offer_notes] or [None] * len(
        extraction.offers
    )
    figure_notes: list[FigureNotes | None] = [*extraction.figure_notes] or [None] * len(
        extraction.figures
    )
    document = {"document_id": extraction.document.id}
    return (
        [offer_json(o, n) | document for o, n in zip(extraction.offers, offer_notes, strict=True)],
        [
            figure_json(f, n) | document
            for f, n in zip(extraction.figures, figure_notes, strict=True)
        ],
    )


def search_table(records: Sequence[SearchHit]) -> Table:
    headers = ("doc", "published", "title")
    rows = (
        (h.doc_id, h.published.isoformat() if h.published else "", h.title or "") for h in records
    )
    return _table(f"documents: {len(records)}", headers, rows)


def failures_table(records: Sequence[StoredFailure]) -> Table:
    headers = ("id", "last seen", "times", "stage", "source", "reason")
    rows = ((str(f.id), f.last_seen, str(f.times), f.stage, f.source, f.reason) for f in records)
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
        named = [
            ("by", record.offered_by),
            ("for", record.target),
            ("in", record.region),
            # The guide's keys, as codes: "payer regional RU-TA", "target foreign KZ".
            ("paid to", record.recipient),
            ("payer", _joined(record.payer_level, record.payer_region)),
            ("target", _joined(record.target_origin, record.target_country)),
            ("level", "previous" if record.previous else None),
        ]
    else:
        named = [("of", record.subject), ("per", record.source), ("category", record.category)]
    return [*named, ("on", record.date.isoformat() if record.date else None)]


def _joined(*values: str | None) -> str | None:
    return " ".join(value for value in values if value) or None


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


# --- links across documents ------------------------------------------------------------------


def _period(first: date | None, last: date | None) -> str:
    if first is None or last is None:
        return ""
    return first.isoformat() if first == last else f"{first.isoformat()} – {last.isoformat()}"


def claims_table(claims: Sequence[Claim]) -> Table:
    headers = ("claim", "kind", "value", "unit", "who", "about", "when", "sources", "independent")
    rows = (
        (
            str(c.id),
            c.kind,
            _number(c.value),
            c.unit,
            c.who or "",
            c.about or "",
            _period(c.first, c.last),
            ", ".join(c.sources),
            str(c.independent_sources),
        )
        for c in claims
    )
    return _table(f"claims: {len(claims)}", headers, rows)


def claim_json(claim: Claim) -> dict[str, Any]:
    return {
        "id": claim.id,
        "record": claim.record,
        "kind": claim.kind,
        "value": claim.value,
        "unit": claim.unit,
        "who": claim.who,
        "about": claim.about,
        "first": claim.first.isoformat() if claim.first else None,
        "last": claim.last.isoformat() if claim.last else None,
        "sources": claim.sources,
        "independent_sources": claim.independent_sources,
        "statements": [
            {
                "record": s.record,
                "id": s.record_id,
                "document_id": s.doc_id,
                "value": s.value,
                "who": s.who,
                "about": s.about,
                "date": s.when.isoformat() if s.when else None,
            }
            for s in claim.statements
        ],
    }


def conflicts_table(conflicts: Sequence[Conflict]) -> Table:
    headers = ("conflict", "claims", "period", "detail")
    rows = (
        (
            str(c.id),
            " vs ".join(str(i) for i in c.claims or (c.first, c.second)),
            c.period,
            c.detail,
        )
        for c in conflicts
    )
    return _table(f"conflicts: {len(conflicts)}", headers, rows)


def conflict_json(conflict: Conflict, claims: dict[int, Claim]) -> dict[str, Any]:
    return {
        "id": conflict.id,
        "period": conflict.period,
        "detail": conflict.detail,
        "claims": [
            claim_json(claims[i])
            for i in conflict.claims or (conflict.first, conflict.second)
            if i in claims
        ],
    }


def clusters_table(clusters: Sequence[Cluster]) -> Table:
    headers = ("cluster", "origin", "document", "published", "similarity", "misattribution")
    rows = (
        (
            str(c.id),
            "origin" if m.doc_id == c.origin else "",
            m.doc_id,
            m.published.isoformat() if m.published else "",
            f"{m.similarity:.2f}",
            m.misattribution or "",
        )
        for c in clusters
        for m in c.members
    )
    return _table(f"clusters: {len(clusters)}", headers, rows)


def cluster_json(cluster: Cluster) -> dict[str, Any]:
    return {
        "id": cluster.id,
        "origin": cluster.origin,
        "members": [
            {
                "document_id": m.doc_id,
                "published": m.published.isoformat() if m.published else None,
                "similarity": m.similarity,
                "misattribution": m.misattribution,
            }
            for m in cluster.members
        ],
    }


def check_lines(
    extraction: Extraction, clusters: Sequence[Cluster], credits: Sequence[Attribution]
) -> list[Text]:
    """Each record of a document with its date, conversions and checks, then its credit lines
    and the rewrite cluster it belongs to."""
    marks = {"ok": "ok  ", "flag": "FLAG", "n/a": "n/a "}
    lines: list[Text] = []
    for offer, notes in zip(extraction.offers, extraction.offer_notes, strict=True):
        lines.append(Text(f"\n• {_offer_summary(offer)}", style="bold"))
        for conversion in (notes.usd, notes.rub):
            rate = conversion.rate
            amount = _converted(conversion.amount, conversion.amount_max)
            used = ""
            if rate and conversion.currency != offer.currency:
                # Quoted the way people quote rates: "94.81 RUB/USD", never "0.0105 USD/RUB".
                big, pair = (rate.value, f"{conversion.currency}/{offer.currency}")
                if rate.value < 1:
                    big, pair = (1 / rate.value, f"{offer.currency}/{conversion.currency}")
                used = f" at {big:,.4g} {pair} ({rate.source}, {rate.date})"
            why = f" {conversion.reason}" if conversion.reason else ""
            lines.append(Text(f"  {conversion.currency} {amount}{used}{why}"))
        for check in notes.checks:
            lines.append(Text(f"  [{marks[check.status]}] {check.name}: {check.detail}"))
    for figure, figure_notes in zip(extraction.figures, extraction.figure_notes, strict=True):
        lines.append(Text(f"\n• {_figure_summary(figure)}", style="bold"))
        for check in figure_notes.checks:
            lines.append(Text(f"  [{marks[check.status]}] {check.name}: {check.detail}"))
    if credits:
        lines.append(Text(f"\ncredits: {', '.join(a.name for a in credits)}", style="bold"))
    for cluster in clusters:
        member = next(m for m in cluster.members if m.doc_id == extraction.document.id)
        role = "origin" if cluster.origin == member.doc_id else f"copy of {cluster.origin}"
        others = ", ".join(m.doc_id for m in cluster.members if m.doc_id != member.doc_id)
        lines.append(Text(f"\nrewrite cluster {cluster.id}: {role}; with {others}", style="bold"))
        if member.misattribution:
            lines.append(Text(f"  [FLAG] possible misattribution: {member.misattribution}"))
    return lines


def check_json(
    extraction: Extraction, clusters: Sequence[Cluster], credits: Sequence[Attribution]
) -> dict[str, Any]:
    return {
        **extraction_json(extraction),
        "attributions": [{"name": a.name, "text": a.text, "start": a.start} for a in credits],
        "clusters": [cluster_json(cluster) for cluster in clusters],
    }


# --- the tracker's changes -------------------------------------------------------------------


def changes_table(changes: Sequence[Change]) -> Table:
    headers = ("date", "region", "part", "change", "was (source)", "now (source)")
    rows = (
        (
            c.day.isoformat(),
            c.region,
            c.part,
            c.describe(),
            f"{c.old_source.document_id} ({c.old_source.day.isoformat()})",
            f"{c.new_source.document_id} ({c.new_source.day.isoformat()})",
        )
        for c in changes
    )
    return _table(f"changes: {len(changes)}", headers, rows)


def change_json(change: Change) -> dict[str, Any]:
    """A raise or cut: what, when, and its two statements (the old level's last, the new
    level's first)."""
    return {
        "region": change.region,
        "part": change.part,
        "direction": change.direction,
        "day": change.day.isoformat(),
        "from": {"amount": change.before.amount, "currency": change.before.currency},
        "to": {"amount": change.after.amount, "currency": change.after.currency},
        "description": change.describe(),
        "sources": [
            level_statement_json(change.old_source),
            level_statement_json(change.new_source),
        ],
    }


def level_statement_json(statement: LevelStatement) -> dict[str, Any]:
    return {
        "document_id": statement.document_id,
        "record": statement.record,
        "day": statement.day.isoformat(),
        "amount": statement.amount,
        "currency": statement.currency,
        "previous": statement.previous,
        "evidence": statement.evidence,
        "url": statement.url,
        "outlet": statement.outlet,
    }
