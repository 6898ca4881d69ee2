"""Atom feeds, so a feed reader can follow a filter: `/feeds/offers.atom?payer_region=RU-TA`.

A feed takes the filters of `/api/offers` (not its sort or pages) and holds the newest offers
by record date, at most `FEED_ENTRIES`. Each entry links to its evidence on the document page
and names amount, kind, payer and region in its title. The XML is built with ElementTree, which
escapes every stored value; the root carries the Atom namespace as its default.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import quote, urlencode
from xml.etree import ElementTree

from fastapi import APIRouter, Depends, Request, Response

from recruitwatch import __version__
from recruitwatch.levels import Change, changes
from recruitwatch.serve import params
from recruitwatch.serve.deps import read_access, reader
from recruitwatch.serve.regions import PART_NAMES, names
from recruitwatch.serve.web import document_url, number, web_url
from recruitwatch.store.browse import Reader
from recruitwatch.store.derived import CLAIMS
from recruitwatch.store.filters import ClaimFilters, OfferFilters
from recruitwatch.store.levels import level_statements

ATOM = "http://www.w3.org/2005/Atom"
MEDIA_TYPE = "application/atom+xml; charset=utf-8"
# Enough for a reader polling daily; older entries stay in the API and the exports.
FEED_ENTRIES = 100
# A claims feed without min_sources holds claims confirmed by this many independent sources.
CONFIRMED_SOURCES = 2

router = APIRouter(prefix="/feeds", include_in_schema=False)
Read = Annotated[Reader, Depends(reader)]
_FILTERS = params.OFFER_PARAMS - {"sort", "limit", "cursor"}
_CLAIM_FILTERS = params.CLAIM_PARAMS - {"sort", "limit", "cursor"}


@router.get("/offers.atom", dependencies=[Depends(read_access), Depends(params.only(_FILTERS))])
def offers_feed(
    request: Request,
    db: Read,
    filters: Annotated[OfferFilters, Depends(params.offer_filters)],
) -> Response:
    """The newest offers matching the filters, as Atom."""
    offers = db.offers(filters, sort="-date", limit=FEED_ENTRIES).items
    documents = _documents(db, sorted({item["document_id"] for item in offers}))
    base = str(request.base_url).rstrip("/")
    query = urlencode(filters.query_params())
    entries = [_offer_entry(base, item, documents.get(item["document_id"], {})) for item in offers]
    feed = _feed(
        feed_id=f"{base}/feeds/offers.atom" + (f"?{query}" if query else ""),
        title="recruitwatch offers" + (f" ({_described(filters)})" if query else ""),
        page=f"{base}/offers" + (f"?{query}" if query else ""),
        entries=entries,
    )
    return Response(_xml(feed), media_type=MEDIA_TYPE)


@router.get(
    "/claims.atom", dependencies=[Depends(read_access), Depends(params.only(_CLAIM_FILTERS))]
)
def claims_feed(
    request: Request,
    db: Read,
    filters: Annotated[ClaimFilters, Depends(params.claim_filters)],
) -> Response:
    """The claims with the latest statements among those matching the filters and made by at
    least two independent sources (or `min_sources`), as Atom."""
    if filters.min_sources is None:
        filters = replace(filters, min_sources=CONFIRMED_SOURCES)
    claims = (
        db.claims(filters, sort="-last", limit=FEED_ENTRIES).items if CLAIMS in db.tables() else []
    )
    base = str(request.base_url).rstrip("/")
    query = urlencode(filters.query_params())
    feed = _feed(
        feed_id=f"{base}/feeds/claims.atom?{query}",
        title=f"recruitwatch claims ({_described(filters)})",
        page=f"{base}/claims?{query}",
        entries=[_claim_entry(base, claim) for claim in claims],
    )
    return Response(_xml(feed), media_type=MEDIA_TYPE)


@router.get(
    "/changes.atom",
    dependencies=[Depends(read_access), Depends(params.only({"region", "since"}))],
)
def changes_feed(
    request: Request,
    db: Read,
    region: params.RegionCode = None,
    since: params.Since = None,
) -> Response:
    """The newest raises and cuts of signing payments, of one region (and the federal part)
    with `region`, as Atom."""
    found = changes(level_statements(db, region), since=since)[:FEED_ENTRIES]
    base = str(request.base_url).rstrip("/")
    query = urlencode(
        {key: str(value) for key, value in (("region", region), ("since", since)) if value}
    )
    labels = names()
    described = labels.get(region, region) if region else "all regions"
    feed = _feed(
        feed_id=f"{base}/feeds/changes.atom" + (f"?{query}" if query else ""),
        title=f"recruitwatch: changes of signing payments ({described})",
        page=f"{base}/regions/{region}" if region else f"{base}/changes",
        entries=[_change_entry(base, change, labels) for change in found],
    )
    return Response(_xml(feed), media_type=MEDIA_TYPE)


def _change_entry(base: str, change: Change, labels: dict[str, str]) -> ElementTree.Element:
    entry = ElementTree.Element("entry")
    where = "/".join(quote(part, safe="") for part in (change.region, change.part))
    amounts = f"{change.before.amount:g}-{change.after.amount:g}"
    _text(entry, "id", f"tag:recruitwatch,2024:change/{where}/{change.day.isoformat()}/{amounts}")
    region = labels.get(change.region, change.region)
    _text(entry, "title", f"{region}, {PART_NAMES[change.part]}: {change.describe()}")
    _text(entry, "updated", _day(change.day.isoformat()))
    _text(entry, "published", _day(change.day.isoformat()))
    page = f"{base}/regions/{change.region}" if change.region != "RU" else f"{base}/changes"
    ElementTree.SubElement(entry, "link", rel="alternate", href=page)
    for statement in (change.old_source, change.new_source):
        href = base + document_url(statement.document_id, statement.record)
        ElementTree.SubElement(entry, "link", rel="related", href=href)
    old, new = change.old_source, change.new_source
    _text(
        entry,
        "summary",
        f"Before ({old.day.isoformat()}, {old.document_id}): “{old.evidence}” —"
        f" after ({new.day.isoformat()}, {new.document_id}): “{new.evidence}”",
    )
    return entry


def _claim_entry(base: str, claim: dict[str, Any]) -> ElementTree.Element:
    page = f"{base}/claims/{claim['id']}"
    entry = ElementTree.Element("entry")
    # Claims are renumbered by every relink: the id is what the claim states.
    stated = "/".join(
        quote(str(claim[key] or ""), safe="") for key in ("record", "kind", "unit", "value", "who")
    )
    _text(entry, "id", f"tag:recruitwatch,2024:claim/{stated}/{claim['first'] or ''}")
    kind = str(claim["kind"]).replace("_", " ").capitalize()
    who = claim["who"] or "not named"
    _text(
        entry,
        "title",
        f"{kind}: {number(claim['value'])} {claim['unit']} · {who}"
        f" · {claim['independent_sources']} independent sources",
    )
    _text(entry, "updated", _day(claim["last"] or claim["first"]))
    if claim["first"]:
        _text(entry, "published", _day(claim["first"]))
    ElementTree.SubElement(entry, "link", rel="alternate", href=page)
    about = f" about {claim['about']}" if claim["about"] else ""
    _text(
        entry,
        "summary",
        f"Stated{about} by {claim['sources']} documents ({claim['independent_sources']}"
        f" independent), from {claim['first'] or '?'} to {claim['last'] or '?'}.",
    )
    return entry


def _documents(db: Reader, ids: list[str]) -> dict[str, dict[str, Any]]:
    if not ids:
        return {}
    marks = ", ".join("?" * len(ids))
    rows = db.select(
        "SELECT id, url, title, site_name, published, ingested_at FROM documents"
        f" WHERE id IN ({marks})",
        ids,
    )
    return {row["id"]: dict(row) for row in rows}


def _described(filters: OfferFilters | ClaimFilters) -> str:
    return ", ".join(f"{name} {value}" for name, value in filters.query_params().items())


def _offer_entry(base: str, offer: dict[str, Any], document: dict[str, Any]) -> ElementTree.Element:
    record = f"offer-{offer['id']}"
    evidence = base + document_url(offer["document_id"], record)
    entry = ElementTree.Element("entry")
    _text(entry, "id", entry_id(offer))
    _text(entry, "title", offer_title(offer))
    _text(entry, "updated", _timestamp(document.get("ingested_at")) or _day(offer["record_date"]))
    if offer["record_date"]:
        _text(entry, "published", _day(offer["record_date"]))
    ElementTree.SubElement(entry, "link", rel="alternate", href=evidence)
    source = web_url(document.get("url"))
    if source:
        ElementTree.SubElement(entry, "link", rel="related", href=source)
    outlet = " · ".join(
        str(part) for part in (document.get("site_name"), document.get("title")) if part
    )
    summary = f"“{offer['evidence']['text']}”" + (f" ({outlet})" if outlet else "")
    _text(entry, "summary", summary)
    return entry


def entry_id(offer: dict[str, Any]) -> str:
    """An id that holds whatever host serves the feed and however often records are relinked:
    the document, the amount's characters and the kind."""
    evidence = offer["evidence"]
    where = (
        f"{quote(offer['document_id'], safe='')}/{evidence['value_start']}-{evidence['value_end']}"
    )
    return f"tag:recruitwatch,2024:offer/{where}/{offer['kind']}"


