"""Train the learned scorer (`recruitwatch.extract.scorer`) and write its data file.

    pip install -e '.[train]'
    python scripts/train_scorer.py ../shared/corpus/dev

Reads a gold corpus (docs/*.json and gold.jsonl), keeps its tune part only (the held-out
fifth, `recruitwatch.evaluate.holdout_ids`, is never read for training), and for each head
(offer: amounts; figure: free numbers) chooses the regularisation, class weighting and the
add/drop thresholds by cross-validation over documents within the tune part. The final model
is fitted on the whole tune part. Fixed folds and solver seeds: two runs write the same file.

A candidate is positive when a gold record of the same document has its value (within 0.5%,
as `recruitwatch eval` matches), its currency (offers) or unit (figures), and an evidence
sentence that contains the candidate.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from recruitwatch.evaluate import (
    EvalReport,
    GoldDoc,
    holdout_ids,
    load_documents,
    load_gold,
    score_document,
)
from recruitwatch.extract import document_contexts
from recruitwatch.extract.candidates import Candidate, find_candidates
from recruitwatch.extract.scorer import (
    FORMAT,
    KINDS,
    FeatureSpec,
    Featurizer,
    Head,
    KindHead,
    Scorer,
    encode_weights,
    read_records,
    rule_view,
)
from recruitwatch.model import Document, Extraction, Figure, Offer

try:
    import numpy as np
    import sklearn
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold
except ImportError:  # the [train] extra
    sys.exit("training needs scikit-learn: pip install -e '.[train]'")

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "src/recruitwatch/extract/data/scorer.json"
TOLERANCE = 0.005
SEED = 20261204
FOLDS = 5
SPEC = FeatureSpec(bits=16, window=4, char_min=3, char_max=4)  # 5-grams: no gain, 1/3 slower
C_GRID = (0.1, 0.3, 1.0, 3.0)
CLASS_WEIGHTS: tuple[str | None, ...] = (None, "balanced")
ADD_GRID = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01)  # 1.01: the head adds nothing
DROP_GRID: tuple[float | None, ...] = (None, 0.05, 0.1)
# "all" (the kind head also for the rules' own offers) featurizes every amount and rereads
# every document's offers: half the extractor's speed for a cross-validated F1 within 0.005.
KIND_SCOPES = ("none", "added")


@dataclass
class Row:
    doc: str
    head: str  # "offer" or "figure"
    rule: bool
    label: bool
    kind: str | None  # the gold kind of an offer
    features: set[int]


def _within(value: float, gold: float) -> bool:
    return abs(value - gold) <= abs(gold) * TOLERANCE + 1e-9


def _gold_match(document: Document, gold: GoldDoc, candidate: Candidate) -> tuple[bool, str | None]:
    """Whether a gold record stands for the candidate, and the kind of a gold offer."""
    text = document.text
    if candidate.money is not None:
        money = candidate.money
        for offer in gold.offers:
            start = text.find(offer.evidence)
            if (
                offer.currency == money.currency
                and _within(candidate.value, offer.amount)
                and start <= candidate.start < start + len(offer.evidence)
            ):
                return True, offer.kind
        return False, None
    unit = "percent" if candidate.quantity is not None and candidate.quantity.percent else "people"
    for figure in gold.figures:
        start = text.find(figure.evidence)
        if (
            figure.unit == unit
            and _within(candidate.value, figure.quantity)
            and start <= candidate.start < start + len(figure.evidence)
        ):
            return True, None
    return False, None


def collect_rows(documents: list[Document], gold: dict[str, GoldDoc]) -> Iterator[Row]:
    for document in documents:
        entry = gold.get(document.id, GoldDoc(document.id))
        for context in document_contexts(document):
            offers, figures = read_records(context, document.id, None)
            rules = rule_view(offers, figures)
            featurizer = Featurizer(context, SPEC)
            for candidate in find_candidates(context):
                is_money = candidate.money is not None
                said = candidate.start in (rules.offers if is_money else rules.figures)
                label, kind = _gold_match(document, entry, candidate)
                yield Row(
                    document.id,
                    "offer" if is_money else "figure",
                    said,
                    label,
                    kind,
                    featurizer.features(candidate, rules),
                )


def _matrix(rows: list[Row]) -> Any:
    indptr, indices = [0], []
    for row in rows:
        indices.extend(sorted(row.features))
        indptr.append(len(indices))
    data = np.ones(len(indices), dtype=np.float64)
    return csr_matrix((data, indices, indptr), shape=(len(rows), 1 << SPEC.bits))


def _model(c: float, class_weight: str | None) -> LogisticRegression:
    return LogisticRegression(
        C=c, class_weight=class_weight, solver="liblinear", max_iter=2000, random_state=SEED
    )


def _kind_model(c: float) -> LogisticRegression:
    return LogisticRegression(C=c, solver="lbfgs", max_iter=3000, random_state=SEED)


def _folds(docs: list[str]) -> list[tuple[set[str], set[str]]]:
    """Document folds: the same for every head and every setting."""
    ids = sorted(set(docs))
    split = GroupKFold(n_splits=FOLDS).split(np.zeros(len(ids)), groups=np.array(ids))
    return [({ids[i] for i in train}, {ids[i] for i in test}) for train, test in split]


def _f1(tp: int, predicted: int, n_gold: int) -> float:
    precision = tp / predicted if predicted else 0.0
    recall = tp / n_gold if n_gold else 0.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def choose_head(
    rows: list[Row], n_gold: int, folds: list[tuple[set[str], set[str]]]
) -> dict[str, Any]:
    """Regularisation and class weighting by the best cross-validated F1 of rules and model
    together, counted on candidates (the add threshold at its best for each)."""
    label = np.array([row.label for row in rows])
    rule = np.array([row.rule for row in rows])
    docs = np.array([row.doc for row in rows])
    matrix = _matrix(rows)
    best: tuple[float, float] | None = None
    chosen: dict[str, Any] = {}
    for c in C_GRID:
        for class_weight in CLASS_WEIGHTS:
            probability = np.zeros(len(rows))
            for train_docs, test_docs in folds:
                train = np.isin(docs, list(train_docs))
                test = np.isin(docs, list(test_docs))
                model = _model(c, class_weight).fit(matrix[train], label[train])
                probability[test] = model.predict_proba(matrix[test])[:, 1]
            f1 = max(
                _f1(int((keep & label).sum()), int(keep.sum()), n_gold)
                for keep in (rule | (~rule & (probability >= add)) for add in ADD_GRID)
            )
            if best is None or (round(f1, 4), -c) > best:
                best = (round(f1, 4), -c)
                chosen = {"C": c, "class_weight": class_weight, "candidate_cv_f1": round(f1, 4)}
    return chosen


def choose_kind_c(rows: list[Row], folds: list[tuple[set[str], set[str]]]) -> dict[str, Any]:
    kinds = np.array([row.kind for row in rows])
    docs = np.array([row.doc for row in rows])
    matrix = _matrix(rows)
    best: tuple[float, float] | None = None
    for c in C_GRID:
        correct = 0
        for train_docs, test_docs in folds:
            train = np.isin(docs, list(train_docs))
            test = np.isin(docs, list(test_docs))
            model = _kind_model(c).fit(matrix[train], kinds[train])
            correct += int((model.predict(matrix[test]) == kinds[test]).sum())
        accuracy = correct / len(rows)
        if best is None or (round(accuracy, 4), -c) > best:
            best = (round(accuracy, 4), -c)
    assert best is not None
    return {"C": -best[1], "candidate_cv_accuracy": best[0]}


def _head(model: LogisticRegression, add: float, drop: float | None) -> Head:
    return Head(float(model.intercept_[0]), tuple(float(w) for w in model.coef_[0]), add, drop)


def _kind_head(model: LogisticRegression, scope: str) -> KindHead:
    return KindHead(
        labels=tuple(KINDS[label] for label in model.classes_),
        biases=tuple(float(b) for b in model.intercept_),
        weights=tuple(tuple(float(w) for w in row) for row in model.coef_),
        scope=scope,
    )


def _fit(rows: list[Row], chosen: dict[str, Any]) -> LogisticRegression:
    label = np.array([row.label for row in rows])
    return _model(chosen["C"], chosen["class_weight"]).fit(_matrix(rows), label)


def _fit_kind(rows: list[Row], c: float) -> LogisticRegression:
    return _kind_model(c).fit(_matrix(rows), np.array([row.kind for row in rows]))


def choose_thresholds(
    documents: list[Document],
    gold: dict[str, GoldDoc],
    rows: list[Row],
    folds: list[tuple[set[str], set[str]]],
    choices: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    """The add and drop thresholds and the kind head's scope, by cross-validation of the
    whole extractor as `recruitwatch eval` scores it (kind, dedup and all)."""
    fold_models = []
    for train_docs, _ in folds:
        train = [row for row in rows if row.doc in train_docs]
        offer_rows = [row for row in train if row.head == "offer"]
        fold_models.append(
            (
                _fit(offer_rows, choices["offer"]),
                _fit([row for row in train if row.head == "figure"], choices["figure"]),
                _fit_kind([row for row in offer_rows if row.label], choices["kind"]["C"]),
            )
        )
    contexts = {document.id: document_contexts(document) for document in documents}

    # Weights become tuples once per fold; each setting then only swaps its thresholds.
    fold_scorers = [
        Scorer(SPEC, _head(offer, 1.0, None), _head(figure, 1.0, None), _kind_head(kind, "none"))
        for offer, figure, kind in fold_models
    ]

    def run(add: float, drop: float | None, scope: str) -> EvalReport:
        report = EvalReport()
        for (_, test_docs), fold_scorer in zip(folds, fold_scorers, strict=True):
            assert fold_scorer.kind is not None
            scorer = replace(
                fold_scorer,
                offer=replace(fold_scorer.offer, add=add, drop=drop),
                figure=replace(fold_scorer.figure, add=add),
                kind=replace(fold_scorer.kind, scope=scope),
            )
            for document in documents:
                if document.id not in test_docs:
                    continue
                offers: list[Offer] = []
                figures: list[Figure] = []
                for context in contexts[document.id]:
                    found_offers, found_figures = read_records(context, document.id, scorer)
                    offers += found_offers
                    figures += found_figures
                extraction = Extraction(document=document, offers=offers, figures=figures)
                result, attributes = score_document(
                    document, gold.get(document.id, GoldDoc(document.id)), extraction
                )
                report.add(result, attributes)
        return report

    results: list[tuple[float, float | None, str, EvalReport]] = []
    for scope in KIND_SCOPES:
        for add in ADD_GRID:
            results.append((add, None, scope, run(add, None, scope)))
    for line in _table(results):
        print(line)
    # Ties go to the simpler choice: no drop, no kind head, a higher add threshold.
    scope_rank = {scope: rank for rank, scope in enumerate(reversed(KIND_SCOPES))}
    offer_add, _, scope, _ = max(
        results, key=lambda r: (round(r[3].offers.f1, 4), scope_rank[r[2]], r[0])
    )
    figure_add, _, _, _ = max(
        (r for r in results if r[2] == "none"), key=lambda r: (round(r[3].figures.f1, 4), r[0])
    )
    drops = [r for r in results if r[0] == offer_add and r[2] == scope]
    for drop in DROP_GRID[1:]:
        drops.append((offer_add, drop, scope, run(offer_add, drop, scope)))
    for line in _table(drops[1:]):
        print(line)
    _, drop, _, _ = max(drops, key=lambda r: (round(r[3].offers.f1, 4), r[1] is None))
    rules_alone = next(r[3] for r in results if r[0] > 1 and r[2] == "none")
    best = next(r[3] for r in drops if r[1] == drop)
    figures_best = next(r[3] for r in results if r[0] == figure_add and r[2] == "none")
    return {
        "offer_add": offer_add,
        "offer_drop": drop,
        "figure_add": figure_add,
        "kind_scope": scope,
        "cv": {
            "rules_alone": _summary(rules_alone),
            "offers_with_model": _summary(best)["offers"],
            "figures_with_model": _summary(figures_best)["figures"],
        },
    }


def _summary(report: EvalReport) -> dict[str, Any]:
    out: dict[str, Any] = {"offers": _prf(report.offers), "figures": _prf(report.figures)}
    for language, (offers, figures) in sorted(report.by_language.items()):
        out[language] = {"offers": _prf(offers), "figures": _prf(figures)}
    return out


def _prf(score: Any) -> list[float]:
    return [round(score.precision, 3), round(score.recall, 3), round(score.f1, 3)]


def _table(results: list[tuple[float, float | None, str, EvalReport]]) -> list[str]:
    return [
        f"add {add:<5} drop {drop!s:<5} kind {scope:<6} offers P/R/F1 {_prf(r.offers)} "
        f"figures {_prf(r.figures)}"
        for add, drop, scope, r in results
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="folder with docs/*.json and gold.jsonl")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the data file to write")
    args = parser.parse_args(argv)
    documents = list(load_documents(args.corpus / "docs"))
    gold = load_gold(args.corpus / "gold.jsonl")
    held = holdout_ids(documents)
    tune = [document for document in documents if document.id not in held]
    rows = list(collect_rows(tune, gold))
    folds = _folds([document.id for document in tune])
    n_gold = {
        "offer": sum(len(gold[d.id].offers) for d in tune if d.id in gold),
        "figure": sum(len(gold[d.id].figures) for d in tune if d.id in gold),
    }
    by_head = {head: [row for row in rows if row.head == head] for head in ("offer", "figure")}
    choices = {head: choose_head(by_head[head], n_gold[head], folds) for head in by_head}
    kind_rows = [row for row in by_head["offer"] if row.label]
    choices["kind"] = choose_kind_c(kind_rows, folds)
    print(f"{len(tune)} tune documents, {len(rows)} candidates; {choices}")
    thresholds = choose_thresholds(tune, gold, rows, folds, choices)
    print(thresholds)
    offer = _fit(by_head["offer"], choices["offer"])
    figure = _fit(by_head["figure"], choices["figure"])
    kind = _fit_kind(kind_rows, choices["kind"]["C"])
    digest = hashlib.sha256()
    for document in tune:
        digest.update(document.id.encode() + b"\0" + document.text.encode() + b"\0")
    data = {
        "format": FORMAT,
        "spec": asdict(SPEC),
        "offer": _head_data(offer, thresholds["offer_add"], thresholds["offer_drop"]),
        "figure": _head_data(figure, thresholds["figure_add"], None),
        "kind": {
            "labels": [str(label) for label in kind.classes_],
            "biases": [round(float(b), 6) for b in kind.intercept_],
            "weights": [encode_weights(float(w) for w in row) for row in kind.coef_],
            "scope": thresholds["kind_scope"],
        },
        "about": {
            "trained_on": f"{args.corpus.name}: tune part, {len(tune)} documents",
            "tune_sha256": digest.hexdigest(),
            "seed": SEED,
            "folds": FOLDS,
            "sklearn": sklearn.__version__,
            "settings": choices,
            "cross_validation": thresholds["cv"],
        },
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size:,} bytes)")
    return 0


def _head_data(model: LogisticRegression, add: float, drop: float | None) -> dict[str, Any]:
    return {
        "bias": round(float(model.intercept_[0]), 6),
        "weights": encode_weights(float(w) for w in model.coef_[0]),
        "add": add,
        "drop": drop,
    }


if __name__ == "__main__":
    raise SystemExit(main())
