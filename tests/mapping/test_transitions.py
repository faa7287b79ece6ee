"""Orders that change after their sale was posted (issue 5, "Changes"), as lifecycles.

Each row walks one order through Wix states. Every step is planned against what the previous
steps posted (built like the sync's ledger does: ``payload_hash`` of the payload with its
placeholders resolved), and the step's writes are compared with the expected
``(kind, entity, operation, source_id)``. The document type of a posted sale follows what was
posted: an unpaid order posted as an Invoice stays an Invoice once paid and gets a Payment (the
demo's "QBO 610" bug was an update of a SalesReceipt carrying the Invoice's Id).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest

from wixqb_nb.mapping import PostedDoc, payload_hash, plan_order, resolve_refs

D = Decimal
GQ = [("GST", "0.05", "0.50"), ("QST", "0.09975", "1.00")]  # 10.00 + 1.50 tax = 11.50
STATUSES = ["PAID", "NOT_PAID", "PARTIALLY_PAID", "PARTIALLY_REFUNDED", "FULLY_REFUNDED"]
RECEIPT_UNLESS_UNPAID = {
    "document_type": "sales_receipt",
    "document_by_payment_status": {"NOT_PAID": "invoice", "PARTIALLY_PAID": "invoice"},
}
RECEIPT_UNLESS_REFUNDED = {  # provokes a flip the other way: receipt while paid, invoice once refunded
    "document_type": "sales_receipt",
    "document_by_payment_status": {"PARTIALLY_REFUNDED": "invoice", "FULLY_REFUNDED": "invoice"},
}


@dataclass(frozen=True)
class State:
    """The order as Wix shows it at one step."""

    pay: str
    payments: tuple[tuple[str, str], ...] = ()  # (payment id, amount), card, approved
    refunds: tuple[tuple[str, str], ...] = ()  # (refund id, amount), succeeded
    canceled: bool = False


@dataclass(frozen=True)
class Row:
    orders: dict[str, Any]
    steps: tuple[tuple[State, tuple[tuple[str, str, str, str], ...]], ...]
    extra: dict[str, Any] = field(default_factory=dict)


SALE = ("sale", "Invoice", "create", "o-1")
RECEIPT = ("sale", "SalesReceipt", "create", "o-1")

ROWS = {
    "not-paid invoice, then paid: a Payment on the invoice": Row(
        RECEIPT_UNLESS_UNPAID,
        (
            (State("NOT_PAID"), (SALE,)),
            (State("PAID", (("p1", "11.50"),)), (("payment", "Payment", "create", "p1"),)),
            (State("PAID", (("p1", "11.50"),)), ()),  # next run: nothing left to do
        ),
    ),
    "not-paid invoice, then paid (invoice for every status)": Row(
        {"document_type": "invoice"},
        (
            (State("NOT_PAID"), (SALE,)),
            (State("PAID", (("p1", "11.50"),)), (("payment", "Payment", "create", "p1"),)),
        ),
    ),
    "partially paid, then paid: the second payment only": Row(
        RECEIPT_UNLESS_UNPAID,
        (
            (State("PARTIALLY_PAID", (("p1", "4.00"),)), (SALE, ("payment", "Payment", "create", "p1"))),
            (
                State("PAID", (("p1", "4.00"), ("p2", "7.50"))),
                (("payment", "Payment", "create", "p2"),),
            ),
        ),
    ),
    "paid receipt, partially then fully refunded: credit memos, still a receipt": Row(
        RECEIPT_UNLESS_REFUNDED,
        (
            (State("PAID", (("p1", "11.50"),)), (RECEIPT,)),
            (
                State("PARTIALLY_REFUNDED", (("p1", "11.50"),), (("r1", "4.00"),)),
                (("refund", "CreditMemo", "create", "r1"),),
            ),
            (
                State("FULLY_REFUNDED", (("p1", "11.50"),), (("r1", "4.00"), ("r2", "7.50"))),
                (("refund", "CreditMemo", "create", "r2"),),
            ),
        ),
    ),
    "paid invoice, then refunded: a credit memo, no second payment": Row(
        {"document_type": "sales_receipt", "document_by_payment_status": {"PAID": "invoice"}},
        (
            (State("PAID", (("p1", "11.50"),)), (SALE, ("payment", "Payment", "create", "p1"))),
            (
                State("FULLY_REFUNDED", (("p1", "11.50"),), (("r1", "11.50"),)),
                (("refund", "CreditMemo", "create", "r1"),),
            ),
        ),
    ),
    "posted invoice with its payment, then canceled: both voided, payment first": Row(
        {"document_type": "invoice"},
        (
            (State("PAID", (("p1", "11.50"),)), (SALE, ("payment", "Payment", "create", "p1"))),
            (
                State("PAID", (("p1", "11.50"),), canceled=True),
                (("payment", "Payment", "void", "p1"), ("sale", "Invoice", "void", "o-1")),
            ),
            (State("PAID", (("p1", "11.50"),), canceled=True), ()),  # already voided
        ),
    ),
    "posted receipt, then canceled: the receipt voided": Row(
        {"document_type": "sales_receipt"},
        (
            (State("PAID", (("p1", "11.50"),)), (RECEIPT,)),
            (State("PAID", (("p1", "11.50"),), canceled=True), (("sale", "SalesReceipt", "void", "o-1"),)),
        ),
    ),
    "not-paid invoice, then canceled: the invoice voided": Row(
        RECEIPT_UNLESS_UNPAID,
        (
            (State("NOT_PAID"), (SALE,)),
            (State("NOT_PAID", canceled=True), (("sale", "Invoice", "void", "o-1"),)),
        ),
    ),
}


def _order(h: Any, s: State) -> Any:
    o = h.order([h.line("l1", tax="1.50", taxes=GQ)], status=s.pay)
    return o.model_copy(update={"status": "CANCELED"}) if s.canceled else o


def _txs(h: Any, s: State) -> Any:
    refunds = [
        {
            "id": rid,
            "createdDate": "2025-03-18T10:00:00Z",
            "transactions": [{"paymentId": "p1", "amount": {"amount": amt}, "refundStatus": "SUCCEEDED"}],
        }
        for rid, amt in s.refunds
    ]
    return h.txs(payments=[h.card(pid, amt) for pid, amt in s.payments], refunds=refunds)


class Ledger:
    """What the sync's ledger would hold after applying each step's writes."""

    def __init__(self) -> None:
        self.posted: dict[tuple[str, str], PostedDoc] = {}
        self.ids: dict[str, str] = {}  # idempotency key -> QBO id

    def apply(self, writes: Any) -> None:
        for w in writes:
            if w.kind not in ("sale", "payment", "refund"):
                continue
            done = self.posted.get((w.kind, w.source_id))
            if w.operation == "void":
                assert done is not None
                self.posted[(w.kind, w.source_id)] = PostedDoc(
                    done.kind,
                    done.source_id,
                    done.entity,
                    done.qbo_id,
                    "1",
                    done.payload_hash,
                    2,
                    voided=True,
                )
                continue
            qbo_id = done.qbo_id if done else str(130 + len(self.ids))
            self.ids[w.idempotency_key] = qbo_id
            body = {k: v for k, v in w.payload.items() if k not in ("Id", "SyncToken", "sparse")}
            resolved = resolve_refs(body, self.ids)
            self.posted[(w.kind, w.source_id)] = PostedDoc(
                w.kind,
                w.source_id,
                w.entity,
                qbo_id,
                "0",
                payload_hash(resolved),
                total=w.predicted_total,
            )


@pytest.mark.parametrize("row", list(ROWS.values()), ids=list(ROWS))
def test_lifecycle(h: Any, row: Row) -> None:
    cfg = h.make_config(orders={"payment_statuses": STATUSES, "unpaid_stores_orders": True, **row.orders})
    snap = h.make_snapshot()
    ledger = Ledger()
    sale_entity = None
    for n, (state, expected) in enumerate(row.steps):
        p = plan_order(_order(h, state), _txs(h, state), cfg, snap, now=h.NOW, posted=ledger.posted)
        assert not p.errors, p.errors
        got = tuple((w.kind, w.entity, w.operation, w.source_id) for w in p.writes)
        assert got == expected, f"step {n} ({state})"
        for w in p.writes:
            if w.kind == "sale":
                sale_entity = sale_entity or w.entity
                assert w.entity == sale_entity, "a posted sale never changes type"
            if w.kind == "payment" and w.operation == "create" and n > 0:
                sale = ledger.posted[("sale", "o-1")]
                assert sale.entity == "Invoice"
                links = [lt["TxnId"] for ln in w.payload["Line"] for lt in ln["LinkedTxn"]]
                assert links == [sale.qbo_id], "linked to the posted invoice's real Id"
                assert not [d for d in w.depends_on if ":sale:" in d]
        ledger.apply(p.writes)


def test_second_payment_applies_the_open_balance(h: Any) -> None:
    cfg = h.make_config(orders={"payment_statuses": STATUSES, **RECEIPT_UNLESS_UNPAID})
    snap = h.make_snapshot()
    ledger = Ledger()
    first = State("PARTIALLY_PAID", (("p1", "4.00"),))
    ledger.apply(plan_order(_order(h, first), _txs(h, first), cfg, snap, now=h.NOW).writes)
    paid = State("PAID", (("p1", "4.00"), ("p2", "7.50")))
    p = plan_order(_order(h, paid), _txs(h, paid), cfg, snap, now=h.NOW, posted=ledger.posted)
    (pay,) = p.writes
    assert pay.payload["TotalAmt"] == D("7.50") and pay.payload["Line"][0]["Amount"] == D("7.50")


def test_posted_type_wins_over_the_configured_one_with_a_note(h: Any) -> None:
    cfg = h.make_config(orders={"payment_statuses": STATUSES, **RECEIPT_UNLESS_UNPAID})
    snap = h.make_snapshot()
    ledger = Ledger()
    unpaid = State("NOT_PAID")
    ledger.apply(plan_order(_order(h, unpaid), _txs(h, unpaid), cfg, snap, now=h.NOW).writes)
    paid = State("PAID", (("p1", "11.50"),))
    p = plan_order(_order(h, paid), _txs(h, paid), cfg, snap, now=h.NOW, posted=ledger.posted)
    assert [n for n in p.notes if "posted as Invoice" in n], p.notes
    # the same order never posted is a receipt, as configured
    fresh = plan_order(_order(h, paid), _txs(h, paid), cfg, snap, now=h.NOW)
    assert fresh.sale is not None and fresh.sale.entity == "SalesReceipt"


def test_a_later_payment_is_dated_the_day_wix_took_the_money(h: Any) -> None:
    cfg = h.make_config(orders={"payment_statuses": STATUSES, **RECEIPT_UNLESS_UNPAID})
    snap = h.make_snapshot()
    ledger = Ledger()
    unpaid = State("NOT_PAID")
    ledger.apply(plan_order(_order(h, unpaid), _txs(h, unpaid), cfg, snap, now=h.NOW).writes)
    # 02:30Z on April 2nd is still April 1st in Toronto (the account's time zone)
    paid = h.txs(payments=[{**h.card("p1", "11.50"), "createdDate": "2025-04-02T02:30:00Z"}])
    order = _order(h, State("PAID"))
    (pay,) = plan_order(order, paid, cfg, snap, now=h.NOW, posted=ledger.posted).writes
    assert pay.payload["TxnDate"] == "2025-04-01"
    invoices = h.make_config(orders={"document_type": "invoice"})
    undated = plan_order(order, _txs(h, State("PAID", (("p1", "11.50"),))), invoices, snap, now=h.NOW)
    assert [w.payload["TxnDate"] for w in undated.writes] == ["2025-03-14", "2025-03-14"]  # sale's date
