"""Latency of the offers page and of /api/offers with filters, over 100,000 generated offers.

Fills a database through the store (the same writes as `recruitwatch ingest`: documents, offers,
official-rate conversions, the search index), starts `recruitwatch serve` in a child process
pinned to one core, and times sequential requests from this process (pinned to another core).
Prints p50 / p95 / max per request kind.

    python bench/api_latency.py                  # 100,000 offers, 60 requests per kind
    python bench/api_latency.py --offers 20000 --requests 30
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import httpx

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


def generate(count: int, seed: int = SEED) -> list[Extraction]:
    rng = random.Random(seed)
    extractions: list[Extraction] = []
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
        extractions.append(Extraction(document, offers=offers, offer_notes=notes))
    return extractions


def fill(path: Path, count: int) -> float:
    started = time.perf_counter()
    with open_store(path) as store:
        for extraction in generate(count):
            store.save_extraction(extraction)
    return time.perf_counter() - started


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def serve(path: Path, port: int, core: int) -> subprocess.Popen[bytes]:
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
    options.add_argument("--db", type=Path, help="reuse or create this database file")
    args = options.parse_args(argv)
    cores = sorted(os.sched_getaffinity(0))
    server_core, client_core = cores[0], cores[-1]
    os.sched_setaffinity(0, {client_core})
    with tempfile.TemporaryDirectory() as folder:
        path = args.db or Path(folder) / "bench.db"
        if not path.exists():
            seconds = fill(path, args.offers)
            print(f"filled {args.offers:,} offers in {seconds:.1f} s ({path})")
        port = free_port()
        server = serve(path, port, server_core)
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
                wait_until_up(client)
                total = client.get("/api/offers?limit=1").json()["count"]
                print(f"{total:,} offers; server on core {server_core}, client on {client_core}")
                kinds = {
                    "offers page (table + 4 charts)": [f"/offers?{f}" for f in FILTERS],
                    "/api/offers, 50 rows": [f"/api/offers?{f}" for f in FILTERS],
                    "/api/offers, deep pages (cursor)": deep_pages(client, 40),
                }
                print(f"{'request':<36} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
                for name, urls in kinds.items():
                    timings(client, urls, len(urls))  # warm the page cache first
                    found = timings(client, urls, args.requests)
                    p95 = statistics.quantiles(found, n=20)[-1]
                    median = statistics.median(found)
                    slowest = max(found)
                    print(f"{name:<36} {len(found):>4} {median:>8.1f} {p95:>8.1f} {slowest:>8.1f}")
        finally:
            server.terminate()
            server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
