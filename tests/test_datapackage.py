"""`recruitwatch export --datapackage`: a Frictionless Data Package the frictionless library
validates, whose offers and figures carry their document's URL, outlet, title and date."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest
from frictionless import Package
from typer.testing import CliRunner

from _serve import build_db
from recruitwatch.cli import app
from recruitwatch.serve.datapackage import write_datapackage
from recruitwatch.serve.export import FIGURE_COLUMNS, OFFER_COLUMNS

_URL = "https://news.example.org/tatarstan-raises"
_OUTLET = "Example News"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("datapackage")
    path = Path(build_db(folder))
    # Files carry no URL or outlet; give one document what a fetched page would have.
    with sqlite3.connect(path) as connection:
        connection.execute(
            "UPDATE documents SET url = ?, site_name = ? WHERE title LIKE 'Tatarstan%'",
            (_URL, _OUTLET),
        )
    return path


@pytest.fixture(scope="module")
def package(db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("package") / "dataset"
    result = CliRunner().invoke(app, ["export", "--datapackage", str(out), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert f"in {out}" in result.output
    return out


def _rows(package: Path, table: str) -> list[dict[str, str]]:
    with (package / f"{table}.csv").open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def test_the_package_validates_with_frictionless(package: Path) -> None:
    report = Package(str(package / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_every_table_has_a_schema_with_types_and_descriptions(package: Path) -> None:
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    resources = {resource["name"]: resource for resource in descriptor["resources"]}
    assert set(resources) == {"documents", "offers", "figures", "claims"}
    for resource in resources.values():
        fields = resource["schema"]["fields"]
        assert all(field["type"] and field["description"] for field in fields)
        with (package / resource["path"]).open(encoding="utf-8", newline="") as file:
            assert next(csv.reader(file)) == [field["name"] for field in fields]
    # The download's columns, which carry each record's document URL, outlet, title and date.
    offer_fields = [field["name"] for field in resources["offers"]["schema"]["fields"]]
    assert offer_fields == list(OFFER_COLUMNS) and "document_outlet" in offer_fields
    figure_fields = [field["name"] for field in resources["figures"]["schema"]["fields"]]
    assert figure_fields == list(FIGURE_COLUMNS) and "document_url" in figure_fields
    types = {field["name"]: field["type"] for field in resources["offers"]["schema"]["fields"]}
    assert types["amount"] == "number" and types["previous"] == "boolean"
    assert types["record_date"] == "date" and types["id"] == "integer"
    assert "text" not in {field["name"] for field in resources["documents"]["schema"]["fields"]}


def test_offers_and_figures_carry_their_source(package: Path) -> None:
    offers = [row for row in _rows(package, "offers") if row["document_url"] == _URL]
    assert offers, "the Tatarstan offer lost its document's URL"
    assert {row["document_outlet"] for row in offers} == {_OUTLET}
    assert {row["document_title"] for row in offers} == {"Tatarstan raises its payment"}
    assert {row["document_published"] for row in offers} == {"2024-03-05"}
    assert any(row["amount"] == "1000000.0" for row in offers)
    figures = [row for row in _rows(package, "figures") if row["document_url"] == _URL]
    assert figures and figures[0]["document_published"] == "2024-03-05"


def test_cyrillic_and_evidence_stay_exact(package: Path, db: Path) -> None:
    with sqlite3.connect(db) as connection:
        stored = {
            row[0] for row in connection.execute("SELECT evidence_text FROM offers").fetchall()
        }
    written = {row["evidence_text"] for row in _rows(package, "offers")}
    assert written == stored
    assert any("рублей" in text for text in written)


def test_counts_match_the_database(db: Path, tmp_path: Path) -> None:
    counts = write_datapackage(db, tmp_path / "again")
    with sqlite3.connect(db) as connection:
        for table, written in counts.items():
            assert written == connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    assert counts["claims"] > 0


def test_export_needs_exactly_one_destination(db: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    neither = runner.invoke(app, ["export", "--db", str(db)])
    assert neither.exit_code == 2 and "--datapackage" in neither.output
    both = ["export", "--parquet", str(tmp_path / "p"), "--datapackage", str(tmp_path / "d")]
    assert runner.invoke(app, [*both, "--db", str(db)]).exit_code == 2


def test_a_missing_database_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["export", "--datapackage", str(tmp_path / "out"), "--db", str(tmp_path / "no.db")]
    )
    assert result.exit_code == 1 and "no database" in result.output
    assert not (tmp_path / "out").exists()
