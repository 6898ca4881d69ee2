"""What an adapter yields besides documents: a source, or part of one, that failed."""

from __future__ import annotations

from dataclasses import dataclass

from recruitwatch.errors import InputError


@dataclass(frozen=True, slots=True)
class Failure:
    """A source that did not become a record, and why; `stage` is ingest, extract or store."""

    source: str
    reason: str
    stage: str = "ingest"

    @classmethod
    def from_error(cls, exc: InputError, source: str) -> Failure:
        """The failure for `exc`; `source` names the input when the error does not."""
        return cls(exc.source or source, exc.args[0])
