"""``explain``: walk from Wix's amounts to the amounts QBO will compute, line by line and rate by rate.

What the rounding notebook shows: for every charge, Wix's net, tax and gross next to the QBO line
amount; for every QBO tax rate, the taxable base, QBO's tax rounded per line and on the total, the
method this company uses, the amount we send and the difference; then the document totals with the
rounding line that absorbs what remains.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from wixqb_nb import money
from wixqb_nb.config import Config
from wixqb_nb.mapping.entities import Pending
from wixqb_nb.mapping.sale import build_sale
from wixqb_nb.mapping.snapshot import QboSnapshot, TaxCodeInfo
from wixqb_nb.models.wix import Order, OrderTransactions

COLUMNS = [
    "section",
    "name",
    "qty",
    "wix_net",
    "wix_tax",
    "wix_gross",
    "qbo_amount",
    "tax_code",
    "qbo_tax_by_line",
    "qbo_tax_by_total",
    "qbo_tax_computed",
    "qbo_tax_sent",
    "difference",
]


def explain(
    order: Order,
    transactions: OrderTransactions | None,
    config: Config,
    snapshot: QboSnapshot,
    *,
    now: dt.datetime,
) -> pd.DataFrame:
    """A DataFrame (Decimal values) explaining the order's sale; an ``error`` row when it cannot map."""
    del transactions, now  # the sale's amounts depend on neither
    draft = build_sale(order, config, snapshot, Pending())
    if isinstance(draft, list):
        return pd.DataFrame(
            [{"section": "error", "name": f"{e.field}: {e.message}"} for e in draft], columns=COLUMNS
        )
    rows: list[dict[str, Any]] = []
    for ch in draft.charges:
        code = ch.code.name if isinstance(ch.code, TaxCodeInfo) else ch.code
        rows.append(
            {
                "section": ch.role,
                "name": ch.description,
                "qty": ch.qty,
                "wix_net": ch.net,
                "wix_tax": ch.tax.amount,
                "wix_gross": ch.gross,
                "qbo_amount": ch.amount,
                "tax_code": code,
            }
        )
    way = snapshot.tax_rounding
    for r in draft.rates:
        computed = r.by_line if way == "line" else r.by_total
        sent = r.wix if snapshot.honours_tax_override else computed
        rows.append(
            {
                "section": "rate",
                "name": f"{r.rate.name} {r.rate.percent}%",
                "wix_net": r.base,
                "wix_tax": r.wix,
                "qbo_amount": r.base,
                "qbo_tax_by_line": r.by_line,
                "qbo_tax_by_total": r.by_total,
                "qbo_tax_computed": computed,
                "qbo_tax_sent": sent,
                "difference": sent - computed,
            }
        )
    lines_total = money.total(ch.amount for ch in draft.charges if ch.role != "rounding")
    predicted_tax = money.total(draft.predicted_tax.values()) if draft.predicted_total is not None else None
    before = None if predicted_tax is None else lines_total + predicted_tax
    rows.append(
        {
            "section": "total",
            "name": "QBO before rounding",
            "wix_tax": draft.wix_tax,
            "wix_gross": draft.wix_total,
            "qbo_amount": before,
            "difference": None if before is None else draft.wix_total - before,
        }
    )
    rows.append({"section": "total", "name": "rounding line", "qbo_amount": draft.rounding})
    rows.append(
        {
            "section": "total",
            "name": "QBO total",
            "wix_gross": draft.wix_total,
            "qbo_amount": draft.predicted_total,
            "difference": None if draft.predicted_total is None else draft.wix_total - draft.predicted_total,
        }
    )
    return pd.DataFrame(rows, columns=COLUMNS)
