"""The regional bonus tracker: signing-payment levels per region and part over time, and their
changes. Pure: statements in, levels and changes out; the store, the pages, the CLI and the
evaluation all build their tables here, so they agree.

A *statement* is one signing bonus for a recruit whose payer level is federal, regional,
municipal or combined (the total of several levels), with a date. Its *key* is (region, part):
the payer's ISO 3166-2 region for the regional, municipal and combined parts, `RU` for the
federal part, which is one level for every region.

Per key, the dated statements in date order fall into *levels*: runs of statements giving the
same amount. A statement the text gives as a replaced level (`previous`: "up from 3.6 million")
counts the day before its own date, so the level it names ends where the new one begins. Two
consecutive levels that differ are a *change* (a raise or a cut), dated by the first statement
of the new level, and sourced by the last statement of the old one and that first one.

The *latest* level of a key is the one of its most recent day with a current (not previous)
statement; on a day that gives several amounts, the one stated most often, then the largest.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise
from typing import Literal

FEDERAL_REGION = "RU"  # the key's region for the federal part: it applies in every region
PARTS: tuple[str, ...] = ("federal", "regional", "municipal", "combined")
# The parts a region's own money comes in; `combined` is a stated total of several.
REGIONAL_PARTS: tuple[str, ...] = ("regional", "municipal")
TRACKED_KIND = "signing_bonus"
TRACKED_RECIPIENTS = (None, "recruit")
# Two amounts within this share of each other are one level (a conversion, a rounding).
SAME_LEVEL = 0.005

Direction = Literal["raise", "cut", "change"]


@dataclass(frozen=True, slots=True)
class LevelStatement:
    """One dated statement of a level; `record` names the stored offer ("offer-12"), if any."""

    region: str
    part: str
    amount: float
    currency: str
    day: date
    document_id: str
    evidence: str
    previous: bool = False
    amount_max: float | None = None
    record: str | None = None
    url: str | None = None
    outlet: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.region, self.part)

    @property
    def effective_day(self) -> date:
        """The day the statement speaks for: a replaced level held until the day before."""
        return self.day - timedelta(days=1) if self.previous else self.day


@dataclass(frozen=True, slots=True)
class Level:
    """A run of statements giving one amount: from the first's day to the last's."""

    region: str
    part: str
    amount: float
    currency: str
    statements: tuple[LevelStatement, ...]

    @property
    def first(self) -> date:
        return self.statements[0].effective_day

    @property
    def last(self) -> date:
        return self.statements[-1].effective_day

    @property
    def only_previous(self) -> bool:
        """Known only as a replaced level: no statement gives it as current."""
        return all(statement.previous for statement in self.statements)


@dataclass(frozen=True, slots=True)
class Change:
    region: str
    part: str
    direction: Direction
    before: Level
    after: Level
    day: date  # the first day of the new level
    old_source: LevelStatement  # the last statement of the old level
    new_source: LevelStatement  # the first statement of the new level

    def describe(self) -> str:
        """'cut from 3.6 million to 2.1 million RUB on 23 February 2025'."""
        verb = {"raise": "raised", "cut": "cut", "change": "changed"}[self.direction]
        old = amount_words(self.before.amount, self.before.currency)
        new = amount_words(self.after.amount, self.after.currency)
        return f"{verb} from {old} to {new} on {self.day.day} {self.day:%B %Y}"


def is_tracked(
    kind: str, recipient: str | None, payer_level: str | None, payer_region: str | None
) -> bool:
    """Whether an offer is a signing bonus for a recruit at a level the tracker follows."""
    if kind != TRACKED_KIND or recipient not in TRACKED_RECIPIENTS:
        return False
    if payer_level == "federal":
        return True
    return payer_level in PARTS and bool(payer_region)


def key_region(payer_level: str, payer_region: str | None) -> str:
    """The region a tracked offer counts for: its payer's, or `RU` for federal money."""
    return FEDERAL_REGION if payer_level == "federal" else str(payer_region)


