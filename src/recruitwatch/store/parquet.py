"""The whole database as Parquet, one folder per table, partitioned by month (Hive style), for
pandas, polars and DuckDB: `offers/month=2024-03/part-0.parquet`.

Rows are read and written in slices, so the export's memory stays flat as the database grows.
Column types come from the table's declared SQLite types, so an empty month still has typed
columns. A record without a date lands in `month=__HIVE_DEFAULT_PARTITION__` (read back as
null). pyarrow is imported only here, when an export runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from recruitwatch.errors import StoreError
from recruitwatch.store.browse import connect_reader
from recruitwatch.store.sqlite import open_sqlite

INSTALL_LINE = "pip install 'recruitwatch[dask]'"
# Rows per slice read from SQLite and written as one Parquet row group.
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


def export_parquet(db: Path, out: Path) -> dict[str, int]:
    """Write every exported table of the database at `db` under `out`; rows written per table.

    A table's folder is replaced month by month: a month exported before is overwritten."""
    try:
        import pyarrow as pa
        import pyarrow.dataset as ds
    except ImportError as exc:
        raise StoreError(f"Parquet export needs pyarrow; install it: {INSTALL_LINE}") from exc
    if not db.is_file():
        raise StoreError("no database here; ingest something first", source=str(db))
    open_sqlite(db).close()  # brought up to date, so every table below exists
    connection = connect_reader(db)
    counts: dict[str, int] = {}
    try:
        for export in _EXPORTS:
            columns = connection.execute(f"PRAGMA table_xinfo({export.table})").fetchall()
            # Hidden (FTS) columns are internal; generated ones (record_month) are kept.
            kept = [column for column in columns if column["hidden"] in (0, 2, 3)]
            schema = pa.schema(
                [(column["name"], _arrow_type(pa, column["type"])) for column in kept]
                + [("month", pa.string())]
            )
            select = ", ".join(f"{export.table}.{column['name']}" for column in kept)
            cursor = connection.execute(
                f"SELECT {select}, {export.month} AS month FROM {export.table}{export.joins}"
                f" ORDER BY month, {export.table}.rowid"
            )
            written = [0]
            ds.write_dataset(
                _batches(pa, schema, cursor, written),
                out / export.table,
                schema=schema,
                format="parquet",
                partitioning=ds.partitioning(pa.schema([("month", pa.string())]), flavor="hive"),
                existing_data_behavior="delete_matching",
            )
            counts[export.table] = written[0]
    except OSError as exc:
        raise StoreError(f"cannot write Parquet ({exc})", source=str(out)) from exc
    finally:
        connection.close()
    return counts


def _batches(pa: Any, schema: Any, cursor: Any, written: list[int]) -> Iterator[Any]:
    names = schema.names
    while rows := cursor.fetchmany(_SLICE):
        written[0] += len(rows)
        yield pa.RecordBatch.from_pylist(
            [dict(zip(names, row, strict=True)) for row in rows], schema
        )


def _arrow_type(pa: Any, declared: str) -> Any:
    declared = declared.upper()
    if "INT" in declared:
        return pa.int64()
    if "REAL" in declared:
        return pa.float64()
    return pa.string()
