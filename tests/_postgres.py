"""A throwaway PostgreSQL server on loopback for the tests and benchmarks, started from the
machine's own binaries (Debian's postgresql package) in a temporary folder.

RECRUITWATCH_TEST_POSTGRES=postgresql://... uses a server already running instead.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

ENV_URL = "RECRUITWATCH_TEST_POSTGRES"
# The server refuses to run as root; Debian's package makes this user.
_SERVICE_USER = "postgres"


def find_binaries() -> Path | None:
    """The folder holding initdb and pg_ctl, newest version first, or None."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), reverse=True)
    if found:
        return found[0].parent
    pg_ctl = shutil.which("pg_ctl")
    return Path(pg_ctl).resolve().parent if pg_ctl else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _run(command: list[str]) -> None:
    subprocess.run(_as_service_user(command), check=True, capture_output=True, text=True)


def _as_service_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", _SERVICE_USER, "--", *command]


@contextlib.contextmanager
def server(url: str | None = None) -> Iterator[str]:
    """The URL of a PostgreSQL server that lives as long as the block: `url` or the one
    RECRUITWATCH_TEST_POSTGRES names when given, else a throwaway one. Skips nothing: raises
    RuntimeError when none can be started, for the caller to decide."""
    if given := url or os.environ.get(ENV_URL):
        yield given
        return
    binaries = find_binaries()
    if binaries is None:
        raise RuntimeError("no PostgreSQL binaries (install Debian's postgresql package)")
    folder = Path(tempfile.mkdtemp(prefix="recruitwatch-pg-"))
    data = folder / "data"
    if os.geteuid() == 0:
        shutil.chown(folder, _SERVICE_USER)
    port = _free_port()
    # A UTF-8 locale: lower() and the tsvector fold Cyrillic too.
    initdb = ["-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8"]
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c fsync=off"
    start = ["-D", str(data), "-o", options, "-w", "-l", str(folder / "log"), "start"]
    try:
        _run([str(binaries / "initdb"), *initdb])
        _run([str(binaries / "pg_ctl"), *start])
    except subprocess.CalledProcessError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(f"cannot start PostgreSQL: {exc.stderr or exc.stdout}") from exc
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            _as_service_user(
                [str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]
            ),
            capture_output=True,
            check=False,
        )
        shutil.rmtree(folder, ignore_errors=True)


def fresh_database(admin_url: str) -> str:
    """A new empty database on the server, by URL (each test gets its own)."""
    import psycopg

    name = f"rw_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")  # a name we just made
    base, _, _ = admin_url.rpartition("/")
    return f"{base}/{name}"
