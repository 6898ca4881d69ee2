"""The tracker's statements read from stored offers: dated signing bonuses for recruits at a
federal, regional, municipal or combined level (see `recruitwatch.levels`), with the URL and
outlet of their document."""

from __future__ import annotations

import re
from datetime import date

from recruitwatch.errors import QueryError
from recruitwatch.levels import PARTS, TRACKED_KIND, LevelStatement, key_region
from recruitwatch.store.browse import Reader
from recruitwatch.store.filters import OFFER_DATE, review_clause

_REGION_CODE = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,3}$")  # ISO 3166-2: RU-SAM, UA-43
_SELECT = (
    "SELECT offers.id, offers.document_id, offers.amount, offers.amount_max, offers.currency,"
    f" {OFFER_DATE} AS day, offers.previous, offers.payer_level, offers.payer_region,"
    " offers.evidence_text, documents.url, documents.site_name"
    " FROM offers JOIN documents ON documents.id = offers.document_id"
    " WHERE offers.kind = ? AND (offers.recipient IS NULL OR offers.recipient = 'recruit')"
    f" AND {OFFER_DATE} IS NOT NULL"
    # A level a reviewer rejected is no level.
    " AND (offers.review_status IS NULL OR offers.review_status <> 'rejected')"
)


def level_statements(
    reader: Reader, region: str | None = None, *, review: str | None = None
) -> list[LevelStatement]:
    """Every tracked statement; with `region` (ISO 3166-2), that region's and the federal ones
    (the federal part is every region's); with `review` (store.filters.REVIEW_FILTERS, e.g.
    "accepted"), only the statements so reviewed. Rejected ones never count. QueryError for a
    region that is no ISO code."""
    if region is not None and not _REGION_CODE.match(region):
        raise QueryError(f"region: {region!r} is not an ISO 3166-2 code like RU-SAM or UA-43")
    marks = ", ".join("?" * len(PARTS))
    sql = f"{_SELECT} AND offers.payer_level IN ({marks})"
    params: list[object] = [TRACKED_KIND, *PARTS]
    if region is not None:
        sql += " AND (offers.payer_level = 'federal' OR offers.payer_region = ?)"
        params.append(region)
    else:
        sql += " AND (offers.payer_level = 'federal' OR offers.payer_region IS NOT NULL)"
    reviewed = review_clause("offers.review_status", review)
    if reviewed is not None:
        sql += f" AND {reviewed[0]}"
        params.extend(reviewed[1])
    found: list[LevelStatement] = []
    for row in reader.select(sql + " ORDER BY offers.id", params):
        found.append(
            LevelStatement(
                region=key_region(row["payer_level"], row["payer_region"]),
                part=row["payer_level"],
                amount=float(row["amount"]),
                amount_max=row["amount_max"],
                currency=row["currency"],
                day=date.fromisoformat(str(row["day"])[:10]),
                document_id=row["document_id"],
                evidence=row["evidence_text"],
                previous=bool(row["previous"]),
                record=f"offer-{row['id']}",
                url=row["url"],
                outlet=row["site_name"],
            )
        )
    return found
