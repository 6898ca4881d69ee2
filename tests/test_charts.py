"""Charts people can read: date tick labels that never overlap at any span, axis titles, the
figures page's chart by category."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the [web] extra is not installed")

from fastapi.testclient import TestClient

from _serve import build_db, settings
from recruitwatch.serve.app import create_app
from recruitwatch.serve.charts import _CHAR_WIDTH, WIDTH, Point, _date_ticks, log_scatter


@pytest.mark.parametrize("months", [1, 5, 14, 26, 40, 75, 130, 400])
def test_date_tick_labels_never_overlap(months: int) -> None:
    first = date(2020, 1, 10)
    last = first + timedelta(days=months * 30)
    width = 430.0
    ticks = _date_ticks(first, last, width)
    assert ticks
    span = (last - first).days
    positions = [(day - first).days / span * width for day, _ in ticks]
    for (left, (_, label)), right in zip(
        zip(positions, ticks, strict=True), positions[1:], strict=False
    ):
        assert right - left > len(label) * _CHAR_WIDTH, (months, ticks)


def test_a_log_scatter_titles_its_axes_and_ticks_powers_of_ten() -> None:
    points = [
        Point(date(2023, 1, 1), 500, 0, "a", None),
        Point(date(2023, 6, 1), 300_000, 2, "b", "/documents/x"),
    ]
    chart = log_scatter(
        "t",
        points,
        legend=[(0, "one"), (1, "two"), (2, "three")],
        y_title="people (log scale)",
        caption="c",
    )
    assert [tick.label for tick in chart.y_ticks] == ["100", "1k", "10k", "100k", "1M"]
    assert chart.legend == [(0, "one"), (2, "three")]  # only the categories shown
    assert chart.x_title and chart.y_title == "people (log scale)"
    assert chart.marks[0].y > chart.marks[1].y  # the larger count higher up
    assert chart.width == WIDTH


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    db = Path(build_db(tmp_path_factory.mktemp("charts")))
    with TestClient(create_app(settings(db)), raise_server_exceptions=False) as found:
        yield found


def test_the_figures_page_charts_counts_of_people_by_category(client: TestClient) -> None:
    figures = client.get("/api/figures?unit=people&limit=1000").json()["items"]
    page = client.get("/figures").text
    chart = page.split('class="chart"')[1].split("</figure>")[0]
    assert "Counts of people by category" in chart
    assert chart.count("<circle") == len([f for f in figures if f["record_date"]]) > 0
    assert re.search(r'href="/documents/[^"]+\?record=figure-\d+#figure-\d+"', chart)
    assert "people (log scale)" in chart and "date of the figure" in chart
    assert 'class="chart"' not in client.get("/figures?unit=percent").text


def test_the_offers_charts_title_their_axes(client: TestClient) -> None:
    page = client.get("/offers").text
    assert "amount, RUB" in page and "date of the offer" in page


def test_the_offers_charts_can_colour_by_payer_level_and_paying_region(
    client: TestClient,
) -> None:
    page = client.get("/offers?series=level").text
    chart = page.split("Signing bonuses, RUB, by level", 1)[1].split("</figure>")[0]
    legend = re.findall(r'<span class="swatch s\d"></span>([^<]+)</li>', chart)
    assert legend and set(legend) <= {
        "federal",
        "regional",
        "municipal",
        "combined",
        "pmc",
        "foreign",
        "not stated",
    }
    assert "Monthly pay, USD, by paying region" in client.get("/offers?series=paying_region").text
    assert client.get("/offers?series=colour").status_code == 400
