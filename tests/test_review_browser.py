"""The review desk in a real browser: a reviewer signs in with a token, confirms one record,
corrects another, rejects a third (with markup in the reason), finds them in the listing and
the export, and signs out. Screenshots go to test-output/screenshots/."""

from __future__ import annotations

import csv
import io
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

from _serve import build_db, live_server  # noqa: E402  # after the skips above
from recruitwatch.store import open_sql_store  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="needs Debian's Chromium at /usr/bin/chromium (apt-get install chromium)",
)
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-output" / "screenshots"
REASON = "<script>alert('reason')</script> a pay scale, not an offer"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    db = build_db(tmp_path_factory.mktemp("review-browser"))
    with open_sql_store(db) as store:
        _, token = store.add_user("rita", "reviewer", "test")
    with live_server(db) as url:
        yield url, token


def _shot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def _offers(base_url: str, query: str = "") -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = httpx.get(f"{base_url}/api/offers?limit=1000{query}").json()[
        "items"
    ]
    return items


def test_sign_in_review_three_records_and_sign_out(served: tuple[str, str]) -> None:
    base_url, token = served
    # Three offers of one document: the first confirmed, the second corrected, the third
    # rejected.
    by_document: dict[str, list[dict[str, Any]]] = {}
    for offer in _offers(base_url):
        by_document.setdefault(offer["document_id"], []).append(offer)
    doc_id, offers = next((d, o) for d, o in sorted(by_document.items()) if len(o) >= 2)
    others = [o for o in _offers(base_url) if o["document_id"] != doc_id]
    confirm, correct = offers[0], offers[1]
    reject = others[0]
    dialogs: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        context = browser.new_context(
            accept_downloads=True, viewport={"width": 1366, "height": 900}
        )
        page = context.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

        # Anonymous: the page reads, with no review forms.
        page.goto(f"{base_url}/documents/{doc_id}")
        assert page.locator("form.review").count() == 0
        page.click("a.account")
        page.fill("input[name=token]", token)
        page.click("form.filters button[type=submit]")
        page.wait_for_url(f"{base_url}/")
        assert "rita (reviewer)" in page.locator("header").inner_text()
        _shot(page, "review-signed-in")

        page.goto(f"{base_url}/documents/{doc_id}")
        card = page.locator(f"#record-offer-{confirm['id']}")
        card.locator("button[value=confirm]").click()
        page.wait_for_url(re.compile(rf"record=offer-{confirm['id']}"))
        assert "confirmed by rita" in page.locator(f"#record-offer-{confirm['id']}").inner_text()

        card = page.locator(f"#record-offer-{correct['id']}")
        card.locator("summary").click()
        card.locator("select[name=recipient]").select_option("family")
        card.locator("input[name=amount]").fill("250000")
        card.locator("input[name=reason]").fill("the text says 250,000 for families")
        card.locator("button[value=correct]").click()
        page.wait_for_url(re.compile(rf"record=offer-{correct['id']}"))
        assert "corrected by rita" in page.locator(f"#record-offer-{correct['id']}").inner_text()
        _shot(page, "review-document")

        page.goto(f"{base_url}/documents/{reject['document_id']}")
        card = page.locator(f"#record-offer-{reject['id']}")
        card.locator("input[name=reason]").fill(REASON)
        card.locator("button[value=reject]").click()
        page.wait_for_url(re.compile(rf"record=offer-{reject['id']}"))
        rejected = page.locator(f"#record-offer-{reject['id']} q.reason")
        assert rejected.inner_text() == REASON  # shown as text, never run

        # The listing carries and filters the reviews.
        page.goto(f"{base_url}/offers?review=reviewed")
        rows = page.locator("table#offers tbody tr")
        assert sorted(
            int(r) for r in rows.evaluate_all("rs => rs.map(r => r.dataset.id)")
        ) == sorted([confirm["id"], correct["id"], reject["id"]])
        statuses = {
            int(row.get_attribute("data-id")): row.locator("td.review").inner_text()
            for row in rows.all()
        }
        assert statuses == {
            confirm["id"]: "confirmed",
            correct["id"]: "corrected",
            reject["id"]: "rejected",
        }
        _shot(page, "review-offers")

        # ...and so does the export the page links.
        with page.expect_download() as download:
            page.click("p.exports a[href^='/api/offers.csv']:not([href*=excel])")
        saved = download.value.path()
        exported = list(csv.DictReader(io.StringIO(Path(saved).read_text(encoding="utf-8"))))
        by_id = {int(row["id"]): row for row in exported}
        assert by_id[correct["id"]]["review"] == "corrected"
        assert by_id[correct["id"]]["recipient"] == "family"
        assert float(by_id[correct["id"]]["amount"]) == 250_000
        assert by_id[reject["id"]]["review"] == "rejected"

        page.click("form.account button[type=submit]")
        page.wait_for_url(f"{base_url}/")
        assert page.locator("a.account").inner_text() == "Sign in"
        page.goto(f"{base_url}/documents/{doc_id}")
        assert page.locator("form.review").count() == 0
        _shot(page, "review-signed-out")
        context.close()
        browser.close()
    assert dialogs == [], "a script in a reviewer's reason ran"
