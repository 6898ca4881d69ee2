"""Scoring math of recruitwatch.evaluate, on a tiny corpus written here with a fake extractor."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from recruitwatch.errors import CorpusError
from recruitwatch.evaluate import (
    evaluate_corpus,
    evaluate_documents,
    format_report,
    load_gold,
)
from recruitwatch.model import (
    OFFER_KINDS,
    Document,
    Evidence,
    Extraction,
    Figure,
    Offer,
    OfferKind,
)

EN_TEXT = (
    "The governor promised a one-off payment of 400,000 roubles to volunteers. "
    "The city added its own 400,000 roubles for residents who sign up. "
    "About 12,000 men have enlisted this year, officials said."
)
RU_TEXT = (
    "Власти области обещают 1,6 млн рублей добровольцам. Контракт подписали почти 300 человек."
)
EN_FIRST, EN_SECOND, EN_THIRD = (s.strip() + "." for s in EN_TEXT.split(".")[:3])
RU_FIRST, RU_SECOND = (s.strip() + "." for s in RU_TEXT.split(".")[:2])

Predictions = Mapping[str, Sequence[Offer | Figure]]


def write_corpus(
    root: Path,
    gold: Sequence[dict[str, Any]],
    docs: Mapping[str, tuple[str, str]] | None = None,
) -> Path:
    """A corpus folder with one docs/<id>.json per (language, text) and the given gold lines."""
    docs = {"en-1": ("en", EN_TEXT), "ru-1": ("ru", RU_TEXT)} if docs is None else docs
    (root / "docs").mkdir(parents=True)
    for doc_id, (language, text) in docs.items():
        record = {
            "id": doc_id,
            "url": f"https://example.org/{doc_id}",
            "title": None,
            "published": "2024-05-01",
            "language": language,
            "text": text,
        }
        (root / "docs" / f"{doc_id}.json").write_text(json.dumps(record), encoding="utf-8")
    (root / "gold.jsonl").write_text(
        "".join(json.dumps(line) + "\n" for line in gold), encoding="utf-8"
    )
    return root


def gold_offer(amount: float, evidence: str, **extra: Any) -> dict[str, Any]:
    base = {"kind": "signing_bonus", "amount": amount, "currency": "RUB", "usd_stated": None}
    return base | {"offered_by": None, "target": None, "region": None, "evidence": evidence} | extra


def gold_figure(quantity: float, evidence: str, **extra: Any) -> dict[str, Any]:
    base = {"quantity": quantity, "unit": "people", "subject": "x", "source": None}
    return base | {"evidence": evidence} | extra


def evidence(doc_id: str, text: str, sentence: str) -> Evidence:
    start = text.index(sentence)
    return Evidence(doc_id, start, start + len(sentence), sentence, start, start + 1, "fake", "en")


def offer(
    amount: float,
    sentence: str = EN_FIRST,
    *,
    kind: OfferKind = "signing_bonus",
    currency: str = "RUB",
    doc_id: str = "en-1",
    text: str = EN_TEXT,
    **extra: Any,
) -> Offer:
    return Offer(kind, amount, currency, evidence(doc_id, text, sentence), **extra)


def figure(quantity: float, sentence: str = EN_THIRD, **extra: Any) -> Figure:
    return Figure(quantity, "people", evidence("en-1", EN_TEXT, sentence), **extra)


def fake(predictions: Predictions) -> Callable[[Document], Extraction]:
    def extractor(document: Document) -> Extraction:
        records = predictions.get(document.id, [])
        return Extraction(
            document,
            offers=[r for r in records if isinstance(r, Offer)],
            figures=[r for r in records if isinstance(r, Figure)],
        )

    return extractor


def run(tmp_path: Path, gold: Sequence[dict[str, Any]], predictions: Predictions) -> dict[str, Any]:
    report = evaluate_corpus(write_corpus(tmp_path / "corpus", gold), fake(predictions))
    return report.to_dict()


def test_two_identical_gold_offers_and_one_prediction_give_one_hit_one_miss(
    tmp_path: Path,
) -> None:
    gold = [
        {"doc": "en-1", "offers": [gold_offer(400000, EN_FIRST), gold_offer(400000, EN_SECOND)]}
    ]
    result = run(tmp_path, gold, {"en-1": [offer(400000)]})
    assert result["offers"] == {
        "precision": 1.0,
        "recall": 0.5,
        "f1": 0.6667,
        "tp": 1,
        "fp": 0,
        "fn": 1,
    }


def test_a_prediction_is_not_counted_twice(tmp_path: Path) -> None:
    gold = [{"doc": "en-1", "offers": [gold_offer(400000, EN_FIRST)]}]
    result = run(tmp_path, gold, {"en-1": [offer(400000), offer(400000, EN_SECOND)]})
    assert (result["offers"]["tp"], result["offers"]["fp"], result["offers"]["fn"]) == (1, 1, 0)


def test_matching_is_maximum_not_greedy(tmp_path: Path) -> None:
    # 1004 is the closest to gold 1000 but is also the only one within 0.5% of gold 1009;
    # greedy-closest would leave 1009 unmatched.
    gold = [{"doc": "en-1", "offers": [gold_offer(1000, EN_FIRST), gold_offer(1009, EN_FIRST)]}]
    result = run(tmp_path, gold, {"en-1": [offer(1004), offer(995.5)]})
    assert (result["offers"]["tp"], result["offers"]["fp"], result["offers"]["fn"]) == (2, 0, 0)


@pytest.mark.parametrize(
    ("predicted", "matches"),
    [(1000, True), (1005, True), (995, True), (1005.1, False), (994.9, False)],
)
def test_amount_tolerance_is_half_a_percent_of_gold(
    tmp_path: Path, predicted: float, matches: bool
) -> None:
    gold = [{"doc": "en-1", "offers": [gold_offer(1000, EN_FIRST)]}]
    result = run(tmp_path, gold, {"en-1": [offer(predicted)]})
    assert result["offers"]["tp"] == int(matches)


@pytest.mark.parametrize(
    ("predicted", "matches"),
    [(12000, True), (12060, True), (12061, False), (11939, False)],
)
def test_quantity_tolerance_is_half_a_percent_of_gold(
    tmp_path: Path, predicted: float, matches: bool
) -> None:
    gold = [{"doc": "en-1", "figures": [gold_figure(12000, EN_THIRD)]}]
    result = run(tmp_path, gold, {"en-1": [figure(predicted)]})
    assert result["figures"]["tp"] == int(matches)


@pytest.mark.parametrize(("kind", "currency"), [("monthly_pay", "RUB"), ("signing_bonus", "USD")])
def test_kind_and_currency_must_agree(tmp_path: Path, kind: OfferKind, currency: str) -> None:
    gold = [{"doc": "en-1", "offers": [gold_offer(400000, EN_FIRST)]}]
    result = run(tmp_path, gold, {"en-1": [offer(400000, kind=kind, currency=currency)]})
    assert (result["offers"]["tp"], result["offers"]["fp"], result["offers"]["fn"]) == (0, 1, 1)


def test_quantity_max_plays_no_part(tmp_path: Path) -> None:
    gold = [{"doc": "en-1", "figures": [gold_figure(12000, EN_THIRD, quantity_max=15000)]}]
    assert run(tmp_path, gold, {"en-1": [figure(12000)]})["figures"]["tp"] == 1
    again = tmp_path / "again"
    assert run(again, gold, {"en-1": [figure(15000, quantity_max=12000)]})["figures"]["tp"] == 0


def test_scores_split_by_document_language(tmp_path: Path) -> None:
    gold = [
        {"doc": "en-1", "offers": [gold_offer(400000, EN_FIRST)], "figures": []},
        {
            "doc": "ru-1",
            "offers": [gold_offer(1600000, RU_FIRST)],
            "figures": [gold_figure(300, RU_SECOND)],
        },
    ]
    predictions: Predictions = {
        "en-1": [offer(400000), figure(12000)],
        "ru-1": [offer(1600000, RU_FIRST, doc_id="ru-1", text=RU_TEXT)],
    }
    result = run(tmp_path, gold, predictions)
    en, ru = result["by_language"]["en"], result["by_language"]["ru"]
    assert (en["offers"]["tp"], en["figures"]["fp"], en["figures"]["fn"]) == (1, 1, 0)
    assert (ru["offers"]["tp"], ru["figures"]["tp"], ru["figures"]["fn"]) == (1, 0, 1)
    assert result["offers"]["tp"] == 2
    assert result["figures"] == {
        "precision": 0.0,
        "recall": 0.0,
        "f1": 0.0,
        "tp": 0,
        "fp": 1,
        "fn": 1,
    }


def test_attributes_by_containment_with_null_gold_skipped(tmp_path: Path) -> None:
    gold = [
        {
            "doc": "en-1",
            "offers": [
                gold_offer(
                    400000, EN_FIRST, target="Volunteers", offered_by="Governor", region=None
                ),
                gold_offer(400000, EN_SECOND, target="residents who sign up", region="The City"),
            ],
        }
    ]
    predictions: Predictions = {
        "en-1": [
            # In the other order: the evidence sentence decides which gold each one pairs with.
            offer(400000, EN_SECOND, target="residents", region="the  city", offered_by="mayor"),
            offer(400000, EN_FIRST, target="volunteers to the army", offered_by=None, region="X"),
        ]
    }
    result = run(tmp_path, gold, predictions)
    assert {name: result["attributes"][name] for name in ("target", "offered_by", "region")} == {
        "target": {"accuracy": 1.0, "n": 2},
        "offered_by": {"accuracy": 0.0, "n": 1},
        "region": {"accuracy": 1.0, "n": 1},
    }
    (detail,) = result["details"]
    assert detail["wrong_attributes"] == [
        {"attribute": "offered_by", "amount": 400000, "gold": "Governor", "predicted": None}
    ]


def test_document_without_gold_line_has_empty_gold(tmp_path: Path) -> None:
    result = run(tmp_path, [], {"en-1": [offer(400000)]})
    assert (result["offers"]["precision"], result["offers"]["recall"]) == (0.0, 0.0)
    assert result["offers"]["fp"] == 1
    assert result["details"][0]["false_alarms"][0]["evidence"] == EN_FIRST


def test_nothing_to_find_and_nothing_found_is_perfect(tmp_path: Path) -> None:
    result = run(tmp_path, [], {})
    assert result["offers"] == {
        "precision": 1.0,
        "recall": 1.0,
        "f1": 1.0,
        "tp": 0,
        "fp": 0,
        "fn": 0,
    }
    assert result["attributes"]["target"] == {"accuracy": 1.0, "n": 0}
    assert result["details"] == []


def test_report_dict_has_the_agreed_shape(tmp_path: Path) -> None:
    result = run(tmp_path, [], {})
    assert set(result) == {
        "offers",
        "figures",
        "by_language",
        "attributes",
        "offers_by_kind",
        "details",
    }
    assert set(result["by_language"]) == {"en", "ru"}
    assert set(result["by_language"]["en"]) == {"offers", "figures", "attributes"}
    assert set(result["offers"]) == {"precision", "recall", "f1", "tp", "fp", "fn"}
    assert set(result["attributes"]) == {
        *("target", "offered_by", "region"),
        *("recipient", "payer_level", "payer_region", "target_origin", "target_country"),
        *("previous", "category"),
    }
    assert set(result["by_language"]["ru"]["attributes"]) == set(result["attributes"])
    assert set(result["offers_by_kind"]) == set(OFFER_KINDS)
    json.dumps(result)


def test_version_2_keys_need_an_exact_match_and_skip_a_null_gold(tmp_path: Path) -> None:
    gold = [
        {
            "doc": "en-1",
            "offers": [
                gold_offer(
                    400000,
                    EN_FIRST,
                    recipient="recruit",
                    payer_level="regional",
                    payer_region="RU-BEL",
                    target_origin="foreign",
                    target_country="KZ",
                ),
                gold_offer(400000, EN_SECOND, recipient="family", payer_level=None, previous=True),
            ],
            "figures": [gold_figure(12000, EN_THIRD, category="recruited")],
        }
    ]
    predictions: Predictions = {
        "en-1": [
            offer(
                400000,
                recipient="recruit",
                payer_level="regional",
                payer_region="RU-BE",  # a prefix is no match for a code
                target_origin="foreign",
                target_country="kz",
            ),
            offer(400000, EN_SECOND, recipient="recruit", payer_level="federal"),
            figure(12000, category="recruited"),
        ]
    }
    attributes = run(tmp_path, gold, predictions)["attributes"]
    assert attributes["recipient"] == {"accuracy": 0.5, "n": 2}
    assert attributes["payer_level"] == {"accuracy": 1.0, "n": 1}
    assert attributes["payer_region"] == {"accuracy": 0.0, "n": 1}
    assert attributes["target_origin"] == {"accuracy": 1.0, "n": 1}
    assert attributes["target_country"] == {"accuracy": 0.0, "n": 1}
    # previous is a flag: an absent gold value is false, and both offers are scored.
    assert attributes["previous"] == {"accuracy": 0.5, "n": 2}
    assert attributes["category"] == {"accuracy": 1.0, "n": 1}


def test_attribute_accuracy_per_language(tmp_path: Path) -> None:
    gold = [
        {"doc": "en-1", "offers": [gold_offer(400000, EN_FIRST, recipient="recruit")]},
        {"doc": "ru-1", "offers": [gold_offer(1600000, RU_FIRST, recipient="family")]},
    ]
    predictions: Predictions = {
        "en-1": [offer(400000, recipient="recruit")],
        "ru-1": [offer(1600000, RU_FIRST, doc_id="ru-1", text=RU_TEXT, recipient="recruit")],
    }
    result = run(tmp_path, gold, predictions)
    assert result["attributes"]["recipient"] == {"accuracy": 0.5, "n": 2}
    assert result["by_language"]["en"]["attributes"]["recipient"] == {"accuracy": 1.0, "n": 1}
    assert result["by_language"]["ru"]["attributes"]["recipient"] == {"accuracy": 0.0, "n": 1}


def test_a_misprint_gold_record_is_neither_hit_nor_miss(tmp_path: Path) -> None:
    gold = [
        {
            "doc": "en-1",
            "offers": [
                gold_offer(400000, EN_FIRST, misprint=True, recipient="family"),
                gold_offer(400000, EN_SECOND, misprint=True),
            ],
            "figures": [gold_figure(12000, EN_THIRD, misprint=True, category="other")],
        }
    ]
    # The first misprint is found, the second is not; neither counts.
    predictions: Predictions = {"en-1": [offer(400000, recipient="recruit"), figure(12000)]}
    result = run(tmp_path, gold, predictions)
    assert (result["offers"]["tp"], result["offers"]["fp"], result["offers"]["fn"]) == (0, 0, 0)
    assert (result["figures"]["tp"], result["figures"]["fp"], result["figures"]["fn"]) == (0, 0, 0)
    assert result["attributes"]["recipient"]["n"] == 0
    assert result["attributes"]["category"]["n"] == 0
    assert result["offers_by_kind"]["signing_bonus"]["fn"] == 0
    assert result["details"] == []


def test_offers_scored_per_kind(tmp_path: Path) -> None:
    gold = [
        {
            "doc": "en-1",
            "offers": [
                gold_offer(400000, EN_FIRST),
                gold_offer(400000, EN_SECOND, kind="compensation"),
            ],
        }
    ]
    predictions: Predictions = {
        "en-1": [offer(400000), offer(400000, EN_SECOND, kind="monthly_pay")]
    }
    by_kind = run(tmp_path, gold, predictions)["offers_by_kind"]
    assert (by_kind["signing_bonus"]["tp"], by_kind["signing_bonus"]["f1"]) == (1, 1.0)
    assert (by_kind["compensation"]["fn"], by_kind["compensation"]["recall"]) == (1, 0.0)
    assert (by_kind["monthly_pay"]["fp"], by_kind["monthly_pay"]["precision"]) == (1, 0.0)
    assert by_kind["other_payment"] == {
        "precision": 1.0,
        "recall": 1.0,
        "f1": 1.0,
        "tp": 0,
        "fp": 0,
        "fn": 0,
    }


def test_format_report_shows_kinds_and_attributes_per_language(tmp_path: Path) -> None:
    gold = [{"doc": "ru-1", "offers": [gold_offer(1600000, RU_FIRST, recipient="recruit")]}]
    corpus = write_corpus(tmp_path / "corpus", gold)
    predictions: Predictions = {
        "ru-1": [offer(1600000, RU_FIRST, doc_id="ru-1", text=RU_TEXT, recipient="recruit")]
    }
    text = format_report(evaluate_corpus(corpus, fake(predictions)))
    assert "compensation" in text
    recipient_row = next(line for line in text.splitlines() if line.startswith("recipient"))
    assert recipient_row.split()[1:] == ["1.000", "1", "–", "(0)", "1.000", "(1)"]


def test_format_report_lists_misses_and_false_alarms_on_request(tmp_path: Path) -> None:
    gold = [{"doc": "en-1", "figures": [gold_figure(12000, EN_THIRD)]}]
    corpus = write_corpus(tmp_path / "corpus", gold)
    report = evaluate_corpus(corpus, fake({"en-1": [offer(400000)]}))
    short = format_report(report)
    assert "precision" in short
    assert "target" in short
    assert "miss" not in short
    full = format_report(report, details=True)
    assert "en-1 (en)" in full
    assert "miss   figure 12,000 people" in full
    assert "false  offer  signing_bonus 400,000 RUB" in full


def test_seed_layout_through_load_gold(tmp_path: Path) -> None:
    path = tmp_path / "seed-gold.jsonl"
    path.write_text(
        json.dumps({"doc": "seed", "offers": [gold_offer(400000, EN_FIRST)], "figures": []}) + "\n",
        encoding="utf-8",
    )
    gold = load_gold(path)
    assert gold["seed"].offers[0].amount == 400000
    document = Document.from_text(EN_TEXT, id="seed")
    predictions: Predictions = {"seed": [offer(400000, doc_id="seed")]}
    report = evaluate_documents([document], gold, fake(predictions))
    assert report.to_dict()["offers"]["tp"] == 1


def test_default_extractor_runs(tmp_path: Path) -> None:
    report = evaluate_corpus(write_corpus(tmp_path / "corpus", []))
    assert report.to_dict()["by_language"].keys() == {"en", "ru"}


# --- malformed corpora ---------------------------------------------------------------------


def test_malformed_gold_line_names_file_and_line(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus", [{"doc": "en-1"}])
    with (corpus / "gold.jsonl").open("a", encoding="utf-8") as gold:
        gold.write("{not json\n")
    with pytest.raises(CorpusError, match=r"gold\.jsonl:2: not valid JSON"):
        evaluate_corpus(corpus, fake({}))


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ([], "expected a JSON object"),
        ({"offers": []}, 'missing "doc"'),
        ({"doc": "en-1", "offers": {}}, '"offers" must be a list'),
        ({"doc": "en-1", "offers": [gold_offer(1, EN_FIRST, kind="bribe")]}, "unknown kind"),
        ({"doc": "en-1", "offers": [gold_offer(True, EN_FIRST)]}, r'offers\[0\]: "amount"'),
        ({"doc": "en-1", "figures": [{"quantity": 5, "unit": "people"}]}, '"evidence"'),
        ({"doc": "en-1", "offers": [gold_offer(1, EN_FIRST, recipient="x")]}, "unknown recipient"),
        ({"doc": "en-1", "offers": [gold_offer(1, EN_FIRST, previous="yes")]}, "true or false"),
        (
            {"doc": "en-1", "figures": [gold_figure(5, EN_THIRD, category="dead")]},
            "unknown category",
        ),
    ],
)
def test_invalid_gold_records(tmp_path: Path, line: Any, message: str) -> None:
    corpus = write_corpus(tmp_path / "corpus", [line])
    with pytest.raises(CorpusError, match=message):
        evaluate_corpus(corpus, fake({}))


def test_duplicate_gold_lines(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus", [{"doc": "en-1"}, {"doc": "en-1"}])
    with pytest.raises(CorpusError, match=r"gold\.jsonl:2: second gold line"):
        evaluate_corpus(corpus, fake({}))


def test_gold_for_a_missing_document(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus", [{"doc": "en-404"}])
    with pytest.raises(CorpusError, match="not in the corpus: en-404"):
        evaluate_corpus(corpus, fake({}))


def test_missing_docs_folder(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus", [], docs={})
    (corpus / "docs").rmdir()
    with pytest.raises(CorpusError, match="no docs folder"):
        evaluate_corpus(corpus, fake({}))


def test_missing_gold_file_and_missing_corpus(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus", [])
    (corpus / "gold.jsonl").unlink()
    with pytest.raises(CorpusError, match="gold file not found"):
        evaluate_corpus(corpus, fake({}))
    with pytest.raises(CorpusError, match="corpus folder not found"):
        evaluate_corpus(tmp_path / "nowhere", fake({}))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{broken", "not a valid UTF-8 JSON document"),
        ('{"id": "en-1", "language": "en", "text": "x", "published": "May 2024"}', "YYYY-MM-DD"),
        ('{"id": "en-1", "language": "en"}', '"text" must be a non-empty string'),
    ],
)
def test_malformed_document_names_its_file(tmp_path: Path, content: str, message: str) -> None:
    corpus = write_corpus(tmp_path / "corpus", [])
    (corpus / "docs" / "en-1.json").write_text(content, encoding="utf-8")
    with pytest.raises(CorpusError, match=message) as raised:
        evaluate_corpus(corpus, fake({}))
    assert "en-1.json" in str(raised.value)


def test_equal_amounts_in_one_sentence_pair_up_by_payer_region(tmp_path: Path) -> None:
    gold = [
        {
            "doc": "en-1",
            "offers": [
                gold_offer(400000, EN_FIRST, payer_region="RU-AST", payer_level="regional"),
                gold_offer(400000, EN_FIRST, payer_region="RU-NIZ", payer_level="regional"),
            ],
        }
    ]
    predicted = [
        offer(400000, payer_region="RU-NIZ", payer_level="regional"),
        offer(400000, payer_region="RU-AST", payer_level="regional"),
    ]
    result = run(tmp_path, gold, {"en-1": predicted})
    assert result["offers"]["tp"] == 2
    assert result["attributes"]["payer_region"] == {"accuracy": 1.0, "n": 2}
