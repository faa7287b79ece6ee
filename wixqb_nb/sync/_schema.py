"""The ledger's SQLite schema, as an ordered list of migrations (``PRAGMA user_version``).

Migration N (1-based) brings a file from ``user_version = N - 1`` to ``N``. Never edit a migration
that has shipped: append a new one. docs/LEDGER.md describes every table and column; a test keeps
the two in step.
"""

from __future__ import annotations

MIGRATIONS: list[str] = [
    # 1: the first schema
    """
    CREATE TABLE runs (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        started_at    TEXT NOT NULL,
        finished_at   TEXT,
        realm_id      TEXT NOT NULL,
        config_hash   TEXT NOT NULL,
        dry_run       INTEGER NOT NULL DEFAULT 0,
        since         TEXT,
        until         TEXT,
        order_filter  TEXT,
        outcome       TEXT NOT NULL DEFAULT 'running',
        watermark     TEXT,
        orders_seen   INTEGER NOT NULL DEFAULT 0,
        orders_posted INTEGER NOT NULL DEFAULT 0,
        orders_failed INTEGER NOT NULL DEFAULT 0,
        orders_skipped INTEGER NOT NULL DEFAULT 0,
        writes_ok     INTEGER NOT NULL DEFAULT 0,
        writes_failed INTEGER NOT NULL DEFAULT 0,
        writes_unknown INTEGER NOT NULL DEFAULT 0,
        requests      INTEGER NOT NULL DEFAULT 0,
        message       TEXT NOT NULL DEFAULT '',
        pid           INTEGER
    );
    CREATE TABLE orders (
        order_id      TEXT PRIMARY KEY,
        number        TEXT NOT NULL DEFAULT '',
        updated_date  TEXT NOT NULL DEFAULT '',
        state         TEXT NOT NULL DEFAULT 'seen',
        detail        TEXT NOT NULL DEFAULT '',
        first_run_id  INTEGER,
        last_run_id   INTEGER,
        updated_at    TEXT NOT NULL
    );
    CREATE TABLE documents (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        order_id        TEXT NOT NULL DEFAULT '',
        kind            TEXT NOT NULL,
        source_id       TEXT NOT NULL DEFAULT '',
        entity          TEXT NOT NULL,
        qbo_id          TEXT NOT NULL,
        doc_number      TEXT,
        txn_date        TEXT,
        sync_token      TEXT NOT NULL DEFAULT '0',
        total           TEXT,
        payload_hash    TEXT NOT NULL DEFAULT '',
        idempotency_key TEXT NOT NULL DEFAULT '',
        run_id          INTEGER NOT NULL,
        last_run_id     INTEGER NOT NULL,
        status          TEXT NOT NULL DEFAULT 'posted',
        created_at      TEXT NOT NULL,
        updated_at      TEXT NOT NULL,
        UNIQUE (entity, qbo_id)
    );
    CREATE INDEX documents_by_order ON documents (order_id, kind, source_id);
    CREATE INDEX documents_by_run ON documents (run_id);
    CREATE TABLE writes (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id          INTEGER NOT NULL,
        idempotency_key TEXT NOT NULL,
        request_id      TEXT NOT NULL,
        order_id        TEXT NOT NULL DEFAULT '',
        kind            TEXT NOT NULL,
        source_id       TEXT NOT NULL DEFAULT '',
        entity          TEXT NOT NULL,
        operation       TEXT NOT NULL,
        qbo_id          TEXT,
        doc_number      TEXT,
        txn_date        TEXT,
        marker          TEXT,
        lookup_name     TEXT,
        payload_hash    TEXT NOT NULL DEFAULT '',
        intent_at       TEXT NOT NULL,
        outcome         TEXT NOT NULL DEFAULT 'unknown',
        outcome_at      TEXT,
        resolution      TEXT NOT NULL DEFAULT '',
        fault_code      TEXT NOT NULL DEFAULT '',
        fault_message   TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX writes_by_outcome ON writes (outcome);
    CREATE INDEX writes_by_key ON writes (idempotency_key);
    CREATE TABLE errors (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        order_id    TEXT NOT NULL,
        order_number TEXT NOT NULL DEFAULT '',
        field       TEXT NOT NULL DEFAULT '',
        message     TEXT NOT NULL,
        hint        TEXT NOT NULL DEFAULT '',
        status      TEXT NOT NULL DEFAULT 'open',
        first_seen  TEXT NOT NULL,
        last_seen   TEXT NOT NULL,
        first_run_id INTEGER,
        last_run_id INTEGER,
        occurrences INTEGER NOT NULL DEFAULT 1,
        UNIQUE (order_id, field, message)
    );
    CREATE INDEX errors_by_status ON errors (status);
    CREATE TABLE notifications (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id      INTEGER,
        channel     TEXT NOT NULL,
        recipients  TEXT NOT NULL DEFAULT '',
        status      TEXT NOT NULL,
        detail      TEXT NOT NULL DEFAULT '',
        at          TEXT NOT NULL
    );
    """,
    # 2: a posted sale's amounts by tax code and tax by rate (what a later change credit reverses)
    """
    ALTER TABLE documents ADD COLUMN detail TEXT;
    """,
]

#: The tables :meth:`Ledger.frame` may read.
TABLES: tuple[str, ...] = ("runs", "orders", "documents", "writes", "errors", "notifications")
