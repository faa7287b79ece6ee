"""``wixqb undo RUN_ID``: take back what one run posted.

What the run created (or adopted) goes, newest kind first: credit notes and payments, then the
sales, then the customers and items it created. Transactions are deleted (``void=True`` voids them
instead, keeping their numbers in the books); customers and items cannot be deleted in QBO, so they
are made inactive, and only when no other QBO document uses them. A document dated on or before
the books' close date is refused. Documents the run only *updated* are listed, not reverted (the
earlier version is not kept).

Dry run by default: :func:`undo_run` with ``apply=False`` only says what it would do. Applied, each
change is recorded in the ledger like a sync's writes (intent, outcome), the documents get their new
status, and the orders are marked ``undone`` so the next scheduled sync does not post them again
(``wixqb sync --order ID`` does, on purpose).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from wixqb_nb.clients import qbo_query
from wixqb_nb.clients.qbo import QboClient
from wixqb_nb.errors import ApiError, AuthenticationError, LedgerError, NotFoundError, ObjectNotFoundError
from wixqb_nb.sync.ledger import DocumentRow, Ledger, WriteIntent

ORDER = {"refund": 0, "payment": 1, "sale": 2, "customer": 3, "item": 3}
TRANSACTIONS = ("Invoice", "SalesReceipt", "Payment", "CreditMemo", "RefundReceipt")


@dataclass
class UndoAction:
    """One thing undo does (or would do, or refuses to do) to one QBO object."""

    entity: str
    qbo_id: str
    doc_number: str | None
    order_id: str
    action: str  # delete, void, deactivate, keep, refuse
    reason: str = ""
    done: bool = False
    error: str = ""


@dataclass
class UndoReport:
    """What undo did (``applied``) or would do, object by object."""

    run_id: int
    applied: bool
    actions: list[UndoAction] = field(default_factory=list)
    updated_only: list[DocumentRow] = field(default_factory=list)

    @property
    def failed(self) -> list[UndoAction]:
        """Actions that were attempted and failed."""
        return [a for a in self.actions if a.error]


def close_date(qbo: QboClient) -> dt.date | None:
    """The books' close date (``Preferences.AccountingInfoPrefs.BookCloseDate``), if set."""
    prefs = qbo.preferences()
    value = (prefs.get("AccountingInfoPrefs") or {}).get("BookCloseDate")
    return dt.date.fromisoformat(str(value)[:10]) if value else None


def _in_use(qbo: QboClient, doc: DocumentRow, ours: set[tuple[str, str]]) -> str:
    """Why a customer or item must stay active ("" when nothing else uses it).

    Only a document created or changed since the customer/item was can refer to it, so the
    search is limited to those; a failed search counts as "in use" (never deactivate blindly).
    """
    since = doc.created_at
    field_name = "CustomerRef" if doc.entity == "Customer" else "ItemRef"
    try:
        for entity in TRANSACTIONS:
            cond = qbo_query.condition("MetaData.LastUpdatedTime", ">=", since)
            for row in qbo.query_iter(qbo_query.select(entity, [cond])):
                if (entity, str(row.get("Id"))) in ours:
                    continue
                if _refers(row, field_name, doc.qbo_id):
                    return f"used by {entity} {row.get('DocNumber') or row.get('Id')}"
    except AuthenticationError:
        raise
    except ApiError as exc:
        return f"could not check whether it is used ({exc}); left active"
    return ""


def _refers(row: dict[str, Any], field_name: str, qbo_id: str) -> bool:
    if field_name == "CustomerRef":
        return str((row.get("CustomerRef") or {}).get("value")) == qbo_id
    for line in row.get("Line") or []:
        detail = line.get("SalesItemLineDetail") or {}
        if str((detail.get("ItemRef") or {}).get("value")) == qbo_id:
            return True
    return False


