"""``wixqb init --sandbox URL``: a working config, token file and secrets file for a sandbox company.

The sandbox hands out its demo credentials at ``/_sandbox/credentials``. From them this module
reads the QBO company and the whole Wix store, asks :func:`~wixqb_nb.init.suggest.suggest` for a
config that lets every order sync (start date at the first order, item creation allowed, every Wix
tax mapped), and writes three files next to each other:

- ``CONFIG`` (TOML, no secret);
- the 0600 token file the config names (QBO access and refresh tokens; they rotate);
- a 0600 ``*.secrets.env`` with ``WIXQB_WIX_API_KEY``, ``WIXQB_QBO_CLIENT_ID`` and
  ``WIXQB_QBO_CLIENT_SECRET`` (load it with :func:`load_secrets_env` or ``set -a; . FILE``).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from wixqb_nb import money
from wixqb_nb.clients.qbo import QboClient
from wixqb_nb.clients.qbo_auth import TokenSet, TokenStore
from wixqb_nb.clients.wix import WixClient
from wixqb_nb.config import Config
from wixqb_nb.config_file import save_config
from wixqb_nb.errors import ApiConnectionError, ConfigError
from wixqb_nb.init.fetch import read_company, read_store
from wixqb_nb.init.suggest import Suggestion, suggest

SECRET_VARS = ("WIXQB_WIX_API_KEY", "WIXQB_QBO_CLIENT_ID", "WIXQB_QBO_CLIENT_SECRET")


@dataclass(frozen=True)
class InitResult:
    """What ``wixqb init`` wrote and why."""

    config_path: Path
    token_file: Path
    secrets_file: Path
    config: Config
    suggestion: Suggestion
    orders: int


def sandbox_credentials(url: str, *, http: httpx.Client | None = None) -> dict[str, str]:
    """The demo credentials a sandbox at ``url`` (its root) hands out.

    Raises
    ------
    ApiConnectionError
        When nothing answers at ``url`` or it is not a sandbox.
    """
    client = http or httpx.Client(timeout=30.0)
    try:
        resp = client.get(f"{url.rstrip('/')}/_sandbox/credentials")
        resp.raise_for_status()
    except httpx.HTTPError as exc:
        raise ApiConnectionError(f"no sandbox answers at {url}: {exc}", service="sandbox", url=url) from exc
    finally:
        if http is None:
            client.close()
    data: dict[str, str] = money.loads(resp.content)
    return data


def sandbox_connection(url: str, creds: dict[str, str], token_file: Path, state_dir: Path) -> dict[str, Any]:
    """The ``[connection]`` section for a sandbox at ``url``."""
    root = url.rstrip("/")
    return {
        "wix_site_id": creds["wix_site_id"],
        "wix_base_url": f"{root}/wix",
        "qbo_realm_id": creds["realm_id"],
        "qbo_environment": "sandbox",
        "qbo_base_url": f"{root}/qbo",
        "qbo_token_url": f"{root}/qbo/oauth2/v1/tokens/bearer",
        "qbo_authorize_url": f"{root}/qbo/connect/oauth2",
        "token_file": str(token_file),
        "state_dir": str(state_dir),
    }


def init_sandbox(
    url: str,
    out: str | Path,
    *,
    now: dt.datetime,
    token_file: str | Path | None = None,
    state_dir: str | Path | None = None,
    language: str = "en",
) -> InitResult:
    """Write a working config, token file and secrets file for the sandbox at ``url``.

    Parameters
    ----------
    url
        The sandbox root (``http://127.0.0.1:P``).
    out
        The config file to write (comments of an existing one are kept).
    now
        The current time (checks the start date is not in the future); aware.
    token_file, state_dir
        Default ``<out stem>.tokens.json`` and ``<out dir>/state``.

    Raises
    ------
    ConfigError
        When the suggestion is not a valid config (the sandbox company lacks an account...).
    """
    out_path = Path(out).resolve()
    # Absolute paths: the config is read from the CLI, a papermill kernel and the wizard alike.
    tokens_path = (
        Path(token_file).resolve() if token_file else out_path.with_name(out_path.stem + ".tokens.json")
    )
    state = Path(state_dir).resolve() if state_dir else out_path.parent / "state"
    creds = sandbox_credentials(url)
    connection = sandbox_connection(url, creds, tokens_path, state)
    store = sandbox_token_store(connection, creds, now=now)
    with (
        WixClient(creds["wix_site_id"], creds["wix_api_key"], connection["wix_base_url"]) as wix,
        QboClient(creds["realm_id"], connection["qbo_base_url"], store) as qbo,
    ):
        company = read_company(qbo)
        orders, txs = read_store(wix)
    suggestion = suggest(company, orders, txs, connection=connection, language=language)
    config = suggestion.config(today=now.date())
    save_config(config, out_path)
    secrets = write_secrets_env(out_path.with_name(out_path.stem + ".secrets.env"), creds)
    return InitResult(out_path, tokens_path, secrets, config, suggestion, len(orders))


def sandbox_token_store(connection: dict[str, Any], creds: dict[str, str], *, now: dt.datetime) -> TokenStore:
    """A token store on the config's token file, seeded with the sandbox's tokens (0600)."""
    path = Path(connection["token_file"])
    path.parent.mkdir(parents=True, exist_ok=True)
    access = creds.get("access_token", "")
    # The sandbox's access token lifetime is not given: use it for a few minutes, then refresh.
    initial = TokenSet(
        access_token=access,
        refresh_token=creds.get("refresh_token", ""),
        expires_at=now.timestamp() + 600 if access else 0.0,
        realm_id=creds["realm_id"],
        updated_at=now.timestamp(),
    )
    if not initial.refresh_token and not access:
        raise ConfigError("the sandbox handed out no QBO token")
    if path.exists():
        path.unlink()  # a new sandbox: the old file's tokens belong to another company
    return TokenStore(
        path,
        client_id=creds["client_id"],
        client_secret=creds["client_secret"],
        token_url=connection["qbo_token_url"],
        initial=initial,
    )


def write_secrets_env(path: Path, creds: dict[str, str]) -> Path:
    """Write the app secrets as ``NAME=value`` lines in a file created with mode 0600."""
    values = dict(
        zip(SECRET_VARS, (creds["wix_api_key"], creds["client_id"], creds["client_secret"]), strict=True)
    )
    text = "".join(f"{k}={v}\n" for k, v in values.items())
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.chmod(path, 0o600)
    return path


def load_secrets_env(path: str | Path, environ: MutableMapping[str, str] | None = None) -> dict[str, str]:
    """Read a secrets file written by :func:`write_secrets_env` into ``environ`` (default ``os.environ``)."""
    env = os.environ if environ is None else environ
    values: dict[str, str] = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        name, sep, value = line.partition("=")
        if sep and name.strip() in SECRET_VARS:
            values[name.strip()] = value.strip()
    env.update(values)
    return values
