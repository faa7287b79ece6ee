"""Render :class:`~wixqb_nb.reporting.data.ReportData` as an Excel workbook (openpyxl, write-only).

Rows are streamed (write-only mode), so a 100,000-order run does not hold a worksheet in memory.
Styled cells are reused per column: openpyxl serialises each row as it is appended, so one cell
object per column can carry the next row's value. Text from Wix is always a string cell: a
customer named ``=HYPERLINK(...)`` stays text. The file is reproducible: document properties and
the zip entries' timestamps come from the run's start time, not the clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from wixqb_nb.reporting.data import Column, ReportData, Table
from wixqb_nb.reporting.labels import label

MONEY_FORMAT = "#,##0.00"
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="305496")
_RED = PatternFill("solid", fgColor="F8CBAD")
_GREEN = PatternFill("solid", fgColor="C6EFCE")
_SHEETS = ("documents", "discrepancies", "errors", "daily", "tax", "rounding")


def write_xlsx(report: ReportData, path: str | Path) -> Path:
    """Write the report's workbook to ``path`` and return the path.

    Sheets: Summary (with a chart of daily Wix vs QBO sales), Documents, Discrepancies, Errors,
    Daily tie-out, Tax tie-out, Rounding; labels in the report's language.
    """
    target = Path(path)
    lang = report.language
    wb = Workbook(write_only=True)
    when = report.run.started_at.replace(tzinfo=None, microsecond=0)
    wb.properties.creator = "wixqb-nb"
    wb.properties.lastModifiedBy = "wixqb-nb"
    wb.properties.title = label("summary.title", lang)
    wb.properties.created = when
    wb.properties.modified = when
    _summary(wb.create_sheet(label("sheet.summary", lang)), report)
    for key in _SHEETS:
        _table(wb.create_sheet(label(f"sheet.{key}", lang)), report.table(key), lang)
    archive = _FixedTimeZip(target, when)
    ExcelWriter(wb, archive).save()
    return target


def _header(ws: Any, titles: Sequence[str]) -> list[Cell]:
    """Header cells; worksheets are typed ``Any``: openpyxl's stubs lack the write-only sheet's API."""
    cells = []
    for title in titles:
        cell = WriteOnlyCell(ws, value=title)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        cells.append(cell)
    return cells


def _table(ws: Any, table: Table, lang: str) -> None:
    cols = table.columns
    for i, col in enumerate(cols, 1):
        ws.column_dimensions[get_column_letter(i)].width = col.width
    ws.freeze_panes = "A2"
    last = get_column_letter(len(cols))
    end = len(table.rows) + 1
    ws.auto_filter.ref = f"A1:{last}{end}"
    for i, col in enumerate(cols, 1):
        if col.kind in ("diff", "int_diff") and table.rows:
            ref = f"{get_column_letter(i)}2:{get_column_letter(i)}{end}"
            ws.conditional_formatting.add(ref, CellIsRule(operator="notEqual", formula=["0"], fill=_RED))  # type: ignore[no-untyped-call]
    ws.append(_header(ws, [label(c.key, lang) for c in cols]))
    templates = [(i, t) for i, t in enumerate(_template(ws, c) for c in cols) if t is not None]
    texts = [i for i, c in enumerate(cols) if c.kind in ("text", "wix_text")]
    search = ILLEGAL_CHARACTERS_RE.search
    for row in table.rows:
        # The hot loop of a 100,000-row sheet: only formula-looking or illegal text needs a cell.
        out: list[Any] = list(row)
        for i, tmpl in templates:
            if out[i] is not None:
                tmpl.value = out[i]
                out[i] = tmpl
        for i in texts:
            value = out[i]
            if isinstance(value, str) and value and (value[0] in "=+-@" or search(value)):
                out[i] = _text(ws, value)
        ws.append(out)


def _template(ws: Any, col: Column) -> Cell | None:
    """A reusable styled cell for money columns; plain values need none."""
    if col.kind not in ("money", "diff"):
        return None
    cell = WriteOnlyCell(ws)
    cell.number_format = MONEY_FORMAT
    return cell


def _text(ws: Any, value: str) -> Any:
    """A text value that Excel can never run: a formula-looking string becomes a string cell."""
    if ILLEGAL_CHARACTERS_RE.search(value):
        value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    if value[0] not in "=+-@":
        return value
    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"
    return cell


def _summary(ws: Any, report: ReportData) -> None:
    lang = report.language
    ws.column_dimensions["A"].width = 40
    ws.column_dimensions["B"].width = 44
    ws.column_dimensions["C"].width = 18
    ws.append(_header(ws, [label("summary.item", lang), label("summary.value", lang)]))
    ws.freeze_panes = "A2"
    money = _template(ws, Column("", "money", 0))
    assert money is not None
    for key, value in report.summary:
        cell: Any = value
        if key == "summary.result":
            cell = WriteOnlyCell(ws, value=value)
            cell.font = Font(bold=True)
            cell.fill = _GREEN if report.passed else _RED
        elif isinstance(value, str) and value:
            cell = _text(ws, value)
        elif not isinstance(value, int | str):
            money.value = value
            cell = money
        ws.append([label(key, lang), cell])
    ws.append([])
    first = len(report.summary) + 3
    ws.append(
        _header(ws, [label("col.date", lang), label("col.wix_sales", lang), label("col.qbo_sales", lang)])
    )
    for day, wix, qbo in report.chart:
        a = WriteOnlyCell(ws)
        a.value = wix  # a Decimal: openpyxl writes its exact digits
        a.number_format = MONEY_FORMAT
        b = WriteOnlyCell(ws)
        b.value = qbo
        b.number_format = MONEY_FORMAT
        ws.append([day, a, b])
    if report.chart:
        last = first + len(report.chart)
        chart = BarChart()
        chart.title = label("summary.chart", lang)
        chart.y_axis.title = report.run.currency or None
        chart.y_axis.numFmt = MONEY_FORMAT
        chart.height, chart.width = 8, 18
        chart.add_data(
            Reference(ws, min_col=2, max_col=3, min_row=first, max_row=last), titles_from_data=True
        )
        chart.set_categories(Reference(ws, min_col=1, min_row=first + 1, max_row=last))
        ws.add_chart(chart, "E2")


class _FixedTimeZip(ZipFile):
    """A zip archive whose every entry carries the same timestamp, so equal content gives equal bytes."""

    def __init__(self, path: Path, when: dt.datetime) -> None:
        super().__init__(path, "w", ZIP_DEFLATED, allowZip64=True)
        stamp = max(when, dt.datetime(1980, 1, 1))
        self._stamp = (stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)

    def writestr(
        self, zinfo_or_arcname: Any, data: Any, compress_type: Any = None, compresslevel: Any = None
    ) -> None:
        name = zinfo_or_arcname.filename if isinstance(zinfo_or_arcname, ZipInfo) else str(zinfo_or_arcname)
        info = ZipInfo(name, date_time=self._stamp)
        info.compress_type = ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        super().writestr(info, data, compress_type, compresslevel)

    def write(
        self, filename: Any, arcname: Any = None, compress_type: Any = None, compresslevel: Any = None
    ) -> None:
        with open(filename, "rb") as fh:
            self.writestr(arcname or filename, fh.read())
