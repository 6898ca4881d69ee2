"""SQL for reviews: confirm, reject or correct one record, and attach a document's reviews to
its records again after re-extraction. Functions over a connection, called by the store inside
its own transactions (tables: schema.py, migration 17).

A review keeps what it was made on: the sentence (evidence text and span), the value's own
characters and the record's values as extracted (`machine`). A correction is the fields that
differ from those; the record row holds the corrected values, so every list, export and chart
reads them without a join. When re-extraction replaces a document's records, each review goes
to the new record with the same sentence, value characters and extracted value, and its
correction is laid over the new row again; a review that finds none is marked stale and kept.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from recruitwatch.accounts import Account
from recruitwatch.errors import ReviewError
from recruitwatch.model import (
    FIGURE_CATEGORIES,
    OFFER_KINDS,
    PAYER_LEVELS,
    RECIPIENTS,
    TARGET_ORIGINS,
    ReviewStatus,
)
from recruitwatch.store.accounts import audit, now
from recruitwatch.store.dbapi import Connection

RecordName = Literal["offer", "figure"]
Action = Literal["confirm", "reject", "correct"]
ACTIONS: tuple[Action, ...] = ("confirm", "reject", "correct")
# The fields a reviewer may correct, per record, in the order forms show them.
OFFER_FIELDS = (
    "kind",
    "amount",
    "amount_max",
    "currency",
    "recipient",
    "payer_level",
    "payer_region",
    "target_origin",
    "target_country",
    "previous",
)
FIGURE_FIELDS = ("quantity", "quantity_max", "unit", "category")
FIGURE_UNITS = ("people", "percent", "other")
# A reason is a sentence or two; the cap keeps one form from filling the audit log.
MAX_REASON = 1000
_TABLES: dict[RecordName, str] = {"offer": "offers", "figure": "figures"}
_PRIMARY: dict[RecordName, str] = {"offer": "amount", "figure": "quantity"}
_REGION_CODE = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,3}$")
_COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_CHUNK = 500  # document ids bound in one statement
_STALE_ACTOR = "recruitwatch (re-extraction)"


def fields_of(record: RecordName) -> tuple[str, ...]:
    return OFFER_FIELDS if record == "offer" else FIGURE_FIELDS


def review_record(
    connection: Connection,
    account: Account,
    record: RecordName,
    record_id: int,
    action: Action,
    *,
    reason: str | None = None,
    changes: Mapping[str, Any] | None = None,
) -> dict[str, Any] | None:
    """Confirm, reject (with a reason) or correct one record; None when there is no such
    record. Returns the record's values and review status after the action."""
    table = _TABLES[record]
    row = connection.execute(
        f"SELECT {table}.*, documents.text AS document_text FROM {table}"
        f" JOIN documents ON documents.id = {table}.document_id WHERE {table}.id = ?",
        (record_id,),
    ).fetchone()
    if row is None:
        return None
    reason = (reason or "").strip() or None
    if reason is not None and len(reason) > MAX_REASON:
        raise ReviewError(f"reason: at most {MAX_REASON} characters, got {len(reason)}")
    if action == "reject" and reason is None:
        raise ReviewError("reject: say why in a reason, so the next reader knows")
    key = f"{record}_id"
    existing = connection.execute(f"SELECT * FROM reviews WHERE {key} = ?", (record_id,)).fetchone()
    current = _values(record, row)
    machine = json.loads(existing["machine"]) if existing else current
    correction: dict[str, Any] = json.loads(existing["correction"] or "{}") if existing else {}
    if action == "correct":
        checked = check_changes(record, changes or {})
        if not checked:
            raise ReviewError("correct: change at least one field (or confirm the record)")
        correction = {
            name: value
            for name, value in {**correction, **checked}.items()
            if value != machine.get(name)
        }
    status: ReviewStatus = (
        "rejected" if action == "reject" else "corrected" if correction else "confirmed"
    )
    wanted = {**machine, **correction}
    _apply(connection, record, record_id, row, current, wanted, status)
    stamp = now()
    stored_correction = json.dumps(correction, sort_keys=True) if correction else None
    if existing:
        connection.execute(
            "UPDATE reviews SET status = ?, correction = ?, reason = ?, stale = 0,"
            " reviewer = ?, reviewed_at = ? WHERE id = ?",
            (status, stored_correction, reason, account.name, stamp, existing["id"]),
        )
    else:
        text = row["document_text"]
        connection.execute(
            f"INSERT INTO reviews (document_id, record, {key}, evidence_start, evidence_end,"
            " evidence_text, value_text, machine, status, correction, reason, reviewer,"
            " reviewed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                row["document_id"],
                record,
                record_id,
                row["evidence_start"],
                row["evidence_end"],
                row["evidence_text"],
                text[row["value_start"] : row["value_end"]],
                json.dumps(machine, sort_keys=True),
                status,
                stored_correction,
                reason,
                account.name,
                stamp,
            ),
        )
    before = {**current, "review": row["review_status"]}
    after = {**wanted, "review": status}
    audit(
        connection,
        account.name,
        f"{action} {record}",
        document_id=row["document_id"],
        record=record,
        record_id=record_id,
        before=before,
        after=after,
        reason=reason,
    )
    return after


