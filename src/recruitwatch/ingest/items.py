"""What an adapter yields besides documents: a source, or part of one, that failed."""

from __future__ import annotations

from dataclasses import dataclass

from recruitwatch.errors import RecruitwatchError

# A failure reason is one line in a table: long messages (an HTML parser's, say) are cut.
MAX_REASON_CHARS = 300


@dataclass(frozen=True, slots=True)
class Failure:
    """A source that did not become a record, and why; `stage` is ingest, extract or store."""

    source: str
    reason: str
    stage: str = "ingest"

    @classmethod
    def from_error(cls, exc: BaseException, source: str, stage: str = "ingest") -> Failure:
        """The failure for any exception `exc`, with a one-line reason. Our own errors give
        their message (and the source they name); anything else, a bug or a library's error
        on odd input, its type and message. `source` names the input when the error does not."""
        if isinstance(exc, RecruitwatchError):
            return cls(exc.source or source, one_line(exc.args[0]), stage)
        return cls(source, one_line(f"{type(exc).__name__}: {exc}"), stage)


def one_line(text: object) -> str:
    """`text` on one line (whitespace runs folded), at most MAX_REASON_CHARS characters."""
    folded = " ".join(str(text).split())
    if len(folded) <= MAX_REASON_CHARS:
        return folded
    return folded[: MAX_REASON_CHARS - 1] + "…"
