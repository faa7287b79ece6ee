"""Reconciliation: prove that Wix and QuickBooks Online agree, and explain every difference.

``reconcile(...)`` is pure: it reads what the caller fetched (Wix orders and transactions for a
period, and the documents QBO actually holds, read back rather than trusted from the ledger) and
returns a frozen :class:`ReconResult`. It never modifies its inputs.
"""

from wixqb_nb.reconcile.api import reconcile
from wixqb_nb.reconcile.compare import compare
from wixqb_nb.reconcile.qbo_frames import QboFrames, normalise_qbo
from wixqb_nb.reconcile.result import Category, DailyTieOut, Discrepancy, ReconResult, TaxTieOut
from wixqb_nb.reconcile.settings import Expectation, ReconSettings
from wixqb_nb.reconcile.wix_frames import WixFrames, normalise_wix

__all__ = [
    "Category",
    "DailyTieOut",
    "Discrepancy",
    "Expectation",
    "QboFrames",
    "ReconResult",
    "ReconSettings",
    "TaxTieOut",
    "WixFrames",
    "compare",
    "normalise_qbo",
    "normalise_wix",
    "reconcile",
]
