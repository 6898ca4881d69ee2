"""Official exchange rates, offline: Bank of Russia (CBR) daily rates, ECB reference rates after.

The CBR rates come from a gzip CSV snapshot (`date,currency,rub_per_unit`, the date the rate took
effect): the one bundled in `normalise/data/`, or a newer one written by `recruitwatch rates
update`. Where CBR has no quote (INR, dates before the snapshot) the ECB rates bundled in the
`currencyconverter` package fill in, crossed through RUB or USD. A lookup for day D takes the
latest quote on or before D and never interpolates; every rate keeps its own date and source.
"""

from __future__ import annotations

import bisect
import csv
import gzip
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from recruitwatch.errors import RatesError
from recruitwatch.model import Conversion, Rate

if TYPE_CHECKING:
    from currency_converter import CurrencyConverter

CBR = "CBR"
ECB = "ECB"
BUNDLED_SNAPSHOT = "cbr_daily.csv.gz"
# CBR sets no rate for up to 13 days over the New Year holidays; a quote older than this means
# the snapshot has ended (run `recruitwatch rates update`), not that the bank was closed.
MAX_STALE_DAYS = 15
# Currencies CBR has never quoted but that are fixed to one it does: the Nepalese rupee has been
# pegged at 1.6 NPR per Indian rupee since 1993.
PEGS: dict[str, tuple[str, float]] = {"NPR": ("INR", 1 / 1.6)}


class NoRate(Exception):  # noqa: N818 - a result ("no rate, because ..."), not a failure
    """No official rate for a currency on a day; the message says why."""


@dataclass(frozen=True, slots=True)
class Quote:
    """One CBR quote: `rub_per_unit` roubles for one unit of `currency` from `day` on."""

    day: date
    currency: str
    rub_per_unit: float


def bundled_snapshot() -> Path:
    path = resources.files("recruitwatch") / "normalise" / "data" / BUNDLED_SNAPSHOT
    if not isinstance(path, Path):
        raise RatesError("the bundled rates snapshot is not on the file system (zipped install?)")
    return path


def snapshot_in_use(path: Path | None) -> Path:
    """The snapshot at `path` when it exists (written by `rates update`), else the bundled one,
    which every install has."""
    return path if path is not None and path.exists() else bundled_snapshot()


def read_snapshot(path: Path) -> list[Quote]:
    """The quotes in a gzip CSV snapshot; RatesError naming the file when it is not one."""
    try:
        with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
            return [
                Quote(date.fromisoformat(row["date"]), row["currency"], float(row["rub_per_unit"]))
                for row in csv.DictReader(handle)
            ]
    except (OSError, EOFError, KeyError, ValueError) as exc:
        raise RatesError(
            f"is not a rates snapshot (gzip CSV date,currency,rub_per_unit): {exc};"
            " delete it to fall back to the bundled one",
            source=str(path),
        ) from exc


