"""`recruitwatch export --gold DIR`: the reviewed documents as a gold corpus in the format of
the annotation guide (version 2): `docs/<id>.json` and `gold.jsonl`, which `recruitwatch eval
DIR` scores. A newsroom measures the extractor on its own sources.

A document is in when someone reviewed at least one of its records. Its gold records are the
confirmed and corrected ones, with the values the reviewer left (a correction's, where made);
rejected records are left out, and so are records nobody reviewed: gold holds only what a
person stands behind.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from recruitwatch.errors import StoreError
from recruitwatch.store.browse import Reader, open_reader

_ACCEPTED = "('confirmed', 'corrected')"
_OFFER_KEYS = (
    "kind",
    "amount",
    "amount_max",
    "currency",
    "usd_stated",
    "offered_by",
    "target",
    "region",
    "recipient",
    "payer_level",
    "payer_region",
    "target_origin",
    "target_country",
)
_FIGURE_KEYS = ("quantity", "quantity_max", "unit", "subject", "source", "category")


def write_gold(db: str | Path, out: Path) -> dict[str, int]:
    """Write the gold corpus of the reviewed documents into `out`; counts of what was written."""
    reader = open_reader(db)
    try:
        return _write(reader, out)
    finally:
        reader.close()


def _write(reader: Reader, out: Path) -> dict[str, int]:
    if "reviews" not in reader.tables():
        raise StoreError("this database has no reviews table; open it with recruitwatch first")
    doc_ids = [
        row["document_id"]
        for row in reader.select(
            "SELECT DISTINCT document_id FROM reviews"
            " WHERE offer_id IS NOT NULL OR figure_id IS NOT NULL ORDER BY document_id"
        )
    ]
    counts = {"documents": 0, "offers": 0, "figures": 0}
    try:
        (out / "docs").mkdir(parents=True, exist_ok=True)
        with (out / "gold.jsonl").open("w", encoding="utf-8") as gold:
            for doc_id in doc_ids:
                found = reader.select("SELECT * FROM documents WHERE id = ?", (doc_id,))
                if not found:
                    continue
                document = found[0]
                offers = _records(reader, "offers", doc_id, _OFFER_KEYS)
                for offer in offers:
                    offer["previous"] = bool(offer.pop("previous_flag"))
                figures = _records(reader, "figures", doc_id, _FIGURE_KEYS)
                _write_document(out / "docs", document)
                line = {"doc": doc_id, "offers": offers, "figures": figures}
                gold.write(json.dumps(line, ensure_ascii=False) + "\n")
                counts["documents"] += 1
                counts["offers"] += len(offers)
                counts["figures"] += len(figures)
    except OSError as exc:
        raise StoreError(f"cannot write the gold corpus ({exc})", source=str(out)) from exc
    return counts


def _records(reader: Reader, table: str, doc_id: str, keys: Iterable[str]) -> list[dict[str, Any]]:
    names = list(keys)
    extra = ", previous AS previous_flag" if table == "offers" else ""
    rows = reader.select(
        f"SELECT {', '.join(names)}, evidence_text{extra} FROM {table}"
        f" WHERE document_id = ? AND review_status IN {_ACCEPTED}"
        " ORDER BY evidence_start, id",
        (doc_id,),
    )
    found = []
    for row in rows:
        item = {name: row[name] for name in names}
        item["evidence"] = row["evidence_text"]
        if extra:
            item["previous_flag"] = row["previous_flag"]
        found.append(item)
    return found


def _write_document(folder: Path, row: Any) -> None:
    document = {
        "id": row["id"],
        "url": row["url"],
        "title": row["title"],
        "published": row["published"],
        "language": row["language"],
        "text": row["text"],
    }
    # Ids may hold slashes (folders) or other characters no file name takes.
    path = folder / f"{quote(row['id'], safe='')}.json"
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
