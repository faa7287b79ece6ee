"""Table tests of the comparison: each category from a hand-built case, and nothing else flagged."""

from __future__ import annotations

import copy
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from recon_cases import CLEARING, ROUNDING_ITEM, Store, build_store, qbo_sale, wix_order, wix_payment

from wixqb_nb import money
from wixqb_nb.mapping.markers import format_marker
from wixqb_nb.reconcile import Category, Expectation, ReconResult, reconcile

C = Category


def run(s: Store, expectations: tuple[Expectation, ...] = ()) -> ReconResult:
    return reconcile(s.orders, s.transactions, s.qbo, s.settings, expectations=expectations,
                     period=("2024-03-01", "2024-03-02"), currency="CAD")  # fmt: skip


def errors(result: ReconResult) -> list[tuple[str, str, str]]:
    return [(str(d.category), d.order_number, d.component) for d in result.errors]


def test_clean_store_matches_with_rounding_reported_as_info(store: Store) -> None:
    result = run(store)
    assert result.matches()
    assert result.errors == ()
    (info,) = result.discrepancies
    assert info.category == C.ROUNDING_ABSORBED and info.severity == "info"
    assert info.order_number == "1004" and info.difference == Decimal("0.01")
    assert "448.39" in info.explanation and "448.40" in info.explanation
    qst = next(t for t in result.tax_tieouts if t.tax_name == "QST")
    assert qst.gap == Decimal("-0.01") and qst.absorbed == Decimal("-0.01") and qst.ok
    assert all(t.ok for t in result.daily_tieouts)
    assert {t.kind for t in result.daily_tieouts} == {"sales", "payments", "refunds"}


def test_inputs_not_mutated(store: Store) -> None:
    before = copy.deepcopy(store)
    run(store)
    assert store == before


def _delete_sale(s: Store) -> None:
    s.qbo["SalesReceipt"] = [d for d in s.qbo["SalesReceipt"] if d["Id"] != "101"]


def _change_line(s: Store) -> None:
    d = s.doc("SalesReceipt", "101")
    d["Line"][0]["Amount"] = Decimal("90.00")
    d["TotalAmt"] -= 10


def _change_shipping(s: Store) -> None:
    d = s.doc("SalesReceipt", "101")
    d["Line"][2]["Amount"] = Decimal("12.00")
    d["TotalAmt"] += 2


def _change_tax(s: Store) -> None:
    d = s.doc("SalesReceipt", "101")
    d["TxnTaxDetail"]["TaxLine"][1]["Amount"] += Decimal("0.50")
    d["TxnTaxDetail"]["TotalTax"] += Decimal("0.50")
    d["TotalAmt"] += Decimal("0.50")


def _duplicate(s: Store) -> None:
    s.qbo["SalesReceipt"].append({**copy.deepcopy(s.doc("SalesReceipt", "101")), "Id": "150"})


def _orphan_with_prefix(s: Store) -> None:
    s.qbo["Invoice"].append({"Id": "160", "DocNumber": "WX-9999", "TxnDate": "2024-03-01", "TotalAmt": 5,
                             "Balance": 0, "Line": []})  # fmt: skip


def _orphan_marker(s: Store) -> None:
    s.qbo["SalesReceipt"].append({"Id": "161", "TxnDate": "2024-03-01", "TotalAmt": 5, "Line": [],
                                  "PrivateNote": format_marker("no-such-order", "sale", "no-such-order")})  # fmt: skip


def _open_invoice(s: Store) -> None:
    s.doc("Invoice", "102")["Balance"] = s.doc("Invoice", "102")["TotalAmt"]
    s.qbo["Payment"] = []


def _balance_only(s: Store) -> None:
    s.doc("Invoice", "102")["Balance"] = Decimal("5.00")


def _payment_amount(s: Store) -> None:
    s.qbo["Payment"][0]["TotalAmt"] -= 1


def _payment_extra(s: Store) -> None:
    p = copy.deepcopy(s.qbo["Payment"][0])
    p.update(Id="202", PrivateNote=format_marker("order-1002", "payment", "pay-unknown"))
    s.qbo["Payment"].append(p)


