"""OAuth 2.0 for QuickBooks Online: the token file, refresh with rotation, and the connect flow.

QBO refresh tokens rotate: every refresh answer may carry a new refresh token and the old one stops
working (qbo_api.md §1.3). So :class:`TokenStore`

* writes the rotated tokens atomically (temp file in the same folder, fsync, rename, mode 0600)
  *before* the new access token is handed to anyone, so a crash leaves either the old or the new
  complete file, never half of one;
* refreshes under a cross-process lock (``filelock``) and re-reads the file once it holds the lock,
  so when two runs race the second uses the token the first just stored instead of spending the
  (now used-up) refresh token again;
* refreshes ahead of expiry, and once more when the API still answers 401/3200;
* turns ``invalid_grant`` into :class:`~wixqb_nb.errors.ReconnectRequired`.

Secrets come from the environment (``WIXQB_QBO_CLIENT_ID``, ``WIXQB_QBO_CLIENT_SECRET``,
``WIXQB_QBO_REFRESH_TOKEN``, ``WIXQB_QBO_ACCESS_TOKEN``) or the token file, and are registered with the
log scrubber so they never reach a log line.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
from filelock import FileLock, Timeout

from wixqb_nb import errors
from wixqb_nb.clients._http import DEFAULT_TIMEOUT, HttpCore, RetryPolicy
from wixqb_nb.clients._log import log_event, register_secret

RECONNECT_MESSAGE = "QuickBooks connection expired or revoked: run `wixqb connect qbo`"
ACCOUNTING_SCOPE = "com.intuit.quickbooks.accounting"


@dataclass
class TokenSet:
    """What the token file holds. Times are epoch seconds."""

    access_token: str
    refresh_token: str
    expires_at: float
    refresh_expires_at: float | None = None
    realm_id: str | None = None
    updated_at: float = 0.0

    @classmethod
    def from_answer(cls, data: Mapping[str, Any], now: float, previous: TokenSet | None = None) -> TokenSet:
        """Build from a token endpoint answer; keeps the previous refresh token when none is sent."""
        access = data.get("access_token")
        refresh = data.get("refresh_token") or (previous.refresh_token if previous else None)
        if not access or not refresh:
            raise errors.ApiDecodeError("QBO token answer lacks access_token or refresh_token", service="qbo")
        rexp = data.get("x_refresh_token_expires_in")
        return cls(
            access_token=str(access),
            refresh_token=str(refresh),
            expires_at=now + float(data.get("expires_in", 3600)),
            refresh_expires_at=now + float(rexp) if rexp is not None else None,
            realm_id=previous.realm_id if previous else None,
            updated_at=now,
        )

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TokenSet:
        """Read the token file's JSON."""
        fields = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**fields)

    def register(self) -> TokenSet:
        """Register both tokens with the log scrubber; returns self."""
        register_secret(self.access_token)
        register_secret(self.refresh_token)
        return self


def write_token_file(path: Path, tokens: TokenSet) -> None:
    """Write ``tokens`` to ``path`` atomically with mode 0600 (temp file, fsync, rename, fsync dir)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(asdict(tokens), fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def read_token_file(path: Path) -> TokenSet | None:
    """The tokens in ``path``; None when the file does not exist."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        return TokenSet.from_json(json.loads(text)).register()
    except (ValueError, TypeError) as exc:
        raise errors.ConfigError(f"token file {path} is unreadable ({exc}); run `wixqb connect qbo`") from exc


def basic_auth(client_id: str, client_secret: str) -> str:
    """``Basic base64(id:secret)`` as the token endpoint wants it."""
    raw = f"{client_id}:{client_secret}".encode()
    return "Basic " + base64.b64encode(raw).decode("ascii")


