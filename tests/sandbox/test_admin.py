"""The /_sandbox admin endpoints over real HTTP: the store changes over time the way Wix shows it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from types import ModuleType
from typing import Any

import httpx
import pytest

from wixqb_nb import money
from wixqb_nb.sandbox import SandboxServer

Factory = Callable[..., SandboxServer]
UNPAID = "a4738c5d-98d6-45e4-bc88-4e5940acacfd"  # doc store #10133: APPROVED, NOT_PAID, total 40.56
PAID = "63d737bb-1633-4dcd-94ed-94c09f6c5a9f"  # doc store #10135: PAID 67.60, one line 60.00 at 4%


@pytest.fixture
def sb(fresh_sandbox: Factory) -> SandboxServer:
    from wixqb_nb.sandbox.state import DOC_STORE

    return fresh_sandbox(store=str(DOC_STORE))


def _admin(sb: SandboxServer, path: str, body: Any = None, status: int = 200) -> Any:
    r = httpx.post(
        f"{sb.url}/_sandbox{path}",
        content=money.dumps(body or {}),
        headers={"content-type": "application/json"},
    )
    assert r.status_code == status, r.text
    return money.loads(r.text)


def _wix(sb: SandboxServer, wixdata: ModuleType, path: str) -> Any:
    r = httpx.get(f"{sb.wix_base_url}{path}", headers=wixdata.headers(sb))
    assert r.status_code == 200, r.text
    return money.loads(r.text)


def test_health_and_credentials(sb: SandboxServer) -> None:
    health = httpx.get(f"{sb.url}/_sandbox/health").json()
    assert health["status"] == "ok" and health["orders"] == 12
    creds = httpx.get(f"{sb.url}/_sandbox/credentials").json()
    assert creds == sb.credentials.to_json()


def test_payment_marks_an_unpaid_order_paid(sb: SandboxServer, wixdata: ModuleType) -> None:
    before = _wix(sb, wixdata, f"/ecom/v1/orders/{UNPAID}")["order"]
    order = _admin(sb, f"/wix/orders/{UNPAID}/payments", {"method": "PayPal"})["order"]
    assert order["paymentStatus"] == "PAID"
    assert order["balanceSummary"]["balance"]["amount"] == "0.00"
    assert order["balanceSummary"]["paid"]["amount"] == before["priceSummary"]["total"]["amount"]
    assert datetime.fromisoformat(order["updatedDate"]) > datetime.fromisoformat(before["updatedDate"])
    assert order["activities"][-1]["type"] == "ORDER_PAID"
    served = _wix(sb, wixdata, f"/ecom/v1/orders/{UNPAID}")["order"]
    assert served == order
    tx = _wix(sb, wixdata, f"/ecom/v1/payments/orders/{UNPAID}")["orderTransactions"]
    assert tx["payments"][0]["regularPaymentDetails"]["paymentMethod"] == "PayPal"
    assert tx["payments"][0]["amount"]["amount"] == before["priceSummary"]["total"]["amount"]


def test_partial_payment_then_rest_then_partial_refund_with_items(sb: SandboxServer) -> None:
    order = _admin(sb, f"/wix/orders/{UNPAID}/payments", {"amount": "10.00", "method": "Cash"})["order"]
    assert order["paymentStatus"] == "PARTIALLY_PAID"
    assert order["balanceSummary"]["balance"]["amount"] == "30.56"
    order = _admin(sb, f"/wix/orders/{UNPAID}/payments", {"giftCard": True})["order"]
    assert order["paymentStatus"] == "PAID"
    line = order["lineItems"][0]["id"]
    order = _admin(
        sb,
        f"/wix/orders/{UNPAID}/refunds",
        {"amount": "5.00", "items": [{"lineItemId": line, "quantity": 1}], "reason": "damaged"},
    )["order"]
    assert order["paymentStatus"] == "PARTIALLY_REFUNDED"
    assert order["lineItems"][0]["refundQuantity"] == 1
    assert order["balanceSummary"]["refunded"]["amount"] == "5.00"
    tx = httpx.get(f"{sb.url}/_sandbox/wix/store").json()["transactions"]
    record = next(t for t in tx if t["orderId"] == UNPAID)
    assert "giftcardPaymentDetails" in record["payments"][1]
    refund = record["refunds"][0]
    assert refund["details"] == {
        "items": [{"lineItemId": line, "quantity": 1}],
        "shippingIncluded": False,
        "reason": "damaged",
    }
    assert refund["transactions"][0]["paymentId"] == record["payments"][1]["id"]
    # the rest of the money: fully refunded
    order = _admin(sb, f"/wix/orders/{UNPAID}/refunds", {"shippingIncluded": True})["order"]
    assert order["paymentStatus"] == "FULLY_REFUNDED"
    assert order["balanceSummary"]["refunded"]["amount"] == "40.56"


def test_refund_and_change_errors(sb: SandboxServer) -> None:
    _admin(sb, f"/wix/orders/{UNPAID}/refunds", {"amount": "1.00"}, status=400)
    _admin(sb, f"/wix/orders/{UNPAID}/payments", {"amount": "-1"}, status=400)
    _admin(sb, "/wix/orders/nope/cancel", status=404)
    _admin(sb, f"/wix/orders/{PAID}/edit", {"lineItemId": "no-such-line", "quantity": 2}, status=400)


def test_cancel_and_touch(sb: SandboxServer, wixdata: ModuleType) -> None:
    order = _admin(sb, f"/wix/orders/{UNPAID}/cancel")["order"]
    assert order["status"] == "CANCELED" and order["activities"][-1]["type"] == "ORDER_CANCELED"
    _admin(sb, f"/wix/orders/{UNPAID}/cancel", status=400)
    before = _wix(sb, wixdata, f"/ecom/v1/orders/{PAID}")["order"]
    touched = _admin(sb, f"/wix/orders/{PAID}/touch")["order"]
    assert {k: v for k, v in touched.items() if k != "updatedDate"} == {
        k: v for k, v in before.items() if k != "updatedDate"
    }
    assert touched["updatedDate"] > before["updatedDate"]


def test_edit_line_recomputes_tax_and_totals(sb: SandboxServer) -> None:
    order = _admin(
        sb,
        f"/wix/orders/{PAID}/edit",
        {"lineItemId": "00000000-0000-0000-0000-000000000001", "quantity": 2, "price": "55.00"},
    )["order"]
    line = order["lineItems"][0]
    assert (line["quantity"], line["price"]["amount"]) == (2, "55.00")
    assert line["totalPriceBeforeTax"]["amount"] == "110.00"
    assert line["taxDetails"]["totalTax"]["amount"] == "4.40"  # 4% of 110.00
    assert line["totalPriceAfterTax"]["amount"] == "114.40"
    ps = order["priceSummary"]
    assert ps["subtotal"]["amount"] == "110.00"
    assert ps["tax"]["amount"] == "4.60"  # 2.60 + (4.40 - 2.40)
    assert ps["total"]["amount"] == "119.60"  # 67.60 + 50.00 + 2.00
    assert Decimal(ps["total"]["amount"]) == Decimal("110.00") + Decimal("5.00") + Decimal("4.60")
    assert order["paymentStatus"] == "PARTIALLY_PAID"
    assert order["balanceSummary"]["balance"]["amount"] == "52.00"
    assert order["activities"][-1]["type"] == "DRAFT_ORDER_CHANGES_APPLIED"


def test_add_orders_replace_store_and_reset(sb: SandboxServer, wixdata: ModuleType) -> None:
    new = wixdata.make_order(1)
    added = _admin(sb, "/wix/orders", {"orders": [new], "transactions": [wixdata.make_transactions(1)]})
    assert added == {"orders": 13, "added": 1}
    assert _wix(sb, wixdata, f"/ecom/v1/orders/{new['id']}")["order"] == new
    replaced = httpx.put(f"{sb.url}/_sandbox/wix/store", content=money.dumps(wixdata.make_store(5)))
    assert replaced.json() == {"orders": 5}
    assert httpx.get(f"{sb.url}/_sandbox/health").json()["orders"] == 5
    _admin(sb, "/wix/orders", {"orders": [{"no": "id"}]}, status=400)
    assert _admin(sb, "/reset")["orders"] == 12


def test_clock_offset_moves_updated_dates(sb: SandboxServer) -> None:
    moved = _admin(sb, "/clock", {"advanceSeconds": 86400 * 400})
    assert moved["offsetSeconds"] == 86400 * 400
    order = _admin(sb, f"/wix/orders/{PAID}/touch")["order"]
    assert abs((datetime.fromisoformat(order["updatedDate"]) - datetime.fromisoformat(moved["now"])).days) < 1


def test_python_helpers_mirror_the_endpoints(sb: SandboxServer, wixdata: ModuleType) -> None:
    order = sb.add_payment(UNPAID, "1.99")
    assert order["paymentStatus"] == "PARTIALLY_PAID"
    assert _wix(sb, wixdata, f"/ecom/v1/orders/{UNPAID}")["order"]["paymentStatus"] == "PARTIALLY_PAID"
    assert sb.cancel_order(UNPAID)["status"] == "CANCELED"
    assert sb.reset()["orders"] == 12
    assert _wix(sb, wixdata, f"/ecom/v1/orders/{UNPAID}")["order"]["status"] == "APPROVED"


def test_advance_adds_orders_and_changes_old_ones(fresh_sandbox: Factory, wixdata: ModuleType) -> None:
    sb = fresh_sandbox(orders=80, seed=3)
    before = len(sb.state.wix.store.orders)
    changed = _admin(sb, "/wix/advance", {"hours": 2})
    assert changed["new_orders"]
    assert len(sb.state.wix.store.orders) == before + len(changed["new_orders"])
    with httpx.Client(base_url=sb.wix_base_url, headers=wixdata.headers(sb)) as client:
        newest = wixdata.search_all(client, "", {"sort": [{"fieldName": "updatedDate", "order": "DESC"}]})
    recent = {o["id"] for o in newest[: len(changed["new_orders"]) + len(changed["updated_orders"])]}
    assert recent == set(changed["new_orders"]) | set(changed["updated_orders"])
