"""Security: no secret left behind, token files private, query values inert, Wix text inert.

- A sync (with its workbook and an email through a real SMTP server) and then ``wixqb run`` (the
  sync notebook under papermill) over one company; then every file the runs left (config, ledger,
  reports, executed notebooks, the workbook's XML parts), the email, the captured logs and the
  console output are searched for the Wix API key, the QBO client secret and every access and
  refresh token the sandbox ever issued. None may appear. The token and secrets files are 0600.
- QBO query values with quotes, backslashes, ``%`` and SQL-looking text find exactly their customer.
- Wix text shaped like a spreadsheet formula stays text in the workbook; Wix text with HTML is
  escaped in the email.

Proven elsewhere (see docs/RELIABILITY.md): the OAuth redirect refuses a wrong ``state``
(tests/clients/test_qbo_auth.py), query literals cannot escape (tests/clients/test_qbo_query.py).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import sqlite3
import stat
import urllib.parse
import uuid
import zipfile
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from proof_support import clean_paid, fresh_copy

from wixqb_nb.cli import main
from wixqb_nb.clients import qbo_query
from wixqb_nb.config_file import save_config
from wixqb_nb.sync.connect import build_clients

FORMULAS = ['=HYPERLINK("http://evil.example","x")', "=cmd|' /C calc'!A0", "+SUM(1,2)", "-2+3", "@SUM(A1)"]
HTML = '<script>alert("wix")</script><img src=x onerror=alert(1)>'


def _secrets(env: Any) -> dict[str, str]:
    """Every secret of the company: app keys, and every token the sandbox issued (current and used)."""
    creds = env.sb.credentials
    oauth = env.sb.state.qbo.service.oauth
    found = {"wix_api_key": creds.wix_api_key, "client_secret": creds.client_secret}
    found.update({f"access:{t[:8]}": t for t in list(oauth.access)})
    found.update({f"refresh:{t[:8]}": t for t in list(oauth.refresh)})
    return found


def _texts(path: Path) -> Iterator[tuple[str, bytes]]:
    """The bytes of a file, plus each part of a zip (xlsx) and a text dump of a SQLite database."""
    data = path.read_bytes()
    yield str(path), data
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            for member in zf.namelist():
                yield f"{path}!{member}", zf.read(member)
    if data.startswith(b"SQLite format 3"):
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            yield f"{path}!dump", "\n".join(db.iterdump()).encode()


def _leaks(secrets: dict[str, str], sources: dict[str, bytes]) -> list[tuple[str, str]]:
    found = []
    for where, blob in sources.items():
        for name, secret in secrets.items():
            forms = {secret, urllib.parse.quote(secret, safe=""), urllib.parse.quote_plus(secret)}
            if any(f.encode() in blob for f in forms):
                found.append((name, where))
    return found


def _attack_orders(env: Any) -> tuple[list[str], str]:
    """Orders whose names are formulas and HTML, and a broken one whose number is HTML; their ids."""
    store = env.sb.state.wix.store
    base = clean_paid(list(store.orders.values()), dict(store.transactions))
    later = (dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    orders, records, ids = [], [], []
    for k, text in enumerate([*FORMULAS, HTML]):
        o, r = fresh_copy(*base[k % len(base)], 95_000 + k, later)
        for line in o["lineItems"]:
            line["productName"] = {"original": text, "translated": text}
        contact = o.setdefault("billingInfo", {}).setdefault("contactDetails", {})
        contact["firstName"], contact["lastName"] = text, f"{text} {uuid.uuid4().hex[:6]}"
        o["buyerInfo"] = {"email": f"buyer{k}@example.com"}
        orders.append(o)
        records.append(r)
        ids.append(o["id"])
    broken, record = fresh_copy(*base[0], 95_100, later)
    broken["number"] = HTML
    broken["priceSummary"]["total"]["amount"] = "99999.99"
    env.sb.add_orders([*orders, broken], [*records, record])
    return ids, broken["id"]


def test_a_sync_and_a_notebook_run_leave_no_secret_anywhere(
    sync_env: Callable[..., Any],
    smtp: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    with smtp() as (inbox, port):
        email = {"mode": "always", "recipients": ["books@example.com"], "sender": "wixqb@example.com",
                 "smtp_host": "127.0.0.1", "smtp_port": port, "tls": "none"}  # fmt: skip
        env = sync_env(orders=30, seed=9, email=email)
        save_config(env.config, env.config_path)
        _attack_orders(env)
        env.sb.set_clock(advance_s=3_700)  # the first access token has expired: the run refreshes
        result = env.run()
        assert result.exit_code == 1 and result.email == "sent"
        for key, value in env.env.items():
            monkeypatch.setenv(key, value)
        env.sb.advance(hours=2, seed=4)
        reports = tmp_path / "notebook-reports"
        code = main(["run", "--config", str(env.config_path), "--reports", str(reports)])
        assert code in (0, 1)
        messages: list[EmailMessage] = list(inbox.messages)
    out, err = capfd.readouterr()

    token_file = Path(env.config.connection.token_file)
    secrets_file = env.config_path.with_name(env.config_path.stem + ".secrets.env")
    for private in (token_file, secrets_file):
        assert stat.S_IMODE(private.stat().st_mode) == 0o600, private
    secrets = _secrets(env)
    assert len(secrets) >= 4
    # the scan can find a secret: the token file holds the current tokens
    assert _leaks(secrets, dict(_texts(token_file)))

    sources: dict[str, bytes] = {}
    for folder in (env.config_path.parent, reports):
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            if path not in (token_file, secrets_file):
                sources.update(_texts(path))
    assert any(k.endswith(".ipynb") for k in sources) and any(".xlsx!" in k for k in sources)
    assert any(k.endswith("!dump") for k in sources)  # the ledger was read as a database too
    sources["email"] = b"\n".join(m.as_bytes() for m in messages)
    logged = [r.getMessage() + " " + repr(r.args) for r in caplog.records]
    sources["logs"] = "\n".join(logged).encode()
    sources["console"] = (out + err).encode()
    assert len(logged) > 5 and messages
    assert _leaks(secrets, sources) == []


def test_wix_text_stays_text_in_the_workbook_and_in_the_email(
    sync_env: Callable[..., Any], smtp: Any
) -> None:
    with smtp() as (inbox, port):
        email = {"mode": "always", "recipients": ["books@example.com"], "sender": "wixqb@example.com",
                 "smtp_host": "127.0.0.1", "smtp_port": port, "tls": "none"}  # fmt: skip
        env = sync_env(orders=20, seed=9, email=email)
        _, broken = _attack_orders(env)
        result = env.run()
        assert result.exit_code == 1 and result.email == "sent"
    assert result.workbook is not None
    wb = load_workbook(result.workbook)
    attack_cells = [
        (ws.title, c.coordinate, c.data_type, c.value)
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and any(f in c.value for f in (*FORMULAS, "<script>"))
    ]
    assert attack_cells, "the Wix text did not reach the workbook"
    assert [c for c in attack_cells if c[2] == "f"] == []  # never a formula
    with zipfile.ZipFile(result.workbook) as zf:
        sheets = b"".join(zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/"))
    formulas = re.findall(rb"<f>(.*?)</f>", sheets)  # the workbook's own formulas, if any
    assert [f for f in formulas if b"HYPERLINK" in f or b"cmd" in f or b"alert" in f] == []
    (msg,) = inbox.messages
    html = msg.get_body(preferencelist=("html",))
    if html is not None:
        content = html.get_content()
        assert "<script>" not in content and "onerror=alert" not in content.replace(
            "onerror=alert(1)&gt;", ""
        )
        assert "&lt;script&gt;" in content  # the broken order's number is shown, escaped
    plain = msg.get_body(preferencelist=("plain",))
    assert plain is not None and broken  # the text part carries it as plain text
    assert HTML in plain.get_content()


QUERY_NAMES = [
    "O'Brien%' OR 1=1",
    "x' OR DisplayName LIKE '%",
    "back\\slash\\' --",
    '100% "quoted"',
    "%",
    "_",
    "'; DROP TABLE Customer; --",
    "Zo\u00eb \u202eevil\u202c",
]


def test_query_values_with_quotes_backslashes_and_percent_find_exactly_their_customer(
    sync_env: Callable[..., Any],
) -> None:
    env = sync_env(orders=5, seed=9)
    with build_clients(env.config, config_path=env.config_path, env=env.env) as c:
        total = c.qbo.count("Customer")
        for k, name in enumerate(QUERY_NAMES):
            c.qbo.create("Customer", {"DisplayName": name}, f"proof:query:{k}")
        assert c.qbo.count("Customer") == total + len(QUERY_NAMES)
        for name in QUERY_NAMES:
            found = c.qbo.select_where("Customer", DisplayName=name)
            assert [f["DisplayName"] for f in found] == [name], (name, found)
            sql = qbo_query.select_where("Customer", DisplayName=name)
            assert [r["DisplayName"] for r in c.qbo.query_iter(sql)] == [name]
