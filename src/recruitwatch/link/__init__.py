"""Link stage: what documents say together. Rewrite clusters (copies, rewrites, translations),
credit lines, claims, conflicts.

    documents + statements -> link_documents -> Links -> store.save_links

`link_store(store)` runs it over everything stored and replaces the previous links, so running
it again gives the same result. It runs after ingest; the per-document stages stay per document.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from datasketch import LeanMinHash

from recruitwatch.link.attribution import (
    find_attributions,
    flag_misattributions,
    normalise_name,
)
from recruitwatch.link.claims import build_claims, find_conflicts
from recruitwatch.link.dedup import CANDIDATE_THRESHOLD, Pair, group, similar_pairs
from recruitwatch.link.rewrites import (
    COPY_JACCARD,
    profile,
    share_story_numbers,
    shared_number_pairs,
    story_numbers,
    verify,
)
from recruitwatch.link.translations import translation_pairs
from recruitwatch.model import Attribution, Cluster, ClusterMember, Document, Links, Statement
from recruitwatch.settings import DEFAULT_CLAIM_WINDOW_DAYS
from recruitwatch.store import Store


def rewrite_pairs(
    documents: Sequence[Document], *, threshold: float = CANDIDATE_THRESHOLD
) -> tuple[list[Pair], list[LeanMinHash | None]]:
    """Verified rewrite pairs (copies and paraphrases) among `documents`, by index, with their
    exact word-triple Jaccard; and each text's MinHash signature."""
    texts = [doc.text for doc in documents]
    proposed, signatures = similar_pairs(texts, threshold=threshold)
    numbers = [story_numbers(text) for text in texts]
    copies = {(pair.first, pair.second) for pair in proposed if pair.similarity >= COPY_JACCARD}
    candidates = {(pair.first, pair.second) for pair in proposed}
    candidates |= shared_number_pairs(numbers, [doc.published for doc in documents])
    pairs = []
    for first, second in sorted(candidates):
        # Only likely copies, or texts sharing a story's numbers, are worth reading in full.
        if (first, second) not in copies and not share_story_numbers(
            numbers[first], numbers[second]
        ):
            continue
        verdict = verify(profile(texts[first]), profile(texts[second]))
        if verdict.same_origin:
            pairs.append(Pair(first, second, verdict.jaccard))
    return pairs, signatures


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
    pairs, signatures = rewrite_pairs(documents, threshold=threshold)
    by_numbers = translation_pairs(documents, statements)
    known = {(pair.first, pair.second): pair.similarity for pair in [*pairs, *by_numbers]}

    def similarity(origin: int, member: int) -> float:
        if origin == member:
            return 1.0
        stated = known.get((min(origin, member), max(origin, member)))
        if stated is not None:
            return stated
        first, second = signatures[origin], signatures[member]
        return float(first.jaccard(second)) if first is not None and second is not None else 0.0

    clusters = []
    for number, indices in enumerate(group(len(documents), [*pairs, *by_numbers]), start=1):
        members = sorted(indices, key=lambda i: _order(documents[i]))
        clusters.append(
            Cluster(
                id=number,
                origin=documents[members[0]].id,
                members=[
                    ClusterMember(
                        documents[i].id, documents[i].published, similarity(members[0], i)
                    )
                    for i in members
                ],
            )
        )
    return clusters


def _order(document: Document) -> tuple[bool, str, str]:
    # Undated documents sort last: an origin must be known to come first.
    published = document.published.isoformat() if document.published else ""
    return (document.published is None, published, document.id)


def link_documents(
    documents: Sequence[Document],
    statements: Sequence[Statement],
    *,
    window_days: int = DEFAULT_CLAIM_WINDOW_DAYS,
    threshold: float = CANDIDATE_THRESHOLD,
) -> Links:
    credits: dict[str, list[Attribution]] = {
        doc.id: found for doc in documents if (found := find_attributions(doc.id, doc.text))
    }
    grouped = find_clusters(documents, statements, threshold=threshold)
    clusters = [flag_misattributions(cluster, credits) for cluster in grouped]
    claims = build_claims(statements, source_of(clusters, credits), window_days=window_days)
    return Links(
        clusters=clusters,
        attributions=[item for found in credits.values() for item in found],
        claims=claims,
        conflicts=find_conflicts(claims),
    )


def source_of(
    clusters: Sequence[Cluster], credits: Mapping[str, Sequence[Attribution]]
) -> dict[str, str]:
    """The independent source behind each document that is not its own: its rewrite cluster,
    or the outlet its cluster's origin (or it, alone) credits, whether or not that outlet's
    text is stored. Ten copies of one wire story, stored or not, are one source."""
    found: dict[str, str] = {}
    for cluster in clusters:
        credited = credits.get(cluster.origin)
        key = f"credit:{normalise_name(credited[0].name)}" if credited else f"cluster:{cluster.id}"
        found.update((member.doc_id, key) for member in cluster.members)
    for doc_id, credited in credits.items():
        found.setdefault(doc_id, f"credit:{normalise_name(credited[0].name)}")
    return found


def link_store(
    store: Store,
    *,
    window_days: int = DEFAULT_CLAIM_WINDOW_DAYS,
    progress: Callable[[str], None] | None = None,
) -> Links:
    """Link everything in the store and replace the stored links with the result; `progress`
    is told each step as it starts (for a status line: linking a large store takes a while)."""
    step = progress or _quiet
    step("reading documents and records")
    documents = store.list_documents()
    statements = store.list_statements()
    step(f"linking {len(documents):,} documents, {len(statements):,} records")
    links = link_documents(documents, statements, window_days=window_days)
    step("saving the links")
    store.save_links(links)
    return links


def _quiet(_step: str) -> None:
    pass


__all__ = ["find_clusters", "link_documents", "link_store", "rewrite_pairs"]
