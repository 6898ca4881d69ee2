"""Link stage: what documents say together. Rewrite clusters (copies, rewrites, translations),
credit lines, claims, conflicts.

    documents + statements -> link_documents -> Links -> store.save_links

`link_store(store)` runs it over everything stored and replaces the previous links, so running
it again gives the same result. It runs after ingest; the per-document stages stay per document.
"""

from __future__ import annotations

from collections.abc import Sequence

from recruitwatch.link.attribution import find_attributions, flag_misattributions
from recruitwatch.link.claims import build_claims, find_conflicts
from recruitwatch.link.dedup import DEFAULT_THRESHOLD, group, similar_pairs
from recruitwatch.link.translations import translation_pairs
from recruitwatch.model import Attribution, Cluster, ClusterMember, Document, Links, Statement
from recruitwatch.settings import DEFAULT_CLAIM_WINDOW_DAYS
from recruitwatch.store import Store


def find_clusters(
    documents: Sequence[Document],
    statements: Sequence[Statement] = (),
    *,
    threshold: float = DEFAULT_THRESHOLD,
) -> list[Cluster]:
    """Clusters of copies, rewrites and (given the statements) translations; the earliest
    published member (then the smallest id) is the origin. A member's similarity is its
    estimated word-shingle Jaccard with the origin, or for a translation the share of stated
    values they have in common."""
    pairs, signatures = similar_pairs([doc.text for doc in documents], threshold=threshold)
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
    threshold: float = DEFAULT_THRESHOLD,
) -> Links:
    credits: dict[str, list[Attribution]] = {
        doc.id: found for doc in documents if (found := find_attributions(doc.id, doc.text))
    }
    grouped = find_clusters(documents, statements, threshold=threshold)
    clusters = [flag_misattributions(cluster, credits) for cluster in grouped]
    cluster_of = {member.doc_id: c.id for c in clusters for member in c.members}
    claims = build_claims(statements, cluster_of, window_days=window_days)
    return Links(
        clusters=clusters,
        attributions=[item for found in credits.values() for item in found],
        claims=claims,
        conflicts=find_conflicts(claims),
    )


def link_store(store: Store, *, window_days: int = DEFAULT_CLAIM_WINDOW_DAYS) -> Links:
    """Link everything in the store and replace the stored links with the result."""
    links = link_documents(store.list_documents(), store.list_statements(), window_days=window_days)
    store.save_links(links)
    return links


__all__ = ["find_clusters", "link_documents", "link_store"]
