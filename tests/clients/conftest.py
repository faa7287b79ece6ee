"""Fixtures of the client tests: sandboxes over real HTTP with stores built for paging tests."""

from __future__ import annotations

import copy
import datetime as dt
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

import wixqb_nb.sandbox
from wixqb_nb import money
from wixqb_nb.clients import Limits, QboClient, RetryPolicy, TokenSet, TokenStore
from wixqb_nb.clients._http import HttpCore
from wixqb_nb.clients.qbo_auth import token_request
from wixqb_nb.clients.qbo_connect import authorize_url

DOC_STORE = Path(wixqb_nb.sandbox.__file__).parent / "data" / "wix_doc_store.json"


def big_store(n: int = 250) -> dict[str, Any]:
    """``n`` orders cloned from Wix's own examples with fresh ids and spread ``updatedDate`` s,
    one transactions record each (one payment), so listings span several pages and chunks."""
    doc = money.loads(DOC_STORE.read_text())
    start = dt.datetime(2024, 3, 1, tzinfo=dt.UTC)
    orders, transactions = [], []
    for i in range(n):
        order = copy.deepcopy(doc["orders"][i % len(doc["orders"])])
        oid = str(uuid.UUID(int=i + 1))
        order["id"], order["number"] = oid, str(20000 + i)
        order["status"] = "APPROVED"
        stamp = (
            (start + dt.timedelta(minutes=7 * i)).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        )
        order["createdDate"] = order["updatedDate"] = stamp
        orders.append(order)
        tx = copy.deepcopy(doc["transactions"][i % len(doc["transactions"])])
        tx["orderId"] = oid
        transactions.append(tx)
    return {"orders": orders, "transactions": transactions, "products": doc["products"]}


@pytest.fixture(scope="module")
def store() -> dict[str, Any]:
    return big_store()


@pytest.fixture(scope="module")
def wix_sandbox(store: dict[str, Any]) -> Iterator[Any]:
    from wixqb_nb.sandbox import SandboxServer

    with SandboxServer(store=store, limits=False) as sb:
        yield sb


# --- QBO ---------------------------------------------------------------------------------------


class Recorder:
    """An httpx request hook keeping every request the client sent."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> None:
        self.requests.append(request)


class QboKit:
    """Builds token stores and QBO clients on one sandbox; closes what it opened."""

    def __init__(self, sb: Any, tmp_path: Path) -> None:
        self.sb = sb
        self.tmp_path = tmp_path
        self.recorder = Recorder()
        self.http = httpx.Client(event_hooks={"request": [self.recorder]}, timeout=30.0)
        self._closing: list[httpx.Client] = [self.http]

    def fresh_tokens(self) -> TokenSet:
        """A new token pair of its own for this test, obtained over HTTP like a user connecting
        (authorize page with auto-approve, then the code exchange): tests never share a refresh token."""
        c = self.sb.credentials
        redirect = "http://127.0.0.1:8765/callback"
        url = authorize_url(self.sb.qbo_base_url + "/connect/oauth2", c.client_id, redirect, "s")
        page = self.http.get(url + "&auto_approve=1")
        assert page.status_code == 302, page.text
        code = httpx.URL(page.headers["location"]).params["code"]
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect}
        data = token_request(
            HttpCore(self.http, service="qbo"), self.sb.token_url, c.client_id, c.client_secret, form
        )
        tokens = TokenSet.from_answer(data, time.time())
        tokens.realm_id = c.realm_id
        return tokens

    def tokens(self, path: Path | None = None, *, expires_in: float = 1800.0, **kwargs: Any) -> TokenStore:
        """A TokenStore on fresh tokens (file ``tokens.json`` in the test's folder by default)."""
        c = self.sb.credentials
        initial = self.fresh_tokens()
        initial.expires_at = time.time() + expires_in
        http = httpx.Client(timeout=30.0)
        self._closing.append(http)
        return TokenStore(
            path if path is not None else self.tmp_path / "tokens.json",
            client_id=c.client_id,
            client_secret=c.client_secret,
            token_url=self.sb.token_url,
            initial=initial,
            http=http,
            **kwargs,
        )

    def client(
        self, tokens: Any = None, *, limits: Limits | None = None, retry: RetryPolicy | None = None
    ) -> QboClient:
        """A QboClient with its own limiter (unlimited unless ``limits``) and millisecond backoffs."""
        return QboClient(
            self.sb.credentials.realm_id,
            self.sb.qbo_base_url,
            tokens or self.tokens(),
            http=self.http,
            limits=limits or Limits.unlimited(),
            retry=retry or RetryPolicy(max_retries=12, backoff_base_s=0.001, backoff_max_s=0.01),
        )

    def close(self) -> None:
        for h in self._closing:
            h.close()


def unique(prefix: str) -> str:
    """A name no other test uses (the module-scoped sandbox is shared)."""
    return f"{prefix} {uuid.uuid4().hex[:8]}"


@pytest.fixture
def make_kit(tmp_path: Path) -> Iterator[Any]:
    """``with make_kit(time_scale=..., limits=..., faults=...) as kit:`` on a sandbox of its own."""
    import contextlib

    from wixqb_nb.sandbox import SandboxServer

    @contextlib.contextmanager
    def make(**options: Any) -> Iterator[QboKit]:
        with SandboxServer(**options) as sb:
            k = QboKit(sb, tmp_path)
            try:
                yield k
            finally:
                k.close()

    yield make


@pytest.fixture(scope="module")
def qbo_sandbox() -> Iterator[Any]:
    from wixqb_nb.sandbox import SandboxServer

    with SandboxServer(limits=False) as sb:
        yield sb


@pytest.fixture
def kit(qbo_sandbox: Any, tmp_path: Path) -> Iterator[QboKit]:
    k = QboKit(qbo_sandbox, tmp_path)
    yield k
    k.close()
