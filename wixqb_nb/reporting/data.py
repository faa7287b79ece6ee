"""Report data: everything the workbook, the email and the notebook show, built once (STYLE.md G10).

:func:`build_report` is pure: a run's facts, its plan, the reconciliation and its errors in; a
frozen :class:`ReportData` of plain rows (Decimal money, text, ints) out. Renderers only lay it out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

import pandas as pd

from wixqb_nb import errors as errs
from wixqb_nb.reconcile.result import Category, ReconResult
from wixqb_nb.reporting.labels import label

#: Column kinds: ``text`` (our text), ``wix_text`` (text from Wix: never a formula), ``money``,
#: ``diff`` (money difference: highlighted when not zero), ``int``, ``int_diff``.
KINDS = ("text", "wix_text", "money", "diff", "int", "int_diff")


@dataclass(frozen=True)
class Column:
    """One column of a table: label key, kind (see :data:`KINDS`) and width in characters."""

    key: str
    kind: str
    width: int


@dataclass(frozen=True)
class Table:
    """One sheet's rows."""

    key: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]


@dataclass(frozen=True)
class RunInfo:
    """Facts about the run the report describes. ``started_at`` is UTC and fixes the file's dates."""

    run_id: str
    started_at: dt.datetime
    period_start: str
    period_end: str
    config_hash: str
    mode: str = "sync"
    company: str = ""
    currency: str = ""


