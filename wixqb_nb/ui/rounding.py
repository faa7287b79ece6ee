"""The rounding and tax notebook's views: where each cent between Wix and QBO comes from.

Built on :func:`wixqb_nb.mapping.explain`, which walks each order from Wix's amounts to what QBO
will compute: per QBO tax rate, the tax rounded per line and on the total, what this company's QBO
computes, what we send (Wix's tax, as an override) and the difference; then the rounding line.
:class:`RoundingStudy` stacks that over one order or a period. Plots use integer cents.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
from pandas.io.formats.style import Styler

from wixqb_nb import money
from wixqb_nb.mapping import explain
from wixqb_nb.ui.period import Period, load_period
from wixqb_nb.ui.styling import styled

ZERO = Decimal(0)


def _cents(value: Any) -> int:
    return money.to_cents(money.quantize(value)) if isinstance(value, Decimal) else 0


@dataclass(frozen=True)
class RoundingStudy:
    """Explain frames of every mappable order of a period (``frame``: one row per explain row)."""

    period: Period
    frame: pd.DataFrame
    errors: pd.DataFrame

    @classmethod
    def of(cls, period: Period) -> RoundingStudy:
        """Explain every order of ``period``."""
        parts: list[pd.DataFrame] = []
        errors: list[pd.DataFrame] = []
        for order in period.orders:
            ex = explain(
                order, period.transactions.get(order.id), period.config, period.snapshot, now=period.now
            )
            ex.insert(0, "order_id", order.id)
            ex.insert(1, "order_number", order.number)
            ex.insert(2, "date", order.created_date.date() if order.created_date else None)
            (errors if (ex["section"] == "error").any() else parts).append(ex)
        frame = (
            pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["order_id", "section"])
        )
        errs = pd.concat(errors, ignore_index=True) if errors else pd.DataFrame(columns=["order_id", "name"])
        return cls(period, frame, errs[["order_id", "name"]] if not errs.empty else errs)

    def summary(self) -> pd.DataFrame:
        """Orders explained, orders that cannot map, and cents absorbed by rounding lines."""
        totals = self.frame[self.frame["section"] == "total"]
        rounding = totals[totals["name"] == "rounding line"]["qbo_amount"]
        rows = {
            "orders explained": self.frame["order_id"].nunique(),
            "orders that cannot map": self.errors["order_id"].nunique() if not self.errors.empty else 0,
            "orders with a rounding line": int(sum(1 for v in rounding if isinstance(v, Decimal) and v != 0)),
            "cents on rounding lines": int(sum(abs(_cents(v)) for v in rounding)),
        }
        return pd.DataFrame({"value": rows})

    def rates_frame(self) -> pd.DataFrame:
        """One row per order and QBO rate: base, Wix tax, QBO per line and on total, sent, difference."""
        rates = self.frame[self.frame["section"] == "rate"]
        cols = ["order_id", "order_number", "date", "name", "wix_net", "wix_tax", "qbo_tax_by_line"]
        cols += ["qbo_tax_by_total", "qbo_tax_computed", "qbo_tax_sent", "difference"]
        return rates[cols].rename(columns={"name": "rate", "wix_net": "base"}).reset_index(drop=True)

    def by_rate(self) -> Styler:
        """Wix tax against QBO tax per rate, summed over the period."""
        rates = self.rates_frame()
        sums = {
            col: rates.groupby("rate")[col].apply(
                lambda s: money.total(v for v in s if isinstance(v, Decimal))
            )
            for col in (
                "base",
                "wix_tax",
                "qbo_tax_by_line",
                "qbo_tax_by_total",
                "qbo_tax_computed",
                "difference",
            )
        }
        out = pd.DataFrame(sums)
        out.insert(0, "orders", rates.groupby("rate")["order_id"].nunique())
        return styled(out.reset_index())

    def line_vs_total(self) -> Styler:
        """Per order and rate where rounding per line and on the total disagree (by how much)."""
        rates = self.rates_frame()
        diff = [
            (a - b) if isinstance(a, Decimal) and isinstance(b, Decimal) else None
            for a, b in zip(rates["qbo_tax_by_line"], rates["qbo_tax_by_total"], strict=True)
        ]
        rates = rates.assign(line_minus_total=pd.Series(diff, index=rates.index, dtype=object))
        odd = rates[[d is not None and d != 0 for d in diff]]
        cols = ["order_id", "order_number", "rate", "base", "wix_tax", "qbo_tax_by_line", "qbo_tax_by_total"]
        return styled(odd[[*cols, "line_minus_total"]].reset_index(drop=True))

    def cents_frame(self) -> pd.DataFrame:
        """Every cent of residual with its source: a rate's tax difference or the rounding line."""
        rows: list[dict[str, Any]] = []
        for _, r in self.frame.iterrows():
            if r["section"] == "rate" and isinstance(r["difference"], Decimal) and r["difference"] != 0:
                rows.append({**_who(r), "source": f"tax {r['name']}", "cents": _cents(r["difference"])})
            if r["section"] == "total" and r["name"] == "rounding line" and _cents(r["qbo_amount"]):
                rows.append({**_who(r), "source": "rounding line", "cents": _cents(r["qbo_amount"])})
        return pd.DataFrame(rows, columns=["order_id", "order_number", "date", "source", "cents"])

    def cents(self) -> pd.DataFrame:
        """:meth:`cents_frame` (integer cents, signed: positive means Wix is higher)."""
        return self.cents_frame()

    def plot(self) -> Any:
        """Residual cents over time (per day) and by tax rate; returns the matplotlib figure."""
        import matplotlib.pyplot as plt

        cents = self.cents_frame()
        fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4))
        if not cents.empty:
            cents.groupby("date")["cents"].sum().plot(ax=left, marker="o")
            cents.groupby("source")["cents"].sum().plot.barh(ax=right)
        left.set_title("Residual cents per day")
        left.set_ylabel("cents")
        right.set_title("Residual cents by source (tax rate or rounding line)")
        fig.tight_layout()
        return fig


def _who(row: pd.Series) -> dict[str, Any]:
    return {"order_id": row["order_id"], "order_number": row["order_number"], "date": row["date"]}


def rounding_study(
    config: str | Path,
    *,
    order_id: str = "",
    since: str = "",
    until: str = "",
    now: dt.datetime,
    env: Mapping[str, str] | None = None,
) -> RoundingStudy:
    """Explain one order (``order_id``) or every order of the period."""
    return RoundingStudy.of(
        load_period(config, since=since, until=until, now=now, order_id=order_id, env=env)
    )