def _payment_misapplied(s: Store) -> None:
    o5 = wix_order(1005, lines=("10.00",), created="2024-03-01T16:00:00Z")
    s.orders.append(o5)
    total = Decimal(o5["priceSummary"]["total"]["amount"])
    s.transactions.append({"orderId": o5["id"], "payments": [wix_payment("pay-1005", total)], "refunds": []})
    inv = qbo_sale(o5, "105", "Invoice")
    s.qbo["Invoice"].append(inv)
    p = copy.deepcopy(s.qbo["Payment"][0])
    p.update(Id="205", TotalAmt=total, PrivateNote=format_marker(o5["id"], "payment", "pay-1005"))
    p["Line"] = [
        {"Amount": total, "LinkedTxn": [{"TxnId": "102", "TxnType": "Invoice"}]}
    ]  # the wrong invoice
    s.qbo["Payment"].append(p)


def _deposit(s: Store) -> None:
    s.doc("SalesReceipt", "101")["DepositToAccountRef"] = {"value": "41"}


def _refund_missing(s: Store) -> None:
    s.qbo["RefundReceipt"] = []


def _refund_amount(s: Store) -> None:
    s.qbo["RefundReceipt"][0]["TotalAmt"] = Decimal("12.00")


def _refund_extra(s: Store) -> None:
    s.qbo["RefundReceipt"].append({**s.qbo["RefundReceipt"][0], "Id": "302",
                                   "PrivateNote": format_marker("order-1003", "refund", "ref-x")})  # fmt: skip


def _rounding_too_big(s: Store) -> None:
    d = s.doc("SalesReceipt", "104")
    d["Line"][-1]["Amount"] = Decimal("0.51")
    d["TxnTaxDetail"]["TaxLine"][0]["Amount"] = d["TxnTaxDetail"]["TotalTax"] = Decimal("447.89")


CASES: list[tuple[str, Callable[[Store], None], set[tuple[str, str, str]]]] = [
    ("delete a document", _delete_sale, {("missing_in_qbo", "1001", "")}),
    ("change a line amount", _change_line, {("total_mismatch", "1001", "lines")}),
    ("change shipping", _change_shipping, {("total_mismatch", "1001", "shipping")}),
    ("change a tax amount", _change_tax, {("tax_mismatch", "1001", "9.975%")}),
    ("duplicate a document", _duplicate, {("duplicate", "1001", "")}),
    ("unrelated invoice with our prefix", _orphan_with_prefix, {("in_qbo_not_wix", "9999", "")}),
    ("marker of an unknown order", _orphan_marker, {("in_qbo_not_wix", "", "")}),
    ("payment deleted", _open_invoice, {("payment_missing", "1002", "")}),
    ("invoice balance reopened", _balance_only, {("payment_status", "1002", "")}),
    ("payment amount changed", _payment_amount, {("payment_different", "1002", "")}),
    ("payment with no Wix payment", _payment_extra, {("payment_extra", "1002", "")}),
    ("payment applied to the wrong invoice", _payment_misapplied, {("payment_misapplied", "1005", "")}),
    ("wrong deposit account", _deposit, {("deposit_account", "1001", "")}),
    ("refund deleted", _refund_missing, {("refund_missing", "1003", "")}),
    ("refund amount changed", _refund_amount, {("refund_different", "1003", "")}),
    ("refund with no Wix refund", _refund_extra, {("refund_extra", "1003", "")}),
    (
        "rounding above the limit",
        _rounding_too_big,
        {("total_mismatch", "1004", "rounding"), ("tax_mismatch", "1004", "9.975%")},
    ),
]


@pytest.mark.parametrize(("name", "tamper", "expected"), CASES, ids=[c[0] for c in CASES])
def test_each_tamper_is_found_with_its_category_and_nothing_else(
    name: str, tamper: Callable[[Store], None], expected: set[tuple[str, str, str]]
) -> None:
    s = build_store()
    tamper(s)
    result = run(s)
    assert set(errors(result)) == expected, name
    assert len(result.errors) == len(expected)
    assert not result.matches()
    for d in result.errors:
        assert d.explanation and d.action


def test_a_misapplied_payment_names_the_invoices_as_quickbooks_shows_them() -> None:
    s = build_store()
    _payment_misapplied(s)
    (row,) = run(s).errors
    assert row.explanation == (
        "Payment pay-1005 of order 1005 is applied to Invoice WX-1002 (order 1002) instead of its own invoice "
        "Invoice WX-1005."
    )
    # An invoice that is not one of ours can only be named by its QuickBooks Id.
    s.qbo["Payment"][-1]["Line"][0]["LinkedTxn"] = [{"TxnId": "777", "TxnType": "Invoice"}]
    (row,) = run(s).errors
    assert "is applied to Invoice #777 instead of its own invoice Invoice WX-1005." in row.explanation


