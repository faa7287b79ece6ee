"""A posted invoice with a payment applied, then reduced in Wix.

Against the sandbox over real HTTP. While the new total still covers what was paid, QBO takes the
edit (as it does: it refuses only a total below the payments applied, and deletes or voids), so the
invoice is updated in place and the payment stays applied. Reduced below what was paid, the invoice
cannot be edited: the reduction is credited with a CreditMemo (per tax code and rate) applied to the
invoice by a Payment of 0, and reconcile nets it into the invoice. The ledger's posted total
(``documents.total``) reaches the mapping through ``posted_by_order``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from wixqb_nb.mapping.markers import parse_marker


def _order_of(doc: dict[str, Any]) -> str | None:
    marker = parse_marker(doc.get("PrivateNote"))
    return marker.order_id if marker is not None else None


def _reducible(order: dict[str, Any]) -> dict[str, Any] | None:
    """A line whose unit price can be halved (no discount to exceed the new price)."""
    for line in order.get("lineItems") or []:
        price = Decimal(str((line.get("price") or {}).get("amount") or 0))
        discount = Decimal(str((line.get("totalDiscount") or {}).get("amount") or 0))
        if price >= Decimal("2") and discount == 0:
            return line
    return None


@dataclass
class Reduced:
    """An open invoice that got a payment in one run, then was reduced in Wix and synced again."""

    env: Any
    order_id: str
    invoice: dict[str, Any]  # as QBO held it before the reduction
    posted_total: Decimal
    new_total: Decimal
    result: Any  # the run after the reduction


def _reduce_after_payment(
    env: Any, paid: Callable[[Decimal], Decimal] = lambda total: Decimal("1.00")
) -> Reduced:
    """Pay ``paid(invoice total)`` on an open invoice, then halve one line's price in Wix and sync."""
    env.run()
    store = env.sb.state.wix.store
    with env.ledger() as ledger:
        posted = {o.order_id for o in ledger.orders().values() if o.state == "posted"}
    candidates = [
        oid
        for d in env.qbo_docs()["Invoice"]
        for oid in [_order_of(d)]
        if oid in posted
        and store.orders[oid].get("paymentStatus") == "NOT_PAID"
        and not (store.transactions.get(oid) or {}).get("refunds")
        and _reducible(store.orders[oid]) is not None
    ]
    assert candidates, "the sandbox store has no open invoice with a reducible line"
    oid = sorted(candidates)[0]
    before = next(d for d in env.qbo_docs()["Invoice"] if _order_of(d) == oid)
    env.sb.add_payment(oid, amount=str(paid(Decimal(str(before["TotalAmt"])))))
    paid_run = env.run()
    assert paid_run.exit_code == 0, paid_run.message
    assert sum(1 for k in env.marked() if k[0] == oid and k[1] == "payment") == 1
    invoice = next(d for d in env.qbo_docs()["Invoice"] if _order_of(d) == oid)
    line = _reducible(store.orders[oid])
    assert line is not None
    half = (Decimal(str(line["price"]["amount"])) / 2).quantize(Decimal("0.01"))
    env.sb.edit_order(oid, line["id"], price=str(half))
    new_total = Decimal(store.orders[oid]["priceSummary"]["total"]["amount"])
    posted_total = Decimal(str(invoice["TotalAmt"]))
    assert new_total < posted_total
    return Reduced(env, oid, invoice, posted_total, new_total, env.run())


def test_a_paid_invoice_reduced_in_wix_but_still_covering_the_payment_is_updated(
    sync_env: Callable[..., Any],
) -> None:
    r = _reduce_after_payment(sync_env(orders=40))

    docs = r.env.qbo_docs()
    invoices = [d for d in docs["Invoice"] if _order_of(d) == r.order_id]
    assert len(invoices) == 1, invoices  # edited in place, not a second invoice
    inv = invoices[0]
    assert inv["Id"] == r.invoice["Id"]
    assert int(inv["SyncToken"]) > int(r.invoice["SyncToken"])
    assert Decimal(str(inv["TotalAmt"])) == r.new_total
    payments = [d for d in docs["Payment"] if _order_of(d) == r.order_id]
    assert len(payments) == 1
    links = [lt for ln in payments[0]["Line"] for lt in ln.get("LinkedTxn", [])]
    assert links == [{"TxnId": inv["Id"], "TxnType": "Invoice"}]  # still applied to the invoice
    assert Decimal(str(inv["Balance"])) == r.new_total - Decimal("1.00")
    assert not [d for d in docs.get("CreditMemo", []) if _order_of(d) == r.order_id]
    plan = next(o for o in r.result.plan.orders if o.order_id == r.order_id)
    assert [(w.entity, w.operation) for w in plan.writes] == [("Invoice", "update")], plan.writes
    assert r.result.counts["orders_posted"] == 1 and not r.result.errors, r.result.errors
    assert r.result.recon is not None and r.result.recon.matches(), r.result.recon.errors
    assert r.result.exit_code == 0, r.result.message
    assert r.env.run().counts["writes_ok"] == 0  # the next run finds the update posted: nothing to do


