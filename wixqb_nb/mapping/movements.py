"""Money movements after the sale: Payments linked to an invoice, and refunds as credit documents.

Payments: one QBO Payment per successful Wix payment, linked to the invoice through a ``$ref``
placeholder (see :mod:`wixqb_nb.mapping.types`); the deposit account and QBO payment method come
from ``payments.methods`` (gift cards go to ``payments.gift_card_account``). Offline unpaid orders
have no successful payment and stay open.

Refunds (Stores and Bookings only; SUCCEEDED refund transactions only): a CreditMemo or a
RefundReceipt numbered ``{refund prefix}{sale number}-NN``, itemised by the refunded quantities with
their share of Wix's tax when that accounts exactly for the refunded money, otherwise one line of
the refunded amount.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from wixqb_nb import money
from wixqb_nb.config import Config, RefundDocument
from wixqb_nb.mapping import markers
from wixqb_nb.mapping.context import Context
from wixqb_nb.mapping.sale import Charge, SaleDraft
from wixqb_nb.mapping.snapshot import QboSnapshot, TaxCodeInfo
from wixqb_nb.mapping.tax import q2
from wixqb_nb.mapping.types import PlannedLine, PlannedWrite, ref
from wixqb_nb.models.wix import Order, Payment, Refund

ZERO = Decimal("0")


def tender_refs(
    payment: Payment, config: Config, ctx: Context | None = None
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """``(DepositToAccountRef, PaymentMethodRef)`` for a Wix payment, from the configuration.

    With ``ctx`` the answer is remembered per (payment kind, method); each call returns new dicts.
    """
    if ctx is None:
        return _tender_refs(payment, config)
    key = (payment.kind, payment.method)
    got = ctx.tenders.get(key)
    if got is None:
        got = ctx.tenders[key] = _tender_refs(payment, config)
    deposit, method = got
    return (dict(deposit) if deposit else None), (dict(method) if method else None)


def _tender_refs(payment: Payment, config: Config) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    pay = config.payments
    if payment.kind == "gift_card" and pay.gift_card_account is not None:
        return {"value": pay.gift_card_account.id}, None
    mapping = pay.for_method(payment.method)
    account = (mapping.deposit_account if mapping else None) or pay.default_deposit_account
    method = mapping.qbo_payment_method if mapping else None
    return ({"value": account.id} if account else None), ({"value": method.id} if method else None)


def plan_payments(
    order: Order,
    payments: list[Payment],
    config: Config,
    snap: QboSnapshot,
    *,
    sale_key: str,
    customer_ref: dict[str, Any],
    sale_total: Decimal,
    txn_date: str,
    depends: tuple[str, ...],
    ctx: Context | None = None,
    tz: ZoneInfo | None = None,
) -> list[PlannedWrite]:
    """A Payment per successful Wix payment, each applied to the invoice up to its open balance.

    A Payment is dated the day Wix took the money in ``tz`` (the account's time zone), falling back
    to ``txn_date`` (the sale's date) when Wix gives no date: an order invoiced unpaid and paid
    weeks later books the money on the day it came in, as the reconciliation's daily tie-out expects.
    """
    out: list[PlannedWrite] = []
    open_balance = sale_total
    multicurrency = snap.multicurrency and order.currency
    for p in payments:
        value = p.value
        if value <= 0 or not p.succeeded:
            continue
        when = p.created_date
        day = txn_date
        if when is not None and tz is not None:
            day = (when if when.tzinfo else when.replace(tzinfo=dt.UTC)).astimezone(tz).date().isoformat()
        applied = min(value, max(open_balance, ZERO))
        open_balance -= applied
        deposit, method = tender_refs(p, config, ctx)
        marker = markers.format_marker(order.id, "payment", p.id)
        payload: dict[str, Any] = {
            "CustomerRef": customer_ref,
            "TotalAmt": value,
            "TxnDate": day,
            "PrivateNote": f"Wix payment {p.method} on order {order.number} {marker}",
            "Line": (
                [{"Amount": applied, "LinkedTxn": [{"TxnId": ref(sale_key), "TxnType": "Invoice"}]}]
                if applied > 0
                else []
            ),
        }
        if deposit:
            payload["DepositToAccountRef"] = deposit
        if method:
            payload["PaymentMethodRef"] = method
        regular = p.regular_payment_details
        ref_num = regular.provider_transaction_id if regular is not None else None
        if ref_num:
            payload["PaymentRefNum"] = ref_num[:21]
        if multicurrency:
            payload["CurrencyRef"] = {"value": order.currency}
        out.append(
            PlannedWrite(
                "payment",
                "Payment",
                "create",
                payload,
                markers.idempotency_key(snap.realm_id, order.id, "payment", p.id, 1),
                p.id,
                None,
                marker,
                value,
                value,
                {},
                ZERO,
                (*depends, sale_key),
            )
        )
    return out


def refund_lines(
    refund: Refund, draft: SaleDraft, order: Order, amount: Decimal
) -> tuple[list[Charge], dict[str, Decimal]] | None:
    """Itemised refund charges and Wix tax per rate, when they account exactly for ``amount``."""
    by_id = {c.source_id: c for c in draft.charges if c.role == "product"}
    out: list[Charge] = []
    for it in refund.items:
        src = by_id.get(it.line_item_id)
        if src is None or it.quantity <= 0 or src.qty <= 0 or it.quantity > src.qty:
            return None
        share = Decimal(it.quantity) / Decimal(src.qty)
        net = q2(src.amount * share)
        parts = [q2(x * share) for x in src.wix_parts]
        tax = money.total(parts) if parts else q2(src.tax.amount * share)
        out.append(_refund_charge(src, it.quantity, net, tax, parts))
    ship = next((c for c in draft.charges if c.role == "shipping"), None)
    if refund.shipping_included and ship is not None:
        if refund.shipping_amount is not None and refund.shipping_amount != ship.gross:
            return None
        out.append(_refund_charge(ship, 1, ship.amount, ship.tax.amount, list(ship.wix_parts)))
    if not out:
        return None
    per_rate: dict[str, Decimal] = {}
    for ch in out:
        if isinstance(ch.code, TaxCodeInfo):
            for r, part in zip(ch.code.rates, ch.wix_parts, strict=False):
                per_rate[r.id] = per_rate.get(r.id, ZERO) + part
    total = money.total(c.amount for c in out) + money.total(c.tax.amount for c in out)
    return (out, per_rate) if total == amount else None


def _refund_charge(src: Charge, qty: int, net: Decimal, tax: Decimal, parts: list[Decimal]) -> Charge:
    from wixqb_nb.mapping.tax import WixTax

    return Charge(
        src.role,
        src.source_id,
        src.description,
        qty,
        net,
        net + tax,
        WixTax(tax, src.tax.rate),
        item=src.item,
        code=src.code,
        amount=net,
        wix_parts=parts,
    )


def plan_refund(
    order: Order,
    refund: Refund,
    index: int,
    draft: SaleDraft,
    config: Config,
    snap: QboSnapshot,
    *,
    sale_number: str | None,
    customer_ref: dict[str, Any],
    txn_date: str,
    payments: dict[str, Payment],
    depends: tuple[str, ...],
) -> PlannedWrite:
    """The credit document of one succeeded Wix refund."""
    amount = refund.succeeded_amount
    itemised = refund_lines(refund, draft, order, amount)
    entity = "CreditMemo" if config.refunds.document is RefundDocument.CREDIT_MEMO else "RefundReceipt"
    marker = markers.format_marker(order.id, "refund", refund.id)
    lines: list[dict[str, Any]] = []
    planned: list[PlannedLine] = []
    tax_detail: dict[str, Any] | None = None
    if itemised is not None:
        charges, per_rate = itemised
        for ch in charges:
            code = ch.code.id if isinstance(ch.code, TaxCodeInfo) else ch.code
            lines.append(
                _line(
                    ch.item.as_ref() if ch.item else {"value": "SHIPPING_ITEM_ID"},
                    ch.amount,
                    ch.description,
                    code,
                    ch.qty,
                )
            )
            planned.append(
                PlannedLine(
                    "refund",
                    ch.description,
                    ch.item.name if ch.item else "Shipping",
                    Decimal(ch.qty),
                    ch.amount / ch.qty,
                    ch.amount,
                    code,
                    ch.net,
                    ch.tax.amount,
                )
            )
        tax = money.total(c.tax.amount for c in charges)
        if snap.is_us:
            tax_detail = {"TotalTax": tax}
        elif per_rate:
            tax_detail = {
                "TotalTax": tax,
                "TaxLine": [
                    {
                        "Amount": v,
                        "DetailType": "TaxLineDetail",
                        "TaxLineDetail": {"TaxRateRef": {"value": k}, "PercentBased": True},
                    }
                    for k, v in per_rate.items()
                ],
            }
    else:
        first = next((c for c in draft.charges if c.role == "product" and c.item is not None), None)
        amount_item = config.refunds.amount_item
        item_ref = (
            {"value": amount_item.id}
            if amount_item is not None
            else first.item.as_ref()
            if first is not None and first.item is not None
            else {"value": "SHIPPING_ITEM_ID"}
        )
        item_name = (
            amount_item.name or amount_item.id
            if amount_item is not None
            else first.item.name
            if first is not None and first.item is not None
            else "Shipping"
        )
        untaxed = "NON" if snap.is_us else (config.taxes.untaxed_code.id if config.taxes.untaxed_code else "")
        desc = f"Refund on Wix order {order.number}" + (
            f": {refund.details.reason}" if refund.details and refund.details.reason else ""
        )
        lines.append(_line(item_ref, amount, desc, untaxed, 1))
        planned.append(
            PlannedLine(
                "refund",
                desc,
                item_name,
                Decimal(1),
                amount,
                amount,
                untaxed,
                amount,
                ZERO,
            )
        )
    payload: dict[str, Any] = {
        "TxnDate": txn_date,
        "CustomerRef": customer_ref,
        "PrivateNote": f"Wix refund on order {order.number} {marker}",
        "Line": lines,
    }
    doc_number = None
    if sale_number is not None:
        doc_number = markers.refund_doc_number(config.refunds.prefix, sale_number, index)
        payload["DocNumber"] = doc_number
    if tax_detail:
        payload["TxnTaxDetail"] = tax_detail
    if not snap.is_us and draft.global_tax:
        payload["GlobalTaxCalculation"] = "TaxExcluded"
    if config.advanced.default_location is not None:
        payload["DepartmentRef"] = {"value": config.advanced.default_location.id}
    if snap.multicurrency and order.currency:
        payload["CurrencyRef"] = {"value": order.currency}
    if entity == "RefundReceipt":
        if config.refunds.refund_from_account is not None:
            payload["DepositToAccountRef"] = {"value": config.refunds.refund_from_account.id}
        paid = next((payments[t.payment_id] for t in refund.transactions if t.payment_id in payments), None)
        if paid is not None:
            _, method = tender_refs(paid, config)
            if method:
                payload["PaymentMethodRef"] = method
    key = markers.idempotency_key(snap.realm_id, order.id, "refund", refund.id, 1)
    return PlannedWrite(
        kind="refund",
        entity=entity,
        operation="create",
        payload=payload,
        idempotency_key=key,
        source_id=refund.id,
        doc_number=doc_number,
        marker=marker,
        wix_total=amount,
        predicted_total=amount,
        depends_on=depends,
        lines=tuple(planned),
    )


def _line(item_ref: dict[str, Any], amount: Decimal, desc: str, code: str, qty: int) -> dict[str, Any]:
    unit = amount / qty
    if unit * qty != amount or unit != unit.quantize(Decimal("0.01")):
        qty, unit = 1, amount
    detail: dict[str, Any] = {"ItemRef": item_ref, "Qty": qty, "UnitPrice": unit.quantize(Decimal("0.01"))}
    if code:
        detail["TaxCodeRef"] = {"value": code}
    return {
        "DetailType": "SalesItemLineDetail",
        "Amount": amount,
        "Description": desc[:4000],
        "SalesItemLineDetail": detail,
    }
