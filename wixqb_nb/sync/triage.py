"""Sync errors with a status, like the seed connector's Fix / Retry / Ignore.

An order that cannot be posted gets one ``errors`` row per distinct problem (order, field,
message), with a hint on how to fix it. Statuses:

- ``open``: seen on the latest attempt; the next run re-plans the order (a fixed mapping or a
  corrected Wix order is then picked up without any other action).
- ``retried``: the user asked for another attempt (``wixqb errors retry``); the next run re-plans it.
- ``ignored``: the user chose to leave the order out (``wixqb errors ignore``); the sync never
  touches the order again, even when Wix changes it, until the error is retried by id.
- ``resolved``: the order was posted (or the problem disappeared) on a later attempt.

A problem seen again re-opens its row (``occurrences`` counts the attempts); an ignored row stays
ignored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Literal

from wixqb_nb.errors import ConfigError
from wixqb_nb.sync.ledger import Ledger, iso

ErrorStatus = Literal["open", "retried", "ignored", "resolved"]


@dataclass(frozen=True)
class ErrorRow:
    """One row of the ``errors`` table."""

    id: int
    order_id: str
    order_number: str
    field: str
    message: str
    hint: str
    status: str
    first_seen: str
    last_seen: str
    first_run_id: int | None
    last_run_id: int | None
    occurrences: int


_COLUMNS = ", ".join(f.name for f in fields(ErrorRow))


def record_error(
    ledger: Ledger,
    *,
    order_id: str,
    message: str,
    now: dt.datetime,
    run_id: int | None = None,
    order_number: str = "",
    field: str = "",
    hint: str = "",
) -> int:
    """Record (or re-open) the error ``message`` of ``order_id``; return its id. Ignored stays ignored."""
    with ledger.transaction() as db:
        db.execute(
            "INSERT INTO errors (order_id, order_number, field, message, hint, status, first_seen, last_seen,"
            " first_run_id, last_run_id) VALUES (?, ?, ?, ?, ?, 'open', ?, ?, ?, ?)"
            " ON CONFLICT (order_id, field, message) DO UPDATE SET hint = excluded.hint,"
            " order_number = excluded.order_number, last_seen = excluded.last_seen,"
            " last_run_id = excluded.last_run_id, occurrences = occurrences + 1,"
            " status = CASE WHEN status = 'ignored' THEN 'ignored' ELSE 'open' END",
            (order_id, order_number, field, message, hint, iso(now), iso(now), run_id, run_id),
        )
        row = db.execute(
            "SELECT id FROM errors WHERE order_id = ? AND field = ? AND message = ?",
            (order_id, field, message),
        ).fetchone()
    return int(row[0])


def resolve_order_errors(ledger: Ledger, order_id: str, *, now: dt.datetime, keep: Iterable[int] = ()) -> int:
    """Mark the open/retried errors of ``order_id`` resolved, except ids in ``keep``; return how many."""
    kept = list(keep)
    # (no "NOT IN (NULL)" for an empty list: in SQL that is never true)
    spare = f" AND id NOT IN ({','.join('?' * len(kept))})" if kept else ""
    cur = ledger.execute(
        "UPDATE errors SET status = 'resolved', last_seen = ? WHERE order_id = ?"
        f" AND status IN ('open', 'retried'){spare}",
        (iso(now), order_id, *kept),
    )
    return cur.rowcount


def list_errors(ledger: Ledger, *, status: str | None = None) -> list[ErrorRow]:
    """Errors, newest problem first; only those with ``status`` when given."""
    if status is None:
        rows = ledger.execute(f"SELECT {_COLUMNS} FROM errors ORDER BY last_seen DESC, id DESC").fetchall()
    else:
        rows = ledger.execute(
            f"SELECT {_COLUMNS} FROM errors WHERE status = ? ORDER BY last_seen DESC, id DESC", (status,)
        ).fetchall()
    return [ErrorRow(*r) for r in rows]


def _select(ledger: Ledger, target: str | Iterable[int], statuses: tuple[str, ...]) -> list[int]:
    if isinstance(target, str):
        if target != "all":
            raise ConfigError(f"expected an error id or 'all', got {target!r}")
        marks = ",".join("?" * len(statuses))
        rows = ledger.execute(f"SELECT id FROM errors WHERE status IN ({marks}) ORDER BY id", statuses)
        return [int(r[0]) for r in rows]
    ids = [int(i) for i in target]
    known = {
        int(r[0])
        for r in ledger.execute(
            f"SELECT id FROM errors WHERE id IN ({','.join('?' * len(ids)) or 'NULL'})", ids
        ).fetchall()
    }
    missing = [i for i in ids if i not in known]
    if missing:
        raise ConfigError(f"no such error id: {', '.join(map(str, missing))} (see `wixqb errors list`)")
    return ids


def _set_status(ledger: Ledger, ids: list[int], status: str, now: dt.datetime) -> list[ErrorRow]:
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    with ledger.transaction() as db:
        db.execute(
            f"UPDATE errors SET status = ?, last_seen = ? WHERE id IN ({marks})", (status, iso(now), *ids)
        )
        rows = db.execute(f"SELECT {_COLUMNS} FROM errors WHERE id IN ({marks}) ORDER BY id", ids).fetchall()
    return [ErrorRow(*r) for r in rows]


def retry_errors(ledger: Ledger, target: str | Iterable[int], *, now: dt.datetime) -> list[ErrorRow]:
    """Ask the next run to re-plan these orders. ``"all"`` takes open errors only (never ignored ones);
    an ignored error named by id is un-ignored. Returns the rows changed."""
    ids = _select(ledger, target, ("open",))
    return _set_status(ledger, ids, "retried", now)


def ignore_errors(ledger: Ledger, target: str | Iterable[int], *, now: dt.datetime) -> list[ErrorRow]:
    """Leave these orders out of every future run. ``"all"`` takes open and retried errors."""
    ids = _select(ledger, target, ("open", "retried"))
    return _set_status(ledger, ids, "ignored", now)