def test_missing_sale_leaves_a_daily_gap() -> None:
    s = build_store()
    _delete_sale(s)
    gaps = [t for t in run(s).daily_tieouts if not t.ok]
    assert [(t.date, t.kind, t.count_gap, t.amount_gap) for t in gaps] == [
        ("2024-03-01", "sales", -1, Decimal("-149.47"))
    ]


def test_tax_change_fails_the_tax_tieout() -> None:
    s = build_store()
    _change_tax(s)
    result = run(s)
    qst = next(t for t in result.tax_tieouts if t.tax_name == "QST")
    assert qst.unexplained == Decimal("0.50") and not qst.ok
    (d,) = result.errors
    assert (d.wix_amount, d.qbo_amount, d.difference) == (Decimal("12.97"), Decimal("13.47"), Decimal("0.50"))


def test_component_amounts_and_explanation() -> None:
    s = build_store()
    _change_line(s)
    (d,) = run(s).errors
    assert (d.wix_amount, d.qbo_amount, d.difference) == (
        Decimal("120.00"),
        Decimal("110.00"),
        Decimal("-10.00"),
    )
    assert d.qbo_type == "SalesReceipt" and d.doc_number == "WX-1001"
    assert "WX-1001" in d.explanation and "-10.00" in d.explanation


def test_document_found_by_doc_number_only_matches() -> None:
    s = build_store()
    s.doc("SalesReceipt", "101")["PrivateNote"] = "typed by hand"
    assert run(s).errors == ()


def test_canceled_order_still_in_qbo_is_explained() -> None:
    s = build_store()
    s.orders[0]["status"] = "CANCELED"
    (d,) = run(s).errors
    assert d.category == C.IN_QBO_NOT_WIX and "CANCELED" in d.explanation


def test_customer_and_item_mapping_against_the_plan(store: Store) -> None:
    plan = (Expectation("order-1001", customer_id="7", item_ids=frozenset({"21", "22"})),)
    found = {(str(d.category), d.wix_amount, d.qbo_amount) for d in run(store, plan).errors}
    assert {c for c, _, _ in found} == {"customer_mapping", "item_mapping"}
    d = next(d for d in run(store, plan).errors if d.category == C.CUSTOMER_MAPPING)
    assert "customer 5" in d.explanation and "customer 7" in d.explanation


def test_generic_customer_setting(store: Store) -> None:
    from dataclasses import replace

    store.settings = replace(store.settings, generic_customer_id="5")
    assert run(store).errors == ()
    store.settings = replace(store.settings, generic_customer_id="6")
    assert {d.category for d in run(store).errors} == {C.CUSTOMER_MAPPING}


def test_rounding_explanation_mentions_a_different_prediction(store: Store) -> None:
    result = run(store, (Expectation("order-1004", rounding=Decimal("0.02")),))
    (info,) = result.discrepancies
    assert "0.02" in info.explanation and result.matches()


def test_french_texts(store: Store) -> None:
    from dataclasses import replace

    store.settings = replace(store.settings, language="fr")
    _delete_sale(store)
    (d,) = run(store).errors
    assert d.explanation.startswith("La commande Wix 1001")


def test_to_dict_serialises_with_money_dumps(store: Store) -> None:
    data = run(store).to_dict()
    text = money.dumps(data)
    back: dict[str, Any] = money.loads(text)
    assert back["matches"] is True
    assert back["discrepancies"][0]["difference"] == Decimal("0.01")
    assert back["counts"]["matched"] == 4


def test_documents_frame(store: Store) -> None:
    docs = run(store).documents()
    assert list(docs["status"]) == ["ok", "ok", "ok", "rounding"]
    assert docs["wix_total"].tolist()[0] == Decimal("149.47")


def test_settings_from_config() -> None:
    from wixqb_nb.config import Config
    from wixqb_nb.reconcile import ReconSettings

    cfg = Config.model_validate({
        "general": {"time_zone": "America/Toronto", "language": "fr"},
        "advanced": {"order_prefix": "WX", "rounding_item": {"id": ROUNDING_ITEM}},
        "payments": {"methods": [{"wix_method": "CreditCard", "deposit_account": {"id": CLEARING}}]},
    })  # fmt: skip
    rs = ReconSettings.from_config(cfg)
    assert rs.language == "fr" and rs.rounding_item_id == ROUNDING_ITEM
    assert rs.deposit_account_for("CREDITCARD") == CLEARING
    s = build_store()
    assert reconcile(s.orders, s.transactions, s.qbo, cfg).errors == ()
