"""One read path: the command line, the API, the pages and the downloads read the same items,
so for one filter `offers --json` and /api/offers agree to the last key, on both backends."""

from __future__ import annotations

import csv
import io
import json
import warnings
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

pytest.importorskip("fastapi", reason="the [web] extra is not installed")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # Starlette's test client asks for httpx2
    from fastapi.testclient import TestClient

from _serve import build_db, settings
from recruitwatch.cli import app
from recruitwatch.pipeline import ingest_paths
from recruitwatch.serve.app import create_app
from recruitwatch.serve.export import OFFER_COLUMNS
from recruitwatch.store import open_store

# No date anywhere: the offer has no official rate, whatever it states in dollars.
UNDATED = "Undated\n\nThe army offers volunteers a signing bonus of 495,000 roubles ($5,200).\n"
FILTERS = [
    ("", []),
    ("kind=signing_bonus&currency=RUB", ["--kind", "signing_bonus", "--currency", "RUB"]),
    ("since=2024-01-01&until=2024-12-31", ["--since", "2024-01-01", "--until", "2024-12-31"]),
    ("target=kazakh", ["--target", "kazakh"]),
]
FIGURE_FILTERS = [("", []), ("unit=people", ["--unit", "people"])]


@pytest.fixture
def filled(db: str | Path, tmp_path: Path) -> str | Path:
    build_db(tmp_path, db)
    (tmp_path / "undated").mkdir()
    (tmp_path / "undated" / "undated.txt").write_text(UNDATED, encoding="utf-8")
    with open_store(db) as store:
        assert ingest_paths([tmp_path / "undated"], store).ok
    return db


def _cli(*args: str | Path) -> Any:
    result = CliRunner().invoke(app, [str(arg) for arg in args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout) if "--json" in args else result.stdout


def test_cli_and_api_give_identical_items(filled: str | Path) -> None:
    with TestClient(create_app(settings(filled))) as client:
        for query, options in FILTERS:
            api = client.get(f"/api/offers?limit=1000&{query}").json()
            cli = _cli("offers", "--db", filled, "--json", *options)
            assert api["count"] > 0 and cli["items"] == api["items"], query
        for query, options in FIGURE_FILTERS:
            api = client.get(f"/api/figures?limit=1000&{query}").json()
            cli = _cli("figures", "--db", filled, "--json", *options)
            assert api["count"] > 0 and cli["items"] == api["items"], query
        undated = next(o for o in cli_offers(filled) if o["document_id"] == "undated")
        # Normalise's values, the same everywhere: no rate without a date (the text's own
        # dollars stay in usd_stated), and roubles are roubles on any day.
        assert undated["usd"] is None and undated["usd_reason"].startswith("no rate")
        assert undated["rub"] == undated["amount"] and undated["rub_reason"] is None
        api_document = client.get("/api/documents/kazakh-bonus").json()["items"]
        assert _cli("show", "kazakh-bonus", "--db", filled, "--json")["items"] == api_document
        cli_csv = _cli("offers", "--db", filled, "--csv")
        web_csv = client.get("/api/offers.csv").text
    assert cli_csv.splitlines()[0] == web_csv.splitlines()[0] == ",".join(OFFER_COLUMNS)
    row = next(r for r in csv.DictReader(io.StringIO(cli_csv)) if r["id"] == str(undated["id"]))
    assert row["document_title"] == "Undated" and row["usd_stated"] == "5200.0"


def cli_offers(db: str | Path) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = _cli("offers", "--db", db, "--json")["items"]
    return items


def test_the_document_page_quotes_the_rate_as_the_cli_does(filled: str | Path) -> None:
    bonus = next(o for o in cli_offers(filled) if o["document_id"] == "kazakh-bonus")
    assert bonus["rate"]["unit"] == "RUB per USD" and bonus["rate"]["value"] > 50
    with TestClient(create_app(settings(filled))) as client:
        page = client.get("/documents/kazakh-bonus").text
    assert f"at {bonus['rate']['value']:,.2f} RUB per USD" in page
    assert "at 0.0" not in page
