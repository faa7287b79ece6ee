"""Helpers for the sandbox's own tests: a synthetic Wix store whose every field is known.

Tests reach the helpers through the ``wixdata`` fixture (this module), since test modules are
imported with pytest's importlib mode and cannot import each other.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from types import ModuleType
from typing import Any

import httpx
import pytest

STORES_APP = "215238eb-22a5-4c36-9e7b-e7c08025e04e"
BOOKINGS_APP = "13d21c63-b5ec-5912-8397-c3a5ddb27a97"
EVENTS_APP = "140603ad-af8d-84a5-2c80-a0f60cb47351"
PAYMENT_STATUSES = ["PAID", "NOT_PAID", "PARTIALLY_PAID", "PARTIALLY_REFUNDED", "FULLY_REFUNDED"]
METHODS = ["CreditCard", "PayPal", "Cash", "Stripe"]
START = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)


def wix_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def price(amount: str) -> dict[str, str]:
    return {"amount": amount, "formattedAmount": f"${amount}"}


def make_order(i: int) -> dict[str, Any]:
    """Order ``i`` of the synthetic store: fields cycle so every filter has hits and misses."""
    created = START + timedelta(hours=7 * i, milliseconds=i)
    apps = [STORES_APP] if i % 3 else [STORES_APP, BOOKINGS_APP]
    if i % 7 == 0:
        apps = [EVENTS_APP]
    total = f"{(i * 37) % 200}.{i % 10}5"
    order: dict[str, Any] = {
        "id": f"00000000-0000-4000-8000-{i:012d}",
        "number": str(1000 + i),
        "createdDate": wix_time(created),
        "updatedDate": wix_time(created + timedelta(minutes=(i * 13) % 500)),
        "status": "CANCELED" if i % 11 == 0 else ("INITIALIZED" if i % 13 == 0 else "APPROVED"),
        "paymentStatus": PAYMENT_STATUSES[i % len(PAYMENT_STATUSES)],
        "fulfillmentStatus": "FULFILLED" if i % 2 else "NOT_FULFILLED",
        "currency": "CAD",
        "buyerInfo": {
            "email": f"{['ann', 'bob', 'carol', 'anna'][i % 4]}{i}@example.com",
            "contactId": f"c{i % 5}",
        },
        "billingInfo": {"contactDetails": {"firstName": ["Ann", "Bob", "Zoë"][i % 3], "lastName": "O'Brien"}},
        "lineItems": [
            {
                "id": f"00000000-0000-0000-0000-00000000000{n + 1}",
                "productName": {"original": f"Product {i % 4}-{n}"},
                "catalogReference": {"appId": app, "catalogItemId": f"item-{i % 6}"},
                "quantity": 1 + n,
                "price": price("10.00"),
            }
            for n, app in enumerate(apps)
        ],
        "priceSummary": {"total": price(total)},
        "channelInfo": {"type": "WEB" if i % 4 else "POS"},
    }
    if i % 5 == 0:
        order["archived"] = bool(i % 10)
    return order


def make_transactions(i: int) -> dict[str, Any] | None:
    if i % 3 == 2:
        return None
    methods = [METHODS[i % 4]] + (["PayPal"] if i % 6 == 0 else [])
    payments = [
        {
            "id": f"p{i}-{k}",
            "amount": price("5.00"),
            "regularPaymentDetails": {"paymentMethod": m, "status": "APPROVED"},
        }
        for k, m in enumerate(methods)
    ]
    return {"orderId": make_order(i)["id"], "payments": payments, "refunds": []}


def make_store(n: int) -> dict[str, Any]:
    txs = [t for t in (make_transactions(i) for i in range(n)) if t is not None]
    products = [
        {
            "id": f"prod-{k}",
            "name": f"Thing {k}",
            "numericId": str(100 + k),
            "productType": "physical",
            "visible": k != 3,
            "sku": f"SKU-{k}",
            "price": "1.5",
            "variants": [{"id": f"v{k}", "variant": {"sku": f"SKU-{k}-A"}}],
        }
        for k in range(12)
    ]
    return {"orders": [make_order(i) for i in range(n)], "transactions": txs, "products": products}


def headers(sb: Any) -> dict[str, str]:
    c = sb.credentials
    return {"Authorization": c.wix_api_key, "wix-site-id": c.wix_site_id}


def search_all(
    client: httpx.Client, base: str, search: dict[str, Any], limit: int = 100
) -> list[dict[str, Any]]:
    """Follow cursors to the end (next pages carry only the cursor); return every order."""
    body: dict[str, Any] = {"search": {**search, "cursorPaging": {"limit": limit}}}
    out: list[dict[str, Any]] = []
    for _ in range(10_000):
        r = client.post(f"{base}/ecom/v1/orders/search", json=body)
        assert r.status_code == 200, r.text
        data = r.json()
        out.extend(data["orders"])
        assert data["metadata"]["count"] == len(data["orders"])
        nxt = data["metadata"]["cursors"].get("next")
        if not data["metadata"]["hasNext"]:
            assert nxt is None
            return out
        body = {"search": {"cursorPaging": {"limit": limit, "cursor": nxt}}}
    raise AssertionError("paging did not end")


@pytest.fixture(scope="session")
def wixdata() -> ModuleType:
    """This module: ``make_store``, ``make_order``, ``headers``, ``search_all`` and the constants."""
    return sys.modules[__name__]
