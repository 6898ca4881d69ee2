"""Claims: one thing stated by several documents; conflicts: claims that cannot both be true.

Statements of the same record type, kind and unit join one claim when their values are within
1%, their payers (or figure sources) and targets (or subjects) are compatible, and their dates
are within a window. Sources are counted once per rewrite cluster, so ten copies of one story
are one independent source.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from recruitwatch.model import Claim, Conflict, Statement
from recruitwatch.settings import DEFAULT_CLAIM_WINDOW_DAYS

# "495,000 rubles" and "$5,200 (495k)" round differently; 1% is rounding, not a new figure.
VALUE_TOLERANCE = 0.01
# Words that name the federal military under many spellings: "the Russian army", "the Ministry
# of Defence", "the defense ministry" are one payer.
_MILITARY = frozenset({"military", "army", "defence", "defense", "ministry", "armed", "forces"})
_IGNORED = frozenset({"the", "of", "a", "an", "s"})
# Subjects that name no particular group: two counts of "people" are not about the same thing.
_GENERIC = frozenset({"people", "men", "women", "persons", "population", "citizens", "residents"})
_WORD = re.compile(r"\w+")


@lru_cache(maxsize=65_536)
def party(name: str | None) -> frozenset[str] | None:
    """A payer, target or subject as a set of words, military synonyms folded to one."""
    if not name:
        return None
    words = {word for word in _WORD.findall(name.casefold()) if word not in _IGNORED}
    return frozenset("military" if word in _MILITARY else word for word in words) or None


def compatible(first: str | None, second: str | None) -> bool:
    """Unknown is compatible with anything; known names when one's words hold the other's."""
    a, b = party(first), party(second)
    return a is None or b is None or a <= b or b <= a


def close(first: float, second: float) -> bool:
    """Within 1% of each other: one value, rounded differently."""
    return abs(first - second) <= VALUE_TOLERANCE * max(abs(first), abs(second))


def _within(first: date | None, second: date | None, days: int) -> bool:
    if first is None or second is None:
        return first is None and second is None
    return abs((first - second).days) <= days


@dataclass(slots=True)
class _Open:
    first: Statement
    members: list[Statement] = field(default_factory=list)


def claim_order(statement: Statement) -> tuple[str, str, str, float, date, str]:
    """The order statements are grouped in: by partition, value, date, document."""
    s = statement
    return (s.record, s.kind, s.unit, s.value, s.when or date.min, s.doc_id)


class Grouper:
    """Statements grouped into claims one at a time, in `claim_order`. A grouper may start
    from the groups still open at some value (`open_groups`: each group's members so far,
    groups in the order they were opened), so a run of values can be grouped again from there
    alone: a group stays open only while statements come within 1% of its first value."""

    def __init__(self, window_days: int, open_groups: Sequence[Sequence[Statement]] = ()) -> None:
        self.window_days = window_days
        self.groups = [_Open(members[0], list(members)) for members in open_groups]
        self._active = list(self.groups)

    def add(self, statement: Statement) -> None:
        key = (statement.record, statement.kind, statement.unit)
        # Sorted by value: a group whose first value is more than 1% below is closed for good.
        self._active = [
            g
            for g in self._active
            if (g.first.record, g.first.kind, g.first.unit) == key
            and close(g.first.value, statement.value)
        ]
        home = next((g for g in self._active if _joins(g, statement, self.window_days)), None)
        if home is None:
            home = _Open(statement)
            self.groups.append(home)
            self._active.append(home)
        home.members.append(statement)

    def claims(
        self, source_of: Mapping[str, str | int], groups: Sequence[_Open] | None = None
    ) -> list[Claim]:
        """Claims of the groups (all, or those given), numbered from 1."""
        chosen = self.groups if groups is None else groups
        return [_claim(index, group, source_of) for index, group in enumerate(chosen, start=1)]


def claim_of(members: Sequence[Statement], source_of: Mapping[str, str | int]) -> Claim:
    """The claim of one group's statements (in `claim_order`), numbered 0."""
    return _claim(0, _Open(members[0], list(members)), source_of)


def build_claims(
    statements: Iterable[Statement],
    source_of: Mapping[str, str | int],
    *,
    window_days: int = DEFAULT_CLAIM_WINDOW_DAYS,
) -> list[Claim]:
    """Group statements into claims; `source_of` maps a document id to the independent source
    it repeats (its rewrite cluster, or the outlet it credits); other documents are their own."""
    grouper = Grouper(window_days)
    for statement in sorted(statements, key=claim_order):
        grouper.add(statement)
    return grouper.claims(source_of)


def _joins(group: _Open, statement: Statement, window_days: int) -> bool:
    return all(
        compatible(member.who, statement.who)
        and compatible(member.about, statement.about)
        and _within(member.when, statement.when, window_days)
        # Two regions' payments, or a recruit's and a family's, are two claims however alike.
        and _agree(member.region, statement.region)
        and _agree(member.recipient, statement.recipient)
        for member in group.members
    )


def _agree(first: str | None, second: str | None) -> bool:
    return first is None or second is None or first == second


