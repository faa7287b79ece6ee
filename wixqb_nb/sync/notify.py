"""The sync-report email sent after each run (seed step 2), per ``general.email.mode``.

``never`` sends nothing; ``always`` sends after every run; ``on_failure`` only when the run did not
end clean (some orders failed, discrepancies remain, or the run itself failed). The body is a short
summary, the Excel report is attached. SMTP with STARTTLS (``tls = "starttls"``), implicit TLS
(``"tls"``) or none; the password comes from ``WIXQB_SMTP_PASSWORD``, never from the config.

A failure to send is logged and recorded in the ledger's ``notifications`` table; it never fails
the sync (:func:`notify_run` does not raise for SMTP or network errors).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import smtplib
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

from wixqb_nb.config import EmailMode, EmailReport
from wixqb_nb.reporting.data import ReportData
from wixqb_nb.sync.ledger import Ledger

log = logging.getLogger(__name__)

XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@dataclass(frozen=True)
class RunSummary:
    """What the email says about a run (built by the sync from its :class:`RunResult`)."""

    run_id: int
    realm_id: str
    outcome: str
    exit_code: int
    started_at: dt.datetime
    counts: Mapping[str, int] = field(default_factory=dict)
    message: str = ""
    errors: tuple[str, ...] = ()
    workbook: Path | None = None
    report: ReportData | None = None

    @property
    def failed(self) -> bool:
        """Whether the run did not end clean (what ``on_failure`` reacts to)."""
        return self.exit_code != 0


def should_send(mode: EmailMode | str, summary: RunSummary) -> bool:
    """Whether ``mode`` asks for an email about this run."""
    mode = EmailMode(mode)
    if mode is EmailMode.ALWAYS:
        return True
    if mode is EmailMode.ON_FAILURE:
        return summary.failed
    return False


def summary_text(summary: RunSummary) -> str:
    """The plain-text body: outcome, counts, the first errors, where the workbook is."""
    status = {0: "completed", 1: "completed with problems", 2: "FAILED"}.get(summary.exit_code, "ended")
    lines = [
        f"wixqb sync run {summary.run_id} for QBO company {summary.realm_id}: {status} ({summary.outcome}).",
        f"Started {summary.started_at.isoformat(timespec='seconds')}.",
    ]
    if summary.message:
        lines.append(summary.message)
    if summary.counts:
        lines.append("")
        width = max(len(k) for k in summary.counts)
        lines += [f"  {k.replace('_', ' '):<{width}}  {v}" for k, v in summary.counts.items()]
    if summary.errors:
        lines += ["", f"Problems ({len(summary.errors)}):"]
        lines += [f"  - {e}" for e in summary.errors[:20]]
        if len(summary.errors) > 20:
            lines.append(
                f"  ... and {len(summary.errors) - 20} more (see the report and `wixqb errors list`)"
            )
    if summary.workbook is not None:
        lines += ["", f"The reconciliation workbook is attached ({summary.workbook.name})."]
    return "\n".join(lines) + "\n"


def build_message(settings: EmailReport, summary: RunSummary) -> EmailMessage:
    """The email: the reporting part's report email when the run wrote a report, otherwise (a run
    that failed before reconciling) a plain summary with the workbook attached when there is one."""
    if summary.report is not None and summary.workbook is not None and summary.workbook.is_file():
        from wixqb_nb.reporting.email import build_email

        return build_email(summary.report, summary.workbook, settings.sender, settings.recipients)
    msg = EmailMessage()
    tag = {0: "OK", 1: "problems", 2: "FAILED"}.get(summary.exit_code, summary.outcome)
    msg["Subject"] = f"[wixqb] sync run {summary.run_id} {tag} ({summary.realm_id})"
    msg["From"] = settings.sender
    msg["To"] = ", ".join(settings.recipients)
    msg.set_content(summary_text(summary))
    if summary.workbook is not None and summary.workbook.is_file():
        msg.add_attachment(
            summary.workbook.read_bytes(),
            maintype=XLSX_TYPE[0],
            subtype=XLSX_TYPE[1],
            filename=summary.workbook.name,
        )
    return msg


SmtpFactory = Callable[[EmailReport], smtplib.SMTP]


def _connect(settings: EmailReport, context: ssl.SSLContext | None, timeout: float) -> smtplib.SMTP:
    ctx = context or ssl.create_default_context()
    if settings.tls == "tls":
        return smtplib.SMTP_SSL(settings.smtp_host, settings.smtp_port, timeout=timeout, context=ctx)
    smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout)
    if settings.tls == "starttls":
        smtp.starttls(context=ctx)
    return smtp


def send_message(
    settings: EmailReport,
    message: EmailMessage,
    *,
    password: str | None = None,
    ssl_context: ssl.SSLContext | None = None,
    timeout: float = 30.0,
) -> None:
    """Send ``message`` over SMTP per ``settings``; raises ``smtplib.SMTPException``/``OSError``."""
    smtp = _connect(settings, ssl_context, timeout)
    try:
        if settings.smtp_user:
            smtp.login(settings.smtp_user, password or "")
        smtp.send_message(message)
    finally:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()


def notify_run(
    settings: EmailReport,
    summary: RunSummary,
    *,
    ledger: Ledger | None,
    now: dt.datetime,
    env: Mapping[str, str] | None = None,
    ssl_context: ssl.SSLContext | None = None,
) -> str:
    """Send the run's report email when the mode asks for it; return ``sent``, ``failed`` or ``skipped``.

    Never raises for a delivery problem: it is logged and recorded in the ledger instead.
    """
    if not should_send(settings.mode, summary) or not settings.recipients:
        return "skipped"
    environ = os.environ if env is None else env
    recipients = ", ".join(settings.recipients)
    status, detail = "sent", ""
    try:
        message = build_message(settings, summary)
        send_message(settings, message, password=environ.get("WIXQB_SMTP_PASSWORD"), ssl_context=ssl_context)
    except (smtplib.SMTPException, OSError, ValueError) as exc:
        status, detail = "failed", f"{type(exc).__name__}: {exc}"
        log.warning("the sync-report email of run %s could not be sent: %s", summary.run_id, detail)
    if ledger is not None:
        ledger.record_notification(
            run_id=summary.run_id,
            channel="email",
            recipients=recipients,
            status=status,
            detail=detail,
            now=now,
        )
    return status
