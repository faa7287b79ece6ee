"""The reconciliation test case turned into report data (shared by the report tests)."""

from __future__ import annotations

import datetime as dt

from recon_cases import build_store

from wixqb_nb.errors import MappingError
from wixqb_nb.reconcile import reconcile
from wixqb_nb.reporting.data import ReportData, RunInfo, build_report

RUN = RunInfo("run-42", dt.datetime(2024, 3, 3, 12, 0, 0), "2024-03-01", "2024-03-02", "cfg0123abcd",
              company="Demo Inc", currency="CAD")  # fmt: skip
EVIL = '=HYPERLINK("http://x","y")'


def make_report(language: str = "en", *, tamper: bool = False) -> ReportData:
    """The clean store (or one with a deleted receipt), a formula-looking customer, one mapping error."""
    s = build_store()
    s.orders[0]["billingInfo"]["contactDetails"] = {"firstName": EVIL, "lastName": ""}
    if tamper:
        s.qbo["SalesReceipt"] = [d for d in s.qbo["SalesReceipt"] if d["Id"] != "101"]
    result = reconcile(s.orders, s.transactions, s.qbo, s.settings, period=("2024-03-01", "2024-03-02"),
                       currency="CAD")  # fmt: skip
    err = MappingError("Wix tax 'PST' has no QBO tax code", source_id="+1009", field="taxes", hint="Map PST.")
    return build_report(RUN, None, result, [err], language=language)
