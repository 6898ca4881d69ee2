"""Accounts and reviews in the store, on SQLite and PostgreSQL: tokens kept hashed, reviews
that change the record rows, an audit entry per action, and reviews kept across re-extraction
(matched by sentence and value) or flagged stale when the sentence changed."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from recruitwatch.accounts import Account
from recruitwatch.cli import app
from recruitwatch.errors import ReviewError
from recruitwatch.model import Document
from recruitwatch.pipeline import ingest_documents
from recruitwatch.store import open_sql_store
from recruitwatch.store.sql import SQLStore

REVIEWER = Account(name="rita", role="reviewer", id=None)
BONUS = "The Samara region pays volunteers a one-off bonus of 600,000 roubles on signing."
SALARY = "Contract soldiers from Samara receive a monthly salary of 190,000 roubles."
CALLED = "Officials in Samara called up 12,000 reservists in October."
TEXT = f"Samara pays more\n\n{BONUS} {SALARY} {CALLED}\n"


def _ingest(store: SQLStore, text: str) -> None:
    document = Document.from_text(
        text, id="samara", source="test", published=date(2024, 10, 2), language="en"
    )
    report = ingest_documents([document], store)
    assert report.ok, report.failed


@pytest.fixture
def reviewed(db: str | Path) -> SQLStore:
    store = open_sql_store(db)
    _ingest(store, TEXT)
    return store


def _offer(store: SQLStore, amount: float) -> int:
    extraction = store.get_document("samara")
    assert extraction is not None
    offers = store.query_offers()
    found = [o for o in offers if o.amount == amount]
    assert found, [o.amount for o in offers]
    return _id_of(store, "offers", "amount", amount)


def _id_of(store: SQLStore, table: str, column: str, value: float) -> int:
    row = store._connection.execute(
        f"SELECT id FROM {table} WHERE {column} = ?", (value,)
    ).fetchone()
    return int(row["id"])


def test_tokens_are_stored_hashed_and_found_by_prefix(db: str | Path) -> None:
    with open_sql_store(db) as store:
        user, token = store.add_user("rita", "reviewer", "test")
        assert token.startswith("rw_") and user.role == "reviewer"
        stored = store._connection.execute("SELECT * FROM users").fetchone()
        assert token not in stored["token_hash"] and stored["token_hash"].startswith("scrypt$")
        assert token[16:] not in stored["token_hash"]
        assert store.account_for_token(token) == Account("rita", "reviewer", user.id)
        assert store.account_for_token(token[:-1] + "x") is None
        assert store.account_for_token("rw_000000000000_" + "a" * 43) is None
        with pytest.raises(ReviewError, match="exists already"):
            store.add_user("rita", "admin", "test")
        with pytest.raises(ReviewError, match="role"):
            store.add_user("otto", "boss", "test")
        store.revoke_user("rita", "test")
        assert store.account_for_token(token) is None
        actions = [entry["action"] for entry in store.audit_entries()]
        assert actions == ["user revoke", "user add"]


def test_sessions_expire_and_end_with_a_revoked_account(db: str | Path) -> None:
    with open_sql_store(db) as store:
        user, _ = store.add_user("rita", "reviewer", "test")
        account = Account("rita", "reviewer", user.id)
        session, csrf = store.open_session(account, hours=1)
        assert store.session_account(session) == (account, csrf)
        expired, _ = store.open_session(account, hours=-1)
        assert store.session_account(expired) is None
        store.revoke_user("rita", "test")
        assert store.session_account(session) is None


def test_confirm_reject_correct_change_the_rows_and_log(reviewed: SQLStore) -> None:
    with reviewed as store:
        bonus, salary = _offer(store, 600_000), _offer(store, 190_000)
        figure = _id_of(store, "figures", "quantity", 12_000)
        store.review_record(REVIEWER, "offer", bonus, "confirm")
        with pytest.raises(ReviewError, match="reason"):
            store.review_record(REVIEWER, "offer", salary, "reject")
        store.review_record(REVIEWER, "offer", salary, "reject", reason="a pay scale, no offer")
        after = store.review_record(
            REVIEWER,
            "figure",
            figure,
            "correct",
            changes={"quantity": "13000", "category": "mobilised"},
            reason="the decree says 13,000",
        )
        assert after is not None and after["quantity"] == 13_000 and after["review"] == "corrected"
        with pytest.raises(ReviewError, match="payer_level"):
            store.review_record(REVIEWER, "offer", bonus, "correct", changes={"payer_level": "x"})
        with pytest.raises(ReviewError, match="not a field"):
            store.review_record(REVIEWER, "offer", bonus, "correct", changes={"evidence": "x"})
        assert store.review_record(REVIEWER, "offer", 10**9, "confirm") is None
        assert [o.amount for o in store.query_offers(review="confirmed")] == [600_000]
        assert [o.amount for o in store.query_offers(review="rejected")] == [190_000]
        assert [f.quantity for f in store.query_figures(review="accepted")] == [13_000]
        assert store.query_offers(review="unreviewed") == []
        log = store.audit_entries()
        assert [entry["action"] for entry in log] == [
            "correct figure",
            "reject offer",
            "confirm offer",
        ]
        assert log[0]["before"]["quantity"] == 12_000 and log[0]["after"]["quantity"] == 13_000
        assert log[0]["actor"] == "rita" and log[1]["reason"] == "a pay scale, no offer"


def test_a_corrected_amount_is_converted_again(reviewed: SQLStore) -> None:
    with reviewed as store:
        bonus = _offer(store, 600_000)
        before = store._connection.execute("SELECT usd FROM offers WHERE id = ?", (bonus,))
        usd = before.fetchone()["usd"]
        store.review_record(REVIEWER, "offer", bonus, "correct", changes={"amount": "1200000"})
        row = store._connection.execute(
            "SELECT amount, usd, rub FROM offers WHERE id = ?", (bonus,)
        ).fetchone()
        assert row["amount"] == 1_200_000 and row["rub"] == 1_200_000
        if usd is not None:
            assert row["usd"] == pytest.approx(usd * 2)
        store.review_record(REVIEWER, "offer", bonus, "correct", changes={"currency": "usd"})
        row = store._connection.execute(
            "SELECT currency, usd, rub FROM offers WHERE id = ?", (bonus,)
        ).fetchone()
        assert (row["currency"], row["usd"], row["rub"]) == ("USD", 1_200_000, None)


def test_reviews_survive_reingest_and_a_changed_sentence_is_stale(reviewed: SQLStore) -> None:
    with reviewed as store:
        bonus, salary = _offer(store, 600_000), _offer(store, 190_000)
        store.review_record(REVIEWER, "offer", bonus, "correct", changes={"target_country": "kz"})
        store.review_record(REVIEWER, "offer", salary, "reject", reason="not an offer")
        # A new version of the text: a sentence added before (every span moves), the salary
        # sentence reworded.
        changed_salary = SALARY.replace("190,000", "195,000")
        _ingest(store, f"Samara pays more\n\nUpdated.\n\n{BONUS} {changed_salary} {CALLED}\n")
        offers = {o.amount: o for o in store.query_offers()}
        assert offers[600_000].review == "corrected"
        assert offers[600_000].target_country == "KZ"
        assert offers[195_000].review is None
        reviews = store.document_reviews("samara")
        by_status = {item["status"]: item for item in reviews}
        assert not by_status["corrected"]["stale"]
        assert by_status["corrected"]["record_id"] == _offer(store, 600_000)
        assert by_status["rejected"]["stale"] and by_status["rejected"]["record_id"] is None
        assert by_status["rejected"]["reason"] == "not an offer"
        assert store.audit_entries()[0]["action"] == "stale offer"


def test_export_gold_of_confirmed_records_scores_one(
    tmp_path: Path, db: str | Path, reviewed: SQLStore
) -> None:
    with reviewed as store:
        extraction = store.get_document("samara")
        assert extraction is not None and extraction.offers and extraction.figures
        for table, record in (("offers", "offer"), ("figures", "figure")):
            for row in store._connection.execute(f"SELECT id FROM {table}").fetchall():
                store.review_record(REVIEWER, record, row["id"], "confirm")
        # A second document whose one record is rejected: it is in, with no records.
        other = Document.from_text(
            f"Kursk\n\n{CALLED.replace('Samara', 'Kursk')}\n",
            id="folder/kursk",
            source="test",
            published=date(2024, 10, 3),
            language="en",
        )
        assert ingest_documents([other], store).ok
        kursk = store._connection.execute(
            "SELECT id FROM figures WHERE document_id = 'folder/kursk'"
        ).fetchone()["id"]
        store.review_record(REVIEWER, "figure", kursk, "reject", reason="a plan, not a call-up")
    out = tmp_path / "gold"
    written = CliRunner().invoke(app, ["export", "--gold", str(out), "--db", str(db)])
    assert written.exit_code == 0, written.output
    lines = [json.loads(line) for line in (out / "gold.jsonl").read_text().splitlines()]
    assert [line["doc"] for line in lines] == ["folder/kursk", "samara"]
    assert lines[0]["figures"] == [] and lines[0]["offers"] == []
    samara = lines[1]
    assert {o["amount"] for o in samara["offers"]} == {600_000, 190_000}
    assert all(o["evidence"] in TEXT for o in samara["offers"] + samara["figures"])
    # Scored on the confirmed document alone: everything it holds is found, nothing else.
    (out / "docs" / "folder%2Fkursk.json").unlink()
    (out / "gold.jsonl").write_text(json.dumps(samara) + "\n", encoding="utf-8")
    scored = CliRunner().invoke(app, ["eval", str(out), "--json"])
    assert scored.exit_code == 0, scored.output
    report = json.loads(scored.stdout)["items"][0]
    for what in ("offers", "figures"):
        assert report[what]["precision"] == 1.0 and report[what]["recall"] == 1.0, report[what]
    assert all(item["accuracy"] == 1.0 for item in report["attributes"].values() if item["n"])