def check_changes(record: RecordName, changes: Mapping[str, Any]) -> dict[str, Any]:
    """Corrected values checked against the guide's vocabularies and codes; an empty text
    means null. A field that cannot be corrected, or a value out of place, is a ReviewError
    naming it."""
    allowed = fields_of(record)
    checked: dict[str, Any] = {}
    for name, raw in changes.items():
        if name not in allowed:
            raise ReviewError(
                f"{name}: not a field of a {record} one can correct; one of {', '.join(allowed)}"
            )
        value = raw.strip() if isinstance(raw, str) else raw
        checked[name] = _check_value(name, None if value == "" else value)
    return checked


def _check_value(name: str, value: Any) -> Any:
    if name in ("amount", "quantity", "amount_max", "quantity_max"):
        if value is None:
            if name in ("amount", "quantity"):
                raise ReviewError(f"{name}: a number is needed")
            return None
        try:
            number = float(str(value).replace(",", "").replace(" ", ""))
        except ValueError as exc:
            raise ReviewError(f"{name}: {value!r} is not a number") from exc
        if not math.isfinite(number) or number < 0 or number > 1e15:
            raise ReviewError(f"{name}: {value!r} is not an amount between 0 and 10^15")
        return number
    if name == "previous":
        if isinstance(value, bool):
            return value
        return str(value).lower() in ("1", "true", "yes", "on")
    vocabularies: dict[str, tuple[str, ...]] = {
        "kind": OFFER_KINDS,
        "recipient": RECIPIENTS,
        "payer_level": PAYER_LEVELS,
        "target_origin": TARGET_ORIGINS,
        "category": FIGURE_CATEGORIES,
        "unit": FIGURE_UNITS,
    }
    if value is None:
        if name in ("kind", "unit", "currency"):
            raise ReviewError(f"{name}: a value is needed")
        return None
    if not isinstance(value, str):
        raise ReviewError(f"{name}: {value!r} is not a text value")
    if name in vocabularies:
        if value not in vocabularies[name]:
            raise ReviewError(f"{name}: {value!r} is not one of {', '.join(vocabularies[name])}")
        return value
    codes = {
        "currency": (_CURRENCY, "an ISO 4217 code like RUB"),
        "payer_region": (_REGION_CODE, "an ISO 3166-2 code like RU-TA"),
        "target_country": (_COUNTRY_CODE, "an ISO 3166-1 code like KZ"),
    }
    pattern, like = codes[name]
    upper = value.upper()
    if not pattern.match(upper):
        raise ReviewError(f"{name}: {value!r} is not {like}")
    return upper


def reattach(connection: Connection, doc_ids: Sequence[str]) -> None:
    """After a document's records were written again: each review without a record goes to
    the new record it was made on, or is marked stale."""
    loose: dict[str, list[Any]] = {}
    # One query per chunk of documents, not per document: a batch writes thousands at once
    # and almost none of them has a review.
    for start in range(0, len(doc_ids), _CHUNK):
        chunk = list(doc_ids[start : start + _CHUNK])
        marks = ", ".join("?" * len(chunk))
        for row in connection.execute(
            f"SELECT * FROM reviews WHERE document_id IN ({marks}) AND offer_id IS NULL"
            " AND figure_id IS NULL ORDER BY id",
            chunk,
        ).fetchall():
            loose.setdefault(row["document_id"], []).append(row)
    for doc_id, found in loose.items():
        document = connection.execute("SELECT text FROM documents WHERE id = ?", (doc_id,))
        stored = document.fetchone()
        text = stored["text"] if stored else ""
        for review in found:
            _reattach_one(connection, review, text)


