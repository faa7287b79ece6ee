"""How a Wix order changes after it is placed: payments, refunds, cancellation, edits.

Each function takes the current order and its transactions record (never mutated) and returns new
copies, the way Wix would show them afterwards: a new payment or refund in Order Transactions,
``paymentStatus`` and ``balanceSummary`` recomputed, ``lineItems[].refundQuantity`` raised, an
activity appended and ``updatedDate`` bumped. Amounts stay strings, computed with Decimal.
"""

from __future__ import annotations

import copy
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from wixqb_nb import money


class ChangeError(ValueError):
    """A change that cannot apply to this order (unknown line, refund above what was paid...)."""


def iso(now: datetime) -> str:
    """Wix's timestamp format: UTC with milliseconds and a ``Z``."""
    return now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def _price(amount: Decimal, currency: str | None) -> dict[str, str]:
    text = str(money.quantize(amount, currency))
    return {"amount": text, "formattedAmount": f"{text} {currency or ''}".strip()}


def _amount(obj: Any) -> Decimal:
    try:
        return money.parse_amount(obj) if obj not in (None, "") else money.ZERO
    except money.MoneyParseError:
        return money.ZERO


def order_total(order: dict[str, Any]) -> Decimal:
    """``priceSummary.total``, or the deprecated ``totalPrice`` some old orders carry instead."""
    ps = order.get("priceSummary") or {}
    return _amount(ps.get("total") or ps.get("totalPrice"))


def paid_and_refunded(record: dict[str, Any]) -> tuple[Decimal, Decimal]:
    """Sums of the record's non-voided payments and of its succeeded refund transactions."""
    paid = money.ZERO
    for p in record.get("payments") or []:
        status = (p.get("regularPaymentDetails") or {}).get("status")
        voided = (p.get("giftcardPaymentDetails") or {}).get("voided") or (
            p.get("membershipPaymentDetails") or {}
        ).get("voided")
        if status in ("DECLINED", "CANCELED", "VOIDED", "PENDING") or voided:
            continue
        paid += _amount(p.get("amount"))
    refunded = money.ZERO
    for r in record.get("refunds") or []:
        for t in r.get("transactions") or []:
            if t.get("refundStatus", "SUCCEEDED") == "SUCCEEDED":
                refunded += _amount(t.get("amount"))
    return paid, refunded


def effective_paid(order: dict[str, Any], record: dict[str, Any]) -> tuple[Decimal, Decimal]:
    """Paid and refunded sums; an order with no transactions record at all (Wix's documentation
    examples) keeps what its ``balanceSummary`` says."""
    if not record.get("payments") and not record.get("refunds"):
        bs = order.get("balanceSummary") or {}
        return _amount(bs.get("paid")), _amount(bs.get("refunded"))
    return paid_and_refunded(record)


def _settle(order: dict[str, Any], record: dict[str, Any], now: datetime) -> None:
    """Recompute ``paymentStatus`` and ``balanceSummary`` from the transactions; bump ``updatedDate``."""
    currency = order.get("currency")
    total = order_total(order)
    paid, refunded = effective_paid(order, record)
    if refunded > 0:
        status = "FULLY_REFUNDED" if refunded >= paid and paid > 0 else "PARTIALLY_REFUNDED"
    elif paid >= total and (paid > 0 or total == 0):
        status = "PAID"
    elif paid > 0:
        status = "PARTIALLY_PAID"
    else:
        status = "NOT_PAID"
    order["paymentStatus"] = status
    balance = max(total - paid, money.ZERO) if refunded == 0 else money.ZERO
    order["balanceSummary"] = {
        **(order.get("balanceSummary") or {}),
        "balance": _price(balance, currency),
        "paid": _price(paid, currency),
        "refunded": _price(refunded, currency),
    }
    order["updatedDate"] = iso(now)


def _activity(order: dict[str, Any], kind: str, now: datetime, **content: Any) -> None:
    entry = {"id": str(uuid.uuid4()), "createdDate": iso(now), "type": kind, **content}
    order.setdefault("activities", []).append(entry)


def _copies(order: dict[str, Any], record: dict[str, Any] | None) -> tuple[dict[str, Any], dict[str, Any]]:
    rec = copy.deepcopy(record) if record else {"orderId": order["id"], "payments": [], "refunds": []}
    rec.setdefault("payments", [])
    rec.setdefault("refunds", [])
    return copy.deepcopy(order), rec


