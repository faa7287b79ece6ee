"""The public entry point: :func:`reconcile`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from wixqb_nb.config import Config
from wixqb_nb.models.wix import Order, OrderTransactions
from wixqb_nb.reconcile.compare import compare
from wixqb_nb.reconcile.qbo_frames import normalise_qbo
from wixqb_nb.reconcile.result import ReconResult
from wixqb_nb.reconcile.settings import Expectation, ReconSettings
from wixqb_nb.reconcile.wix_frames import normalise_wix


def reconcile(
    orders: Iterable[Order | Mapping[str, Any]],
    transactions: Iterable[OrderTransactions | Mapping[str, Any]],
    qbo_documents: Mapping[str, Iterable[Any]],
    settings: ReconSettings | Config,
    *,
    expectations: Iterable[Expectation] = (),
    period: tuple[str, str] = ("", ""),
    currency: str = "",
) -> ReconResult:
    """Compare Wix's sales for a period with what QBO holds, and explain every difference.

    Parameters
    ----------
    orders, transactions
        Wix orders created in the period and their order transactions (models or REST dicts).
    qbo_documents
        What QBO holds, read back: ``{"Invoice": [...], "SalesReceipt": [...], "Payment": [...],
        "CreditMemo": [...], "RefundReceipt": [...]}`` (QBO JSON dicts or the package's QBO models).
    settings
        A :class:`ReconSettings` or the run's :class:`~wixqb_nb.config.Config`.
    expectations
        What the run's plan predicted per order (document type, customer, items, rounding).
    period
        ``(since, until)`` as ISO dates, shown in the result and the report.

    Returns
    -------
    ReconResult
        Frozen. Categories (:class:`~wixqb_nb.reconcile.result.Category`): missing in QBO; in QBO
        but not in Wix; duplicates; total mismatch by component (lines, discount, shipping,
        rounding) and tax per rate; payment status, payments missing, extra, different, applied
        to the wrong invoice, wrong deposit account; refunds missing, different or extra;
        customer or item mapped differently; rounding absorbed by the rounding item (info only).
        Plus daily and per-rate tax tie-outs. ``matches()`` is False on any error row or gap.
    """
    recon = settings if isinstance(settings, ReconSettings) else ReconSettings.from_config(settings)
    wix = normalise_wix(orders, transactions, recon)
    qbo = normalise_qbo(qbo_documents, recon)
    return compare(wix, qbo, recon, expectations, period=period, currency=currency)
