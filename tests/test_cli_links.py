"""The normalise and link commands end to end, with the real extractor: `ingest --published`,
`offers --json` with conversions and checks, `check`, `claims`, `conflicts`, `clusters` and
`rates update` against a loopback server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from recruitwatch.cli import app
from recruitwatch.store import open_store
from test_link import STORY_A, STORY_B, STORY_C, STORY_D
from test_normalise import SEED, USD_2023_08_05, cbr_server  # noqa: F401 - a fixture

COMMANDS = ("claims", "conflicts", "clusters", "check", "link", "rates update")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("RECRUITWATCH_DB", raising=False)
    # Never the user's own refreshed snapshot: the bundled one, unless a test writes one.
    monkeypatch.setenv("RECRUITWATCH_RATES_FILE", str(tmp_path / "no-such-rates.csv.gz"))


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(arg) for arg in args])


def _json(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_new_command_has_an_example(command: str) -> None:
    result = run(*command.split(), "--help")
    assert result.exit_code == 0 and "Example: recruitwatch" in result.stdout


@pytest.mark.skipif(not SEED.exists(), reason="shared/corpus/seed-article.txt is not here")
def test_seed_article_ingested_with_its_publication_date(tmp_path: Path) -> None:
    db = tmp_path / "seed.db"
    assert run("ingest", SEED, "--published", "2023-08-07", "--db", db).exit_code == 0
    offers = _json(run("offers", "--db", db, "--json"))["items"]
    bonus = next(o for o in offers if o["amount"] == 495_000)
    assert bonus["rub"] == 495_000 and bonus["usd"] == pytest.approx(495_000 / USD_2023_08_05)
    assert bonus["rate"] == {
        "value": pytest.approx(USD_2023_08_05),
        "date": "2023-08-05",
        "source": "CBR",
        "unit": "RUB per USD",
    }
    stated = next(c for c in bonus["checks"] if c["name"] == "stated_conversion")
    assert stated["status"] == "ok" and stated["stated"] == pytest.approx(95.19, abs=0.01)
    checked = run("check", "seed-article", "--db", db)
    assert "implies 95.19 RUB/USD; CBR rate of 2023-08-05 is 94.81 RUB/USD" in checked.stdout
    figures = _json(run("figures", "--db", db, "--json"))["items"]
    dated = {f["quantity"]: (f["date_label"], f["date_precision"]) for f in figures}
    assert dated[300_000] == ("autumn 2022", "season") and dated[42] == ("July 2023", "month")


def test_claims_conflicts_and_clusters(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in {"a": STORY_A, "b": STORY_B, "c": STORY_C, "d": STORY_D}.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    db = tmp_path / "rw.db"
    ingested = run("ingest", folder, "--db", db)
    assert "linked: 1 rewrite clusters" in ingested.stdout and "1 conflicts" in ingested.stdout
    claims = _json(run("claims", "--db", db, "--record", "offer", "--json"))["items"]
    bonus = next(c for c in claims if c["value"] == 495_000)
    assert (bonus["sources"], bonus["independent_sources"]) == (["a", "b", "c"], 2)
    assert _json(run("claims", "--db", db, "--min-sources", "2", "--json"))["count"] == 1
    (conflict,) = _json(run("conflicts", "--db", db, "--json"))["items"]
    assert {c["value"] for c in conflict["claims"]} == {495_000, 400_000}
    (cluster,) = _json(run("clusters", "--db", db, "--json"))["items"]
    assert cluster["origin"] == "a"
    copy = cluster["members"][1]
    assert copy["document_id"] == "b" and "Reuters" in copy["misattribution"]
    table = run("claims", "--db", db)
    assert "495,000" in table.stdout and "a, b, c" in table.stdout
    assert "possible misattribution" in run("check", "b", "--db", db).stdout
    again = run("ingest", folder, "--db", db, "--no-link")
    assert "unchanged 4" in again.stdout and "linked" not in again.stdout
    relinked = run("link", "--db", db)
    assert relinked.stdout == "linked: 1 rewrite clusters, 4 claims, 1 conflicts\n"


def test_published_fills_in_only_where_the_document_has_no_date(tmp_path: Path) -> None:
    (tmp_path / "undated.txt").write_text(
        "Undated\n\nThe Russian army offers recruits a sign-on bonus of 300,000 roubles.\n"
    )
    (tmp_path / "dated.txt").write_text(
        "Dated\nPublished: 2024-03-01\n\nThe army offers recruits a bonus of 300,000 roubles.\n"
    )
    db = tmp_path / "rw.db"
    run("ingest", tmp_path / "undated.txt", tmp_path / "dated.txt", "--db", db,
        "--published", "2023-08-07", "--url", "https://example.org/a")  # fmt: skip
    offers = {o["document_id"]: o for o in _json(run("offers", "--db", db, "--json"))["items"]}
    assert offers["undated"]["date"] == "2023-08-07" and offers["dated"]["date"] == "2024-03-01"
    shown = _json(run("show", "undated", "--db", db, "--json"))["items"][0]
    assert shown["url"] == "https://example.org/a"


def test_an_undated_offer_says_no_rate(tmp_path: Path) -> None:
    (tmp_path / "undated.txt").write_text(
        "Undated\n\nThe Russian army offers recruits a sign-on bonus of 300,000 roubles.\n"
    )
    result = _json(run("extract", tmp_path / "undated.txt", "--json"))
    (offer,) = result["items"][0]["offers"]
    assert offer["usd"] is None and offer["rate"] is None
    assert offer["usd_reason"].startswith("no rate: the document has no date")


def test_rates_update_through_the_command(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    cbr_server: tuple[str, list[str]],  # noqa: F811 - the fixture imported above
) -> None:
    url, _ = cbr_server
    path = tmp_path / "rates.csv.gz"
    monkeypatch.setenv("RECRUITWATCH_RATES_FILE", str(path))
    result = run("rates", "update", "--until", "2026-09-10", "--currency", "USD", "--url", url)
    assert result.exit_code == 0, result.output
    assert "rates: 2 new quotes (2026-09-08 to 2026-09-09)" in result.stdout
    daily = run("rates", "update", "--day", "2026-09-13", "--currency", "BYN", "--url", url)
    assert "rates: 1 new quotes (2026-09-12 to 2026-09-12)" in daily.stdout
    failed = run("rates", "update", "--currency", "EUR", "--url", url,
                 "--since", "2026-09-06", "--until", "2026-09-10")  # fmt: skip
    assert failed.exit_code == 1 and "error: CBR sent XML that cannot be read" in failed.output


def test_check_of_an_unknown_document_is_an_error(tmp_path: Path) -> None:
    with open_store(tmp_path / "rw.db"):
        pass
    result = run("check", "nope", "--db", tmp_path / "rw.db")
    assert result.exit_code == 1 and "no document with id 'nope'" in result.output
