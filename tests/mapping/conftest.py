"""Fixtures of the mapping tests: a Quebec-style QBO company, a config, and an order builder."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from wixqb_nb.config import Config
from wixqb_nb.mapping import QboSnapshot
from wixqb_nb.models.wix import Order, OrderTransactions

STORES = "215238eb-22a5-4c36-9e7b-e7c08025e04e"
BOOKINGS = "13d21c63-b5ec-5912-8397-c3a5ddb27a97"
EVENTS = "140603ad-af8d-84a5-2c80-a0f60cb47351"
NOW = dt.datetime(2025, 3, 20, 12, 0, tzinfo=dt.UTC)

# rate ids: 1 GST 5, 2 QST 9.975, 3 GST 10 (AU), 4 HST 12; code ids: 10 GST+QST, 11 GST, 12 Exempt,
# 13 QST only, 14 GST 10, 15 HST 12
RATES = [
    {"Id": "1", "Name": "GST", "RateValue": Decimal("5")},
    {"Id": "2", "Name": "QST", "RateValue": Decimal("9.975")},
    {"Id": "3", "Name": "GST AU", "RateValue": Decimal("10")},
    {"Id": "4", "Name": "HST", "RateValue": Decimal("12")},
]


def _code(cid: str, name: str, *rates: str) -> dict[str, Any]:
    details = [{"TaxRateRef": {"value": r}, "TaxOrder": i} for i, r in enumerate(rates)]
    return {"Id": cid, "Name": name, "SalesTaxRateList": {"TaxRateDetail": details}}


ENTITIES: dict[str, list[dict[str, Any]]] = {
    "TaxRate": RATES,
    "TaxCode": [
        _code("10", "GST/QST", "1", "2"),
        _code("11", "GST", "1"),
        _code("12", "Exempt"),
        _code("13", "QST", "2"),
        _code("14", "GST10", "3"),
        _code("15", "HST12", "4"),
    ],
    "Item": [
        {"Id": "21", "Name": "MUG-1", "Sku": "SKU-MUG"},
        {"Id": "22", "Name": "Tee", "Sku": "TEE-1"},
        {"Id": "23", "Name": "Yoga class"},
        {"Id": "90", "Name": "Rounding"},
        {"Id": "91", "Name": "Discount"},
        {"Id": "92", "Name": "Shipping"},
    ],
    "Customer": [
        {"Id": "50", "DisplayName": "Jane Doe", "PrimaryEmailAddr": {"Address": "jane@example.com"}},
        {"Id": "51", "DisplayName": "John Smith", "PrimaryEmailAddr": {"Address": "other@example.com"}},
        {"Id": "52", "DisplayName": "WIX"},
    ],
}


def make_snapshot(**kw: Any) -> QboSnapshot:
    opts: dict[str, Any] = {"realm_id": "R1", "tax_rounding": "line", "honours_tax_override": True}
    country = kw.pop("country", "CA")
    prefs = kw.pop("preferences", {"SalesFormsPrefs": {"CustomTxnNumbers": True}})
    opts.update(kw)
    return QboSnapshot.from_entities(ENTITIES, preferences=prefs, company_info={"Country": country}, **opts)


def ref(i: str, name: str = "") -> dict[str, str]:
    return {"id": i, "name": name}


def make_config(**sections: dict[str, Any]) -> Config:
    data: dict[str, Any] = {
        "general": {"time_zone": "America/Toronto", "start_date": "2025-01-01"},
        "orders": {
            "payment_statuses": ["PAID", "PARTIALLY_REFUNDED", "FULLY_REFUNDED", "NOT_PAID"],
            "unpaid_stores_orders": True,
            "document_type": "invoice",
        },
        "advanced": {"order_prefix": "WX", "rounding_item": ref("90"), "rounding_max": "0.05"},
        "items": {"allow_create": False},
        "refunds": {"enabled": True, "document": "credit_memo", "prefix": "C"},
        "taxes": {
            "mappings": [
                {"name": "GST + QST", "rate": "0.14975", "qbo_tax_code": ref("10")},
                {"name": "GST", "rate": "0.05", "qbo_tax_code": ref("11")},
                {"name": "QST", "rate": "0.09975", "qbo_tax_code": ref("13")},
                {"name": "GST", "rate": "0.10", "qbo_tax_code": ref("14")},
                {"name": "HST", "rate": "0.12", "qbo_tax_code": ref("15")},
            ],
            "untaxed_code": ref("12"),
        },
        "payments": {
            "methods": [
                {"wix_method": "CreditCard", "deposit_account": ref("200"), "qbo_payment_method": ref("7")}
            ],
            "default_deposit_account": ref("201"),
            "gift_card_account": ref("202"),
        },
    }
    for name, values in sections.items():
        data.setdefault(name, {}).update(values)
    return Config.model_validate(data)


def P(x: Any) -> dict[str, str]:
    return {"amount": str(x)}


def line(
    lid: str,
    *,
    sku: str | None = "MUG-1",
    name: str = "Mug",
    qty: int = 1,
    unit: str = "10.00",
    discount: str = "0",
    net: str | None = None,
    tax: str = "0",
    taxes: list[tuple[str, str, str]] | None = None,
    app: str | None = STORES,
) -> dict[str, Any]:
    """A line; ``taxes`` = [(name, rate, amount)] for a current taxInfo breakdown."""
    total_net = Decimal(net) if net is not None else Decimal(unit) * qty - Decimal(discount)
    out: dict[str, Any] = {
        "id": lid,
        "productName": {"original": name},
        "quantity": qty,
        "price": P(unit),
        "totalDiscount": P(discount),
        "totalPriceBeforeTax": P(total_net),
        "totalPriceAfterTax": P(total_net + Decimal(tax)),
    }
    if sku:
        out["physicalProperties"] = {"sku": sku}
    if app:
        out["catalogReference"] = {"appId": app, "catalogItemId": "c-" + lid}
    if taxes is not None:
        rate = sum((Decimal(t[1]) for t in taxes), Decimal(0))
        out["taxInfo"] = {
            "taxAmount": P(tax),
            "taxRate": str(rate),
            "taxBreakdown": [{"taxName": n, "rate": r, "taxAmount": P(a)} for n, r, a in taxes],
        }
    else:
        out["taxDetails"] = {"taxRate": "0", "totalTax": P(tax)}
    return out


def order(
    lines: list[dict[str, Any]],
    *,
    oid: str = "o-1",
    number: str = "1001",
    shipping: tuple[str, str, list[tuple[str, str, str]] | None] | None = None,
    total: str | None = None,
    tax: str | None = None,
    discount: str = "0",
    status: str = "PAID",
    inclusive: bool = False,
    email: str | None = "jane@example.com",
    first: str = "Jane",
    last: str = "Doe",
    company: str | None = None,
    currency: str = "CAD",
    created: str = "2025-03-14T15:00:00Z",
    note: str | None = None,
) -> Order:
    nets = sum((Decimal(ln["totalPriceBeforeTax"]["amount"]) for ln in lines), Decimal(0))
    taxes = sum(
        (
            Decimal(
                (ln.get("taxInfo") or {}).get("taxAmount", {}).get("amount")
                or ln["taxDetails"]["totalTax"]["amount"]
            )
            for ln in lines
        ),
        Decimal(0),
    )
    data: dict[str, Any] = {
        "id": oid,
        "number": number,
        "createdDate": created,
        "status": "APPROVED",
        "paymentStatus": status,
        "currency": currency,
        "taxIncludedInPrices": inclusive,
        "lineItems": lines,
        "buyerInfo": {"email": email, "contactId": "ct-" + oid},
        "billingInfo": {"contactDetails": {"firstName": first, "lastName": last, "company": company}},
    }
    ship_net = ship_tax = Decimal(0)
    if shipping is not None:
        s_net, s_tax, s_parts = shipping
        ship_net, ship_tax = Decimal(s_net), Decimal(s_tax)
        cost: dict[str, Any] = {
            "price": P(s_net),
            "totalPriceBeforeTax": P(s_net),
            "totalPriceAfterTax": P(ship_net + ship_tax),
        }
        if s_parts:
            cost["taxInfo"] = {
                "taxAmount": P(s_tax),
                "taxBreakdown": [{"taxName": n, "rate": r, "taxAmount": P(a)} for n, r, a in s_parts],
                "taxRate": str(sum((Decimal(p[1]) for p in s_parts), Decimal(0))),
            }
        else:
            cost["taxDetails"] = {"taxRate": "", "totalTax": P(s_tax)}
        data["shippingInfo"] = {"title": "Canada Post", "cost": cost}
    all_tax = Decimal(tax) if tax is not None else taxes + ship_tax
    gross = nets + ship_net + all_tax - Decimal(discount)
    if inclusive:
        gross = nets + ship_net + taxes + ship_tax - Decimal(discount)
    data["priceSummary"] = {
        "subtotal": P(nets),
        "tax": P(all_tax),
        "discount": P(
            Decimal(discount) + sum((Decimal(ln["totalDiscount"]["amount"]) for ln in lines), Decimal(0))
        ),
        "total": P(total if total is not None else gross),
    }
    if note:
        data["buyerNote"] = note
    return Order.model_validate(data)


def txs(
    oid: str = "o-1",
    payments: list[dict[str, Any]] | None = None,
    refunds: list[dict[str, Any]] | None = None,
) -> OrderTransactions:
    return OrderTransactions.model_validate(
        {"orderId": oid, "payments": payments or [], "refunds": refunds or []}
    )


def card(pid: str, amount: str, method: str = "CreditCard", status: str = "APPROVED") -> dict[str, Any]:
    return {
        "id": pid,
        "amount": P(amount),
        "regularPaymentDetails": {
            "paymentMethod": method,
            "status": status,
            "providerTransactionId": "pi_" + pid,
        },
    }


def gift(pid: str, amount: str) -> dict[str, Any]:
    return {
        "id": pid,
        "amount": P(amount),
        "giftcardPaymentDetails": {"giftCardPaymentId": "g", "voided": False},
    }


@pytest.fixture
def snap() -> QboSnapshot:
    return make_snapshot()


@pytest.fixture
def cfg() -> Config:
    return make_config()


Builder = Callable[..., Any]


@pytest.fixture(scope="session")
def h() -> Any:  # stateless builders: safe to share across hypothesis examples
    """The builders above, for test modules (importlib mode cannot import conftest)."""
    import types

    return types.SimpleNamespace(
        make_snapshot=make_snapshot,
        make_config=make_config,
        line=line,
        order=order,
        txs=txs,
        card=card,
        gift=gift,
        ref=ref,
        NOW=NOW,
        BOOKINGS=BOOKINGS,
        EVENTS=EVENTS,
        STORES=STORES,
    )
