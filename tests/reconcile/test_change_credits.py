"""A sale reduced in Wix after it could no longer be edited: the sync's ``change-r{n}`` CreditMemo
is netted into its sale (per component and per rate), never reported as a Wix refund."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from recon_cases import Store, qbo_sale, wix_order

from wixqb_nb.mapping.markers import format_marker
from wixqb_nb.reconcile import Category, ReconResult, reconcile

C = Category
D = Decimal


def run(s: Store) -> ReconResult:
    return reconcile(s.orders, s.transactions, s.qbo, s.settings,
                     period=("2024-03-01", "2024-03-02"), currency="CAD")  # fmt: skip


def errors(result: ReconResult) -> list[tuple[str, str, str]]:
    return [(str(d.category), d.order_number, d.component) for d in result.errors]


def _memo(
    order_id: str, lines: list[dict[str, Any]], tax: dict[str, D], qbo_id: str = "401"
) -> dict[str, Any]:
    tax_lines = [
        {"Amount": a, "DetailType": "TaxLineDetail",
         "TaxLineDetail": {"TaxRateRef": {"value": rid}, "PercentBased": True, "TaxPercent": pct}}
        for (rid, pct), a in zip((("3", D("5")), ("4", D("9.975"))), tax.values(), strict=False)
        if a
    ]  # fmt: skip
    net = sum((ln["Amount"] for ln in lines), D(0))
    return {
        "Id": qbo_id, "DocNumber": "CWX-1002-X2", "TxnDate": "2024-03-02", "CustomerRef": {"value": "5"},
        "PrivateNote": "Wix order 1002 changed " + format_marker(order_id, "refund", "change-r2"),
        "Line": lines, "TxnTaxDetail": {"TotalTax": sum(tax.values(), D(0)), "TaxLine": tax_lines},
        "TotalAmt": net + sum(tax.values(), D(0)),
    }  # fmt: skip


def _reduced(store: Store) -> Store:
    """Invoice 1002 posted at 80.00 (91.98), paid, then reduced in Wix to 50.00 (57.49)."""
    s = store.copy()
    o2 = s.orders[1]
    posted = qbo_sale(wix_order(1002, lines=("80.00",), created=o2["createdDate"]), "102", "Invoice")
    assert posted["TotalAmt"] == D("91.98") and o2["priceSummary"]["total"]["amount"] == "57.49"
    posted["Balance"] = D("0")  # the payment and the applied memo cover it
    s.qbo["Invoice"] = [posted]
    return s


def _item_line(amount: D, item: str = "21", code: str | None = None) -> dict[str, Any]:
    detail: dict[str, Any] = {"ItemRef": {"value": item}, "Qty": 1, "UnitPrice": amount}
    if code:
        detail["TaxCodeRef"] = {"value": code}
    return {"DetailType": "SalesItemLineDetail", "Amount": amount, "SalesItemLineDetail": detail}


def test_a_change_credit_by_rate_nets_into_its_sale(store: Store) -> None:
    s = _reduced(store)
    order_id = s.orders[1]["id"]
    # 30.00 off the line; GST 4.00 -> 2.50, QST 7.98 -> 4.99
    s.qbo["CreditMemo"] = [_memo(order_id, [_item_line(D("30.00"))], {"GST": D("1.50"), "QST": D("2.99")})]
    # the sync's Payment of 0 applying the memo to the invoice moves no money: not a Wix payment
    s.qbo["Payment"].append({
        "Id": "402", "TxnDate": "2024-03-02", "TotalAmt": D("0"), "CustomerRef": {"value": "5"},
        "PrivateNote": format_marker(order_id, "payment", "change-r2"),
        "Line": [{"Amount": D("34.49"), "LinkedTxn": [{"TxnId": "102", "TxnType": "Invoice"}]},
                 {"Amount": D("34.49"), "LinkedTxn": [{"TxnId": "401", "TxnType": "CreditMemo"}]}],
    })  # fmt: skip
    result = run(s)
    assert errors(result) == [], result.errors
    assert result.matches()
    assert all(t.ok for t in result.tax_tieouts) and all(t.ok for t in result.daily_tieouts)
    counts = dict(result.counts)
    assert counts["qbo_refunds"] == 1 and counts["qbo_payments"] == 1  # 1003's receipt; 1002's payment


def test_without_the_netting_the_order_would_not_match(store: Store) -> None:
    s = _reduced(store)
    got = errors(run(s))
    assert ("total_mismatch", "1002", "lines") in got and any(c == "tax_mismatch" for c, _, _ in got)


def test_an_untaxed_change_credit_is_no_refund_but_leaves_the_tax_difference(store: Store) -> None:
    s = _reduced(store)
    order_id = s.orders[1]["id"]
    s.qbo["CreditMemo"] = [_memo(order_id, [_item_line(D("34.49"), code="NON")], {})]
    got = errors(run(s))
    assert not [e for e in got if e[0].startswith("refund")], got
    # the total nets to Wix's, but QBO keeps the old tax at each rate
    assert sorted(got) == [("tax_mismatch", "1002", "5%"), ("tax_mismatch", "1002", "9.975%")]


def test_a_change_credit_without_its_sale_is_an_extra_refund(store: Store) -> None:
    s = store.copy()
    s.qbo["CreditMemo"] = [_memo("order-unknown", [_item_line(D("30.00"))], {"GST": D("1.50")})]
    got = errors(run(s))
    assert [e for e in got if e[0] == "refund_extra"], got
