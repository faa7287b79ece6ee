"""One test per mapping rule (issue 5): input order -> expected payload."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from wixqb_nb.mapping import PostedDoc, payload_hash, plan, plan_order, resolve_refs
from wixqb_nb.mapping.markers import parse_marker
from wixqb_nb.models.wix import AdditionalFee

D = Decimal
GQ = [("GST", "0.05", "0.50"), ("QST", "0.09975", "1.00")]


def _plan(h: Any, o: Any, t: Any = None, cfg: Any = None, snap: Any = None, **kw: Any) -> Any:
    return plan_order(o, t, cfg or h.make_config(), snap or h.make_snapshot(), now=h.NOW, **kw)


def test_doc_number_marker_and_idempotency_key(h: Any) -> None:
    p = _plan(h, h.order([h.line("l1", tax="1.50", taxes=GQ)]))
    sale = p.sale
    assert p.status == "planned" and sale.payload["DocNumber"] == "WX-1001" == sale.doc_number
    assert parse_marker(sale.payload["PrivateNote"]).kind == "sale"
    assert sale.idempotency_key == "R1:o-1:sale:o-1:r1"
    assert sale.payload["TxnDate"] == "2025-03-14"
    tl = sale.payload["TxnTaxDetail"]["TaxLine"]
    assert [(t["TaxLineDetail"]["TaxRateRef"]["value"], t["Amount"]) for t in tl] == [
        ("1", D("0.50")),
        ("2", D("1.00")),
    ]
    assert sale.payload["Line"][0]["SalesItemLineDetail"]["TaxCodeRef"] == {"value": "10"}


def test_auto_numbers_and_too_long_numbers(h: Any) -> None:
    o = h.order([h.line("l1")])
    auto = _plan(h, o, cfg=h.make_config(advanced={"auto_doc_numbers": True})).sale
    assert "DocNumber" not in auto.payload and "Wix order 1001" in auto.payload["PrivateNote"]
    long = _plan(
        h,
        h.order([h.line("l1")], number="123456789012345678"),
        cfg=h.make_config(advanced={"order_prefix": "SHOP"}),
    )
    assert long.status == "error" and long.errors[0].field == "advanced.order_prefix"


def test_selection_rules(h: Any) -> None:
    cfg = h.make_config(orders={"modules": ["stores", "bookings"]})
    assert "module events" in _plan(h, h.order([h.line("l1", app=h.EVENTS)]), cfg=cfg).skip.reason
    unpaid_booking = h.order([h.line("l1", app=h.BOOKINGS)], status="NOT_PAID")
    assert "unpaid" in _plan(h, unpaid_booking, cfg=cfg).skip.reason
    assert _plan(h, h.order([h.line("l1")], status="NOT_PAID"), cfg=cfg).sale.entity == "Invoice"
    # 2025-01-01T03:00Z is still Dec 31 in Toronto: before the start date
    early = h.order([h.line("l1")], created="2025-01-01T03:00:00Z")
    assert "before the integration start date" in _plan(h, early).skip.reason


def test_customer_reuse_by_email_then_name_and_suffix(h: Any) -> None:
    assert _plan(h, h.order([h.line("l1")])).sale.payload["CustomerRef"] == {"value": "50"}
    by_name = _plan(h, h.order([h.line("l1")], email="new@example.com", first="Jane", last="Doe"))
    # Jane Doe exists with another email: a new customer with a deterministic suffix
    cust = by_name.writes[0]
    assert cust.kind == "customer" and cust.payload["DisplayName"] == "Jane Doe (new@example.com)"
    assert by_name.sale.payload["CustomerRef"] == {"value": {"$ref": cust.idempotency_key}}
    assert cust.idempotency_key in by_name.sale.depends_on
    odd = _plan(h, h.order([h.line("l1")], email="x@y.com", first="Ann:\tMarie", last="Lee"))
    assert odd.writes[0].payload["DisplayName"] == "Ann Marie Lee"


def test_customer_modes_and_multicurrency(h: Any) -> None:
    org = _plan(
        h,
        h.order([h.line("l1")], company="Acme: Inc"),
        cfg=h.make_config(advanced={"customer_mode": "organisation"}),
    )
    assert org.writes[0].payload["DisplayName"] == "Acme Inc"
    gen = _plan(h, h.order([h.line("l1")]), cfg=h.make_config(advanced={"customer_mode": "generic"}))
    assert gen.sale.payload["CustomerRef"] == {"value": "52"}
    snap = h.make_snapshot(
        preferences={"CurrencyPrefs": {"MultiCurrencyEnabled": True, "HomeCurrency": {"value": "CAD"}}}
    )
    usd = _plan(h, h.order([h.line("l1")], currency="USD"), snap=snap)
    assert usd.writes[0].payload["DisplayName"] == "Jane Doe - USD"
    assert usd.writes[0].payload["CurrencyRef"] == {"value": "USD"} and usd.sale.payload["CurrencyRef"] == {
        "value": "USD"
    }


def test_items_match_create_or_error(h: Any) -> None:
    missing = _plan(h, h.order([h.line("l1", sku="NOPE-9")]))
    assert missing.status == "error" and "NOPE-9" in missing.errors[0].message
    by_sku = _plan(h, h.order([h.line("l1", sku="TEE-1")]), cfg=h.make_config(matching={"match_by": "sku"}))
    assert by_sku.sale.payload["Line"][0]["SalesItemLineDetail"]["ItemRef"] == {"value": "22"}
    cfg = h.make_config(
        items={
            "allow_create": True,
            "new_item_type": "inventory",
            "income_account": h.ref("79"),
            "expense_account": h.ref("80"),
            "asset_account": h.ref("81"),
        }
    )
    two = plan(
        [h.order([h.line("l1", sku="NEW-1")], oid="a"), h.order([h.line("l1", sku="NEW-1")], oid="b")],
        {},
        cfg,
        h.make_snapshot(),
        now=h.NOW,
    )
    items = [w for w in two.writes if w.kind == "item"]
    assert len(items) == 1  # created once, reused by the second order
    assert items[0].payload == {
        "Name": "NEW-1",
        "Type": "Inventory",
        "Description": "Mug",
        "Sku": "NEW-1",
        "IncomeAccountRef": {"value": "79"},
        "ExpenseAccountRef": {"value": "80"},
        "AssetAccountRef": {"value": "81"},
        "TrackQtyOnHand": True,
        "QtyOnHand": 0,
        "InvStartDate": "2025-01-01",
    }
    assert items[0].idempotency_key in two.orders[1].sale.depends_on
    no_sku = _plan(h, h.order([h.line("l1", sku=None, name="Yoga class", app=h.BOOKINGS)]))
    assert no_sku.sale.payload["Line"][0]["SalesItemLineDetail"]["ItemRef"] == {"value": "23"}


def test_amount_is_qty_times_unit_price_or_qty_one(h: Any) -> None:
    even = _plan(h, h.order([h.line("l1", qty=3, unit="12.99", discount="0.30")])).sale.payload["Line"][0]
    assert (even["SalesItemLineDetail"]["Qty"], even["SalesItemLineDetail"]["UnitPrice"], even["Amount"]) == (
        3,
        D("12.89"),
        D("38.67"),
    )
    odd = _plan(h, h.order([h.line("l1", qty=3, unit="12.99", discount="1.00")])).sale.payload["Line"][0]
    assert (odd["SalesItemLineDetail"]["Qty"], odd["SalesItemLineDetail"]["UnitPrice"], odd["Amount"]) == (
        1,
        D("37.97"),
        D("37.97"),
    )
    assert "3 x" in odd["Description"]


def test_discount_item_only_for_unspread_discounts(h: Any) -> None:
    spread = _plan(h, h.order([h.line("l1", unit="10", discount="2")]))
    assert len(spread.sale.payload["Line"]) == 1  # Wix spread it: not posted twice
    o = h.order([h.line("l1", unit="10")], discount="1")
    assert _plan(h, o).errors[0].field == "advanced.discount_item"
    lines = _plan(h, o, cfg=h.make_config(advanced={"discount_item": h.ref("91")})).sale.payload["Line"]
    assert lines[-1]["Amount"] == D("-1") and lines[-1]["SalesItemLineDetail"]["ItemRef"] == {"value": "91"}


def test_shipping_class_location_memo_and_online_payment(h: Any) -> None:
    cfg = h.make_config(
        advanced={
            "shipping_item": h.ref("92"),
            "default_class": h.ref("C1"),
            "default_location": h.ref("L1"),
            "allow_online_card_payment": True,
        }
    )
    o = h.order(
        [h.line("l1", tax="1.50", taxes=GQ)],
        shipping=("5.00", "0.25", [("GST", "0.05", "0.25")]),
        note="Gift wrap",
    )
    sale = _plan(h, o, cfg=cfg).sale
    ship = sale.payload["Line"][1]["SalesItemLineDetail"]
    assert ship["ItemRef"] == {"value": "92"} and ship["TaxCodeRef"] == {"value": "11"}
    assert all(ln["SalesItemLineDetail"]["ClassRef"] == {"value": "C1"} for ln in sale.payload["Line"])
    assert sale.payload["DepartmentRef"] == {"value": "L1"} and sale.payload["CustomerMemo"] == {
        "value": "Gift wrap"
    }
    assert sale.payload["AllowOnlineCreditCardPayment"] is True and sale.predicted_total == D("16.75")
    default_ship = _plan(h, o).sale.payload["Line"][1]["SalesItemLineDetail"]["ItemRef"]
    assert default_ship == {"value": "SHIPPING_ITEM_ID"}


def test_us_company_tax_and_non(h: Any) -> None:
    snap = h.make_snapshot(country="US")
    o = h.order([h.line("l1", tax="0.40"), h.line("l2", sku="Tee", name="Tee")], currency="USD")
    sale = _plan(h, o, snap=snap).sale
    codes = [ln["SalesItemLineDetail"]["TaxCodeRef"]["value"] for ln in sale.payload["Line"]]
    assert codes == ["TAX", "NON"] and sale.payload["TxnTaxDetail"]["TotalTax"] == D("0.40")
    assert "GlobalTaxCalculation" not in sale.payload and sale.predicted_total == D("20.40")


def test_rounding_item_within_threshold_else_error(h: Any) -> None:
    o = h.order([h.line("l1")], total="10.03")
    assert _plan(h, o).sale.rounding == D("0.03")
    big = _plan(h, h.order([h.line("l1")], total="10.30"))
    assert big.status == "error" and big.errors[0].field == "priceSummary.total"


def test_payments_linked_to_invoice_and_receipts_carry_tender(h: Any) -> None:
    o = h.order([h.line("l1")])
    t = h.txs(payments=[h.card("p1", "6.00"), h.gift("p2", "4.00"), h.card("p3", "9", status="DECLINED")])
    p = _plan(h, o, t)
    pays = [w for w in p.writes if w.kind == "payment"]
    assert [(w.payload["TotalAmt"], w.payload["DepositToAccountRef"]["value"]) for w in pays] == [
        (D("6.00"), "200"),
        (D("4.00"), "202"),
    ]
    assert pays[0].payload["Line"][0]["LinkedTxn"][0]["TxnId"] == {"$ref": p.sale.idempotency_key}
    assert pays[0].payload["PaymentMethodRef"] == {"value": "7"}
    assert (
        resolve_refs(pays[0].payload, {p.sale.idempotency_key: "130"})["Line"][0]["LinkedTxn"][0]["TxnId"]
        == "130"
    )
    receipt = _plan(
        h,
        o,
        h.txs(payments=[h.card("p1", "10.00")]),
        cfg=h.make_config(orders={"document_type": "sales_receipt"}),
    )
    assert receipt.sale.entity == "SalesReceipt" and not [w for w in receipt.writes if w.kind == "payment"]
    assert receipt.sale.payload["DepositToAccountRef"] == {"value": "200"}
    unpaid = _plan(
        h,
        h.order([h.line("l1")], status="NOT_PAID"),
        h.txs(payments=[h.card("p1", "10", method="Offline", status="PENDING")]),
    )
    assert not [w for w in unpaid.writes if w.kind == "payment"]


def test_refunds_itemised_or_amount_line_and_only_stores_bookings(h: Any) -> None:
    o = h.order(
        [
            h.line(
                "l1",
                qty=2,
                unit="10",
                tax="3.00",
                taxes=[("GST", "0.05", "1.00"), ("QST", "0.09975", "2.00")],
            )
        ]
    )
    refund = {
        "id": "r1",
        "createdDate": "2025-03-16T10:00:00Z",
        "transactions": [{"paymentId": "p1", "amount": {"amount": "11.50"}, "refundStatus": "SUCCEEDED"}],
        "details": {"items": [{"lineItemId": "l1", "quantity": 1}]},
    }
    t = h.txs(payments=[h.card("p1", "23.00")], refunds=[refund])
    r = [w for w in _plan(h, o, t).writes if w.kind == "refund"][0]
    assert r.entity == "CreditMemo" and r.doc_number == "CWX-1001-01" and r.payload["TxnDate"] == "2025-03-16"
    assert r.payload["Line"][0]["Amount"] == D("10.00") and r.payload["TxnTaxDetail"]["TotalTax"] == D("1.50")
    odd = {
        **refund,
        "transactions": [{"paymentId": "p1", "amount": {"amount": "7.00"}, "refundStatus": "SUCCEEDED"}],
    }
    r2 = [w for w in _plan(h, o, h.txs(refunds=[odd])).writes if w.kind == "refund"][0]
    assert len(r2.payload["Line"]) == 1 and r2.payload["Line"][0]["Amount"] == D("7.00")
    failed = {
        **refund,
        "transactions": [{"paymentId": "p1", "amount": {"amount": "11.50"}, "refundStatus": "FAILED"}],
    }
    assert not [w for w in _plan(h, o, h.txs(refunds=[failed])).writes if w.kind == "refund"]
    ev = h.order([h.line("l1", app=h.EVENTS)])
    assert not [w for w in _plan(h, ev, h.txs(refunds=[refund])).writes if w.kind == "refund"]
    rr = _plan(
        h,
        o,
        t,
        cfg=h.make_config(refunds={"document": "refund_receipt", "refund_from_account": h.ref("300")}),
    )
    receipt = [w for w in rr.writes if w.kind == "refund"][0]
    assert receipt.entity == "RefundReceipt" and receipt.payload["DepositToAccountRef"] == {"value": "300"}


def test_changes_after_sync_update_unchanged_void(h: Any) -> None:
    o = h.order([h.line("l1")])
    first = _plan(h, o).sale
    same = {("sale", "o-1"): PostedDoc("sale", "o-1", "Invoice", "130", "0", payload_hash(first.payload))}
    assert _plan(h, o, posted=same).status == "unchanged"
    edited = h.order([h.line("l1", unit="12.00")])
    upd = _plan(h, edited, posted=same).sale
    assert upd.operation == "update" and upd.payload["Id"] == "130" and upd.payload["SyncToken"] == "0"
    assert upd.idempotency_key.endswith(":r2")
    canceled = h.order([h.line("l1")])
    canceled = canceled.model_copy(update={"status": "CANCELED"})
    void = _plan(h, canceled, posted=same)
    assert [(w.operation, w.payload) for w in void.writes] == [
        ("void", {"Id": "130", "SyncToken": "0", "sparse": True})
    ]
    assert _plan(h, canceled).skip is not None


def test_plan_frames(h: Any) -> None:
    p = plan(
        [h.order([h.line("l1")]), h.order([h.line("l1", sku="NOPE")], oid="o-2", number="1002")],
        {"o-1": h.txs(payments=[h.card("p1", "10.00")])},
        h.make_config(),
        h.make_snapshot(),
        now=h.NOW,
    )
    docs = p.to_frame()
    assert list(docs.kind) == ["sale", "payment", None] and list(docs.status) == [
        "planned",
        "planned",
        "error",
    ]
    assert docs.iloc[0].residual == 0 and "NOPE" in docs.iloc[2].error
    assert len(p.lines_frame()) == 1


def test_changes_to_a_sale_that_cannot_be_edited_are_credited(h: Any) -> None:
    o = h.order([h.line("l1", qty=2, unit="10.00")])
    t = h.txs(payments=[h.card("p1", "20.00")])
    first = _plan(h, o, t)
    sale = first.sale
    pay = next(w for w in first.writes if w.kind == "payment")
    posted = {
        ("sale", "o-1"): PostedDoc("sale", "o-1", "Invoice", "130", "0", "old", total=D("20.00")),
        ("payment", "p1"): PostedDoc(
            "payment",
            "p1",
            "Payment",
            "131",
            "0",
            payload_hash(resolve_refs(pay.payload, {sale.idempotency_key: "130"})),
        ),
    }
    reduced = h.order([h.line("l1", qty=1, unit="10.00")])
    p = _plan(h, reduced, t, posted=posted)
    credit = next(w for w in p.writes if w.kind == "refund")
    assert (credit.operation, credit.entity, credit.source_id) == ("credit", "CreditMemo", "change-r2")
    assert credit.payload["Line"][0]["Amount"] == D("10.00") and credit.doc_number == "CWX-1001-X2"
    assert credit.payload["Line"][0]["SalesItemLineDetail"]["TaxCodeRef"] == {"value": "12"}
    assert "[wixqb:o-1:refund:change-r2]" in credit.payload["PrivateNote"]
    assert not [w for w in p.writes if w.kind == "sale"], "the posted sale is left alone"
    assert sale is not None and sale.operation == "create"
    # next run: the credit is in the ledger with the same payload -> nothing more to do
    again = {
        **posted,
        ("refund", "change-r2"): PostedDoc(
            "refund", "change-r2", "CreditMemo", "140", "0", payload_hash(credit.payload)
        ),
    }
    assert _plan(h, reduced, t, posted=again).status == "unchanged"
    # a locked sale (closed period) is credited even without payments, with refunds.amount_item
    locked = {
        ("sale", "o-1"): PostedDoc("sale", "o-1", "Invoice", "130", "0", "old", total=D("20.00"), locked=True)
    }
    cfg = h.make_config(refunds={"amount_item": h.ref("93", "Adjustments")})
    c2 = next(w for w in _plan(h, reduced, cfg=cfg, posted=locked).writes if w.kind == "refund")
    assert c2.payload["Line"][0]["SalesItemLineDetail"]["ItemRef"] == {"value": "93"}
    # a paid sale that grew still covers its payment: QBO takes the edit, so it is an update
    grown = h.order([h.line("l1", qty=3, unit="10.00")])
    up = _plan(h, grown, t, posted=posted)
    assert [(w.kind, w.operation) for w in up.writes] == [("sale", "update")], up.writes
    # a locked sale that grew cannot be credited: a precise error
    err = _plan(h, grown, cfg=cfg, posted=locked)
    assert err.status == "error" and "grew by 10.00" in err.errors[0].message
    # a locked, partly paid invoice: the memo is applied to what the invoice still has open by a
    # Payment of 0 linking invoice and memo (the memo's Id is the create's placeholder)
    part5 = h.txs(payments=[h.card("p1", "5.00")])
    locked5 = {**locked, ("payment", "p1"): replace(posted[("payment", "p1")], total=D("5.00"))}
    lp = _plan(h, reduced, part5, posted=locked5)
    memo = next(w for w in lp.writes if w.kind == "refund")
    app = next(w for w in lp.writes if w.kind == "payment" and w.source_id == "change-r2")
    assert app.payload["TotalAmt"] == 0 and memo.idempotency_key in app.depends_on
    assert app.payload["Line"] == [
        {"Amount": D("10.00"), "LinkedTxn": [{"TxnId": "130", "TxnType": "Invoice"}]},
        {
            "Amount": D("10.00"),
            "LinkedTxn": [{"TxnId": {"$ref": memo.idempotency_key}, "TxnType": "CreditMemo"}],
        },
    ]
    assert "[wixqb:o-1:payment:change-r2]" in app.payload["PrivateNote"]
    # paid in full: nothing left open on the invoice, the memo stays the customer's credit
    assert not [w for w in p.writes if w.kind == "payment" and w.source_id == "change-r2"]
    # a partly paid sale reduced to a total still covering the payment: an update, no credit
    part = h.txs(payments=[h.card("p1", "5.00")])
    paid5 = {**posted, ("payment", "p1"): replace(posted[("payment", "p1")], total=D("5.00"))}
    upd = _plan(h, reduced, part, posted=paid5)
    assert upd.sale is not None and upd.sale.operation == "update"
    assert upd.sale.payload["Id"] == "130" and not [w for w in upd.writes if w.kind == "refund"]
    # ... but reduced below the payment (a locked ledger total aside), it is credited
    below = {**posted, ("payment", "p1"): replace(posted[("payment", "p1")], total=D("15.00"))}
    assert [w.operation for w in _plan(h, reduced, part, posted=below).writes if w.kind != "payment"] == [
        "credit"
    ]
    # without payments or lock, an edit is still an update of the sale
    plain = {("sale", "o-1"): posted[("sale", "o-1")]}
    assert _plan(h, reduced, posted=plain).sale.operation == "update"


def test_fees_item_and_refund_amount_item(h: Any) -> None:
    o = h.order([h.line("l1")], total="12.00")
    o = o.model_copy(
        update={
            "additional_fees": [
                AdditionalFee.model_validate({"id": "f1", "name": "Handling", "price": {"amount": "2.00"}})
            ]
        }
    )
    no_item = _plan(h, o)
    assert [e.field for e in no_item.errors] == ["advanced.fees_item"]
    cfg = h.make_config(
        advanced={"order_prefix": "WX", "rounding_item": h.ref("90"), "fees_item": h.ref("94", "Fees")}
    )
    fee_line = _plan(h, o, cfg=cfg).sale.payload["Line"][1]
    assert fee_line["SalesItemLineDetail"]["ItemRef"] == {"value": "94"} and fee_line["Amount"] == D("2.00")
    refund = {
        "id": "r1",
        "transactions": [{"paymentId": "p1", "amount": {"amount": "3.00"}, "refundStatus": "SUCCEEDED"}],
    }
    cfg = h.make_config(refunds={"amount_item": h.ref("93", "Adjustments")})
    lone = _plan(h, h.order([h.line("l1")]), h.txs(refunds=[refund]), cfg=cfg)
    r = next(w for w in lone.writes if w.kind == "refund")
    assert r.payload["Line"][0]["SalesItemLineDetail"]["ItemRef"] == {"value": "93"}
    assert r.lines[0].item == "Adjustments"


def test_a_change_credit_reverses_the_posted_sale_per_tax_code_and_rate(h: Any) -> None:
    gq2 = [("GST", "0.05", "1.00"), ("QST", "0.09975", "2.00")]
    first = _plan(h, h.order([h.line("l1", qty=2, unit="10.00", tax="3.00", taxes=gq2)])).sale
    lines = [ln for ln in first.payload["Line"] if ln["DetailType"] == "SalesItemLineDetail"]
    net = {ln["SalesItemLineDetail"]["TaxCodeRef"]["value"]: ln["Amount"] for ln in lines}
    tax = {
        t["TaxLineDetail"]["TaxRateRef"]["value"]: t["Amount"]
        for t in first.payload["TxnTaxDetail"]["TaxLine"]
    }
    assert net == {"10": D("20.00")} and tax == {"1": D("1.00"), "2": D("2.00")}
    posted = {
        ("sale", "o-1"): PostedDoc(
            "sale",
            "o-1",
            "Invoice",
            "130",
            "0",
            "old",
            total=D("23.00"),
            locked=True,
            net_by_code=net,
            tax_by_rate=tax,
        )
    }
    reduced = h.order([h.line("l1", qty=1, unit="10.00", tax="1.50", taxes=GQ)])
    memo = next(w for w in _plan(h, reduced, posted=posted).writes if w.kind == "refund")
    assert memo.predicted_total == D("11.50")
    assert [(ln["Amount"], ln["SalesItemLineDetail"]["TaxCodeRef"]) for ln in memo.payload["Line"]] == [
        (D("10.00"), {"value": "10"})
    ]
    detail = memo.payload["TxnTaxDetail"]
    assert detail["TotalTax"] == D("1.50")
    assert [(t["TaxLineDetail"]["TaxRateRef"]["value"], t["Amount"]) for t in detail["TaxLine"]] == [
        ("1", D("0.50")),
        ("2", D("1.00")),
    ]
    # without the posted detail (an older ledger): one untaxed line, as before
    bare = {("sale", "o-1"): replace(posted[("sale", "o-1")], net_by_code=None, tax_by_rate=None)}
    old = next(w for w in _plan(h, reduced, posted=bare).writes if w.kind == "refund")
    assert len(old.payload["Line"]) == 1 and "TxnTaxDetail" not in old.payload
    assert old.payload["Line"][0]["Amount"] == D("11.50")