@dataclass(frozen=True)
class ReportData:
    """The whole report. ``summary`` is (label key, value); ``chart`` is (day, Wix, QBO sales)."""

    language: str
    run: RunInfo
    passed: bool
    summary: tuple[tuple[str, Any], ...]
    tables: tuple[Table, ...]
    chart: tuple[tuple[str, Decimal, Decimal], ...]

    def table(self, key: str) -> Table:
        """The table ``key`` (``documents``, ``discrepancies``, ``errors``, ``daily``, ``tax``, ``rounding``)."""
        return next(t for t in self.tables if t.key == key)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for snapshots (Decimals kept)."""
        return {
            "language": self.language,
            "run": {**asdict(self.run), "started_at": self.run.started_at.isoformat()},
            "passed": self.passed,
            "summary": [list(p) for p in self.summary],
            "tables": {
                t.key: {"columns": [c.key for c in t.columns], "rows": [list(r) for r in t.rows]}
                for t in self.tables
            },  # fmt: skip
            "chart": [list(p) for p in self.chart],
        }


_DOCUMENTS = (
    Column("col.date", "text", 11), Column("col.module", "text", 12), Column("col.order", "wix_text", 12),
    Column("col.customer", "wix_text", 28), Column("col.qbo_type", "text", 14), Column("col.doc_number", "text", 16),
    Column("col.qbo_id", "text", 10), Column("col.wix_total", "money", 14), Column("col.qbo_total", "money", 16),
    Column("col.difference", "diff", 12), Column("col.status", "text", 22),
)  # fmt: skip
_DISCREPANCIES = (
    Column("col.category", "text", 20), Column("col.severity", "text", 9), Column("col.order", "wix_text", 12),
    Column("col.qbo_type", "text", 14), Column("col.doc_number", "text", 16), Column("col.source", "wix_text", 20),
    Column("col.component", "text", 14), Column("col.wix_amount", "money", 14), Column("col.qbo_amount", "money", 16),
    Column("col.difference", "diff", 12), Column("col.explanation", "wix_text", 70), Column("col.action", "text", 50),
)  # fmt: skip
_ERRORS = (
    Column("col.order", "wix_text", 14), Column("col.field", "text", 18), Column("col.error", "text", 22),
    Column("col.message", "wix_text", 70), Column("col.hint", "text", 60),
)  # fmt: skip
_DAILY = (
    Column("col.date", "text", 11), Column("col.module", "text", 12), Column("col.kind", "text", 12),
    Column("col.wix_count", "int", 10), Column("col.qbo_count", "int", 12), Column("col.count_gap", "int_diff", 10),
    Column("col.wix_total", "money", 14), Column("col.qbo_total", "money", 16), Column("col.amount_gap", "diff", 12),
)  # fmt: skip
_TAX = (
    Column("col.tax", "wix_text", 22), Column("col.rate", "text", 10), Column("col.wix_tax", "money", 16),
    Column("col.qbo_tax", "money", 18), Column("col.gap", "diff", 12), Column("col.absorbed", "money", 14),
    Column("col.unexplained", "diff", 12),
)  # fmt: skip
_ROUNDING = (
    Column("col.order", "wix_text", 12), Column("col.qbo_type", "text", 14), Column("col.doc_number", "text", 16),
    Column("col.wix_total", "money", 14), Column("col.rounding", "money", 14), Column("col.explanation", "wix_text", 80),
)  # fmt: skip

#: What to do about an error of each kind when the error itself gives no hint.
_HINTS: dict[type[Exception], tuple[str, str]] = {
    errs.ReconnectRequired: ("Reconnect QuickBooks (wixqb connect qbo).", "Reconnectez QuickBooks (wixqb connect qbo)."),
    errs.AuthenticationError: ("Check the credentials, then run again.", "Vérifiez les identifiants, puis relancez."),
    errs.ClosedPeriodError: ("The books are closed for that date: reopen the period or change the closing date.",
                             "Les livres sont fermés à cette date : rouvrez la période ou changez la date de clôture."),
    errs.DuplicateDocNumberError: ("Another document uses this number: change the order prefix or renumber it.",
                                   "Un autre document utilise ce numéro : changez le préfixe ou renumérotez-le."),
    errs.InvalidReferenceError: ("A mapped item, account or tax code is inactive or deleted: update the mapping.",
                                 "Un article, compte ou code de taxe associé est inactif ou supprimé : "
                                 "mettez à jour l'association."),
    errs.RateLimitError: ("QuickBooks throttled the run: it will catch up next time.",
                          "QuickBooks a limité le débit : la prochaine exécution rattrapera."),
    errs.ApiError: ("A temporary service problem: run again.", "Problème temporaire du service : relancez."),
    errs.ConfigError: ("Fix the settings (wixqb config validate).", "Corrigez les réglages (wixqb config validate)."),
}  # fmt: skip


def build_report(
    run_info: RunInfo,
    plan_frame: pd.DataFrame | None,
    recon_result: ReconResult,
    errors: Iterable[Exception | Mapping[str, Any]] = (),
    *,
    language: str = "en",
) -> ReportData:
    """Build the report data of one run (pure; inputs untouched).

    Parameters
    ----------
    run_info
        Run id, start time, period, config hash, mode and company.
    plan_frame
        The run's plan (one row per planned document) or ``None``; only its length is used.
    recon_result
        The reconciliation of the period.
    errors
        Orders that failed: :class:`~wixqb_nb.errors.WixQbError` instances or mappings with
        ``source_id``, ``field``, ``error``, ``message`` and ``hint``.
    language
        ``"en"`` or ``"fr"`` (config ``general.language``).
    """
    lang = "fr" if language == "fr" else "en"
    error_rows = tuple(_error_row(e, lang) for e in errors)
    daily = recon_result.daily_tieouts
    passed = recon_result.matches() and not error_rows
    sales = [t for t in daily if t.kind == "sales"]
    per_day: dict[str, list[Decimal]] = {}
    for t in sales:
        pair = per_day.setdefault(t.date, [Decimal("0.00"), Decimal("0.00")])
        pair[0] += t.wix_amount
        pair[1] += t.qbo_amount
    rounding = recon_result.by_category(Category.ROUNDING_ABSORBED)
    summary: list[tuple[str, Any]] = [
        ("summary.result", label("result.pass" if passed else "result.fail", lang)),
        ("summary.run_id", run_info.run_id),
        ("summary.mode", run_info.mode),
        ("summary.company", run_info.company),
        ("summary.period", f"{run_info.period_start} → {run_info.period_end}"),
        ("summary.generated", run_info.started_at.strftime("%Y-%m-%d %H:%M:%S")),
        ("summary.config_hash", run_info.config_hash),
        ("summary.currency", run_info.currency or recon_result.currency),
        *((f"count.{k}", v) for k, v in recon_result.counts),
        ("summary.planned", len(plan_frame) if plan_frame is not None else ""),
        ("summary.errors", len(error_rows)),
        ("summary.discrepancies", len(recon_result.errors)),
        ("summary.rounding", len(rounding)),
        ("summary.wix_sales", sum((t.wix_amount for t in sales), Decimal("0.00"))),
        ("summary.qbo_sales", sum((t.qbo_amount for t in sales), Decimal("0.00"))),
        ("summary.daily_gaps", sum(1 for t in daily if not t.ok)),
        ("summary.tax_gaps", sum(1 for t in recon_result.tax_tieouts if not t.ok)),
    ]
    tables = (
        Table("documents", _DOCUMENTS, _document_rows(recon_result, lang)),
        Table("discrepancies", _DISCREPANCIES, tuple(
            (str(d.category), label(f"severity.{d.severity}", lang), d.order_number, d.qbo_type, d.doc_number,
             d.source_id, d.component, d.wix_amount, d.qbo_amount, d.difference, d.explanation, d.action)
            for d in recon_result.discrepancies)),
        Table("errors", _ERRORS, error_rows),
        Table("daily", _DAILY, tuple(
            (t.date, t.module, label(f"kind.{t.kind}", lang), t.wix_count, t.qbo_count, t.count_gap, t.wix_amount,
             t.qbo_amount, t.amount_gap) for t in daily)),
        Table("tax", _TAX, tuple(
            (t.tax_name, t.tax_key, t.wix_amount, t.qbo_amount, t.gap, t.absorbed, t.unexplained)
            for t in recon_result.tax_tieouts)),
        Table("rounding", _ROUNDING, tuple(
            (d.order_number, d.qbo_type, d.doc_number, d.wix_amount, d.difference, d.explanation) for d in rounding)),
    )  # fmt: skip
    chart = tuple((day, w, q) for day, (w, q) in sorted(per_day.items()))
    return ReportData(lang, run_info, passed, tuple(summary), tables, chart)


def _document_rows(result: ReconResult, lang: str) -> tuple[tuple[Any, ...], ...]:
    docs = result.documents()
    status = [label(f"status.{s}", lang) for s in docs["status"]]
    cols = [docs[c].tolist() for c in ("date", "module", "order_number", "customer", "qbo_type", "doc_number",
                                        "qbo_id", "wix_total", "qbo_total", "difference")]  # fmt: skip
    return tuple(zip(*cols, status, strict=True))


def _error_row(error: Exception | Mapping[str, Any], lang: str) -> tuple[str, str, str, str, str]:
    if isinstance(error, Mapping):
        return (str(error.get("source_id", "")), str(error.get("field", "")), str(error.get("error", "")),
                str(error.get("message", "")), str(error.get("hint", "")))  # fmt: skip
    hint = getattr(error, "hint", "") or ""
    if not hint:
        for cls, pair in _HINTS.items():
            if isinstance(error, cls):
                hint = pair[1] if lang == "fr" else pair[0]
                break
    return (str(getattr(error, "source_id", "")), str(getattr(error, "field", "")), type(error).__name__,
            str(error), hint)  # fmt: skip
