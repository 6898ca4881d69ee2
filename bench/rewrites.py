"""Precision and recall of "same origin" on labelled rewrites, paraphrases and independent reports.

    python bench/rewrites.py

The pairs come from `bench/rewrites/stories.yaml` (written for this project): each story's
origin, light and heavy paraphrases and translation share one origin; another outlet's
independent report of the same facts, and every other story, do not. Two stories are alike on
purpose (two regions raising a bonus in the same stock phrases). Every unordered pair of texts
is scored: a found pair is two texts put in one rewrite cluster. The link stage's method runs
beside MinHash alone (estimated word-triple Jaccard >= 0.3 through LSH, the earlier method).
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date
from itertools import combinations
from pathlib import Path

import yaml

from recruitwatch.extract import extract_document
from recruitwatch.link import find_clusters
from recruitwatch.link.dedup import DEFAULT_THRESHOLD, group, similar_pairs
from recruitwatch.model import Document, Statement

STORIES = Path(__file__).with_name("rewrites") / "stories.yaml"
VERSIONS = ("origin", "light", "heavy", "translation", "independent")


def load(path: Path) -> tuple[list[Document], dict[str, str], dict[str, str]]:
    """The texts, each one's true origin, and each one's version name."""
    documents, origin_of, version_of = [], {}, {}
    for story in yaml.safe_load(path.read_text(encoding="utf-8"))["stories"]:
        published: date = story["published"]
        for version in VERSIONS:
            if version not in story:
                continue
            doc_id = f"{story['id']}/{version}"
            item = story[version]
            documents.append(
                Document.from_text(
                    item["text"], id=doc_id, language=item["language"], published=published
                )
            )
            origin_of[doc_id] = doc_id if version == "independent" else story["id"]
            version_of[doc_id] = version
    return documents, origin_of, version_of


def statements(documents: Sequence[Document]) -> list[Statement]:
    found = []
    for document in documents:
        extraction = extract_document(document)
        for number, offer in enumerate(extraction.offers):
            found.append(
                Statement(
                    "offer",
                    number,
                    document.id,
                    offer.kind,
                    offer.currency,
                    offer.amount,
                    offer.offered_by,
                    offer.target,
                    document.published,
                )
            )
        for number, figure in enumerate(extraction.figures):
            found.append(
                Statement(
                    "figure",
                    number,
                    document.id,
                    "figure",
                    figure.unit,
                    figure.quantity,
                    figure.source,
                    figure.subject,
                    document.published,
                )
            )
    return found


def minhash_clusters(documents: Sequence[Document]) -> list[list[str]]:
    pairs, _ = similar_pairs([doc.text for doc in documents], threshold=DEFAULT_THRESHOLD)
    return [[documents[i].id for i in members] for members in group(len(documents), pairs)]


def recruitwatch_clusters(documents: Sequence[Document]) -> list[list[str]]:
    clusters = find_clusters(documents, statements(documents))
    return [[member.doc_id for member in cluster.members] for cluster in clusters]


def score(
    documents: Sequence[Document],
    origin_of: dict[str, str],
    version_of: dict[str, str],
    method: Callable[[Sequence[Document]], list[list[str]]],
) -> tuple[float, float, Counter[str], Counter[str]]:
    cluster_of = {doc: n for n, members in enumerate(method(documents)) for doc in members}
    tp = fp = fn = 0
    missed: Counter[str] = Counter()
    wrong: Counter[str] = Counter()
    for first, second in combinations([doc.id for doc in documents], 2):
        truth = origin_of[first] == origin_of[second]
        found = first in cluster_of and cluster_of.get(first) == cluster_of.get(second)
        kind = "/".join(sorted((version_of[first], version_of[second])))
        if truth and found:
            tp += 1
        elif truth:
            fn += 1
            missed[kind] += 1
        elif found:
            fp += 1
            same_story = first.split("/")[0] == second.split("/")[0]
            wrong[kind if same_story else "other story"] += 1
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall, missed, wrong


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stories", type=Path, default=STORIES)
    args = parser.parse_args()
    documents, origin_of, version_of = load(args.stories)
    true_pairs = sum(n * (n - 1) // 2 for n in Counter(origin_of.values()).values())
    print(
        f"{len(documents)} texts, {true_pairs} same-origin pairs among "
        f"{len(documents) * (len(documents) - 1) // 2}"
    )
    print(f"{'method':<34}{'precision':>10}{'recall':>8}  missed / wrong")
    for name, method in (
        (f"MinHash LSH alone (Jaccard >= {DEFAULT_THRESHOLD})", minhash_clusters),
        ("recruitwatch link", recruitwatch_clusters),
    ):
        precision, recall, missed, wrong = score(documents, origin_of, version_of, method)
        print(
            f"{name:<34}{precision:>10.3f}{recall:>8.3f}  "
            f"{dict(missed) or '-'} / {dict(wrong) or '-'}"
        )


if __name__ == "__main__":
    main()
