"""Precision and recall of duplicate pairs found by the link stage, on generated rewrites.

    python bench/dedup.py --stories 40000     # about 100,000 documents

Stories and their rewrites come from the seeded generator in tests/_rewrites.py (reordered
sentences, a dropped sentence, synonyms, the outlet's own opening and credit line). A pair of
documents is a true duplicate when both tell the same story; a found pair when both land in one
cluster. Times the clustering alone (shingling, MinHash, LSH, verification, grouping) in one
process, and reads peak RSS after it.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from _rewrites import generate  # found through the path set just above
from recruitwatch.link import rewrite_pairs
from recruitwatch.link.dedup import CANDIDATE_THRESHOLD, group
from recruitwatch.model import Document


def _pairs(sizes: Counter[object]) -> int:
    return sum(n * (n - 1) // 2 for n in sizes.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stories", type=int, default=40_000)
    parser.add_argument("--threshold", type=float, default=CANDIDATE_THRESHOLD)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    docs = list(generate(args.stories, seed=args.seed))
    documents = [Document(id=doc.id, text=doc.text, published=doc.published) for doc in docs]
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started, cpu = time.perf_counter(), time.process_time()
    pairs, _ = rewrite_pairs(documents, threshold=args.threshold)
    groups = group(len(documents), pairs)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    cluster_of = {index: n for n, members in enumerate(groups) for index in members}
    true_pairs = _pairs(Counter(doc.story for doc in docs))
    found_pairs = _pairs(Counter(cluster_of.values()))
    both = _pairs(Counter((docs[i].story, c) for i, c in cluster_of.items()))
    precision = both / found_pairs if found_pairs else 1.0
    recall = both / true_pairs if true_pairs else 1.0

    print(f"documents         {len(docs):,} ({args.stories:,} stories, seed {args.seed})")
    print(
        f"candidates        LSH at estimated Jaccard {args.threshold} and shared numbers,"
        " each verified (link.rewrites)"
    )
    print(f"duplicate pairs   {true_pairs:,} true, {found_pairs:,} found, {both:,} both")
    print(f"precision         {precision:.4f}")
    print(f"recall            {recall:.4f}")
    print(f"time              {wall:.1f} s wall, {cpu:.1f} s cpu (one process)")
    print(f"peak RSS          {rss_after:.0f} MB ({rss_before:.0f} MB with the texts alone)")


if __name__ == "__main__":
    main()
