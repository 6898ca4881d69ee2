"""The learned scorer: which amounts are offers and which numbers are figures, where the
rules are unsure.

Each candidate (every amount and every free number, `extract.candidates`) is described by
hashed features: the words and character n-grams of the tokens around it, its currency, its
order of magnitude, and the rules' own decision. Two logistic-regression heads, `offer` for
amounts and `figure` for numbers, give a probability. The rules stay where they are sure; an
amount or number the rules pass over is kept when its probability reaches the head's `add`
threshold, and a rule record is dropped only below `drop` (absent unless cross-validation
showed it helps). Kept records are read by the rules' own attribute code (kind, payer,
target, subject), so only the decision is learned.

The weights ship in `data/scorer.json`, written by `scripts/train_scorer.py` from the tune
part of the dev corpus. Inference is plain Python: a sum of weights over feature indexes.
"""

from __future__ import annotations

import base64
import json
import math
import re
import struct
import zlib
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from recruitwatch.errors import RecruitwatchError
from recruitwatch.extract.candidates import Candidate, find_candidates
from recruitwatch.extract.context import DocumentContext
from recruitwatch.extract.figures import read_figures
from recruitwatch.extract.offers import read_offers
from recruitwatch.model import OFFER_KINDS, Figure, Offer, OfferKind

FORMAT = 1
TOKEN = re.compile(r"\w+|[^\w\s]")
DIGIT = re.compile(r"\d")
INSIDE_TOKENS = 8  # of the amount itself ("2 млн 400 тыс. руб."): enough for its words
MODEL_RULE = "model"  # the evidence rule id of a record the scorer added

Record = TypeVar("Record", Offer, Figure)
KINDS: dict[str, OfferKind] = {kind: kind for kind in OFFER_KINDS}


@dataclass(frozen=True, slots=True)
class FeatureSpec:
    bits: int = 16  # hashed feature space of 2**bits
    window: int = 4  # tokens either side of the candidate
    char_min: int = 3
    char_max: int = 5


@dataclass(frozen=True, slots=True)
class Head:
    bias: float
    weights: tuple[float, ...]
    add: float  # keep a candidate the rules passed over at this probability or above
    drop: float | None = None  # drop a rule record below this probability; None: never

    def probability(self, features: Iterable[int]) -> float:
        score = self.bias + sum(map(self.weights.__getitem__, features))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, score))))


@dataclass(frozen=True, slots=True)
class KindHead:
    """The kind of an amount kept as an offer, for where no kind cue is near it."""

    labels: tuple[OfferKind, ...]
    biases: tuple[float, ...]
    weights: tuple[tuple[float, ...], ...]  # one row per label
    scope: str  # "added": only amounts the scorer kept; "all": every offer; "none"

    def predict(self, features: Iterable[int]) -> OfferKind:
        indexes = list(features)
        scores = [
            bias + sum(map(row.__getitem__, indexes))
            for bias, row in zip(self.biases, self.weights, strict=True)
        ]
        return self.labels[scores.index(max(scores))]


@dataclass(frozen=True, slots=True)
class Scorer:
    spec: FeatureSpec
    offer: Head
    figure: Head
    kind: KindHead | None = None
    about: dict[str, Any] = field(default_factory=dict)  # how and on what it was trained


@dataclass(frozen=True, slots=True)
class RuleView:
    """What the rules decided, by the start of the amount or number."""

    offers: dict[int, Offer]
    figures: dict[int, Figure]


