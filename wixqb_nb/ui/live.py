"""Wizard sources over the real clients (a live company or the sandbox), secrets from the environment.

Secrets never pass through a widget or the config: the Wix API key and the QBO app's id and
secret come from ``WIXQB_WIX_API_KEY``, ``WIXQB_QBO_CLIENT_ID`` and ``WIXQB_QBO_CLIENT_SECRET``
(``env``), the QBO tokens from the token file the connection names. Relative paths in the
connection resolve against ``base_dir`` (the config file's folder), as ``wixqb connect qbo`` does.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from wixqb_nb.clients.qbo import QboClient
from wixqb_nb.clients.qbo_auth import TokenStore
from wixqb_nb.clients.wix import WixClient
from wixqb_nb.config import Connection, Items, ItemType, QboRef
from wixqb_nb.errors import ConfigError
from wixqb_nb.init.company import CompanyData
from wixqb_nb.init.fetch import read_company, read_store
from wixqb_nb.ui.sources import StoreSample, WizardSources


def _path(value: str, base_dir: Path) -> Path:
    p = Path(value).expanduser()
    return p if p.is_absolute() else base_dir / p


def wix_client(conn: Connection, env: Mapping[str, str]) -> WixClient:
    """A Wix client for the connection (API key from ``WIXQB_WIX_API_KEY``)."""
    key = env.get("WIXQB_WIX_API_KEY", "")
    if not key:
        raise ConfigError("set WIXQB_WIX_API_KEY (the Wix API key) in the environment")
    if not conn.wix_site_id:
        raise ConfigError("connection.wix_site_id: required (the Wix site id)")
    return WixClient(conn.wix_site_id, key, conn.wix_base_url)


def token_store(conn: Connection, env: Mapping[str, str], base_dir: Path) -> TokenStore:
    """The token store of the connection's token file (app keys from the environment)."""
    client_id = env.get("WIXQB_QBO_CLIENT_ID", "")
    secret = env.get("WIXQB_QBO_CLIENT_SECRET", "")
    if not client_id or not secret:
        raise ConfigError("set WIXQB_QBO_CLIENT_ID and WIXQB_QBO_CLIENT_SECRET (the Intuit app's keys)")
    if not conn.token_file:
        raise ConfigError("connection.token_file: required to store the QuickBooks tokens")
    path = _path(conn.token_file, base_dir)
    return TokenStore(path, client_id=client_id, client_secret=secret, token_url=conn.qbo_token_url)


def qbo_client(conn: Connection, env: Mapping[str, str], base_dir: Path) -> QboClient:
    """A QBO client for the connection."""
    if not conn.qbo_realm_id:
        raise ConfigError("connection.qbo_realm_id: required (the QBO company id)")
    return QboClient(
        conn.qbo_realm_id,
        conn.qbo_base_url,
        token_store(conn, env, base_dir),
        minor_version=conn.qbo_minor_version,
    )


def live_sources(
    env: Mapping[str, str] | None = None,
    *,
    base_dir: str | Path = ".",
    store_limit: int | None = 2000,
    open_browser: bool | Callable[[str], Any] = True,
) -> WizardSources:
    """Wizard sources that call Wix and QBO with the real clients.

    Parameters
    ----------
    env
        Where the secrets are read (default ``os.environ``, read at each call).
    base_dir
        Folder relative token-file paths are resolved against (the config's folder).
    store_limit
        At most this many Wix orders are read for the suggestions (oldest change first).
    open_browser
        How "Connect QuickBooks" shows the consent page (a callable receives the URL).
    """
    base = Path(base_dir)

    def secrets() -> Mapping[str, str]:
        return os.environ if env is None else env

    def read_co(conn: Connection) -> CompanyData:
        with qbo_client(conn, secrets(), base) as qbo:
            return read_company(qbo)

    def read_st(conn: Connection) -> StoreSample:
        with wix_client(conn, secrets()) as wix:
            return read_store(wix, limit=store_limit)

    def test_wix(conn: Connection) -> str:
        with wix_client(conn, secrets()) as wix:
            data = wix.call("POST", "/ecom/v1/orders/search", {"search": {"cursorPaging": {"limit": 1}}})
        found = len(data.get("orders") or [])
        return f"Wix: connected to site {conn.wix_site_id} ({'orders found' if found else 'no order yet'})"

    def test_qbo(conn: Connection) -> str:
        with qbo_client(conn, secrets(), base) as qbo:
            info = qbo.company_info()
        return f"QuickBooks: connected to {info.get('CompanyName', '?')} ({info.get('Country', '?')})"

    def connect(conn: Connection) -> str:
        from wixqb_nb.clients.qbo_connect import connect_qbo

        store = token_store(conn, secrets(), base)
        tokens = connect_qbo(
            client_id=store.client_id,
            client_secret=secrets()["WIXQB_QBO_CLIENT_SECRET"],
            authorize_endpoint=conn.qbo_authorize_url,
            token_url=conn.qbo_token_url,
            redirect_uri=conn.qbo_redirect_uri,
            store=store,
            open_browser=open_browser,
        )
        return f"QuickBooks connected (company {tokens.realm_id or conn.qbo_realm_id}); tokens saved to {store.path}"

    def create_item(conn: Connection, items: Items, sku: str, name: str) -> QboRef:
        payload = new_item_payload(items, sku, name)
        with qbo_client(conn, secrets(), base) as qbo:
            made = qbo.create("Item", payload, idempotency_key=f"{conn.qbo_realm_id}:wizard:item:{sku}")
        return QboRef(id=str(made["Id"]), name=str(made.get("Name", sku)))

    def set_item_sku(conn: Connection, item_id: str, sku: str) -> QboRef:
        with qbo_client(conn, secrets(), base) as qbo:
            item = qbo.read("Item", item_id)
            done = qbo.update(
                "Item",
                {"Id": item_id, "SyncToken": item["SyncToken"], "Sku": sku},
                idempotency_key=f"{conn.qbo_realm_id}:wizard:sku:{item_id}:{sku}",
            )
        return QboRef(id=item_id, name=str(done.get("Name", "")))

    return WizardSources(read_co, read_st, test_wix, test_qbo, connect, create_item, set_item_sku)


def new_item_payload(items: Items, sku: str, name: str) -> dict[str, Any]:
    """The QBO Item for a Wix SKU, with the type and accounts of the items step."""
    if items.income_account is None:
        raise ConfigError("items.income_account: choose the income account of new items first")
    kind = {
        ItemType.INVENTORY: "Inventory",
        ItemType.NON_INVENTORY: "NonInventory",
        ItemType.SERVICE: "Service",
    }
    payload: dict[str, Any] = {
        "Name": sku[:100],
        "Sku": sku[:100],
        "Description": name[:4000],
        "Type": kind[items.new_item_type],
        "IncomeAccountRef": {"value": items.income_account.id},
    }
    if items.expense_account is not None:
        payload["ExpenseAccountRef"] = {"value": items.expense_account.id}
    if items.new_item_type is ItemType.INVENTORY:
        if items.asset_account is None or items.inventory_start_date is None:
            raise ConfigError("inventory items need items.asset_account and items.inventory_start_date")
        payload.update(
            TrackQtyOnHand=True,
            QtyOnHand=0,
            AssetAccountRef={"value": items.asset_account.id},
            InvStartDate=items.inventory_start_date.isoformat(),
        )
    return payload
