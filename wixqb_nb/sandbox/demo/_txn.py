"""Order Transactions (wix_api.md §3): payments and refunds, and what they do to the order.

Works on integer cents and plain JSON so that the initial generator and :func:`advance_store`
(which only has the JSON) share one implementation. Refunds carry money per payment and items
by quantity only, as Wix's do; card payments are refunded before gift cards.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from typing import Any

from . import _tax
from ._data import APP_GIFT_CARDS
from ._fmt import Money, line_id, timestamp

OFFLINE_METHODS = frozenset({"Cash", "Offline"})
_ALNUM = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"


def new_id(rng: random.Random) -> str:
    """A random (seeded) version-4 GUID."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _provider_id(rng: random.Random, method: str) -> str:
    if method == "Stripe":
        return "pi_" + "".join(rng.choice(_ALNUM) for _ in range(24))
    if method == "PayPal":
        return "".join(rng.choice(_ALNUM) for _ in range(17))
    return new_id(rng)


def regular_payment(
    rng: random.Random, method: str, cents: int, ms: int, money: Money, status: str = "APPROVED"
) -> dict[str, Any]:
    """A card, PayPal, Stripe or offline (Cash/Offline) payment."""
    offline = method in OFFLINE_METHODS
    details: dict[str, Any] = {"paymentOrderId": new_id(rng)}
    if not offline:
        details["gatewayTransactionId"] = new_id(rng)
    details["paymentMethod"] = method
    if not offline:
        details["providerTransactionId"] = _provider_id(rng, method)
    details["offlinePayment"] = offline
    details["status"] = status
    return {
        "id": new_id(rng),
        "regularPaymentDetails": details,
        "createdDate": timestamp(ms),
        "updatedDate": timestamp(ms),
        "amount": money(cents),
        "refundDisabled": offline,
    }


def giftcard_payment(rng: random.Random, cents: int, ms: int, money: Money) -> dict[str, Any]:
    """A gift-card redemption: a payment, not a discount."""
    return {
        "id": new_id(rng),
        "giftcardPaymentDetails": {
            "giftCardPaymentId": new_id(rng),
            "giftCardId": new_id(rng),
            "appId": APP_GIFT_CARDS,
            "voided": False,
        },
        "createdDate": timestamp(ms),
        "updatedDate": timestamp(ms),
        "amount": money(cents),
        "refundDisabled": False,
    }


@dataclass
class Refundable:
    """What is left to refund on an order, in cents, plus the payments' remaining amounts."""

    after_tax: list[int]  # per line: totalPriceAfterTax
    qty: list[int]
    refunded_qty: list[int]
    shipping: int  # shipping after tax (0 when none)
    shipping_refunded: bool
    payments: list[dict[str, Any]]
    remaining: list[int]  # per payment: amount not yet refunded
    events: list[tuple[int, dict[str, Any]]] = field(default_factory=list)

    @property
    def left(self) -> int:
        return sum(self.remaining)


def refund(
    state: Refundable,
    rng: random.Random,
    items: list[tuple[int, int]],
    shipping: bool,
    full: bool,
    reason: str,
    ms: int,
    money: Money,
) -> dict[str, Any] | None:
    """Record one refund on ``state`` and return its JSON (None when nothing is left to refund).

    Item money is the line's after-tax total pro rata to the quantity refunded, rounded half-up;
    a full refund returns whatever is still refundable (items, shipping and fees).
    """
    if full:
        items = [
            (i, q - r) for i, (q, r) in enumerate(zip(state.qty, state.refunded_qty, strict=True)) if q > r
        ]
        shipping = state.shipping > 0 and not state.shipping_refunded
        cents = state.left
    else:
        items = [(i, min(k, state.qty[i] - state.refunded_qty[i])) for i, k in items]
        items = [(i, k) for i, k in items if k > 0]
        cents = sum(_tax.prorate(state.after_tax[i], k, state.qty[i]) for i, k in items)
        if shipping and not state.shipping_refunded:
            cents += state.shipping
        else:
            shipping = False
        cents = min(cents, state.left)
    if cents <= 0:
        return None
    for i, k in items:
        state.refunded_qty[i] += k
    state.shipping_refunded = state.shipping_refunded or shipping
    order = sorted(
        range(len(state.payments)), key=lambda n: ("giftcardPaymentDetails" in state.payments[n], n)
    )
    transactions = []
    todo = cents
    for n in order:
        take = min(todo, state.remaining[n])
        if take <= 0:
            continue
        todo -= take
        state.remaining[n] -= take
        transactions.append(_refund_txn(rng, state.payments[n], take, money))
    refund_id = new_id(rng)
    state.events.append(
        (
            ms,
            {
                "type": "ORDER_REFUNDED",
                "orderRefunded": {
                    "manual": any(t["externalRefund"] for t in transactions),
                    "amount": money(cents),
                    "reason": reason,
                },
            },
        )
    )
    _mark_refunded(state)
    return {
        "id": refund_id,
        "transactions": transactions,
        "details": {
            "items": [{"lineItemId": line_id(i + 1), "quantity": k} for i, k in items],
            "shippingIncluded": shipping,
            "reason": reason,
        },
        "createdDate": timestamp(ms),
    }


def _refund_txn(rng: random.Random, payment: dict[str, Any], cents: int, money: Money) -> dict[str, Any]:
    regular = payment.get("regularPaymentDetails")
    out: dict[str, Any] = {"paymentId": payment["id"], "amount": money(cents), "refundStatus": "SUCCEEDED"}
    external = bool(regular and regular.get("offlinePayment"))
    if regular is not None and not external:
        out["gatewayRefundId"] = new_id(rng)
        out["providerRefundId"] = new_id(rng)
    out["externalRefund"] = external
    return out


def _mark_refunded(state: Refundable) -> None:
    for payment, left in zip(state.payments, state.remaining, strict=True):
        regular = payment.get("regularPaymentDetails")
        if regular is None:
            continue
        regular["status"] = "REFUNDED" if left == 0 else "PARTIALLY_REFUNDED"


def payment_status(total: int, paid: int, refunded: int, pending: bool) -> str:
    """Wix ``paymentStatus`` from the money that moved."""
    if pending:
        return "PENDING"
    if paid == 0:
        return "NOT_PAID"
    if refunded >= paid and refunded > 0:
        return "FULLY_REFUNDED"
    if refunded > 0:
        return "PARTIALLY_REFUNDED"
    return "PAID" if paid >= total else "PARTIALLY_PAID"


def balance_summary(total: int, paid: int, refunded: int, status: str, money: Money) -> dict[str, Any]:
    """``balanceSummary``: what is still due (Wix's rule per payment status), paid and refunded."""
    due = total - paid if status in ("NOT_PAID", "PARTIALLY_PAID") else 0
    return {"balance": money(due), "paid": money(paid), "refunded": money(refunded)}
