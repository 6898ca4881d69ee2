"""Conflicts: one per subject and period, only between comparable current statements."""

from __future__ import annotations

from datetime import date
from typing import Any

from recruitwatch.link.claims import build_claims, find_conflicts
from recruitwatch.model import Statement

DAY = date(2024, 3, 10)


def _offer(doc_id: str, value: float, **facets: Any) -> Statement:
    base: dict[str, Any] = {
        "who": "Tatarstan",
        "about": "volunteers",
        "when": DAY,
        "level": "regional",
        "region": "RU-TA",
        "recipient": "recruit",
    }
    base.update(facets)
    return Statement("offer", len(doc_id), doc_id, "signing_bonus", "RUB", value, **base)


def _conflicts(*statements: Statement) -> list[Any]:
    return find_conflicts(build_claims(statements, {}))


def test_three_values_for_one_subject_are_one_conflict_listing_every_claim() -> None:
    (conflict,) = _conflicts(_offer("a", 400_000), _offer("b", 495_000), _offer("c", 600_000))
    assert len(conflict.claims) == 3
    assert conflict.period == "2024-03"
    assert "400,000 RUB (a) vs 495,000 RUB (b) vs 600,000 RUB (c)" in conflict.detail


def test_a_previous_level_and_a_total_contradict_nothing() -> None:
    assert _conflicts(_offer("a", 400_000), _offer("b", 200_000, previous=True)) == []
    assert _conflicts(_offer("a", 400_000), _offer("b", 800_000, level="combined")) == []


def test_other_regions_recipients_and_rounding_are_not_conflicts() -> None:
    assert _conflicts(_offer("a", 400_000), _offer("b", 500_000, region="RU-BA")) == []
    assert _conflicts(_offer("a", 400_000), _offer("b", 500_000, recipient="family")) == []
    assert _conflicts(_offer("a", 190_000), _offer("b", 195_000)) == []  # within 5%
    assert _conflicts(_offer("a", 400_000), _offer("b", 500_000, when=date(2024, 9, 1))) == []
