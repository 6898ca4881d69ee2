"""The database schema, as ordered migrations; the only place that says what the tables are.

A migration is never edited once released: a change to the schema is a new entry at the end.
Each entry runs in its own transaction and is recorded in the `migrations` table.

Every entry holds its SQLite statements and the PostgreSQL ones that give the same tables and
columns (`POSTGRES`, by version): same names, same values read back. PostgreSQL has its own
types (DOUBLE PRECISION, as SQLite's REAL is 8 bytes and PostgreSQL's only 4), identity keys,
PL/pgSQL triggers and a tsvector index in place of FTS5. Dates stay ISO text in both, so a
filter compares the same strings. Hand-kept rather than Alembic: the SQLite side holds FTS5
tables and triggers Alembic cannot express, and the store already ran these migrations.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]

    def statements_for(self, dialect: str) -> tuple[str, ...]:
        return POSTGRES[self.version] if dialect == "postgresql" else self.statements


# Failures recorded once per source and reason: a re-run counts them (`times`, `last_seen`)
# instead of listing them again. Old reasons and sources are cut to the lengths the store keeps
# now (MAX_FAILURE_REASON, MAX_FAILURE_SOURCE) so the unique index stays small on PostgreSQL.
# The same statements on both backends.
MAX_FAILURE_SOURCE = 400
MAX_FAILURE_REASON = 300
_FAILURES_ONCE = (
    "ALTER TABLE failures ADD COLUMN times INTEGER NOT NULL DEFAULT 1",
    "ALTER TABLE failures ADD COLUMN last_seen TEXT",
    f"UPDATE failures SET source = substr(source, 1, {MAX_FAILURE_SOURCE})"
    f" WHERE length(source) > {MAX_FAILURE_SOURCE}",
    f"UPDATE failures SET reason = substr(reason, 1, {MAX_FAILURE_REASON})"
    f" WHERE length(reason) > {MAX_FAILURE_REASON}",
    # Counted and dated before the repeats go: the first row of each pair stays.
    """
    UPDATE failures SET
        times = (SELECT COUNT(*) FROM failures AS same
                 WHERE same.source = failures.source AND same.reason = failures.reason),
        last_seen = (SELECT MAX(same.occurred_at) FROM failures AS same
                     WHERE same.source = failures.source AND same.reason = failures.reason)
    """,
    "DELETE FROM failures WHERE id NOT IN (SELECT MIN(id) FROM failures GROUP BY source, reason)",
    "CREATE UNIQUE INDEX failures_source_reason ON failures (source, reason)",
)

_VERSION_2_KEYS: tuple[str, ...] = (
    "ALTER TABLE offers ADD COLUMN recipient TEXT"
    " CHECK (recipient IN ('recruit', 'family', 'recruiter'))",
    "ALTER TABLE offers ADD COLUMN payer_level TEXT CHECK (payer_level IN"
    " ('federal', 'regional', 'municipal', 'combined', 'pmc', 'foreign'))",
    "ALTER TABLE offers ADD COLUMN payer_region TEXT",
    "ALTER TABLE offers ADD COLUMN target_origin TEXT"
    " CHECK (target_origin IN ('local', 'other_region', 'foreign', 'any'))",
    "ALTER TABLE offers ADD COLUMN target_country TEXT",
    "ALTER TABLE offers ADD COLUMN previous INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE figures ADD COLUMN category TEXT CHECK (category IN ('mobilised',"
    " 'recruited', 'casualties', 'fled', 'labour_shortage', 'prisoners', 'population',"
    " 'other'))",
)

# The guide's keys the lists filter on by exact value (store/filters.py). Plain one-column
# indexes read alike on both backends.
_KEY_INDEXES: tuple[str, ...] = (
    "CREATE INDEX offers_payer_level ON offers (payer_level)",
    "CREATE INDEX offers_payer_region ON offers (payer_region)",
    "CREATE INDEX offers_target_country ON offers (target_country)",
    "CREATE INDEX offers_recipient ON offers (recipient)",
    "CREATE INDEX figures_category ON figures (category)",
)

# Batch workers write their partitions in whatever order they finish; a text found in two
# partitions must still be stored under the copy read first, as `ingest` stores it. Each place a
# batch notes carries its run, partition and position (zero-padded text, so it sorts), and a
# writer that finds its copy earlier than the stored one takes the text over (store/postgres.py).
# Null for places noted outside a batch: those are never reordered.
_BATCH_ORDER: tuple[str, ...] = ("ALTER TABLE document_locations ADD COLUMN batch_order TEXT",)


def _link_index(blob: str, key: str, real: str, without_rowid: str) -> tuple[str, ...]:
    """What incremental linking keeps: each linked document's entry (the content hash it was
    linked at, its MinHash signature, story numbers and stated values), the keys that find its
    candidates, and the verified pairs clusters are made of. No foreign keys: a replaced
    document's old entry tells which claims held its old values."""
    return (
        f"""
        CREATE TABLE link_documents (
            document_id TEXT PRIMARY KEY,
            content_hash TEXT NOT NULL,
            published TEXT,
            language TEXT NOT NULL,
            signature {blob},
            numbers TEXT NOT NULL,
            stated TEXT NOT NULL
        )
        """,
        f"""
        CREATE TABLE link_keys (
            key {key} NOT NULL,
            document_id TEXT NOT NULL,
            PRIMARY KEY (key, document_id)
        ){without_rowid}
        """,
        f"""
        CREATE TABLE link_pairs (
            first TEXT NOT NULL,
            second TEXT NOT NULL,
            similarity {real} NOT NULL,
            PRIMARY KEY (first, second)
        )
        """,
        "CREATE INDEX link_pairs_second ON link_pairs (second)",
        # A claim's run of close values, and the claims of one period, found without a scan.
        "CREATE INDEX offers_statement_value ON offers (kind, currency, amount)",
        "CREATE INDEX figures_statement_value ON figures (unit, quantity)",
        "CREATE INDEX claims_value ON claims (record, kind, unit, value)",
        "CREATE INDEX claims_period ON claims (record, kind, unit, first)",
    )


