"""Score the extractor against a gold-annotated corpus.

A corpus folder holds `docs/<id>.json` (`{id, url, title, published, language, text}`) and
`gold.jsonl` (one `{doc, offers, figures}` line per document; a document without a line has empty
gold). `evaluate_corpus` runs the extractor over every document and returns an `EvalReport`;
`format_report` renders it as a plain-text table. The seed layout (one text plus one gold file)
goes through `load_gold` and `evaluate_documents`.

Matching, per document and one-to-one:

* an offer matches a gold offer when `kind` and `currency` are equal and the amount is within 0.5%
  of the gold amount; a figure matches when `unit` is equal and the quantity is within 0.5%.
  `amount_max` / `quantity_max` play no part.
* Among candidate pairs we take a maximum matching (augmenting paths), trying for each gold record
  first the prediction whose evidence overlaps the gold sentence, then the closest value, so equal
  amounts from different sentences pair up with the right sentence; then, for offers, the one
  with the gold payer region, so equal amounts of two regions in one sentence pair up by region.

Scores: precision = tp / (tp + fp) and recall = tp / (tp + fn); when the denominator is 0 (no
predictions, resp. no gold) the score is 1.0 if the other side is also empty, else 0.0, so a clean
negative document scores perfect and a missed or invented record scores 0. F1 is 0.0 when
precision + recall is 0.

Attributes are scored on matched records only, overall and per language; a gold null is skipped
(not in `n`). The free-text ones (`target`, `offered_by`, `region`) are correct when the prediction
is non-empty and one string contains the other, ignoring case and runs of whitespace. The keys of
guide version 2 (offers: `recipient`, `payer_level`, `payer_region`, `target_origin`,
`target_country`, `previous`; figures: `category`) need an exact match; `previous` is a flag, so
an absent gold value is false and always scored. With `n == 0` accuracy is 1.0, as above.

A gold record marked `misprint: true` is not scored: a prediction matched to it is neither a hit
nor a false alarm, leaving it unmatched is no miss, and its attributes are not counted.

Offers are also scored per kind: a hit and a miss count under the gold kind, a false alarm under
the predicted one (a match needs equal kinds, so a wrong kind is a miss and a false alarm).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from recruitwatch.errors import CorpusError
from recruitwatch.extract import extract_document
from recruitwatch.model import (
    FIGURE_CATEGORIES,
    OFFER_GUIDE_KEYS,
    OFFER_KINDS,
    PAYER_LEVELS,
    RECIPIENTS,
    TARGET_ORIGINS,
    Document,
    Extraction,
    Offer,
)

Extractor = Callable[[Document], Extraction]

TOLERANCE = 0.005  # relative to the gold value; amounts in the news are rounded, conversions not
ATTRIBUTES: tuple[str, ...] = ("target", "offered_by", "region")  # free text, by containment
OFFER_KEYS = OFFER_GUIDE_KEYS
FIGURE_KEYS: tuple[str, ...] = ("category",)
ALL_ATTRIBUTES: tuple[str, ...] = ATTRIBUTES + OFFER_KEYS + FIGURE_KEYS
# Closed vocabularies a gold value must come from; the ISO codes are checked for shape only.
_VOCABULARIES: dict[str, tuple[str, ...]] = {
    "recipient": RECIPIENTS,
    "payer_level": PAYER_LEVELS,
    "target_origin": TARGET_ORIGINS,
    "category": FIGURE_CATEGORIES,
}
_FLOAT_SLACK = 1e-9  # so an amount exactly 0.5% off still matches despite float rounding


@dataclass(frozen=True, slots=True)
class GoldOffer:
    kind: str
    amount: float
    currency: str
    evidence: str
    amount_max: float | None = None
    usd_stated: float | None = None
    offered_by: str | None = None
    target: str | None = None
    region: str | None = None
    recipient: str | None = None
    payer_level: str | None = None
    payer_region: str | None = None
    target_origin: str | None = None
    target_country: str | None = None
    previous: bool = False
    misprint: bool = False


@dataclass(frozen=True, slots=True)
class GoldFigure:
    quantity: float
    unit: str
    evidence: str
    quantity_max: float | None = None
    subject: str | None = None
    source: str | None = None
    category: str | None = None
    misprint: bool = False


@dataclass(frozen=True, slots=True)
class GoldDoc:
    doc: str
    offers: tuple[GoldOffer, ...] = ()
    figures: tuple[GoldFigure, ...] = ()


@dataclass(slots=True)
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Score) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float:
        return _ratio(self.tp, self.tp + self.fp, other_empty=self.fn == 0)

    @property
    def recall(self) -> float:
        return _ratio(self.tp, self.tp + self.fn, other_empty=self.fp == 0)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)

    def to_dict(self) -> dict[str, Any]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


@dataclass(slots=True)
class Accuracy:
    correct: int = 0
    n: int = 0

    @property
    def accuracy(self) -> float:
        return self.correct / self.n if self.n else 1.0

    def to_dict(self) -> dict[str, Any]:
        return {"accuracy": round(self.accuracy, 4), "n": self.n}


@dataclass(frozen=True, slots=True)
class DocResult:
    """One document's outcome; the lists hold compact dicts for reading, not for re-scoring."""

    doc: str
    language: str
    offers: Score
    figures: Score
    offers_by_kind: dict[str, Score] = field(default_factory=dict)
    missed: list[dict[str, Any]] = field(default_factory=list)
    false_alarms: list[dict[str, Any]] = field(default_factory=list)
    wrong_attributes: list[dict[str, Any]] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return bool(self.missed or self.false_alarms or self.wrong_attributes)


