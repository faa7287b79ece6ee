"""Tax per (order, rate) on both sides, and tax collected per rate over the period.

Tax rows point to their sale by row number (Wix: ``sale_idx``, QBO: ``doc_idx``) and the rate is
a categorical, so the per-order sums are one ``np.add.at`` per side on a dense grid of
(compared order, rate) cells; no text key is hashed here.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from wixqb_nb.reconcile.keys import Mask, Rows, SalesMatch, Table, ints, take
from wixqb_nb.reconcile.result import TaxTieOut
from wixqb_nb.reconcile.wix_frames import TOTAL_TAX_KEY

#: Above this many (order, rate) cells the grid is compacted to the cells that occur.
_DENSE_LIMIT = 4_000_000


def _codes(values: pd.Series) -> tuple[Rows, list[str]]:
    if isinstance(values.dtype, pd.CategoricalDtype):
        cat_codes: Rows = np.asarray(values.cat.codes, dtype=np.int64)
        return cat_codes, [str(c) for c in values.cat.categories]
    codes, uniques = pd.factorize(values.to_numpy(dtype=object))
    return np.asarray(codes, dtype=np.int64), [str(u) for u in uniques]


class TaxGrid:
    """Wix taxes (keyed as QBO books them) against QBO's TaxLines for the compared orders.

    ``slot`` ``i`` is the ``i``-th compared pair of ``sm`` (``sm.bw[i]``, ``sm.bq[i]``). A Wix
    order whose QBO document holds no TaxLines (US automated sales tax: one ``TotalTax``) has its
    taxes summed under :data:`TOTAL_TAX_KEY`, as QBO books them.
    """

    def __init__(self, wix_taxes: pd.DataFrame, qbo_taxes: pd.DataFrame, sm: SalesMatch) -> None:
        self.sm = sm
        wcodes, wcats = _codes(wix_taxes["tax_key"])
        qcodes, qcats = _codes(qbo_taxes["tax_key"])
        self.keys = sorted({*wcats, *qcats, TOTAL_TAX_KEY})
        index = pd.Index(self.keys, dtype=object)
        wk = index.get_indexer(pd.Index(wcats, dtype=object))[wcodes] if len(wcodes) else wcodes
        qk = index.get_indexer(pd.Index(qcats, dtype=object))[qcodes] if len(qcodes) else qcodes
        total = self.keys.index(TOTAL_TAX_KEY)
        nb = len(sm.bw)
        slot_of_w = np.full(len(sm.ws), -1, dtype=np.int64)
        slot_of_w[sm.bw] = np.arange(nb)
        w_slot = slot_of_w[ints(wix_taxes["sale_idx"])]
        doc_idx = ints(sm.qs["doc_idx"])
        doc_row = np.full(int(doc_idx.max()) + 1 if len(doc_idx) else 0, -1, dtype=np.int64)
        doc_row[doc_idx] = np.arange(len(doc_idx))
        slot_of_q = np.full(len(sm.qs), -1, dtype=np.int64)
        slot_of_q[sm.bq] = np.arange(nb)
        q_slot = slot_of_q[doc_row[ints(qbo_taxes["doc_idx"])]]
        no_lines = ~sm.q("has_tax_lines").astype(bool)[sm.bq]
        to_total = take(no_lines, w_slot, False).astype(bool)
        #: Per Wix tax row: the rate key code as QBO books it, and the tax name.
        self.w_key: Rows = np.where(to_total, total, wk).astype(np.int64)
        names = wix_taxes["tax_name"].to_numpy(dtype=object)
        self.w_name = np.where(to_total, TOTAL_TAX_KEY, names) if to_total.any() else names
        self.q_key: Rows = qk.astype(np.int64)
        self.w_amount = ints(wix_taxes["amount"])
        self.q_amount = ints(qbo_taxes["amount"])
        # The grid of (compared order, rate) cells, both sides.
        t = len(self.keys)
        ws, qs = _compared(w_slot), _compared(q_slot)
        w_cell = w_slot[ws] * t + self.w_key[ws]
        q_cell = q_slot[qs] * t + self.q_key[qs]
        if nb * t <= _DENSE_LIMIT:
            cells: Rows = np.arange(nb * t, dtype=np.int64)
            wi, qi = w_cell, q_cell
        else:
            found = np.unique(np.concatenate([w_cell, q_cell]), return_inverse=True)
            cells = found[0].astype(np.int64)
            inv = found[1].astype(np.int64)
            wi, qi = inv[: len(w_cell)], inv[len(w_cell) :]
        self.wix = np.zeros(len(cells), dtype=np.int64)
        self.qbo = np.zeros(len(cells), dtype=np.int64)
        np.add.at(self.wix, wi, self.w_amount[ws])
        np.add.at(self.qbo, qi, self.q_amount[qs])
        self.cell_slot: Rows = cells // t
        self.cell_key: Rows = cells % t

    def differences(self, absorbed: Mask) -> Table:
        """Cells whose tax differs, on orders not absorbed (``absorbed`` is a mask over slots)."""
        hit = np.flatnonzero((self.wix != self.qbo) & ~absorbed[self.cell_slot])
        slots = self.cell_slot[hit]
        sm = self.sm
        bw, bq = sm.bw[slots], sm.bq[slots]
        return {
            "order_id": sm.w("order_id")[bw], "tax_key": np.array(self.keys, dtype=object)[self.cell_key[hit]],
            "wix": self.wix[hit], "qbo": self.qbo[hit], "number": sm.w("number")[bw],
            "qbo_type": sm.q("qbo_type")[bq], "qbo_id": sm.q("qbo_id")[bq], "doc_number": sm.q("doc_number")[bq],
        }  # fmt: skip

    def tieouts(self, absorbed: Mask) -> tuple[TaxTieOut, ...]:
        """Tax per rate over the whole period (every row on each side, duplicates included).

        The gap on orders whose total the rounding item brought back to Wix's is ``absorbed``.
        """
        t = len(self.keys)
        w_n = np.bincount(self.w_key, minlength=t)
        q_n = np.bincount(self.q_key, minlength=t)
        w_sum = _sums(self.w_key, self.w_amount, t)
        q_sum = _sums(self.q_key, self.q_amount, t)
        on = absorbed[self.cell_slot]
        ab = _sums(self.cell_key[on], self.qbo[on] - self.wix[on], t)
        out: list[TaxTieOut] = []
        for k in np.flatnonzero((w_n > 0) | (q_n > 0)):
            key = self.keys[k]
            name: Any = self.w_name[int(np.argmax(self.w_key == k))] if w_n[k] else None
            if not isinstance(name, str):
                name = key if key == TOTAL_TAX_KEY else f"{key}%"
            out.append(TaxTieOut(key, name, _dec(w_sum[k]), _dec(q_sum[k]), _dec(ab[k])))
        return tuple(out)


def _compared(slots: Rows) -> Any:
    """Rows on a compared order: a mask, or a whole slice when every row is (no copy then)."""
    mask = slots >= 0
    return slice(None) if mask.all() else mask


def _sums(codes: Rows, amounts: Rows, n: int) -> Rows:
    out = np.zeros(n, dtype=np.int64)
    np.add.at(out, codes, amounts)
    return out


def _dec(cents: np.int64 | int) -> Decimal:
    return Decimal(int(cents)).scaleb(-2)
