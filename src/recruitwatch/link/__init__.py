"""Link stage: what documents say together. Rewrite clusters (copies, rewrites, translations),
credit lines, claims, conflicts.

    documents + statements -> link_documents -> Links -> store.save_links

`link_store(store)` runs it over everything stored and replaces the previous links, so running
it again gives the same result. It runs after ingest; the per-document stages stay per document.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache

from recruitwatch.link.attribution import (
    find_attributions,
    flag_misattributions,
    normalise_name,
)
from recruitwatch.link.claims import build_claims, find_conflicts
from recruitwatch.link.dedup import CANDIDATE_THRESHOLD, Pair, group
from recruitwatch.link.index import (
    Candidates,
    Edge,
    entries,
    estimated_jaccard,
    in_memory_holders,
    judge,
    keys,
)
from recruitwatch.link.rewrites import Profile, profile
from recruitwatch.model import Attribution, Cluster, ClusterMember, Document, Links, Statement
from recruitwatch.settings import DEFAULT_CLAIM_WINDOW_DAYS
from recruitwatch.store import Store
from recruitwatch.store.linkindex import Entry


def rewrite_pairs(
    documents: Sequence[Document],
    statements: Sequence[Statement] = (),
    *,
    threshold: float = CANDIDATE_THRESHOLD,
) -> tuple[list[Pair], list[Entry]]:
    """Verified pairs among `documents`, by index: rewrites (copies and paraphrases) with their
    exact word-triple Jaccard, and (given the statements) translations with the share of values
    they have in common; and each document's link entry."""
    found = entries(documents, statements)
    edges = find_edges(found, {doc.id: doc.text for doc in documents}, threshold=threshold)
    index = {doc.id: i for i, doc in enumerate(documents)}
    pairs = [Pair(index[edge.first], index[edge.second], edge.similarity) for edge in edges]
    return sorted(pairs, key=lambda pair: (pair.first, pair.second)), found


def find_edges(
    found: Sequence[Entry], texts: Mapping[str, str], *, threshold: float = CANDIDATE_THRESHOLD
) -> list[Edge]:
    """Every verified pair among entries held in memory (the whole store, or a test's few)."""
    holders = in_memory_holders(found)
    candidates = Candidates()
    for entry in found:
        candidates.add(entry, holders)
    entry_of = {entry.doc_id: entry for entry in found}
    return judge(candidates, entry_of, profiles(texts.__getitem__), threshold=threshold)


def profiles(text_of: Callable[[str], str]) -> Callable[[str], Profile]:
    """A document's verification profile by id, the last few thousand kept: one document is
    compared with each of its candidates."""

    @lru_cache(maxsize=4096)
    def profile_of(doc_id: str) -> Profile:
        return profile(text_of(doc_id))

    return profile_of


def find_clusters(
    documents: Sequence[Document],
    statements: Sequence[Statement] = (),
    *,
    threshold: float = CANDIDATE_THRESHOLD,
) -> list[Cluster]:
    """Clusters of copies, rewrites and (given the statements) translations; the earliest
    published member (then the smallest id) is the origin. A member's similarity is its
    word-shingle Jaccard with the origin (estimated unless the pair was verified), or for a
    translation the share of stated values they have in common."""
    found = entries(documents, statements)
    edges = find_edges(found, {doc.id: doc.text for doc in documents}, threshold=threshold)
    return clusters_of_edges(found, edges)


def clusters_of_edges(found: Sequence[Entry], edges: Sequence[Edge]) -> list[Cluster]:
    """Connected groups of entries joined by edges, numbered by their first entry."""
    index = {entry.doc_id: i for i, entry in enumerate(found)}
    pairs = [Pair(index[edge.first], index[edge.second], edge.similarity) for edge in edges]
    known = {(edge.first, edge.second): edge.similarity for edge in edges}
    return [
        make_cluster(number, [found[i] for i in members], known)
        for number, members in enumerate(group(len(found), pairs), start=1)
    ]


