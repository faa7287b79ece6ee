"""Assemble one order and its transactions from an :class:`~._spec.OrderSpec`."""

from __future__ import annotations

import random
from typing import Any

from . import _order, _tax, _txn
from ._fmt import Money, fixed_id, timestamp
from ._spec import OrderSpec

DAY_MS = 86_400_000


def locale_of(profile: str, lang: str) -> str:
    """The display locale of ``formattedAmount`` for a buyer language."""
    if profile == "us":
        return "en-US"
    return "fr-CA" if lang == "fr" else "en-CA"


def _address(spec: OrderSpec) -> dict[str, Any]:
    r = spec.region
    out: dict[str, Any] = {"country": r.country}
    if r.subdivision:
        out["subdivision"] = r.subdivision
    out.update(city=r.city, postalCode=r.postal, addressLine=r.street, countryFullname=r.country_name)
    if r.subdivision_name:
        out["subdivisionFullname"] = r.subdivision_name
    return out


def _contact(spec: OrderSpec, phone: str) -> dict[str, Any]:
    p = spec.person
    out: dict[str, Any] = {"firstName": p.first, "lastName": p.last, "phone": phone}
    if p.company:
        out["company"] = p.company
    return out


def build(
    spec: OrderSpec,
    number: int,
    created_ms: int,
    end_ms: int,
    rng: random.Random,
    profile: str,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return ``(order, orderTransactions)`` in Wix's REST shapes."""
    money = Money(rng.randrange(2), locale_of(profile, spec.lang))
    totals = _order.compute(spec)
    order_id = _txn.new_id(rng)
    phone = (
        f"+1 514 555 {rng.randrange(10000):04d}"
        if profile == "ca-qc"
        else f"+1 212 555 {rng.randrange(10000):04d}"
    )
    lines = [_order.line_json(spec, i, totals, money) for i in range(len(spec.lines))]
    pay_ms = created_ms + rng.randrange(2_000, 60_000)

    # Money movement.
    payments: list[dict[str, Any]] = []
    pending = spec.outcome == "pending"
    if spec.outcome in ("paid", "canceled_refunded") or spec.outcome.startswith("refund"):
        gift = min(spec.giftcard_cents, totals.total)
        if gift:
            payments.append(_txn.giftcard_payment(rng, gift, pay_ms, money))
        if totals.total - gift > 0:
            payments.append(_txn.regular_payment(rng, spec.method, totals.total - gift, pay_ms, money))
    elif spec.outcome == "partial":
        deposit = _tax.percent_of(totals.total, 400_000)
        payments.append(_txn.regular_payment(rng, spec.method, deposit, pay_ms, money))
    elif pending:
        payments.append(_txn.regular_payment(rng, spec.method, totals.total, pay_ms, money, "PENDING"))
    paid = 0 if pending else sum(_cents(p["amount"]["amount"]) for p in payments)

    state = _txn.Refundable(
        after_tax=[t.after_tax for t in totals.lines],
        qty=[ln.qty for ln in spec.lines],
        refunded_qty=[0] * len(spec.lines),
        shipping=totals.shipping.after_tax if totals.shipping else 0,
        shipping_refunded=False,
        payments=payments,
        remaining=[0 if pending else _cents(p["amount"]["amount"]) for p in payments],
    )
    refunds = []
    last_ms = pay_ms
    for r in spec.refunds:
        ms = min(max(created_ms + r.after_hours * 3_600_000 + rng.randrange(600_000), last_ms + 1000), end_ms)
        ms = max(ms, last_ms + 1000)
        made = _txn.refund(state, rng, list(r.items), r.shipping, r.full, r.reason, ms, money)
        if made is not None:
            refunds.append(made)
            last_ms = ms
    refunded = paid - state.left if not pending else 0
    for line, k in zip(lines, state.refunded_qty, strict=True):
        line["refundQuantity"] = k
    status = _txn.payment_status(totals.total, paid, refunded, pending)

    canceled = spec.outcome.startswith("canceled")
    events: list[tuple[int, dict[str, Any]]] = [(created_ms, {"type": "ORDER_PLACED"})]
    if status not in ("NOT_PAID", "PENDING"):
        events.append((pay_ms, {"type": "ORDER_PAID" if paid >= totals.total else "ORDER_PARTIALLY_PAID"}))
    events.extend(state.events)
    if canceled:
        last_ms = max(last_ms, pay_ms) + 60_000
        events.append((min(last_ms, max(end_ms, created_ms)), {"type": "ORDER_CANCELED"}))
    updated_ms = max(ms for ms, _ in events)

    order: dict[str, Any] = {
        "id": order_id,
        "number": str(number),
        "createdDate": timestamp(created_ms),
        "updatedDate": timestamp(updated_ms),
        "lineItems": lines,
        "buyerInfo": {"contactId": spec.contact_id, "email": spec.person.email},
        "paymentStatus": status,
        "fulfillmentStatus": _fulfillment(spec, status, canceled),
        "status": "CANCELED" if canceled else "APPROVED",
        "currency": "CAD" if profile == "ca-qc" else "USD",
        "taxIncludedInPrices": spec.inclusive,
        "weightUnit": "KG" if profile == "ca-qc" else "LB",
        "buyerLanguage": spec.lang,
        "siteLanguage": "fr" if profile == "ca-qc" else "en",
        "priceSummary": {
            "subtotal": money(totals.subtotal),
            "shipping": money(totals.shipping.net if totals.shipping else 0),
            "tax": money(totals.tax),
            "discount": money(totals.discount),
            "total": money(totals.total),
            "totalAdditionalFees": money(totals.fee.net if totals.fee else 0),
        },
        "billingInfo": {"address": _address(spec), "contactDetails": _contact(spec, phone)},
    }
    if spec.member_id:
        order["buyerInfo"]["memberId"] = spec.member_id
    else:
        order["buyerInfo"]["visitorId"] = _txn.new_id(rng)
    if spec.note:
        order["buyerNote"] = spec.note
    if totals.shipping is not None and spec.shipping is not None:
        order["shippingInfo"] = _shipping(spec, totals.shipping, money, phone)
    order["archived"] = False
    order["taxSummary"] = {"totalTax": money(totals.tax)}
    order["taxInfo"] = _order.order_tax_info(spec, totals, money)
    order["appliedDiscounts"] = _order.discounts_json(spec, totals, money)
    fee_name = "Frais de service" if spec.lang == "fr" and profile == "ca-qc" else "Service fee"
    order["additionalFees"] = [_order.fee_json(spec, totals.fee, money, fee_name)] if totals.fee else []
    order["activities"] = [
        {"id": _txn.new_id(rng), "createdDate": timestamp(ms), **body}
        for ms, body in sorted(events, key=_first)
    ]
    order["attributionSource"] = "UNSPECIFIED"
    order["createdBy"] = _created_by(spec, order, rng)
    order["channelInfo"] = {"type": spec.channel}
    order["seenByAHuman"] = True
    order["checkoutId"] = _txn.new_id(rng)
    order["cartId"] = _txn.new_id(rng)
    order["balanceSummary"] = _txn.balance_summary(totals.total, paid, refunded, status, money)
    if spec.outcome == "partial":
        order["payNow"] = {"total": money(paid)}
    order["customFields"] = []
    transactions = {"orderId": order_id, "payments": payments, "refunds": refunds}
    return order, transactions


def _first(event: tuple[int, dict[str, Any]]) -> int:
    return event[0]


def _cents(text: str) -> int:
    whole, _, frac = text.partition(".")
    sign = -1 if whole.startswith("-") else 1
    return sign * (abs(int(whole)) * 100 + int((frac + "00")[:2]))


def _created_by(spec: OrderSpec, order: dict[str, Any], rng: random.Random) -> dict[str, str]:
    if spec.channel == "POS":
        return {"userId": _txn.new_id(rng)}
    buyer = order["buyerInfo"]
    return {"memberId": buyer["memberId"]} if "memberId" in buyer else {"visitorId": buyer["visitorId"]}


def _fulfillment(spec: OrderSpec, status: str, canceled: bool) -> str:
    if spec.shipping is None or spec.pickup:
        return "FULFILLED"
    if canceled or status in ("NOT_PAID", "PENDING"):
        return "NOT_FULFILLED"
    return "FULFILLED"


def _shipping(spec: OrderSpec, t: _order.Taxed, money: Money, phone: str) -> dict[str, Any]:
    assert spec.shipping is not None
    title = spec.shipping[0]
    logistics: dict[str, Any]
    if spec.pickup:
        logistics = {"pickupDetails": {"address": _address(spec), "pickupMethod": "STORE_PICKUP"}}
    else:
        logistics = {
            "deliveryTime": "3 - 5 business days" if spec.lang == "en" else "3 à 5 jours ouvrables",
            "shippingDestination": {"address": _address(spec), "contactDetails": _contact(spec, phone)},
        }
    return {
        "code": fixed_id("shipping", title),
        "title": title,
        "logistics": logistics,
        "cost": _order.shipping_cost_json(spec, t, money),
        "region": {"name": spec.region.subdivision_name or spec.region.country_name},
    }
