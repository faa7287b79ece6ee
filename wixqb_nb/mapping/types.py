"""The values the mapping returns: planned writes, per-order plans, skips and the whole plan.

Placeholders: a payload that needs the QBO Id of an object created earlier in the same plan (the
sale's Id in a Payment's ``LinkedTxn``, a new customer's Id in ``CustomerRef``) holds
``{"$ref": "<idempotency key of that write>"}`` where the Id goes. The write lists that key in
``depends_on``; :func:`resolve_refs` swaps the placeholders for real Ids once they exist.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

import pandas as pd

from wixqb_nb.errors import MappingError

#: ``credit``: create a CreditMemo against a posted sale that must not be edited (the sync sends it
#: like a create; see :func:`wixqb_nb.mapping.planner.plan_order`).
OPERATIONS = ("create", "update", "void", "credit")


class PlannedLine(NamedTuple):
    """One line of a planned document, for previews (``Plan.lines_frame``).

    A named tuple: thousands are built per plan, and a tuple of strings and Decimals is cheap to
    build and invisible to the garbage collector.
    """

    role: str  # product, shipping, fee, discount, rounding, refund
    description: str
    item: str
    qty: Decimal
    unit_price: Decimal
    amount: Decimal
    tax_code: str
    wix_net: Decimal
    wix_tax: Decimal


@dataclass(slots=True)
class PlannedWrite:
    """One QBO write: what to send, under which idempotency key, and what QBO should end up with.

    Treat it as a value: change it with :func:`dataclasses.replace`. (Not ``frozen``: a frozen
    dataclass costs four times as much to build, and a plan builds thousands.)
    """

    kind: str  # customer, item, sale, payment, refund
    entity: str  # Customer, Item, Invoice, SalesReceipt, Payment, CreditMemo, RefundReceipt
    operation: str  # create, update, void, credit
    payload: dict[str, Any]
    idempotency_key: str
    source_id: str
    doc_number: str | None = None
    marker: str | None = None
    wix_total: Decimal | None = None
    predicted_total: Decimal | None = None
    predicted_tax: Mapping[str, Decimal] = field(default_factory=dict)
    rounding: Decimal = Decimal("0")
    depends_on: tuple[str, ...] = ()
    lines: tuple[PlannedLine, ...] = ()
    payload_hash: str = ""


@dataclass(frozen=True, slots=True)
class Skip:
    """Why an order is not synced (filtered out, or nothing changed since it was posted)."""

    reason: str


@dataclass(frozen=True, slots=True)
class OrderPlan:
    """What one Wix order needs: ``writes`` in dependency order, or a ``skip``, or ``errors``."""

    order_id: str
    order_number: str
    writes: tuple[PlannedWrite, ...] = ()
    skip: Skip | None = None
    errors: tuple[MappingError, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def status(self) -> str:
        """``error``, ``skipped``, ``unchanged`` (nothing to write) or ``planned``."""
        if self.errors:
            return "error"
        if self.skip is not None:
            return "skipped"
        return "planned" if self.writes else "unchanged"

    @property
    def sale(self) -> PlannedWrite | None:
        """The sale write (Invoice or SalesReceipt), if planned."""
        return next((w for w in self.writes if w.kind == "sale"), None)


def _error_text(errors: tuple[MappingError, ...]) -> str:
    return "; ".join(f"{e.field}: {e.message}" + (f" ({e.hint})" if e.hint else "") for e in errors)


@dataclass(frozen=True)
class Plan:
    """The plans of many orders, with preview frames."""

    orders: tuple[OrderPlan, ...]

    @property
    def writes(self) -> list[PlannedWrite]:
        """Every write, order after order, each order's writes in dependency order."""
        return [w for o in self.orders for w in o.writes]

    @property
    def errors(self) -> list[MappingError]:
        """Every mapping error."""
        return [e for o in self.orders for e in o.errors]

    def to_frame(self) -> pd.DataFrame:
        """One row per document (sale, payment, refund), plus one row per skipped or failed order."""
        rows: list[dict[str, Any]] = []
        for o in self.orders:
            docs = [w for w in o.writes if w.kind in ("sale", "payment", "refund")]
            if not docs:
                rows.append(
                    {
                        "order_id": o.order_id,
                        "order_number": o.order_number,
                        "kind": None,
                        "entity": None,
                        "operation": None,
                        "doc_number": None,
                        "wix_total": None,
                        "predicted_qbo_total": None,
                        "residual": None,
                        "rounding": None,
                        "status": o.status,
                        "error": _error_text(o.errors) or (o.skip.reason if o.skip else None),
                    }
                )
            for w in docs:
                residual = (
                    None
                    if w.wix_total is None or w.predicted_total is None
                    else w.wix_total - w.predicted_total
                )
                rows.append(
                    {
                        "order_id": o.order_id,
                        "order_number": o.order_number,
                        "kind": w.kind,
                        "entity": w.entity,
                        "operation": w.operation,
                        "doc_number": w.doc_number,
                        "wix_total": w.wix_total,
                        "predicted_qbo_total": w.predicted_total,
                        "residual": residual,
                        "rounding": w.rounding,
                        "status": o.status,
                        "error": None,
                    }
                )
        return pd.DataFrame(rows, columns=_DOC_COLUMNS)

    def lines_frame(self) -> pd.DataFrame:
        """One row per planned document line."""
        rows = [
            {
                "order_id": o.order_id,
                "order_number": o.order_number,
                "kind": w.kind,
                "doc_number": w.doc_number,
                "line": n,
                "role": ln.role,
                "description": ln.description,
                "item": ln.item,
                "qty": ln.qty,
                "unit_price": ln.unit_price,
                "amount": ln.amount,
                "tax_code": ln.tax_code,
                "wix_net": ln.wix_net,
                "wix_tax": ln.wix_tax,
            }
            for o in self.orders
            for w in o.writes
            for n, ln in enumerate(w.lines, start=1)
        ]
        return pd.DataFrame(rows, columns=_LINE_COLUMNS)


_DOC_COLUMNS = [
    "order_id",
    "order_number",
    "kind",
    "entity",
    "operation",
    "doc_number",
    "wix_total",
    "predicted_qbo_total",
    "residual",
    "rounding",
    "status",
    "error",
]
_LINE_COLUMNS = [
    "order_id",
    "order_number",
    "kind",
    "doc_number",
    "line",
    "role",
    "description",
    "item",
    "qty",
    "unit_price",
    "amount",
    "tax_code",
    "wix_net",
    "wix_tax",
]


def ref(key: str) -> dict[str, str]:
    """The placeholder for the QBO Id of the object the write ``key`` creates."""
    return {"$ref": key}


def resolve_refs(payload: Any, ids: Mapping[str, str]) -> Any:
    """Return ``payload`` with every ``{"$ref": key}`` replaced by ``ids[key]``.

    Raises
    ------
    KeyError
        When a placeholder's key has no Id yet (its write has not succeeded).
    """
    if isinstance(payload, dict):
        if len(payload) == 1 and "$ref" in payload:
            return ids[payload["$ref"]]
        return {k: resolve_refs(v, ids) for k, v in payload.items()}
    if isinstance(payload, list):
        return [resolve_refs(v, ids) for v in payload]
    return payload