# Migration 16: the derived columns become plain ones that normalise fills (rows.py), and the
# triggers that computed them by another rule go. Old rows take normalise's values from their
# notes; an amount already in the target currency is itself (no rate needed, any day).
_BY_PAYER = (
    "CREATE INDEX offers_by_payer ON offers (kind, offered_by, record_month, usd, rub,"
    " target, region, language, currency, amount, record_date, document_id)"
)
_BY_REGION = (
    "CREATE INDEX offers_by_region ON offers (kind, region, record_month, usd, rub,"
    " offered_by, target, language, currency, amount, record_date, document_id)"
)
_NORMALISED_COLUMNS: tuple[str, ...] = (
    "ALTER TABLE offers DROP COLUMN record_month",
    "ALTER TABLE offers ADD COLUMN record_month TEXT",
    """
    UPDATE conversions SET
        amount = (SELECT amount FROM offers WHERE offers.id = conversions.offer_id),
        amount_max = (SELECT amount_max FROM offers WHERE offers.id = conversions.offer_id),
        reason = NULL
    WHERE amount IS NULL
        AND currency = (SELECT currency FROM offers WHERE offers.id = conversions.offer_id)
    """,
    """
    UPDATE offers SET
        record_date = COALESCE(
            (SELECT date FROM record_dates WHERE record_dates.offer_id = offers.id), date),
        usd = (SELECT amount FROM conversions
               WHERE conversions.offer_id = offers.id AND conversions.currency = 'USD'),
        rub = (SELECT amount FROM conversions
               WHERE conversions.offer_id = offers.id AND conversions.currency = 'RUB')
    """,
    "UPDATE offers SET record_month = substr(record_date, 1, 7)",
)


# Accounts, sessions, reviews and their audit log (issue 18). Reviews hold the sentence and
# value they were made on, not only a record id: re-extraction replaces a document's records,
# the foreign keys then fall to NULL and the store attaches each review to its record again
# (store/reviews.py) or marks it stale. The review status on the record rows is a copy of the
# review's, kept so every list filters on it without a join.
_REVIEW_STATUS = "CHECK (review_status IN ('confirmed', 'corrected', 'rejected'))"


