"""The sync-report email after real runs, received by a real SMTP server, for each mode."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook


def _break_taxes(env: Any) -> None:
    taxes = env.config.taxes
    env.config = env.config.model_copy(update={"taxes": taxes.model_copy(update={"mappings": []})})


@pytest.mark.parametrize(
    ("mode", "broken", "sent"),
    [
        ("always", False, True),
        ("on_failure", False, False),
        ("on_failure", True, True),
        ("never", True, False),
    ],
)
def test_report_email_per_mode_with_the_workbook_attached(
    sync_env: Callable[..., Any], smtp: Any, tmp_path: Path, mode: str, broken: bool, sent: bool
) -> None:
    with smtp() as (inbox, port):
        email = {"mode": mode, "recipients": ["books@example.com"], "sender": "wixqb@example.com",
                 "smtp_host": "127.0.0.1", "smtp_port": port, "tls": "none"}  # fmt: skip
        env = sync_env(orders=10, email=email)
        if broken:
            _break_taxes(env)
        result = env.run()
        assert (result.exit_code == 1) if broken else (result.exit_code == 0)
        assert result.email == ("sent" if sent else "skipped")
        assert len(inbox.messages) == int(sent)
    if not sent:
        return
    msg = inbox.messages[0]
    assert msg["To"] == "books@example.com"
    (attachment,) = list(msg.iter_attachments())
    assert attachment.get_filename() == result.workbook.name
    received = tmp_path / "received.xlsx"
    received.write_bytes(attachment.get_content())
    assert load_workbook(received).sheetnames == load_workbook(result.workbook).sheetnames
    with env.ledger() as ledger:
        assert list(ledger.frame("notifications")["status"]) == ["sent"]


def test_a_mail_server_that_is_down_never_fails_the_sync(sync_env: Callable[..., Any]) -> None:
    email = {"mode": "always", "recipients": ["books@example.com"], "sender": "wixqb@example.com",
             "smtp_host": "127.0.0.1", "smtp_port": 9, "tls": "starttls"}  # fmt: skip
    env = sync_env(orders=8, email=email)
    result = env.run()
    assert result.email == "failed"
    assert result.exit_code in (0, 1) and result.counts["orders_posted"] > 0
    with env.ledger() as ledger:
        rows = ledger.frame("notifications")
    assert list(rows["status"]) == ["failed"] and rows["detail"][0]
