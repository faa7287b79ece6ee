"""The QBO side as normalised frames: one row per document that QBO actually holds.

Input is what the caller read back from QBO (JSON dicts as QBO sends them, or the package's QBO
models), grouped by entity name: ``{"Invoice": [...], "SalesReceipt": [...], "Payment": [...],
"CreditMemo": [...], "RefundReceipt": [...]}``. A document is ours when its ``PrivateNote`` carries
the ``[wixqb:...]`` marker, or (sales only) when its DocNumber has our order prefix; other
documents are not part of the reconciliation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from wixqb_nb import money
from wixqb_nb.mapping import markers
from wixqb_nb.reconcile.settings import INVOICE, QBO_SHIPPING_ITEM, SALES_RECEIPT, ReconSettings
from wixqb_nb.reconcile.wix_frames import TOTAL_TAX_KEY, frame, rate_key

SALE_COLUMNS = (
    "doc_idx", "qbo_type", "qbo_id", "doc_number", "order_id", "order_number", "date", "total", "lines", "discount",
    "shipping", "rounding", "tax", "balance", "customer_id", "item_ids", "deposit_account", "has_tax_lines",
)  # fmt: skip
PAYMENT_COLUMNS = ("qbo_id", "order_id", "payment_id", "date", "amount", "linked_ids", "deposit_account")
REFUND_COLUMNS = ("qbo_type", "qbo_id", "doc_number", "order_id", "refund_id", "date", "amount")
TAX_COLUMNS = ("doc_idx", "order_id", "tax_key", "rate_id", "amount")
SALE_TYPES = (INVOICE, SALES_RECEIPT)
REFUND_TYPES = ("CreditMemo", "RefundReceipt")


@dataclass(frozen=True)
class QboFrames:
    """Normalised QBO documents. ``order_id`` is ``""`` when only a DocNumber points to the order."""

    sales: pd.DataFrame
    payments: pd.DataFrame
    refunds: pd.DataFrame
    taxes: pd.DataFrame


def normalise_qbo(documents: Mapping[str, Iterable[Any]], settings: ReconSettings) -> QboFrames:
    """Turn the documents QBO holds into :class:`QboFrames` (see the module docstring)."""
    sales: list[tuple[Any, ...]] = []
    taxes: list[tuple[Any, ...]] = []
    for qbo_type in SALE_TYPES:
        for raw in documents.get(qbo_type, ()):
            doc = _as_dict(raw)
            found = markers.parse_marker(doc.get("PrivateNote") or "")
            number = _order_number(doc.get("DocNumber"), settings)
            if found is None and number is None:
                continue
            order_id = found.order_id if found is not None and found.kind == "sale" else ""
            if found is not None and found.kind != "sale" and number is None:
                continue
            row, tax_rows = _sale(qbo_type, doc, order_id, number or "", settings, len(sales))
            sales.append(row)
            taxes.extend(tax_rows)
    pays: list[tuple[Any, ...]] = []
    for raw in documents.get("Payment", ()):
        doc = _as_dict(raw)
        found = markers.parse_marker(doc.get("PrivateNote") or "")
        if found is None or found.kind != "payment" or is_change_credit(found.source_id):
            continue  # a change credit's application moves no money: the invoice's Balance shows it
        linked = sorted(
            str(link.get("TxnId"))
            for line in doc.get("Line") or ()
            for link in line.get("LinkedTxn") or ()
            if link.get("TxnType") in SALE_TYPES
        )
        pays.append((str(doc.get("Id", "")), found.order_id, found.source_id, doc.get("TxnDate") or "",
                     _cents(doc.get("TotalAmt")), ",".join(linked), _ref(doc, "DepositToAccountRef")))  # fmt: skip
    refunds: list[tuple[Any, ...]] = []
    changes: list[tuple[str, str, Mapping[str, Any]]] = []
    for qbo_type in REFUND_TYPES:
        for raw in documents.get(qbo_type, ()):
            doc = _as_dict(raw)
            found = markers.parse_marker(doc.get("PrivateNote") or "")
            if found is None or found.kind != "refund":
                continue
            if qbo_type == "CreditMemo" and is_change_credit(found.source_id):
                changes.append((found.order_id, found.source_id, doc))
                continue
            refunds.append((qbo_type, str(doc.get("Id", "")), doc.get("DocNumber") or "", found.order_id,
                            found.source_id, doc.get("TxnDate") or "", _cents(doc.get("TotalAmt"))))  # fmt: skip
    refunds += _net_changes(sales, taxes, changes, settings)
    return QboFrames(
        sales=frame(sales, SALE_COLUMNS),
        payments=frame(pays, PAYMENT_COLUMNS),
        refunds=frame(refunds, REFUND_COLUMNS),
        taxes=frame(taxes, TAX_COLUMNS),
    )


def is_change_credit(source_id: str) -> bool:
    """A CreditMemo the sync made for a posted sale reduced in Wix (``change-r{revision}``), not
    for a Wix refund: it belongs to its sale, not to the refunds."""
    return source_id.startswith("change-r")


#: Columns of a sale row that a change credit reduces (lines, discount, shipping, rounding; tax).
_NETTED = tuple(SALE_COLUMNS.index(c) for c in ("total", "lines", "discount", "shipping", "rounding", "tax"))


def _net_changes(
    sales: list[tuple[Any, ...]],
    taxes: list[tuple[Any, ...]],
    changes: list[tuple[str, str, Mapping[str, Any]]],
    settings: ReconSettings,
) -> list[tuple[Any, ...]]:
    """Net each change credit into the first sale of its order (in place): its amounts per
    component and its TaxLines per rate come off the sale's, so the sale reads as Wix's order now
    is. A change credit whose sale QBO does not hold stays a refund row (reported as extra)."""
    first: dict[str, int] = {}
    order_col = SALE_COLUMNS.index("order_id")
    for at, row in enumerate(sales):
        if row[order_col]:
            first.setdefault(row[order_col], at)
    left: list[tuple[Any, ...]] = []
    for order_id, source_id, doc in changes:
        pos = first.get(order_id)
        if pos is None:
            left.append(("CreditMemo", str(doc.get("Id", "")), doc.get("DocNumber") or "", order_id,
                         source_id, doc.get("TxnDate") or "", _cents(doc.get("TotalAmt"))))  # fmt: skip
            continue
        sale = list(sales[pos])
        memo, memo_taxes = _sale("CreditMemo", doc, order_id, "", settings, sale[0])
        for col in _NETTED:
            sale[col] -= memo[col]
        sales[pos] = tuple(sale)
        taxes.extend((*t[:4], -t[4]) for t in memo_taxes)
    return left


def _sale(
    qbo_type: str, doc: Mapping[str, Any], order_id: str, number: str, settings: ReconSettings, idx: int
) -> tuple[tuple[Any, ...], list[tuple[Any, ...]]]:
    lines = discount = shipping = rounding = 0
    items: set[str] = set()
    shipping_ids = {QBO_SHIPPING_ITEM, settings.shipping_item_id}
    for line in doc.get("Line") or ():
        kind = line.get("DetailType")
        amount = _cents(line.get("Amount", 0))
        if kind == "DiscountLineDetail":
            discount += amount
        elif kind == "SalesItemLineDetail":
            item = str(((line.get("SalesItemLineDetail") or {}).get("ItemRef") or {}).get("value", ""))
            if item in shipping_ids:
                shipping += amount
            elif settings.rounding_item_id is not None and item == settings.rounding_item_id:
                rounding += amount
            elif settings.discount_item_id is not None and item == settings.discount_item_id:
                discount -= amount  # a discount item line carries a negative amount
            else:
                lines += amount
                items.add(item)
    detail = doc.get("TxnTaxDetail") or {}
    qbo_id = str(doc.get("Id", ""))
    tax_rows = [
        (idx, order_id, rate_key(money.parse_amount(t["TaxLineDetail"].get("TaxPercent", 0))),
         str((t["TaxLineDetail"].get("TaxRateRef") or {}).get("value", "")), _cents(t.get("Amount", 0)))
        for t in detail.get("TaxLine") or ()
        if t.get("TaxLineDetail")
    ]  # fmt: skip
    tax = _cents(detail.get("TotalTax", 0))
    if not tax_rows and tax:
        tax_rows.append((idx, order_id, TOTAL_TAX_KEY, "", tax))
    balance = _cents(doc.get("Balance", 0)) if qbo_type == INVOICE else 0
    row = (
        idx, qbo_type, qbo_id, doc.get("DocNumber") or "", order_id, number, doc.get("TxnDate") or "",
        _cents(doc.get("TotalAmt", 0)), lines, discount, shipping, rounding, tax, balance,
        _ref(doc, "CustomerRef"), ",".join(sorted(items)), _ref(doc, "DepositToAccountRef"),
        bool(detail.get("TaxLine")),
    )  # fmt: skip
    return row, tax_rows


def _order_number(doc_number: Any, settings: ReconSettings) -> str | None:
    """The Wix order number in a DocNumber with our prefix (``None`` without a prefix to trust)."""
    if not doc_number or not settings.order_prefix or settings.auto_doc_numbers:
        return None
    head = markers.sale_doc_number(settings.order_prefix, settings.order_separator, "")
    text = str(doc_number)
    return text[len(head) :] if text.startswith(head) and len(text) > len(head) else None


def _ref(doc: Mapping[str, Any], key: str) -> str:
    ref = doc.get(key) or {}
    return str(ref.get("value", "")) if isinstance(ref, Mapping) else ""


def _cents(value: Any) -> int:
    if value is None:
        return 0
    return money.to_cents(money.to_money(value))


def _as_dict(doc: Any) -> Mapping[str, Any]:
    if isinstance(doc, Mapping):
        return doc
    dumped: dict[str, Any] = doc.model_dump(by_alias=True, exclude_none=True, mode="python")
    return dumped
