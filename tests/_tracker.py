"""A database of regional signing payments for the tracker's tests: texts written here, each
offer stated with its payer level and region (as the extractor would fill them), so the tests
do not depend on the extraction rules."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from _factories import offer
from recruitwatch.model import Document, Extraction
from recruitwatch.normalise import Normaliser
from recruitwatch.store import open_store

# (id, published, text, [(amount as written, amount, level, region, previous)])
STORIES: list[tuple[str, date, str, list[tuple[str, float, str, str | None, bool]]]] = [
    (
        "samara-2024",
        date(2024, 6, 1),
        "The Samara regional government pays recruits a one-off 1,500,000 roubles on signing.",
        [("1,500,000 roubles", 1_500_000, "regional", "RU-SAM", False)],
    ),
    (
        "samara-raise",
        date(2024, 11, 10),
        "Samara raised its regional payment to 3,600,000 roubles, up from 1,500,000 roubles.",
        [
            ("3,600,000 roubles", 3_600_000, "regional", "RU-SAM", False),
            ("1,500,000 roubles", 1_500_000, "regional", "RU-SAM", True),
        ],
    ),
    (
        "samara-cut",
        date(2025, 2, 23),
        "Samara cut the regional payment from 3,600,000 roubles to 2,100,000 roubles.",
        [
            ("3,600,000 roubles", 3_600_000, "regional", "RU-SAM", True),
            ("2,100,000 roubles", 2_100_000, "regional", "RU-SAM", False),
        ],
    ),
    (
        "tolyatti",
        date(2024, 9, 1),
        "The city of Tolyatti adds 100,000 roubles for every volunteer who signs.",
        [("100,000 roubles", 100_000, "municipal", "RU-SAM", False)],
    ),
    (
        "federal",
        date(2024, 8, 1),
        "The federal one-off payment on signing a contract is 400,000 roubles.",
        [("400,000 roubles", 400_000, "federal", None, False)],
    ),
    (
        "tatarstan",
        date(2024, 3, 5),
        "Tatarstan pays volunteers 1,000,000 roubles on signing a contract.",
        [("1,000,000 roubles", 1_000_000, "regional", "RU-TA", False)],
    ),
    (
        "crimea",
        date(2024, 5, 1),
        "The occupation authorities of Crimea pay 300,000 roubles to each volunteer.",
        [("300,000 roubles", 300_000, "regional", "UA-43", False)],
    ),
]


def build_tracker_db(folder: Path) -> Path:
    db = folder / "tracker.db"
    normalise = Normaliser()  # as the pipeline stores them: dated, in roubles and dollars
    with open_store(db) as store:
        for doc_id, published, text, stated in STORIES:
            document = Document.from_text(
                text,
                id=doc_id,
                published=published,
                url=f"https://news.example/{doc_id}",
                site_name="Example News",
            )
            offers = [
                replace(
                    offer(document, written, amount=amount, target="volunteers"),
                    recipient="recruit",
                    payer_level=level,  # type: ignore[arg-type]
                    payer_region=region,
                    previous=previous,
                )
                for written, amount, level, region, previous in stated
            ]
            store.save_extraction(normalise(Extraction(document=document, offers=offers)))
    return db
