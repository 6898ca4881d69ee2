"""The review desk over HTTP: who may write, sessions and CSRF on the pages, the audit log for
admins only, stored markup kept as text, filters and the needs-review queue."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the [web] extra is not installed")
from fastapi.testclient import TestClient  # after the skip above

from _serve import TOKEN, build_db, form_csrf, settings, sign_in
from recruitwatch.serve.app import create_app
from recruitwatch.store import open_sql_store
from recruitwatch.store.browse import open_reader
from recruitwatch.store.levels import level_statements

XSS = "<script>document.title='pwned'</script><img src=x onerror=alert(1)>"


@dataclass
class Desk:
    db: str | Path
    reviewer: str
    admin: str
    revoked: str


def _desk(db: str | Path) -> Desk:
    with open_sql_store(db) as store:
        _, reviewer = store.add_user("rita", "reviewer", "test")
        _, admin = store.add_user("adam", "admin", "test")
        _, revoked = store.add_user("gone", "reviewer", "test")
        store.revoke_user("gone", "test")
    return Desk(db, reviewer, admin, revoked)


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Desk:
    return _desk(build_db(tmp_path_factory.mktemp("desk")))


@pytest.fixture
def client(desk: Desk) -> Iterator[TestClient]:
    with TestClient(create_app(settings(desk.db))) as found:
        yield found


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _offer_ids(client: TestClient, **query: str) -> list[int]:
    body = client.get("/api/offers", params={"limit": "1000", **query}).json()
    return [item["id"] for item in body["items"]]


def test_api_review_needs_a_live_token(client: TestClient, desk: Desk) -> None:
    offer = _offer_ids(client)[0]
    url = f"/api/offers/{offer}/review"
    confirm = {"action": "confirm"}
    for headers in ({}, _bearer("wrong"), _bearer(desk.revoked), _bearer(desk.reviewer[:-2])):
        response = client.post(url, json=confirm, headers=headers)
        assert response.status_code == 401, headers
        assert response.json()["ok"] is False and response.headers["www-authenticate"] == "Bearer"
    assert client.get(f"/api/offers/{offer}").json()["items"][0]["review"] is None
    done = client.post(url, json=confirm, headers=_bearer(desk.reviewer))
    assert done.status_code == 200, done.text
    assert done.json()["items"][0]["review"] == "confirmed"
    # The server's own token still writes, as an admin.
    again = client.post(url, json=confirm, headers=_bearer(TOKEN))
    assert again.status_code == 200
    missing = client.post("/api/offers/999999/review", json=confirm, headers=_bearer(TOKEN))
    assert missing.status_code == 404
    bad = client.post(
        url, json={"action": "correct", "changes": {"kind": "bribe"}}, headers=_bearer(TOKEN)
    )
    assert bad.status_code == 400 and "kind" in bad.json()["error"]


def test_the_audit_log_is_for_admins(client: TestClient, desk: Desk) -> None:
    assert client.get("/api/audit").status_code == 401
    refused = client.get("/api/audit", headers=_bearer(desk.reviewer))
    assert refused.status_code == 403 and "admin" in refused.json()["error"]
    assert client.get("/api/audit", headers=_bearer(desk.admin)).status_code == 200
    assert sign_in(client, desk.reviewer).status_code == 303
    assert client.get("/audit").status_code == 403
    assert "Audit log" not in client.get("/").text


def test_forms_need_a_session_and_its_csrf_token(client: TestClient, desk: Desk) -> None:
    offer = _offer_ids(client)[-1]
    form = {"record": f"offer-{offer}", "action": "reject", "reason": "no"}
    assert client.post("/review", data=form).status_code == 401  # not signed in
    # The sign-in form itself needs its CSRF token.
    assert client.post("/login", data={"token": desk.reviewer}).status_code == 403
    assert sign_in(client, desk.reviewer).status_code == 303
    assert client.post("/review", data=form).status_code == 403
    assert client.post("/review", data={**form, "csrf": "forged"}).status_code == 403
    assert client.get(f"/api/offers/{offer}").json()["items"][0]["review"] is None
    csrf = form_csrf(client.get("/").text)
    done = client.post("/review", data={**form, "csrf": csrf}, follow_redirects=False)
    assert done.status_code == 303
    assert client.get(f"/api/offers/{offer}").json()["items"][0]["review"] == "rejected"
    # Signing out needs the token too, and ends the session.
    assert client.post("/logout", data={}).status_code == 403
    assert client.post("/logout", data={"csrf": csrf}, follow_redirects=False).status_code == 303
    assert client.post("/review", data={**form, "csrf": csrf}).status_code == 401


def test_the_session_cookie_is_guarded_and_expires(client: TestClient, desk: Desk) -> None:
    signed_in = sign_in(client, desk.reviewer)
    cookie = signed_in.headers["set-cookie"]
    assert "recruitwatch_session=" in cookie
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    assert "Max-Age=43200" in cookie
    assert "rita (reviewer)" in client.get("/").text
    with open_sql_store(desk.db) as store:
        store._connection.execute("UPDATE sessions SET expires_at = '2000-01-01T00:00:00+00:00'")
    assert "rita (reviewer)" not in client.get("/").text
    assert (
        client.post("/review", data={"record": "offer-1", "action": "confirm"}).status_code == 401
    )


def test_failed_sign_ins_are_slowed_down(desk: Desk) -> None:
    with TestClient(create_app(settings(desk.db))) as client:
        for _ in range(3):
            assert sign_in(client, "wrong").status_code == 401
        slowed = sign_in(client, desk.reviewer)
        assert slowed.status_code == 429 and int(slowed.headers["retry-after"]) >= 1


def test_a_reason_with_markup_stays_text(client: TestClient, desk: Desk) -> None:
    offer = _offer_ids(client)[1]
    response = client.post(
        f"/api/offers/{offer}/review",
        json={"action": "reject", "reason": XSS},
        headers=_bearer(desk.reviewer),
    )
    assert response.status_code == 200
    document = client.get(f"/api/offers/{offer}").json()["items"][0]["document_id"]
    page = client.get(f"/documents/{document}").text
    assert XSS not in page and "&lt;script&gt;" in page
    assert sign_in(client, desk.admin).status_code == 303
    audit = client.get("/audit").text
    assert XSS not in audit and "&lt;script&gt;" in audit


def _api_flow(client: TestClient, token: str) -> dict[str, Any]:
    first, second, third = _offer_ids(client, review="unreviewed")[:3]
    auth = _bearer(token)
    client.post(f"/api/offers/{first}/review", json={"action": "confirm"}, headers=auth)
    client.post(
        f"/api/offers/{second}/review",
        json={"action": "correct", "changes": {"recipient": "family"}},
        headers=auth,
    )
    client.post(
        f"/api/offers/{third}/review", json={"action": "reject", "reason": "x"}, headers=auth
    )
    return {"confirmed": first, "corrected": second, "rejected": third}


def test_lists_exports_and_queue_carry_the_review(tmp_path: Path, db: str | Path) -> None:
    desk = _desk(build_db(tmp_path, db))
    with TestClient(create_app(settings(desk.db))) as client:
        queued = client.get("/api/review-queue?limit=1000").json()["items"]
        assert queued and all(item["why"] is not None for item in queued)
        priorities = [item["priority"] for item in queued]
        assert priorities == sorted(priorities, reverse=True)
        ids = _api_flow(client, desk.reviewer)
        for status, offer in ids.items():
            assert _offer_ids(client, review=status) == [offer]
        assert sorted(_offer_ids(client, review="accepted")) == sorted(
            [ids["confirmed"], ids["corrected"]]
        )
        corrected = client.get(f"/api/offers/{ids['corrected']}").json()["items"][0]
        assert corrected["recipient"] == "family"
        csv = client.get("/api/offers.csv?review=reviewed").text
        header, *lines = csv.strip().splitlines()
        assert "review" in header.split(",") and len(lines) == 3
        assert "rejected" in csv and "corrected" in csv
        requeued = client.get("/api/review-queue?record=offer&limit=1000").json()["items"]
        assert not {item["id"] for item in requeued} & set(ids.values())
        assert client.get("/offers?review=accepted").status_code == 200
        assert client.get("/regions?review=accepted").status_code == 200
        assert client.get("/changes?review=accepted").status_code == 200
        reader = open_reader(desk.db)
        try:
            tracked = {s.record for s in level_statements(reader)}
            accepted = {s.record for s in level_statements(reader, review="accepted")}
        finally:
            reader.close()
        assert f"offer-{ids['rejected']}" not in tracked  # a rejected level never counts
        assert accepted <= {f"offer-{ids['confirmed']}", f"offer-{ids['corrected']}"}
        assert client.get("/review").status_code == 200
        assert client.get("/api/offers?review=maybe").status_code == 400
