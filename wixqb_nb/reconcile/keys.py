"""Wix orders matched to QBO sales documents by integer row numbers.

Order ids are text; hashing 100,000 of them costs more than the whole rest of the comparison, so
it is done once: every QBO document gets the row of its Wix order (``-1`` for none), and from
then on the comparison works on ``int64`` arrays (row numbers, cents) with NumPy. Rows are turned
back into small column tables, and then into Python objects, only for what was flagged.

The matching is the outer join of the Wix sales with the QBO sales documents on the order id,
after the extra documents of an order (duplicates) are set aside: the first document per order
(lowest QBO Id) is the one compared; documents with no order id (found by a DocNumber that names
no Wix order) are orphans.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from wixqb_nb.reconcile.settings import INVOICE, SALES_RECEIPT

Rows = npt.NDArray[np.int64]
Mask = npt.NDArray[np.bool_]
#: A few rows as columns (name -> array): what the row-by-row code reads, built without pandas.
Table = dict[str, npt.NDArray[Any]]


def ints(values: pd.Series) -> Rows:
    """An integer (cents or row number) column as ``int64`` (missing values as 0)."""
    return values.to_numpy(dtype=np.int64, na_value=0)


def take(values: npt.NDArray[Any], rows: Rows, fill: Any) -> npt.NDArray[Any]:
    """``values[rows]`` with ``fill`` where ``rows`` is ``-1``."""
    if len(values) == 0:
        return np.full(len(rows), fill, dtype=values.dtype)
    if len(rows) == 0 or rows.min() >= 0:
        return values[rows]
    return np.where(rows >= 0, values[rows], fill)


class Labels:
    """Text values as integer codes into ``names`` (``pd.factorize``, done once per column)."""

    def __init__(self, codes: Rows, names: list[str]) -> None:
        self.codes = codes
        self.names = names

    @classmethod
    def of(cls, values: npt.NDArray[Any]) -> Labels:
        """Factorise an array of text."""
        codes, uniques = pd.factorize(values)
        return cls(np.asarray(codes, dtype=np.int64), [str(u) for u in uniques])

    def copy(self) -> Labels:
        """A copy whose ``names`` can grow without changing this one."""
        return Labels(self.codes, list(self.names))

    def code(self, name: str) -> int:
        """The code of ``name``, added to ``names`` when new."""
        if name not in self.names:
            self.names.append(name)
        return self.names.index(name)

    def recode(self, other: Labels) -> Rows:
        """``other``'s codes in this object's names (new names are added)."""
        lookup = np.array([self.code(n) for n in other.names], dtype=np.int64)
        return lookup[other.codes] if len(lookup) else other.codes


class SalesMatch:
    """The Wix sales frame ``ws`` against the QBO sales frame ``qs``, by row numbers.

    Attributes (all row numbers are positions, ``int64``):

    ``q_pos``
        Per QBO document, the row of its Wix order, or ``-1``.
    ``extras``
        Documents that repeat an order already held by another document (sorted by order id,
        then QBO Id).
    ``orphans``
        Documents with no order id.
    ``unknown``
        Documents (first per order) whose order id is no Wix order.
    ``pw``, ``pq``
        The matched pairs: Wix row and QBO row (first document per order).
    ``bw``, ``bq``
        The matched pairs whose Wix order the settings sync (what is compared).
    ``eligible``
        Per Wix row, whether the settings sync it.
    """

    def __init__(self, ws: pd.DataFrame, qs: pd.DataFrame) -> None:
        self.ws = ws
        self.qs = qs
        self.index = pd.Index(ws["order_id"].to_numpy(dtype=object), dtype=object)
        if not self.index.is_unique:
            raise pd.errors.MergeError("Wix order ids are not unique; not a one-to-one merge")
        q_ids = qs["order_id"].to_numpy(dtype=object)
        self.q_pos: Rows = self.index.get_indexer(q_ids).astype(np.int64)
        keyed = q_ids != ""
        self.eligible: Mask = ws["eligible"].to_numpy(dtype=bool)
        qbo_type = qs["qbo_type"].to_numpy(dtype=object)
        self.is_invoice: Mask = qbo_type == INVOICE
        self.is_receipt: Mask = qbo_type == SALES_RECEIPT
        extras, primary = self._duplicates(q_ids, keyed)
        self.extras = extras
        self.orphans: Rows = np.flatnonzero(~keyed).astype(np.int64)
        found = primary & (self.q_pos >= 0)
        self.unknown: Rows = np.flatnonzero(primary & keyed & (self.q_pos < 0)).astype(np.int64)
        self.pq: Rows = np.flatnonzero(found).astype(np.int64)
        self.pw: Rows = self.q_pos[self.pq]
        synced = self.eligible[self.pw]
        self.bw, self.bq = self.pw[synced], self.pq[synced]
        self.uw, self.uq = self.pw[~synced], self.pq[~synced]
        self.q_of_w: Rows = np.full(len(ws), -1, dtype=np.int64)
        self.q_of_w[self.pw] = self.pq
        self._cols: dict[tuple[str, str], npt.NDArray[Any]] = {}
        self._labels: dict[tuple[str, str], Labels] = {}

    def _duplicates(self, q_ids: npt.NDArray[Any], keyed: Mask) -> tuple[Rows, Mask]:
        """The extra documents per order id, and a mask of the documents kept."""
        n_w = len(self.ws)
        code = self.q_pos.copy()
        unmatched = keyed & (code < 0)
        if unmatched.any():
            code[unmatched] = n_w + pd.factorize(q_ids[unmatched])[0]
        code[~keyed] = n_w + len(q_ids)  # one bucket that is never a duplicate
        counts = np.bincount(code, minlength=n_w + len(q_ids) + 1)
        counts[-1] = 0
        dup = counts[code] > 1
        keep = np.ones(len(q_ids), dtype=bool)
        if not dup.any():
            return np.zeros(0, dtype=np.int64), keep
        rows = np.flatnonzero(dup)
        qbo_id = pd.to_numeric(pd.Series(self.qs["qbo_id"].to_numpy()[rows]), errors="coerce").fillna(0)
        rows = rows[np.lexsort((qbo_id.to_numpy(), q_ids[rows]))]
        first = ~pd.Series(q_ids[rows]).duplicated(keep="first").to_numpy()
        keep[rows[~first]] = False
        return rows[~first].astype(np.int64), keep

    def w(self, col: str) -> npt.NDArray[Any]:
        """A Wix sales column as an array (money columns as ``int64`` cents)."""
        return self._col("w", self.ws, col)

    def q(self, col: str) -> npt.NDArray[Any]:
        """A QBO sales column as an array (money columns as ``int64`` cents)."""
        return self._col("q", self.qs, col)

    def labels(self, side: str, col: str) -> Labels:
        """A text column of the Wix (``"w"``) or QBO (``"q"``) sales as codes (computed once)."""
        key = (side, col)
        if key not in self._labels:
            self._labels[key] = Labels.of(self.w(col) if side == "w" else self.q(col))
        return self._labels[key]

    def _col(self, side: str, df: pd.DataFrame, col: str) -> npt.NDArray[Any]:
        key = (side, col)
        if key not in self._cols:
            s = df[col]
            self._cols[key] = ints(s) if isinstance(s.dtype, pd.Int64Dtype) else s.to_numpy()
        return self._cols[key]

    # --- the flagged rows as small column tables, with the column names of an outer merge -----

    def pairs(self, wi: Rows, qi: Rows) -> Table:
        """Matched rows as one table: shared columns get ``_w`` / ``_q`` suffixes."""
        right = self.qbo_rows(qi, suffix=True)
        del right["order_id"]
        return {**self.wix_rows(wi, suffix=True), **right}

    def wix_rows(self, rows: Rows, *, suffix: bool = False) -> Table:
        """Wix sales rows (suffixed as in a merge when ``suffix``)."""
        names = self._shared("_w") if suffix else {}
        return {names.get(c, c): self.w(c)[rows] for c in self.ws.columns}

    def qbo_rows(self, rows: Rows, *, suffix: bool = False) -> Table:
        """QBO sales rows (suffixed as in a merge when ``suffix``)."""
        names = self._shared("_q") if suffix else {}
        return {names.get(c, c): self.q(c)[rows] for c in self.qs.columns}

    def _shared(self, suffix: str) -> dict[str, str]:
        shared = (set(self.ws.columns) & set(self.qs.columns)) - {"order_id"}
        return {c: c + suffix for c in shared}

    def merged_rows(self) -> tuple[Rows, Rows]:
        """Rows of the outer join in its order (by order id): Wix row and QBO row, ``-1`` for none."""
        n_w = len(self.ws)
        ids = np.concatenate([self.ws["order_id"].to_numpy(dtype=object),
                              self.qs["order_id"].to_numpy(dtype=object)[self.unknown]])  # fmt: skip
        order = np.argsort(ids, kind="stable")
        wrow = np.concatenate(
            [np.arange(n_w, dtype=np.int64), np.full(len(self.unknown), -1, dtype=np.int64)]
        )
        qrow = np.concatenate([self.q_of_w, self.unknown])
        return wrow[order], qrow[order]


class Numbers:
    """Wix order number by order id, for the orders in ``allowed`` (a mask over Wix rows)."""

    def __init__(self, sm: SalesMatch, allowed: Mask | None = None) -> None:
        self._sm = sm
        self._allowed = allowed

    def get(self, order_id: Any, default: str = "") -> Any:
        """The order number, or ``default``."""
        try:
            row = self._sm.index.get_loc(order_id)
        except (KeyError, TypeError):
            return default
        if not isinstance(row, int) or (self._allowed is not None and not self._allowed[row]):
            return default
        return self._sm.w("number")[row]
