"""The tracker's pages in Chromium (Playwright): the map, a region page, the changes page and
its feed link, screenshots at 1400 and 390 px under test-output/screenshots/, and no element
wider than a 390 px phone screen on any page (a table may scroll inside its own box)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import feedparser
import httpx
import pytest

pytest.importorskip("fastapi", reason="the [web] extra is not installed")
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed (pip install playwright)"
)

from _serve import live_server  # noqa: E402  # after the skips above
from _tracker import build_tracker_db  # noqa: E402
from test_serve_browser import CHROMIUM, LAUNCH_ARGS, Visit  # noqa: E402

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="needs Debian's Chromium at /usr/bin/chromium (apt-get install chromium)",
)
PAGES = {
    "regions": "/regions",
    "region-samara": "/regions/RU-SAM",
    "region-crimea": "/regions/UA-43",
    "changes": "/changes",
    "offers": "/offers",
    "figures": "/figures",
    "home": "/",
}
# Every element that reaches past the right edge of the screen, unless a box that scrolls
# sideways holds it.
_TOO_WIDE = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = e => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX);
  const held = e => {
    for (let p = e.parentElement; p; p = p.parentElement) if (scrolls(p)) return true;
    return false;
  };
  const outside = e => {
    const box = e.getBoundingClientRect();
    return box.width > 0 && (box.right > width + 0.5 || box.left < -0.5);
  };
  return [...document.querySelectorAll('body *')]
    .filter(e => outside(e) && !held(e))
    .map(e => e.tagName.toLowerCase() + ' ' + (e.getAttribute('class') || ''));
}"""


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with live_server(build_tracker_db(tmp_path_factory.mktemp("tracker-browser"))) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        found = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield found
        found.close()


@pytest.fixture(params=[1400, 390], ids=lambda width: f"{width}px")
def visit(request: pytest.FixtureRequest, browser: Any, base_url: str) -> Iterator[Visit]:
    context = browser.new_context(viewport={"width": request.param, "height": 900})
    found = Visit(context.new_page(), base_url)
    found.width = request.param  # type: ignore[attr-defined]
    yield found
    assert found.dialogs == []
    assert found.foreign == [], "the page loaded something from another host"
    context.close()


def _shot(visit: Visit, name: str) -> None:
    visit.shot(f"tracker-{name}-{visit.width}")  # type: ignore[attr-defined]


def test_the_map_links_each_region_to_its_page(visit: Visit) -> None:
    page = visit.go("/regions")
    _shot(visit, "map")
    tiles = page.locator("a.tile-link")
    assert tiles.count() == 89
    assert page.locator("rect.tile.occupied").count() == 6
    samara = page.locator("a.tile-link[href='/regions/RU-SAM'] rect")
    assert "band4" in (samara.get_attribute("class") or "")
    assert samara.is_visible()
    box = samara.bounding_box()
    assert box is not None and box["width"] >= 14  # a square a finger can find, even at 390 px
    samara.click()
    page.wait_for_url(re.compile(r"/regions/RU-SAM$"))
    assert page.locator("h1").inner_text().startswith("Samara")


def test_a_region_page_shows_its_parts_chart_and_changes(visit: Visit) -> None:
    page = visit.go("/regions/RU-SAM")
    _shot(visit, "region-samara")
    levels = page.locator("table#levels tbody tr")
    assert levels.count() == 4  # federal, regional, municipal and their total
    assert "2,100,000 RUB" in levels.nth(1).inner_text()
    assert "2,600,000 RUB" in levels.nth(3).inner_text()
    chart = page.locator("figure.chart svg")
    assert chart.is_visible()
    assert page.locator("figure.chart line.step.s1:not(.riser)").count() == 3
    assert page.locator("figure.chart text.axis-title").count() == 2
    legend = page.locator("figure.chart ul.legend").inner_text()
    assert "federal" in legend and "regional" in legend and "municipal" in legend
    cut = page.locator("table#changes tr.change.cut")
    assert "cut from 3.6 million RUB to 2.1 million RUB on 23 February 2025" in cut.inner_text()
    cut.locator("span.now a").click()
    page.wait_for_url(re.compile(r"/documents/samara-cut\?record=offer-\d+"))
    selected = "".join(page.locator("mark.ev.selected").all_inner_texts())
    assert "2,100,000 roubles" in selected


def test_the_changes_page_filters_and_its_feed_link_is_atom(visit: Visit, base_url: str) -> None:
    page = visit.go("/changes")
    _shot(visit, "changes")
    assert page.locator("table#changes tr.change").count() == 2
    page.fill("input[name=since]", "2025-01-01")
    page.fill("input[name=region]", "RU-SAM")
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r"since=2025-01-01"))
    assert page.locator("table#changes tr.change").count() == 1
    href = page.locator("a.feed").get_attribute("href")
    assert href is not None and href.startswith("/feeds/changes.atom?")
    advertised = page.locator("link[rel=alternate][type='application/atom+xml']")
    assert advertised.get_attribute("href") == href
    parsed = feedparser.parse(httpx.get(base_url + href).content)
    assert not parsed.bozo and parsed.version == "atom10"
    assert [entry.title for entry in parsed.entries] == [
        "Samara, regional: cut from 3.6 million RUB to 2.1 million RUB on 23 February 2025"
    ]


@pytest.mark.parametrize("name", sorted(PAGES))
def test_no_element_is_wider_than_a_phone(browser: Any, base_url: str, name: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    visit = Visit(context.new_page(), base_url)
    page = visit.go(PAGES[name])
    visit.shot(f"tracker-{name}-390-width")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.evaluate(_TOO_WIDE) == []
    context.close()
