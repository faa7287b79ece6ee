"""The email sync report: a short summary (plain text and escaped HTML) with the workbook attached.

Building and sending are separate so the message can be inspected in tests and notebooks; the
sync decides when to send (config ``general.email.mode``).
"""

from __future__ import annotations

import html
import smtplib
import ssl
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any, Literal

from wixqb_nb.errors import ConfigError
from wixqb_nb.reporting.data import ReportData
from wixqb_nb.reporting.labels import label

XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
_MAX_ROWS = 10


def build_email(
    report: ReportData,
    workbook_path: str | Path,
    sender: str,
    recipients: Sequence[str],
    language: str | None = None,
) -> EmailMessage:
    """The report email: subject with pass/fail and period, summary, first discrepancies, workbook.

    Every value that may come from Wix (names, explanations quoting them) is HTML-escaped in the
    HTML part.
    """
    if not recipients:
        raise ConfigError("the email report has no recipients")
    lang = language or report.language
    run = report.run
    verdict = label("result.pass" if report.passed else "result.fail", lang)
    msg = EmailMessage()
    msg["Subject"] = f"[wixqb] {verdict} · {run.period_start} → {run.period_end}"
    msg["From"] = sender
    msg["To"] = ", ".join(recipients)
    msg["Date"] = format_datetime(run.started_at.replace(tzinfo=None), usegmt=False)
    msg["Message-ID"] = make_msgid(idstring=run.run_id.replace(" ", "_"), domain="wixqb.local")
    pairs = [(label(k, lang), _show(v)) for k, v in report.summary]
    issues = [
        (r[2], r[0], r[10])
        for r in report.table("discrepancies").rows
        if r[1] != label("severity.info", lang)
    ]
    errors = [(r[0], r[3]) for r in report.table("errors").rows]
    msg.set_content(_text(lang, pairs, issues, errors))
    msg.add_alternative(_html(lang, verdict, report.passed, pairs, issues, errors), subtype="html")
    path = Path(workbook_path)
    msg.add_attachment(path.read_bytes(), maintype=XLSX_TYPE[0], subtype=XLSX_TYPE[1], filename=path.name)
    return msg


def send_email(
    msg: EmailMessage,
    host: str,
    port: int,
    tls_mode: Literal["starttls", "tls", "none"] = "starttls",
    user: str = "",
    password: str = "",
    *,
    timeout: float = 30.0,
) -> None:
    """Send ``msg`` with smtplib: implicit TLS (``tls``), STARTTLS, or plain (``none``, local relays only)."""
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if tls_mode == "tls":
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    with smtp:
        if tls_mode == "starttls":
            smtp.starttls(context=context)
        if user:
            smtp.login(user, password)
        smtp.send_message(msg)


def _show(value: Any) -> str:
    return "" if value is None else str(value)


def _text(
    lang: str,
    pairs: list[tuple[str, str]],
    issues: Sequence[tuple[Any, ...]],
    errors: Sequence[tuple[Any, ...]],
) -> str:
    lines = [f"{k}: {v}" for k, v in pairs]
    if issues:
        lines += ["", label("sheet.discrepancies", lang) + ":"]
        lines += [f"- {order} [{cat}] {why}" for order, cat, why in issues[:_MAX_ROWS]]
    if errors:
        lines += ["", label("sheet.errors", lang) + ":"]
        lines += [f"- {order}: {message}" for order, message in errors[:_MAX_ROWS]]
    extra = len(issues) - _MAX_ROWS
    if extra > 0:
        lines.append(f"(+{extra})")
    return "\n".join(lines) + "\n"


def _html(
    lang: str, verdict: str, passed: bool, pairs: list[tuple[str, str]], issues: Sequence[tuple[Any, ...]],
    errors: Sequence[tuple[Any, ...]],
) -> str:  # fmt: skip
    e = html.escape
    colour = "#1e7b34" if passed else "#b00020"
    rows = "".join(f"<tr><th align='left'>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in pairs)
    parts = [f"<h2 style='color:{colour}'>{e(verdict)}</h2>", f"<table>{rows}</table>"]
    if issues:
        items = "".join(f"<li><b>{e(o)}</b> [{e(c)}] {e(w)}</li>" for o, c, w in issues[:_MAX_ROWS])
        parts.append(f"<h3>{e(label('sheet.discrepancies', lang))}</h3><ul>{items}</ul>")
    if errors:
        items = "".join(f"<li><b>{e(o)}</b>: {e(m)}</li>" for o, m in errors[:_MAX_ROWS])
        parts.append(f"<h3>{e(label('sheet.errors', lang))}</h3><ul>{items}</ul>")
    return "<html><body>" + "".join(parts) + "</body></html>"