def _claim(claim_id: int, group: _Open, source_of: Mapping[str, str | int]) -> Claim:
    members = group.members
    sources = sorted({member.doc_id for member in members})
    independent = len({source_of.get(doc, doc) for doc in sources})
    dates = [member.when for member in members if member.when is not None]
    first = group.first
    return Claim(
        id=claim_id,
        record=first.record,
        kind=first.kind,
        unit=first.unit,
        value=first.value,
        who=_most_common(member.who for member in members),
        about=_most_common(member.about for member in members),
        first=min(dates, default=None),
        last=max(dates, default=None),
        statements=members,
        sources=sources,
        independent_sources=independent,
    )


def _most_common(names: Iterable[str | None]) -> str | None:
    counted = Counter(name for name in names if name)
    return counted.most_common(1)[0][0] if counted else None


# Values this close are one level rounded or restated ("from 190,000" and "195,000"), not a
# contradiction worth a reader's time.
CONFLICT_MARGIN = 0.05


def find_conflicts(claims: Sequence[Claim]) -> list[Conflict]:
    """One conflict per subject and period: current claims from different documents, of one
    kind and unit, about the same payer, payer region and recipient (offers) or the same named
    subject (figures), in overlapping calendar months, whose values differ by more than 5%.

    A level the text gives as replaced, and a total of several payers' parts, contradict
    nothing: the first is history, the second a sum."""
    current = [claim for claim in claims if is_current(claim)]
    by_month: dict[tuple[str, str, str, int], list[Claim]] = {}
    for claim in current:
        for month in months(claim):
            by_month.setdefault((claim.record, claim.kind, claim.unit, month), []).append(claim)
    parent = {claim.id: claim.id for claim in current}

    def root(claim_id: int) -> int:
        while parent[claim_id] != claim_id:
            parent[claim_id] = parent[parent[claim_id]]
            claim_id = parent[claim_id]
        return claim_id

    for group in by_month.values():
        for i, first in enumerate(group):
            for second in group[i + 1 :]:
                if contradict(first, second):
                    a, b = root(first.id), root(second.id)
                    parent[max(a, b)] = min(a, b)
    members: dict[int, list[Claim]] = {}
    for claim in current:
        members.setdefault(root(claim.id), []).append(claim)
    conflicts: list[Conflict] = []
    for group in members.values():
        if len(group) < 2:
            continue
        group.sort(key=lambda claim: (claim.value, claim.id))
        period = min(
            found
            for i, a in enumerate(group)
            for b in group[i + 1 :]
            if (found := _shared_period(a, b)) is not None
        )
        conflicts.append(
            Conflict(
                len(conflicts) + 1,
                group[0].id,
                group[-1].id,
                period,
                _describe(group, period),
                tuple(sorted(claim.id for claim in group)),
            )
        )
    return conflicts


def is_current(claim: Claim) -> bool:
    return not any(s.previous or s.level == "combined" for s in claim.statements)


def months(claim: Claim) -> range:
    if claim.first is None or claim.last is None:
        return range(0)
    return range(_month(claim.first), _month(claim.last) + 1)


def contradict(first: Claim, second: Claim) -> bool:
    # A document giving both values tells of a change or a breakdown ("raised to 500,000 from
    # 305,000"), not a contradiction: conflicts are between documents.
    return (
        not set(first.sources) & set(second.sources)
        and abs(first.value - second.value) > CONFLICT_MARGIN * max(first.value, second.value)
        and _same_subject(first, second)
    )


def _describe(group: Sequence[Claim], period: str) -> str:
    first = group[0]
    values = " vs ".join(
        f"{claim.value:,.0f} {claim.unit} ({', '.join(claim.sources)})" for claim in group
    )
    return f"{first.kind} for {first.who or first.about} in {period}: {values}"


def _facet(claim: Claim, name: str) -> str | None:
    found = {getattr(s, name) for s in claim.statements} - {None}
    return found.pop() if len(found) == 1 else None


def may_conflict(claim: Claim) -> bool:
    """Whether the claim names what a conflict needs named: an offer's payer, a figure's own
    subject (see `_same_subject`)."""
    if claim.record == "figure":
        subject = party(claim.about)
        return bool(subject and subject - _GENERIC)
    return claim.who is not None


def _same_subject(first: Claim, second: Claim) -> bool:
    # An offer conflicts only when both name the payer; a figure only when both name the same
    # subject, word for word: "people" or "men" alone would set any two counts against each other.
    if first.record == "figure":
        subject = party(first.about)
        return bool(subject and subject - _GENERIC) and subject == party(second.about)
    if first.who is None or second.who is None:
        return False
    return (
        compatible(first.who, second.who)
        and compatible(first.about, second.about)
        and all(
            a is None or b is None or a == b
            for a, b in (
                (_facet(first, name), _facet(second, name))
                for name in ("region", "recipient", "level")
            )
        )
    )


def _shared_period(first: Claim, second: Claim) -> str | None:
    """The first calendar month both claims' date ranges touch, as YYYY-MM."""
    if None in (first.first, first.last, second.first, second.last):
        return None
    assert first.first and first.last and second.first and second.last  # for mypy
    start = max(_month(first.first), _month(second.first))
    end = min(_month(first.last), _month(second.last))
    if start > end:
        return None
    return f"{start // 12}-{start % 12 + 1:02d}"


def _month(day: date) -> int:
    return day.year * 12 + day.month - 1
