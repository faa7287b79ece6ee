"""The immutable outcome of a reconciliation (STYLE.md G9).

Everything a report, a notebook or the CLI shows comes from here: the discrepancies (each with
both sides' amounts, the difference, a plain-language explanation and a suggested action), the
daily and tax tie-outs, and the per-order document list. Amounts are :class:`~decimal.Decimal`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

import pandas as pd


class Category(StrEnum):
    """Why a row was flagged. Every category is an error except ``ROUNDING_ABSORBED``."""

    MISSING_IN_QBO = "missing_in_qbo"
    IN_QBO_NOT_WIX = "in_qbo_not_wix"
    DUPLICATE = "duplicate"
    TOTAL_MISMATCH = "total_mismatch"
    TAX_MISMATCH = "tax_mismatch"
    PAYMENT_STATUS = "payment_status"
    PAYMENT_MISSING = "payment_missing"
    PAYMENT_EXTRA = "payment_extra"
    PAYMENT_DIFFERENT = "payment_different"
    PAYMENT_MISAPPLIED = "payment_misapplied"
    DEPOSIT_ACCOUNT = "deposit_account"
    REFUND_MISSING = "refund_missing"
    REFUND_DIFFERENT = "refund_different"
    REFUND_EXTRA = "refund_extra"
    CUSTOMER_MAPPING = "customer_mapping"
    ITEM_MAPPING = "item_mapping"
    ROUNDING_ABSORBED = "rounding_absorbed"


@dataclass(frozen=True)
class Discrepancy:
    """One flagged difference between Wix and QBO."""

    category: Category
    severity: str  # "error" or "info"
    kind: str  # "sale", "payment" or "refund"
    order_id: str
    order_number: str
    source_id: str
    qbo_type: str
    qbo_id: str
    doc_number: str
    component: str
    wix_amount: Decimal | None
    qbo_amount: Decimal | None
    difference: Decimal | None
    explanation: str
    action: str

    @property
    def is_error(self) -> bool:
        """Whether this row fails the reconciliation."""
        return self.severity == "error"


@dataclass(frozen=True)
class DailyTieOut:
    """Count and sum of one kind of document on one day for one module, on both sides."""

    date: str
    module: str
    kind: str  # "sales", "refunds" or "payments"
    wix_count: int
    qbo_count: int
    wix_amount: Decimal
    qbo_amount: Decimal

    @property
    def count_gap(self) -> int:
        """QBO's count minus Wix's."""
        return self.qbo_count - self.wix_count

    @property
    def amount_gap(self) -> Decimal:
        """QBO's sum minus Wix's."""
        return self.qbo_amount - self.wix_amount

    @property
    def ok(self) -> bool:
        """Whether both sides agree."""
        return self.count_gap == 0 and self.amount_gap == 0


@dataclass(frozen=True)
class TaxTieOut:
    """Tax collected at one rate: Wix's taxes against QBO's TaxLines.

    ``absorbed`` is the part of the gap on orders whose total the rounding item brought back to
    Wix's (a known, explained penny); only ``unexplained`` fails the reconciliation.
    """

    tax_key: str
    tax_name: str
    wix_amount: Decimal
    qbo_amount: Decimal
    absorbed: Decimal

    @property
    def gap(self) -> Decimal:
        """QBO's tax minus Wix's."""
        return self.qbo_amount - self.wix_amount

    @property
    def unexplained(self) -> Decimal:
        """The gap not explained by the rounding item."""
        return self.gap - self.absorbed

    @property
    def ok(self) -> bool:
        """Whether the rate ties out."""
        return self.unexplained == 0


@dataclass(frozen=True)
class ReconResult:
    """What :func:`~wixqb_nb.reconcile.reconcile` found. Frozen; frames are handed out as copies."""

    period_start: str
    period_end: str
    currency: str
    discrepancies: tuple[Discrepancy, ...]
    daily_tieouts: tuple[DailyTieOut, ...]
    tax_tieouts: tuple[TaxTieOut, ...]
    counts: tuple[tuple[str, int], ...]
    _documents: pd.DataFrame = field(repr=False, compare=False)

    def matches(self) -> bool:
        """True when there is no error discrepancy and every tie-out closes."""
        return (
            not any(d.is_error for d in self.discrepancies)
            and all(t.ok for t in self.daily_tieouts)
            and all(t.ok for t in self.tax_tieouts)
        )

    @property
    def errors(self) -> tuple[Discrepancy, ...]:
        """The discrepancies that fail the reconciliation."""
        return tuple(d for d in self.discrepancies if d.is_error)

    def by_category(self, category: Category | str) -> tuple[Discrepancy, ...]:
        """The discrepancies of one category."""
        return tuple(d for d in self.discrepancies if d.category == category)

    def documents(self) -> pd.DataFrame:
        """One row per Wix order and per QBO sales document, amounts as Decimal (a copy)."""
        df = self._documents.copy()
        for col in ("wix_total", "qbo_total", "difference"):
            values: list[Decimal | None] = [
                None if pd.isna(v) else Decimal(int(v)).scaleb(-2) for v in df[col]
            ]
            df[col] = pd.Series(values, index=df.index, dtype=object)
        return df

    def discrepancy_frame(self) -> pd.DataFrame:
        """The discrepancies as a DataFrame (Decimal amounts, object columns)."""
        cols = list(Discrepancy.__dataclass_fields__)
        return pd.DataFrame([asdict(d) for d in self.discrepancies], columns=cols)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (Decimals kept) for snapshots and ``money.dumps``."""
        return {
            "period_start": self.period_start,
            "period_end": self.period_end,
            "currency": self.currency,
            "matches": self.matches(),
            "counts": dict(self.counts),
            "discrepancies": [{**asdict(d), "category": str(d.category)} for d in self.discrepancies],
            "daily_tieouts": [
                {**asdict(t), "count_gap": t.count_gap, "amount_gap": t.amount_gap}
                for t in self.daily_tieouts
            ],
            "tax_tieouts": [
                {**asdict(t), "gap": t.gap, "unexplained": t.unexplained} for t in self.tax_tieouts
            ],
        }
