"""bench/load.py at a small size: a CLI ingest while clients POST and read. Nothing aborts,
nothing is lost, no answer is a 5xx: one writer at a time, and no full relink per POST."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import warnings
from collections import Counter
from pathlib import Path

import pytest

pytest.importorskip("uvicorn", reason="the [web] extra is not installed")
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import httpx

from _serve import TOKEN, live_server
from recruitwatch.link import link_store
from recruitwatch.store import open_store

REGIONS = ["Omsk", "Tomsk", "Kursk", "Perm", "Tver", "Ufa", "Chita", "Kazan"]


def _article(n: int) -> str:
    region = REGIONS[n % len(REGIONS)]
    return (
        f"Bulletin {n} from {region}\n\n"
        f"The {region} region offers volunteers a sign-on bonus of {200 + n},000 roubles to"
        f" join the army. Officials in {region} said {1000 + n} men had signed contracts by"
        f" week {n}. The regional budget sets aside {n + 3} billion roubles for the payments.\n"
    )


def test_posts_during_a_cli_ingest_neither_abort_nor_lose_anything(tmp_path: Path) -> None:
    files = tmp_path / "files"
    files.mkdir()
    for n in range(40):
        (files / f"bulletin-{n}.txt").write_text(_article(n), encoding="utf-8")
    db = tmp_path / "rw.db"
    with open_store(db) as store:
        link_store(store)
    answers: Counter[str] = Counter()
    lock = threading.Lock()

    def note(status: int | str) -> None:
        with lock:
            answers[str(status)] += 1

    def post(base: str, first: int) -> None:
        with httpx.Client(base_url=base, timeout=120) as client:
            for n in range(first, first + 5):
                response = client.post(
                    "/api/documents",
                    json={"text": _article(n), "published": "2024-03-05"},
                    headers={"Authorization": f"Bearer {TOKEN}"},
                )
                note(response.status_code)

    def read(base: str, done: threading.Event) -> None:
        with httpx.Client(base_url=base, timeout=60) as client:
            while not done.is_set():
                for path in ("/api/offers?limit=20", "/api/claims", "/offers"):
                    note(client.get(path).status_code)

    with live_server(db) as base:
        done = threading.Event()
        ingest = subprocess.Popen(
            [sys.executable, "-m", "recruitwatch", "ingest", str(files), "--db", str(db)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        posters = [threading.Thread(target=post, args=(base, 100 + 10 * i)) for i in range(2)]
        readers = [threading.Thread(target=read, args=(base, done)) for _ in range(2)]
        for thread in posters + readers:
            thread.start()
        for thread in posters:
            thread.join(120)
        _, errors = ingest.communicate(timeout=300)
        done.set()
        for thread in readers:
            thread.join(60)
    assert ingest.returncode == 0, errors.decode()
    assert not [status for status in answers if status.startswith("5")], answers
    assert answers["201"] == 10
    with sqlite3.connect(db) as connection:
        stored = connection.execute("SELECT count(*) FROM documents").fetchone()[0]
        unlinked = connection.execute(
            "SELECT count(*) FROM documents WHERE id NOT IN"
            " (SELECT document_id FROM link_documents)"
        ).fetchone()[0]
    assert stored == 50
    assert unlinked == 0  # every document linked by whichever writer came last