def make_cluster(
    number: int, members: Sequence[Entry], known: Mapping[tuple[str, str], float]
) -> Cluster:
    """A cluster of `members`: origin the earliest published, each member's similarity with
    it (`known` for a verified pair, else estimated from their signatures)."""
    ordered = sorted(members, key=_order)
    origin = ordered[0]

    def similarity(member: Entry) -> float:
        if member is origin:
            return 1.0
        stated = known.get(min((origin.doc_id, member.doc_id), (member.doc_id, origin.doc_id)))
        if stated is not None:
            return stated
        return estimated_jaccard(origin.signature, member.signature)

    return Cluster(
        id=number,
        origin=origin.doc_id,
        members=[ClusterMember(m.doc_id, m.published, similarity(m)) for m in ordered],
    )


def _order(entry: Entry) -> tuple[bool, str, str]:
    # Undated documents sort last: an origin must be known to come first.
    published = entry.published.isoformat() if entry.published else ""
    return (entry.published is None, published, entry.doc_id)


def link_documents(
    documents: Sequence[Document],
    statements: Sequence[Statement],
    *,
    window_days: int = DEFAULT_CLAIM_WINDOW_DAYS,
    threshold: float = CANDIDATE_THRESHOLD,
) -> Links:
    return _link_all(documents, statements, window_days=window_days, threshold=threshold)[0]


def _link_all(
    documents: Sequence[Document],
    statements: Sequence[Statement],
    *,
    window_days: int,
    threshold: float = CANDIDATE_THRESHOLD,
) -> tuple[Links, list[Entry], list[Edge]]:
    credits: dict[str, list[Attribution]] = {
        doc.id: credited for doc in documents if (credited := find_attributions(doc.id, doc.text))
    }
    found = entries(documents, statements)
    edges = find_edges(found, {doc.id: doc.text for doc in documents}, threshold=threshold)
    grouped = clusters_of_edges(found, edges)
    clusters = [flag_misattributions(cluster, credits) for cluster in grouped]
    claims = build_claims(statements, source_of(clusters, credits), window_days=window_days)
    links = Links(
        clusters=clusters,
        attributions=[item for credited in credits.values() for item in credited],
        claims=claims,
        conflicts=find_conflicts(claims),
    )
    return links, found, edges


def source_of(
    clusters: Sequence[Cluster], credits: Mapping[str, Sequence[Attribution]]
) -> dict[str, str]:
    """The independent source behind each document that is not its own: its rewrite cluster,
    or the outlet its cluster's origin (or it, alone) credits, whether or not that outlet's
    text is stored. Ten copies of one wire story, stored or not, are one source."""
    memberships = {
        member.doc_id: (cluster.id, cluster.origin)
        for cluster in clusters
        for member in cluster.members
    }
    return sources(memberships, credits)


def sources(
    memberships: Mapping[str, tuple[int, str]], credits: Mapping[str, Sequence[Attribution]]
) -> dict[str, str]:
    """As `source_of`, from each clustered document's (cluster id, origin) and the credit
    lines of documents (of every origin among them, at least)."""
    found: dict[str, str] = {}
    for doc_id, (cluster_id, origin) in memberships.items():
        credited = credits.get(origin)
        found[doc_id] = (
            f"credit:{normalise_name(credited[0].name)}" if credited else f"cluster:{cluster_id}"
        )
    for doc_id, credited in credits.items():
        if credited:
            found.setdefault(doc_id, f"credit:{normalise_name(credited[0].name)}")
    return found


def link_store(
    store: Store,
    *,
    window_days: int = DEFAULT_CLAIM_WINDOW_DAYS,
    progress: Callable[[str], None] | None = None,
) -> Links:
    """Link everything in the store and replace the stored links, and what incremental
    linking keeps, with the result; `progress` is told each step as it starts (for a status
    line: linking a large store takes a while)."""
    step = progress or _quiet
    step("reading documents and records")
    documents = store.list_documents()
    statements = store.list_statements()
    step(f"linking {len(documents):,} documents, {len(statements):,} records")
    links, found, edges = _link_all(documents, statements, window_days=window_days)
    step("saving the links")
    held = sorted({(key, entry.doc_id) for entry in found for key in keys(entry)})
    with store.batch():
        store.save_links(links)
        store.link_index().replace_all(
            found, held, [(edge.first, edge.second, edge.similarity) for edge in edges]
        )
    return links


def _quiet(_step: str) -> None:
    pass


__all__ = ["find_clusters", "link_documents", "link_store", "rewrite_pairs"]