def write_snapshot(path: Path, quotes: Iterable[Quote]) -> None:
    """Write quotes sorted by date and currency; the file is replaced only once complete."""
    rows = sorted(quotes, key=lambda quote: (quote.day, quote.currency))
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(("date", "currency", "rub_per_unit"))
    writer.writerows((q.day.isoformat(), q.currency, f"{q.rub_per_unit:.6f}") for q in rows)
    partial = path.with_name(path.name + ".partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # mtime=0: the same quotes give the same bytes, so a snapshot diff shows real changes.
        with gzip.GzipFile(partial, "wb", mtime=0) as handle:
            handle.write(text.getvalue().encode("utf-8"))
        partial.replace(path)
    except OSError as exc:
        raise RatesError(f"cannot write the rates snapshot ({exc})", source=str(path)) from exc


class RateTable:
    """As-of lookups over one snapshot of CBR quotes, with the ECB as second source."""

    def __init__(self, quotes: Iterable[Quote], *, origin: str = "") -> None:
        self.origin = origin
        series: dict[str, list[tuple[date, float]]] = {}
        for quote in quotes:
            series.setdefault(quote.currency, []).append((quote.day, quote.rub_per_unit))
        self._days: dict[str, list[date]] = {}
        self._values: dict[str, list[float]] = {}
        for currency, points in series.items():
            points.sort()
            self._days[currency] = [day for day, _ in points]
            self._values[currency] = [value for _, value in points]

    @classmethod
    def load(cls, path: Path | None = None) -> RateTable:
        chosen = snapshot_in_use(path)
        return cls(read_snapshot(chosen), origin=str(chosen))

    @property
    def currencies(self) -> list[str]:
        return sorted(self._days)

    def span(self) -> tuple[date, date] | None:
        """First and last CBR rate dates in the snapshot."""
        if not self._days:
            return None
        return min(days[0] for days in self._days.values()), max(
            days[-1] for days in self._days.values()
        )

    def convert(
        self, amount: float, amount_max: float | None, currency: str, target: str, day: date
    ) -> Conversion:
        """`amount` (and `amount_max`) in `target` at the official rate for `day`, or a
        Conversion with no amount and the reason."""
        try:
            rate = self.rate(currency, target, day)
        except NoRate as exc:
            return Conversion(currency=target, amount=None, reason=f"no rate: {exc}")
        high = amount_max * rate.value if amount_max is not None else None
        return Conversion(currency=target, amount=amount * rate.value, amount_max=high, rate=rate)

    def rate(self, currency: str, target: str, day: date) -> Rate:
        """Units of `target` per unit of `currency` on `day`, crossing through RUB."""
        currency, target = currency.upper(), target.upper()
        if currency == target:
            return Rate(1.0, day, "same currency")
        source = self.rub_per_unit(currency, day)
        into = self.rub_per_unit(target, day)
        sources = sorted({part for rate in (source, into) for part in rate.source.split("+")})
        sources = [name for name in sources if name != "RUB"]
        return Rate(source.value / into.value, min(source.date, into.date), "+".join(sources))

    def rub_per_unit(self, currency: str, day: date) -> Rate:
        """Roubles for one unit of `currency` on `day`; NoRate says why there is none."""
        if currency == "RUB":
            return Rate(1.0, day, "RUB")
        if currency in PEGS:
            anchor, factor = PEGS[currency]
            base = self.rub_per_unit(anchor, day)
            return Rate(base.value * factor, base.date, f"{base.source}+peg {currency}/{anchor}")
        cbr = self._cbr(currency, day)
        if cbr is not None:
            return cbr
        try:
            return self._ecb_rub_per_unit(currency, day)
        except NoRate as exc:
            raise NoRate(f"{self._cbr_coverage(currency)}; {exc}") from None

    def _cbr(self, currency: str, day: date) -> Rate | None:
        days = self._days.get(currency)
        if not days:
            return None
        index = bisect.bisect_right(days, day) - 1
        if index < 0 or (day - days[index]).days > MAX_STALE_DAYS:
            return None
        return Rate(self._values[currency][index], days[index], CBR)

    @cached_property
    def _ecb(self) -> _Ecb:
        return _Ecb()

    def _cbr_coverage(self, currency: str) -> str:
        days = self._days.get(currency)
        if not days:
            return f"the CBR snapshot has no {currency}"
        return (
            f"the CBR snapshot has {currency} from {days[0]} to {days[-1]}"
            " (`recruitwatch rates update` extends it)"
        )

    def _ecb_rub_per_unit(self, currency: str, day: date) -> Rate:
        ecb = self._ecb
        if currency not in ecb.currencies:
            raise NoRate(f"the ECB does not quote {currency} either")
        per_eur, on = ecb.per_eur(currency, day)
        try:
            rub_per_eur, rub_on = ecb.per_eur("RUB", day)
            return Rate(rub_per_eur / per_eur, min(on, rub_on), ECB)
        except NoRate:
            pass
        # The ECB stopped quoting RUB in March 2022: cross its rate with CBR's rouble per dollar.
        usd = self._cbr("USD", day)
        if usd is None:
            raise NoRate(f"and neither CBR nor the ECB has a rouble rate for {day}") from None
        usd_per_eur, usd_on = ecb.per_eur("USD", day)
        value = usd.value * usd_per_eur / per_eur
        return Rate(value, min(on, usd_on, usd.date), f"{CBR}+{ECB}")


class _Ecb:
    """The ECB history bundled with `currencyconverter`, loaded on first use (about 0.4 s)."""

    @cached_property
    def _converter(self) -> CurrencyConverter:
        from currency_converter import CurrencyConverter

        # Both fallbacks off: they interpolate or use the edge rate, and a guess is not a rate.
        return CurrencyConverter(fallback_on_missing_rate=False, fallback_on_wrong_date=False)

    @property
    def currencies(self) -> set[str]:
        return set(self._converter.currencies)

    def per_eur(self, currency: str, day: date) -> tuple[float, date]:
        """Units of `currency` per euro as of `day` (the latest fixing on or before it)."""
        from currency_converter import RateNotFoundError

        for back in range(MAX_STALE_DAYS + 1):
            on = day - timedelta(days=back)
            try:
                return float(self._converter.convert(1, "EUR", currency, date=on)), on
            except RateNotFoundError:
                continue
        raise NoRate(f"the ECB has no {currency} rate in the {MAX_STALE_DAYS} days up to {day}")
