"""Completeness tie-outs: counts and sums per day and module, on both sides.

They are computed from every row on each side (duplicates and unknown documents included), so a
document that silently failed to post, or one posted twice, always leaves a gap even when no
per-order rule caught it. (Tax per rate is tied out in :mod:`wixqb_nb.reconcile.taxes`.)
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd

from wixqb_nb.reconcile.keys import Labels, Mask, Rows, SalesMatch, ints, take
from wixqb_nb.reconcile.result import DailyTieOut

_KINDS = ("sales", "refunds", "payments")

#: One side of a tie-out: day code, module code and amount (cents) per row.
Side = tuple[Rows, Rows, Rows]


def daily(
    sm: SalesMatch,
    wix_payments: pd.DataFrame,
    wix_refunds: pd.DataFrame,
    qbo_payments: pd.DataFrame,
    qbo_refunds: pd.DataFrame,
    invoiced: Mask,
) -> tuple[DailyTieOut, ...]:
    """Per day (account time zone) and module: Wix against QBO for sales, refunds and payments.

    Only Wix orders the settings sync count; Wix payments count only for orders booked as
    invoices (``invoiced``, a mask over Wix rows: a sales receipt records its own payment). QBO
    documents take the module of their Wix order, or ``unknown``. Days and modules are counted
    by integer code (each text column is factorised once).
    """
    elig = sm.eligible
    days = sm.labels("w", "date").copy()
    mods = sm.labels("w", "module").copy()
    unknown = mods.code("unknown")
    q_days = days.recode(sm.labels("q", "date"))
    w_amt, q_amt = sm.w("total"), sm.q("total")
    rows = _tally("sales", days, mods, (days.codes[elig], mods.codes[elig], w_amt[elig]),
                  (q_days, take(mods.codes, sm.q_pos, unknown), q_amt))  # fmt: skip
    pays = wix_payments[invoiced[ints(wix_payments["sale_idx"])]]
    for kind, w, q in (("refunds", wix_refunds, qbo_refunds), ("payments", pays, qbo_payments)):
        if len(w) + len(q) == 0:
            continue
        w_rows = ints(w["sale_idx"])
        q_rows = sm.index.get_indexer(q["order_id"].to_numpy(dtype=object)).astype(np.int64)
        w_days = days.recode(Labels.of(w["date"].to_numpy(dtype=object)))
        q_days = days.recode(Labels.of(q["date"].to_numpy(dtype=object)))
        rows += _tally(kind, days, mods, (w_days, mods.codes[w_rows], ints(w["amount"])),
                       (q_days, take(mods.codes, q_rows, unknown), ints(q["amount"])))  # fmt: skip
    rows.sort(key=lambda t: (t.date, t.module, _KINDS.index(t.kind)))
    return tuple(rows)


def _tally(kind: str, days: Labels, mods: Labels, w: Side, q: Side) -> list[DailyTieOut]:
    """Count and sum per (day, module) cell on both sides; the cells present on either side."""
    m = len(mods.names)
    size = len(days.names) * m
    w_cells, q_cells = w[0] * m + w[1], q[0] * m + q[1]
    w_n = np.bincount(w_cells, minlength=size)
    q_n = np.bincount(q_cells, minlength=size)
    w_sum = np.zeros(size, dtype=np.int64)
    q_sum = np.zeros(size, dtype=np.int64)
    np.add.at(w_sum, w_cells, w[2])
    np.add.at(q_sum, q_cells, q[2])
    return [
        DailyTieOut(
            days.names[c // m],
            mods.names[c % m],
            kind,
            int(w_n[c]),
            int(q_n[c]),
            _dec(w_sum[c]),
            _dec(q_sum[c]),
        )  # fmt: skip
        for c in np.flatnonzero((w_n > 0) | (q_n > 0))
    ]


def _dec(cents: np.int64 | int) -> Decimal:
    return Decimal(int(cents)).scaleb(-2)
