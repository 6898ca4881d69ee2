"""One typed settings object; environment overrides live under the RECRUITWATCH_ prefix."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ENV_PREFIX = "RECRUITWATCH_"

# The working folder, so `recruitwatch demo` then `recruitwatch offers` find the same file.
DEFAULT_DB = Path("recruitwatch.db")
# Large enough for any article or channel dump, small enough that one bad file cannot eat memory.
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
# A Telegram channel's whole history, a feed or a JSON Lines dump is parsed in memory at once.
DEFAULT_MAX_EXPORT_BYTES = 512 * 1024 * 1024
# A stated conversion further than this from the official rate is flagged: news rounds and uses
# the rate of a day or two before, which stays within a few percent.
DEFAULT_TOLERANCE = 0.07
# `serve`: the largest request body read; a posted document is capped at max_document_bytes
# of text, and JSON may escape each of its characters into six bytes.
DEFAULT_MAX_REQUEST_BYTES = 64 * 1024 * 1024
# Extraction is linear and reads about a megabyte a second on a busy core; a document still
# unread after this long is hostile or broken and becomes that document's failure.
DEFAULT_EXTRACT_SECONDS = 5.0
# Off until the offers it adds carry attributes (target, region) as accurate as the rules' own:
# it raises offers F1 on held-out text but lowers the pooled attribute accuracy a little.
DEFAULT_SCORER = False
# Offers repeated within this many days are one claim; a month plus slack for late reporting.
DEFAULT_CLAIM_WINDOW_DAYS = 45
# `serve`: a signed-in reviewer's session lasts a working day, then signs in again.
DEFAULT_SESSION_HOURS = 12.0


def default_rates_file(env: Mapping[str, str]) -> Path:
    """Where `rates update` writes its snapshot: one per user, shared by every database."""
    data_home = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "recruitwatch" / "cbr_rates.csv.gz"


def scorer_enabled(env: Mapping[str, str] | None = None) -> bool:
    """RECRUITWATCH_SCORER: on with 1/on/true/yes. Read alone, as extraction asks per document
    and the whole of `Settings.from_env` costs more than extracting a short text."""
    value = (os.environ if env is None else env).get(f"{ENV_PREFIX}SCORER")
    if value is None:
        return DEFAULT_SCORER
    return value.strip().lower() in ("1", "on", "true", "yes")


@dataclass(frozen=True, slots=True)
class Settings:
    # An SQLite file, or a postgresql:// URL (kept a string: Path would fold its `//`).
    db: str | Path = DEFAULT_DB
    max_document_bytes: int = DEFAULT_MAX_BYTES
    max_export_bytes: int = DEFAULT_MAX_EXPORT_BYTES
    rates_file: Path | None = None
    conversion_tolerance: float = DEFAULT_TOLERANCE
    claim_window_days: int = DEFAULT_CLAIM_WINDOW_DAYS
    extract_seconds: float = DEFAULT_EXTRACT_SECONDS
    # `serve`: writes need this token; without one the server accepts no writes at all.
    token: str | None = None
    # `serve`: reads need the token too (the data is open by default, like the sources it cites).
    private: bool = False
    max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES
    # `serve`: hours a sign-in on the pages lasts.
    session_hours: float = DEFAULT_SESSION_HOURS
    # The learned scorer adds the amounts and numbers the rules miss; off gives the rules alone.
    scorer: bool = DEFAULT_SCORER

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        db = env.get(f"{ENV_PREFIX}DB")
        max_bytes = env.get(f"{ENV_PREFIX}MAX_DOCUMENT_BYTES")
        max_export = env.get(f"{ENV_PREFIX}MAX_EXPORT_BYTES")
        rates = env.get(f"{ENV_PREFIX}RATES_FILE")
        tolerance = env.get(f"{ENV_PREFIX}CONVERSION_TOLERANCE")
        window = env.get(f"{ENV_PREFIX}CLAIM_WINDOW_DAYS")
        extract_seconds = env.get(f"{ENV_PREFIX}EXTRACT_SECONDS")
        max_request = env.get(f"{ENV_PREFIX}MAX_REQUEST_BYTES")
        session_hours = env.get(f"{ENV_PREFIX}SESSION_HOURS")
        return cls(
            db=(db if "://" in db else Path(db)) if db else DEFAULT_DB,
            max_document_bytes=int(max_bytes) if max_bytes else DEFAULT_MAX_BYTES,
            max_export_bytes=int(max_export) if max_export else DEFAULT_MAX_EXPORT_BYTES,
            rates_file=Path(rates) if rates else default_rates_file(env),
            conversion_tolerance=float(tolerance) if tolerance else DEFAULT_TOLERANCE,
            claim_window_days=int(window) if window else DEFAULT_CLAIM_WINDOW_DAYS,
            extract_seconds=float(extract_seconds) if extract_seconds else DEFAULT_EXTRACT_SECONDS,
            token=env.get(f"{ENV_PREFIX}TOKEN") or None,
            private=env.get(f"{ENV_PREFIX}PRIVATE", "").lower() in ("1", "true", "yes"),
            max_request_bytes=int(max_request) if max_request else DEFAULT_MAX_REQUEST_BYTES,
            session_hours=float(session_hours) if session_hours else DEFAULT_SESSION_HOURS,
            scorer=scorer_enabled(env),
        )
