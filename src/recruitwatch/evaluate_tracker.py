"""How far the tracker's region table built from extracted records agrees with the one built
from the gold records of a corpus: the share of (region, part) keys whose latest level is the
same in both (see `recruitwatch.levels.agreement`; a key present on one side only disagrees).

Both sides go through the same code: each tracked offer (gold or extracted) is dated as the
normalise stage dates it (a date phrase in its sentence, else the document's publication date),
then `levels.latest` builds each table. So the figure measures extraction (amount, kind,
recipient, payer level and region, `previous`), not the dating rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from recruitwatch.errors import CorpusError
from recruitwatch.evaluate import PARTS, Extractor, GoldDoc, holdout_ids, load_documents, load_gold
from recruitwatch.extract import extract_document
from recruitwatch.levels import LevelStatement, agreement, is_tracked, key_region, latest
from recruitwatch.model import Document, Evidence
from recruitwatch.normalise.dates import check_published, resolve


@dataclass(frozen=True, slots=True)
class Difference:
    region: str
    part: str
    gold: LevelStatement | None
    extracted: LevelStatement | None


@dataclass(frozen=True, slots=True)
class TrackerReport:
    agreed: int
    keys: int
    gold_keys: int
    gold_agreed: int  # of the gold table's keys, how many the extracted table gives alike
    differences: list[Difference] = field(default_factory=list)

    @property
    def agreement(self) -> float:
        return self.agreed / self.keys if self.keys else 1.0

    @property
    def recall(self) -> float:
        return self.gold_agreed / self.gold_keys if self.gold_keys else 1.0

    def to_dict(self, details: bool = False) -> dict[str, Any]:
        found: dict[str, Any] = {
            "agreement": round(self.agreement, 4),
            "agreed": self.agreed,
            "keys": self.keys,
            "gold_keys": self.gold_keys,
            "gold_agreed": self.gold_agreed,
        }
        if details:
            found["differences"] = [
                {
                    "region": d.region,
                    "part": d.part,
                    "gold": _level(d.gold),
                    "extracted": _level(d.extracted),
                }
                for d in self.differences
            ]
        return found


def evaluate_tracker(
    corpus_dir: Path, extractor: Extractor = extract_document, *, part: str = "all"
) -> TrackerReport:
    """The agreement of the two region tables over `part` of the corpus (all, tune, holdout)."""
    if part not in PARTS:
        raise CorpusError(f"part must be one of {', '.join(PARTS)}, not {part!r}")
    if not corpus_dir.is_dir():
        raise CorpusError("corpus folder not found", source=str(corpus_dir))
    gold = load_gold(corpus_dir / "gold.jsonl")
    documents = list(load_documents(corpus_dir / "docs"))
    if part != "all":
        held = holdout_ids(documents)
        documents = [d for d in documents if (d.id in held) == (part == "holdout")]
    return compare_tables(documents, gold, extractor)


def compare_tables(
    documents: Iterable[Document], gold: Mapping[str, GoldDoc], extractor: Extractor
) -> TrackerReport:
    expected: list[LevelStatement] = []
    found: list[LevelStatement] = []
    for document in documents:
        expected.extend(gold_statements(document, gold.get(document.id, GoldDoc(document.id))))
        found.extend(extracted_statements(document, extractor))
    gold_table, extracted_table = latest(expected), latest(found)
    agreed, keys, differ = agreement(gold_table, extracted_table)
    gold_differ = sum(1 for key in differ if key in gold_table)
    return TrackerReport(
        agreed=agreed,
        keys=keys,
        gold_keys=len(gold_table),
        gold_agreed=len(gold_table) - gold_differ,
        differences=[
            Difference(key[0], key[1], gold_table.get(key), extracted_table.get(key))
            for key in differ
        ],
    )


def gold_statements(document: Document, gold: GoldDoc) -> list[LevelStatement]:
    found = []
    for offer in gold.offers:
        if offer.misprint or not is_tracked(
            offer.kind, offer.recipient, offer.payer_level, offer.payer_region
        ):
            continue
        start = document.text.find(offer.evidence)
        if start < 0:
            continue  # the gold checker refuses such a line; nothing to date it by
        evidence = Evidence(
            doc_id=document.id,
            start=start,
            end=start + len(offer.evidence),
            text=offer.evidence,
            value_start=start,
            value_end=start,
            rule="gold",
            language=document.language,
        )
        statement = _statement(
            document,
            evidence,
            str(offer.payer_level),
            offer.payer_region,
            offer.amount,
            offer.currency,
            offer.previous,
        )
        if statement is not None:
            found.append(statement)
    return found


def extracted_statements(document: Document, extractor: Extractor) -> list[LevelStatement]:
    found = []
    for offer in extractor(document).offers:
        if not is_tracked(offer.kind, offer.recipient, offer.payer_level, offer.payer_region):
            continue
        statement = _statement(
            document,
            offer.evidence,
            str(offer.payer_level),
            offer.payer_region,
            offer.amount,
            offer.currency,
            offer.previous,
        )
        if statement is not None:
            found.append(statement)
    return found


def _statement(
    document: Document,
    evidence: Evidence,
    level: str,
    region: str | None,
    amount: float,
    currency: str,
    previous: bool,
) -> LevelStatement | None:
    day = _day(document, evidence)
    if day is None:
        return None
    return LevelStatement(
        region=key_region(level, region),
        part=level,
        amount=amount,
        currency=currency,
        day=day,
        document_id=document.id,
        evidence=evidence.text,
        previous=previous,
    )


def _day(document: Document, evidence: Evidence) -> date | None:
    # Today is only the bound past which a publication date is implausible: far in the future,
    # so a corpus is dated alike whenever it is scored.
    published = check_published(document.published, date(2100, 1, 1))
    return resolve(evidence, published, document.language).value or published.value


def _level(statement: LevelStatement | None) -> dict[str, Any] | None:
    if statement is None:
        return None
    return {
        "amount": statement.amount,
        "currency": statement.currency,
        "day": statement.day.isoformat(),
        "document_id": statement.document_id,
        "previous": statement.previous,
        "evidence": statement.evidence,
    }


def format_tracker(report: TrackerReport, details: bool = False) -> str:
    lines = [
        f"region table agreement: {report.agreement:.3f}"
        f" ({report.agreed} of {report.keys} (region, part) latest levels alike)",
        f"gold keys given alike: {report.gold_agreed} of {report.gold_keys} ({report.recall:.3f})",
    ]
    if details:
        for d in report.differences:
            lines.append(
                f"  {d.region} {d.part}: gold {_said(d.gold)} | extracted {_said(d.extracted)}"
            )
    return "\n".join(lines)


def _said(statement: LevelStatement | None) -> str:
    if statement is None:
        return "none"
    return (
        f"{statement.amount:,.0f} {statement.currency} {statement.day.isoformat()}"
        f" ({statement.document_id})"
    )
