"""A database the landed version wrote (tests/data/landed-v14.sqlite, made by
scripts/landed_database.py) opens with this version and migrates forward: the offers' derived
columns become normalise's values, the triggers go, and reads and new writes agree."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from recruitwatch.pipeline import ingest_paths
from recruitwatch.store import open_store
from recruitwatch.store.browse import read_database
from recruitwatch.store.filters import OfferFilters
from recruitwatch.store.schema import MIGRATIONS

LANDED = Path(__file__).parent / "data" / "landed-v14.sqlite"


@pytest.fixture
def landed(tmp_path: Path) -> Path:
    db = tmp_path / "rw.db"
    shutil.copy(LANDED, db)
    return db


def _offers(db: Path) -> dict[str, tuple[object, ...]]:
    with sqlite3.connect(db) as connection:
        found = connection.execute(
            "SELECT document_id, currency, amount, usd, rub, record_date, record_month FROM offers"
        ).fetchall()
    return {row[0]: tuple(row[1:]) for row in found}


def test_the_landed_database_migrates_forward(landed: Path, tmp_path: Path) -> None:
    before = _offers(landed)
    # What the landed triggers made of an undated offer: USD from the dollars the text states.
    assert before["undated"][2] == 3100
    with open_store(landed) as store:
        assert len(store.query_offers()) == 3  # every row kept
    with sqlite3.connect(landed) as connection:
        version = connection.execute("SELECT max(version) FROM migrations").fetchone()[0]
        triggers = connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'offers_%'"
        ).fetchall()
    assert version == MIGRATIONS[-1].version and triggers == []
    after = _offers(landed)
    # Normalise's values: no rate without a date, roubles are roubles, the month of the date.
    assert after["undated"] == ("RUB", 300_000, None, 300_000, None, None)
    _, _, usd, rub, record_date, month = after["dated"]
    assert (rub, record_date, month) == (495_000, "2023-08-07", "2023-08")
    assert usd == pytest.approx(before["dated"][2])  # the official rate, as before
    assert after["dollars"][2:] == before["dollars"][2:]
    with read_database(landed) as reader:
        (undated,) = [
            o for o in reader.iter_offers(OfferFilters()) if o["document_id"] == "undated"
        ]
    assert undated["rub_reason"] is None and undated["usd_reason"].startswith("no rate")
    # A new write fills the plain columns itself.
    (tmp_path / "new").mkdir()
    (tmp_path / "new" / "new.txt").write_text(
        "New\nPublished: 2024-03-05\n\n"
        "The army offers volunteers a signing bonus of 400,000 roubles.\n",
        encoding="utf-8",
    )
    with open_store(landed) as store:
        assert ingest_paths([tmp_path / "new"], store).ok
    assert _offers(landed)["new"][3:] == (400_000, "2024-03-05", "2024-03")
