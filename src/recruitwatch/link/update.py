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

from collections.abc import Iterable, Sequence
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
    build_claims,
    contradict,
    find_conflicts,
    is_current,
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

# Below this many waiting documents linking one by one is cheap enough whatever the store.
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
    one transaction. When more documents wait than are linked (a first ingest, a store linked
    before the index existed), the store is linked whole: the same links, sooner."""
    index = store.link_index()
    waiting = index.pending_count()
    if waiting > max(FULL_AFTER, index.linked()):
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
    """Rebuild the claims of every run of close values a changed statement falls in; recount
    the independent sources of claims stated by documents whose source may have changed.
    Return the new claims, and the conflicts that held a dropped claim (with their claims)."""
    wanted: dict[Partition, set[float]] = {}
    for record, kind, unit, value in changed:
        wanted.setdefault((record, kind, unit), set()).add(value)
    runs: list[tuple[Partition, list[Statement]]] = []
    dropped: set[int] = set()
    for partition, values in sorted(wanted.items()):
        for low, high in value_runs(index.values_in(partition), values):
            dropped.update(index.claims_between(partition, low, high))
            runs.append((partition, index.statements_between(partition, low, high)))
    stating = {s.doc_id for _, statements in runs for s in statements}
    source_key = _sources(index, stating)
    rebuilt = [
        claim
        for _, statements in runs
        for claim in build_claims(statements, source_key, window_days=window_days)
    ]
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


def _sources(index: LinkIndex, doc_ids: set[str]) -> dict[str, str]:
    memberships = index.memberships(doc_ids)
    origins = {origin for _, origin in memberships.values()}
    return sources(memberships, index.credits(doc_ids | origins))


def value_runs(stored: Sequence[float], changed: Iterable[float]) -> list[tuple[float, float]]:
    """The runs of close values (neighbours within 1%, as claims group them) that hold a
    changed value, each as (lowest, highest), with the changed values counted in."""
    marked = set(changed)
    ordered = sorted({*stored, *marked})
    found: list[tuple[float, float]] = []
    start = 0
    for i in range(1, len(ordered) + 1):
        if i == len(ordered) or not _close(ordered[i - 1], ordered[i]):
            run = ordered[start:i]
            if marked.intersection(run):
                found.append((run[0], run[-1]))
            start = i
    return found


def _close(first: float, second: float) -> bool:
    return abs(first - second) <= VALUE_TOLERANCE * max(abs(first), abs(second))


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
            buckets[(partition, month)] = [c for c in found if is_current(c)]
        return buckets[(partition, month)]

    reached: dict[int, Claim] = {}
    queue = [claim for claim in seeds if is_current(claim)]
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
