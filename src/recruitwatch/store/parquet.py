"""The whole database as Parquet, one folder per table, partitioned by month (Hive style), for
pandas, polars and DuckDB: `offers/month=2024-03/part-0.parquet`.

Rows are read and written in slices (a server-side cursor on PostgreSQL), so the export's
memory stays flat as the database grows. Column types come from the table's declared types, so
an empty month still has typed columns; SQLite and PostgreSQL export the same columns. A record
without a date lands in `month=__HIVE_DEFAULT_PARTITION__` (read back as null). pyarrow is
imported only here, when an export runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from recruitwatch.errors import StoreError
from recruitwatch.store import open_sql_store
from recruitwatch.store.sql import ColumnType

INSTALL_LINE = "pip install 'recruitwatch[dask]'"
# Rows per slice read from the database and written as one Parquet row group.
_SLICE = 20_000


@dataclass(frozen=True, slots=True)
class _Export:
    table: str
    month: str  # SQL for the month a row belongs to, YYYY-MM
    joins: str = ""


# documents by publication; records by the date they refer to, else their document's; claims
# by their first statement. The derived tables (notes, links) are not exported: they are
# rebuilt from these.
_EXPORTS = (
    _Export("documents", "substr(documents.published, 1, 7)"),
    _Export("offers", "substr(offers.record_date, 1, 7)"),
    _Export(
        "figures",
        "substr(COALESCE(figures.date, documents.published), 1, 7)",
        " JOIN documents ON documents.id = figures.document_id",
    ),
    _Export("claims", "substr(claims.first, 1, 7)"),
)


def export_parquet(db: str | Path, out: Path) -> dict[str, int]:
    """Write every exported table of the database `db` under `out`; rows written per table.

    A table's folder is replaced month by month: a month exported before is overwritten."""
    try:
        import pyarrow as pa
        import pyarrow.dataset as ds
    except ImportError as exc:
        raise StoreError(f"Parquet export needs pyarrow; install it: {INSTALL_LINE}") from exc
    counts: dict[str, int] = {}
    # Opening brings the schema up to date, so every table below exists.
    with open_sql_store(db, create=False) as store:
        try:
            for export in _EXPORTS:
                columns = store.column_types(export.table)
                schema = pa.schema(
                    [(name, _ARROW_TYPES[kind](pa)) for name, kind in columns]
                    + [("month", pa.string())]
                )
                select = ", ".join(f"{export.table}.{name}" for name, _ in columns)
                slices = store.stream(
                    f"SELECT {select}, {export.month} AS month FROM {export.table}{export.joins}"
                    f" ORDER BY month, {export.table}.id",
                    _SLICE,
                )
                written = [0]
                ds.write_dataset(
                    _batches(pa, schema, slices, written),
                    out / export.table,
                    schema=schema,
                    format="parquet",
                    partitioning=ds.partitioning(
                        pa.schema([("month", pa.string())]), flavor="hive"
                    ),
                    existing_data_behavior="delete_matching",
                )
                counts[export.table] = written[0]
        except OSError as exc:
            raise StoreError(f"cannot write Parquet ({exc})", source=str(out)) from exc
    return counts


def _batches(
    pa: Any, schema: Any, slices: Iterator[list[Any]], written: list[int]
) -> Iterator[Any]:
    names = schema.names
    for rows in slices:
        written[0] += len(rows)
        yield pa.RecordBatch.from_pylist(
            [dict(zip(names, row, strict=True)) for row in rows], schema
        )


_ARROW_TYPES: dict[ColumnType, Callable[[Any], Any]] = {
    "integer": lambda pa: pa.int64(),
    "real": lambda pa: pa.float64(),
    "text": lambda pa: pa.string(),
}
