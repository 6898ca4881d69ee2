"""What the read side (pages, API, exports) says differently on SQLite and PostgreSQL.

Everything else in `browse`, `filters`, `series` and `derived` is SQL both accept, with `?`
placeholders (the PostgreSQL adapter rewrites them). SQLite keeps the exact words its indexes
were built with, so its query plans stay as they are. PostgreSQL has no rowid, no FTS5, no
`casefold`, and compares text by its locale unless told to compare code points (SQLite's
BINARY order), so its sort keys say `COLLATE "C"`.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from typing import Any

from recruitwatch.errors import QueryError
from recruitwatch.store.schema import DOCUMENT_MATCHES

# A search is a few words; more is a pasted text, not a query.
MAX_SEARCH_WORDS = 20
_WORD = re.compile(r"\w+")


def search_words(q: str) -> list[str]:
    """The words of a search: every one required, each matching as a prefix."""
    words = _WORD.findall(q)
    if not words:
        raise QueryError("q: the search needs at least one word (letters or digits)")
    if len(words) > MAX_SEARCH_WORDS:
        raise QueryError(f"q: at most {MAX_SEARCH_WORDS} words, got {len(words)}")
    return words


def fts_query(q: str) -> str:
    """The words of `q` as an FTS5 query: each a quoted prefix, all required.

    Quoting every word means no input is FTS syntax, so no search can fail to parse."""
    return " ".join(f'"{word}"*' for word in search_words(q))


def ts_query(q: str) -> str:
    """The words of `q` as a PostgreSQL tsquery, the same search as `fts_query`."""
    # \\w+ holds no quote or backslash, so no input is tsquery syntax.
    return " & ".join(f"'{word}':*" for word in search_words(q))


@dataclass(frozen=True, slots=True)
class Dialect:
    """SQLite's words; `PostgresDialect` says the ones PostgreSQL says otherwise."""

    # The driver's errors, which a read turns into StoreError.
    errors: tuple[type[Exception], ...]
    # The offers_newest index is on ifnull(record_date, ''): a sort key must use the same word.
    ifnull: str = "ifnull"
    # Sorts after every text: the last code point.
    text_last: str = "char(1114111)"
    number_last: str = "1e308"
    # CROSS JOIN keeps a page as SQLite's outer loop: only its rows are read whole.
    page_join: str = "CROSS JOIN"

    def sort_text(self, expression: str) -> str:
        # lower() folds ASCII only; Cyrillic values keep their case order. A Python casefold
        # per row would cost more than the rest of the query.
        return f"lower({expression})"

    def sort_date(self, expression: str) -> str:
        return expression

    def contains(self, column: str, value: str) -> tuple[str, str]:
        """A case-insensitive substring match: the clause and its parameter."""
        if value.isascii():
            # SQLite's lower() folds ASCII only, which is all an ASCII needle needs, and it
            # costs a fraction of a call back into Python per row.
            return f"instr(lower({column}), ?) > 0", value.lower()
        return f"instr(casefold({column}), ?) > 0", value.casefold()

    def search(self, document_column: str, q: str) -> tuple[str, str]:
        """Documents holding every word of `q` as a prefix: the clause and its parameter."""
        return (
            f"{document_column} IN (SELECT document_search.document_id FROM documents_fts"
            " JOIN document_search ON document_search.rowid = documents_fts.rowid"
            " WHERE documents_fts MATCH ?)",
            fts_query(q),
        )

    def snippets(self, q: str, doc_ids: list[str]) -> tuple[str, list[Any]]:
        """Per matching document (`id`), a passage of its text (`snippet`) around the words of
        `q`, matches between \\x02 and \\x03."""
        marks = ", ".join("?" * len(doc_ids))
        return (
            "SELECT document_search.document_id AS id,"
            " snippet(documents_fts, 1, char(2), char(3), '…', 16) AS snippet"
            " FROM documents_fts JOIN document_search"
            " ON document_search.rowid = documents_fts.rowid"
            f" WHERE documents_fts MATCH ? AND document_search.document_id IN ({marks})",
            [fts_query(q), *doc_ids],
        )

    def tables(self) -> str:
        """The names (`name`) of the tables and views present."""
        return "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"

    def columns(self, table: str) -> str:
        """The column names (`name`) of `table`, which exists, in order (when `all_columns` is
        None)."""
        # The name was found by `tables`, so quoting it cannot inject anything.
        return f'PRAGMA table_info("{table}")'

    def all_columns(self) -> str | None:
        """Every table's columns (`table_name`, `name`) in order, where one query beats one
        per table (a server round trip each); None where it does not."""
        return None

    def insertion_order(self, columns: list[str]) -> str:
        """A column of a table (with `columns`) that orders its rows as written."""
        return "rowid"


@dataclass(frozen=True, slots=True)
class PostgresDialect(Dialect):
    ifnull: str = "COALESCE"
    text_last: str = "chr(1114111)"
    # A bare 1e308 is numeric, which would make an integer key read back as a Decimal.
    number_last: str = "CAST(1e308 AS double precision)"
    page_join: str = "JOIN"

    def sort_text(self, expression: str) -> str:
        # With the C collation lower() folds ASCII only and text compares by code point:
        # SQLite's order, whatever the database's locale.
        return f'lower({expression} COLLATE "C")'

    def sort_date(self, expression: str) -> str:
        return f'{expression} COLLATE "C"'

    def contains(self, column: str, value: str) -> tuple[str, str]:
        return f"strpos(lower({column}), ?) > 0", value.casefold()

    def search(self, document_column: str, q: str) -> tuple[str, str]:
        # The stored vectors' GIN index answers it.
        return f"{document_column} IN ({DOCUMENT_MATCHES})", ts_query(q)

    def snippets(self, q: str, doc_ids: list[str]) -> tuple[str, list[Any]]:
        marks = ", ".join("?" * len(doc_ids))
        query = ts_query(q)
        return (
            "SELECT id, ts_headline('simple', text, to_tsquery('simple', ?),"
            " 'StartSel=' || chr(2) || ', StopSel=' || chr(3) || ', MaxWords=16, MinWords=8')"
            f" AS snippet FROM documents WHERE id IN ({marks})"
            f" AND id IN ({DOCUMENT_MATCHES})",
            [query, *doc_ids, query],
        )

    def tables(self) -> str:
        return f"SELECT c.relname AS name FROM {_RELATIONS} WHERE {_OURS}"

    def all_columns(self) -> str | None:
        return (
            f"SELECT c.relname AS table_name, a.attname AS name FROM {_RELATIONS}"
            " JOIN pg_attribute a ON a.attrelid = c.oid"
            f" WHERE {_OURS} AND a.attnum > 0 AND NOT a.attisdropped ORDER BY c.relname, a.attnum"
        )

    def insertion_order(self, columns: list[str]) -> str:
        # No rowid: an identity column counts rows as written (claim_statements names its own
        # `rowid`); a table without one is read in the order its rows lie, which is the order
        # written for rows never updated.
        return next((name for name in ("rowid", "id") if name in columns), "ctid")


# Tables and views (c) in the schema the connection uses.
_RELATIONS = "pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
_OURS = "n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm')"
SQLITE = Dialect(errors=(sqlite3.Error,))
