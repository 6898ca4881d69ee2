"""Refreshing the rates snapshot from the Bank of Russia's XML API (`XML_dynamic.asp`).

One request per currency for the whole date range. The responses are windows-1251 XML:
`<ValCurs><Record Date="dd.mm.yyyy" Id="R01235"><Nominal>1</Nominal><Value>94,8075</Value>
</Record>...</ValCurs>`; `Date` is the day the rate takes effect and is stored unshifted.
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
from xml.etree.ElementTree import ParseError

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


def parse_dynamic(xml: bytes, currency: str) -> list[Quote]:
    """The quotes in one XML_dynamic.asp response (the XML declares its own encoding)."""
    try:
        root = fromstring(xml)
    except (ParseError, DefusedXmlException) as exc:
        raise RatesError(f"CBR sent XML that cannot be read: {exc}") from exc
    quotes = []
    for record in root.iter("Record"):
        try:
            day = datetime.strptime(record.get("Date", ""), "%d.%m.%Y").date()
            nominal = int(record.findtext("Nominal", ""))
            value = float(record.findtext("Value", "").replace(",", "."))
        except ValueError as exc:
            raise RatesError(f"CBR sent a {currency} record that is not a rate: {exc}") from exc
        quotes.append(Quote(day, currency, value / nominal))
    return quotes


def fetch_dynamic(currency: str, since: date, until: date, *, base_url: str = CBR_API) -> bytes:
    if currency not in CBR_IDS:
        known = ", ".join(sorted(CBR_IDS))
        raise RatesError(f"no CBR id known for {currency}; choose from {known}")
    query = urllib.parse.urlencode(
        {
            "date_req1": since.strftime("%d/%m/%Y"),
            "date_req2": until.strftime("%d/%m/%Y"),
            "VAL_NM_RQ": CBR_IDS[currency],
        }
    )
    url = urllib.parse.urljoin(base_url, f"XML_dynamic.asp?{query}")
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:
            body: bytes = response.read(MAX_RESPONSE_BYTES + 1)
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise RatesError(f"cannot fetch {currency} rates from {base_url}: {exc}") from exc
    if len(body) > MAX_RESPONSE_BYTES:
        raise RatesError(f"the {currency} response from {base_url} is larger than expected")
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
    added = [q for q in fetched if (q.day, q.currency) not in quotes]
    quotes.update({(q.day, q.currency): q for q in fetched})
    write_snapshot(path, quotes.values())
    logger.info("rates: %d new quotes written to %s", len(added), path)
    days = [q.day for q in fetched]
    return UpdateReport(path, len(added), min(days, default=None), max(days, default=None))
