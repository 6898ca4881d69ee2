"""The pages in a real browser: Playwright drives Debian's Chromium against a live server over
a database the real pipeline filled. Each test saves screenshots under test-output/screenshots/.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

pytest.importorskip("fastapi", reason="the [web] extra is not installed")
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed (pip install playwright)"
)

from _serve import EVIL, build_db, live_server  # noqa: E402  # after the skips above

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="needs Debian's Chromium at /usr/bin/chromium (apt-get install chromium)",
)
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-output" / "screenshots"


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with live_server(build_db(tmp_path_factory.mktemp("browser"))) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        found = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield found
        found.close()


class Visit:
    """A page that records what would mean trouble: dialogs (alert), requests to other hosts."""

    def __init__(self, page: Any, base_url: str) -> None:
        self.page = page
        self.base_url = base_url
        self.dialogs: list[str] = []
        self.foreign: list[str] = []
        page.on("dialog", self._dialog)
        page.on("request", self._request)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _request(self, request: Any) -> None:
        if not request.url.startswith((self.base_url, "data:", "about:")):
            self.foreign.append(request.url)

    def go(self, path: str) -> Any:
        response = self.page.goto(self.base_url + path)
        assert response is not None and response.status == 200, path
        return self.page

    def shot(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def visit(browser: Any, base_url: str) -> Iterator[Visit]:
    context = browser.new_context(accept_downloads=True, viewport={"width": 1366, "height": 900})
    found = Visit(context.new_page(), base_url)
    yield found
    assert found.dialogs == [], "a script in stored text ran"
    assert found.foreign == [], "the page loaded something from another host"
    context.close()


def api(base_url: str, path: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = httpx.get(base_url + path).json()["items"]
    return items


def test_offers_filter_by_target_then_open_the_evidence(visit: Visit, base_url: str) -> None:
    page = visit.go("/offers")
    every = api(base_url, "/api/offers?limit=1000")
    assert page.locator("table#offers tbody tr").count() == len(every)
    visit.shot("offers")

    page.fill("input[name=target]", "kazakh")
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r"target=kazakh"))
    assert "kind=" not in page.url  # the empty fields were dropped
    expected = api(base_url, "/api/offers?target=kazakh&limit=1000")
    rows = page.locator("table#offers tbody tr")
    assert rows.count() == len(expected) < len(every)
    targets = page.locator("table#offers tbody td.target").all_inner_texts()
    assert all("kazakh" in target.lower() for target in targets)
    visit.shot("offers-target-kazakh")

    first = rows.first
    offer_id = int(first.get_attribute("data-id"))
    offer = next(item for item in expected if item["id"] == offer_id)
    first.locator("a.evidence-link").click()
    page.wait_for_url(re.compile(rf"/documents/{offer['document_id']}\?record=offer-{offer_id}"))
    selected = page.locator("mark.ev.selected")
    assert "".join(selected.all_inner_texts()) == offer["evidence"]["text"]
    assert selected.first.is_visible()
    amount = page.locator("mark.ev.selected strong").first.inner_text()
    assert amount.replace(",", "").startswith(str(int(offer["amount"]))[:3])
    card = page.locator(f"#record-offer-{offer_id}")
    assert "selected" in (card.get_attribute("class") or "")
    visit.shot("document-evidence")


def test_each_chart_has_one_mark_per_data_point(visit: Visit, base_url: str) -> None:
    page = visit.go("/offers")
    offers = api(base_url, "/api/offers?limit=1000")
    for kind, title in (("signing_bonus", "Signing bonuses"), ("monthly_pay", "Monthly pay")):
        for currency in ("USD", "RUB"):
            points = [
                o
                for o in offers
                if o["kind"] == kind and o["record_date"] and o[currency.lower()] is not None
            ]
            chart = page.locator("figure.chart", has_text=f"{title}, {currency}, by payer")
            assert chart.count() == 1
            assert chart.locator("circle.mark").count() == len(points) > 0, (kind, currency)
            hrefs = chart.locator("a").evaluate_all(
                "links => links.map(a => a.getAttribute('href'))"
            )
            assert sorted(hrefs) == sorted(
                f"/documents/{o['document_id']}?record=offer-{o['id']}#offer-{o['id']}"
                for o in points
            )
    page.locator("figure.chart").first.screenshot(path=str(_shot_path("chart-bonuses-usd")))
    # The charts follow the table's filters.
    page = visit.go("/offers?payer=moscow&series=region")
    moscow = api(base_url, "/api/offers?payer=moscow&kind=signing_bonus")
    chart = page.locator("figure.chart", has_text="Signing bonuses, RUB, by region")
    assert chart.locator("circle.mark").count() == len(moscow) > 0
    visit.shot("offers-payer-moscow")


def test_download_the_csv_of_what_the_filters_show(
    visit: Visit, base_url: str, tmp_path: Path
) -> None:
    page = visit.go("/offers?currency=RUB&kind=signing_bonus&sort=-amount")
    with page.expect_download() as download_info:
        page.click("p.exports a:text('CSV')")
    saved = tmp_path / "offers.csv"
    download_info.value.save_as(saved)
    rows = list(csv.DictReader(saved.open(encoding="utf-8")))
    expected = api(base_url, "/api/offers?currency=RUB&kind=signing_bonus&sort=-amount&limit=1000")
    assert [int(row["id"]) for row in rows] == [o["id"] for o in expected]
    assert {row["currency"] for row in rows} == {"RUB"}
    amounts = [float(row["amount"]) for row in rows]
    assert amounts == sorted(amounts, reverse=True)


def test_markup_in_stored_text_stays_text_everywhere(visit: Visit, base_url: str) -> None:
    paths = [
        f"/documents/{EVIL}",
        f"/documents/{EVIL}?record=offer-{_evil_offer(base_url)}",
        "/offers",
        "/offers?region=kursk",
        "/documents",
        "/documents?q=pwned",
        "/figures",
        "/claims",
    ]
    for path in paths:
        page = visit.go(path)
        assert page.title().endswith("· recruitwatch")  # not 'pwned'
        assert page.locator("script").count() == 0  # the pages carry no script at all
        assert page.locator("img").count() == 0
        assert page.locator("a[href^='javascript']").count() == 0
        assert page.evaluate("document.title") != "pwned"
    page = visit.go(f"/documents/{EVIL}")
    text = page.locator("article.text").inner_text()
    assert "<script>document.title='pwned'</script>" in text
    assert "onerror=\"document.title='pwned'\"" in text
    assert "<script>" in page.locator("h1").inner_text()
    visit.shot("document-markup-inert")


def _evil_offer(base_url: str) -> int:
    return int(api(base_url, f"/api/offers?document={EVIL}")[0]["id"])


def test_every_page_renders_from_local_files_only(visit: Visit, base_url: str) -> None:
    claim = next(c for c in api(base_url, "/api/claims?limit=1000") if c["value"] == 495_000)
    pages = {
        "home": "/",
        "figures": "/figures?unit=people",
        "documents": "/documents",
        "search": "/documents?q=bonus",
        "claims": "/claims",
        "claim": f"/claims/{claim['id']}",
        "conflicts": "/conflicts",
        "errors": "/errors",
        "document-ru": "/documents/kursk-ru",
    }
    for name, path in pages.items():
        page = visit.go(path)
        assert page.locator("header.top nav a").count() == 9  # the audit log: admins only
        visit.shot(name)
    page = visit.go("/")
    links = set(page.locator("main a").evaluate_all("as => as.map(a => a.getAttribute('href'))"))
    assert {"/offers", "/figures", "/documents", "/claims", "/conflicts", "/errors"} <= links
    page.fill("header input[name=q]", "Almaty")
    page.press("header input[name=q]", "Enter")
    page.wait_for_url(re.compile(r"/documents\?q=Almaty"))
    assert page.locator("table#documents tbody tr").count() == 2
    assert page.locator(".snippet mark").first.inner_text() == "Almaty"
    page = visit.go(f"/claims/{claim['id']}")
    assert page.locator("table.sources tbody tr").count() == 2
    assert "kazakh-bonus-lower" in page.locator("main").inner_text()  # the conflicting claim


def _shot_path(name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"


@pytest.mark.parametrize("path", ["/offers", "/figures"])
def test_the_lists_fit_a_phone_and_their_tables_scroll_inside(
    browser: Any, base_url: str, path: str
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    visit = Visit(context.new_page(), base_url)
    page = visit.go(path)
    visit.shot(f"{path.strip('/')}-390")
    # The page itself never scrolls sideways; only the table's box may.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    for field in page.locator("form.filters select, form.filters input:not([type=hidden])").all():
        box = field.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert page.locator(".table-scroll").evaluate("e => getComputedStyle(e).overflowX") == "auto"
    context.close()


def test_offers_filter_by_recipient_and_figures_by_category(visit: Visit, base_url: str) -> None:
    page = visit.go("/offers")
    page.select_option("select[name=recipient]", "recruit")
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r"recipient=recruit"))
    assert "payer_region=" not in page.url  # the empty fields were dropped
    expected = api(base_url, "/api/offers?recipient=recruit&limit=1000")
    assert page.locator("table#offers tbody tr[data-id]").count() == len(expected)
    assert set(page.locator("table#offers td.recipient").all_inner_texts()) <= {"recruit"}

    page = visit.go("/figures")
    every = api(base_url, "/api/figures?limit=1000")
    category = next(f["category"] for f in every if f["category"])
    page.select_option("select[name=category]", category)
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(f"category={category}"))
    expected = api(base_url, f"/api/figures?category={category}&limit=1000")
    assert page.locator("table#figures tbody tr[data-id]").count() == len(expected) > 0
