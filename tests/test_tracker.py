"""The tracker over a stored database: the region map, a region's page, the changes page, the
changes feed (parsed with feedparser) and `recruitwatch changes`."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import feedparser
import pytest
from typer.testing import CliRunner

pytest.importorskip("fastapi", reason="the [web] extra is not installed")

from fastapi.testclient import TestClient

from _serve import settings
from _tracker import build_tracker_db
from recruitwatch.cli import app
from recruitwatch.serve.app import create_app
from recruitwatch.serve.tilemap import region_grid


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tracker_db(tmp_path_factory.mktemp("tracker"))


@pytest.fixture(scope="module")
def client(db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(settings(db)), raise_server_exceptions=False) as found:
        yield found


def test_the_grid_holds_every_federal_subject_and_the_occupied_regions_once() -> None:
    cells = region_grid()
    codes = [cell.code for cell in cells]
    assert len(codes) == len(set(codes))
    assert sum(code.startswith("RU-") for code in codes) == 83
    occupied = {cell.code for cell in cells if cell.occupied}
    assert occupied == {"UA-43", "UA-40", "UA-14", "UA-09", "UA-23", "UA-65"}
    assert len({(cell.row, cell.column) for cell in cells}) == len(cells)  # no two on a square


def test_the_map_colours_each_region_by_its_regional_level_and_links_it(
    client: TestClient,
) -> None:
    page = client.get("/regions")
    assert page.status_code == 200
    tile = r'<a href="/regions/([A-Z0-9-]+)" class="tile-link"><rect class="tile ([a-z0-9 ]+)"'
    tiles = re.findall(tile, page.text)
    assert len(tiles) == len(region_grid())
    bands = dict(tiles)
    assert bands["RU-SAM"] == "band4"  # 2.1 million, the level after the cut
    assert bands["RU-TA"] == "band3"  # 1 million
    assert bands["UA-43"] == "band1 occupied"
    assert bands["RU-MOW"] == "none"
    assert "Samara, RU-SAM: regional signing payment 2.1 million RUB (2025-02-23)" in page.text
    assert "occupied Ukrainian region" in page.text
    assert "<script" not in page.text


def test_a_region_page_gives_each_part_its_total_history_and_sources(client: TestClient) -> None:
    page = client.get("/regions/RU-SAM")
    assert page.status_code == 200
    levels = page.text.split('id="levels"')[1].split("</table>")[0]
    assert re.search(r"federal.*400,000 RUB.*2024-08-01", levels, re.S)
    assert re.search(r"regional.*2,100,000 RUB.*2025-02-23", levels, re.S)
    assert re.search(r"municipal.*100,000 RUB.*2024-09-01", levels, re.S)
    assert "2,600,000 RUB" in levels  # the total of the three parts
    assert "https://news.example/samara-cut" in levels
    changes = page.text.split('id="changes"')[1].split("</table>")[0]
    assert "cut from 3.6 million RUB to 2.1 million RUB on 23 February 2025" in changes
    assert "raised from 1.5 million RUB to 3.6 million RUB on 10 November 2024" in changes
    # Both statements of the cut link to their sentences.
    assert (
        len(re.findall(r'href="/documents/samara-cut\?record=offer-\d+#offer-\d+"', changes)) == 2
    )
    history = page.text.split('id="history"')[1].split("</table>")[0]
    assert history.count(">former<") == 2 and history.count(">current<") == 3
    assert "as a former level" in history
    chart = page.text.split('class="chart"')[1].split("</figure>")[0]
    assert chart.count('class="step s1"') == 3  # three regional levels
    assert chart.count("riser") == 2
    assert "axis-title" in chart


def test_an_occupied_region_says_so_and_an_unknown_code_is_404(client: TestClient) -> None:
    page = client.get("/regions/UA-43")
    assert page.status_code == 200 and "occupied region of Ukraine" in page.text
    assert client.get("/regions/RU-XX").status_code == 404


def test_the_changes_page_lists_raises_and_cuts_and_takes_filters(client: TestClient) -> None:
    page = client.get("/changes")
    assert page.text.count('<tr class="change') == 2
    later = client.get("/changes?since=2025-01-01&region=RU-SAM")
    assert later.text.count('<tr class="change cut"') == 1
    assert 'href="/feeds/changes.atom?since=2025-01-01&amp;region=RU-SAM"' in later.text
    assert client.get("/changes?region=samara").status_code == 400
    assert client.get("/changes?regoin=RU-SAM").status_code == 400


def test_the_changes_feed_is_valid_atom_linking_both_statements(client: TestClient) -> None:
    response = client.get("/feeds/changes.atom?region=RU-SAM")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert "Samara" in parsed.feed.title
    cut, raise_ = parsed.entries
    assert (
        cut.title
        == "Samara, regional: cut from 3.6 million RUB to 2.1 million RUB on 23 February 2025"
    )
    assert cut.link == "http://testserver/regions/RU-SAM"
    related = [link.href for link in cut.links if link.rel == "related"]
    assert len(related) == 2 and all("/documents/samara-cut?record=offer-" in h for h in related)
    assert cut.published.startswith("2025-02-23")
    assert "raised" in raise_.title
    other = feedparser.parse(client.get("/feeds/changes.atom?region=RU-TA").content)
    assert not other.bozo and other.entries == []


def test_the_changes_command_prints_json_and_a_table(db: Path) -> None:
    result = CliRunner().invoke(
        app, ["changes", "--since", "2025-01-01", "--region", "RU-SAM", "--db", str(db), "--json"]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["ok"] and payload["count"] == 1
    [change] = payload["items"]
    assert change["direction"] == "cut" and change["day"] == "2025-02-23"
    assert [s["amount"] for s in change["sources"]] == [3_600_000, 2_100_000]
    assert change["sources"][0]["previous"] is True
    table = CliRunner().invoke(app, ["changes", "--db", str(db)])
    assert table.exit_code == 0 and "changes: 2" in table.output
    wrong = CliRunner().invoke(app, ["changes", "--region", "samara", "--db", str(db)])
    assert wrong.exit_code == 1 and "ISO 3166-2" in wrong.output
