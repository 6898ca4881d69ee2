"""Refreshing the rates snapshot from the Bank of Russia's XML API.

A date range: `XML_dynamic.asp`, one request per currency, answering
`<ValCurs><Record Date="dd.mm.yyyy" Id="R01235"><Nominal>1</Nominal><Value>94,8075</Value>
</Record>...</ValCurs>`. One day, every currency the bank quotes: `XML_daily.asp`, answering
`<ValCurs Date="dd.mm.yyyy"><Valute><CharCode>USD</CharCode><Nominal>1</Nominal><Value>...`,
where `Date` is the day of the rate in force (an earlier one on a holiday). Both are
windows-1251 XML; a `Date` is the day the rate takes effect and is stored unshifted.
"""

from __future__ import annotations

import logging
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from recruitwatch.errors import RatesError
from recruitwatch.normalise.rates import Quote, read_snapshot, snapshot_in_use, write_snapshot

logger = logging.getLogger(__name__)

CBR_API = "https://www.cbr.ru/scripts/"
# The bank's internal ids of the currencies we follow (from XML_val.asp?d=0). BYN's id is valid
# from its redenomination on 2016-07-01.
CBR_IDS: dict[str, str] = {
    "USD": "R01235",
    "EUR": "R01239",
    "CNY": "R01375",
    "KZT": "R01335",
    "UZS": "R01717",
    "KGS": "R01370",
    "TJS": "R01670",
    "AMD": "R01060",
    "BYN": "R01090B",
    "INR": "R01270",
}
# The API answers in well under a second; a minute means it is not answering.
TIMEOUT_SECONDS = 60.0
# A year of daily quotes for one currency is about 25 KB; this bounds a misbehaving server.
MAX_RESPONSE_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class UpdateReport:
    path: Path
    added: int
    first: date | None
    last: date | None


def _root(xml: bytes) -> Element:
    try:
        return fromstring(xml)  # the XML declares its own encoding (windows-1251)
    except (ParseError, DefusedXmlException) as exc:
        raise RatesError(f"CBR sent XML that cannot be read: {exc}") from exc


def _quote(day: str, currency: str, nominal: str | None, value: str | None) -> Quote:
    try:
        parsed = datetime.strptime(day, "%d.%m.%Y").date()
        return Quote(parsed, currency, float((value or "").replace(",", ".")) / int(nominal or ""))
    except (ValueError, ZeroDivisionError) as exc:
        raise RatesError(f"CBR sent a {currency} record that is not a rate: {exc}") from exc


def parse_dynamic(xml: bytes, currency: str) -> list[Quote]:
    """The quotes in one XML_dynamic.asp response."""
    return [
        _quote(r.get("Date", ""), currency, r.findtext("Nominal"), r.findtext("Value"))
        for r in _root(xml).iter("Record")
    ]


def parse_daily(xml: bytes) -> list[Quote]:
    """Every currency's quote in one XML_daily.asp response, dated by `ValCurs/@Date`."""
    root = _root(xml)
    return [
        _quote(root.get("Date", ""), code, v.findtext("Nominal"), v.findtext("Value"))
        for v in root.iter("Valute")
        if (code := (v.findtext("CharCode") or "").strip().upper())
    ]


def fetch_dynamic(currency: str, since: date, until: date, *, base_url: str = CBR_API) -> bytes:
    if currency not in CBR_IDS:
        known = ", ".join(sorted(CBR_IDS))
        raise RatesError(
            f"no CBR id known for {currency}; choose from {known}, or fetch one day of every"
            " currency with --day"
        )
    query = {
        "date_req1": since.strftime("%d/%m/%Y"),
        "date_req2": until.strftime("%d/%m/%Y"),
        "VAL_NM_RQ": CBR_IDS[currency],
    }
    return _fetch(base_url, "XML_dynamic.asp", query, f"{currency} rates")


def fetch_daily(day: date, *, base_url: str = CBR_API) -> bytes:
    query = {"date_req": day.strftime("%d/%m/%Y")}
    return _fetch(base_url, "XML_daily.asp", query, f"the rates of {day}")


def _fetch(base_url: str, endpoint: str, query: dict[str, str], what: str) -> bytes:
    url = urllib.parse.urljoin(base_url, f"{endpoint}?{urllib.parse.urlencode(query)}")
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:
            body: bytes = response.read(MAX_RESPONSE_BYTES + 1)
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise RatesError(f"cannot fetch {what} from {base_url}: {exc}") from exc
    if len(body) > MAX_RESPONSE_BYTES:
        raise RatesError(f"the response for {what} from {base_url} is larger than expected")
    return body


def update_rates(
    path: Path,
    *,
    until: date,
    since: date | None = None,
    currencies: Iterable[str] | None = None,
    base_url: str = CBR_API,
) -> UpdateReport:
    """Fetch CBR quotes from `since` (default: the day after the snapshot's last) to `until` and
    write the merged snapshot to `path`; nothing is written when a fetch fails."""
    quotes = {(q.day, q.currency): q for q in read_snapshot(snapshot_in_use(path))}
    known = sorted({currency for _, currency in quotes})
    chosen = sorted({c.upper() for c in currencies}) if currencies else known
    last = max((day for day, _ in quotes), default=None)
    start = since or (last + timedelta(days=1) if last else until)
    if start > until:
        return UpdateReport(path, 0, None, None)
    fetched: list[Quote] = []
    for currency in chosen:
        fetched += parse_dynamic(fetch_dynamic(currency, start, until, base_url=base_url), currency)
    return _merge(path, quotes, fetched)


def update_day(
    path: Path, day: date, *, currencies: Iterable[str] | None = None, base_url: str = CBR_API
) -> UpdateReport:
    """Add the rates in force on `day` for every currency CBR quotes (or only `currencies`),
    from one XML_daily.asp request: the way to add a currency with no id in CBR_IDS."""
    quotes = {(q.day, q.currency): q for q in read_snapshot(snapshot_in_use(path))}
    wanted = {c.upper() for c in currencies} if currencies else None
    fetched = [
        q
        for q in parse_daily(fetch_daily(day, base_url=base_url))
        if wanted is None or q.currency in wanted
    ]
    return _merge(path, quotes, fetched)


def _merge(path: Path, quotes: dict[tuple[date, str], Quote], fetched: list[Quote]) -> UpdateReport:
    added = [q for q in fetched if (q.day, q.currency) not in quotes]
    quotes.update({(q.day, q.currency): q for q in fetched})
    write_snapshot(path, quotes.values())
    logger.info("rates: %d new quotes written to %s", len(added), path)
    days = [q.day for q in fetched]
    return UpdateReport(path, len(added), min(days, default=None), max(days, default=None))