def _review_tables(identity: str, key: str) -> tuple[str, ...]:
    return (
        f"""
        CREATE TABLE users (
            id {identity},
            name TEXT NOT NULL UNIQUE,
            role TEXT NOT NULL CHECK (role IN ('reviewer', 'admin')),
            token_prefix TEXT NOT NULL UNIQUE,
            token_hash TEXT NOT NULL,
            created_at TEXT NOT NULL,
            revoked_at TEXT
        )
        """,
        # user_id is NULL for a session opened with the server's RECRUITWATCH_TOKEN.
        f"""
        CREATE TABLE sessions (
            id_hash TEXT PRIMARY KEY,
            user_id {key} REFERENCES users (id) ON DELETE CASCADE,
            user_name TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('reviewer', 'admin')),
            csrf TEXT NOT NULL,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL
        )
        """,
        "CREATE INDEX sessions_expires ON sessions (expires_at)",
        f"""
        CREATE TABLE reviews (
            id {identity},
            document_id TEXT NOT NULL,
            record TEXT NOT NULL CHECK (record IN ('offer', 'figure')),
            offer_id {key} UNIQUE REFERENCES offers (id) ON DELETE SET NULL,
            figure_id {key} UNIQUE REFERENCES figures (id) ON DELETE SET NULL,
            evidence_start INTEGER NOT NULL,
            evidence_end INTEGER NOT NULL,
            evidence_text TEXT NOT NULL,
            value_text TEXT NOT NULL,
            machine TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('confirmed', 'corrected', 'rejected')),
            correction TEXT,
            reason TEXT,
            stale INTEGER NOT NULL DEFAULT 0,
            reviewer TEXT NOT NULL,
            reviewed_at TEXT NOT NULL
        )
        """,
        "CREATE INDEX reviews_document ON reviews (document_id)",
        f"""
        CREATE TABLE audit_log (
            id {identity},
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            document_id TEXT,
            record TEXT,
            record_id {key},
            before TEXT,
            after TEXT,
            reason TEXT
        )
        """,
        f"ALTER TABLE offers ADD COLUMN review_status TEXT {_REVIEW_STATUS}",
        f"ALTER TABLE figures ADD COLUMN review_status TEXT {_REVIEW_STATUS}",
        "CREATE INDEX offers_review_status ON offers (review_status)",
        "CREATE INDEX figures_review_status ON figures (review_status)",
    )


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        version=1,
        name="documents, offers, figures, failures",
        statements=(
            """
            CREATE TABLE documents (
                id TEXT PRIMARY KEY,
                source TEXT NOT NULL,
                url TEXT,
                title TEXT,
                published TEXT,
                language TEXT NOT NULL,
                text TEXT NOT NULL,
                content_hash TEXT NOT NULL UNIQUE,
                ingested_at TEXT NOT NULL
            )
            """,
            """
            CREATE TABLE offers (
                id INTEGER PRIMARY KEY,
                document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
                kind TEXT NOT NULL
                    CHECK (kind IN ('signing_bonus', 'monthly_pay', 'compensation',
                                    'other_payment')),
                amount REAL NOT NULL,
                amount_max REAL,
                currency TEXT NOT NULL,
                usd_stated REAL,
                offered_by TEXT,
                target TEXT,
                region TEXT,
                date TEXT,
                confidence REAL NOT NULL,
                evidence_start INTEGER NOT NULL,
                evidence_end INTEGER NOT NULL,
                evidence_text TEXT NOT NULL,
                value_start INTEGER NOT NULL,
                value_end INTEGER NOT NULL,
                rule TEXT NOT NULL,
                language TEXT NOT NULL
            )
            """,
            "CREATE INDEX offers_document ON offers (document_id)",
            "CREATE INDEX offers_kind_currency ON offers (kind, currency)",
            """
            CREATE TABLE figures (
                id INTEGER PRIMARY KEY,
                document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
                quantity REAL NOT NULL,
                quantity_max REAL,
                unit TEXT NOT NULL CHECK (unit IN ('people', 'percent', 'other')),
                subject TEXT,
                source TEXT,
                date TEXT,
                confidence REAL NOT NULL,
                evidence_start INTEGER NOT NULL,
                evidence_end INTEGER NOT NULL,
                evidence_text TEXT NOT NULL,
                value_start INTEGER NOT NULL,
                value_end INTEGER NOT NULL,
                rule TEXT NOT NULL,
                language TEXT NOT NULL
            )
            """,
            "CREATE INDEX figures_document ON figures (document_id)",
            """
            CREATE TABLE failures (
                id INTEGER PRIMARY KEY,
                source TEXT NOT NULL,
                stage TEXT NOT NULL,
                reason TEXT NOT NULL,
                occurred_at TEXT NOT NULL
            )
            """,
        ),
    ),
    Migration(
        version=2,
        name="document locations, fetch validators",
        statements=(
            # Each place a stored text was found: an exact copy elsewhere is stored once.
            """
            CREATE TABLE document_locations (
                id INTEGER PRIMARY KEY,
                document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
                location_id TEXT NOT NULL,
                source TEXT NOT NULL,
                url TEXT,
                first_seen TEXT NOT NULL
            )
            """,
            "CREATE UNIQUE INDEX document_locations_place"
            " ON document_locations (document_id, source, ifnull(url, ''))",
            "CREATE INDEX document_locations_url ON document_locations (url)",
            "INSERT INTO document_locations (document_id, location_id, source, url, first_seen)"
            " SELECT id, id, source, url, ingested_at FROM documents",
            # ETag / Last-Modified per URL, so `watch` asks only for what changed.
            """
            CREATE TABLE fetch_validators (
                url TEXT PRIMARY KEY,
                etag TEXT,
                last_modified TEXT,
                updated_at TEXT NOT NULL
            )
            """,
        ),
    ),
    Migration(
        version=4,
        name="normalise notes (dates, conversions, checks) and links (clusters, claims)",
        statements=(
            # IF NOT EXISTS: a database whose migrations table was rolled back by hand can
            # re-run this migration. Notes on one record are written with it by
            # save_extraction and dropped with it by the cascade; exactly one of offer_id and
            # figure_id is set.
            """
            CREATE TABLE IF NOT EXISTS record_dates (
                offer_id INTEGER UNIQUE REFERENCES offers (id) ON DELETE CASCADE,
                figure_id INTEGER UNIQUE REFERENCES figures (id) ON DELETE CASCADE,
                date TEXT,
                precision TEXT CHECK (precision IN ('day', 'week', 'month', 'season', 'year')),
                phrase TEXT,
                reason TEXT,
                CHECK ((offer_id IS NULL) <> (figure_id IS NULL))
            )
            """,
            """
            CREATE TABLE IF NOT EXISTS conversions (
                offer_id INTEGER NOT NULL REFERENCES offers (id) ON DELETE CASCADE,
                currency TEXT NOT NULL,
                amount REAL,
                amount_max REAL,
                rate REAL,
                rate_date TEXT,
                rate_source TEXT,
                reason TEXT,
                PRIMARY KEY (offer_id, currency),
                CHECK ((amount IS NULL) <> (reason IS NULL))
            )
            """,
            """
            CREATE TABLE IF NOT EXISTS checks (
                id INTEGER PRIMARY KEY,
                document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
                offer_id INTEGER REFERENCES offers (id) ON DELETE CASCADE,
                figure_id INTEGER REFERENCES figures (id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('ok', 'flag', 'n/a')),
                detail TEXT NOT NULL,
                stated REAL,
                expected REAL,
                deviation REAL
            )
            """,
            "CREATE INDEX IF NOT EXISTS checks_document ON checks (document_id)",
            "CREATE INDEX IF NOT EXISTS checks_offer ON checks (offer_id)",
            "CREATE INDEX IF NOT EXISTS checks_figure ON checks (figure_id)",
            # Links across documents, replaced as a whole each time the link stage runs.
            """
            CREATE TABLE IF NOT EXISTS clusters (
                id INTEGER PRIMARY KEY,
                origin TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE
            )
            """,
            """
            CREATE TABLE IF NOT EXISTS cluster_members (
                document_id TEXT PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
                cluster_id INTEGER NOT NULL REFERENCES clusters (id) ON DELETE CASCADE,
                similarity REAL NOT NULL,
                misattribution TEXT
            )
            """,
            "CREATE INDEX IF NOT EXISTS cluster_members_cluster ON cluster_members (cluster_id)",
            """
            CREATE TABLE IF NOT EXISTS attributions (
                id INTEGER PRIMARY KEY,
                document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                start INTEGER NOT NULL,
                end INTEGER NOT NULL,
                text TEXT NOT NULL
            )
            """,
            "CREATE INDEX IF NOT EXISTS attributions_document ON attributions (document_id)",
            """
            CREATE TABLE IF NOT EXISTS claims (
                id INTEGER PRIMARY KEY,
                record TEXT NOT NULL CHECK (record IN ('offer', 'figure')),
                kind TEXT NOT NULL,
                unit TEXT NOT NULL,
                value REAL NOT NULL,
                who TEXT,
                about TEXT,
                first TEXT,
                last TEXT,
                sources INTEGER NOT NULL,
                independent_sources INTEGER NOT NULL
            )
            """,
            """
            CREATE TABLE IF NOT EXISTS claim_statements (
                claim_id INTEGER NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
                document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
                offer_id INTEGER REFERENCES offers (id) ON DELETE CASCADE,
                figure_id INTEGER REFERENCES figures (id) ON DELETE CASCADE,
                CHECK ((offer_id IS NULL) <> (figure_id IS NULL))
            )
            """,
            "CREATE INDEX IF NOT EXISTS claim_statements_claim ON claim_statements (claim_id)",
            "CREATE INDEX IF NOT EXISTS claim_statements_document"
            " ON claim_statements (document_id)",
            """
            CREATE TABLE IF NOT EXISTS conflicts (
                id INTEGER PRIMARY KEY,
                first_claim INTEGER NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
                second_claim INTEGER NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
                period TEXT NOT NULL,
                detail TEXT NOT NULL
            )
            """,
        ),
    ),
    Migration(
        version=5,
        name="documents: site name and author",
        statements=(
            "ALTER TABLE documents ADD COLUMN site_name TEXT",
            "ALTER TABLE documents ADD COLUMN author TEXT",
        ),
    ),
    Migration(
        version=6,
        name="document search (FTS5 over title and text)",
        statements=(
            # FTS rows are keyed by a rowid of our own: documents has a text key, and the rowid
            # SQLite gives such a table may change on VACUUM, which would cross the two.
            """
            CREATE TABLE document_search (
                rowid INTEGER PRIMARY KEY,
                document_id TEXT NOT NULL UNIQUE
            )
            """,
            "CREATE VIRTUAL TABLE documents_fts USING fts5(title, text)",
            "INSERT INTO document_search (document_id) SELECT id FROM documents ORDER BY id",
            "INSERT INTO documents_fts (rowid, title, text)"
            " SELECT document_search.rowid, ifnull(documents.title, ''), documents.text"
            " FROM documents JOIN document_search ON document_search.document_id = documents.id",
            """
            CREATE TRIGGER documents_search_insert AFTER INSERT ON documents BEGIN
                INSERT INTO document_search (document_id) VALUES (new.id);
                INSERT INTO documents_fts (rowid, title, text)
                    SELECT rowid, ifnull(new.title, ''), new.text FROM document_search
                    WHERE document_id = new.id;
            END
            """,
            """
            CREATE TRIGGER documents_search_delete AFTER DELETE ON documents BEGIN
                DELETE FROM documents_fts WHERE rowid =
                    (SELECT rowid FROM document_search WHERE document_id = old.id);
                DELETE FROM document_search WHERE document_id = old.id;
            END
            """,
            """
            CREATE TRIGGER documents_search_update AFTER UPDATE OF id, title, text ON documents
            BEGIN
                DELETE FROM documents_fts WHERE rowid =
                    (SELECT rowid FROM document_search WHERE document_id = old.id);
                DELETE FROM document_search WHERE document_id = old.id;
                INSERT INTO document_search (document_id) VALUES (new.id);
                INSERT INTO documents_fts (rowid, title, text)
                    SELECT rowid, ifnull(new.title, ''), new.text FROM document_search
                    WHERE document_id = new.id;
            END
            """,
        ),
    ),
    Migration(
        version=7,
        name="offers: record date, month, USD and RUB kept on the row; indexes for pages, charts",
        statements=(
            # Derived columns, kept by the triggers below, so a filtered, sorted page and its
            # charts read one narrow index instead of joining documents and conversions for
            # each of 100,000 offers. record_date: the offer's date, else its document's;
            # usd / rub: the official-rate conversion, else what the text states.
            "ALTER TABLE offers ADD COLUMN record_date TEXT",
            "ALTER TABLE offers ADD COLUMN usd REAL",
            "ALTER TABLE offers ADD COLUMN rub REAL",
            # The month a chart bins by; an index can hold it, so charts group in index order.
            "ALTER TABLE offers ADD COLUMN record_month TEXT"
            " GENERATED ALWAYS AS (substr(record_date, 1, 7)) VIRTUAL",
            """
            UPDATE offers SET
                record_date = COALESCE(date,
                    (SELECT published FROM documents WHERE documents.id = offers.document_id)),
                usd = COALESCE(
                    (SELECT amount FROM conversions
                     WHERE conversions.offer_id = offers.id AND conversions.currency = 'USD'),
                    usd_stated, CASE WHEN currency = 'USD' THEN amount END),
                rub = COALESCE(
                    (SELECT amount FROM conversions
                     WHERE conversions.offer_id = offers.id AND conversions.currency = 'RUB'),
                    CASE WHEN currency = 'RUB' THEN amount END)
            """,
            """
            CREATE TRIGGER offers_derived_insert AFTER INSERT ON offers BEGIN
                UPDATE offers SET
                    record_date = COALESCE(new.date,
                        (SELECT published FROM documents WHERE documents.id = new.document_id)),
                    usd = COALESCE(new.usd_stated,
                        CASE WHEN new.currency = 'USD' THEN new.amount END),
                    rub = CASE WHEN new.currency = 'RUB' THEN new.amount END
                WHERE id = new.id;
            END
            """,
            """
            CREATE TRIGGER offers_derived_date AFTER UPDATE OF date ON offers BEGIN
                UPDATE offers SET record_date = COALESCE(new.date,
                    (SELECT published FROM documents WHERE documents.id = new.document_id))
                WHERE id = new.id;
            END
            """,
            """
            CREATE TRIGGER offers_derived_published AFTER UPDATE OF published ON documents BEGIN
                UPDATE offers SET record_date = COALESCE(date, new.published)
                WHERE document_id = new.id;
            END
            """,
            """
            CREATE TRIGGER offers_derived_conversion AFTER INSERT ON conversions
            WHEN new.amount IS NOT NULL BEGIN
                UPDATE offers SET usd = new.amount WHERE id = new.offer_id AND new.currency = 'USD';
                UPDATE offers SET rub = new.amount WHERE id = new.offer_id AND new.currency = 'RUB';
            END
            """,
            # Every column a filter, a sort or a chart reads, in the order a chart by payer
            # (by region) groups: pages and charts scan these, never the wide rows.
            _BY_PAYER,
            _BY_REGION,
            "CREATE INDEX offers_record_date ON offers (record_date)",
            # The newest-first order of every list, missing dates last, read off an index.
            "CREATE INDEX offers_newest ON offers (ifnull(record_date, ''), id)",
        ),
    ),
    Migration(
        version=8,
        name="batch partitions done, by content fingerprint",
        statements=(
            # A `batch` re-run skips a partition whose files are byte for byte the ones done:
            # document hashes alone would still need every file read and parsed to know that,
            # and would record a partition's failures again.
            """
            CREATE TABLE batch_partitions (
                fingerprint TEXT PRIMARY KEY,
                sources TEXT NOT NULL,
                documents INTEGER NOT NULL,
                failed INTEGER NOT NULL,
                done_at TEXT NOT NULL
            )
            """,
        ),
    ),
    Migration(
        version=9,
        name="failures: one row per source and reason, with times and last seen",
        statements=_FAILURES_ONCE,
    ),
    Migration(
        version=10,
        name="offers and figures: the normalised keys of annotation guide version 2",
        # Closed vocabularies and ISO codes beside the free text (model.py). Rows stored
        # before keep null keys (previous 0) until their document is extracted again.
        statements=_VERSION_2_KEYS,
    ),
    Migration(
        version=11,
        name="a conflict groups every claim about its subject",
        statements=(
            """
            CREATE TABLE conflict_claims (
                conflict_id INTEGER NOT NULL REFERENCES conflicts (id) ON DELETE CASCADE,
                claim_id INTEGER NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
                PRIMARY KEY (conflict_id, claim_id)
            )
            """,
            "CREATE INDEX conflict_claims_claim ON conflict_claims (claim_id)",
        ),
    ),
    Migration(
        version=12,
        name="indexes on the guide's keys: payer level and region, target country, recipient,"
        " figure category",
        statements=_KEY_INDEXES,
    ),
    Migration(
        version=13,
        name="link index: entries, keys and verified pairs, for incremental linking",
        statements=_link_index("BLOB", "INTEGER", "REAL", " WITHOUT ROWID"),
    ),
    Migration(
        version=14,
        name="document locations: the place of each copy in a batch's reading order",
        statements=_BATCH_ORDER,
    ),
    Migration(
        version=15,
        name="PostgreSQL: each document's search vector stored, for ranking",
        # SQLite's FTS5 table stores its index and ranks from it (bm25) already.
        statements=(),
    ),
    Migration(
        version=16,
        name="offers: record date, month, USD and RUB as normalise gives them; no triggers",
        statements=(
            "DROP TRIGGER offers_derived_insert",
            "DROP TRIGGER offers_derived_date",
            "DROP TRIGGER offers_derived_published",
            "DROP TRIGGER offers_derived_conversion",
            "DROP INDEX offers_by_payer",  # they hold record_month, which is rebuilt
            "DROP INDEX offers_by_region",
            *_NORMALISED_COLUMNS,
            _BY_PAYER,
            _BY_REGION,
        ),
    ),
    Migration(
        version=17,
        name="users, sessions, reviews of records and the audit log",
        statements=_review_tables("INTEGER PRIMARY KEY", "INTEGER"),
    ),
)


