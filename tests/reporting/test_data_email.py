"""Report data, and the email built and sent to a real local SMTP server (aiosmtpd)."""

from __future__ import annotations

import email
import email.policy
import socket
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from report_cases import EVIL, make_report

from wixqb_nb import money
from wixqb_nb.errors import ConfigError, ReconnectRequired
from wixqb_nb.reporting.data import ReportData, build_report
from wixqb_nb.reporting.email import XLSX_TYPE, build_email, send_email
from wixqb_nb.reporting.xlsx import write_xlsx


def test_report_data_is_pure_and_complete(report: ReportData) -> None:
    assert not report.passed
    assert [t.key for t in report.tables] == [
        "documents",
        "discrepancies",
        "errors",
        "daily",
        "tax",
        "rounding",
    ]
    assert len(report.table("documents").rows) == 4
    assert report.table("errors").rows[0][4] == "Map PST."
    assert [d for d, _, _ in report.chart] == ["2024-03-01", "2024-03-02"]
    money.dumps(report.to_dict())  # serialisable, no floats


def test_error_hints_by_kind(report: ReportData) -> None:
    from recon_cases import build_store
    from report_cases import RUN

    from wixqb_nb.reconcile import reconcile

    s = build_store()
    result = reconcile(s.orders, s.transactions, s.qbo, s.settings)
    data = build_report(RUN, None, result, [ReconnectRequired("refresh token revoked", status_code=401)],
                        language="fr")  # fmt: skip
    assert data.table("errors").rows[0][4].startswith("Reconnectez QuickBooks")
    clean = build_report(RUN, None, result, [])
    assert clean.passed and clean.summary[0][1].startswith("PASS")


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd API)
        self.messages.append(envelope)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_email_built_escaped_and_sent(report: ReportData, tmp_path: Path) -> None:
    book = write_xlsx(report, tmp_path / "report.xlsx")
    msg = build_email(report, book, "wixqb@example.com", ["ann@example.com", "bob@example.com"])
    assert msg["Subject"].startswith("[wixqb] FAIL") and "2024-03-01" in msg["Subject"]
    html_part = msg.get_body(preferencelist=("html",))
    assert html_part is not None
    body = html_part.get_content()
    assert "<script" not in body and "&lt;" not in EVIL  # sanity of the fixture
    assert "&#x27;PST&#x27;" in body and "'PST'" not in body
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        send_email(msg, "127.0.0.1", controller.port, "none")
    finally:
        controller.stop()
    (env,) = inbox.messages
    assert sorted(env.rcpt_tos) == ["ann@example.com", "bob@example.com"]
    got = email.message_from_bytes(env.content, policy=email.policy.default)
    (att,) = list(got.iter_attachments())
    assert att.get_filename() == "report.xlsx"
    assert (att.get_content_maintype(), att.get_content_subtype()) == XLSX_TYPE
    assert att.get_content() == book.read_bytes()
    text = got.get_body(preferencelist=("plain",))
    assert text is not None and "Settings hash: cfg0123abcd" in text.get_content()


def test_email_html_escapes_wix_text(tmp_path: Path) -> None:
    from dataclasses import replace

    report = make_report()
    rows = report.table("discrepancies").rows
    evil_row = (
        "missing_in_qbo",
        "error",
        "<b>1</b>",
        "",
        "",
        "",
        "",
        None,
        None,
        None,
        "<script>x</script>",
        "",
    )
    tables = tuple(
        replace(t, rows=(*rows, evil_row)) if t.key == "discrepancies" else t for t in report.tables
    )
    msg = build_email(
        replace(report, tables=tables), write_xlsx(report, tmp_path / "r.xlsx"), "a@x.org", ["b@x.org"]
    )
    html_part = msg.get_body(preferencelist=("html",))
    assert html_part is not None
    body = html_part.get_content()
    assert (
        "<script>" not in body and "&lt;script&gt;x&lt;/script&gt;" in body and "&lt;b&gt;1&lt;/b&gt;" in body
    )


def test_email_needs_recipients(report: ReportData, tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        build_email(report, write_xlsx(report, tmp_path / "r.xlsx"), "a@x.org", [])


def test_starttls_to_a_server_without_it_fails_loudly(report: ReportData, tmp_path: Path) -> None:
    import smtplib

    msg = build_email(report, write_xlsx(report, tmp_path / "r.xlsx"), "a@x.org", ["b@x.org"])
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        with pytest.raises(smtplib.SMTPNotSupportedError):
            send_email(msg, "127.0.0.1", controller.port, "starttls")
    finally:
        controller.stop()
    assert inbox.messages == []
