"""pandas Styler helpers shared by the notebooks: money formats, residuals and errors highlighted."""

from __future__ import annotations

from collections.abc import Hashable
from decimal import Decimal
from typing import Any

import pandas as pd
from pandas.io.formats.style import Styler

ERROR_BG = "background-color: #fde0e0"
RESIDUAL_BG = "background-color: #fff3cd"
MONEY_COLUMNS = (
    "wix_total",
    "predicted_qbo_total",
    "residual",
    "rounding",
    "unit_price",
    "amount",
    "wix_net",
    "wix_tax",
    "wix_gross",
    "qbo_amount",
    "qbo_tax_by_line",
    "qbo_tax_by_total",
    "qbo_tax_computed",
    "qbo_tax_sent",
    "difference",
    "qbo_tax",
    "cents",
)


def money_text(value: Any) -> str:
    """``1,234.50``; blank for missing values."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return ""
    if isinstance(value, Decimal | int):
        return f"{value:,.2f}"
    return str(value)


def _row_style(row: pd.Series) -> list[str]:
    status = str(row.get("status", "") or "")
    if status == "error" or str(row.get("section", "")) == "error":
        return [ERROR_BG] * len(row)
    for key in ("residual", "difference", "rounding"):
        value = row.get(key)
        if isinstance(value, Decimal) and value != 0:
            return [RESIDUAL_BG] * len(row)
    return [""] * len(row)


def styled(frame: pd.DataFrame) -> Styler:
    """The frame with money formatted, error rows red and rows with a residual yellow."""
    money: list[Hashable] = [c for c in frame.columns if c in MONEY_COLUMNS]
    return frame.style.format(money_text, subset=money).apply(_row_style, axis=1)
