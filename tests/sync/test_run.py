"""sync_run against the sandbox over real HTTP: first run, unchanged second run, dry run, changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from openpyxl import load_workbook

from wixqb_nb.sandbox.demo.store import advance_store
from wixqb_nb.sync.triage import list_errors


def test_first_run_posts_each_sale_once_and_an_unchanged_second_run_costs_one_request(
    sync_env: Callable[..., Any],
) -> None:
    env = sync_env(orders=30)
    first = env.run()
    assert first.exit_code in (0, 1)
    assert first.counts["orders_posted"] > 20
    marked = env.marked()
    assert marked and max(marked.values()) == 1  # never two documents for one Wix sale/payment/refund
    sales = {k[0] for k in marked if k[1] == "sale"}
    with env.ledger() as ledger:
        posted = {o.order_id for o in ledger.orders().values() if o.state == "posted"}
        docs = ledger.documents()
        assert ledger.unknown_writes() == []
    assert posted <= sales
    ledger_ids = {(d.entity, d.qbo_id) for d in docs if d.entity in env.qbo_docs()}
    qbo_ids = {(e, str(d["Id"])) for e, rows in env.qbo_docs().items() for d in rows}
    assert ledger_ids == qbo_ids  # the ledger knows exactly what QBO holds
    assert first.workbook is not None and load_workbook(first.workbook).sheetnames

    before = env.qbo_docs()
    second = env.run()
    assert second.outcome == "nothing" and second.exit_code == 0
    assert sum(second.requests.values()) <= 3, second.requests
    assert second.counts["writes_ok"] == 0
    assert env.qbo_docs() == before


def test_dry_run_writes_nothing_and_keeps_the_watermark(sync_env: Callable[..., Any]) -> None:
    env = sync_env(orders=12)
    result = env.run(dry_run=True)
    assert result.outcome == "dry_run"
    assert len(result.plan_frame) >= 12
    assert set(result.plan_frame["operation"].dropna()) == {"create"}
    assert all(not rows for rows in env.qbo_docs().values())
    with env.ledger() as ledger:
        assert ledger.last_watermark() is None
        assert ledger.writes() == []
    planned = result.plan_frame.loc[result.plan_frame["status"] == "planned", "order_id"].nunique()
    assert planned >= 8
    assert env.run().counts["orders_posted"] == planned  # the real run then does what was previewed


def _wix_total(env: Any, order_id: str) -> Decimal:
    order = env.sb.state.wix.store.orders[order_id]
    return Decimal(order["priceSummary"]["total"]["amount"])


def test_new_orders_payments_refunds_edits_and_cancellations_are_reflected(
    sync_env: Callable[..., Any],
) -> None:
    env = sync_env(orders=60)
    env.run()
    store = env.sb.state.wix.store
    docs = env.qbo_docs()
    changes = advance_store(
        {"orders": list(store.orders.values()), "transactions": list(store.transactions.values()),
         "products": list(store.products.values()) if isinstance(store.products, dict) else store.products},
        seed=3, hours=1, now=dt.datetime.now(dt.UTC),
    )  # fmt: skip
    # new orders, a payment settling the oldest open invoice, a partial refund of a recent order
    was_unpaid = {oid for oid, o in store.orders.items() if o.get("paymentStatus") == "NOT_PAID"}
    env.sb.add_orders(changes["new_orders"] + changes["updated_orders"], changes["transactions"])
    busy = {o["id"] for o in changes["updated_orders"]}
    settled = [oid for oid in busy if oid in was_unpaid]
    receipts = {parse_id(d): d for d in docs["SalesReceipt"] if parse_id(d) not in busy}
    invoices = {parse_id(d): d for d in docs["Invoice"] if parse_id(d) not in busy}
    paid = [oid for oid in receipts if store.orders[oid].get("status") == "APPROVED"]
    unpaid = [oid for oid in invoices if store.orders[oid].get("paymentStatus") == "NOT_PAID"]
    to_cancel, to_touch, to_refund = paid[0], paid[1], paid[2]
    env.sb.add_refund(to_refund, amount="5.00")
    # another open invoice gets a line edited, then half of it paid
    to_edit = to_pay = unpaid[0]
    line = store.orders[to_edit]["lineItems"][0]
    env.sb.edit_order(to_edit, line["id"], quantity=int(line["quantity"]) + 1)
    half = (_wix_total(env, to_pay) / 2).quantize(Decimal("0.01"))
    env.sb.add_payment(to_pay, amount=str(half))
    env.sb.cancel_order(to_cancel)
    env.sb.touch_order(to_touch)

    result = env.run()
    assert result.exit_code in (0, 1), result.message
    after = env.qbo_docs()
    marked = env.marked()
    assert max(marked.values()) == 1
    statuses = {o.order_id: o for o in result.plan.orders}
    for order in changes["new_orders"]:
        plan = statuses[order["id"]]
        assert ((order["id"], "sale", order["id"]) in marked) == (plan.status == "planned"), plan
    with env.ledger() as ledger:
        open_errors = {
            e.order_id for e in list_errors(ledger, status="open") if e.last_run_id == result.run_id
        }
    assert open_errors == {o.order_id for o in result.plan.orders if o.status == "error"}, result.errors
    by_order = {parse_id(d): d for e in ("SalesReceipt", "Invoice") for d in after[e]}
    assert Decimal(str(by_order[to_edit]["TotalAmt"])) == _wix_total(env, to_edit)
    assert Decimal(str(by_order[to_cancel]["TotalAmt"])) == 0  # voided
    assert by_order[to_touch]["SyncToken"] == receipts[to_touch]["SyncToken"]  # a touch changes nothing
    assert Decimal(str(by_order[to_pay]["Balance"])) == _wix_total(env, to_pay) - half  # payment applied
    assert sum(1 for k in marked if k[0] == to_pay and k[1] == "payment") == 1
    for refund in store.transactions[to_refund].get("refunds") or []:
        assert (to_refund, "refund", refund["id"]) in marked
    for oid in settled:  # fully paid later: still the one invoice, now with its payment
        assert Decimal(str(by_order[oid]["Balance"])) == 0
        assert [parse_id(d) for d in after["Invoice"]].count(oid) == 1
        assert oid not in [parse_id(d) for d in after["SalesReceipt"]]
        assert sum(1 for k in marked if k[0] == oid and k[1] == "payment") >= 1
    for oid in busy - set(settled):
        for refund in store.transactions[oid].get("refunds") or []:
            assert (oid, "refund", refund["id"]) in marked
    newest = store.transactions[to_refund]["refunds"][-1]["id"]
    assert env.totals()[(to_refund, "refund", newest)] == "5.00"
    assert env.run().counts["writes_ok"] == 0  # and then it is quiet again


def parse_id(doc: dict[str, Any]) -> str:
    from wixqb_nb.mapping.markers import parse_marker

    marker = parse_marker(doc.get("PrivateNote"))
    assert marker is not None
    return marker.order_id
