"""SQL for accounts, sessions and the audit log: functions over a connection, called by the
store inside its own transactions (tables: schema.py, migration 17)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from recruitwatch.accounts import (
    Account,
    Role,
    User,
    check_name,
    check_role,
    new_csrf_token,
    new_session_id,
    new_token,
    secret_matches,
    session_key,
    split_token,
)
from recruitwatch.errors import ReviewError
from recruitwatch.store.dbapi import Connection


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def add_user(connection: Connection, name: str, role: str, actor: str) -> tuple[User, str]:
    """A new account and its token (returned once, stored only hashed)."""
    check_name(name)
    checked = check_role(role)
    if connection.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
        raise ReviewError(f"a user named {name!r} exists already; choose another name")
    made = new_token()
    created = now()
    connection.execute(
        "INSERT INTO users (name, role, token_prefix, token_hash, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (name, checked, made.prefix, made.hashed, created),
    )
    user = _user(connection, name)
    audit(connection, actor, "user add", after={"name": name, "role": checked})
    return user, made.token


def list_users(connection: Connection) -> list[User]:
    found = connection.execute("SELECT * FROM users ORDER BY id").fetchall()
    return [_user_from_row(row) for row in found]


def revoke_user(connection: Connection, name: str, actor: str) -> User:
    """The account's token stops working and its sessions end; the row and its reviews stay."""
    user = _user(connection, name)
    if user.revoked_at is None:
        connection.execute("UPDATE users SET revoked_at = ? WHERE id = ?", (now(), user.id))
        connection.execute("DELETE FROM sessions WHERE user_id = ?", (user.id,))
        audit(connection, actor, "user revoke", before={"name": name, "role": user.role})
    return _user(connection, name)


def account_for_token(connection: Connection, token: str) -> Account | None:
    """The live account whose token this is, else None (malformed, unknown or revoked)."""
    parts = split_token(token)
    if parts is None:
        return None
    prefix, secret = parts
    row = connection.execute(
        "SELECT id, name, role, token_hash FROM users"
        " WHERE token_prefix = ? AND revoked_at IS NULL",
        (prefix,),
    ).fetchone()
    if row is None or not secret_matches(secret, row["token_hash"]):
        return None
    return Account(name=row["name"], role=check_role(row["role"]), id=row["id"])


def open_session(connection: Connection, account: Account, hours: float) -> tuple[str, str]:
    """A new session for `account`: (session id for the cookie, CSRF token for its forms).
    Expired sessions are cleared on the way."""
    stamp = datetime.now(UTC)
    connection.execute("DELETE FROM sessions WHERE expires_at < ?", (stamp.isoformat(),))
    session_id, csrf = new_session_id(), new_csrf_token()
    connection.execute(
        "INSERT INTO sessions (id_hash, user_id, user_name, role, csrf, created_at, expires_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            session_key(session_id),
            account.id,
            account.name,
            account.role,
            csrf,
            stamp.isoformat(timespec="seconds"),
            (stamp + timedelta(hours=hours)).isoformat(),
        ),
    )
    return session_id, csrf


def session_account(connection: Connection, session_id: str) -> tuple[Account, str] | None:
    """The account and CSRF token of a live session (not expired, its user not revoked)."""
    row = connection.execute(
        "SELECT sessions.* FROM sessions LEFT JOIN users ON users.id = sessions.user_id"
        " WHERE sessions.id_hash = ? AND sessions.expires_at > ?"
        " AND (sessions.user_id IS NULL OR users.revoked_at IS NULL)",
        (session_key(session_id), datetime.now(UTC).isoformat()),
    ).fetchone()
    if row is None:
        return None
    account = Account(name=row["user_name"], role=check_role(row["role"]), id=row["user_id"])
    return account, row["csrf"]


def end_session(connection: Connection, session_id: str) -> None:
    connection.execute("DELETE FROM sessions WHERE id_hash = ?", (session_key(session_id),))


def audit(
    connection: Connection,
    actor: str,
    action: str,
    *,
    document_id: str | None = None,
    record: str | None = None,
    record_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str | None = None,
) -> None:
    connection.execute(
        "INSERT INTO audit_log"
        " (at, actor, action, document_id, record, record_id, before, after, reason)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            now(),
            actor,
            action,
            document_id,
            record,
            record_id,
            _json(before),
            _json(after),
            reason,
        ),
    )


def audit_entries(
    connection: Connection, limit: int, before_id: int | None
) -> list[dict[str, Any]]:
    """Audit entries newest first, `limit` of them, below `before_id` when given."""
    sql = "SELECT * FROM audit_log"
    params: list[Any] = []
    if before_id is not None:
        sql += " WHERE id < ?"
        params.append(before_id)
    found = connection.execute(sql + " ORDER BY id DESC LIMIT ?", (*params, limit)).fetchall()
    return [
        {
            "id": row["id"],
            "at": row["at"],
            "actor": row["actor"],
            "action": row["action"],
            "document_id": row["document_id"],
            "record": row["record"],
            "record_id": row["record_id"],
            "before": json.loads(row["before"]) if row["before"] else None,
            "after": json.loads(row["after"]) if row["after"] else None,
            "reason": row["reason"],
        }
        for row in found
    ]


def _json(value: dict[str, Any] | None) -> str | None:
    return json.dumps(value, ensure_ascii=False, sort_keys=True) if value is not None else None


def _user(connection: Connection, name: str) -> User:
    row = connection.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()
    if row is None:
        raise ReviewError(f"no user named {name!r}; recruitwatch users list shows them")
    return _user_from_row(row)


def _user_from_row(row: Any) -> User:
    role: Role = check_role(row["role"])
    return User(
        id=row["id"],
        name=row["name"],
        role=role,
        created_at=row["created_at"],
        revoked_at=row["revoked_at"],
    )
