"""The seed article must come out exactly as its gold says (read from ../shared, not copied)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from recruitwatch.extract import extract_document
from recruitwatch.model import Document

SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpus"
SEED = SHARED / "seed-article.txt"
GOLD = SHARED / "seed-gold.jsonl"

pytestmark = pytest.mark.skipif(not SEED.exists(), reason="../shared corpus is not beside the repo")


def test_seed_article_gives_exactly_its_gold() -> None:
    gold = json.loads(GOLD.read_text(encoding="utf-8").splitlines()[0])
    text = SEED.read_text(encoding="utf-8")
    extraction = extract_document(Document.from_text(text, id="seed"))

    offers = [
        (o.kind, o.amount, o.currency, o.usd_stated, o.target, o.evidence.text)
        for o in extraction.offers
    ]
    expected_offers = [
        (g["kind"], g["amount"], g["currency"], g["usd_stated"], g["target"], g["evidence"])
        for g in gold["offers"]
    ]
    assert offers == expected_offers
    for offer, expected in zip(extraction.offers, gold["offers"], strict=True):
        assert expected["offered_by"].lower() in offer.offered_by.lower()
        assert expected["region"].lower() in (offer.region or "").lower()

    figures = sorted((f.quantity, f.unit, f.evidence.text) for f in extraction.figures)
    expected_figures = sorted((g["quantity"], g["unit"], g["evidence"]) for g in gold["figures"])
    assert figures == expected_figures
    gaidar = next(f for f in extraction.figures if f.unit == "percent" and f.quantity == 42)
    assert gaidar.source is not None and "Gaidar Institute" in gaidar.source