def _overpaid(total: Decimal) -> Decimal:
    """Paid almost in full: halving a line (at least 1.00 off) takes the total below the payment."""
    return total - Decimal("0.50")


def test_an_invoice_reduced_below_its_payment_gets_a_credit_memo_and_stays_one_invoice(
    sync_env: Callable[..., Any],
) -> None:
    r = _reduce_after_payment(sync_env(orders=40), _overpaid)

    docs = r.env.qbo_docs()
    invoices = [d for d in docs["Invoice"] if _order_of(d) == r.order_id]
    assert len(invoices) == 1  # not edited into a second invoice, nor a new one
    assert invoices[0]["SyncToken"] == r.invoice["SyncToken"]  # QBO would refuse the edit: left as it was
    assert Decimal(str(invoices[0]["TotalAmt"])) == r.posted_total
    memos = [d for d in docs["CreditMemo"] if _order_of(d) == r.order_id]
    assert len(memos) == 1, memos
    assert Decimal(str(memos[0]["TotalAmt"])) == r.posted_total - r.new_total
    # the reduction at the invoice's tax codes, its tax per rate what Wix's tax went down by
    codes = {
        ln["SalesItemLineDetail"]["TaxCodeRef"]["value"]
        for ln in memos[0]["Line"]
        if "SalesItemLineDetail" in ln
    }
    assert codes and codes <= {
        ln["SalesItemLineDetail"]["TaxCodeRef"]["value"]
        for ln in r.invoice["Line"]
        if "SalesItemLineDetail" in ln
    }
    old_tax = {
        t["TaxLineDetail"]["TaxRateRef"]["value"]: Decimal(str(t["Amount"]))
        for t in r.invoice["TxnTaxDetail"]["TaxLine"]
    }
    now_tax = {
        t["TaxLineDetail"]["TaxRateRef"]["value"]: Decimal(str(t["Amount"]))
        for t in invoices[0]["TxnTaxDetail"]["TaxLine"]
    }
    assert now_tax == old_tax  # the invoice itself is untouched
    memo_tax = {
        t["TaxLineDetail"]["TaxRateRef"]["value"]: Decimal(str(t["Amount"]))
        for t in memos[0]["TxnTaxDetail"]["TaxLine"]
    }
    wix_tax = Decimal(r.env.sb.state.wix.store.orders[r.order_id]["priceSummary"]["tax"]["amount"])
    assert sum(memo_tax.values()) == sum(old_tax.values()) - wix_tax and set(memo_tax) <= set(old_tax)
    plan = next(o for o in r.result.plan.orders if o.order_id == r.order_id)
    assert [(w.entity, w.operation) for w in plan.writes] == [("CreditMemo", "credit"), ("Payment", "create")]
    assert r.result.counts["orders_posted"] == 1 and not r.result.errors, r.result.errors
    # the memo is applied to what the invoice still had open (0.50) by a Payment of 0; the rest
    # stays on the memo as the customer's credit (Wix owes the overpayment back)
    (apply,) = [d for d in docs["Payment"] if _order_of(d) == r.order_id and "change-r" in d["PrivateNote"]]
    assert Decimal(str(apply["TotalAmt"])) == 0
    links = [
        (lt["TxnType"], lt["TxnId"], Decimal(str(ln["Amount"])))
        for ln in apply["Line"]
        for lt in ln["LinkedTxn"]
    ]
    half = Decimal("0.50")
    assert links == [("Invoice", r.invoice["Id"], half), ("CreditMemo", memos[0]["Id"], half)]
    assert Decimal(str(invoices[0]["Balance"])) == 0
    assert Decimal(str(memos[0]["Balance"])) == r.posted_total - r.new_total - half
    # reconcile nets the change memo into the invoice and leaves its application out of the
    # payments (no extra refund or payment, no total, tax or balance mismatch): the run is clean
    assert r.result.recon is not None and r.result.recon.matches(), r.result.recon.errors
    assert r.result.exit_code == 0, r.result.message
    assert r.env.run().counts["writes_ok"] == 0  # the next run finds the memo posted: nothing to do


def test_a_credited_order_reconciles(sync_env: Callable[..., Any]) -> None:
    r = _reduce_after_payment(sync_env(orders=40), _overpaid)
    assert r.result.recon is not None
    assert r.result.recon.matches(), r.result.recon.errors
    assert r.result.exit_code == 0