def _new_accuracies() -> dict[str, Accuracy]:
    return {name: Accuracy() for name in ALL_ATTRIBUTES}


def _new_kind_scores() -> dict[str, Score]:
    return {kind: Score() for kind in OFFER_KINDS}


@dataclass(slots=True)
class EvalReport:
    offers: Score = field(default_factory=Score)
    figures: Score = field(default_factory=Score)
    by_language: dict[str, tuple[Score, Score]] = field(default_factory=dict)
    attributes: dict[str, Accuracy] = field(default_factory=_new_accuracies)
    attributes_by_language: dict[str, dict[str, Accuracy]] = field(default_factory=dict)
    offers_by_kind: dict[str, Score] = field(default_factory=_new_kind_scores)
    documents: list[DocResult] = field(default_factory=list)

    def add(self, result: DocResult, attributes: Mapping[str, Accuracy]) -> None:
        self.documents.append(result)
        self.offers.add(result.offers)
        self.figures.add(result.figures)
        offers, figures = self.by_language.setdefault(result.language, (Score(), Score()))
        offers.add(result.offers)
        figures.add(result.figures)
        for kind, score in result.offers_by_kind.items():
            self.offers_by_kind[kind].add(score)
        in_language = self.attributes_by_language.setdefault(result.language, _new_accuracies())
        for name, acc in attributes.items():
            for tally in (self.attributes[name], in_language[name]):
                tally.correct += acc.correct
                tally.n += acc.n

    def to_dict(self) -> dict[str, Any]:
        """Scores as plain JSON; `details` lists only the documents with a miss or false alarm."""
        return {
            "offers": self.offers.to_dict(),
            "figures": self.figures.to_dict(),
            "by_language": {
                lang: {
                    "offers": offers.to_dict(),
                    "figures": figures.to_dict(),
                    "attributes": {
                        name: acc.to_dict()
                        for name, acc in self.attributes_by_language[lang].items()
                    },
                }
                for lang, (offers, figures) in sorted(self.by_language.items())
            },
            "attributes": {name: acc.to_dict() for name, acc in self.attributes.items()},
            "offers_by_kind": {kind: s.to_dict() for kind, s in self.offers_by_kind.items()},
            "details": [
                {
                    "doc": r.doc,
                    "language": r.language,
                    "missed": r.missed,
                    "false_alarms": r.false_alarms,
                    "wrong_attributes": r.wrong_attributes,
                }
                for r in self.documents
                if r.has_errors
            ],
        }


