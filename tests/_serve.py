"""A database filled by the real pipeline from texts written here, and a live server over it."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from recruitwatch.link import link_store
from recruitwatch.pipeline import ingest_paths
from recruitwatch.settings import Settings
from recruitwatch.store import open_store

TOKEN = "test-token-0123456789"
# A document whose title and text carry markup that must stay text on every page.
EVIL = "kursk-markup"
TEXTS = {
    "kazakh-bonus.txt": (
        "Kazakh citizens offered a bonus\nPublished: 2023-08-07\n\n"
        "The army offers Kazakh citizens a sign-on bonus of 495,000 roubles ($5,200). "
        "Recruiters in Almaty say the monthly salary is 210,000 roubles.\n"
    ),
    # A rewrite of the story above by another outlet: one claim, two sources.
    "kazakh-bonus-rewrite.txt": (
        "Army lures Kazakh citizens with bonus\nPublished: 2023-08-09\n\n"
        "Kazakh citizens are offered a sign-on bonus of 495,000 roubles ($5,200) by the army."
        " Recruiters in Almaty say the monthly salary is 210,000 roubles. Source: Insider\n"
    ),
    # The same payer and month, another amount: a conflict.
    "kazakh-bonus-lower.txt": (
        "Kazakh bonus lower, says agency\nPublished: 2023-08-21\n\n"
        "The army offers Kazakh citizens a sign-on bonus of 400,000 roubles."
        " Officials called up 20,000 reservists.\n"
    ),
    "tatarstan.txt": (
        "Tatarstan raises its payment\nPublished: 2024-03-05\n\n"
        "Tatarstan pays volunteers a one-off bonus of 1,000,000 roubles ($11,000) on signing a"
        " contract. Officials called up 300,000 reservists in September.\n"
    ),
    "moscow-migrants.txt": (
        "Migrants targeted in Moscow\nPublished: 2024-06-10\n\n"
        "The Moscow city government offers migrants a signing bonus of 1.9 million roubles"
        " ($21,000). Contract soldiers receive a monthly salary of 204,000 roubles.\n"
    ),
    "syria-wagner.txt": (
        "Wagner pay in Syria\nPublished: 2022-11-20\n\n"
        "Wagner recruiters in Syria offer fighters a monthly salary of $2,000."
        " Officials called up 500 reservists.\n"
    ),
    "kursk-ru.txt": (
        "Курская область\nPublished: 2024-02-01\n\n"
        "Власти Курской области выплатят добровольцам единовременно 400 000 рублей при"
        " подписании контракта. Ежемесячное денежное довольствие составит 210 000 рублей.\n"
    ),
    f"{EVIL}.txt": (
        "<script>document.title='pwned'</script> Kursk"
        " <img src=x onerror=\"document.title='pwned'\">\n"
        "Published: 2024-01-02\n\n"
        "Read <a href=\"javascript:document.title='pwned'\">more</a>"
        " <script>document.title='pwned'</script>.\n\n"
        "The Kursk region pays <b>prisoners</b> a one-off bonus of 300,000 roubles ($3,300) on"
        " signing a contract <img src=x onerror=\"document.title='pwned'\">. Officials called up"
        " 300,000 reservists in September.\n"
    ),
}


def build_db(folder: Path, target: str | Path | None = None) -> str | Path:
    """Write the texts into `folder` and ingest them with the real extractor into `target` (an
    empty database: a file path or a postgresql:// URL; default: rw.db in `folder`); returns
    where the database is."""
    texts = folder / "texts"
    texts.mkdir(parents=True, exist_ok=True)
    for name, text in TEXTS.items():
        (texts / name).write_text(text, encoding="utf-8")
    db = folder / "rw.db" if target is None else target
    with open_store(db) as store:
        report = ingest_paths([texts], store)
        link_store(store)
    assert report.ok, report.failed
    return db


def settings(db: str | Path, **changes: Any) -> Settings:
    return replace(Settings(db=db, token=TOKEN), **changes)


@contextmanager
def live_server(db: str | Path) -> Iterator[str]:
    """uvicorn in a thread on a free loopback port; yields the base URL."""
    import uvicorn

    from recruitwatch.serve.app import create_app

    app = create_app(settings(db))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))  # port 0: the system picks a free one, no race with others
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def form_csrf(html: str) -> str:
    """The CSRF token a page's form carries."""
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def sign_in(client: Any, token: str) -> Any:
    """Sign in through the form, as a browser does (the form's CSRF token included)."""
    csrf = form_csrf(client.get("/login").text)
    return client.post("/login", data={"token": token, "csrf": csrf}, follow_redirects=False)
