"""The worst input of each kind at 10 KB, 100 KB and 1 MB: seconds and peak memory.

    python bench/hostile.py                       # every kind at 10 KB, 100 KB, 1 MB
    python bench/hostile.py --sizes 10000,100000 --kinds dots,html-attributes

Each input is written to a file and ingested by `recruitwatch.pipeline.ingest_paths` into a
fresh SQLite database with the default settings (document cap, extraction time budget), in a
process of its own: `peak MB` is that process's peak RSS (baseline: the interpreter with
recruitwatch, its vocabularies and trafilatura loaded, printed first), `s` the wall time of the
`ingest_paths` call alone (a small document of each kind is ingested before it, so loading
vocabularies, rates and readers, paid once a process, is not in the time).
`result` is what the run recorded: documents stored, or the failure's reason.
A child still running after `--timeout` seconds is killed and shown as a timeout.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

# Each kind: a file suffix and a maker of about `size` bytes of the worst input of that kind.
Maker = Callable[[int], bytes]


def _repeat(unit: str) -> Maker:
    return lambda size: (unit * max(1, size // len(unit.encode()))).encode()


def _warc_header_line(size: int) -> bytes:
    page = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body><p>x</p></body></html>"
    header = (
        b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:1>\r\n"
        b"WARC-Target-URI: http://example.org/\r\nX-Long: " + b"a" * size + b"\r\n"
        b"Content-Type: application/http; msgtype=response\r\n"
        b"Content-Length: " + str(len(page)).encode() + b"\r\n\r\n"
    )
    return header + page + b"\r\n\r\n"


def _telegram(size: int) -> bytes:
    message = '{"id": %d, "type": "message", "date": "2024-03-05T10:00:00", "text": "$1 #%d"}'
    count = max(1, size // 80)
    messages = ",".join(message % (n, n) for n in range(count))
    return ('{"name": "C", "id": 1, "messages": [' + messages + "]}").encode()


KINDS: dict[str, tuple[str, Maker]] = {
    "prose (baseline)": (
        ".txt",
        _repeat("The region pays volunteers 300,000 roubles on signing a contract. "),
    ),
    "dots": (".txt", _repeat(".")),
    "ellipses": (".txt", _repeat("…")),
    "?!": (".txt", _repeat("?!")),
    "amounts $1": (".txt", _repeat("$1 ")),
    "amounts Rs 1": (".txt", _repeat("Rs 1 ")),
    "ranges": (".txt", _repeat("from 1 to 2 million rubles ")),
    "digits": (".txt", lambda size: b"9" * size + b" people were mobilised."),
    "number words ru": (".txt", _repeat("двести пятьдесят ")),
    "html attributes": (
        ".html",
        lambda size: (
            b"<html><body><p "
            + b" ".join(b'a%d="x"' % n for n in range(size // 9))
            + b">Volunteers get 100 roubles.</p></body></html>"
        ),
    ),
    "html tags": (".html", lambda size: b"<html><body>" + b"<b>x</b>" * (size // 8) + b"</body>"),
    "html nesting": (
        ".html",
        lambda size: b"<html><body>" + b"<div>" * (size // 11) + b"x" + b"</div>" * (size // 11),
    ),
    "json nesting": (".json", lambda size: b"[" * (size // 2) + b"]" * (size // 2)),
    "jsonl one line": (
        ".jsonl",
        lambda size: b'{"text": "' + _repeat("$1 ")(size) + b'"}\n',
    ),
    "telegram messages": (".json", _telegram),
    "warc header line": (".warc", _warc_header_line),
}

CHILD = """
import json, sys, tempfile, time
from pathlib import Path
from recruitwatch.pipeline import ingest_paths
from recruitwatch.store import open_store
with tempfile.TemporaryDirectory() as folder, open_store(Path(folder) / "rw.db") as store:
    # One small document of each language first: vocabularies, the language detector, the
    # rate table and the HTML reader load once a process, not in the time measured.
    for name, text in (("en.txt", "Kazan pays volunteers 100 roubles."),
                       ("ru.txt", "Добровольцам в Казани платят 100 рублей."),
                       ("page.html", "<html><body><p>Kazan pays volunteers 100 roubles.</p>"
                                     "</body></html>")):
        (Path(folder) / name).write_text(text, encoding="utf-8")
        ingest_paths([Path(folder) / name], store)
    started = time.perf_counter()
    report = ingest_paths([sys.argv[1]], store)
    seconds = time.perf_counter() - started
failed = [f.reason for f in report.failed]
print(json.dumps({"stored": report.ingested, "failed": failed, "seconds": seconds}))
"""
# The same imports and a warm extractor, nothing read: the floor under every row.
BASELINE = """
import trafilatura
from recruitwatch.extract import extract_document
from recruitwatch.model import Document
extract_document(Document.from_text("Volunteers get 100 roubles.", id="x"))
extract_document(Document.from_text("Добровольцам платят 100 рублей.", id="y", language="ru"))
print('{"stored": 0, "failed": [], "seconds": 0}')
"""


def run_child(code: str, argument: str, timeout: float) -> tuple[float, float, str]:
    """(seconds, peak MB, result) of one child process; its own rusage, from wait4."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as output:
        child = subprocess.Popen(
            [sys.executable, "-c", code, argument], stdout=output, stderr=subprocess.DEVNULL
        )
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - started > timeout:
                child.kill()
                _, status, usage = os.wait4(child.pid, 0)
                child.returncode = -9  # reaped here: Popen must not wait for it again
                return time.perf_counter() - started, usage.ru_maxrss / 1024, "timeout"
            time.sleep(0.02)
        child.returncode = os.waitstatus_to_exitcode(status)
        elapsed = time.perf_counter() - started
        peak = usage.ru_maxrss / 1024  # KB on Linux
        output.seek(0)
        text = output.read().decode("utf-8", "replace")
    try:
        found = json.loads(text)
    except json.JSONDecodeError:
        return elapsed, peak, f"exit {child.returncode}"
    seconds = float(found["seconds"])
    if found["failed"]:
        return seconds, peak, f"failed: {found['failed'][0][:70]}"
    return seconds, peak, f"stored {found['stored']}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    kinds = [kind for kind in args.kinds.split(",") if kind]
    print(f"{'kind':20} {'size':>9} {'s':>7} {'peak MB':>8}  result")
    seconds, peak, result = run_child(BASELINE, "", args.timeout)
    print(f"{'(imports only)':20} {'-':>9} {seconds:7.2f} {peak:8.0f}  {result}", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        for kind in kinds:
            suffix, make = KINDS[kind]
            for size in sizes:
                path = Path(folder) / f"input{suffix}"
                path.write_bytes(make(size))
                seconds, peak, result = run_child(CHILD, str(path), args.timeout)
                print(
                    f"{kind:20} {path.stat().st_size:>9,} {seconds:7.2f} {peak:8.0f}  {result}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
