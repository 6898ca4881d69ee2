"""The learned scorer: its shipped data file, determinism, and what it adds to the rules."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from recruitwatch.errors import RecruitwatchError
from recruitwatch.extract import document_contexts, extract_document
from recruitwatch.extract.candidates import find_candidates
from recruitwatch.extract.scorer import (
    MODEL_RULE,
    Featurizer,
    decode_weights,
    default_scorer,
    encode_weights,
    read_records,
    rule_view,
    scorer_from_dict,
)
from recruitwatch.model import Document
from recruitwatch.settings import DEFAULT_SCORER, Settings

ARMY = "Russia is recruiting soldiers for its war in Ukraine. "


def test_the_shipped_scorer_loads_and_is_small() -> None:
    data = resources.files("recruitwatch.extract").joinpath("data/scorer.json")
    assert len(data.read_bytes()) < 400_000  # a few hundred KB at most
    scorer = default_scorer()
    size = 1 << scorer.spec.bits
    assert len(scorer.offer.weights) == len(scorer.figure.weights) == size
    assert 0.0 < scorer.offer.add <= 1.01
    assert 0.0 < scorer.figure.add <= 1.01
    assert "tune part" in scorer.about["trained_on"]


def test_a_data_file_of_another_format_is_a_clear_error() -> None:
    with pytest.raises(RecruitwatchError, match="retrain"):
        scorer_from_dict({"format": 999})


def test_weights_round_trip_in_half_precision() -> None:
    weights = [0.0, 1.5, -2.25, 0.0, 3.0e-3]
    decoded = decode_weights(encode_weights(weights), len(weights))
    assert decoded == pytest.approx(weights, rel=1e-3, abs=1e-5)
    with pytest.raises(RecruitwatchError):
        decode_weights(encode_weights(weights), 8)


def test_candidates_keep_every_amount_and_number() -> None:
    text = ARMY + "The city pays 300,000 rubles. About 1,200 men signed up, 15% more than in May."
    (context,) = document_contexts(Document.from_text(text, id="t"))
    values = sorted(candidate.value for candidate in find_candidates(context))
    assert values == [15, 1_200, 300_000]
    money = [c for c in find_candidates(context) if c.money is not None]
    assert [(c.value, c.money.currency) for c in money if c.money] == [(300_000, "RUB")]


def test_scoring_is_deterministic() -> None:
    text = (
        ARMY + "Volunteers from the region are paid 250,000 rubles on top of their salary. "
        "Some 3,000 men have gone to the front since spring."
    )
    document = Document.from_text(text, id="t")
    first = extract_document(document, scorer=True)
    second = extract_document(document, scorer=True)
    assert first == second
    (context,) = document_contexts(document)
    offers, figures = read_records(context, "t", None)
    rules = rule_view(offers, figures)
    scorer = default_scorer()
    for candidate in find_candidates(context):
        one = Featurizer(context, scorer.spec).features(candidate, rules)
        other = Featurizer(context, scorer.spec).features(candidate, rules)
        assert one == other
        assert scorer.offer.probability(one) == scorer.offer.probability(other)


# Amounts per region with no payment word of their own: the rules pass them over.
MISSED = [
    (
        ARMY + "In the Kaluga region, it now amounts to 700,000 roubles, and in the Tula region "
        "to 600,000 roubles, the regional authorities said.",
        700_000,
    ),
    (
        "Армия набирает добровольцев. В Калужской области теперь платят 700 тыс. рублей, а в "
        "Тульской — 600 тыс. рублей, сообщили власти регионов в четверг вечером.",
        600_000,
    ),
]


@pytest.mark.parametrize(("text", "amount"), MISSED)
def test_the_scorer_finds_an_offer_the_rules_miss(text: str, amount: float) -> None:
    language = "ru" if "Армия" in text else "en"
    document = Document.from_text(text, id="t", language=language)
    assert extract_document(document, scorer=False).offers == []
    offers = extract_document(document, scorer=True).offers
    found = {offer.amount: offer for offer in offers}
    assert amount in found
    offer = found[amount]
    assert offer.currency == "RUB"
    assert offer.evidence.rule.startswith(f"{MODEL_RULE}.offer.")
    assert 0.5 < offer.confidence <= 1.0
    assert offer.offered_by  # attributes come from the rules' own attribute code
    assert document.text[offer.evidence.start : offer.evidence.end] == offer.evidence.text


def test_the_environment_turns_the_scorer_on_and_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert Settings.from_env({}).scorer is DEFAULT_SCORER
    assert Settings.from_env({"RECRUITWATCH_SCORER": "off"}).scorer is False
    assert Settings.from_env({"RECRUITWATCH_SCORER": "on"}).scorer is True
    document = Document.from_text(MISSED[0][0], id="t")
    monkeypatch.setenv("RECRUITWATCH_SCORER", "off")
    assert extract_document(document).offers == []
    monkeypatch.setenv("RECRUITWATCH_SCORER", "on")
    assert extract_document(document).offers


def test_the_shipped_file_is_valid_json_with_its_provenance() -> None:
    data = resources.files("recruitwatch.extract").joinpath("data/scorer.json")
    raw = json.loads(data.read_text(encoding="utf-8"))
    assert raw["about"]["seed"] and raw["about"]["tune_sha256"]
