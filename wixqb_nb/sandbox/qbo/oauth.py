"""OAuth 2.0 as Intuit runs it (qbo_api.md §1): authorization code, rotating refresh tokens.

- ``authorization_code`` and ``refresh_token`` grants at the token endpoint, client Basic auth;
- access tokens live 60 minutes (divided by ``time_scale``); a refresh token is single-use: each
  refresh returns a new one, and a used-up or revoked one gets ``invalid_grant``;
- an access token already issued stays valid until it expires, even after its refresh token is
  used or revoked (revoking the access token itself does end it).
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field
from typing import Any

ACCESS_TTL = 3600
REFRESH_TTL = 8_726_400  # 101 days, the x_refresh_token_expires_in QBO reports
CODE_TTL = 300


@dataclass
class OAuthClient:
    client_id: str
    client_secret: str
    redirect_uris: tuple[str, ...] = ()


@dataclass
class TokenSet:
    """What the token endpoint answers; ``realm_id`` is extra, for the sandbox's own callers."""

    access_token: str
    refresh_token: str
    expires_in: int
    refresh_expires_in: int
    realm_id: str

    def to_json(self) -> dict[str, Any]:
        return {
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "token_type": "bearer",
            "expires_in": self.expires_in,
            "x_refresh_token_expires_in": self.refresh_expires_in,
        }


class OAuthError(Exception):
    """An OAuth error answer: ``{"error": code}`` with an HTTP status."""

    def __init__(self, error: str, status: int = 400) -> None:
        super().__init__(error)
        self.error = error
        self.status = status


@dataclass
class OAuthState:
    """Clients, codes and tokens; times are epoch seconds from the service's clock."""

    time_scale: float = 1.0
    clients: dict[str, OAuthClient] = field(default_factory=dict)
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    refresh: dict[str, dict[str, Any]] = field(default_factory=dict)  # token -> {client, realm, state, exp}
    access: dict[str, dict[str, Any]] = field(default_factory=dict)  # token -> {client, realm, exp}
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def register(
        self, client_id: str, client_secret: str, redirect_uris: tuple[str, ...] = ()
    ) -> OAuthClient:
        client = OAuthClient(client_id, client_secret, tuple(redirect_uris))
        self.clients[client_id] = client
        return client

    def authenticate(self, client_id: str, client_secret: str) -> OAuthClient:
        client = self.clients.get(client_id)
        if client is None or not secrets.compare_digest(client.client_secret, client_secret):
            raise OAuthError("invalid_client", 401)
        return client

    def issue_code(self, client_id: str, redirect_uri: str, realm_id: str, now: float) -> str:
        client = self.clients.get(client_id)
        if client is None:
            raise OAuthError("invalid_client", 400)
        if client.redirect_uris and redirect_uri not in client.redirect_uris:
            raise OAuthError("invalid_request", 400)
        code = "AB" + secrets.token_urlsafe(36)
        with self.lock:
            self.codes[code] = {
                "client": client_id,
                "redirect_uri": redirect_uri,
                "realm": realm_id,
                "exp": now + CODE_TTL,
            }
        return code

    def exchange_code(self, client: OAuthClient, code: str, redirect_uri: str, now: float) -> TokenSet:
        with self.lock:
            grant = self.codes.pop(code, None)
        if grant is None or grant["client"] != client.client_id or grant["exp"] < now:
            raise OAuthError("invalid_grant")
        if grant["redirect_uri"] != redirect_uri:
            raise OAuthError("invalid_grant")
        return self.issue(client.client_id, grant["realm"], now)

    def issue(self, client_id: str, realm_id: str, now: float) -> TokenSet:
        access_ttl = max(1, int(ACCESS_TTL / self.time_scale))
        refresh_ttl = max(1, int(REFRESH_TTL / self.time_scale))
        access = "eyJ" + secrets.token_urlsafe(48)
        refresh = "RT1-" + secrets.token_urlsafe(40)
        with self.lock:
            self.access[access] = {"client": client_id, "realm": realm_id, "exp": now + access_ttl}
            self.refresh[refresh] = {
                "client": client_id,
                "realm": realm_id,
                "state": "active",
                "exp": now + refresh_ttl,
            }
            self._expire(now)
        return TokenSet(access, refresh, access_ttl, refresh_ttl, realm_id)

    def use_refresh(self, client: OAuthClient, token: str, now: float) -> TokenSet:
        """Rotate: the presented token is used up and a fresh pair is issued."""
        with self.lock:
            grant = self.refresh.get(token)
            if (
                grant is None
                or grant["client"] != client.client_id
                or grant["state"] != "active"
                or grant["exp"] < now
            ):
                raise OAuthError("invalid_grant")
            grant["state"] = "used"
        return self.issue(client.client_id, grant["realm"], now)

    def revoke(self, token: str) -> bool:
        with self.lock:
            if token in self.refresh:
                self.refresh[token]["state"] = "revoked"
                return True
            return self.access.pop(token, None) is not None

    def check_access(self, token: str, now: float) -> str | None:
        """The realm an access token is good for, or None when it is unknown or expired."""
        grant = self.access.get(token)
        if grant is None or grant["exp"] <= now:
            return None
        return str(grant["realm"])

    def _expire(self, now: float) -> None:
        if len(self.access) > 10_000:
            for key in [k for k, g in self.access.items() if g["exp"] <= now]:
                del self.access[key]

    def to_json(self) -> dict[str, Any]:
        return {
            "clients": [
                {
                    "client_id": c.client_id,
                    "client_secret": c.client_secret,
                    "redirect_uris": list(c.redirect_uris),
                }
                for c in self.clients.values()
            ],
            "refresh": {k: {**g, "exp": repr(g["exp"])} for k, g in self.refresh.items()},
            "access": {k: {**g, "exp": repr(g["exp"])} for k, g in self.access.items()},
        }

    def load(self, d: dict[str, Any]) -> None:
        for c in d.get("clients", []):
            self.register(c["client_id"], c["client_secret"], tuple(c.get("redirect_uris", ())))
        self.refresh.update({k: {**g, "exp": float(g["exp"])} for k, g in d.get("refresh", {}).items()})
        self.access.update({k: {**g, "exp": float(g["exp"])} for k, g in d.get("access", {}).items()})
