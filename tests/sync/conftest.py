"""Fixtures of the sync tests: a real SMTP server (aiosmtpd), optionally with STARTTLS and AUTH."""

from __future__ import annotations

import email
import email.policy
import socket
import ssl
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Inbox:
    """aiosmtpd handler that keeps every message received."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.reject: set[str] = set()

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address in self.reject:
            return "550 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        msg = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        assert isinstance(msg, EmailMessage)
        self.messages.append(msg)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"


def self_signed(tmp: Path) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """(server context, client context trusting it) from a throw-away certificate for 127.0.0.1."""
    key, cert = tmp / "key.pem", tmp / "cert.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert, key)
    client = ssl.create_default_context(cafile=str(cert))
    return server, client


@contextmanager
def smtp_server(
    *, tls_context: ssl.SSLContext | None = None, users: dict[str, str] | None = None
) -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    kwargs: dict[str, Any] = {}
    if tls_context is not None:
        kwargs["tls_context"] = tls_context
        kwargs["require_starttls"] = True
    if users is not None:

        def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
            ok = isinstance(data, LoginPassword) and users.get(data.login.decode()) == data.password.decode()
            return AuthResult(success=ok)

        kwargs["authenticator"] = authenticator
        kwargs["auth_require_tls"] = tls_context is not None
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
def smtp() -> Any:
    """``with smtp(tls_context=..., users=...) as (inbox, port):`` starts a real SMTP server."""
    return smtp_server


@pytest.fixture
def tls_pair(tmp_path: Path) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A self-signed (server, client) SSL context pair."""
    return self_signed(tmp_path)


# --- a sandbox company connected to a fresh config, ledger and report folder ----------------------

import datetime as dt  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import uuid  # noqa: E402
from collections import Counter  # noqa: E402
from collections.abc import Callable  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402

from wixqb_nb import money  # noqa: E402
from wixqb_nb.clients._limits import Limits  # noqa: E402
from wixqb_nb.config import Config  # noqa: E402
from wixqb_nb.init.sandbox import init_sandbox, load_secrets_env  # noqa: E402
from wixqb_nb.mapping.markers import parse_marker  # noqa: E402
from wixqb_nb.sandbox import SandboxServer  # noqa: E402
from wixqb_nb.sync.connect import build_clients, state_dir  # noqa: E402
from wixqb_nb.sync.ledger import Ledger, ledger_path  # noqa: E402
from wixqb_nb.sync.run import RunResult, sync_run  # noqa: E402

DOCS = ("Invoice", "SalesReceipt", "Payment", "CreditMemo", "RefundReceipt")
_STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z")


@dataclass
class SyncEnv:
    """A sandbox and a config made for it by ``wixqb init --sandbox``, with helpers to run and inspect."""

    sb: SandboxServer
    config: Config
    config_path: Path
    env: dict[str, str]
    report_dir: Path
    runs: list[RunResult] = field(default_factory=list)

    @property
    def state_dir(self) -> Path:
        return state_dir(self.config, self.config_path)

    statuses: Counter[int] = field(default_factory=Counter)
    # QBO's published limits, but a limiter of its own: the process-wide one is per realm, and every
    # sandbox of the same seed has the same realm id, so tests would share (and drain) one budget
    qbo_limits: Any = field(default_factory=Limits)

    def _count(self, response: Any) -> None:
        self.statuses[response.status_code] += 1

    def run(self, **kwargs: Any) -> RunResult:
        hooks = {"response": [self._count]}
        with build_clients(
            self.config,
            config_path=self.config_path,
            env=self.env,
            event_hooks=hooks,
            qbo_limits=self.qbo_limits,
        ) as c:
            kwargs.setdefault("report_dir", self.report_dir)
            result = sync_run(
                self.config,
                wix=c.wix,
                qbo=c.qbo,
                now=dt.datetime.now(dt.UTC),
                state_dir=self.state_dir,
                clock=lambda: dt.datetime.now(dt.UTC),
                env=self.env,
                **kwargs,
            )
        self.runs.append(result)
        return result

    def add_copies(self, rng: random.Random, count: int = 4) -> None:
        """New orders placed now: copies of orders that posted cleanly, with fresh ids, numbers and dates."""
        store = self.sb.state.wix.store
        with self.ledger() as ledger:
            posted = sorted(o.order_id for o in ledger.orders().values() if o.state == "posted")
        number = max(int(o["number"]) for o in store.orders.values())
        now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        orders, records = [], []
        for k in range(count):
            oid = rng.choice(posted)
            record = store.transactions.get(oid) or {"orderId": oid, "payments": [], "refunds": []}
            if record.get("refunds"):
                continue
            text = money.dumps({"order": store.orders[oid], "record": record})
            for old in [oid, *(p["id"] for p in record.get("payments") or [])]:
                text = text.replace(old, str(uuid.UUID(int=rng.getrandbits(128))))
            data = money.loads(_STAMP.sub(now, text))
            data["order"]["number"] = str(number + 1 + k)
            orders.append(data["order"])
            records.append(data["record"])
        self.sb.add_orders(orders, records)

    def ledger(self) -> Ledger:
        return Ledger(ledger_path(self.state_dir, self.config.connection.qbo_realm_id))

    def qbo_docs(self) -> dict[str, list[dict[str, Any]]]:
        dump = self.sb.dump_qbo()
        return {e: list(dump.get(e) or []) for e in DOCS}

    def marked(self) -> Counter[tuple[str, str, str]]:
        """How many QBO documents carry each marker (order, kind, source)."""
        counts: Counter[tuple[str, str, str]] = Counter()
        for docs in self.qbo_docs().values():
            for d in docs:
                m = parse_marker(d.get("PrivateNote"))
                if m is not None:
                    counts[(m.order_id, m.kind, m.source_id)] += 1
        return counts

    def totals(self) -> dict[tuple[str, str, str], str]:
        """TotalAmt of each marked QBO document, by marker."""
        out: dict[tuple[str, str, str], str] = {}
        for docs in self.qbo_docs().values():
            for d in docs:
                m = parse_marker(d.get("PrivateNote"))
                if m is not None:
                    out[(m.order_id, m.kind, m.source_id)] = str(d.get("TotalAmt"))
        return out


@pytest.fixture
def sync_env(fresh_sandbox: Callable[..., SandboxServer], tmp_path: Path) -> Callable[..., SyncEnv]:
    """``sync_env(**sandbox options, email=...)`` -> a :class:`SyncEnv` on a fresh sandbox."""

    def make(email: dict[str, Any] | None = None, **options: Any) -> SyncEnv:
        options.setdefault("orders", 30)
        sb = fresh_sandbox(**options)
        folder = tmp_path / f"company-{sb.port}"
        folder.mkdir()
        init = init_sandbox(sb.url, folder / "wixqb.toml", now=dt.datetime.now(dt.UTC))
        env: dict[str, str] = {}
        load_secrets_env(init.secrets_file, env)
        config = init.config
        if email is not None:
            general = config.general.model_copy(
                update={
                    "email": config.general.email.model_validate(
                        {**config.general.email.model_dump(), **email}
                    )
                }
            )
            config = config.model_copy(update={"general": general})
        return SyncEnv(sb, config, folder / "wixqb.toml", env, folder / "reports")

    return make
