"""Sync-report emails received by a real SMTP server (aiosmtpd), per mode."""

from __future__ import annotations

import datetime as dt
import socket
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from wixqb_nb.config import EmailMode, EmailReport
from wixqb_nb.sync.ledger import Ledger
from wixqb_nb.sync.notify import RunSummary, notify_run, should_send

NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


def _workbook(tmp_path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Summary"
    ws["A1"] = "matched"
    path = tmp_path / "run-7.xlsx"
    wb.save(path)
    return path


def _summary(tmp_path: Path, exit_code: int) -> RunSummary:
    outcome = {0: "ok", 1: "partial", 2: "failed"}[exit_code]
    return RunSummary(
        run_id=7,
        realm_id="9130",
        outcome=outcome,
        exit_code=exit_code,
        started_at=NOW,
        counts={"orders_seen": 12, "orders_posted": 11},
        errors=("order 1001: tax GST not mapped",) if exit_code else (),
        workbook=_workbook(tmp_path),
    )


def _settings(mode: EmailMode, port: int, **kw: object) -> EmailReport:
    return EmailReport.model_validate(
        {
            "mode": mode,
            "recipients": ["books@example.com", "owner@example.com"],
            "sender": "wixqb@example.com",
            "smtp_host": "127.0.0.1",
            "smtp_port": port,
            "tls": "none",
            **kw,
        }
    )


@pytest.mark.parametrize(
    ("mode", "exit_code", "expected"),
    [
        (EmailMode.NEVER, 0, False),
        (EmailMode.NEVER, 2, False),
        (EmailMode.ALWAYS, 0, True),
        (EmailMode.ALWAYS, 1, True),
        (EmailMode.ON_FAILURE, 0, False),
        (EmailMode.ON_FAILURE, 1, True),
        (EmailMode.ON_FAILURE, 2, True),
    ],
)
def test_each_mode_sends_when_it_should_with_the_workbook_attached(
    tmp_path: Path, smtp: Any, mode: EmailMode, exit_code: int, expected: bool
) -> None:
    summary = _summary(tmp_path, exit_code)
    assert should_send(mode, summary) is expected
    with smtp() as (inbox, port), Ledger(tmp_path / "l.sqlite") as ledger:
        status = notify_run(_settings(mode, port), summary, ledger=ledger, now=NOW, env={})
        assert status == ("sent" if expected else "skipped")
        assert len(inbox.messages) == int(expected)
        notes = ledger.frame("notifications")
        assert list(notes["status"]) == (["sent"] if expected else [])
    if not expected:
        return
    msg = inbox.messages[0]
    assert inbox.envelopes[0] == ("wixqb@example.com", ["books@example.com", "owner@example.com"])
    assert "run 7" in msg["Subject"]
    body = msg.get_body(preferencelist=("plain",))
    assert body is not None
    text = body.get_content()
    assert "orders seen" in text and "12" in text
    if exit_code:
        assert "tax GST not mapped" in text
    (attachment,) = list(msg.iter_attachments())
    assert attachment.get_filename() == "run-7.xlsx"
    out = tmp_path / "received.xlsx"
    out.write_bytes(attachment.get_content())
    assert load_workbook(out)["Summary"]["A1"].value == "matched"


def test_starttls_and_login_with_the_password_from_the_environment(
    tmp_path: Path, smtp: Any, tls_pair: Any
) -> None:
    server_ctx, client_ctx = tls_pair
    with smtp(tls_context=server_ctx, users={"robot": "s3cret"}) as (inbox, port):
        settings = _settings(EmailMode.ALWAYS, port, tls="starttls", smtp_user="robot")
        status = notify_run(
            settings,
            _summary(tmp_path, 0),
            ledger=None,
            now=NOW,
            env={"WIXQB_SMTP_PASSWORD": "s3cret"},
            ssl_context=client_ctx,
        )
        assert status == "sent"
        assert len(inbox.messages) == 1


def test_a_failed_send_is_recorded_never_raised(tmp_path: Path, smtp: Any) -> None:
    with smtp() as (inbox, port), Ledger(tmp_path / "l.sqlite") as ledger:
        inbox.reject = {"books@example.com", "owner@example.com"}
        refused = _settings(EmailMode.ALWAYS, port)
        env = {"WIXQB_SMTP_PASSWORD": "hunter2"}
        assert notify_run(refused, _summary(tmp_path, 0), ledger=ledger, now=NOW, env=env) == "failed"
        closed = _settings(EmailMode.ALWAYS, _free_port())
        assert notify_run(closed, _summary(tmp_path, 0), ledger=ledger, now=NOW, env=env) == "failed"
        rows = ledger.frame("notifications")
        assert list(rows["status"]) == ["failed", "failed"]
        assert "550" in rows["detail"][0]
        assert "hunter2" not in " ".join(rows["detail"])  # the password never lands in the ledger
        assert inbox.messages == []


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
