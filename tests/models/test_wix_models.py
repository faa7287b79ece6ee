"""The Wix models accept every example Wix publishes, quirks included (tests/data/wix_doc_store.json)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from wixqb_nb import money
from wixqb_nb.models.wix import LineItem, Order, OrderTransactions, Price, Product, TranslatedText

DATA = Path(__file__).resolve().parents[1] / "data" / "wix_doc_store.json"


@pytest.fixture(scope="module")
def store() -> dict[str, Any]:
    result: dict[str, Any] = money.loads(DATA.read_text(encoding="utf-8"))
    return result


def test_every_example_order_parses(store: dict[str, Any]) -> None:
    orders = [Order.model_validate(o) for o in store["orders"]]
    assert len(orders) == 12
    for order, raw in zip(orders, store["orders"], strict=True):
        assert order.id == raw["id"]
        assert isinstance(order.number, str)
        assert order.total is not None, order.number
        for line in order.line_items:
            assert isinstance(line.net_total, Decimal)
            assert isinstance(line.tax_amount, Decimal)


def test_total_falls_back_to_deprecated_total_price(store: dict[str, Any]) -> None:
    raw = next(o for o in store["orders"] if "total" not in o["priceSummary"])
    order = Order.model_validate(raw)
    assert order.price_summary is not None and order.price_summary.total is None
    assert order.total == Decimal("215.66")


def test_empty_tax_rate_is_none_and_short_amounts_keep_their_value(store: dict[str, Any]) -> None:
    order = Order.model_validate(store["orders"][0])  # #10108: shipping taxRate "" and "2.0" amounts
    assert order.shipping_info is not None and order.shipping_info.cost is not None
    assert order.shipping_info.cost.tax_rate is None
    assert order.shipping_info.cost.net_total == Decimal("2.0") == Decimal("2.00")
    assert order.module == "stores"  # the older Stores app def id
    assert order.email == "janedoe@gmail.com"


def test_unknown_fields_and_enum_values_are_kept() -> None:
    order = Order.model_validate(
        {"id": "o1", "number": 17, "status": "PENDING_SOMETHING", "brandNewField": {"x": 1}, "lineItems": []}
    )
    assert order.status == "PENDING_SOMETHING"
    assert order.number == "17"
    assert order.model_extra == {"brandNewField": {"x": 1}}
    assert order.module == "other"


def test_float_money_is_refused() -> None:
    with pytest.raises(ValidationError):
        Order.model_validate({"id": "o1", "priceSummary": {"total": {"amount": 12.5}}})


def test_current_tax_info_wins_over_deprecated_tax_details() -> None:
    line = {
        "id": "l1",
        "quantity": 1,
        "price": {"amount": "10"},
        "taxDetails": {"taxRate": "0.05", "totalTax": {"amount": "0.50"}},
        "taxInfo": {
            "taxAmount": {"amount": "1.50"},
            "taxRate": "0.15",
            "taxBreakdown": [{"taxName": "GST", "rate": "0.05", "taxAmount": {"amount": "0.50"}}],
        },
        "catalogReference": {"appId": "13d21c63-b5ec-5912-8397-c3a5ddb27a97", "catalogItemId": "b"},
    }
    order = Order.model_validate({"id": "o", "lineItems": [line, {"id": "l2", "quantity": 1}]})
    first = order.line_items[0]
    assert first.tax_amount == Decimal("1.50") and first.tax_rate == Decimal("0.15")
    assert first.tax_info is not None and first.tax_info.tax_breakdown[0].tax_name == "GST"
    assert order.module == "bookings" and order.line_items[1].module is None  # custom line


def test_transactions_parse_with_gift_cards_and_both_refund_shapes(store: dict[str, Any]) -> None:
    txs = [OrderTransactions.model_validate(t) for t in store["transactions"]]
    assert len(txs) == 7
    kinds = {p.kind for t in txs for p in t.payments}
    assert {"regular", "gift_card"} <= kinds
    refunds = [r for t in txs for r in t.refunds]
    assert refunds and all(r.succeeded for r in refunds)
    assert refunds[0].items and refunds[0].shipping_included
    newer = OrderTransactions.model_validate(
        {
            "orderId": "o",
            "payments": [
                {"id": "p", "amount": {"amount": "5"}, "membershipPaymentDetails": {"status": "CHARGED"}}
            ],
            "refunds": [
                {
                    "id": "r",
                    "transactions": [
                        {"paymentId": "p", "amount": {"amount": "3"}, "refundStatus": "SUCCEEDED"},
                        {"paymentId": "p", "amount": {"amount": "2"}, "refundStatus": "FAILED"},
                    ],
                    "details": {
                        "lineItems": [{"lineItemId": "l1", "quantity": 2}],
                        "shipping": {"amount": {"amount": "1"}},
                    },
                }
            ],
        }
    )
    refund = newer.refunds[0]
    assert refund.succeeded_amount == Decimal("3")
    assert [(i.line_item_id, i.quantity) for i in refund.items] == [("l1", 2)]
    assert refund.shipping_included and refund.shipping_amount == Decimal("1")
    assert newer.payments[0].kind == "membership" and newer.payments[0].succeeded


def test_products_parse_with_variant_skus(store: dict[str, Any]) -> None:
    products = [Product.model_validate(p) for p in store["products"]]
    assert len(products) == 9
    assert any(p.skus() for p in products)
    priced = [p for p in products if p.price_data and p.price_data.price is not None]
    assert priced and all(isinstance(p.price_data.price, Decimal) for p in priced if p.price_data)


def test_price_is_a_light_value_that_validates_and_dumps_like_a_model() -> None:
    raw = {"amount": "2.0", "formattedAmount": "$2.00", "currency": "CAD"}
    order = Order.model_validate({"id": "o", "priceSummary": {"total": raw, "tax": {"amount": 1}}})
    ps = order.price_summary
    assert ps is not None and ps.total == Price(Decimal("2.0"), "$2.00", {"currency": "CAD"})
    assert ps.tax is not None and ps.tax.amount == Decimal(1) and ps.tax.formatted_amount is None
    dumped = order.model_dump(by_alias=True, exclude_none=True)
    assert dumped["priceSummary"]["total"] == {
        "amount": Decimal("2.0"),
        **{k: raw[k] for k in raw if k != "amount"},
    }
    assert dumped["priceSummary"]["tax"] == {"amount": Decimal(1)}  # no formattedAmount: excluded
    as_json = order.model_dump(mode="json", by_alias=True, exclude_none=True)
    assert as_json["priceSummary"]["total"]["amount"] == "2.0"  # exact text, never a float
    assert Order.model_validate(as_json) == order
    assert ps.total.model_copy(update={"amount": Decimal(3)}).amount == Decimal(3) != ps.total.amount
    for bad in ({"formattedAmount": "$1"}, "12.50", {"amount": 1.5}, {"amount": "1", "formattedAmount": 2}):
        with pytest.raises(ValidationError):
            Order.model_validate({"id": "o", "priceSummary": {"total": bad}})


def test_light_models_keep_unknown_fields_read_both_names_and_dump_back() -> None:
    raw = {
        "id": "l1",
        "quantity": "2",
        "productName": {"original": "Mug", "translated": "Tasse", "locale": "fr"},
        "physical_properties": {"sku": 12, "weight": ""},
        "taxInfo": {
            "taxAmount": {"amount": "1.50"},
            "taxBreakdown": [{"taxName": "GST", "rate": "0.05", "newPart": True}],
        },
        "taxDetails": {"taxRate": "0.04", "totalTax": {"amount": "0.40"}},
        "futureBlock": {"x": 1},
    }
    order = Order.model_validate({"id": "o", "lineItems": [raw]})
    line = order.line_items[0]
    assert isinstance(line, LineItem) and line.quantity == 2 and line.sku == "12"
    assert line.physical_properties is not None and line.physical_properties.weight is None
    assert line.model_extra == {"futureBlock": {"x": 1}}
    assert line.product_name == TranslatedText(
        original="Mug", translated="Tasse", model_extra={"locale": "fr"}
    )
    assert line.tax_info is not None and line.tax_info.tax_breakdown[0].model_extra == {"newPart": True}
    assert line.tax_amount == Decimal("1.50") and line.tax_rate == Decimal("0.04")  # current, else deprecated
    assert line.tax_details is not None and line.tax_details.total_tax is not None
    dumped = order.model_dump(mode="json", by_alias=True, exclude_none=True)["lineItems"][0]
    assert dumped["futureBlock"] == {"x": 1} and dumped["productName"]["locale"] == "fr"
    assert dumped["taxInfo"]["taxBreakdown"][0] == {"taxName": "GST", "rate": "0.05", "newPart": True}
    assert Order.model_validate(order.model_dump(by_alias=True)) == order
    assert line.model_dump()["product_name"]["original"] == "Mug"
    assert LineItem.model_validate(raw) == line
    assert line.model_copy(update={"quantity": 3}).quantity == 3 != line.quantity
    with pytest.raises(ValidationError):
        Order.model_validate({"id": "o", "lineItems": [{"id": "l", "quantity": "many"}]})
    with pytest.raises(ValidationError):
        LineItem.model_validate({"quantity": 1})  # id is required


def test_recurring_rates_and_names_are_shared_between_orders() -> None:
    def one(oid: str) -> LineItem:
        line = {
            "id": "l1",
            "physicalProperties": {"sku": "".join(["MUG", "-1"])},  # built: not a literal the compiler shares
            "totalDiscount": {"amount": "".join(["0.", "00"])},
            "taxInfo": {"taxBreakdown": [{"taxName": "".join(["G", "ST"]), "rate": " 0.05"}]},
        }
        return Order.model_validate(
            {"id": oid, "currency": "".join(["CA", "D"]), "lineItems": [line]}
        ).line_items[0]

    a, b = one("o1"), one("o2")
    assert a.tax_info is not None and b.tax_info is not None
    pa, pb = a.tax_info.tax_breakdown[0], b.tax_info.tax_breakdown[0]
    assert pa.rate == Decimal("0.05") and pa.rate is pb.rate
    assert pa.tax_name == "GST" and pa.tax_name is pb.tax_name
    assert a.sku == "MUG-1" and a.sku is b.sku
    assert a.total_discount is not None and b.total_discount is not None
    assert str(a.total_discount.amount) == "0.00" and a.total_discount.amount is b.total_discount.amount
    empty = Order.model_validate({"id": "o", "lineItems": [{"id": "l", "taxDetails": {"taxRate": ""}}]})
    assert empty.line_items[0].tax_details is not None and empty.line_items[0].tax_details.tax_rate is None