def token_request(
    core: HttpCore, token_url: str, client_id: str, client_secret: str, form: Mapping[str, str]
) -> dict[str, Any]:
    """POST a grant to the token endpoint; ``invalid_grant`` raises :class:`ReconnectRequired`.

    Not retried once it may have reached the server: a refresh token is single-use, so a replay
    would fail anyway. A refused connection or a 429 is retried.
    """
    headers = {
        "Authorization": basic_auth(client_id, client_secret),
        "Accept": "application/json",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    try:
        resp = core.request(
            "POST", token_url, content=urlencode(dict(form)), headers=headers, retry_safe=False
        )
    except errors.ApiStatusError as exc:
        body = exc.body if isinstance(exc.body, dict) else {}
        if body.get("error") == "invalid_grant":
            raise errors.ReconnectRequired(
                RECONNECT_MESSAGE, status_code=exc.status_code, service="qbo", url=token_url, body=body
            ) from exc
        raise
    data = resp.data if isinstance(resp.data, dict) else {}
    register_secret(data.get("access_token"))
    register_secret(data.get("refresh_token"))
    return data


class TokenStore:
    """Access tokens for one QBO connection, backed by a 0600 JSON token file (or memory only).

    Parameters
    ----------
    path
        The token file; ``None`` keeps tokens in memory (rotations then die with the process).
    client_id, client_secret
        The app's credentials (client Basic auth on the token endpoint).
    token_url
        ``https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer`` or the sandbox's.
    initial
        Tokens to start from when the file does not exist yet (e.g. from the environment).
    refresh_margin_s
        Refresh this long before the access token expires.
    """

    def __init__(
        self,
        path: str | Path | None,
        *,
        client_id: str,
        client_secret: str,
        token_url: str,
        http: httpx.Client | None = None,
        initial: TokenSet | None = None,
        clock: Callable[[], float] = time.time,
        refresh_margin_s: float = 300.0,
        lock_timeout_s: float = 120.0,
        retry: RetryPolicy | None = None,
    ) -> None:
        register_secret(client_secret)
        self.path = Path(path) if path else None
        self.client_id = client_id
        self._secret = client_secret
        self.token_url = token_url
        self._owns_http = http is None
        self._http = http or httpx.Client(timeout=DEFAULT_TIMEOUT)
        self._core = HttpCore(self._http, service="qbo", retry=retry)
        self._clock = clock
        self._margin = refresh_margin_s
        self._lock_timeout = lock_timeout_s
        self._thread_lock = threading.Lock()
        self._file_lock = FileLock(str(self.path) + ".lock") if self.path else None
        self.refresh_count = 0  # refreshes this object performed (not adopted from another process)
        current = read_token_file(self.path) if self.path else None
        if current is None and initial is not None:
            current = initial.register()
            if self.path:
                write_token_file(self.path, current)
        self._tokens = current

    @classmethod
    def from_env(
        cls, path: str | Path | None, *, token_url: str, env: Mapping[str, str] | None = None, **kwargs: Any
    ) -> TokenStore:
        """Build from ``WIXQB_QBO_*`` variables; the file (when it exists) wins over env tokens."""
        env = os.environ if env is None else env
        client_id = env.get("WIXQB_QBO_CLIENT_ID", "")
        secret = env.get("WIXQB_QBO_CLIENT_SECRET", "")
        if not client_id or not secret:
            raise errors.ConfigError("set WIXQB_QBO_CLIENT_ID and WIXQB_QBO_CLIENT_SECRET")
        initial = None
        if env.get("WIXQB_QBO_REFRESH_TOKEN"):
            access = env.get("WIXQB_QBO_ACCESS_TOKEN", "")
            # An access token from the environment has no known expiry: use it until it is refused.
            initial = TokenSet(access, env["WIXQB_QBO_REFRESH_TOKEN"], time.time() + 3000 if access else 0.0)
        return cls(
            path, client_id=client_id, client_secret=secret, token_url=token_url, initial=initial, **kwargs
        )

    def close(self) -> None:
        """Close the HTTP client if this store created it."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> TokenStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def tokens(self) -> TokenSet | None:
        """The tokens in use (None before a connection was made)."""
        return self._tokens

    def access_token(self) -> str:
        """A valid access token, refreshed first when it expires within the margin."""
        tokens = self._tokens
        if tokens is not None and tokens.access_token and self._clock() < tokens.expires_at - self._margin:
            return tokens.access_token
        return self.refresh(stale=tokens.access_token if tokens else None)

    def refresh(self, stale: str | None = None) -> str:
        """Refresh under the cross-process lock and return the new access token.

        After taking the lock the file is read again: when another process (or thread) already
        replaced ``stale`` with a token that is not about to expire, that token is used and no
        refresh is spent. Otherwise the refresh token is exchanged, and the answer is written to
        the file before the new access token is returned.

        Raises
        ------
        wixqb_nb.errors.ReconnectRequired
            The refresh token is expired, revoked or already used: the user must reconnect.
        """
        with self._thread_lock, self._locked():
            current = (read_token_file(self.path) if self.path else None) or self._tokens
            if current is None:
                raise errors.ReconnectRequired(RECONNECT_MESSAGE, status_code=401, service="qbo")
            fresh = current.access_token and self._clock() < current.expires_at - self._margin
            if fresh and current.access_token != stale:
                self._tokens = current
                return current.access_token
            data = token_request(
                self._core,
                self.token_url,
                self.client_id,
                self._secret,
                {"grant_type": "refresh_token", "refresh_token": current.refresh_token},
            )
            new = TokenSet.from_answer(data, self._clock(), previous=current).register()
            if self.path:
                write_token_file(self.path, new)  # persisted BEFORE the new access token is used
            self._tokens = new
            self.refresh_count += 1
            log_event(logging.INFO, "qbo.token_refreshed", rotated=new.refresh_token != current.refresh_token)
            return new.access_token

    def save(self, tokens: TokenSet) -> None:
        """Store ``tokens`` (after the connect flow) under the lock."""
        with self._thread_lock, self._locked():
            tokens.register()
            if self.path:
                write_token_file(self.path, tokens)
            self._tokens = tokens

    def _locked(self) -> Any:
        if self._file_lock is None:
            return _NullContext()
        try:
            self._file_lock.acquire(timeout=self._lock_timeout)
        except Timeout as exc:
            raise errors.ApiConnectionError(
                f"another process holds the token lock {self._file_lock.lock_file} for over {self._lock_timeout}s",
                service="qbo",
            ) from exc
        return _Releaser(self._file_lock)


class _NullContext:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


class _Releaser:
    def __init__(self, lock: FileLock) -> None:
        self._lock = lock

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        self._lock.release()
