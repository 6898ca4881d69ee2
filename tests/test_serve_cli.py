"""`recruitwatch serve`: its help, the install line when the [web] extra is missing, and a real
server process answering on loopback, over an SQLite file and over PostgreSQL."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from recruitwatch import serve
from recruitwatch.cli import app
from recruitwatch.store import open_store


def test_serve_has_help_with_an_example() -> None:
    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0
    assert "Example: recruitwatch serve" in result.stdout


def test_a_missing_extra_prints_the_install_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(serve, "missing_extra", lambda: ["fastapi", "uvicorn"])
    result = CliRunner().invoke(app, ["serve", "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 1
    assert "serving needs fastapi, uvicorn" in result.stderr
    assert "pip install 'recruitwatch[web]'" in result.stderr


def test_serve_answers_on_loopback(db: str | Path) -> None:
    pytest.importorskip("uvicorn", reason="the [web] extra is not installed")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with open_store(db):
        pass  # serve reads a database; it never makes one
    env = {**os.environ, "RECRUITWATCH_TOKEN": "t"}
    command = [sys.executable, "-m", "recruitwatch", "serve", "--db", str(db)]
    process = subprocess.Popen(
        [*command, "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/api/offers", timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.1)
        assert response.json() == {"ok": True, "items": [], "next": None, "count": 0}
        assert httpx.post(f"http://127.0.0.1:{port}/api/documents", json={}).status_code == 401
        text = (
            "Recruiters in Orenburg offer students a sign-on bonus of 250,000 roubles ($2,700)."
            " Officials called up 1,000 reservists."
        )
        posted = httpx.post(
            f"http://127.0.0.1:{port}/api/documents",
            json={"text": text, "id": "orenburg"},
            headers={"Authorization": "Bearer t"},
            timeout=30,
        )
        assert posted.status_code == 201, posted.text
        assert [o["amount"] for o in posted.json()["items"][0]["offers"]] == [250_000]
        offers = httpx.get(f"http://127.0.0.1:{port}/api/offers?q=orenburg", timeout=10).json()
        assert [o["amount"] for o in offers["items"]] == [250_000]
    finally:
        process.terminate()
        process.wait(timeout=10)
