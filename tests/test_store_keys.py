"""The keys of annotation guide version 2 (recipient, payer level and region, target origin and
country, previous; figure category) through the store, the CLI and the API, on both backends."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from _factories import figure, offer
from recruitwatch.cli import app
from recruitwatch.errors import QueryError
from recruitwatch.model import Document, Extraction
from recruitwatch.store import Store, open_store
from recruitwatch.store.schema import MIGRATIONS

TEXT = (
    "Tatarstan pays volunteers 500,000 roubles on signing.\n"
    "Families of the fallen receive 5,000,000 roubles.\n"
    "Kazakh citizens are promised 190,000 roubles a month.\n"
    "Officials said 300,000 reservists were called up.\n"
    "Some 700,000 men have left the country since."
)
KEYS_MIGRATION = next(m for m in MIGRATIONS if "guide version 2" in m.name)
INDEX_MIGRATION = next(m for m in MIGRATIONS if "indexes on the guide's keys" in m.name)
KEY_INDEXES = (
    "offers_payer_level",
    "offers_payer_region",
    "offers_target_country",
    "offers_recipient",
    "figures_category",
)
OFFER_KEY_COLUMNS = (
    "recipient",
    "payer_level",
    "payer_region",
    "target_origin",
    "target_country",
    "previous",
)


def _extraction(doc_id: str = "doc-1") -> Extraction:
    # Each id its own text: a copy of a stored text is stored once.
    doc = Document.from_text(f"{TEXT} ({doc_id})", id=doc_id, source=f"{doc_id}.txt")
    signing = offer(doc, "500,000 roubles", amount=500_000)
    death = offer(doc, "5,000,000 roubles", kind="compensation", amount=5_000_000)
    monthly = offer(doc, "190,000 roubles", kind="monthly_pay", amount=190_000)
    called_up = figure(doc, "300,000 reservists", quantity=300_000)
    left = figure(doc, "700,000 men", quantity=700_000)
    return Extraction(
        document=doc,
        offers=[
            replace(
                signing,
                recipient="recruit",
                payer_level="regional",
                payer_region="RU-TA",
                target_origin="local",
            ),
            replace(death, recipient="family", payer_level="federal", previous=True),
            replace(
                monthly,
                recipient="recruit",
                payer_level="federal",
                target_origin="foreign",
                target_country="KZ",
            ),
        ],
        figures=[replace(called_up, category="mobilised"), replace(left, category="fled")],
    )


def test_every_key_round_trips(store: Store) -> None:
    extraction = _extraction()
    store.save_extraction(extraction)
    assert store.get_document("doc-1") == extraction
    assert store.query_offers() == extraction.offers
    assert store.query_figures()[0].category == "mobilised"


def test_offers_filter_on_the_keys(store: Store) -> None:
    store.save_extraction(_extraction())

    def amounts(**keys: str) -> list[float]:
        return sorted(o.amount for o in store.query_offers(**keys))  # type: ignore[arg-type]

    assert amounts(payer_level="federal") == [190_000, 5_000_000]
    assert amounts(payer_region="RU-TA") == [500_000]
    assert amounts(target_country="KZ") == [190_000]
    assert amounts(recipient="family") == [5_000_000]
    assert amounts(payer_level="federal", recipient="recruit") == [190_000]
    assert amounts(payer_region="RU-MOW") == []
    with pytest.raises(QueryError, match="payer_level"):
        store.query_offers(payer_level="city")
    with pytest.raises(QueryError, match="target_country"):
        store.query_offers(target_country="Kazakhstan")


def test_a_database_from_before_the_keys_migrates_forward(db: str | Path) -> None:
    with open_store(db) as store:
        store.save_extraction(_extraction())
        # Back to the schema before the migration (and the indexes on its columns), with the
        # row kept.
        for index in KEY_INDEXES:
            store._connection.execute(f"DROP INDEX {index}")  # type: ignore[attr-defined]
        for table, column in [("offers", c) for c in OFFER_KEY_COLUMNS] + [("figures", "category")]:
            store._connection.execute(f"ALTER TABLE {table} DROP COLUMN {column}")  # type: ignore[attr-defined]
        store._connection.execute(  # type: ignore[attr-defined]
            "DELETE FROM migrations WHERE version IN"
            f" ({KEYS_MIGRATION.version}, {INDEX_MIGRATION.version})"
        )
    with open_store(db) as store:
        kept = store.query_offers()
        assert [o.amount for o in kept] == [500_000, 5_000_000, 190_000]
        assert {(o.recipient, o.payer_level, o.target_country, o.previous) for o in kept} == {
            (None, None, None, False)
        }
        assert store.query_figures()[0].category is None
        store.save_extraction(_extraction("doc-2"))
        assert [o.evidence.doc_id for o in store.query_offers(target_country="KZ")] == ["doc-2"]


def test_cli_offers_and_figures_carry_and_filter_the_keys(tmp_path: Path) -> None:
    path = tmp_path / "rw.db"
    with open_store(path) as store:
        store.save_extraction(_extraction())
    runner = CliRunner()
    offers = ["offers", "--db", str(path)]
    found = runner.invoke(
        app, [*offers, "--payer-level", "federal", "--recipient", "family", "--json"]
    )
    assert found.exit_code == 0, found.output
    (item,) = json.loads(found.output)["items"]
    assert (item["amount"], item["recipient"], item["payer_level"], item["previous"]) == (
        5_000_000,
        "family",
        "federal",
        True,
    )
    assert set(OFFER_KEY_COLUMNS) <= set(item)
    by_region = runner.invoke(
        app, ["offers", "--db", str(path), "--payer-region", "ru-ta", "--json"]
    )
    assert [o["payer_region"] for o in json.loads(by_region.output)["items"]] == ["RU-TA"]
    by_country = runner.invoke(
        app, ["offers", "--db", str(path), "--target-country", "KZ", "--csv"]
    )
    header, row = by_country.output.splitlines()[:2]
    assert "target_country" in header.split(",") and ",KZ," in row
    wrong = runner.invoke(app, [*offers, "--payer-level", "city"])
    assert wrong.exit_code != 0
    figures = runner.invoke(app, ["figures", "--db", str(path), "--json", "--sort", "id"])
    assert json.loads(figures.output)["items"][0]["category"] == "mobilised"


def test_show_names_the_keys_beside_each_record(tmp_path: Path) -> None:
    path = tmp_path / "rw.db"
    with open_store(path) as store:
        store.save_extraction(_extraction())
    shown = CliRunner().invoke(app, ["show", "doc-1", "--db", str(path)])
    assert shown.exit_code == 0, shown.output
    assert "paid to recruit; payer regional RU-TA; target local" in shown.output
    assert "paid to family; payer federal; level previous" in shown.output
    assert "target foreign KZ" in shown.output
    assert "category mobilised" in shown.output


def test_figures_filter_on_the_category(store: Store) -> None:
    store.save_extraction(_extraction())
    assert [f.quantity for f in store.query_figures(category="fled")] == [700_000]
    noted = store.query_noted_figures(category="mobilised")
    assert [f.quantity for f, _ in noted] == [300_000]
    assert store.query_figures(category="prisoners") == []
    with pytest.raises(QueryError, match="category"):
        store.query_figures(category="refugees")


def test_cli_figures_filter_and_show_the_category(db: str | Path) -> None:
    with open_store(db) as store:
        store.save_extraction(_extraction())
    runner = CliRunner()
    figures = ["figures", "--db", str(db)]
    fled = runner.invoke(app, [*figures, "--category", "fled", "--json"])
    assert fled.exit_code == 0, fled.output
    assert [(f["quantity"], f["category"]) for f in json.loads(fled.output)["items"]] == [
        (700_000, "fled")
    ]
    table = runner.invoke(app, [*figures, "--category", "mobilised"], env={"COLUMNS": "200"})
    assert table.exit_code == 0, table.output
    assert "category" in table.output and "mobilised" in table.output
    assert "700,000" not in table.output
    wrong = runner.invoke(app, [*figures, "--category", "refugees"])
    assert wrong.exit_code == 2 and "refugees" in wrong.output
    federal = runner.invoke(
        app, ["offers", "--db", str(db), "--payer-level", "federal", "--target-country", "KZ"]
    )
    assert federal.exit_code == 0 and "190,000" in federal.output
    assert "5,000,000" not in federal.output


def _client(db: str | Path) -> Any:
    pytest.importorskip("fastapi", reason="the [web] extra is not installed")
    from fastapi.testclient import TestClient

    from _serve import settings
    from recruitwatch.serve.app import create_app

    with open_store(db) as store:
        store.save_extraction(_extraction())
    return TestClient(create_app(settings(db)), raise_server_exceptions=False)


def test_api_filters_offers_and_figures_on_the_keys(db: str | Path) -> None:
    with _client(db) as client:

        def amounts(query: str) -> list[float]:
            found = client.get(f"/api/offers?{query}")
            assert found.status_code == 200, found.text
            return sorted(item["amount"] for item in found.json()["items"])

        assert amounts("payer_level=federal") == [190_000, 5_000_000]
        assert amounts("payer_region=RU-TA") == [500_000]
        assert amounts("target_country=KZ") == [190_000]
        assert amounts("recipient=family") == [5_000_000]
        assert amounts("payer_level=federal&recipient=recruit") == [190_000]
        fled = client.get("/api/figures?category=fled").json()["items"]
        assert [(f["quantity"], f["category"]) for f in fled] == [(700_000, "fled")]
        assert client.get("/api/figures?category=prisoners").json()["items"] == []
        csv = client.get("/api/figures.csv?category=mobilised").text.splitlines()
        assert len(csv) == 2 and "category" in csv[0].split(",") and "mobilised" in csv[1]
        wrong = client.get("/api/figures?category=refugees")
        assert wrong.status_code == 400 and "category" in wrong.text


def test_pages_offer_the_key_filters_and_columns(db: str | Path) -> None:
    with _client(db) as client:
        offers = client.get("/offers")
        assert offers.status_code == 200
        for field in (
            'select name="payer_level"',
            'input name="payer_region"',
            'input name="target_country"',
            'select name="recipient"',
        ):
            assert field in offers.text
        assert "<th>Payer level</th>" in offers.text and "<th>Recipient</th>" in offers.text
        assert '<div class="table-scroll">' in offers.text
        # The form as a browser sends it: empty fields included.
        tatar = client.get(
            "/offers?kind=&payer_level=regional&payer_region=RU-TA&target_country=&recipient="
        )
        assert tatar.status_code == 200
        assert _rows(tatar.text, "offers") == 1
        assert '<option value="regional" selected>' in tatar.text
        assert 'value="RU-TA"' in tatar.text and "regional <span" in tatar.text
        family = client.get("/offers?recipient=family")
        assert _rows(family.text, "offers") == 1 and "5,000,000" in family.text
        kazakh = client.get("/offers?target_country=KZ&recipient=family")
        assert "No offers match these filters." in kazakh.text

        figures = client.get("/figures")
        assert 'select name="category"' in figures.text and "<th>Category</th>" in figures.text
        assert _rows(figures.text, "figures") == 2
        fled = client.get("/figures?category=fled&unit=")
        assert _rows(fled.text, "figures") == 1
        assert '<option value="fled" selected>' in fled.text
        assert client.get("/figures?category=refugees").status_code == 400


def _rows(page: str, table: str) -> int:
    body = page.split(f'<table class="records" id="{table}">', 1)[1].split("</tbody>", 1)[0]
    return body.count("<tr data-id=")


def test_the_keys_are_indexed(db: str | Path) -> None:
    with open_store(db) as store:
        connection = store._connection  # type: ignore[attr-defined]
        if isinstance(db, Path):
            found = connection.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        else:
            found = connection.execute("SELECT indexname FROM pg_indexes")
        names = {row[0] for row in found.fetchall()}
    assert set(KEY_INDEXES) <= names