_IDENTITY = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
_EVIDENCE_COLUMNS = """
    confidence DOUBLE PRECISION NOT NULL,
    evidence_start INTEGER NOT NULL,
    evidence_end INTEGER NOT NULL,
    evidence_text TEXT NOT NULL,
    value_start INTEGER NOT NULL,
    value_end INTEGER NOT NULL,
    rule TEXT NOT NULL,
    language TEXT NOT NULL
"""
# The search a document is found by: every word of title and text, lowercased, unstemmed, as
# FTS5's default tokenizer reads them (the index and the query must use this same expression).
DOCUMENT_TSVECTOR = "to_tsvector('simple', COALESCE(title, '') || ' ' || text)"
_NEW_DOCUMENT_TSVECTOR = "to_tsvector('simple', COALESCE(NEW.title, '') || ' ' || NEW.text)"
# A query against the stored vectors (migration 15), `?` the to_tsquery text.
DOCUMENT_MATCHES = (
    "SELECT document_id FROM document_vectors WHERE vector @@ to_tsquery('simple', ?)"
)

POSTGRES: dict[int, tuple[str, ...]] = {
    1: (
        """
        CREATE TABLE documents (
            id TEXT PRIMARY KEY,
            source TEXT NOT NULL,
            url TEXT,
            title TEXT,
            published TEXT,
            language TEXT NOT NULL,
            text TEXT NOT NULL,
            content_hash TEXT NOT NULL UNIQUE,
            ingested_at TEXT NOT NULL
        )
        """,
        f"""
        CREATE TABLE offers (
            id {_IDENTITY},
            document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
            kind TEXT NOT NULL
                CHECK (kind IN ('signing_bonus', 'monthly_pay', 'compensation',
                                'other_payment')),
            amount DOUBLE PRECISION NOT NULL,
            amount_max DOUBLE PRECISION,
            currency TEXT NOT NULL,
            usd_stated DOUBLE PRECISION,
            offered_by TEXT,
            target TEXT,
            region TEXT,
            date TEXT,
            {_EVIDENCE_COLUMNS}
        )
        """,
        "CREATE INDEX offers_document ON offers (document_id)",
        "CREATE INDEX offers_kind_currency ON offers (kind, currency)",
        f"""
        CREATE TABLE figures (
            id {_IDENTITY},
            document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
            quantity DOUBLE PRECISION NOT NULL,
            quantity_max DOUBLE PRECISION,
            unit TEXT NOT NULL CHECK (unit IN ('people', 'percent', 'other')),
            subject TEXT,
            source TEXT,
            date TEXT,
            {_EVIDENCE_COLUMNS}
        )
        """,
        "CREATE INDEX figures_document ON figures (document_id)",
        f"""
        CREATE TABLE failures (
            id {_IDENTITY},
            source TEXT NOT NULL,
            stage TEXT NOT NULL,
            reason TEXT NOT NULL,
            occurred_at TEXT NOT NULL
        )
        """,
    ),
    2: (
        f"""
        CREATE TABLE document_locations (
            id {_IDENTITY},
            document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
            location_id TEXT NOT NULL,
            source TEXT NOT NULL,
            url TEXT,
            first_seen TEXT NOT NULL
        )
        """,
        "CREATE UNIQUE INDEX document_locations_place"
        " ON document_locations (document_id, source, COALESCE(url, ''))",
        "CREATE INDEX document_locations_url ON document_locations (url)",
        """
        CREATE TABLE fetch_validators (
            url TEXT PRIMARY KEY,
            etag TEXT,
            last_modified TEXT,
            updated_at TEXT NOT NULL
        )
        """,
    ),
    4: (
        """
        CREATE TABLE record_dates (
            offer_id BIGINT UNIQUE REFERENCES offers (id) ON DELETE CASCADE,
            figure_id BIGINT UNIQUE REFERENCES figures (id) ON DELETE CASCADE,
            date TEXT,
            precision TEXT CHECK (precision IN ('day', 'week', 'month', 'season', 'year')),
            phrase TEXT,
            reason TEXT,
            CHECK ((offer_id IS NULL) <> (figure_id IS NULL))
        )
        """,
        """
        CREATE TABLE conversions (
            offer_id BIGINT NOT NULL REFERENCES offers (id) ON DELETE CASCADE,
            currency TEXT NOT NULL,
            amount DOUBLE PRECISION,
            amount_max DOUBLE PRECISION,
            rate DOUBLE PRECISION,
            rate_date TEXT,
            rate_source TEXT,
            reason TEXT,
            PRIMARY KEY (offer_id, currency),
            CHECK ((amount IS NULL) <> (reason IS NULL))
        )
        """,
        f"""
        CREATE TABLE checks (
            id {_IDENTITY},
            document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
            offer_id BIGINT REFERENCES offers (id) ON DELETE CASCADE,
            figure_id BIGINT REFERENCES figures (id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('ok', 'flag', 'n/a')),
            detail TEXT NOT NULL,
            stated DOUBLE PRECISION,
            expected DOUBLE PRECISION,
            deviation DOUBLE PRECISION
        )
        """,
        "CREATE INDEX checks_document ON checks (document_id)",
        "CREATE INDEX checks_offer ON checks (offer_id)",
        "CREATE INDEX checks_figure ON checks (figure_id)",
        f"""
        CREATE TABLE clusters (
            id {_IDENTITY},
            origin TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE
        )
        """,
        """
        CREATE TABLE cluster_members (
            document_id TEXT PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
            cluster_id BIGINT NOT NULL REFERENCES clusters (id) ON DELETE CASCADE,
            similarity DOUBLE PRECISION NOT NULL,
            misattribution TEXT
        )
        """,
        "CREATE INDEX cluster_members_cluster ON cluster_members (cluster_id)",
        f"""
        CREATE TABLE attributions (
            id {_IDENTITY},
            document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            text TEXT NOT NULL
        )
        """,
        "CREATE INDEX attributions_document ON attributions (document_id)",
        f"""
        CREATE TABLE claims (
            id {_IDENTITY},
            record TEXT NOT NULL CHECK (record IN ('offer', 'figure')),
            kind TEXT NOT NULL,
            unit TEXT NOT NULL,
            value DOUBLE PRECISION NOT NULL,
            who TEXT,
            about TEXT,
            first TEXT,
            last TEXT,
            sources INTEGER NOT NULL,
            independent_sources INTEGER NOT NULL
        )
        """,
        # rowid: SQLite's implicit insertion order, which the shared SQL orders statements by.
        """
        CREATE TABLE claim_statements (
            rowid BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            claim_id BIGINT NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
            document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
            offer_id BIGINT REFERENCES offers (id) ON DELETE CASCADE,
            figure_id BIGINT REFERENCES figures (id) ON DELETE CASCADE,
            CHECK ((offer_id IS NULL) <> (figure_id IS NULL))
        )
        """,
        "CREATE INDEX claim_statements_claim ON claim_statements (claim_id)",
        "CREATE INDEX claim_statements_document ON claim_statements (document_id)",
        f"""
        CREATE TABLE conflicts (
            id {_IDENTITY},
            first_claim BIGINT NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
            second_claim BIGINT NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
            period TEXT NOT NULL,
            detail TEXT NOT NULL
        )
        """,
    ),
    5: (
        "ALTER TABLE documents ADD COLUMN site_name TEXT",
        "ALTER TABLE documents ADD COLUMN author TEXT",
    ),
    # An expression index, not a stored tsvector column: `SELECT *` on documents stays lean.
    6: (f"CREATE INDEX documents_search ON documents USING GIN (({DOCUMENT_TSVECTOR}))",),
    7: (
        "ALTER TABLE offers ADD COLUMN record_date TEXT",
        "ALTER TABLE offers ADD COLUMN usd DOUBLE PRECISION",
        "ALTER TABLE offers ADD COLUMN rub DOUBLE PRECISION",
        "ALTER TABLE offers ADD COLUMN record_month TEXT"
        " GENERATED ALWAYS AS (substr(record_date, 1, 7)) STORED",
        # BEFORE triggers set the row's own derived columns as it is written; the AFTER ones
        # follow a document's new date and a conversion added later, as SQLite's do.
        """
        CREATE FUNCTION offers_derive() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.record_date := COALESCE(NEW.date,
                (SELECT published FROM documents WHERE documents.id = NEW.document_id));
            IF TG_OP = 'INSERT' THEN
                NEW.usd := COALESCE(NEW.usd_stated,
                    CASE WHEN NEW.currency = 'USD' THEN NEW.amount END);
                NEW.rub := CASE WHEN NEW.currency = 'RUB' THEN NEW.amount END;
            END IF;
            RETURN NEW;
        END $$
        """,
        "CREATE TRIGGER offers_derived BEFORE INSERT OR UPDATE OF date ON offers"
        " FOR EACH ROW EXECUTE FUNCTION offers_derive()",
        """
        CREATE FUNCTION offers_follow_published() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE offers SET record_date = COALESCE(date, NEW.published)
            WHERE document_id = NEW.id;
            RETURN NULL;
        END $$
        """,
        "CREATE TRIGGER offers_derived_published AFTER UPDATE OF published ON documents"
        " FOR EACH ROW EXECUTE FUNCTION offers_follow_published()",
        """
        CREATE FUNCTION offers_follow_conversion() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE offers SET usd = NEW.amount WHERE id = NEW.offer_id AND NEW.currency = 'USD';
            UPDATE offers SET rub = NEW.amount WHERE id = NEW.offer_id AND NEW.currency = 'RUB';
            RETURN NULL;
        END $$
        """,
        "CREATE TRIGGER offers_derived_conversion AFTER INSERT ON conversions"
        " FOR EACH ROW WHEN (NEW.amount IS NOT NULL) EXECUTE FUNCTION offers_follow_conversion()",
        "CREATE INDEX offers_record_date ON offers (record_date)",
    ),
    8: (
        """
        CREATE TABLE batch_partitions (
            fingerprint TEXT PRIMARY KEY,
            sources TEXT NOT NULL,
            documents INTEGER NOT NULL,
            failed INTEGER NOT NULL,
            done_at TEXT NOT NULL
        )
        """,
    ),
    9: _FAILURES_ONCE,
    10: _VERSION_2_KEYS,  # ALTER TABLE ... ADD COLUMN with a CHECK reads alike in both
    11: (
        """
        CREATE TABLE conflict_claims (
            conflict_id BIGINT NOT NULL REFERENCES conflicts (id) ON DELETE CASCADE,
            claim_id BIGINT NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
            PRIMARY KEY (conflict_id, claim_id)
        )
        """,
        "CREATE INDEX conflict_claims_claim ON conflict_claims (claim_id)",
    ),
    12: _KEY_INDEXES,
    13: _link_index("BYTEA", "BIGINT", "DOUBLE PRECISION", ""),
    14: _BATCH_ORDER,
    # The vector in a table beside documents, as SQLite's FTS5 keeps its own: computed once per
    # text, so ranking a million matches reads it instead of parsing every text again, and
    # `SELECT *` on documents stays lean. Kept by a trigger, so COPY fills it too.
    15: (
        """
        CREATE TABLE document_vectors (
            document_id TEXT PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
            vector TSVECTOR NOT NULL
        )
        """,
        f"INSERT INTO document_vectors SELECT id, {DOCUMENT_TSVECTOR} FROM documents",
        "CREATE INDEX document_vectors_search ON document_vectors USING GIN (vector)",
        f"""
        CREATE FUNCTION documents_vector() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO document_vectors (document_id, vector)
            VALUES (NEW.id, {_NEW_DOCUMENT_TSVECTOR})
            ON CONFLICT (document_id) DO UPDATE SET vector = excluded.vector;
            RETURN NULL;
        END $$
        """,
        "CREATE TRIGGER documents_vector AFTER INSERT OR UPDATE OF title, text ON documents"
        " FOR EACH ROW EXECUTE FUNCTION documents_vector()",
        "DROP INDEX documents_search",
    ),
    16: (
        "DROP TRIGGER offers_derived ON offers",
        "DROP TRIGGER offers_derived_published ON documents",
        "DROP TRIGGER offers_derived_conversion ON conversions",
        "DROP FUNCTION offers_derive()",
        "DROP FUNCTION offers_follow_published()",
        "DROP FUNCTION offers_follow_conversion()",
        *_NORMALISED_COLUMNS,
    ),
    17: _review_tables(_IDENTITY, "BIGINT"),
}
