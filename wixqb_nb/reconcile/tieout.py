"""Completeness tie-outs: counts and sums per day and module, on both sides.

They are computed from every row on each side (duplicates and unknown documents included), so a
document that silently failed to post, or one posted twice, always leaves a gap even when no
per-order rule caught it. (Tax per rate is tied out in :mod:`wixqb_nb.reconcile.taxes`.)
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from wixqb_nb.reconcile.keys import Mask, Rows, SalesMatch, ints, take
from wixqb_nb.reconcile.result import DailyTieOut

_KINDS = ("sales", "refunds", "payments")

#: One side of a tie-out: day, module and amount (cents) per row.
Side = tuple[npt.NDArray[Any], npt.NDArray[Any], Rows]


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
    documents take the module of their Wix order, or ``unknown``.
    """
    elig = sm.eligible
    module = sm.w("module")
    pays = wix_payments[invoiced[ints(wix_payments["sale_idx"])]]
    sides: dict[str, tuple[Side, Side]] = {
        "sales": (
            (sm.w("date")[elig], module[elig], sm.w("total")[elig]),
            (sm.q("date"), take(module, sm.q_pos, "unknown"), sm.q("total")),
        ),
        "refunds": (_wix(wix_refunds), _qbo(sm, qbo_refunds)),
        "payments": (_wix(pays), _qbo(sm, qbo_payments)),
    }
    rows: list[DailyTieOut] = []
    for kind in _KINDS:
        rows.extend(_tally(kind, *sides[kind]))
    rows.sort(key=lambda t: (t.date, t.module, _KINDS.index(t.kind)))
    return tuple(rows)


def _wix(df: pd.DataFrame) -> Side:
    return df["date"].to_numpy(dtype=object), df["module"].to_numpy(dtype=object), ints(df["amount"])


def _qbo(sm: SalesMatch, df: pd.DataFrame) -> Side:
    rows = sm.index.get_indexer(df["order_id"].to_numpy(dtype=object)).astype(np.int64)
    return df["date"].to_numpy(dtype=object), take(sm.w("module"), rows, "unknown"), ints(df["amount"])


def _tally(kind: str, w: Side, q: Side) -> list[DailyTieOut]:
    n_w = len(w[0])
    if n_w + len(q[0]) == 0:
        return []
    days, day_names = pd.factorize(np.concatenate([w[0], q[0]]))
    mods, mod_names = pd.factorize(np.concatenate([w[1], q[1]]))
    m = len(mod_names)
    cells = days.astype(np.int64) * m + mods
    size = len(day_names) * m
    w_n = np.bincount(cells[:n_w], minlength=size)
    q_n = np.bincount(cells[n_w:], minlength=size)
    w_sum = np.zeros(size, dtype=np.int64)
    q_sum = np.zeros(size, dtype=np.int64)
    np.add.at(w_sum, cells[:n_w], w[2])
    np.add.at(q_sum, cells[n_w:], q[2])
    return [
        DailyTieOut(
            str(day_names[c // m]),
            str(mod_names[c % m]),
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
