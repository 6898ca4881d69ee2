"""The tracker's levels: runs of one amount per (region, part), the latest level, the raises
and cuts between levels, and the agreement of two tables."""

from __future__ import annotations

from datetime import date

from recruitwatch.levels import (
    LevelStatement,
    agreement,
    changes,
    is_tracked,
    key_region,
    latest,
    levels,
)


def stated(
    amount: float,
    day: date,
    *,
    region: str = "RU-SAM",
    part: str = "regional",
    previous: bool = False,
    doc: str = "d",
) -> LevelStatement:
    return LevelStatement(
        region=region,
        part=part,
        amount=amount,
        currency="RUB",
        day=day,
        document_id=doc,
        evidence=f"{amount} roubles",
        previous=previous,
    )


def test_only_signing_bonuses_for_recruits_at_a_known_level_and_region_are_tracked() -> None:
    assert is_tracked("signing_bonus", "recruit", "regional", "RU-SAM")
    assert is_tracked("signing_bonus", None, "federal", None)
    assert not is_tracked("signing_bonus", "family", "regional", "RU-SAM")
    assert not is_tracked("monthly_pay", "recruit", "regional", "RU-SAM")
    assert not is_tracked("signing_bonus", "recruit", "regional", None)
    assert not is_tracked("signing_bonus", "recruit", "pmc", None)
    assert key_region("federal", None) == "RU"
    assert key_region("municipal", "RU-BA") == "RU-BA"


def test_a_cut_stated_in_one_sentence_is_one_change_with_both_statements() -> None:
    statements = [
        stated(1_500_000, date(2024, 6, 1), doc="first"),
        stated(3_600_000, date(2025, 2, 23), previous=True, doc="cut"),
        stated(2_100_000, date(2025, 2, 23), doc="cut"),
        stated(3_600_000, date(2024, 11, 10), doc="raise"),
    ]
    [runs] = levels(statements).values()
    assert [level.amount for level in runs] == [1_500_000, 3_600_000, 2_100_000]
    assert [len(level.statements) for level in runs] == [1, 2, 1]
    assert runs[1].last == date(2025, 2, 22)  # the replaced level held until the day before
    cut, raise_ = changes(statements)
    assert cut.direction == "cut" and cut.day == date(2025, 2, 23)
    assert cut.describe() == "cut from 3.6 million RUB to 2.1 million RUB on 23 February 2025"
    assert cut.old_source.previous and cut.old_source.document_id == "cut"
    assert cut.new_source.amount == 2_100_000
    assert raise_.direction == "raise" and raise_.old_source.document_id == "first"
    assert changes(statements, since=date(2025, 1, 1)) == [cut]


def test_the_latest_level_ignores_former_levels_and_takes_the_days_most_stated() -> None:
    statements = [
        stated(2_100_000, date(2025, 2, 23)),
        stated(3_600_000, date(2025, 3, 1), previous=True),
        stated(400_000, date(2025, 1, 1), region="RU", part="federal"),
        stated(500_000, date(2025, 1, 1), region="RU", part="federal", doc="b"),
        stated(400_000, date(2025, 1, 1), region="RU", part="federal", doc="c"),
    ]
    found = latest(statements)
    assert found[("RU-SAM", "regional")].amount == 2_100_000
    assert found[("RU", "federal")].amount == 400_000


def test_a_level_only_ever_stated_as_replaced_is_marked_so() -> None:
    [runs] = levels([stated(900_000, date(2024, 5, 2), previous=True)]).values()
    assert runs[0].only_previous
    assert latest([stated(900_000, date(2024, 5, 2), previous=True)]) == {}


def test_agreement_counts_keys_of_either_table() -> None:
    gold = latest(
        [stated(2_100_000, date(2025, 1, 1)), stated(100_000, date(2025, 1, 1), part="municipal")]
    )
    same = latest([stated(2_100_500, date(2025, 2, 1))])  # within half a percent
    extra = latest([stated(1_000_000, date(2025, 2, 1), region="RU-TA")])
    assert agreement(gold, same)[:2] == (1, 2)
    agreed, total, differ = agreement(gold, {**same, **extra})
    assert (agreed, total) == (1, 3)
    assert differ == [("RU-SAM", "municipal"), ("RU-TA", "regional")]
