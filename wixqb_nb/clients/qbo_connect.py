"""The OAuth 2.0 authorization-code flow behind ``wixqb connect qbo``.

1. A random ``state`` and the authorize URL (client id, scope, redirect URI, state).
2. A small HTTP server on the redirect URI's localhost port waits for Intuit's redirect; a redirect
   with a wrong ``state`` is answered 400 and ignored (it may be a forged request), so only the
   answer to *our* request is used.
3. The browser is opened on the URL (or the URL is printed for a headless machine).
4. The code is exchanged at the token endpoint with client Basic auth; the tokens and the realm id
   go to the token file through :class:`~wixqb_nb.clients.qbo_auth.TokenStore`.
"""

from __future__ import annotations

import http.server
import secrets
import threading
import time
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import httpx

from wixqb_nb import errors
from wixqb_nb.clients._http import DEFAULT_TIMEOUT, HttpCore
from wixqb_nb.clients.qbo_auth import ACCOUNTING_SCOPE, TokenSet, TokenStore, token_request


def authorize_url(
    authorize_endpoint: str, client_id: str, redirect_uri: str, state: str, scope: str = ACCOUNTING_SCOPE
) -> str:
    """The URL the user opens to grant access (parameters as intuitlib builds them)."""
    query = urlencode(
        {
            "client_id": client_id,
            "response_type": "code",
            "scope": scope,
            "redirect_uri": redirect_uri,
            "state": state,
        }
    )
    sep = "&" if "?" in authorize_endpoint else "?"
    return f"{authorize_endpoint}{sep}{query}"


@dataclass
class _Outcome:
    expected_state: str
    path: str
    code: str | None = None
    realm_id: str | None = None
    error: str | None = None
    rejected: int = 0  # redirects refused for a wrong state
    done: threading.Event = field(default_factory=threading.Event)


def _handler(outcome: _Outcome) -> type[http.server.BaseHTTPRequestHandler]:
    class Callback(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            parts = urlsplit(self.path)
            if parts.path != outcome.path:
                self._reply(404, "Not the OAuth callback.")
                return
            q = {k: v[0] for k, v in parse_qs(parts.query).items()}
            if not secrets.compare_digest(q.get("state", ""), outcome.expected_state):
                outcome.rejected += 1
                self._reply(400, "Rejected: the state does not match this connection attempt.")
                return
            if "error" in q:
                outcome.error = q["error"]
                self._reply(400, f"QuickBooks refused the connection: {q['error']}.")
            elif not q.get("code"):
                outcome.error = "no authorization code in the redirect"
                self._reply(400, "No authorization code in the redirect.")
            else:
                outcome.code, outcome.realm_id = q["code"], q.get("realmId")
                self._reply(200, "QuickBooks is connected. You can close this tab.")
            outcome.done.set()

        def _reply(self, status: int, text: str) -> None:
            body = f"<!doctype html><title>wixqb</title><p>{text}</p>".encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the query string holds the code)
            return

    return Callback


def _listen(redirect_uri: str, outcome: _Outcome) -> tuple[http.server.ThreadingHTTPServer, str]:
    parts = urlsplit(redirect_uri)
    host = parts.hostname or "127.0.0.1"
    if host not in {"localhost", "127.0.0.1", "::1"}:
        raise errors.ConfigError(f"the redirect URI must point at this machine (localhost), not {host}")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", parts.port or 80), _handler(outcome))
    port = server.server_address[1]
    actual = urlunsplit((parts.scheme, f"{host}:{port}", parts.path or "/", "", ""))
    return server, actual


def connect_qbo(
    *,
    client_id: str,
    client_secret: str,
    authorize_endpoint: str,
    token_url: str,
    redirect_uri: str,
    store: TokenStore,
    open_browser: bool | Callable[[str], Any] = True,
    echo: Callable[[str], None] = print,
    timeout_s: float = 300.0,
    http: httpx.Client | None = None,
) -> TokenSet:
    """Run the whole authorization-code flow and save the tokens in ``store``; return them.

    ``redirect_uri`` must be registered with the Intuit app; port 0 picks a free port (tests).
    ``open_browser`` may be a callable that receives the URL (tests drive the sandbox's authorize
    page with it).

    Raises
    ------
    wixqb_nb.errors.AuthenticationError
        The user refused, no redirect came within ``timeout_s``, or the code was not accepted.
    """
    state = secrets.token_urlsafe(24)
    outcome = _Outcome(expected_state=state, path=urlsplit(redirect_uri).path or "/")
    server, actual_redirect = _listen(redirect_uri, outcome)
    thread = threading.Thread(target=server.serve_forever, name="qbo-oauth-callback", daemon=True)
    thread.start()
    try:
        url = authorize_url(authorize_endpoint, client_id, actual_redirect, state)
        echo(f"Open this URL to connect QuickBooks Online:\n{url}")
        if callable(open_browser):
            open_browser(url)
        elif open_browser:
            webbrowser.open(url)
        deadline = time.monotonic() + timeout_s
        while not outcome.done.wait(timeout=0.2):
            if time.monotonic() > deadline:
                raise errors.AuthenticationError(
                    f"no answer from QuickBooks within {timeout_s:.0f}s", status_code=408, service="qbo"
                )
    finally:
        server.shutdown()
        server.server_close()
    if outcome.error or not outcome.code:
        raise errors.AuthenticationError(
            f"QuickBooks connection failed: {outcome.error}", status_code=400, service="qbo"
        )
    own = http is None
    client = http or httpx.Client(timeout=DEFAULT_TIMEOUT)
    try:
        data = token_request(
            HttpCore(client, service="qbo"),
            token_url,
            client_id,
            client_secret,
            {"grant_type": "authorization_code", "code": outcome.code, "redirect_uri": actual_redirect},
        )
    finally:
        if own:
            client.close()
    tokens = TokenSet.from_answer(data, time.time())
    tokens.realm_id = outcome.realm_id
    store.save(tokens)
    return tokens
