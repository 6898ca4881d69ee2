"""CSV, JSON Lines and Parquet files of what a filtered list shows, in all its pages.

CSV and JSON Lines stream a page of rows at a time; Parquet is written whole (pyarrow needs the
columns), with a fixed schema so an empty export still has typed columns.

Every file is valid whatever the database holds: a number that is not finite (stored before
extraction refused them) is written as empty/null, never `inf` or `Infinity`; a CSV text cell
a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, carriage return first) is
prefixed with `'`, which spreadsheets show as text.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Iterator
from typing import Any, Literal

from recruitwatch.model import OFFER_GUIDE_KEYS

Format = Literal["csv", "jsonl", "parquet"]
MEDIA_TYPES: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/x-ndjson",
    "parquet": "application/vnd.apache.parquet",
}
_EVIDENCE = ("start", "end", "text", "value_start", "value_end", "rule", "language")
_NUMBER_COLUMNS = frozenset(
    {"amount", "amount_max", "usd_stated", "usd", "rub", "rate_value", "confidence", "quantity",
     "quantity_max"}
)  # fmt: skip
_INTEGER_COLUMNS = frozenset(
    {"id", "evidence_start", "evidence_end", "evidence_value_start", "evidence_value_end"}
)
_BOOLEAN_COLUMNS = frozenset({"previous"})
# Each record's document, so a row can be cited without a join.
SOURCE_COLUMNS = ("document_url", "document_outlet", "document_title", "document_published")
_DATE_NOTES = ("date_precision", "date_label")
OFFER_COLUMNS = (
    "id",
    "document_id",
    "kind",
    "amount",
    "amount_max",
    "currency",
    "usd_stated",
    "usd",
    "usd_reason",
    "rub",
    "rub_reason",
    "rate_value",
    "rate_unit",
    "rate_date",
    "rate_source",
    "offered_by",
    "target",
    "region",
    *OFFER_GUIDE_KEYS,
    "date",
    "record_date",
    *_DATE_NOTES,
    "flags",
    "confidence",
    "review",
    *(f"evidence_{name}" for name in _EVIDENCE),
    *SOURCE_COLUMNS,
)
FIGURE_COLUMNS = (
    "id",
    "document_id",
    "quantity",
    "quantity_max",
    "unit",
    "subject",
    "source",
    "category",
    "date",
    "record_date",
    *_DATE_NOTES,
    "flags",
    "confidence",
    "review",
    *(f"evidence_{name}" for name in _EVIDENCE),
    *SOURCE_COLUMNS,
)


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def flat(item: dict[str, Any]) -> dict[str, Any]:
    """The item as one row: its evidence as evidence_* columns, its rate as rate_*, and the
    names of its flagged checks as `flags`."""
    nested = ("evidence", "rate", "checks")
    found = {key: finite(value) for key, value in item.items() if key not in nested}
    for name in ("evidence", "rate"):
        inner = item.get(name) or {}
        found.update({f"{name}_{key}": finite(value) for key, value in inner.items()})
    if "checks" in item:
        found["flags"] = " ".join(c["name"] for c in item["checks"] if c["status"] == "flag")
    return found


def finite(value: Any) -> Any:
    """`value`, or None for a float that is not finite (JSON has no infinity)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: finite(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [finite(inner) for inner in value]
    return value


def spreadsheet_safe(row: dict[str, Any]) -> dict[str, Any]:
    """A CSV row no spreadsheet runs as formulas, with empty cells for non-finite numbers."""
    return {key: _spreadsheet_cell(finite(value)) for key, value in row.items()}


def _spreadsheet_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def csv_chunks(
    items: Iterable[dict[str, Any]], columns: tuple[str, ...], *, bom: bool = False
) -> Iterator[str]:
    """CSV text a thousand rows at a time; with `bom`, led by a byte-order mark, without which
    Excel reads UTF-8 as the local code page and garbles Cyrillic."""
    buffer = io.StringIO()
    if bom:
        buffer.write("\ufeff")
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for number, item in enumerate(items, start=1):
        writer.writerow(spreadsheet_safe(flat(item)))
        if number % 1000 == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def jsonl_chunks(items: Iterable[dict[str, Any]]) -> Iterator[str]:
    lines: list[str] = []
    for item in items:
        lines.append(json.dumps(finite(item), ensure_ascii=False, allow_nan=False))
        if len(lines) == 1000:
            yield "\n".join(lines) + "\n"
            lines = []
    if lines:
        yield "\n".join(lines) + "\n"


def parquet_bytes(items: Iterable[dict[str, Any]], columns: tuple[str, ...]) -> bytes:
    import pyarrow as pa  # heavy: loaded only when a Parquet file is asked for
    import pyarrow.parquet as pq

    rows = [flat(item) for item in items]
    schema = pa.schema([(name, _arrow_type(pa, name)) for name in columns])
    table = pa.Table.from_pylist(
        [{name: row.get(name) for name in columns} for row in rows], schema=schema
    )
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


def column_kind(name: str) -> Literal["boolean", "integer", "number", "string"]:
    """The kind of value an export column holds (Table Schema's names)."""
    if name in _BOOLEAN_COLUMNS:
        return "boolean"
    if name in _INTEGER_COLUMNS:
        return "integer"
    if name in _NUMBER_COLUMNS:
        return "number"
    return "string"


def _arrow_type(pa: Any, name: str) -> Any:
    return {
        "boolean": pa.bool_,
        "integer": pa.int64,
        "number": pa.float64,
        "string": pa.string,
    }[column_kind(name)]()


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
