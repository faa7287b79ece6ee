"""Fixtures of the report tests; the cases live in ``report_cases.py``."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # --import-mode=importlib
sys.path.insert(0, str(Path(__file__).parents[1] / "reconcile"))

from report_cases import make_report  # noqa: E402

from wixqb_nb.reporting.data import ReportData  # noqa: E402


@pytest.fixture
def report() -> ReportData:
    """The clean case's report (English), with one mapping error."""
    return make_report()