def offer_title(offer: dict[str, Any]) -> str:
    """'Signing bonus: 1,000,000 RUB · Tatarstan government (regional) · RU-TA'."""
    amount = f"{number(offer['amount'], offer['amount_max'])} {offer['currency'] or ''}".strip()
    kind = str(offer["kind"]).replace("_", " ").capitalize()
    payer = offer["offered_by"] or "payer not named"
    if offer["payer_level"]:
        payer += f" ({offer['payer_level']})"
    region = offer["payer_region"] or offer["region"] or "region not named"
    previous = " (former level)" if offer["previous"] else ""
    return f"{kind}: {amount}{previous} · {payer} · {region}"


def _feed(
    *, feed_id: str, title: str, page: str, entries: list[ElementTree.Element]
) -> ElementTree.Element:
    feed = ElementTree.Element("feed", xmlns=ATOM)
    _text(feed, "id", feed_id)
    _text(feed, "title", title)
    # The newest entry's time, so an unchanged feed keeps its `updated`.
    updated = max((entry.findtext("updated") or "" for entry in entries), default="")
    _text(feed, "updated", updated or datetime.now(UTC).isoformat(timespec="seconds"))
    author = ElementTree.SubElement(feed, "author")
    _text(author, "name", "recruitwatch")
    ElementTree.SubElement(feed, "link", rel="self", href=feed_id)
    ElementTree.SubElement(feed, "link", rel="alternate", href=page)
    generator = _text(feed, "generator", "recruitwatch")
    generator.set("version", __version__)
    feed.extend(entries)
    return feed


def _text(parent: ElementTree.Element, name: str, value: str) -> ElementTree.Element:
    element = ElementTree.SubElement(parent, name)
    element.text = value
    return element


def _day(value: str | None) -> str:
    return f"{value[:10]}T00:00:00Z" if value else "1970-01-01T00:00:00Z"


def _timestamp(value: str | None) -> str | None:
    """`value` as an RFC 3339 time with its zone (stored times are UTC)."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.isoformat(timespec="seconds")


def _xml(feed: ElementTree.Element) -> bytes:
    body: bytes = ElementTree.tostring(feed, encoding="utf-8", xml_declaration=True)
    return body
