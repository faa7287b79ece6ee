"""The workbook read back with openpyxl: sheets, headers, formats, totals, chart, text safety, French."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
from report_cases import EVIL, make_report

from wixqb_nb.reporting.data import ReportData
from wixqb_nb.reporting.xlsx import MONEY_FORMAT, write_xlsx

SHEETS = ["Summary", "Documents", "Discrepancies", "Errors", "Daily tie-out", "Tax tie-out", "Rounding"]


def test_sheets_headers_and_layout(report: ReportData, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(write_xlsx(report, tmp_path / "r.xlsx"))
    assert wb.sheetnames == SHEETS
    docs = wb["Documents"]
    assert [c.value for c in docs[1]] == ["Date", "Module", "Wix order", "Customer", "QuickBooks type",
                                          "Doc number", "QuickBooks Id", "Wix total", "QuickBooks total",
                                          "Difference", "Status"]  # fmt: skip
    for name in SHEETS[1:]:
        ws = wb[name]
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref is not None and ws.auto_filter.ref.startswith("A1:")
        assert ws.cell(1, 1).font.bold
    assert docs.column_dimensions["D"].width == 28
    assert docs.auto_filter.ref == "A1:K5"


def test_money_cells_totals_and_formats(report: ReportData, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(write_xlsx(report, tmp_path / "r.xlsx"))
    docs = wb["Documents"]
    totals = [docs.cell(r, 8) for r in range(2, 6)]
    assert all(c.number_format == MONEY_FORMAT and c.data_type == "n" for c in totals)
    assert sum(Decimal(str(c.value)) for c in totals) == Decimal("5196.51")
    tax = wb["Tax tie-out"]
    assert [tax.cell(3, c).value for c in (1, 2)] == ["QST", "9.975"]
    assert Decimal(str(tax.cell(3, 5).value)) == Decimal("-0.01")
    summary = {r[0].value: r[1].value for r in wb["Summary"].iter_rows(min_row=2, max_row=25) if r[0].value}
    assert summary["Result"].startswith("PASS") is False  # one mapping error fails the run
    assert summary["Settings hash"] == "cfg0123abcd"
    assert Decimal(str(summary["Wix sales total"])) == Decimal("5196.51")


def test_conditional_formatting_on_differences(report: ReportData, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(write_xlsx(report, tmp_path / "r.xlsx"))
    ranges = {str(cf.sqref) for cf in wb["Documents"].conditional_formatting}
    assert ranges == {"J2:J5"}
    rule = next(iter(wb["Daily tie-out"].conditional_formatting)).rules[0]
    assert rule.operator == "notEqual" and rule.formula == ["0"]


def test_chart_of_daily_sales(report: ReportData, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(write_xlsx(report, tmp_path / "r.xlsx"))
    ws = wb["Summary"]
    (chart,) = ws._charts
    assert len(chart.series) == 2
    refs = [s.val.numRef.f for s in chart.series]
    assert refs[0].endswith("$B$28:$B$29") and refs[1].endswith("$C$28:$C$29")
    assert [ws.cell(r, 1).value for r in (28, 29)] == ["2024-03-01", "2024-03-02"]
    assert Decimal(str(ws.cell(29, 2).value)) == Decimal("4989.55")


def test_formula_looking_text_is_stored_as_text(report: ReportData, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(write_xlsx(report, tmp_path / "r.xlsx"))
    cell = wb["Documents"]["D2"]
    assert cell.value == EVIL and cell.data_type == "s"
    err = wb["Errors"]["A2"]
    assert err.value == "+1009" and err.data_type == "s"
    for ws in wb:
        for row in ws.iter_rows():
            assert all(c.data_type != "f" for c in row)


def test_french_labels(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(write_xlsx(make_report("fr"), tmp_path / "r.xlsx"))
    assert wb.sheetnames[0] == "Résumé" and "Écarts" in wb.sheetnames
    assert wb["Documents"]["A1"].value == "Date" and wb["Documents"]["D1"].value == "Client"
    assert wb["Documents"]["K2"].value == "ok"
    assert wb["Écarts"]["B2"].value == "info"


def test_same_inputs_give_the_same_file(tmp_path: Path) -> None:
    a = write_xlsx(make_report(), tmp_path / "a.xlsx").read_bytes()
    b = write_xlsx(make_report(), tmp_path / "b.xlsx").read_bytes()
    assert a == b
    c = write_xlsx(make_report(tamper=True), tmp_path / "c.xlsx").read_bytes()
    assert c != a


def test_failed_run_lists_the_discrepancy(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(write_xlsx(make_report(tamper=True), tmp_path / "r.xlsx"))
    rows = list(wb["Discrepancies"].iter_rows(min_row=2, values_only=True))
    assert ("missing_in_qbo", "error", "1001") in {r[:3] for r in rows}
    daily = list(wb["Daily tie-out"].iter_rows(min_row=2, values_only=True))
    assert any(r[5] == -1 for r in daily)
