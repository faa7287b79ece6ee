"""The Wix side as normalised frames: one row per sale, payment, refund and tax amount.

Amounts are ``int64`` counts of minor units (cents) so that the comparison is exact and
vectorised; they become :class:`~decimal.Decimal` again only in the result. Dates are the day in
the account's time zone as ``YYYY-MM-DD`` text, the way QBO's ``TxnDate`` is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from wixqb_nb import money
from wixqb_nb.models.wix import Order, OrderTransactions
from wixqb_nb.reconcile.settings import ReconSettings

#: ``discount`` is the order-level discount Wix did not spread into the lines (what a discount line
#: in QBO should carry); ``balance`` is what the buyer still owes (never negative).
SALE_COLUMNS = (
    "order_id", "number", "date", "module", "status", "payment_status", "eligible", "expected_doc",
    "customer", "method", "total", "subtotal", "discount", "shipping", "tax", "fees", "balance",
)  # fmt: skip
#: ``sale_idx`` is the row of the order in the sales frame (so the comparison never looks ids up again).
PAYMENT_COLUMNS = ("order_id", "sale_idx", "payment_id", "date", "module", "method", "amount")
REFUND_COLUMNS = ("order_id", "sale_idx", "refund_id", "date", "module", "amount")
TAX_COLUMNS = ("order_id", "sale_idx", "tax_key", "tax_name", "amount")
MONEY_COLUMNS = frozenset({"total", "subtotal", "discount", "shipping", "tax", "fees", "balance", "amount"})

#: Tax key used when only a total tax is known (no rate).
TOTAL_TAX_KEY = "(total)"


@dataclass(frozen=True)
class WixFrames:
    """Normalised Wix data for a period. Frames are never modified after construction."""

    sales: pd.DataFrame
    payments: pd.DataFrame
    refunds: pd.DataFrame
    taxes: pd.DataFrame


def frame(rows: list[tuple[Any, ...]], columns: tuple[str, ...]) -> pd.DataFrame:
    """Build a normalised frame from row tuples (also when there are no rows); see :func:`typed`."""
    return typed(pd.DataFrame.from_records(rows, columns=list(columns)))


def typed(df: pd.DataFrame) -> pd.DataFrame:
    """Give a frame's columns their normalised types (a new frame).

    Money columns are nullable ``Int64`` cents (nullable integers survive an outer merge without
    turning into floats); row pointers are ``int64``; ``tax_key`` is a categorical (a handful of
    rates over many rows, compared by integer code); other text is ``object``.
    """
    df = df.reset_index(drop=True)
    out: dict[str, Any] = {}
    for col in df.columns:
        if col in MONEY_COLUMNS:
            out[col] = df[col].astype("Int64")
        elif col in ("doc_idx", "sale_idx"):
            out[col] = df[col].astype("int64")
        elif col in ("eligible", "has_tax_lines"):
            out[col] = df[col].astype(bool)
        elif col == "tax_key":
            out[col] = df[col].astype(object).astype("category")
        else:
            out[col] = df[col].astype(object)
    return pd.DataFrame(out, index=df.index)


def normalise_wix(
    orders: Iterable[Order | Mapping[str, Any]],
    transactions: Iterable[OrderTransactions | Mapping[str, Any]],
    settings: ReconSettings,
) -> WixFrames:
    """Turn Wix orders and their transactions into :class:`WixFrames`.

    Every order is kept (``eligible`` says whether the settings sync it), so that a document QBO
    holds for a canceled or filtered order is explained rather than called unknown. Payments and
    refunds are kept only when they succeeded; refunds only for the modules Wix refunds through
    credit notes (Stores, Bookings) and when refunds are synced.
    """
    tz = ZoneInfo(settings.time_zone)
    tx_by_order: dict[str, OrderTransactions] = {}
    for t in transactions:
        tx = t if isinstance(t, OrderTransactions) else OrderTransactions.model_validate(t)
        tx_by_order[tx.order_id] = tx
    sales: list[tuple[Any, ...]] = []
    pays: list[tuple[Any, ...]] = []
    refunds: list[tuple[Any, ...]] = []
    taxes: list[tuple[Any, ...]] = []
    for o in orders:
        order = o if isinstance(o, Order) else Order.model_validate(o)
        found = tx_by_order.get(order.id)
        module = order.module
        day = _local_day(order.created_date, tz)
        status = order.status or ""
        pstatus = order.payment_status or ""
        eligible = settings.wants(status, pstatus, module, day)
        good_payments = [p for p in (found.payments if found else []) if p.succeeded]
        idx = len(sales)
        sales.append(_sale_row(order, day, module, eligible, settings, good_payments))
        if not eligible:
            continue
        taxes.extend((order.id, idx, *row) for row in _tax_rows(order))
        for p in good_payments:
            pays.append((order.id, idx, p.id, _iso(_local_day(p.created_date, tz) or day), module, p.method,
                         _cents(p.value)))  # fmt: skip
        if settings.refunds_enabled and module in settings.refund_modules:
            for r in found.refunds if found else []:
                if r.succeeded:
                    rday = _local_day(r.created_date, tz) or day
                    refunds.append((order.id, idx, r.id, _iso(rday), module, _cents(r.succeeded_amount)))
    return WixFrames(
        sales=frame(sales, SALE_COLUMNS),
        payments=frame(pays, PAYMENT_COLUMNS),
        refunds=frame(refunds, REFUND_COLUMNS),
        taxes=frame(taxes, TAX_COLUMNS),
    )


def _sale_row(
    order: Order,
    day: dt.date | None,
    module: str,
    eligible: bool,
    settings: ReconSettings,
    payments: list[Any],
) -> tuple[Any, ...]:
    ps = order.price_summary
    total = order.total or Decimal(0)
    spread = money.total(line.discount for line in order.line_items)
    discount = max((_amount(ps.discount if ps else None) or Decimal(0)) - spread, Decimal(0))
    tax = order.total_tax or Decimal(0)
    balance = _amount(order.balance_summary.balance if order.balance_summary else None)
    if balance is None:
        paid = money.total(p.value for p in payments)
        balance = max(total - paid, Decimal(0))
    contact = order.billing_info.contact_details if order.billing_info else None
    customer = (contact.full_name if contact else "") or (order.email or "")
    pstatus = order.payment_status or ""
    return (
        order.id,
        order.number or "",
        _iso(day),
        module,
        order.status or "",
        pstatus,
        eligible,
        settings.document_for(pstatus, module),
        customer,
        payments[0].method if payments else "",
        _cents(total),
        _cents(_amount(ps.subtotal if ps else None) or Decimal(0)),
        _cents(discount),
        _cents(_amount(ps.shipping if ps else None) or Decimal(0)),
        _cents(tax),
        _cents(_amount(ps.total_additional_fees if ps else None) or Decimal(0)),
        _cents(max(balance, Decimal(0))),
    )


def _tax_rows(order: Order) -> list[tuple[Any, ...]]:
    """``(tax_key, tax_name, cents)`` per rate: the order's breakdown, else lines + shipping + fees by rate, else the total."""
    rows: dict[str, list[Any]] = {}

    def add(rate: Decimal | None, name: str | None, amount: Decimal) -> None:
        key = rate_key(rate * 100) if rate is not None else TOTAL_TAX_KEY
        entry = rows.setdefault(key, [name or (f"{key}%" if rate is not None else key), 0])
        entry[1] += _cents(amount)

    breakdown = order.tax_info.tax_breakdown if order.tax_info else []
    if breakdown:
        for b in breakdown:
            amount = _amount(b.aggregated_tax_amount)
            if amount:
                add(b.rate, b.tax_name, amount)
    else:
        cost = order.shipping_info.cost if order.shipping_info else None
        parts: list[Any] = [*order.line_items, *order.additional_fees, *([cost] if cost else [])]
        for part in parts:
            if part.tax_amount:
                add(part.tax_rate, None, part.tax_amount)
    total_tax = _cents(order.total_tax or Decimal(0))
    found = sum(v[1] for v in rows.values())
    if found != total_tax:
        # Tax only at order level (Wix's manual tax calculator): keep the total, unattributed.
        extra = rows.setdefault(TOTAL_TAX_KEY, [TOTAL_TAX_KEY, 0])
        extra[1] += total_tax - found
    return [(k, v[0], v[1]) for k, v in rows.items() if v[1]]


def rate_key(percent: Decimal) -> str:
    """A rate in percent as a stable text key: ``Decimal("9.9750")`` -> ``"9.975"``."""
    text = format(percent.normalize(), "f")
    return text


def _amount(price: Any) -> Decimal | None:
    return price.amount if price is not None else None


def _cents(amount: Decimal) -> int:
    return money.to_cents(money.quantize(amount))


def _local_day(when: dt.datetime | None, tz: ZoneInfo) -> dt.date | None:
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(tz).date()


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""