class Featurizer:
    """Features of one document's candidates; tokens are split once per sentence."""

    def __init__(self, context: DocumentContext, spec: FeatureSpec):
        self.context = context
        self.spec = spec
        self.mask = (1 << spec.bits) - 1
        self._tokens: dict[int, list[tuple[int, int, str]]] = {}
        self._starts: dict[int, list[int]] = {}

    def _hash(self, feature: str) -> int:
        return _hash(feature, self.mask)

    def _sentence_tokens(self, index: int) -> tuple[list[int], list[tuple[int, int, str]]]:
        """The sentence's tokens and their starts (for bisection: a sentence of 20,000
        numbers must not cost 20,000 scans of itself)."""
        tokens = self._tokens.get(index)
        if tokens is None:
            span = self.context.sentences[index].span
            tokens = [
                (match.start(), match.end(), DIGIT.sub("0", match.group().lower())[:12])
                for match in TOKEN.finditer(self.context.text, span.start, span.end)
            ]
            self._tokens[index] = tokens
            self._starts[index] = [start for start, _, _ in tokens]
        return self._starts[index], tokens

    def _token_features(self, side: str, token: str) -> tuple[int, ...]:
        return _token_hashes(side, token, self.spec)

    def features(self, candidate: Candidate, rules: RuleView) -> set[int]:
        context, spec = self.context, self.spec
        starts, tokens = self._sentence_tokens(candidate.sentence)
        first = bisect_left(starts, candidate.start)
        after = bisect_left(starts, candidate.end, first)
        left = [token for _, _, token in tokens[max(0, first - spec.window) : first]]
        inside = [
            token
            for _, end, token in tokens[first : min(after, first + INSIDE_TOKENS)]
            if end <= candidate.end
        ]
        right = [token for _, _, token in tokens[after : after + spec.window]]
        names = [f"lang:{context.vocab.language}", f"military:{context.military}"]
        kind = "money" if candidate.money is not None else "count"
        if candidate.quantity is not None and candidate.quantity.percent:
            kind = "percent"
        magnitude = _order_of_magnitude(candidate.value)
        names += [f"type:{kind}", f"mag:{kind}:{magnitude}"]
        names += [f"in:{token}" for token in inside]
        if candidate.money is not None:
            money = candidate.money
            names += [f"cur:{money.currency}", f"curmag:{money.currency}:{magnitude}"]
            names += ["range"] if money.amount_max is not None else []
            names += ["converted"] if money.conversions else []
            names += ["follows"] if money.follows is not None else []
        elif candidate.quantity is not None and candidate.quantity.magnitude is not None:
            names.append("magword")
        offer = rules.offers.get(candidate.start)
        figure = rules.figures.get(candidate.start)
        decision = "offer" if offer is not None else "figure" if figure is not None else "none"
        names += [f"rule:{decision}", f"rule:{kind}:{decision}"]
        if offer is not None:
            names.append(f"rulekind:{offer.kind}")
        if candidate.sentence:
            previous = context.sentences[candidate.sentence - 1].span
            if context.text[previous.end - 1] == ":":
                names.append("after_header")
        names.append(f"length:{min(len(tokens) // 10, 6)}")
        hashed = {self._hash(name) for name in names}
        if left:
            hashed.add(self._hash(f"L1:{left[-1]}"))
        if right:
            hashed.add(self._hash(f"R1:{right[0]}"))
        for token in left:
            hashed.update(self._token_features("L", token))
        for token in right:
            hashed.update(self._token_features("R", token))
        return hashed


def _order_of_magnitude(value: float) -> int:
    """Digits before the point less one, 0.5 -> -1; beyond 10**15 (a run of digits) one bucket."""
    if not math.isfinite(value) or value >= 1e16:
        return 16
    return int(math.log10(value)) if value >= 1 else -1


def _hash(feature: str, mask: int) -> int:
    return zlib.crc32(feature.encode("utf-8")) & mask


@lru_cache(maxsize=1 << 16)  # words recur across documents; bounded, so memory stays flat
def _token_hashes(side: str, token: str, spec: FeatureSpec) -> tuple[int, ...]:
    """The word and its character n-grams, on one side of the candidate, hashed."""
    mask = (1 << spec.bits) - 1
    names = [f"{side}w:{token}"]
    if token.isalpha() and len(token) > 2:
        marked = f"<{token}>"
        for size in range(spec.char_min, spec.char_max + 1):
            names += [f"{side}c:{marked[i : i + size]}" for i in range(len(marked) - size + 1)]
    return tuple({_hash(name, mask) for name in names})


def rule_view(offers: list[Offer], figures: list[Figure]) -> RuleView:
    return RuleView(
        offers={offer.evidence.value_start: offer for offer in offers},
        figures={figure.evidence.value_start: figure for figure in figures},
    )


