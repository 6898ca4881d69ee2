"""Write tests/data/landed-v14.sqlite: a small database as the landed recruitwatch wrote it
before migration 16 (derived offer columns kept by triggers), for the migration test.

Run it with the landed version on the path, e.g. from a checkout of that commit:

    git archive 09b4554 | tar -x -C /tmp/landed
    PYTHONPATH=/tmp/landed/src python scripts/landed_database.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from recruitwatch.pipeline import ingest_paths
from recruitwatch.store import open_store

TEXTS = {
    # Dated: converted at the official rate of its day.
    "dated.txt": "Kazan bonus\nPublished: 2023-08-07\n\n"
    "The army offers volunteers a signing bonus of 495,000 roubles ($5,200).\n",
    # No date anywhere: the old triggers gave USD from the stated dollars, normalise gives none.
    "undated.txt": "Undated\n\nThe army offers volunteers a signing bonus of 300,000 roubles"
    " ($3,100).\n",
    "dollars.txt": "Wagner pay\nPublished: 2022-11-20\n\n"
    "Wagner recruiters offer fighters a monthly salary of $2,000.\n",
}
TARGET = Path(__file__).parent.parent / "tests" / "data" / "landed-v14.sqlite"


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        for name, text in TEXTS.items():
            (Path(folder) / name).write_text(text, encoding="utf-8")
        TARGET.unlink(missing_ok=True)
        with open_store(TARGET) as store:
            report = ingest_paths([Path(folder)], store)
            store._connection.execute("VACUUM")  # type: ignore[attr-defined]  # a small file
    print(f"{TARGET}: {report.ingested} documents", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
