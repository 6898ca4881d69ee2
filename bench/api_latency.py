"""Latency of the offers page and of /api/offers with filters, over generated offers, on SQLite
and on PostgreSQL.

Fills a database through the store (the writes a batch makes: documents, offers, official-rate
conversions, the search index; a thousand documents a transaction), starts `recruitwatch serve`
in a child process pinned to one core, and times sequential requests from this process (pinned to
another core). Prints p50 / p95 / max per request kind; "filtered listing" is /api/offers with
the filters people use (payer level and region, target country, kind, date, currency).

    python bench/api_latency.py                            # 100,000 offers, SQLite, 60 requests
    python bench/api_latency.py --offers 1000000 --store sqlite,postgres
    python bench/api_latency.py --offers 20000 --requests 30 --postgres postgresql://...

PostgreSQL is `--postgres URL`, or a throwaway server started from the machine's own binaries.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent.parent / "tests"))  # the throwaway PostgreSQL

from _postgres import fresh_database, server
from recruitwatch.model import (
    Conversion,
    Document,
    Evidence,
    Extraction,
    Offer,
    OfferKind,
    OfferNotes,
    Rate,
    RecordDate,
)
from recruitwatch.store import open_store

SEED = 6
OFFERS_PER_DOCUMENT = 5
PAYERS = [
    "Tatarstan",
    "Bashkortostan",
    "Moscow",
    "St Petersburg",
    "Kursk",
    "Belgorod",
    "Sakhalin",
    "Chechnya",
    "Buryatia",
    "Novosibirsk",
    "Russian Ministry of Defence",
    "Russian military",
    "Wagner Group",
    "Krasnodar",
    "Rostov",
    "Yakutia",
    "Omsk",
    "Perm",
    "Samara",
    "Tyumen",
]
TARGETS = ["volunteers", "migrants", "Kazakh citizens", "prisoners", "students", "recruits"]
KINDS: list[OfferKind] = ["signing_bonus", "monthly_pay", "compensation", "other_payment"]
CURRENCIES = ["RUB"] * 8 + ["USD", "KZT"]
USD_PER = {"RUB": 0.011, "USD": 1.0, "KZT": 0.0021}
FIRST_DAY = date(2022, 9, 1)
DAYS = 3 * 365

LEVELS = ["federal", "regional", "regional", "regional", "municipal", "pmc"]
REGION_CODES = ["RU-TA", "RU-BA", "RU-MOW", "RU-SPE", "RU-KRS", "RU-BEL", "RU-SAK", "RU-CE"]
COUNTRIES = ["RU"] * 6 + ["KZ", "UZ", "TJ", "IN"]

# The filters people use, each on an indexed column, alone and together.
KEY_FILTERS = [
    "payer_level=regional",
    "payer_region=RU-TA",
    "target_country=KZ",
    "kind=signing_bonus&currency=RUB",
    "since=2024-01-01&until=2024-03-31",
    "payer_level=regional&payer_region=RU-BA&kind=signing_bonus",
    "target_country=RU&since=2023-06-01&until=2023-12-31&currency=RUB",
]
# Requests timed, by kind: the page renders the table and four charts from the same filters.
FILTERS = [
    "",
    "kind=signing_bonus&currency=RUB",
    "payer=tatarstan&sort=-amount",
    "target=migrants&since=2024-01-01&until=2024-12-31",
    "min_usd=5000&max_usd=20000&sort=-usd",
    "region=kursk&language=ru",
    "q=contract%20bonus",
]


def sentence(offer_kind: OfferKind, payer: str, target: str, amount: float, currency: str) -> str:
    words = offer_kind.replace("_", " ")
    return f"{payer} offers {target} a {words} of {amount:,.0f} {currency}. "


def generate(count: int, seed: int = SEED) -> Iterator[Extraction]:
    rng = random.Random(seed)
    for number in range(count // OFFERS_PER_DOCUMENT):
        doc_id = f"doc-{number:06d}"
        language = "ru" if rng.random() < 0.2 else "en"
        published = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
        text = f"Recruitment news {number}\n\n"
        offers: list[Offer] = []
        notes: list[OfferNotes] = []
        for _ in range(OFFERS_PER_DOCUMENT):
            kind = rng.choice(KINDS)
            payer, target = rng.choice(PAYERS), rng.choice(TARGETS)
            currency = rng.choice(CURRENCIES)
            amount = float(rng.randrange(50, 3000) * 1000)
            said = sentence(kind, payer, target, amount, currency)
            start = len(text)
            value_start = start + said.index(" of ") + 4
            text += said
            usd = amount * USD_PER[currency]
            evidence = Evidence(
                doc_id, start, start + len(said) - 1, said[:-1], value_start, value_start + 5,
                f"offer.{kind}", language,
            )  # fmt: skip
            offers.append(
                Offer(
                    kind=kind,
                    amount=amount,
                    currency=currency,
                    evidence=evidence,
                    usd_stated=round(usd, -2) if rng.random() < 0.3 else None,
                    offered_by=payer,
                    target=target,
                    region=payer if rng.random() < 0.7 else None,
                    date=published,
                    confidence=0.85,
                    payer_level=rng.choice(LEVELS),  # type: ignore[arg-type]  # the guide's
                    payer_region=rng.choice(REGION_CODES),
                    target_country=rng.choice(COUNTRIES),
                )
            )
            rate = Rate(USD_PER[currency], published, "CBR")
            notes.append(
                OfferNotes(
                    date=RecordDate(published, "day"),
                    usd=Conversion("USD", usd, rate=rate),
                    rub=Conversion("RUB", usd / USD_PER["RUB"], rate=rate),
                )
            )
        document = Document.from_text(
            text, id=doc_id, source="bench", published=published, language=language
        )
        yield Extraction(document, offers=offers, offer_notes=notes)


def fill(db: str | Path, count: int) -> float:
    started = time.perf_counter()
    with open_store(db) as store:
        stream = generate(count)
        while chunk := list(itertools.islice(stream, 1000)):
            with store.batch():
                store.save_extractions(chunk)
    return time.perf_counter() - started


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def serve(path: str | Path, port: int, core: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "recruitwatch", "serve", "--db", str(path)]
    command += ["--port", str(port)]
    return subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=lambda: os.sched_setaffinity(0, {core}),  # one core for the server
    )


def wait_until_up(client: httpx.Client, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if client.get("/api/offers?limit=1").status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit("the server did not start")


def timings(client: httpx.Client, urls: list[str], rounds: int) -> list[float]:
    found: list[float] = []
    for number in range(rounds):
        url = urls[number % len(urls)]
        started = time.perf_counter()
        response = client.get(url)
        found.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url}: {response.status_code} {response.text[:200]}")
    return found


def deep_pages(client: httpx.Client, depth: int) -> list[str]:
    """URLs of pages far into a filtered listing, reached by following `next`."""
    url = "/api/offers?kind=signing_bonus&limit=100"
    found: list[str] = []
    for _ in range(depth):
        cursor = client.get(url).json()["next"]
        if cursor is None:
            break
        url = f"/api/offers?kind=signing_bonus&limit=100&cursor={cursor}"
        found.append(url)
    return found


def main(argv: list[str] | None = None) -> int:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    options.add_argument("--offers", type=int, default=100_000)
    options.add_argument("--requests", type=int, default=60, help="per kind of request")
    options.add_argument("--store", default="sqlite", help="sqlite, postgres or both (a,b)")
    options.add_argument("--postgres", help="a PostgreSQL server URL (default: start one here)")
    options.add_argument("--db", help="reuse or create this SQLite file or PostgreSQL URL")
    args = options.parse_args(argv)
    cores = sorted(os.sched_getaffinity(0))
    server_core, client_core = cores[0], cores[-1]
    os.sched_setaffinity(0, {client_core})
    with tempfile.TemporaryDirectory() as folder:
        for store in args.store.split(","):
            with server(args.postgres) if store == "postgres" else contextlib.nullcontext() as pg:
                db: str | Path = args.db or (
                    fresh_database(pg) if pg else Path(folder) / "bench.db"
                )
                if args.db is None or (not pg and not Path(db).exists()):
                    seconds = fill(db, args.offers)
                    print(f"{store}: filled {args.offers:,} offers in {seconds:.1f} s")
                measure(db, store, args.requests, server_core, client_core)
    return 0


def measure(db: str | Path, store: str, requests: int, server_core: int, client_core: int) -> None:
    port = free_port()
    process = serve(db, port, server_core)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            wait_until_up(client)
            total = client.get("/api/offers?limit=1").json()["count"]
            print(
                f"{store}: {total:,} offers; server on core {server_core}, client on {client_core}"
            )
            kinds = {
                "filtered listing, 50 rows": [f"/api/offers?{f}" for f in KEY_FILTERS],
                "offers page (table + 4 charts)": [f"/offers?{f}" for f in FILTERS],
                "/api/offers, 50 rows": [f"/api/offers?{f}" for f in FILTERS],
                "/api/offers, deep pages (cursor)": deep_pages(client, 40),
            }
            print(f"{'request':<36} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
            for name, urls in kinds.items():
                timings(client, urls, len(urls))  # warm the page cache first
                found = timings(client, urls, requests)
                p95 = statistics.quantiles(found, n=20)[-1]
                median = statistics.median(found)
                slowest = max(found)
                print(f"{name:<36} {len(found):>4} {median:>8.1f} {p95:>8.1f} {slowest:>8.1f}")
    finally:
        process.terminate()
        process.wait(timeout=10)


if __name__ == "__main__":
    raise SystemExit(main())