def _reattach_one(connection: Connection, review: Any, text: str) -> None:
    record: RecordName = "offer" if review["record"] == "offer" else "figure"
    table, key = _TABLES[record], f"{record}_id"
    machine = json.loads(review["machine"])
    candidates = connection.execute(
        f"SELECT * FROM {table} WHERE document_id = ? AND evidence_text = ?"
        f" AND NOT EXISTS (SELECT 1 FROM reviews WHERE reviews.{key} = {table}.id)"
        f" ORDER BY abs(evidence_start - ?), id",
        (review["document_id"], review["evidence_text"], review["evidence_start"]),
    ).fetchall()
    primary = _PRIMARY[record]
    match = next(
        (
            row
            for row in candidates
            if text[row["value_start"] : row["value_end"]] == review["value_text"]
            and row[primary] == machine.get(primary)
        ),
        None,
    )
    if match is None:
        if not review["stale"]:
            connection.execute("UPDATE reviews SET stale = 1 WHERE id = ?", (review["id"],))
            audit(
                connection,
                _STALE_ACTOR,
                f"stale {record}",
                document_id=review["document_id"],
                record=record,
                before={**machine, "review": review["status"]},
                reason="the sentence or value it was made on is no longer extracted",
            )
        return
    extracted = _values(record, match)
    correction = json.loads(review["correction"] or "{}")
    connection.execute(
        f"UPDATE reviews SET {key} = ?, stale = 0, evidence_start = ?, evidence_end = ?,"
        " machine = ? WHERE id = ?",
        (
            match["id"],
            match["evidence_start"],
            match["evidence_end"],
            json.dumps(extracted, sort_keys=True),
            review["id"],
        ),
    )
    wanted = {**extracted, **correction}
    _apply(connection, record, match["id"], match, extracted, wanted, review["status"])


def _values(record: RecordName, row: Any) -> dict[str, Any]:
    found = {name: row[name] for name in fields_of(record)}
    if record == "offer":
        found["previous"] = bool(found["previous"])
    return found


def _apply(
    connection: Connection,
    record: RecordName,
    record_id: int,
    row: Any,
    current: dict[str, Any],
    wanted: dict[str, Any],
    status: str,
) -> None:
    """Write the wanted values and status on the record row; an offer whose amount or
    currency changed has its USD and RUB amounts worked out again."""
    table = _TABLES[record]
    names = fields_of(record)
    values = [int(wanted[n]) if n == "previous" else wanted[n] for n in names]
    assignments = ", ".join(f"{name} = ?" for name in names)
    connection.execute(
        f"UPDATE {table} SET {assignments}, review_status = ? WHERE id = ?",
        (*values, status, record_id),
    )
    money = ("amount", "amount_max", "currency")
    if record == "offer" and any(current[name] != wanted[name] for name in money):
        _convert_again(connection, record_id, row, current, wanted)


def _convert_again(
    connection: Connection,
    offer_id: int,
    row: Any,
    current: dict[str, Any],
    wanted: dict[str, Any],
) -> None:
    """The official conversions follow a corrected amount at the rate they used; a changed
    currency has none (they were for the old one)."""
    same_currency = current["currency"] == wanted["currency"] and current["amount"]
    converted: dict[str, float | None] = {}
    for conversion in connection.execute(
        "SELECT currency, amount FROM conversions WHERE offer_id = ?", (offer_id,)
    ).fetchall():
        if same_currency and conversion["amount"] is not None:
            ratio = conversion["amount"] / current["amount"]
            high = wanted["amount_max"]
            connection.execute(
                "UPDATE conversions SET amount = ?, amount_max = ?"
                " WHERE offer_id = ? AND currency = ?",
                (
                    wanted["amount"] * ratio,
                    high * ratio if high is not None else None,
                    offer_id,
                    conversion["currency"],
                ),
            )
            converted[conversion["currency"]] = wanted["amount"] * ratio
        elif not same_currency:
            connection.execute(
                "UPDATE conversions SET amount = NULL, amount_max = NULL, reason = ?"
                " WHERE offer_id = ? AND currency = ?",
                (
                    "not converted: a reviewer changed the currency",
                    offer_id,
                    conversion["currency"],
                ),
            )
    currency, amount = wanted["currency"], wanted["amount"]
    usd = amount if currency == "USD" else converted.get("USD", row["usd_stated"])
    rub = amount if currency == "RUB" else converted.get("RUB")
    connection.execute("UPDATE offers SET usd = ?, rub = ? WHERE id = ?", (usd, rub, offer_id))


def document_reviews(connection: Connection, doc_id: str) -> list[dict[str, Any]]:
    """Every review of a document, stale ones included, in the order made."""
    found = connection.execute(
        "SELECT * FROM reviews WHERE document_id = ? ORDER BY id", (doc_id,)
    ).fetchall()
    return [review_item(row) for row in found]


def review_item(row: Any) -> dict[str, Any]:
    return {
        "id": row["id"],
        "document_id": row["document_id"],
        "record": row["record"],
        "record_id": row["offer_id"] if row["record"] == "offer" else row["figure_id"],
        "status": row["status"],
        "stale": bool(row["stale"]),
        "correction": json.loads(row["correction"]) if row["correction"] else None,
        "reason": row["reason"],
        "reviewer": row["reviewer"],
        "reviewed_at": row["reviewed_at"],
        "evidence": {
            "start": row["evidence_start"],
            "end": row["evidence_end"],
            "text": row["evidence_text"],
            "value": row["value_text"],
        },
        "machine": json.loads(row["machine"]),
    }
