"""Incremental linking: what was stored since the last link is linked, and only what it changes
is rewritten, so linking costs in proportion to what was added.

    documents new or changed since their last link (and entries of those gone)
      -> entries and keys remembered          (store.linkindex)
      -> candidates: who holds their keys     -> verified edges
      -> clusters of the documents they touch, rebuilt from the stored edges
      -> claims of the runs of close values their statements fall in, rebuilt;
         independent sources recounted where a document's cluster changed
      -> conflicts reached from the changed claims, regrouped

Each step gives what `link.link_store` (the full relink) gives for the same store, ids aside: a
pair's link depends on the two documents alone (`link.index`); claims never span a gap of more
than 1% between neighbouring values (`claims.build_claims` closes every group there); conflicts
are connected groups of contradicting claims, so every group reached from a change is found
whole. When a number or value key crosses the cap on how many documents may hold it, the pairs
it proposed are judged again for every holder.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from recruitwatch.link import (
    link_store,
    make_cluster,
    profiles,
    sources,
)
from recruitwatch.link.attribution import find_attributions, flag_misattributions
from recruitwatch.link.claims import (
    VALUE_TOLERANCE,
    Grouper,
    claim_of,
    claim_order,
    close,
    contradict,
    find_conflicts,
    is_current,
    may_conflict,
    months,
)
from recruitwatch.link.dedup import CANDIDATE_THRESHOLD
from recruitwatch.link.index import (
    CAP,
    Candidates,
    band_keys,
    capped_keys,
    entries,
    judge,
    keys,
)
from recruitwatch.model import Claim, Statement
from recruitwatch.settings import DEFAULT_CLAIM_WINDOW_DAYS
from recruitwatch.store import Store
from recruitwatch.store.linkindex import Entry, LinkIndex, Partition

# A store never linked with more documents than this is linked whole the first time.
FULL_AFTER = 1000


@dataclass(frozen=True, slots=True)
class LinkUpdate:
    """What one incremental link did: documents linked (new or changed) and forgotten (gone),
    and how many clusters, claims and conflicts it rewrote."""

    linked: int
    forgotten: int
    clusters: int
    claims: int
    conflicts: int


def link_new(
    store: Store,
    *,
    window_days: int = DEFAULT_CLAIM_WINDOW_DAYS,
    threshold: float = CANDIDATE_THRESHOLD,
) -> LinkUpdate:
    """Link the documents stored (or changed) since the last link into the stored links, in
    one transaction. A store of many documents none of which is linked yet (a first batch, a
    store linked before the index existed) is linked whole once: the same links, sooner.
    """
    index = store.link_index()
    if index.linked() == 0 and index.pending_count() > FULL_AFTER:
        links = link_store(store, window_days=window_days)
        linked = index.linked()
        return LinkUpdate(linked, 0, len(links.clusters), len(links.claims), len(links.conflicts))
    with store.batch():
        documents, stale = index.pending()
        fresh = entries(documents, index.statements_of([doc.id for doc in documents]))
        new_ids = {entry.doc_id for entry in fresh}
        gone = {entry.doc_id for entry in stale} - new_ids
        affected, dirty = _remember(index, fresh, stale)
        work = fresh + list(index.entries(dirty - new_ids).values())
        affected |= _add_edges(index, work, {doc.id: doc.text for doc in documents}, threshold)
        index.replace_credits(
            [doc.id for doc in documents],
            [item for doc in documents for item in find_attributions(doc.id, doc.text)],
        )
        touched, clusters = _recluster(index, affected - gone)
        changed = [value for entry in [*stale, *fresh] for value in entry.stated]
        claims, dropped_conflicts = _reclaim(index, changed, touched | new_ids, window_days)
        conflicts = _regroup_conflicts(index, claims, dropped_conflicts)
    return LinkUpdate(len(new_ids), len(gone), clusters, len(claims), conflicts)


def _remember(
    index: LinkIndex, fresh: Sequence[Entry], stale: Sequence[Entry]
) -> tuple[set[str], set[str]]:
    """Replace the stale entries with the fresh ones; return the documents whose edges went
    with them, and the holders of every key that crossed the cap (to judge again)."""
    affected = {entry.doc_id for entry in [*fresh, *stale]}
    for first, second, _ in index.drop_edges(affected):
        affected |= {first, second}
    capped = {key for entry in [*fresh, *stale] for key in capped_keys(entry)}
    before = index.counts(capped)
    index.forget(stale, _held(stale))
    index.remember(fresh, _held(fresh))
    after = index.counts(capped)
    crossed = [key for key in capped if (before.get(key, 0) <= CAP) != (after.get(key, 0) <= CAP)]
    dirty = {doc for holders in index.holders(crossed).values() for doc in holders}
    for first, second, _ in index.drop_edges(dirty - affected):
        affected |= {first, second}
    return affected | dirty, dirty


def _held(found: Iterable[Entry]) -> list[tuple[int, str]]:
    return sorted({(key, entry.doc_id) for entry in found for key in keys(entry)})


def _add_edges(
    index: LinkIndex, work: Sequence[Entry], texts: dict[str, str], threshold: float
) -> set[str]:
    """Judge every candidate pair of the work entries; store the edges; return their ends."""
    holders = index.holders({key for entry in work for key in band_keys(entry)})
    holders.update(index.holders({key for entry in work for key in capped_keys(entry)}, limit=CAP))
    candidates = Candidates()
    for entry in work:
        candidates.add(entry, holders)
    entry_of = {entry.doc_id: entry for entry in work}
    others = {doc for pair in candidates.found for doc in pair} - entry_of.keys()
    entry_of.update(index.entries(others))

    def text_of(doc_id: str) -> str:
        if doc_id not in texts:
            texts.update((i, d.text) for i, d in index.documents([doc_id]).items())
        return texts[doc_id]

    edges = judge(candidates, entry_of, profiles(text_of), threshold=threshold)
    index.add_edges([(edge.first, edge.second, edge.similarity) for edge in edges])
    return {doc for edge in edges for doc in (edge.first, edge.second)}


def _recluster(index: LinkIndex, affected: set[str]) -> tuple[set[str], int]:
    """Rebuild the clusters holding any affected document from the stored edges; return every
    document whose cluster may have changed, and how many clusters were written."""
    old = index.clusters_of(affected)
    touched = affected | {doc for members in old.values() for doc in members}
    seen: set[str] = set()
    components: list[set[str]] = []
    for start in sorted(touched):
        if start in seen:
            continue
        component, frontier = {start}, {start}
        while frontier:
            reached = {doc for edge in index.edges_of(frontier) for doc in edge[:2]}
            frontier = reached - component
            component |= frontier
        seen |= component
        if len(component) > 1:
            components.append(component)
    members = {doc for component in components for doc in component}
    entry_of = index.entries(members)
    known = {(a, b): similarity for a, b, similarity in index.edges_of(members)}
    credits = index.credits(members)
    clusters = [
        flag_misattributions(make_cluster(0, [entry_of[d] for d in component], known), credits)
        for component in components
    ]
    index.replace_clusters(old, clusters)
    return touched | members, len(clusters)


def _reclaim(
    index: LinkIndex,
    changed: Sequence[tuple[str, str, str, float]],
    sources_changed: set[str],
    window_days: int,
) -> tuple[list[Claim], dict[int, list[int]]]:
    """Group again the statements from each changed value on, until the groups come out as
    stored; recount the independent sources of claims stated by documents whose source may
    have changed. Return the new claims, and the conflicts that held a dropped claim (with
    their claims)."""
    wanted: dict[Partition, set[float]] = {}
    for record, kind, unit, value in changed:
        wanted.setdefault((record, kind, unit), set()).add(value)
    dropped: set[int] = set()
    groups: list[list[Statement]] = []
    for partition, values in sorted(wanted.items()):
        found = Regrouping(index, partition, sorted(values), window_days).run()
        dropped |= found[0]
        groups += found[1]
    source_key = _sources(index, {s.doc_id for members in groups for s in members})
    rebuilt = [claim_of(members, source_key) for members in groups]
    dropped_conflicts = index.conflicts_of(dropped)
    claims = index.replace_claims(dropped, rebuilt)
    stated_by = index.claim_sources(sources_changed)
    new_ids = {claim.id for claim in claims}
    recount = {claim: docs for claim, docs in stated_by.items() if claim not in new_ids}
    source_key = _sources(index, {doc for docs in recount.values() for doc in docs})
    index.set_independent_sources(
        {claim: len({source_key.get(doc, doc) for doc in docs}) for claim, docs in recount.items()}
    )
    return claims, dropped_conflicts


# How far past a changed value the first look reaches (then twice as far, and so on).
_FIRST_REACH = 0.03


class Regrouping:
    """The statements of one partition grouped again from each changed value on, starting from
    the groups stored as open there, until, past every changed value, the open groups are the
    stored ones: from there on the stored claims are what grouping would give."""

    def __init__(
        self, index: LinkIndex, partition: Partition, changed: list[float], window_days: int
    ) -> None:
        self.index = index
        self.partition = partition
        self.changed = changed
        self.window_days = window_days
        stored = index.values_in(partition)
        self.top = stored[-1] if stored else 0.0

    def run(self) -> tuple[set[int], list[list[Statement]]]:
        """Claims to drop, and the statements of each claim to build in their place."""
        dropped: set[int] = set()
        groups: list[list[Statement]] = []
        at = 0
        while at < len(self.changed):
            low = self.changed[at]
            reach = _FIRST_REACH
            while True:
                high = max(low * (1 + reach), low + 1)
                done = self._from(low, high)
                if done is not None:
                    break
                reach *= 2
            end, drop, built = done
            dropped |= drop
            groups += built
            while at < len(self.changed) and self.changed[at] < end:
                at += 1
        return dropped, groups

    def _from(
        self, low: float, high: float
    ) -> tuple[float, set[int], list[list[Statement]]] | None:
        """Group again from `low`, looking as far as `high`: (where the groups came out as
        stored, claims to drop, new groups), or None when that is beyond `high`."""
        to_end = high >= self.top
        margin = 1 - 2 * VALUE_TOLERANCE
        reach = float("inf") if to_end else high / margin
        statements = self.index.statements_between(self.partition, low * margin, reach)
        by_id = {(s.record, s.record_id): s for s in statements}
        stored = self.index.claim_members(self.partition, low * margin, reach)

        def members_below(claim_id: int, limit: float) -> list[Statement]:
            found = [by_id[key] for key in stored[claim_id][1] if key in by_id]
            return sorted((s for s in found if s.value < limit), key=claim_order)

        def regrouped(value: float) -> bool:
            # Claims opened from `low` on, or still open there, are grouped again.
            return value >= low or close(value, low)

        # Groups still open at `low`: opened within 1% below it, with their members below it.
        opened = [
            members
            for claim_id, (value, _) in stored.items()
            if value < low and close(value, low)
            if (members := members_below(claim_id, low))
        ]
        grouper = Grouper(self.window_days, sorted(opened, key=lambda m: claim_order(m[0])))
        by_value = sorted((value, claim_id) for claim_id, (value, _) in stored.items())
        previous = None
        for statement in sorted((s for s in statements if s.value >= low), key=claim_order):
            if previous is not None and statement.value != previous:
                at = statement.value
                if self._settled(at, grouper, by_value, members_below):
                    drop = {
                        claim_id
                        for claim_id, (value, _) in stored.items()
                        if regrouped(value) and value < at and not close(value, at)
                    }
                    built = [g.members for g in grouper.groups if not close(g.first.value, at)]
                    return at, drop, built
            if statement.value > high and not to_end:
                return None
            grouper.add(statement)
            previous = statement.value
        if not to_end:
            return None
        # The end of the partition: every group is complete.
        drop = {claim_id for claim_id, (value, _) in stored.items() if regrouped(value)}
        return float("inf"), drop, [group.members for group in grouper.groups]

    def _settled(
        self,
        at: float,
        grouper: Grouper,
        opened: list[tuple[float, int]],
        members_below: Callable[[int, float], list[Statement]],
    ) -> bool:
        """Whether, before the statements at value `at`, every changed value below it is more
        than 1% below, and the groups open there are the stored ones."""
        before = bisect_left(self.changed, at)
        if before and close(self.changed[before - 1], at):
            return False
        new_open = set()
        # Groups open in order of their first values: the open ones are the last few.
        for group in reversed(grouper.groups):
            if not close(group.first.value, at):
                break
            new_open.add(frozenset((s.record, s.record_id) for s in group.members))
        old_open = set()
        for value, claim_id in reversed(opened[: bisect_left(opened, (at,))]):
            if not close(value, at):
                break
            old_open.add(frozenset((s.record, s.record_id) for s in members_below(claim_id, at)))
        return new_open == old_open


def _sources(index: LinkIndex, doc_ids: set[str]) -> dict[str, str]:
    memberships = index.memberships(doc_ids)
    origins = {origin for _, origin in memberships.values()}
    return sources(memberships, index.credits(doc_ids | origins))


def _regroup_conflicts(
    index: LinkIndex, claims: Sequence[Claim], dropped: dict[int, list[int]]
) -> int:
    """Regroup every conflict reachable from the new claims and from the claims left of the
    conflicts that lost one; return how many conflicts were written."""
    kept = {claim for members in dropped.values() for claim in members}
    seeds = [*claims, *index.claims(kept)]
    buckets: dict[tuple[Partition, int], list[Claim]] = {}

    def bucket(partition: Partition, month: int) -> list[Claim]:
        if (partition, month) not in buckets:
            start = date(month // 12, month % 12 + 1, 1)
            following = date((month + 1) // 12, (month + 1) % 12 + 1, 1)
            found = index.claims_in_period(partition, start, following - timedelta(days=1))
            buckets[(partition, month)] = [c for c in found if is_current(c) and may_conflict(c)]
        return buckets[(partition, month)]

    reached: dict[int, Claim] = {}
    queue = [claim for claim in seeds if is_current(claim) and may_conflict(claim)]
    while queue:
        claim = queue.pop()
        if claim.id in reached:
            continue
        reached[claim.id] = claim
        partition = (claim.record, claim.kind, claim.unit)
        for month in months(claim):
            queue += [
                other
                for other in bucket(partition, month)
                if other.id not in reached and contradict(claim, other)
            ]
    old = set(dropped) | set(index.conflicts_of(reached))
    found = find_conflicts(sorted(reached.values(), key=lambda claim: claim.id))
    index.replace_conflicts(old, found)
    return len(found)