def add_payment(
    order: dict[str, Any],
    record: dict[str, Any] | None,
    now: datetime,
    *,
    amount: Any = None,
    method: str = "CreditCard",
    gift_card: bool = False,
    payment_id: str | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Record a payment (default: the balance still due) and mark the order paid or partially paid."""
    new, rec = _copies(order, record)
    paid, _ = paid_and_refunded(rec)
    due = order_total(new) - paid
    value = money.parse_amount(amount) if amount is not None else due
    if value <= 0:
        raise ChangeError(f"payment amount must be positive (balance due is {due})")
    pid = payment_id or str(uuid.uuid4())
    payment: dict[str, Any] = {"id": pid, "createdDate": iso(now), "updatedDate": iso(now)}
    if gift_card:
        payment["giftcardPaymentDetails"] = {
            "giftCardPaymentId": str(uuid.uuid4()),
            "giftCardId": str(uuid.uuid4()),
            "appId": "d80111c5-a0f4-47a8-b63a-65b54d774a27",
            "voided": False,
        }
    else:
        offline = method in ("Cash", "Offline", "InPerson")
        details: dict[str, Any] = {"paymentMethod": method, "offlinePayment": offline, "status": "APPROVED"}
        if not offline:
            details["gatewayTransactionId"] = str(uuid.uuid4())
            details["providerTransactionId"] = "pi_" + uuid.uuid4().hex[:24]
        payment["regularPaymentDetails"] = details
    payment["amount"] = _price(value, new.get("currency"))
    payment["refundDisabled"] = False
    rec["payments"].append(payment)
    _settle(new, rec, now)
    kind = "ORDER_PAID" if new["paymentStatus"] == "PAID" else "ORDER_PARTIALLY_PAID"
    _activity(new, kind, now)
    return new, rec


def add_refund(
    order: dict[str, Any],
    record: dict[str, Any] | None,
    now: datetime,
    *,
    amount: Any = None,
    items: list[dict[str, Any]] | None = None,
    shipping_included: bool = False,
    reason: str | None = None,
    payment_id: str | None = None,
    refund_id: str | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Refund ``amount`` (default: everything still refundable) against one payment (default: the
    last), with refunded item quantities; Wix keeps refunds only in Order Transactions."""
    new, rec = _copies(order, record)
    paid, refunded = paid_and_refunded(rec)
    refundable = paid - refunded
    value = money.parse_amount(amount) if amount is not None else refundable
    if value <= 0 or value > refundable:
        raise ChangeError(f"refund of {value} is not possible: {refundable} is refundable")
    payments = rec["payments"]
    if not payments:
        raise ChangeError("the order has no payment to refund")
    target = next((p for p in payments if p["id"] == payment_id), None) if payment_id else payments[-1]
    if target is None:
        raise ChangeError(f"no payment {payment_id} on this order")
    lines = {li["id"]: li for li in new.get("lineItems") or []}
    for it in items or []:
        line = lines.get(it.get("lineItemId"))
        qty = int(it.get("quantity", 0))
        if line is None:
            raise ChangeError(f"no line item {it.get('lineItemId')!r} on this order")
        if qty <= 0 or line.get("refundQuantity", 0) + qty > int(line.get("quantity", 0)):
            raise ChangeError(f"cannot refund {qty} of line {line['id']}")
        line["refundQuantity"] = line.get("refundQuantity", 0) + qty
    details: dict[str, Any] = {
        "items": [{"lineItemId": it["lineItemId"], "quantity": int(it["quantity"])} for it in items or []],
        "shippingIncluded": bool(shipping_included),
    }
    if reason:
        details["reason"] = reason
    rec["refunds"].append(
        {
            "id": refund_id or str(uuid.uuid4()),
            "transactions": [
                {
                    "paymentId": target["id"],
                    "amount": _price(value, new.get("currency")),
                    "refundStatus": "SUCCEEDED",
                    "gatewayRefundId": str(uuid.uuid4()),
                    "providerRefundId": "re_" + uuid.uuid4().hex[:24],
                    "externalRefund": False,
                }
            ],
            "details": details,
            "createdDate": iso(now),
        }
    )
    _settle(new, rec, now)
    text = str(money.quantize(value, new.get("currency")))
    _activity(new, "ORDER_REFUNDED", now, orderRefunded={"manual": False, "amount": {"amount": text}})
    return new, rec


def cancel(order: dict[str, Any], now: datetime) -> dict[str, Any]:
    """Cancel the order (status CANCELED); payments stay as they are, as in Wix."""
    if order.get("status") == "CANCELED":
        raise ChangeError("the order is already canceled")
    new = copy.deepcopy(order)
    new["status"] = "CANCELED"
    new["updatedDate"] = iso(now)
    _activity(new, "ORDER_CANCELED", now)
    return new


def touch(order: dict[str, Any], now: datetime) -> dict[str, Any]:
    """Bump ``updatedDate`` only (a change the sync must notice and find harmless)."""
    new = copy.deepcopy(order)
    new["updatedDate"] = iso(now)
    return new


def _rate(value: Any) -> Decimal:
    try:
        return Decimal(str(value)) if value not in (None, "") else money.ZERO
    except ArithmeticError:
        return money.ZERO


def _line_tax(gross: Decimal, rates: list[Decimal], inclusive: bool, currency: str | None) -> list[Decimal]:
    """Tax per jurisdiction rate, rounded half-up per line as Wix does."""
    if inclusive:
        net = gross / (1 + sum(rates, money.ZERO))
        return [money.quantize(net * r, currency) for r in rates]
    return [money.quantize(gross * r, currency) for r in rates]


def _aggregate(
    order: dict[str, Any], part: dict[str, Any], d_tax: Decimal, d_taxable: Decimal, cur: str | None
) -> None:
    """Move the order-level ``taxInfo.taxBreakdown`` entry of a line's jurisdiction by the line's
    change, as Wix does when an order is edited (matched by tax name and rate)."""
    entries = (order.get("taxInfo") or {}).get("taxBreakdown") or []
    for entry in entries:
        if entry.get("taxName") == part.get("taxName") and _rate(entry.get("rate")) == _rate(
            part.get("rate")
        ):
            entry["aggregatedTaxAmount"] = _price(_amount(entry.get("aggregatedTaxAmount")) + d_tax, cur)
            entry["aggregatedTaxableAmount"] = _price(
                _amount(entry.get("aggregatedTaxableAmount")) + d_taxable, cur
            )
            return


def edit_line(
    order: dict[str, Any],
    record: dict[str, Any] | None,
    now: datetime,
    *,
    line_id: str,
    quantity: int | None = None,
    price: Any = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Change a line's quantity and/or unit price after purchase (Wix's Draft Orders edit).

    The line's discount stays; its tax is recomputed at its own rate(s) and the order's
    ``priceSummary``, tax summaries and balance move by the differences.
    """
    new, rec = _copies(order, record)
    cur = new.get("currency")
    line = next((li for li in new.get("lineItems") or [] if li.get("id") == line_id), None)
    if line is None:
        raise ChangeError(f"no line item {line_id!r} on this order")
    inclusive = bool(new.get("taxIncludedInPrices"))
    old_p, old_q = _amount(line.get("price")), int(line.get("quantity", 0))
    new_p = money.parse_amount(price) if price is not None else old_p
    new_q = int(quantity) if quantity is not None else old_q
    if new_q <= 0 or new_p < 0:
        raise ChangeError("quantity must be positive and price not negative")
    disc = _amount(line.get("totalDiscount"))
    old_gross, new_gross = old_p * old_q - disc, new_p * new_q - disc
    if new_gross < 0:
        raise ChangeError("the line's discount exceeds its new price")
    tax_info = line.get("taxInfo") or {}
    breakdown = [b for b in tax_info.get("taxBreakdown") or [] if b.get("rate") not in (None, "")]
    rates = [_rate(b["rate"]) for b in breakdown] or [
        _rate(tax_info.get("taxRate", (line.get("taxDetails") or {}).get("taxRate")))
    ]
    old_tax = _amount((tax_info.get("taxAmount")) or (line.get("taxDetails") or {}).get("totalTax"))
    parts = _line_tax(new_gross, rates, inclusive, cur)
    new_tax = money.total(parts)
    d_tax = new_tax - old_tax
    before_is_gross = _amount(line.get("totalPriceBeforeTax")) == old_gross
    before = new_gross if (not inclusive or before_is_gross) else new_gross - new_tax
    line["quantity"] = new_q
    line["price"] = _price(new_p, cur)
    if "priceBeforeDiscounts" in line:
        line["priceBeforeDiscounts"] = _price(new_p, cur)
    if "lineItemPrice" in line:
        line["lineItemPrice"] = _price(new_p * new_q, cur)
    line["totalPriceBeforeTax"] = _price(before, cur)
    line["totalPriceAfterTax"] = _price(new_gross if inclusive else new_gross + new_tax, cur)
    if "taxDetails" in line:
        line["taxDetails"]["totalTax"] = _price(new_tax, cur)
        line["taxDetails"]["taxableAmount"] = _price(before, cur)
    old_before = _amount(tax_info.get("taxableAmount")) if tax_info else money.ZERO
    if tax_info:
        tax_info["taxAmount"] = _price(new_tax, cur)
        tax_info["taxableAmount"] = _price(before, cur)
        for b, part in zip(breakdown, parts, strict=True):
            _aggregate(new, b, part - _amount(b.get("taxAmount")), before - old_before, cur)
            b["taxAmount"] = _price(part, cur)
    ps = new.setdefault("priceSummary", {})
    ps["subtotal"] = _price(_amount(ps.get("subtotal")) + new_p * new_q - old_p * old_q, cur)
    ps["tax"] = _price(_amount(ps.get("tax")) + d_tax, cur)
    d_total = (new_gross - old_gross) + (money.ZERO if inclusive else d_tax)
    ps["total"] = _price(order_total(new) + d_total, cur)
    for holder in (new.get("taxSummary"), new.get("taxInfo")):
        if isinstance(holder, dict) and "totalTax" in holder:
            holder["totalTax"] = _price(_amount(holder["totalTax"]) + d_tax, cur)
    _settle(new, rec, now)
    _activity(new, "DRAFT_ORDER_CHANGES_APPLIED", now)
    return new, rec
