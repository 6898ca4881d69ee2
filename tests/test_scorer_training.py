"""A training run of scripts/train_scorer.py on a tiny corpus written here gives a working file.

Needs the [train] extra (scikit-learn); CI installs it after the main run, because quantulum3,
which the speed bench compares against, cannot read its own classifier under it.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from recruitwatch.extract import document_contexts
from recruitwatch.extract.scorer import load_scorer_file, read_records
from recruitwatch.model import Document

pytest.importorskip("sklearn")

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "train_scorer.py"
REGIONS = ["Kursk", "Tver", "Omsk", "Perm", "Samara", "Penza", "Tula", "Kaluga", "Oryol", "Pskov"]


def _script(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    spec = importlib.util.spec_from_file_location("train_scorer", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "train_scorer", module)  # its dataclasses look it up
    spec.loader.exec_module(module)
    return module


def _corpus(folder: Path) -> None:
    docs = folder / "docs"
    docs.mkdir(parents=True)
    gold = []
    for number, region in enumerate(REGIONS, start=1):
        bonus, pay, people = 100_000 * number, 10_000 * number + 5_000, 500 * number
        bonus_line = f"The {region} region pays a one-time bonus of {bonus:,} rubles to recruits."
        pay_line = f"Recruits from {region} then earn {pay:,} rubles a month."
        figure_line = f"Some {people:,} soldiers from {region} have signed contracts."
        text = (
            f"The army is recruiting soldiers in {region}. {bonus_line} {pay_line} "
            f"The average wage in {region} is {30_000 + number:,} rubles. {figure_line} "
            f"The town was founded in {1700 + number}."
        )
        doc_id = f"en-{number:03d}"
        record = {"id": doc_id, "url": None, "title": None, "published": None}
        record |= {"language": "en", "text": text}
        (docs / f"{doc_id}.json").write_text(json.dumps(record), encoding="utf-8")
        gold.append(
            {
                "doc": doc_id,
                "offers": [
                    {"kind": "signing_bonus", "amount": bonus, "currency": "RUB"}
                    | {"evidence": bonus_line},
                    {"kind": "monthly_pay", "amount": pay, "currency": "RUB"}
                    | {"evidence": pay_line},
                ],
                "figures": [{"quantity": people, "unit": "people", "evidence": figure_line}],
            }
        )
    lines = "".join(json.dumps(entry) + "\n" for entry in gold)
    (folder / "gold.jsonl").write_text(lines, encoding="utf-8")


def test_training_on_a_tiny_corpus_writes_a_working_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _corpus(tmp_path / "corpus")
    out = tmp_path / "scorer.json"
    script = _script(monkeypatch)
    assert script.main([str(tmp_path / "corpus"), "--out", str(out)]) == 0
    first = out.read_bytes()
    scorer = load_scorer_file(out)
    assert scorer.about["trained_on"].startswith("corpus: tune part, 8 documents")
    document = Document.from_text(
        "The army is recruiting soldiers in Vologda. The Vologda region pays a one-time bonus "
        "of 250,000 rubles to recruits.",
        id="new",
    )
    (context,) = document_contexts(document)
    offers, _ = read_records(context, "new", scorer)
    assert [offer.amount for offer in offers] == [250_000]
    # Reproducible: the same corpus gives the same file, byte for byte.
    assert script.main([str(tmp_path / "corpus"), "--out", str(out)]) == 0
    assert out.read_bytes() == first
