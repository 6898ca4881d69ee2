"""Who may write: named accounts with a role, each with a secret token shown once.

A token reads `rw_<prefix>_<secret>`. The prefix is stored in the clear and finds the account
in one indexed lookup (no scan over every hash); the secret is stored only as an scrypt hash
(memory-hard, from the standard library), so a copy of the database gives no one a token.
Session ids and CSRF tokens are random; a session id is stored as its SHA-256 (it is long and
random already, so a slow hash would add nothing).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Literal, get_args

from recruitwatch.errors import ReviewError

Role = Literal["reviewer", "admin"]
ROLES: tuple[Role, ...] = get_args(Role)
# The name shown in the audit log for whoever used the server's own RECRUITWATCH_TOKEN.
SERVER_TOKEN_ACCOUNT = "admin (RECRUITWATCH_TOKEN)"
# scrypt at 16 MiB and about 50 ms a check: costly to guess offline, cheap enough per write.
_SCRYPT_N = 2**14
_SCRYPT_R = 8
_SCRYPT_P = 1
_SCRYPT_MAXMEM = 64 * 1024 * 1024
_TOKEN = re.compile(r"^rw_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")
_NAME = re.compile(r"^[\w.@-]{1,64}$")


@dataclass(frozen=True, slots=True)
class Account:
    """Someone signed in: a stored user (`id`), or the server token's admin (`id` None)."""

    name: str
    role: Role
    id: int | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True, slots=True)
class User:
    id: int
    name: str
    role: Role
    created_at: str
    revoked_at: str | None


@dataclass(frozen=True, slots=True)
class NewToken:
    """A freshly made token: `token` goes to its owner once, the rest is stored."""

    token: str
    prefix: str
    hashed: str


def check_name(name: str) -> str:
    if not _NAME.match(name):
        raise ReviewError(
            f"user name {name!r}: use 1 to 64 letters, digits and . _ @ - (no spaces)"
        )
    return name


def check_role(role: str) -> Role:
    for known in ROLES:
        if role == known:
            return known
    raise ReviewError(f"role {role!r}: one of {', '.join(ROLES)}")


def new_token() -> NewToken:
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    return NewToken(token=f"rw_{prefix}_{secret}", prefix=prefix, hashed=hash_secret(secret))


def split_token(token: str) -> tuple[str, str] | None:
    """(prefix, secret) of a well-formed user token, else None."""
    found = _TOKEN.match(token)
    return (found.group(1), found.group(2)) if found else None


def hash_secret(secret: str, salt: bytes | None = None) -> str:
    """`scrypt$n$r$p$salt$hash`: the parameters travel with the hash, so they can be raised
    later without invalidating old tokens."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = _scrypt(secret, salt, _SCRYPT_N, _SCRYPT_R, _SCRYPT_P)
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def secret_matches(secret: str, hashed: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = hashed.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.urlsafe_b64decode(digest + "=" * (-len(digest) % 4))
        found = _scrypt(
            secret, base64.urlsafe_b64decode(salt + "=" * (-len(salt) % 4)), int(n), int(r), int(p)
        )
    except ValueError:
        return False
    return hmac.compare_digest(found, expected)


def new_session_id() -> str:
    return secrets.token_urlsafe(32)


def new_csrf_token() -> str:
    return secrets.token_urlsafe(24)


def session_key(session_id: str) -> str:
    """What the store keeps of a session id."""
    return hashlib.sha256(session_id.encode("utf-8", "replace")).hexdigest()


def _scrypt(secret: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        secret.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=_SCRYPT_MAXMEM, dklen=32
    )


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")
