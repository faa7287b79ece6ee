"""Which orders of a store exercise which special case, read from the orders themselves.

:func:`known_cases` inspects the Wix JSON (it does not trust the generator's intent), so tests
and docs can point at real examples, and it works on any store in Wix's shapes.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from ._data import APP_BOOKINGS, APP_EVENTS, APP_GIFT_CARDS, APP_PLANS, APP_RESTAURANTS, APP_STORES
from .company import company_seed

Order = dict[str, Any]
Txn = dict[str, Any]


def _amt(price: Any) -> Decimal:
    return Decimal(str((price or {}).get("amount") or "0"))


def _apps(o: Order) -> set[str]:
    return {(li.get("catalogReference") or {}).get("appId", "") for li in o.get("lineItems", [])}


def _names(o: Order) -> list[str]:
    c = (o.get("billingInfo") or {}).get("contactDetails") or {}
    return [c.get("firstName", ""), c.get("lastName", ""), c.get("company", "")]


def _odd_cents(o: Order) -> bool:
    weights = {
        li["id"]: _amt(li.get("lineItemPrice") or li.get("price")) * 1 for li in o.get("lineItems", [])
    }
    for d in o.get("appliedDiscounts", []):
        parts = [
            (weights.get(x["id"], Decimal(0)), _amt(x["totalDiscount"]))
            for x in d.get("lineItemDiscounts", [])
        ]
        if len(parts) >= 2 and any(a[1] * b[0] != b[1] * a[0] for a in parts for b in parts):
            return True
    return False


def _breakdown(o: Order, name: str) -> list[dict[str, Any]]:
    return [b for b in (o.get("taxInfo") or {}).get("taxBreakdown", []) if b.get("taxName") == name]


def _penny_inclusive(o: Order, t: Txn) -> bool:
    return bool(o.get("taxIncludedInPrices")) and any(
        _amt(li["price"]) == Decimal("14.90")
        and li.get("quantity") == 1
        and (li.get("taxInfo") or {}).get("taxRate") == "0.1000"
        for li in o["lineItems"]
    )


def _penny_qst(o: Order, t: Txn) -> bool:
    return any(_amt(b["aggregatedTaxableAmount"]) == Decimal("4495.16") for b in _breakdown(o, "QST"))


def _penny_12(o: Order, t: Txn) -> bool:
    lines = o["lineItems"]
    return (
        len(lines) >= 20
        and all((li.get("taxInfo") or {}).get("taxRate") == "0.1200" for li in lines)
        and sum((_amt(li["totalPriceBeforeTax"]) for li in lines), Decimal(0)) == Decimal("81.09")
    )


def _regular(t: Txn) -> list[dict[str, Any]]:
    return [p["regularPaymentDetails"] for p in t.get("payments", []) if "regularPaymentDetails" in p]


def _has_shipping_cost(o: Order) -> bool:
    return _amt(((o.get("shippingInfo") or {}).get("cost") or {}).get("price")) > 0


def _long(o: Order) -> bool:
    first, last, company = _names(o)
    return (
        len(first) > 25
        or len(last) > 15
        or len(company) > 100
        or len((o.get("buyerInfo") or {}).get("email", "")) > 100
    )


PREDICATES: dict[str, Callable[[Order, Txn], bool]] = {
    "penny_inclusive_14_90_at_10pct": _penny_inclusive,
    "penny_qst_on_4495_16": _penny_qst,
    "penny_12pct_many_lines_81_09": _penny_12,
    "paid": lambda o, t: o["paymentStatus"] == "PAID",
    "unpaid_offline": lambda o, t: o["status"] == "APPROVED" and o["paymentStatus"] == "NOT_PAID",
    "partially_paid": lambda o, t: o["paymentStatus"] == "PARTIALLY_PAID",
    "payment_pending": lambda o, t: o["paymentStatus"] == "PENDING",
    "refund_partial": lambda o, t: o["paymentStatus"] == "PARTIALLY_REFUNDED",
    "refund_full": lambda o, t: o["paymentStatus"] == "FULLY_REFUNDED" and o["status"] == "APPROVED",
    "refund_items_by_quantity": lambda o, t: any(
        it["quantity"] < next(li["quantity"] for li in o["lineItems"] if li["id"] == it["lineItemId"])
        for r in t.get("refunds", [])
        for it in r["details"]["items"]
    ),
    "refund_with_shipping": lambda o, t: any(
        r["details"].get("shippingIncluded") for r in t.get("refunds", [])
    ),
    "refund_without_shipping": lambda o, t: (
        _has_shipping_cost(o) and any(not r["details"].get("shippingIncluded") for r in t.get("refunds", []))
    ),
    "refund_split_tender": lambda o, t: any(len(r["transactions"]) >= 2 for r in t.get("refunds", [])),
    "multiple_refunds": lambda o, t: len(t.get("refunds", [])) >= 2,
    "canceled": lambda o, t: o["status"] == "CANCELED",
    "canceled_after_payment": lambda o, t: o["status"] == "CANCELED" and bool(t.get("refunds")),
    "coupon": lambda o, t: any("coupon" in d for d in o.get("appliedDiscounts", [])),
    "merchant_discount": lambda o, t: any("merchantDiscount" in d for d in o.get("appliedDiscounts", [])),
    "discount_rule": lambda o, t: any("discountRule" in d for d in o.get("appliedDiscounts", [])),
    "discount_odd_cents": lambda o, t: _odd_cents(o),
    "several_discounts": lambda o, t: len(o.get("appliedDiscounts", [])) >= 2,
    "free_shipping": lambda o, t: (
        "shippingInfo" in o
        and "shippingDestination" in o["shippingInfo"]["logistics"]
        and not _has_shipping_cost(o)
    ),
    "store_pickup": lambda o, t: "pickupDetails" in (o.get("shippingInfo") or {}).get("logistics", {}),
    "taxed_shipping": lambda o, t: (
        _amt(((o.get("shippingInfo") or {}).get("cost") or {}).get("taxDetails", {}).get("totalTax")) > 0
    ),
    "tax_inclusive": lambda o, t: bool(o.get("taxIncludedInPrices")),
    "no_tax": lambda o, t: _amt(o["priceSummary"]["tax"]) == 0,
    "mixed_tax_lines": lambda o, t: (
        len({(li.get("taxInfo") or {}).get("taxRate") for li in o["lineItems"]}) >= 2
    ),
    "several_jurisdictions": lambda o, t: len((o.get("taxInfo") or {}).get("taxBreakdown", [])) >= 2,
    "additional_fees": lambda o, t: bool(o.get("additionalFees")),
    "gift_card_payment": lambda o, t: any("giftcardPaymentDetails" in p for p in t.get("payments", [])),
    "split_tender": lambda o, t: len(t.get("payments", [])) >= 2,
    "gift_card_only": lambda o, t: (
        bool(t.get("payments")) and all("giftcardPaymentDetails" in p for p in t["payments"])
    ),
    "gift_card_sold": lambda o, t: APP_GIFT_CARDS in _apps(o),
    "method_CreditCard": lambda o, t: any(r["paymentMethod"] == "CreditCard" for r in _regular(t)),
    "method_PayPal": lambda o, t: any(r["paymentMethod"] == "PayPal" for r in _regular(t)),
    "method_Stripe": lambda o, t: any(r["paymentMethod"] == "Stripe" for r in _regular(t)),
    "method_Cash": lambda o, t: any(r["paymentMethod"] == "Cash" for r in _regular(t)),
    "method_Offline": lambda o, t: any(r["paymentMethod"] == "Offline" for r in _regular(t)),
    "pos_channel": lambda o, t: (o.get("channelInfo") or {}).get("type") == "POS",
    "stores": lambda o, t: APP_STORES in _apps(o),
    "bookings": lambda o, t: APP_BOOKINGS in _apps(o),
    "bookings_pay_offline": lambda o, t: any(
        li.get("paymentOption") == "FULL_PAYMENT_OFFLINE" for li in o["lineItems"]
    ),
    "events": lambda o, t: APP_EVENTS in _apps(o),
    "pricing_plans": lambda o, t: APP_PLANS in _apps(o),
    "restaurants": lambda o, t: APP_RESTAURANTS in _apps(o),
    "custom_line_item": lambda o, t: any("catalogReference" not in li for li in o["lineItems"]),
    "product_without_sku": lambda o, t: any(
        (li.get("catalogReference") or {}).get("appId") == APP_STORES
        and "sku" not in li.get("physicalProperties", {})
        for li in o["lineItems"]
    ),
    "product_variant": lambda o, t: any(
        "options" in (li.get("catalogReference") or {}).get("options", {}) for li in o["lineItems"]
    ),
    "company_name": lambda o, t: bool(_names(o)[2]),
    "apostrophe_in_name": lambda o, t: any("'" in n for n in _names(o)),
    "non_latin_name": lambda o, t: any(ord(ch) > 0x24F for n in _names(o) for ch in n),
    "name_over_qbo_limits": lambda o, t: _long(o),
    "colon_in_name": lambda o, t: any(":" in n for n in _names(o)),
}


def known_cases(store: dict[str, Any]) -> dict[str, list[str]]:
    """Map each special case to the ids of the orders that exercise it (every key, maybe empty).

    Besides the per-order cases of :data:`PREDICATES` there are two store-level ones:
    ``duplicate_buyer_name`` (one name, several emails) and ``name_exists_in_qbo`` (a buyer whose
    name is already a Customer DisplayName in the profile's company seed).
    """
    txns = {t["orderId"]: t for t in store.get("transactions", [])}
    out: dict[str, list[str]] = {name: [] for name in PREDICATES}
    emails_by_name: dict[str, set[str]] = {}
    orders_by_name: dict[str, list[str]] = {}
    currencies = {o.get("currency") for o in store.get("orders", [])}
    profile = "us" if currencies == {"USD"} else "ca-qc"
    qbo_names = {c["DisplayName"] for c in company_seed(profile)["entities"]["Customer"]}
    for o in store.get("orders", []):
        t = txns.get(o["id"], {"payments": [], "refunds": []})
        for name, test in PREDICATES.items():
            if test(o, t):
                out[name].append(o["id"])
        first, last, _ = _names(o)
        full = f"{first} {last}".strip()
        emails_by_name.setdefault(full, set()).add((o.get("buyerInfo") or {}).get("email", ""))
        orders_by_name.setdefault(full, []).append(o["id"])
    out["duplicate_buyer_name"] = [
        i for n, ids in orders_by_name.items() if len(emails_by_name[n]) > 1 for i in ids
    ]
    out["name_exists_in_qbo"] = [i for n, ids in orders_by_name.items() if n in qbo_names for i in ids]
    return out
