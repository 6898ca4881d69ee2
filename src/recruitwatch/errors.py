"""One base exception; every failure a user can see is a RecruitwatchError.

RecruitwatchError
├── InputError          a source could not be read (empty, binary, too big, bad encoding)
├── StoreError          the database could not be opened, migrated or written
│   └── StoreConflictError  another writer changed the rows a write read: try the write again
├── CorpusError         an eval corpus is missing files or has malformed lines
├── LanguageDataError   a lang/*.yaml file is missing or does not match the schema
├── QueryError          a read asked for something malformed (unknown filter value, bad cursor)
├── RatesError          an exchange-rate snapshot or the CBR API could not be read
├── BudgetError         extracting one document took longer than its time budget
├── ReviewError         an account or review action was malformed (unknown user, bad value)
└── BatchError          the Dask scheduler is unreachable or the [dask] extra is missing
"""

from __future__ import annotations


class RecruitwatchError(Exception):
    """Base of every error recruitwatch raises on purpose."""

    def __init__(self, message: str, *, source: str | None = None) -> None:
        super().__init__(message)
        self.source = source

    def __str__(self) -> str:
        message = super().__str__()
        return f"{self.source}: {message}" if self.source else message


class InputError(RecruitwatchError):
    """A source could not be turned into a document."""


class StoreError(RecruitwatchError):
    """The store could not be opened, migrated or written."""


class StoreConflictError(StoreError):
    """Another writer stored or moved the same texts at the same time; the write was rolled
    back whole and succeeds when tried again (a batch partition retries it)."""


class CorpusError(RecruitwatchError):
    """An evaluation corpus is not of the expected shape."""


class LanguageDataError(RecruitwatchError):
    """A language vocabulary file is missing or invalid."""


class QueryError(RecruitwatchError):
    """A query for stored records is malformed; the message names the parameter to fix."""


class RatesError(RecruitwatchError):
    """Exchange rates could not be read, fetched or written."""


class BatchError(RecruitwatchError):
    """A distributed batch could not start: no scheduler, or Dask is not installed."""


class BudgetError(RecruitwatchError):
    """Extracting one document ran past its time budget (RECRUITWATCH_EXTRACT_SECONDS)."""


class ReviewError(RecruitwatchError):
    """An account or review action cannot be done as asked (unknown user or record, a value
    outside its vocabulary, a rejection without a reason)."""
