"""The ledger: a local SQLite file that remembers every run, order, document and write.

It is what makes a sync safe to repeat and to kill. Before each write to QBO the ledger records the
*intent* (idempotency key, request id, what to look for); after it, the *outcome*. A write whose
outcome is still ``unknown`` when a run starts was interrupted (crash, kill, lost response) and is
resolved by looking the document up in QBO, never by writing again blindly.

One file per QBO company (``{state_dir}/ledger-{realm}.sqlite``), WAL journal, schema migrations
by ``PRAGMA user_version`` (:mod:`wixqb_nb.sync._schema`). Nothing secret is ever stored: no keys,
tokens or passwords, only ids, numbers, hashes and messages. docs/LEDGER.md documents the tables;
:meth:`Ledger.frame` reads any of them into pandas for an accountant's own questions.

Timestamps are ISO-8601 UTC strings passed in by the caller (the ledger never reads the clock).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from wixqb_nb import money
from wixqb_nb.errors import LedgerError
from wixqb_nb.sync._rows import DocumentRow, OrderRow, RunRow, WriteIntent, WriteRow, from_row
from wixqb_nb.sync._schema import MIGRATIONS, TABLES

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "DocumentRow",
    "Ledger",
    "OrderRow",
    "RunRow",
    "WriteIntent",
    "WriteRow",
    "iso",
    "ledger_path",
    "parse_iso",
    "payload_hash",
    "request_id_for",
]

T = TypeVar("T")


def iso(moment: dt.datetime) -> str:
    """``moment`` (aware) as the ledger stores it: UTC, ISO-8601, microseconds."""
    if moment.tzinfo is None:
        raise ValueError("the ledger stores aware datetimes only")
    return moment.astimezone(dt.UTC).isoformat()


def parse_iso(text: str | None) -> dt.datetime | None:
    """The inverse of :func:`iso` (also accepts Wix's ``...Z`` timestamps)."""
    if not text:
        return None
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def _canonical(value: Any) -> Any:
    if isinstance(value, Decimal):
        return {"$dec": format(value.normalize(), "f")}
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    return value


def payload_hash(payload: Any) -> str:
    """A stable hash of a QBO payload: key order and Decimal trailing zeros do not matter."""
    text = money.dumps(_canonical(payload), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def request_id_for(idempotency_key: str) -> str:
    """The QBO ``requestid`` of a write: ``sha1(key)[:32]`` hex (docs/CONTRACTS.md)."""
    return hashlib.sha1(idempotency_key.encode()).hexdigest()[:32]


def ledger_path(state_dir: str | Path, realm_id: str) -> Path:
    """Where the ledger of company ``realm_id`` lives inside ``state_dir``."""
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", realm_id) or "default"
    return Path(state_dir) / f"ledger-{safe}.sqlite"


# --- the ledger -----------------------------------------------------------------------------------


class Ledger:
    """The SQLite ledger of one QBO company. Use as a context manager, or call :meth:`close`.

    Parameters
    ----------
    path
        The database file (created with its folder when missing), or ``":memory:"``.

    Raises
    ------
    LedgerError
        When the file is not a ledger, is newer than this version of wixqb-nb, or cannot be migrated.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path) if str(path) != ":memory:" else None
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(str(path), isolation_level=None, timeout=30.0)
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise LedgerError(f"cannot open the ledger {path}: {exc}") from exc

    # -- plumbing ---------------------------------------------------------------------------------

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection (idempotent)."""
        self._db.close()

    @property
    def schema_version(self) -> int:
        """The ``PRAGMA user_version`` of the file."""
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        version = self.schema_version
        if version > len(MIGRATIONS):
            raise LedgerError(
                f"the ledger is at schema {version}, newer than this wixqb-nb ({len(MIGRATIONS)}); upgrade"
            )
        for number in range(version + 1, len(MIGRATIONS) + 1):
            with self.transaction():
                for statement in MIGRATIONS[number - 1].split(";"):
                    if statement.strip():
                        self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {number}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` ... ``COMMIT`` (rollback on error); nested use joins the outer one."""
        if self._db.in_transaction:
            yield self._db
            return
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> sqlite3.Cursor:
        """Run one statement (autocommit unless inside :meth:`transaction`)."""
        return self._db.execute(sql, params)

    def frame(self, table: str) -> pd.DataFrame:
        """The whole ``table`` as a DataFrame (amounts stay strings: convert with ``Decimal``)."""
        import pandas as pd

        if table not in TABLES:
            raise LedgerError(f"unknown ledger table {table!r} (known: {', '.join(TABLES)})")
        return pd.read_sql_query(f"SELECT * FROM {table} ORDER BY rowid", self._db)

    # -- runs -------------------------------------------------------------------------------------

    def start_run(
        self,
        *,
        realm_id: str,
        config_hash: str,
        now: dt.datetime,
        dry_run: bool = False,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
        order_ids: Iterable[str] = (),
        pid: int | None = None,
    ) -> int:
        """Record the start of a run and return its id."""
        ids = ",".join(order_ids)
        cur = self._db.execute(
            "INSERT INTO runs (started_at, realm_id, config_hash, dry_run, since, until, order_filter, pid)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                iso(now),
                realm_id,
                config_hash,
                int(dry_run),
                iso(since) if since else None,
                iso(until) if until else None,
                ids or None,
                pid,
            ),
        )
        return int(cur.lastrowid or 0)

    def finish_run(
        self,
        run_id: int,
        *,
        outcome: str,
        now: dt.datetime,
        watermark: dt.datetime | None = None,
        message: str = "",
        counts: dict[str, int] | None = None,
    ) -> None:
        """Record the end of run ``run_id``: outcome, new watermark (when it advanced) and counts."""
        allowed = {
            "orders_seen",
            "orders_posted",
            "orders_failed",
            "orders_skipped",
            "writes_ok",
            "writes_failed",
            "writes_unknown",
            "requests",
        }
        sets = ["finished_at = ?", "outcome = ?", "watermark = ?", "message = ?"]
        params: list[Any] = [iso(now), outcome, iso(watermark) if watermark else None, message]
        for name, value in sorted((counts or {}).items()):
            if name not in allowed:
                raise LedgerError(f"unknown run count {name!r}")
            sets.append(f"{name} = ?")
            params.append(int(value))
        self._db.execute(f"UPDATE runs SET {', '.join(sets)} WHERE id = ?", (*params, run_id))

    def run(self, run_id: int) -> RunRow | None:
        """Run ``run_id``, or None."""
        row = self._db.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
        return from_row(RunRow, row) if row else None

    def runs(self) -> list[RunRow]:
        """Every run, oldest first."""
        return [from_row(RunRow, r) for r in self._db.execute("SELECT * FROM runs ORDER BY id")]

    def last_watermark(self) -> dt.datetime | None:
        """The watermark of the latest run that advanced it (None before the first complete run)."""
        row = self._db.execute(
            "SELECT watermark FROM runs WHERE watermark IS NOT NULL AND dry_run = 0 ORDER BY id DESC LIMIT 1"
        ).fetchone()
        return parse_iso(row[0]) if row else None

    # -- orders -----------------------------------------------------------------------------------

    def order(self, order_id: str) -> OrderRow | None:
        """The ledger's row of ``order_id``, or None."""
        row = self._db.execute("SELECT * FROM orders WHERE order_id = ?", (order_id,)).fetchone()
        return from_row(OrderRow, row) if row else None

    def orders(self, order_ids: Iterable[str] | None = None) -> dict[str, OrderRow]:
        """Rows by order id (all of them when ``order_ids`` is None)."""
        if order_ids is None:
            rows = self._db.execute("SELECT * FROM orders").fetchall()
        else:
            ids = list(order_ids)
            rows = []
            for chunk in _chunks(ids, 500):
                marks = ",".join("?" * len(chunk))
                rows += self._db.execute(
                    f"SELECT * FROM orders WHERE order_id IN ({marks})", chunk
                ).fetchall()
        return {r["order_id"]: from_row(OrderRow, r) for r in rows}

    def set_order(
        self,
        order_id: str,
        *,
        number: str,
        updated_date: str,
        state: str,
        run_id: int,
        now: dt.datetime,
        detail: str = "",
    ) -> None:
        """Insert or update the state of one order (``posted``, ``skipped``, ``error``, ``partial``...)."""
        self._db.execute(
            "INSERT INTO orders (order_id, number, updated_date, state, detail, first_run_id, last_run_id,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (order_id) DO UPDATE SET"
            " number = excluded.number, updated_date = excluded.updated_date, state = excluded.state,"
            " detail = excluded.detail, last_run_id = excluded.last_run_id, updated_at = excluded.updated_at",
            (order_id, number, updated_date, state, detail, run_id, run_id, iso(now)),
        )

    def orders_needing_work(self, *, include_open: bool = False) -> list[str]:
        """Orders to re-plan although Wix did not change them; never those with an ignored error.

        Always: half-posted orders (``partial``: a write failed for a passing reason or its outcome
        was lost) and orders whose error the user retried. With ``include_open`` (the configuration
        changed since the last run, so a fixed mapping may now work): orders with open errors too.
        """
        states = "('partial', 'pending', 'error')" if include_open else "('partial', 'pending')"
        statuses = "('open', 'retried')" if include_open else "('retried')"
        rows = self._db.execute(
            f"SELECT order_id FROM orders WHERE state IN {states}"
            f" UNION SELECT order_id FROM errors WHERE status IN {statuses}"
            " EXCEPT SELECT order_id FROM errors WHERE status = 'ignored'"
            " ORDER BY 1"
        ).fetchall()
        return [r[0] for r in rows]

    def last_config_hash(self) -> str | None:
        """The config hash of the latest finished, non-dry run (None before the first)."""
        row = self._db.execute(
            "SELECT config_hash FROM runs WHERE finished_at IS NOT NULL AND dry_run = 0 ORDER BY id DESC LIMIT 1"
        ).fetchone()
        return str(row[0]) if row else None

    def ignored_orders(self) -> set[str]:
        """Orders with an ignored error: the sync leaves them alone until the error is retried."""
        rows = self._db.execute("SELECT DISTINCT order_id FROM errors WHERE status = 'ignored'").fetchall()
        return {r[0] for r in rows}

    # -- documents --------------------------------------------------------------------------------

    def record_document(
        self,
        *,
        order_id: str,
        kind: str,
        source_id: str,
        entity: str,
        qbo_id: str,
        sync_token: str,
        run_id: int,
        now: dt.datetime,
        doc_number: str | None = None,
        txn_date: str | None = None,
        total: Decimal | None = None,
        payload_hash: str = "",
        idempotency_key: str = "",
        status: str = "posted",
        detail: str | None = None,
    ) -> None:
        """Insert or update the ledger's copy of QBO object ``entity``/``qbo_id``."""
        self._db.execute(
            "INSERT INTO documents (order_id, kind, source_id, entity, qbo_id, doc_number, txn_date,"
            " sync_token, total, payload_hash, idempotency_key, run_id, last_run_id, status, created_at,"
            " updated_at, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (entity, qbo_id) DO UPDATE SET doc_number = excluded.doc_number,"
            " txn_date = excluded.txn_date, sync_token = excluded.sync_token, total = excluded.total,"
            " payload_hash = excluded.payload_hash, idempotency_key = excluded.idempotency_key,"
            " last_run_id = excluded.last_run_id, status = excluded.status, updated_at = excluded.updated_at,"
            " detail = excluded.detail",
            (
                order_id,
                kind,
                source_id,
                entity,
                qbo_id,
                doc_number,
                txn_date,
                str(sync_token),
                str(total) if total is not None else None,
                payload_hash,
                idempotency_key,
                run_id,
                run_id,
                status,
                iso(now),
                iso(now),
                detail,
            ),
        )

    def set_document_status(
        self, entity: str, qbo_id: str, *, status: str, now: dt.datetime, sync_token: str | None = None
    ) -> None:
        """Mark a document ``voided``, ``deleted``, ``inactive`` (or back to ``posted``)."""
        self._db.execute(
            "UPDATE documents SET status = ?, sync_token = COALESCE(?, sync_token), updated_at = ?"
            " WHERE entity = ? AND qbo_id = ?",
            (status, sync_token, iso(now), entity, qbo_id),
        )

    def set_sync_token(self, entity: str, qbo_id: str, sync_token: str, *, now: dt.datetime) -> None:
        """Remember the SyncToken QBO has now (after a re-read)."""
        self._db.execute(
            "UPDATE documents SET sync_token = ?, updated_at = ? WHERE entity = ? AND qbo_id = ?",
            (sync_token, iso(now), entity, qbo_id),
        )

    def documents(
        self, *, order_ids: Iterable[str] | None = None, run_id: int | None = None
    ) -> list[DocumentRow]:
        """Documents of some orders, or created by one run, or all of them; oldest first."""
        if run_id is not None:
            rows = self._db.execute(
                "SELECT * FROM documents WHERE run_id = ? ORDER BY id", (run_id,)
            ).fetchall()
        elif order_ids is not None:
            rows = []
            for chunk in _chunks(list(order_ids), 500):
                marks = ",".join("?" * len(chunk))
                rows += self._db.execute(
                    f"SELECT * FROM documents WHERE order_id IN ({marks}) ORDER BY id", chunk
                ).fetchall()
        else:
            rows = self._db.execute("SELECT * FROM documents ORDER BY id").fetchall()
        return [from_row(DocumentRow, r) for r in rows]

    def document(self, entity: str, qbo_id: str) -> DocumentRow | None:
        """The ledger's copy of one QBO object, or None."""
        row = self._db.execute(
            "SELECT * FROM documents WHERE entity = ? AND qbo_id = ?", (entity, qbo_id)
        ).fetchone()
        return from_row(DocumentRow, row) if row else None

    # -- writes -----------------------------------------------------------------------------------

    def record_intents(self, run_id: int, intents: Sequence[WriteIntent], *, now: dt.datetime) -> list[int]:
        """Record, in one transaction, that these writes are about to be sent; return their ids."""
        ids: list[int] = []
        with self.transaction() as db:
            for w in intents:
                cur = db.execute(
                    "INSERT INTO writes (run_id, idempotency_key, request_id, order_id, kind, source_id, entity,"
                    " operation, qbo_id, doc_number, txn_date, marker, lookup_name, payload_hash, intent_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        run_id,
                        w.idempotency_key,
                        request_id_for(w.idempotency_key),
                        w.order_id,
                        w.kind,
                        w.source_id,
                        w.entity,
                        w.operation,
                        w.qbo_id,
                        w.doc_number,
                        w.txn_date,
                        w.marker,
                        w.lookup_name,
                        w.payload_hash,
                        iso(now),
                    ),
                )
                ids.append(int(cur.lastrowid or 0))
        return ids

    def record_outcome(
        self,
        write_id: int,
        *,
        outcome: str,
        now: dt.datetime,
        qbo_id: str | None = None,
        resolution: str = "",
        fault_code: str = "",
        fault_message: str = "",
    ) -> None:
        """Record how write ``write_id`` ended: ``ok``, ``failed`` or (still) ``unknown``."""
        if outcome not in ("ok", "failed", "unknown"):
            raise LedgerError(f"unknown write outcome {outcome!r}")
        self._db.execute(
            "UPDATE writes SET outcome = ?, outcome_at = ?, qbo_id = COALESCE(?, qbo_id), resolution = ?,"
            " fault_code = ?, fault_message = ? WHERE id = ?",
            (outcome, iso(now), qbo_id, resolution, fault_code, fault_message[:2000], write_id),
        )

    def unknown_writes(self) -> list[WriteRow]:
        """Writes whose outcome nobody recorded (crash, kill, lost response), oldest first."""
        rows = self._db.execute("SELECT * FROM writes WHERE outcome = 'unknown' ORDER BY id").fetchall()
        return [from_row(WriteRow, r) for r in rows]

    def writes(self, *, run_id: int | None = None) -> list[WriteRow]:
        """Writes of one run (or all), oldest first."""
        if run_id is None:
            rows = self._db.execute("SELECT * FROM writes ORDER BY id").fetchall()
        else:
            rows = self._db.execute("SELECT * FROM writes WHERE run_id = ? ORDER BY id", (run_id,)).fetchall()
        return [from_row(WriteRow, r) for r in rows]

    # -- notifications ----------------------------------------------------------------------------

    def record_notification(
        self, *, run_id: int | None, channel: str, recipients: str, status: str, detail: str, now: dt.datetime
    ) -> None:
        """Record that a report was sent (``sent``) or could not be (``failed``, with why)."""
        self._db.execute(
            "INSERT INTO notifications (run_id, channel, recipients, status, detail, at) VALUES (?, ?, ?, ?, ?, ?)",
            (run_id, channel, recipients, status, detail[:2000], iso(now)),
        )


def _chunks(items: list[T], size: int) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