# --- loading -------------------------------------------------------------------------------


def load_gold(path: Path) -> dict[str, GoldDoc]:
    """Gold annotations from one jsonl file, by document id."""
    if not path.is_file():
        raise CorpusError(
            "gold file not found; expected one {doc, offers, figures} per line", source=str(path)
        )
    gold: dict[str, GoldDoc] = {}
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            entry = _parse_gold_line(line, where)
            if entry.doc in gold:
                raise CorpusError(f"second gold line for document {entry.doc!r}", source=where)
            gold[entry.doc] = entry
    return gold


def load_documents(docs_dir: Path) -> Iterator[Document]:
    """Documents from `docs/*.json`, in file-name order, read one at a time."""
    if not docs_dir.is_dir():
        raise CorpusError(
            "no docs folder; a corpus holds docs/<id>.json and gold.jsonl", source=str(docs_dir)
        )
    for path in sorted(docs_dir.glob("*.json")):
        yield _parse_document(path)


def _parse_gold_line(line: str, where: str) -> GoldDoc:
    try:
        raw = json.loads(line)
    except json.JSONDecodeError as exc:
        raise CorpusError(f"not valid JSON ({exc.msg})", source=where) from None
    if not isinstance(raw, dict):
        raise CorpusError("expected a JSON object {doc, offers, figures}", source=where)
    doc = raw.get("doc")
    if not isinstance(doc, str) or not doc:
        raise CorpusError('missing "doc" (the document id)', source=where)
    offers = [
        _parse_offer(item, f"{where} offers[{i}]")
        for i, item in enumerate(_list(raw, "offers", where))
    ]
    figures = [
        _parse_figure(item, f"{where} figures[{i}]")
        for i, item in enumerate(_list(raw, "figures", where))
    ]
    return GoldDoc(doc=doc, offers=tuple(offers), figures=tuple(figures))


def _list(raw: Mapping[str, Any], key: str, where: str) -> list[Any]:
    value = raw.get(key, [])
    if not isinstance(value, list):
        raise CorpusError(f'"{key}" must be a list', source=where)
    return value


def _parse_offer(raw: Any, where: str) -> GoldOffer:
    if not isinstance(raw, dict):
        raise CorpusError("an offer must be a JSON object", source=where)
    kind = _text(raw, "kind", where)
    if kind not in OFFER_KINDS:
        raise CorpusError(
            f"unknown kind {kind!r}; use one of {', '.join(OFFER_KINDS)}", source=where
        )
    return GoldOffer(
        kind=kind,
        amount=_number(raw, "amount", where),
        currency=_text(raw, "currency", where),
        evidence=_text(raw, "evidence", where),
        amount_max=_optional_number(raw, "amount_max", where),
        usd_stated=_optional_number(raw, "usd_stated", where),
        offered_by=_optional_text(raw, "offered_by", where),
        target=_optional_text(raw, "target", where),
        region=_optional_text(raw, "region", where),
        recipient=_vocabulary(raw, "recipient", where),
        payer_level=_vocabulary(raw, "payer_level", where),
        payer_region=_optional_text(raw, "payer_region", where),
        target_origin=_vocabulary(raw, "target_origin", where),
        target_country=_optional_text(raw, "target_country", where),
        previous=_flag(raw, "previous", where),
        misprint=_flag(raw, "misprint", where),
    )


def _parse_figure(raw: Any, where: str) -> GoldFigure:
    if not isinstance(raw, dict):
        raise CorpusError("a figure must be a JSON object", source=where)
    return GoldFigure(
        quantity=_number(raw, "quantity", where),
        unit=_text(raw, "unit", where),
        evidence=_text(raw, "evidence", where),
        quantity_max=_optional_number(raw, "quantity_max", where),
        subject=_optional_text(raw, "subject", where),
        source=_optional_text(raw, "source", where),
        category=_vocabulary(raw, "category", where),
        misprint=_flag(raw, "misprint", where),
    )


