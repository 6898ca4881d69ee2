"""One typed settings object; environment overrides live under the RECRUITWATCH_ prefix."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ENV_PREFIX = "RECRUITWATCH_"

# The working folder, so `recruitwatch demo` then `recruitwatch offers` find the same file.
DEFAULT_DB = Path("recruitwatch.db")
# Large enough for any article or channel dump, small enough that one bad file cannot eat memory.
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
# A Telegram channel's whole history, a feed or a JSON Lines dump is parsed in memory at once.
DEFAULT_MAX_EXPORT_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Settings:
    db: Path = DEFAULT_DB
    max_document_bytes: int = DEFAULT_MAX_BYTES
    max_export_bytes: int = DEFAULT_MAX_EXPORT_BYTES

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        db = env.get(f"{ENV_PREFIX}DB")
        max_bytes = env.get(f"{ENV_PREFIX}MAX_DOCUMENT_BYTES")
        max_export = env.get(f"{ENV_PREFIX}MAX_EXPORT_BYTES")
        return cls(
            db=Path(db) if db else DEFAULT_DB,
            max_document_bytes=int(max_bytes) if max_bytes else DEFAULT_MAX_BYTES,
            max_export_bytes=int(max_export) if max_export else DEFAULT_MAX_EXPORT_BYTES,
        )