def levels(statements: Iterable[LevelStatement]) -> dict[tuple[str, str], list[Level]]:
    """Per (region, part), its levels in date order."""
    by_key: dict[tuple[str, str], list[LevelStatement]] = {}
    for statement in statements:
        by_key.setdefault(statement.key, []).append(statement)
    found: dict[tuple[str, str], list[Level]] = {}
    for key, stated in sorted(by_key.items()):
        ordered = sorted(stated, key=_order)
        runs: list[list[LevelStatement]] = []
        for statement in ordered:
            if runs and _same(runs[-1][0], statement):
                runs[-1].append(statement)
            else:
                runs.append([statement])
        found[key] = [
            Level(key[0], key[1], run[0].amount, run[0].currency, tuple(run)) for run in runs
        ]
    return found


def latest(statements: Iterable[LevelStatement]) -> dict[tuple[str, str], LevelStatement]:
    """Per (region, part), the statement that gives its current level (see the module doc)."""
    newest: dict[tuple[str, str], list[LevelStatement]] = {}
    for statement in statements:
        if statement.previous:
            continue
        held = newest.get(statement.key)
        if held is None or statement.day > held[0].day:
            newest[statement.key] = [statement]
        elif statement.day == held[0].day:
            held.append(statement)
    return {key: _prevailing(day) for key, day in sorted(newest.items())}


def changes(statements: Iterable[LevelStatement], *, since: date | None = None) -> list[Change]:
    """Every raise and cut (and change of currency), newest first; `since` keeps those from
    that day on."""
    found: list[Change] = []
    for runs in levels(statements).values():
        for before, after in pairwise(runs):
            change = _change(before, after)
            if since is None or change.day >= since:
                found.append(change)
    found.sort(key=lambda change: (change.day, change.region, change.part), reverse=True)
    return found


def agreement(
    expected: Mapping[tuple[str, str], LevelStatement],
    found: Mapping[tuple[str, str], LevelStatement],
) -> tuple[int, int, list[tuple[str, str]]]:
    """How many (region, part) keys of either table give the same latest level in both, out
    of all keys, and the keys that differ (missing on one side or another amount)."""
    keys = sorted(set(expected) | set(found))
    differ = [
        key
        for key in keys
        if key not in expected or key not in found or not _same(expected[key], found[key])
    ]
    return len(keys) - len(differ), len(keys), differ


def amount_words(amount: float, currency: str) -> str:
    """'3.6 million RUB', '400,000 RUB'."""
    if abs(amount) >= 1_000_000:
        return f"{amount / 1_000_000:.3g} million {currency}"
    return f"{amount:,.0f} {currency}"


def _order(statement: LevelStatement) -> tuple[date, bool, str, str]:
    return (
        statement.effective_day,
        not statement.previous,
        statement.document_id,
        statement.record or "",
    )


def _same(one: LevelStatement, other: LevelStatement) -> bool:
    if one.currency != other.currency:
        return False
    largest = max(abs(one.amount), abs(other.amount))
    return abs(one.amount - other.amount) <= SAME_LEVEL * largest


def _prevailing(day: Sequence[LevelStatement]) -> LevelStatement:
    """Of one day's statements, one giving the amount stated most often, then the largest."""
    counts = Counter((statement.currency, round(statement.amount)) for statement in day)
    return max(
        day,
        key=lambda s: (counts[(s.currency, round(s.amount))], s.amount, s.document_id),
    )


def _change(before: Level, after: Level) -> Change:
    direction: Direction = "change"
    if before.currency == after.currency:
        direction = "raise" if after.amount > before.amount else "cut"
    new_source = next((s for s in after.statements if not s.previous), after.statements[0])
    return Change(
        region=after.region,
        part=after.part,
        direction=direction,
        before=before,
        after=after,
        day=new_source.day,
        old_source=before.statements[-1],
        new_source=new_source,
    )