def _parse_document(path: Path) -> Document:
    where = str(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CorpusError(f"not a valid UTF-8 JSON document ({exc})", source=where) from None
    if not isinstance(raw, dict):
        raise CorpusError(
            "expected a JSON object {id, url, title, published, language, text}", source=where
        )
    published = _optional_text(raw, "published", where)
    try:
        day = date.fromisoformat(published) if published else None
    except ValueError:
        raise CorpusError(
            f'"published" must be YYYY-MM-DD or null, not {published!r}', source=where
        ) from None
    return Document.from_text(
        _text(raw, "text", where),
        id=_text(raw, "id", where),
        url=_optional_text(raw, "url", where),
        title=_optional_text(raw, "title", where),
        published=day,
        language=_text(raw, "language", where),
    )


def _text(raw: Mapping[str, Any], key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value:
        raise CorpusError(f'"{key}" must be a non-empty string', source=where)
    return value


def _optional_text(raw: Mapping[str, Any], key: str, where: str) -> str | None:
    value = raw.get(key)
    if value is not None and not isinstance(value, str):
        raise CorpusError(f'"{key}" must be a string or null', source=where)
    return value


def _vocabulary(raw: Mapping[str, Any], key: str, where: str) -> str | None:
    value = _optional_text(raw, key, where)
    allowed = _VOCABULARIES[key]
    if value is not None and value not in allowed:
        raise CorpusError(
            f"unknown {key} {value!r}; use one of {', '.join(allowed)} or null", source=where
        )
    return value


def _flag(raw: Mapping[str, Any], key: str, where: str) -> bool:
    value = raw.get(key, False)
    if not isinstance(value, bool):
        raise CorpusError(f'"{key}" must be true or false', source=where)
    return value


def _number(raw: Mapping[str, Any], key: str, where: str) -> float:
    value = _optional_number(raw, key, where)
    if value is None:
        raise CorpusError(f'"{key}" is required', source=where)
    return value


def _optional_number(raw: Mapping[str, Any], key: str, where: str) -> float | None:
    value = raw.get(key)
    if value is None:
        return None
    # bool is an int subclass; `true` as an amount is a typo, not 1.
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise CorpusError(f'"{key}" must be a finite number', source=where)
    return float(value)


# --- scoring -------------------------------------------------------------------------------


PARTS = ("all", "tune", "holdout")
HOLDOUT_EVERY = 5  # every fifth document by id, per language, is held out from tuning


def holdout_ids(documents: Iterable[Document]) -> set[str]:
    """The fixed held-out fifth: per language, ids sorted, every fifth one (the 5th, 10th, ...)."""
    by_language: dict[str, list[str]] = {}
    for document in documents:
        by_language.setdefault(document.language or "", []).append(document.id)
    return {
        doc_id
        for ids in by_language.values()
        for position, doc_id in enumerate(sorted(ids), start=1)
        if position % HOLDOUT_EVERY == 0
    }


def evaluate_corpus(
    corpus_dir: Path, extractor: Extractor = extract_document, *, part: str = "all"
) -> EvalReport:
    """Run `extractor` over `corpus_dir/docs/*.json`; score it against `gold.jsonl` there.

    `part` picks the documents: `all`, `tune` (the four fifths rules are written against) or
    `holdout` (the fixed fifth whose scores, never its errors, are read).
    """
    if part not in PARTS:
        raise CorpusError(f"part must be one of {', '.join(PARTS)}, not {part!r}")
    if not corpus_dir.is_dir():
        raise CorpusError(
            "corpus folder not found; it should hold docs/<id>.json and gold.jsonl",
            source=str(corpus_dir),
        )
    gold = load_gold(corpus_dir / "gold.jsonl")
    documents = list(load_documents(corpus_dir / "docs"))
    if part != "all":
        held = holdout_ids(documents)
        documents = [d for d in documents if (d.id in held) == (part == "holdout")]
        kept = {d.id for d in documents}
        gold = {doc_id: entry for doc_id, entry in gold.items() if doc_id in kept}
    return evaluate_documents(
        documents, gold, extractor, gold_source=str(corpus_dir / "gold.jsonl")
    )


def evaluate_documents(
    documents: Iterable[Document],
    gold: Mapping[str, GoldDoc],
    extractor: Extractor = extract_document,
    *,
    gold_source: str | None = None,
) -> EvalReport:
    """Score `extractor` on `documents`; every gold entry must name one of them."""
    report = EvalReport()
    seen: set[str] = set()
    for document in documents:
        if document.id in seen:
            raise CorpusError(f"two documents with id {document.id!r}; ids must be unique")
        seen.add(document.id)
        extraction = extractor(document)
        result, attributes = score_document(
            document, gold.get(document.id, GoldDoc(document.id)), extraction
        )
        report.add(result, attributes)
    missing = sorted(set(gold) - seen)
    if missing:
        raise CorpusError(
            f"gold names documents that are not in the corpus: {', '.join(missing)}",
            source=gold_source,
        )
    return report


def score_document(
    document: Document, gold: GoldDoc, extraction: Extraction
) -> tuple[DocResult, dict[str, Accuracy]]:
    """Match one document's predictions to its gold; attribute tallies come back separately."""
    text = document.text
    offer_pairs = _match(
        [(g.amount, _span(text, g.evidence), (g.kind, g.currency)) for g in gold.offers],
        [
            (p.amount, (p.evidence.start, p.evidence.end), (p.kind, p.currency))
            for p in extraction.offers
        ],
        lambda i, j: _same_payer(gold.offers[i], extraction.offers[j]),
    )
    figure_pairs = _match(
        [(g.quantity, _span(text, g.evidence), g.unit) for g in gold.figures],
        [(p.quantity, (p.evidence.start, p.evidence.end), p.unit) for p in extraction.figures],
    )
    offer_misprints = {i for i, g in enumerate(gold.offers) if g.misprint}
    figure_misprints = {i for i, g in enumerate(gold.figures) if g.misprint}
    result = DocResult(
        doc=document.id,
        language=document.language,
        offers=_score(offer_pairs, len(gold.offers), len(extraction.offers), offer_misprints),
        figures=_score(figure_pairs, len(gold.figures), len(extraction.figures), figure_misprints),
        offers_by_kind=_score_by_kind(gold, extraction, offer_pairs, offer_misprints),
    )
    _list_misses(result, gold, extraction, offer_pairs, figure_pairs)
    attributes = {name: Accuracy() for name in ALL_ATTRIBUTES}
    for g_index, p_index in offer_pairs.items():
        want, got = gold.offers[g_index], extraction.offers[p_index]
        if not want.misprint:
            _tally(result, attributes, want.amount, want, got, ATTRIBUTES + OFFER_KEYS)
    for g_index, p_index in figure_pairs.items():
        want_figure, got_figure = gold.figures[g_index], extraction.figures[p_index]
        if not want_figure.misprint:
            _tally(result, attributes, want_figure.quantity, want_figure, got_figure, FIGURE_KEYS)
    return result, attributes


def _tally(
    result: DocResult,
    attributes: Mapping[str, Accuracy],
    value: float,
    expected: object,
    predicted: object,
    names: Iterable[str],
) -> None:
    """Count each named attribute of one matched pair; list the wrong ones in the details."""
    for name in names:
        want, got = getattr(expected, name), getattr(predicted, name)
        if want is None:
            continue
        attributes[name].n += 1
        right = _contains_either(want, got) if name in ATTRIBUTES else want == got
        if right:
            attributes[name].correct += 1
        else:
            result.wrong_attributes.append(
                {"attribute": name, "amount": value, "gold": want, "predicted": got}
            )


def _score_by_kind(
    gold: GoldDoc, extraction: Extraction, pairs: Mapping[int, int], misprints: set[int]
) -> dict[str, Score]:
    scores = _new_kind_scores()
    taken = set(pairs.values())
    for i, g in enumerate(gold.offers):
        if i in misprints:
            continue
        if i in pairs:
            scores[g.kind].tp += 1
        else:
            scores[g.kind].fn += 1
    for j, p in enumerate(extraction.offers):
        if j not in taken:
            scores[p.kind].fp += 1
    return scores


def _match(
    gold: Sequence[tuple[float, tuple[int, int] | None, object]],
    predicted: Sequence[tuple[float, tuple[int, int], object]],
    agree: Callable[[int, int], bool] | None = None,
) -> dict[int, int]:
    """Maximum one-to-one matching of (value, span, key) records: gold index -> predicted index.
    Among equally close candidates, one that `agree`s with the gold record comes first."""
    candidates: list[list[int]] = []
    for i, (value, span, key) in enumerate(gold):
        options = [
            (
                not _overlaps(span, p_span),
                abs(p_value - value),
                agree is not None and not agree(i, j),
                j,
            )
            for j, (p_value, p_span, p_key) in enumerate(predicted)
            if p_key == key and _within(p_value, value)
        ]
        candidates.append([j for *_, j in sorted(options)])
    owner: dict[int, int] = {}  # predicted index -> gold index

    def augment(i: int, visited: set[int]) -> bool:
        # Kuhn's algorithm: take a free prediction, or move its current owner to another one.
        for j in candidates[i]:
            if j in visited:
                continue
            visited.add(j)
            if j not in owner or augment(owner[j], visited):
                owner[j] = i
                return True
        return False

    for i in range(len(gold)):
        augment(i, set())
    return {i: j for j, i in owner.items()}


def _same_payer(gold: GoldOffer, predicted: Offer) -> bool:
    """ "In Astrakhan and Nizhny Novgorod, 500,000": two equal amounts in one sentence pair
    up by the region that pays them."""
    return gold.payer_region is not None and gold.payer_region == predicted.payer_region


def _within(predicted: float, gold: float) -> bool:
    return abs(predicted - gold) <= abs(gold) * (TOLERANCE + _FLOAT_SLACK)


def _span(text: str, evidence: str) -> tuple[int, int] | None:
    start = text.find(evidence)
    return None if start < 0 else (start, start + len(evidence))


def _overlaps(gold: tuple[int, int] | None, predicted: tuple[int, int]) -> bool:
    return gold is not None and predicted[0] < gold[1] and gold[0] < predicted[1]


def _score(pairs: Mapping[int, int], n_gold: int, n_predicted: int, misprints: set[int]) -> Score:
    """Hits, false alarms and misses; a match to a misprint gold record counts as nothing."""
    on_misprints = len(misprints & pairs.keys())
    hits = len(pairs) - on_misprints
    return Score(
        tp=hits,
        fp=n_predicted - len(pairs),
        fn=n_gold - len(misprints) - hits,
    )


def _contains_either(gold: str, predicted: str | None) -> bool:
    want, got = _fold(gold), _fold(predicted or "")
    return bool(want and got) and (want in got or got in want)


def _fold(value: str) -> str:
    return " ".join(value.casefold().split())


def _list_misses(
    result: DocResult,
    gold: GoldDoc,
    extraction: Extraction,
    offer_pairs: Mapping[int, int],
    figure_pairs: Mapping[int, int],
) -> None:
    for i, g in enumerate(gold.offers):
        if i not in offer_pairs and not g.misprint:
            result.missed.append(_offer_line(g.kind, g.amount, g.currency, g.evidence))
    for i, f in enumerate(gold.figures):
        if i not in figure_pairs and not f.misprint:
            result.missed.append(_figure_line(f.quantity, f.unit, f.evidence))
    offers_taken, figures_taken = set(offer_pairs.values()), set(figure_pairs.values())
    for j, p in enumerate(extraction.offers):
        if j not in offers_taken:
            result.false_alarms.append(_offer_line(p.kind, p.amount, p.currency, p.evidence.text))
    for j, q in enumerate(extraction.figures):
        if j not in figures_taken:
            result.false_alarms.append(_figure_line(q.quantity, q.unit, q.evidence.text))


def _offer_line(kind: str, amount: float, currency: str, evidence: str) -> dict[str, Any]:
    return {
        "record": "offer",
        "kind": kind,
        "amount": amount,
        "currency": currency,
        "evidence": evidence,
    }


def _figure_line(quantity: float, unit: str, evidence: str) -> dict[str, Any]:
    return {"record": "figure", "quantity": quantity, "unit": unit, "evidence": evidence}


def _ratio(numerator: int, denominator: int, *, other_empty: bool) -> float:
    if denominator == 0:
        return 1.0 if other_empty else 0.0
    return numerator / denominator


# --- rendering -----------------------------------------------------------------------------


def format_report(report: EvalReport, details: bool = False) -> str:
    """Plain-text tables: overall and per-language scores, attribute accuracy; misses on request."""
    rows = [("all", "offers", report.offers), ("all", "figures", report.figures)]
    for lang, (offers, figures) in sorted(report.by_language.items()):
        rows += [(lang, "offers", offers), (lang, "figures", figures)]
    lines = [
        f"{'lang':<6}{'records':<9}{'precision':>10}{'recall':>8}{'f1':>8}{'tp':>6}{'fp':>6}{'fn':>6}"
    ]
    for lang, what, s in rows:
        lines.append(
            f"{lang:<6}{what:<9}{s.precision:>10.3f}{s.recall:>8.3f}{s.f1:>8.3f}{s.tp:>6}{s.fp:>6}{s.fn:>6}"
        )
    lines += ["", f"{'kind':<15}{'precision':>10}{'recall':>8}{'f1':>8}{'tp':>6}{'fp':>6}{'fn':>6}"]
    for kind, s in report.offers_by_kind.items():
        lines.append(
            f"{kind:<15}{s.precision:>10.3f}{s.recall:>8.3f}{s.f1:>8.3f}{s.tp:>6}{s.fp:>6}{s.fn:>6}"
        )
    languages = sorted(report.attributes_by_language)
    head = f"{'attribute':<15}{'accuracy':>10}{'n':>6}"
    lines += ["", head + "".join(f"{lang:>13}" for lang in languages)]
    for name, acc in report.attributes.items():
        cells = [_accuracy_cell(report.attributes_by_language[lang][name]) for lang in languages]
        lines.append(
            f"{name:<15}{_shown(acc):>10}{acc.n:>6}" + "".join(f"{cell:>13}" for cell in cells)
        )
    if details:
        lines += _detail_lines(report)
    return "\n".join(lines)


def _shown(acc: Accuracy) -> str:
    # n == 0 means nothing was scored; a printed 1.000 would read as a result.
    return f"{acc.accuracy:.3f}" if acc.n else "–"


def _accuracy_cell(acc: Accuracy) -> str:
    return f"{_shown(acc)} ({acc.n})"


def _detail_lines(report: EvalReport) -> list[str]:
    lines: list[str] = []
    for result in report.documents:
        if not result.has_errors:
            continue
        lines += ["", f"{result.doc} ({result.language})"]
        lines += [f"  miss   {_describe(item)}" for item in result.missed]
        lines += [f"  false  {_describe(item)}" for item in result.false_alarms]
        for w in result.wrong_attributes:
            what = f"{w['attribute']} of {w['amount']:,.10g}"
            lines.append(f"  wrong  {what}: gold {w['gold']!r}, got {w['predicted']!r}")
    return lines or ["", "no misses, false alarms or wrong attributes"]


def _describe(item: Mapping[str, Any]) -> str:
    if item["record"] == "offer":
        head = f"offer  {item['kind']} {item['amount']:,.0f} {item['currency']}"
    else:
        head = f"figure {item['quantity']:,.10g} {item['unit']}"
    return f"{head}  “{_clip(item['evidence'])}”"


def _clip(text: str, width: int = 90) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"
