"""Writes from the CLI and the API at once, with readers: nothing aborts, nothing is lost.

    python bench/load.py                          # 3,000 files, 4 x 100 POSTs, 8 readers
    python bench/load.py --files 500 --posts 20   # a quick run

On loopback only: a server (`recruitwatch serve`, a token set) over a fresh SQLite database,
then at the same time a CLI `recruitwatch ingest` of `--files` generated articles (linking at
the end, as by default), `--posters` clients each POSTing `--posts` other articles to
/api/documents (each POST links what it stored before answering, incrementally), and
`--readers` clients reading lists, exports and pages until the writers are done. Everything
is bounded by `--timeout` seconds.

Printed: the ingest's exit code (an aborted run is non-zero), documents lost (sent but not in
the database at the end: files plus POSTs answered 201/200), the count of 5xx answers and of
dropped connections, and p50/p99 latency of the reads and of the POSTs.
"""

from __future__ import annotations

import argparse
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))  # extract_speed's article generator

from extract_speed import generate

TOKEN = "bench-load-token"
READ_PATHS = (
    "/api/offers?limit=50",
    "/api/figures?limit=50&sort=-quantity",
    "/api/documents?limit=20",
    "/api/errors",
    "/offers",
    "/api/offers.csv?currency=RUB",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_until_up(base: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/api/offers?limit=1", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit("the server did not come up")


class Tally:
    """Answers and latencies from every client thread (a lock: threads append at once)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.statuses: Counter[str] = Counter()
        self.latencies: dict[str, list[float]] = {"read": [], "post": []}
        self.posted_ok = 0

    def note(self, kind: str, status: str, seconds: float) -> None:
        with self.lock:
            self.statuses[f"{kind} {status}"] += 1
            self.latencies[kind].append(seconds)
            if kind == "post" and status in ("200", "201"):
                self.posted_ok += 1


def poster(base: str, texts: list[str], tally: Tally, deadline: float) -> None:
    with httpx.Client(base_url=base, timeout=120) as client:
        for text in texts:
            if time.monotonic() > deadline:
                return
            started = time.perf_counter()
            try:
                response = client.post(
                    "/api/documents",
                    json={"text": text, "published": "2024-03-05"},
                    headers={"Authorization": f"Bearer {TOKEN}"},
                )
                status = str(response.status_code)
            except httpx.HTTPError as exc:
                status = f"dropped ({type(exc).__name__})"
            tally.note("post", status, time.perf_counter() - started)


def reader(base: str, tally: Tally, done: threading.Event, deadline: float) -> None:
    with httpx.Client(base_url=base, timeout=60) as client:
        turn = 0
        while not done.is_set() and time.monotonic() < deadline:
            path = READ_PATHS[turn % len(READ_PATHS)]
            turn += 1
            started = time.perf_counter()
            try:
                status = str(client.get(path).status_code)
            except httpx.HTTPError as exc:
                status = f"dropped ({type(exc).__name__})"
            tally.note("read", status, time.perf_counter() - started)


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=3000)
    parser.add_argument("--posters", type=int, default=4)
    parser.add_argument("--posts", type=int, default=100)
    parser.add_argument("--readers", type=int, default=8)
    parser.add_argument("--timeout", type=float, default=3600.0)
    args = parser.parse_args()
    deadline = time.monotonic() + args.timeout
    command = [sys.executable, "-m", "recruitwatch"]
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        files = root / "files"
        files.mkdir()
        for document in generate(args.files, seed=1):
            (files / f"{document.id}.txt").write_text(document.text, encoding="utf-8")
        posted = [doc.text for doc in generate(args.posters * args.posts, seed=2)]
        db = root / "load.db"
        seed = root / "seed.txt"
        seed.write_text("Kazan pays volunteers 500,000 roubles on signing.\n", encoding="utf-8")
        subprocess.run([*command, "ingest", str(seed), "--db", str(db)], check=True)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "RECRUITWATCH_TOKEN": TOKEN}
        server = subprocess.Popen(
            [*command, "serve", "--db", str(db), "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            wait_until_up(base, deadline)
            tally = Tally()
            done = threading.Event()
            started = time.perf_counter()
            ingest = subprocess.Popen(
                [*command, "ingest", str(files), "--db", str(db)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            writers = [
                threading.Thread(
                    target=poster,
                    args=(base, posted[n * args.posts : (n + 1) * args.posts], tally, deadline),
                )
                for n in range(args.posters)
            ]
            readers = [
                threading.Thread(target=reader, args=(base, tally, done, deadline))
                for _ in range(args.readers)
            ]
            for thread in writers + readers:
                thread.start()
            for thread in writers:
                thread.join()
            try:
                _, ingest_errors = ingest.communicate(timeout=max(1.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                ingest.kill()
                _, ingest_errors = ingest.communicate()
            done.set()
            for thread in readers:
                thread.join()
            elapsed = time.perf_counter() - started
            with sqlite3.connect(db) as connection:
                stored_files = connection.execute(
                    "SELECT count(*) FROM documents WHERE source LIKE ?", (f"{files}%",)
                ).fetchone()[0]
                stored_posts = connection.execute(
                    "SELECT count(*) FROM documents WHERE source = 'api'"
                ).fetchone()[0]
                failures = connection.execute("SELECT count(*) FROM failures").fetchone()[0]
        finally:
            server.terminate()  # a request still writing may hold the shutdown: then kill
            try:
                _, server_log = server.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                _, server_log = server.communicate()
    five_hundreds = sum(n for key, n in tally.statuses.items() if key.split()[1].startswith("5"))
    dropped = sum(n for key, n in tally.statuses.items() if "dropped" in key)
    print(f"elapsed {elapsed:.0f} s (timeout {args.timeout:g} s)")
    print(f"ingest exit code {ingest.returncode} (0: not aborted)")
    if ingest.returncode:
        print("  " + ingest_errors.decode("utf-8", "replace").strip()[-300:])
    print(
        f"files stored {stored_files} of {args.files}; posts stored {stored_posts} of"
        f" {tally.posted_ok} answered 200/201 ({args.posters * args.posts} sent);"
        f" failures recorded {failures}"
    )
    print(f"lost documents {args.files - stored_files + tally.posted_ok - stored_posts}")
    print(f"5xx answers {five_hundreds}, dropped connections {dropped}")
    for kind in ("read", "post"):
        values = tally.latencies[kind]
        print(
            f"{kind}: {len(values)} requests, p50 {percentile(values, 0.5) * 1000:.0f} ms,"
            f" p99 {percentile(values, 0.99) * 1000:.0f} ms"
        )
    print("answers: " + ", ".join(f"{key}: {n}" for key, n in sorted(tally.statuses.items())))
    if b"response already started" in server_log or b"Traceback" in server_log:
        print("server log has errors: " + server_log.decode("utf-8", "replace")[-500:])


if __name__ == "__main__":
    main()
