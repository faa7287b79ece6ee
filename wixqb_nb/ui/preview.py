"""The preview notebook's views: what a sync would post, as DataFrames, without writing anything.

``preview_period(config, since=, until=, now=)`` reads the period and plans it with
:func:`wixqb_nb.mapping.plan` (the sync's own planner, so the preview is what would be posted).
The :class:`Preview` then gives styled frames, filtered by status, module and error type, and
``explain`` for any order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from pandas.io.formats.style import Styler

from wixqb_nb.mapping import Plan, explain, plan
from wixqb_nb.ui.period import Period, load_period
from wixqb_nb.ui.styling import styled


@dataclass(frozen=True)
class Preview:
    """A planned period (see the module docstring)."""

    period: Period
    plan: Plan

    @classmethod
    def of(cls, period: Period) -> Preview:
        """Plan ``period`` against what the ledger says is posted (nothing is written anywhere)."""
        planned = plan(
            period.orders,
            period.transactions,
            period.config,
            period.snapshot,
            now=period.now,
            posted_by_order=period.posted,
        )
        if period.refused:
            from wixqb_nb.sync.run import refused_plan

            planned = Plan(planned.orders + tuple(refused_plan(bad) for bad in period.refused))
        return cls(period, planned)

    def _modules(self) -> dict[str, str]:
        refused = {bad.order_id: "" for bad in self.period.refused}
        return {**refused, **{o.id: o.module for o in self.period.orders}}

    def _error_types(self) -> dict[str, str]:
        return {o.order_id: ", ".join(sorted({e.field for e in o.errors})) for o in self.plan.orders}

    def documents_frame(self, status: str = "", module: str = "", error_type: str = "") -> pd.DataFrame:
        """One row per planned document (or skipped/failed order), with its module and error type."""
        frame = self.plan.to_frame()
        frame.insert(2, "module", frame["order_id"].map(self._modules()))
        frame["error_type"] = frame["order_id"].map(self._error_types()).fillna("")
        return _filter(frame, status, module, error_type)

    def lines_frame(self, status: str = "", module: str = "", error_type: str = "") -> pd.DataFrame:
        """One row per planned line, filtered like :meth:`documents_frame`."""
        frame = self.plan.lines_frame()
        statuses = {o.order_id: o.status for o in self.plan.orders}
        frame.insert(2, "module", frame["order_id"].map(self._modules()))
        frame["status"] = frame["order_id"].map(statuses)
        frame["error_type"] = frame["order_id"].map(self._error_types()).fillna("")
        return _filter(frame, status, module, error_type)

    def summary(self) -> pd.DataFrame:
        """Orders per status and documents per kind (and their Wix totals)."""
        docs = self.documents_frame()
        orders = docs.drop_duplicates("order_id").groupby("status").size().rename("orders")
        kinds = docs.dropna(subset=["kind"]).groupby("kind").agg(documents=("order_id", "size"))
        out = pd.concat([orders.to_frame(), kinds], axis=1).fillna(0).astype(int)
        out.index.name = "status / kind"
        return out

    def documents(self, status: str = "", module: str = "", error_type: str = "") -> Styler:
        """:meth:`documents_frame` styled (errors red, residuals yellow)."""
        return styled(self.documents_frame(status, module, error_type))

    def lines(self, status: str = "", module: str = "", error_type: str = "") -> Styler:
        """:meth:`lines_frame` styled."""
        return styled(self.lines_frame(status, module, error_type))

    def pick_order(self) -> str | None:
        """The first order with a residual or an error (else the first planned one)."""
        docs = self.documents_frame()
        odd = docs[
            (docs["status"] == "error") | docs["residual"].map(lambda v: v is not None and v == v and v != 0)
        ]
        pool = odd if not odd.empty else docs
        return None if pool.empty else str(pool.iloc[0]["order_id"])

    def explain_frame(self, order_id: str | None = None) -> pd.DataFrame:
        """:func:`wixqb_nb.mapping.explain` of one order (default: :meth:`pick_order`)."""
        wanted = order_id or self.pick_order()
        order = next((o for o in self.period.orders if o.id == wanted), None)
        if order is None:
            raise KeyError(f"order {wanted!r} is not in the period")
        p = self.period
        return explain(order, p.transactions.get(order.id), p.config, p.snapshot, now=p.now)

    def explain(self, order_id: str | None = None) -> Styler:
        """:meth:`explain_frame` styled."""
        return styled(self.explain_frame(order_id))


def _filter(frame: pd.DataFrame, status: str, module: str, error_type: str) -> pd.DataFrame:
    if status:
        frame = frame[frame["status"] == status]
    if module:
        frame = frame[frame["module"] == module]
    if error_type:
        frame = frame[frame["error_type"].str.contains(error_type, regex=False)]
    return frame.reset_index(drop=True)


def preview_period(
    config: str | Path,
    *,
    since: str = "",
    until: str = "",
    now: dt.datetime,
    env: Mapping[str, str] | None = None,
) -> Preview:
    """Read and plan the period; nothing is written to QBO or the ledger."""
    return Preview.of(load_period(config, since=since, until=until, now=now, env=env))
