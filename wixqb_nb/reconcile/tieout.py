"""Completeness tie-outs: counts and sums per day and module, and tax per rate, on both sides.

They are computed from every row on each side (duplicates and unknown documents included), so a
document that silently failed to post, or one posted twice, always leaves a gap even when no
per-order rule caught it.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

import pandas as pd

from wixqb_nb.reconcile.result import DailyTieOut, TaxTieOut
from wixqb_nb.reconcile.wix_frames import TOTAL_TAX_KEY

_KINDS = ("sales", "refunds", "payments")


def daily(
    wix_sales: pd.DataFrame,
    wix_payments: pd.DataFrame,
    wix_refunds: pd.DataFrame,
    qbo_sales: pd.DataFrame,
    qbo_payments: pd.DataFrame,
    qbo_refunds: pd.DataFrame,
    invoiced: Iterable[str],
) -> tuple[DailyTieOut, ...]:
    """Per day (account time zone) and module: Wix against QBO for sales, refunds and payments.

    Only Wix orders the settings sync count; Wix payments count only for orders booked as
    invoices (a sales receipt records its own payment). QBO documents take the module of their
    Wix order, or ``unknown``.
    """
    eligible = wix_sales[wix_sales["eligible"].eq(True)]
    module_of = wix_sales.drop_duplicates("order_id").set_index("order_id")["module"]
    pays = wix_payments[wix_payments["order_id"].isin(pd.Index(list(invoiced)))]
    sides = {
        "sales": (
            eligible.rename(columns={"total": "amount"}),
            qbo_sales.rename(columns={"total": "amount"}),
        ),
        "refunds": (wix_refunds, qbo_refunds),
        "payments": (pays, qbo_payments),
    }
    rows: list[DailyTieOut] = []
    for kind in _KINDS:
        w, q = sides[kind]
        q = q.assign(module=q["order_id"].map(module_of).fillna("unknown"))
        merged = _sum(w).join(_sum(q), how="outer", lsuffix="_w", rsuffix="_q").fillna(0)
        for key, r in merged.iterrows():
            day, module = _pair(key)
            rows.append(
                DailyTieOut(
                    str(day),
                    str(module),
                    kind,
                    int(r["n_w"]),
                    int(r["n_q"]),
                    _dec(r["amount_w"]),
                    _dec(r["amount_q"]),
                )  # fmt: skip
            )
    rows.sort(key=lambda t: (t.date, t.module, _KINDS.index(t.kind)))
    return tuple(rows)


def taxes(
    wix_taxes: pd.DataFrame, qbo_taxes: pd.DataFrame, pairs: pd.DataFrame, absorbed: set[str]
) -> tuple[TaxTieOut, ...]:
    """Tax per rate over the whole period; gaps on rounding-absorbed orders are marked as such."""
    w = wix_taxes.groupby("tax_key", sort=True).agg(name=("tax_name", "first"), wix=("amount", "sum"))
    q = qbo_taxes.groupby("tax_key", sort=True)["amount"].sum().rename("qbo")
    a = pairs[pairs["order_id"].isin(pd.Index(list(absorbed)))]
    ab = (a["qbo"] - a["wix"]).groupby(a["tax_key"]).sum().rename("absorbed")
    merged = w.join(q, how="outer").join(ab, how="left")
    out: list[TaxTieOut] = []
    for key, r in merged.iterrows():
        name = r["name"] if isinstance(r["name"], str) else (key if key == TOTAL_TAX_KEY else f"{key}%")
        out.append(
            TaxTieOut(
                str(key), name, _dec(_zero(r["wix"])), _dec(_zero(r["qbo"])), _dec(_zero(r["absorbed"]))
            )
        )
    return tuple(out)


def _pair(key: object) -> tuple[str, str]:
    assert isinstance(key, tuple)
    return str(key[0]), str(key[1])


def _sum(df: pd.DataFrame) -> pd.DataFrame:
    g = df.groupby(["date", "module"], sort=False)["amount"]
    return pd.DataFrame({"n": g.size(), "amount": g.sum()})


def _zero(value: object) -> object:
    return 0 if pd.isna(value) else value  # type: ignore[call-overload]


def _dec(cents: object) -> Decimal:
    return Decimal(int(cents)).scaleb(-2)  # type: ignore[call-overload]