def plan_undo(qbo: QboClient, ledger: Ledger, run_id: int, *, void: bool = False) -> UndoReport:
    """What undoing run ``run_id`` takes (reads QBO for the close date and name usage, writes nothing)."""
    run = ledger.run(run_id)
    if run is None:
        raise LedgerError(f"no run {run_id} in the ledger (see the runs table)")
    created = [d for d in ledger.documents(run_id=run_id) if d.status == "posted"]
    created.sort(key=lambda d: (ORDER.get(d.kind, 9), -d.id))
    report = UndoReport(run_id, applied=False)
    report.updated_only = [
        d
        for d in ledger.documents()
        if d.last_run_id == run_id and d.run_id != run_id and d.status == "posted"
    ]
    closed = close_date(qbo) if created else None
    ours = {(d.entity, d.qbo_id) for d in created}
    for d in created:
        act = UndoAction(d.entity, d.qbo_id, d.doc_number, d.order_id, "delete")
        if d.kind in ("customer", "item"):
            act.action = "deactivate"
            why = _in_use(qbo, d, ours)
            if why:
                act.action, act.reason = "keep", why
        elif closed is not None and d.txn_date and dt.date.fromisoformat(d.txn_date) <= closed:
            act.action, act.reason = "refuse", f"dated {d.txn_date}, in the books closed on {closed}"
        elif void:
            act.action = "void"
        report.actions.append(act)
    return report


def undo_run(
    qbo: QboClient,
    ledger: Ledger,
    run_id: int,
    *,
    apply: bool = False,
    void: bool = False,
    clock: Callable[[], dt.datetime],
) -> UndoReport:
    """Undo run ``run_id`` (see the module docstring); a dry run unless ``apply``."""
    report = plan_undo(qbo, ledger, run_id, void=void)
    if not apply:
        return report
    report.applied = True
    undo_run_id = ledger.start_run(
        realm_id=qbo.realm_id, config_hash=f"undo:{run_id}", now=clock(), order_ids=_orders(report.actions)
    )
    for act in report.actions:
        if act.action in ("delete", "void", "deactivate"):
            _do(qbo, ledger, undo_run_id, run_id, act, clock)
    for order_id in _orders(a for a in report.actions if a.done):
        row = ledger.order(order_id)
        if row is not None:
            ledger.set_order(order_id, number=row.number, updated_date=row.updated_date, state="undone",
                             run_id=undo_run_id, now=clock(), detail=f"undone by undo of run {run_id}")  # fmt: skip
    done = sum(1 for a in report.actions if a.done)
    ledger.finish_run(
        undo_run_id,
        outcome="ok" if not report.failed else "partial",
        now=clock(),
        message=f"undo of run {run_id}: {done} done, {len(report.failed)} failed",
        counts={"writes_ok": done, "writes_failed": len(report.failed)},
    )
    return report


def _orders(actions: Iterable[UndoAction]) -> list[str]:
    return sorted({a.order_id for a in actions if a.order_id})


def _do(
    qbo: QboClient,
    ledger: Ledger,
    undo_run_id: int,
    run_id: int,
    act: UndoAction,
    clock: Callable[[], dt.datetime],
) -> None:
    doc = ledger.document(act.entity, act.qbo_id)
    if doc is None:
        return
    key = f"{qbo.realm_id}:undo:{run_id}:{act.entity}:{act.qbo_id}:{act.action}"
    intent = WriteIntent(
        key, doc.order_id, doc.kind, doc.source_id, doc.entity, act.action, "", qbo_id=doc.qbo_id
    )
    (wid,) = ledger.record_intents(undo_run_id, [intent], now=clock())
    try:
        current = qbo.read(act.entity, act.qbo_id)
        token = str(current.get("SyncToken", "0"))
        if act.action == "delete":
            qbo.delete(act.entity, act.qbo_id, token, key)
            status = "deleted"
        elif act.action == "void":
            token = str(qbo.void(act.entity, act.qbo_id, token, key).get("SyncToken", token))
            status = "voided"
        else:
            body = {"Id": act.qbo_id, "SyncToken": token, "Active": False}
            if act.entity == "Customer":
                body["DisplayName"] = current.get("DisplayName")
            else:
                body["Name"] = current.get("Name")
            token = str(qbo.update(act.entity, body, key, sparse=True).get("SyncToken", token))
            status = "inactive"
    except (NotFoundError, ObjectNotFoundError):
        status, token = "deleted", doc.sync_token  # already gone from QBO
    except AuthenticationError:
        ledger.record_outcome(wid, outcome="failed", now=clock(), fault_message="authentication refused")
        raise
    except ApiError as exc:
        act.error = str(exc)
        ledger.record_outcome(wid, outcome="failed", now=clock(), fault_message=str(exc))
        return
    with ledger.transaction():
        ledger.record_outcome(wid, outcome="ok", now=clock(), qbo_id=act.qbo_id)
        ledger.set_document_status(act.entity, act.qbo_id, status=status, now=clock(), sync_token=token)
    act.done = True
