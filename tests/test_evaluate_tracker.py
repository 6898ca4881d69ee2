"""`recruitwatch eval --tracker`: the region table from extracted records against the one from
gold records, on a corpus written here."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from typer.testing import CliRunner

from _factories import offer
from recruitwatch.cli import app
from recruitwatch.evaluate_tracker import evaluate_tracker
from recruitwatch.model import Document, Extraction

TEXTS = {
    "a": (
        "2025-02-23",
        "Samara cut the regional payment from 3,600,000 roubles to 2,100,000 roubles.",
    ),
    "b": ("2024-03-05", "Tatarstan pays volunteers 1,000,000 roubles on signing a contract."),
}
SAMARA_OLD = {
    "kind": "signing_bonus",
    "amount": 3600000,
    "currency": "RUB",
    "usd_stated": None,
    "offered_by": "Samara",
    "target": None,
    "region": "Samara",
    "recipient": "recruit",
    "payer_level": "regional",
    "payer_region": "RU-SAM",
    "target_origin": None,
    "target_country": None,
    "previous": True,
    "evidence": TEXTS["a"][1],
}
GOLD = [
    {
        "doc": "a",
        "offers": [
            SAMARA_OLD,
            {**SAMARA_OLD, "amount": 2100000, "previous": False},
        ],
        "figures": [],
    },
    {
        "doc": "b",
        "offers": [
            {
                **SAMARA_OLD,
                "amount": 1000000,
                "payer_region": "RU-TA",
                "previous": False,
                "evidence": TEXTS["b"][1],
            }
        ],
        "figures": [],
    },
]


def _corpus(folder: Path) -> Path:
    (folder / "docs").mkdir(parents=True)
    for doc_id, (published, text) in TEXTS.items():
        document = {
            "id": doc_id,
            "url": None,
            "title": doc_id,
            "published": published,
            "language": "en",
            "text": text,
        }
        (folder / "docs" / f"{doc_id}.json").write_text(json.dumps(document), encoding="utf-8")
    lines = "\n".join(json.dumps(line) for line in GOLD)
    (folder / "gold.jsonl").write_text(lines + "\n", encoding="utf-8")
    return folder


def _extractor(document: Document) -> Extraction:
    """Reads Samara's cut right, and Tatarstan's payment without its region."""
    if document.id == "a":
        offers = [
            replace(
                offer(document, "3,600,000 roubles", amount=3_600_000),
                payer_level="regional",
                payer_region="RU-SAM",
                previous=True,
            ),
            replace(
                offer(document, "2,100,000 roubles", amount=2_100_000),
                payer_level="regional",
                payer_region="RU-SAM",
            ),
        ]
    else:
        offers = [replace(offer(document, "1,000,000 roubles", amount=1e6), payer_level="regional")]
    return Extraction(document=document, offers=offers)


def test_the_tables_agree_on_samara_and_not_on_tatarstan(tmp_path: Path) -> None:
    report = evaluate_tracker(_corpus(tmp_path), _extractor)
    assert (report.agreed, report.keys, report.gold_keys, report.gold_agreed) == (1, 2, 2, 1)
    [difference] = report.differences
    assert (difference.region, difference.part, difference.extracted) == ("RU-TA", "regional", None)
    assert difference.gold is not None and difference.gold.amount == 1_000_000
    same = evaluate_tracker(tmp_path, lambda d: Extraction(document=d, offers=[]))
    assert same.agreement == 0.0 and same.recall == 0.0


def test_the_command_prints_the_agreement_and_keeps_the_holdout_to_scores(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    result = CliRunner().invoke(app, ["eval", str(corpus), "--tracker", "--json"])
    assert result.exit_code == 0, result.output
    [scores] = json.loads(result.output)["items"]
    assert set(scores) == {"agreement", "agreed", "keys", "gold_keys", "gold_agreed"}
    refused = CliRunner().invoke(
        app, ["eval", str(corpus), "--tracker", "--part", "holdout", "--details"]
    )
    assert refused.exit_code == 1