def read_records(
    context: DocumentContext, doc_id: str, scorer: Scorer | None
) -> tuple[list[Offer], list[Figure]]:
    """The rules' offers and figures, with the scorer's additions (and drops) when given."""
    offers = read_offers(context, doc_id)
    figures = read_figures(context, doc_id)
    if scorer is None:
        return offers, figures
    rules = rule_view(offers, figures)
    featurizer = Featurizer(context, scorer.spec)
    kind_scope = scorer.kind.scope if scorer.kind is not None else "none"
    offer_verdicts: dict[int, bool] = {}
    figure_verdicts: dict[int, bool] = {}
    kinds: dict[int, OfferKind] = {}
    probabilities: dict[int, float] = {}
    for candidate in find_candidates(context):
        is_money = candidate.money is not None
        head = scorer.offer if is_money else scorer.figure
        said = candidate.start in (rules.offers if is_money else rules.figures)
        rekind = is_money and kind_scope == "all"
        if (said and head.drop is None and not rekind) or (not said and head.add > 1.0):
            continue  # nothing the model could change
        features = featurizer.features(candidate, rules)
        probability = head.probability(features)
        verdicts = offer_verdicts if is_money else figure_verdicts
        if not said and probability >= head.add:
            verdicts[candidate.start] = True
            probabilities[candidate.start] = probability
        elif said and head.drop is not None and probability < head.drop:
            verdicts[candidate.start] = False
        kept = said or verdicts.get(candidate.start, False)
        hinted = kind_scope == "all" or (kind_scope == "added" and not said)
        if scorer.kind is not None and is_money and kept and hinted:
            kinds[candidate.start] = scorer.kind.predict(features)
    if offer_verdicts or kinds:
        found = read_offers(context, doc_id, offer_verdicts, kinds)
        offers = _marked(found, rules.offers, probabilities)
    if figure_verdicts:
        figures = _marked(
            read_figures(context, doc_id, figure_verdicts), rules.figures, probabilities
        )
    return offers, figures


def _marked(
    records: list[Record], by_rules: Mapping[int, Offer | Figure], probabilities: dict[int, float]
) -> list[Record]:
    """Records the rules did not make carry the model's rule id and its probability."""
    marked: list[Record] = []
    for record in records:
        start = record.evidence.value_start
        if start in by_rules or start not in probabilities:
            marked.append(record)
            continue
        rule = f"{MODEL_RULE}.{record.evidence.rule}"
        marked.append(
            replace(
                record,
                evidence=replace(record.evidence, rule=rule),
                confidence=round(probabilities[start], 2),
            )
        )
    return marked


# --- the data file -----------------------------------------------------------------------------


def encode_weights(weights: Iterable[float]) -> str:
    """Half-precision floats, deflated (unseen hash slots are zero), in base64."""
    values = list(weights)
    packed = zlib.compress(struct.pack(f"<{len(values)}e", *values), 9)
    return base64.b64encode(packed).decode("ascii")


def decode_weights(encoded: str, size: int) -> tuple[float, ...]:
    raw = zlib.decompress(base64.b64decode(encoded))
    if len(raw) != 2 * size:
        raise RecruitwatchError(f"scorer weights hold {len(raw) // 2} values, expected {size}")
    return struct.unpack(f"<{size}e", raw)


def scorer_from_dict(raw: dict[str, Any]) -> Scorer:
    if raw.get("format") != FORMAT:
        raise RecruitwatchError(
            f"scorer data format {raw.get('format')!r} is not {FORMAT}; retrain with "
            "scripts/train_scorer.py"
        )
    spec = FeatureSpec(**raw["spec"])
    size = 1 << spec.bits

    def head(entry: dict[str, Any]) -> Head:
        return Head(
            bias=float(entry["bias"]),
            weights=decode_weights(entry["weights"], size),
            add=float(entry["add"]),
            drop=None if entry.get("drop") is None else float(entry["drop"]),
        )

    kind: KindHead | None = None
    if raw.get("kind"):
        entry = raw["kind"]
        labels = tuple(entry["labels"])
        unknown = set(labels) - set(OFFER_KINDS)
        if unknown:
            raise RecruitwatchError(f"scorer data names unknown offer kinds {sorted(unknown)}")
        kind = KindHead(
            labels=tuple(KINDS[label] for label in labels),
            biases=tuple(float(bias) for bias in entry["biases"]),
            weights=tuple(decode_weights(row, size) for row in entry["weights"]),
            scope=str(entry["scope"]),
        )
    return Scorer(spec, head(raw["offer"]), head(raw["figure"]), kind, dict(raw.get("about", {})))


def load_scorer_file(path: Path) -> Scorer:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise RecruitwatchError(f"cannot read the scorer data {path}: {exc}") from None
    return scorer_from_dict(raw)


@cache
def default_scorer() -> Scorer:
    """The shipped scorer, read once per process."""
    data = resources.files("recruitwatch.extract").joinpath("data/scorer.json")
    return scorer_from_dict(json.loads(data.read_text(encoding="utf-8")))
