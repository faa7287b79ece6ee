"""Building the Wix and QBO clients of a run from the config and the secrets.

Secrets never come from the config: the Wix API key from ``WIXQB_WIX_API_KEY``, the QBO app's
client id and secret from ``WIXQB_QBO_CLIENT_ID`` / ``WIXQB_QBO_CLIENT_SECRET``, the QBO tokens
from the 0600 token file ``connection.token_file`` names (or ``WIXQB_QBO_REFRESH_TOKEN`` /
``WIXQB_QBO_ACCESS_TOKEN`` when there is no file yet). A variable that is unset may come from the
0600 ``<config>.secrets.env`` that ``wixqb init --sandbox`` writes next to the config. A relative ``token_file`` or ``state_dir``
is taken from the folder of the config file, so a scheduled run finds the same files whatever its
working directory.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx

from wixqb_nb.clients._limits import Limits
from wixqb_nb.clients.qbo import QboClient
from wixqb_nb.clients.qbo_auth import TokenStore
from wixqb_nb.clients.wix import WixClient
from wixqb_nb.config import Config
from wixqb_nb.errors import ConfigError

Hook = Callable[..., object]


def resolve_path(value: str, base: Path | None) -> Path:
    """``value`` as a path; relative ones are taken from ``base`` (the config file's folder) when given."""
    path = Path(value).expanduser()
    if not path.is_absolute() and base is not None:
        path = base / path
    return path


def state_dir(config: Config, config_path: str | Path | None = None) -> Path:
    """The folder of the ledger and locks (``connection.state_dir``, relative to the config file)."""
    base = Path(config_path).resolve().parent if config_path else None
    return resolve_path(config.connection.state_dir, base)


def secrets_file_for(config_path: str | Path) -> Path:
    """The 0600 ``<config>.secrets.env`` that ``wixqb init`` writes next to a sandbox config."""
    path = Path(config_path)
    return path.with_name(path.stem + ".secrets.env")


def with_secrets_file(environ: Mapping[str, str], config_path: str | Path | None) -> Mapping[str, str]:
    """``environ`` completed by the secrets file next to the config; the environment wins."""
    if config_path is None or not secrets_file_for(config_path).is_file():
        return environ
    from wixqb_nb.init.sandbox import load_secrets_env

    from_file: dict[str, str] = {}
    load_secrets_env(secrets_file_for(config_path), from_file)
    return {**from_file, **environ}


def _http(event_hooks: Mapping[str, list[Hook]] | None) -> httpx.Client:
    hooks = {k: list(v) for k, v in (event_hooks or {}).items()}
    return httpx.Client(timeout=httpx.Timeout(60.0, connect=10.0), event_hooks=hooks)


@dataclass
class Clients:
    """The run's two clients and the HTTP layers they share; a context manager that closes them."""

    wix: WixClient
    qbo: QboClient
    http: tuple[httpx.Client, ...]
    tokens: TokenStore | None = None

    def __enter__(self) -> Clients:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close both clients' HTTP connections."""
        for client in self.http:
            client.close()
        if self.tokens is not None:
            self.tokens.close()


def build_clients(
    config: Config,
    *,
    config_path: str | Path | None = None,
    env: Mapping[str, str] | None = None,
    event_hooks: Mapping[str, list[Hook]] | None = None,
    qbo_limits: Limits | None = None,
) -> Clients:
    """The run's Wix and QBO clients (close them, or use the result as a context manager).

    ``event_hooks`` are httpx event hooks (``{"request": [...], "response": [...]}``) installed on both
    clients (counting, logging). ``qbo_limits`` replaces QBO's published throttles in the client's
    rate limiter (e.g. an app that shares the realm's budget with another).

    Raises
    ------
    ConfigError
        When a secret is missing (the message names the variable to set).
    """
    environ = with_secrets_file(os.environ if env is None else env, config_path)
    conn = config.connection
    key = environ.get("WIXQB_WIX_API_KEY", "")
    if not key:
        raise ConfigError("set WIXQB_WIX_API_KEY (the Wix API key; it never goes in the config file)")
    base = Path(config_path).resolve().parent if config_path else None
    token_file = resolve_path(conn.token_file, base) if conn.token_file else None
    tokens = TokenStore.from_env(token_file, token_url=conn.qbo_token_url, env=environ)
    if tokens.tokens is None:
        where = f"the token file {token_file}" if token_file else "WIXQB_QBO_REFRESH_TOKEN"
        raise ConfigError(f"no QBO tokens in {where}: run `wixqb connect qbo` (or `wixqb init --sandbox`)")
    wix_http, qbo_http = _http(event_hooks), _http(event_hooks)
    wix = WixClient(conn.wix_site_id, key, conn.wix_base_url, http=wix_http)
    qbo = QboClient(
        conn.qbo_realm_id,
        conn.qbo_base_url,
        tokens,
        http=qbo_http,
        minor_version=conn.qbo_minor_version,
        limits=qbo_limits,
    )
    return Clients(wix, qbo, (wix_http, qbo_http), tokens)
