"""The ledger's row types: one frozen dataclass per table (see docs/LEDGER.md), and write intents."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, fields
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class RunRow:
    """One run (``runs`` table)."""

    id: int
    started_at: str
    finished_at: str | None
    realm_id: str
    config_hash: str
    dry_run: int
    since: str | None
    until: str | None
    order_filter: str | None
    outcome: str
    watermark: str | None
    orders_seen: int
    orders_posted: int
    orders_failed: int
    orders_skipped: int
    writes_ok: int
    writes_failed: int
    writes_unknown: int
    requests: int
    message: str
    pid: int | None


@dataclass(frozen=True)
class OrderRow:
    """What the ledger knows of one Wix order (``orders`` table)."""

    order_id: str
    number: str
    updated_date: str
    state: str
    detail: str
    first_run_id: int | None
    last_run_id: int | None
    updated_at: str


@dataclass(frozen=True)
class DocumentRow:
    """A QBO object the sync posted or adopted (``documents`` table)."""

    id: int
    order_id: str
    kind: str
    source_id: str
    entity: str
    qbo_id: str
    doc_number: str | None
    txn_date: str | None
    sync_token: str
    total: str | None
    payload_hash: str
    idempotency_key: str
    run_id: int
    last_run_id: int
    status: str
    created_at: str
    updated_at: str
    detail: str | None = None  # a sale's JSON ``{"net": {code: amount}, "tax": {rate id: amount}}``


@dataclass(frozen=True)
class WriteRow:
    """One write attempted against QBO (``writes`` table)."""

    id: int
    run_id: int
    idempotency_key: str
    request_id: str
    order_id: str
    kind: str
    source_id: str
    entity: str
    operation: str
    qbo_id: str | None
    doc_number: str | None
    txn_date: str | None
    marker: str | None
    lookup_name: str | None
    payload_hash: str
    intent_at: str
    outcome: str
    outcome_at: str | None
    resolution: str
    fault_code: str
    fault_message: str


@dataclass(frozen=True)
class WriteIntent:
    """What :meth:`Ledger.record_intents` stores before a write is sent."""

    idempotency_key: str
    order_id: str
    kind: str
    source_id: str
    entity: str
    operation: str
    payload_hash: str
    qbo_id: str | None = None
    doc_number: str | None = None
    txn_date: str | None = None
    marker: str | None = None
    lookup_name: str | None = None


def from_row(cls: type[T], row: sqlite3.Row) -> T:
    """A row type built from a sqlite3 row with the same column names."""
    return cls(**{f.name: row[f.name] for f in fields(cls)})  # type: ignore[arg-type]
