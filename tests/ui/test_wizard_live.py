"""The wizard built headless against the sandbox with the real clients (live_sources)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from wixqb_nb.config_file import load_config
from wixqb_nb.init.company import ACCOUNT_TYPES
from wixqb_nb.init.sandbox import sandbox_connection, sandbox_token_store
from wixqb_nb.sandbox import SandboxServer
from wixqb_nb.ui import build_wizard
from wixqb_nb.ui.live import live_sources
from wixqb_nb.ui.wizard import Wizard

TODAY = dt.date(2031, 1, 1)


@pytest.fixture(scope="module")
def sandbox_env(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[SandboxServer, dict[str, str], Path]]:
    folder = tmp_path_factory.mktemp("wizard")
    with SandboxServer(profile="ca-qc", orders=80, seed=9, limits=False) as sb:
        c = sb.credentials
        creds = {**c.to_json()}
        conn = sandbox_connection(sb.url, creds, folder / "tokens.json", folder / "state")
        sandbox_token_store(conn, creds, now=dt.datetime.now(dt.UTC))  # writes the 0600 token file
        env = {
            "WIXQB_WIX_API_KEY": c.wix_api_key,
            "WIXQB_QBO_CLIENT_ID": c.client_id,
            "WIXQB_QBO_CLIENT_SECRET": c.client_secret,
        }
        yield sb, env, folder


def _wizard(sandbox_env: tuple[SandboxServer, dict[str, str], Path], **kw: Any) -> Wizard:
    sb, env, folder = sandbox_env
    c = sb.credentials
    conn = sandbox_connection(sb.url, c.to_json(), folder / "tokens.json", folder / "state")
    wizard = build_wizard(
        folder / "config.toml",
        sources=live_sources(env, base_dir=folder, **kw),
        today=lambda: TODAY,
        language="en",
    )
    for key, value in conn.items():
        wizard.fields[f"connection.{key}"].set(value)
    return wizard


def _log(wizard: Wizard) -> str:
    return "".join(o.get("text", "") for o in wizard.log.outputs)


def test_connection_buttons_report_both_services(sandbox_env: Any) -> None:
    wizard = _wizard(sandbox_env)
    wizard.buttons["test_wix"].click()
    assert "Wix: connected" in wizard.connection_status.value, _log(wizard)
    wizard.buttons["test_qbo"].click()
    assert "QuickBooks: connected" in wizard.connection_status.value, _log(wizard)


def test_reading_the_company_fills_dropdowns_by_type_and_suggestions_make_a_valid_config(
    sandbox_env: Any,
) -> None:
    wizard = _wizard(sandbox_env)
    wizard.buttons["refresh"].click()
    assert wizard.company is not None, _log(wizard)
    accounts = {a.id: a for a in wizard.company.accounts}
    for path, allowed in ACCOUNT_TYPES.items():
        if "methods" in path:
            continue
        ids = [i for _, i in wizard.fields[path].widget.options if i]
        assert ids, path
        assert {accounts[i].account_type for i in ids} <= set(allowed), path
    codes = [label for label, i in wizard.fields["taxes.untaxed_code"].widget.options if i]
    assert any("14.975%" in label for label in codes)  # tax codes show their rates
    items = {label for label, i in wizard.fields["advanced.rounding_item"].widget.options if i}
    assert items and len(items) == len({i.name for i in wizard.company.items})

    wizard.buttons["suggest"].click()
    assert wizard.problems() == [], wizard.problems()
    mapped = {(r["name"], r["rate"]) for r in wizard.tables["taxes.mappings"].get()}
    assert ("GST + QST", "0.14975") in mapped
    wizard.buttons["save"].click()
    saved = load_config(wizard.path.value)
    assert saved.taxes.mappings and saved.items.income_account is not None
    assert saved.connection.qbo_realm_id == sandbox_env[0].credentials.realm_id


def test_unmatched_skus_can_be_created_or_mapped_to_an_item(sandbox_env: Any) -> None:
    sb = sandbox_env[0]
    wizard = _wizard(sandbox_env)
    wizard.buttons["refresh"].click()
    wizard.buttons["suggest"].click()
    rows = wizard.skus.rows
    assert len(rows) >= 2, "the demo store sells SKUs the company lacks"
    create, mapping = rows[0], rows[1]
    create.apply.click()
    assert "✓" in create.result.value, _log(wizard)
    made = [i for i in sb.dump_qbo("Item")["Item"] if i["Name"] == create.sku.sku]
    assert len(made) == 1 and made[0]["Sku"] == create.sku.sku and made[0]["Type"] == "NonInventory"

    target_id = next(i for _, i in mapping.action.options if i != "__create__")
    mapping.action.value = target_id
    mapping.apply.click()
    assert "✓" in mapping.result.value, _log(wizard)
    item = next(i for i in sb.dump_qbo("Item")["Item"] if i["Id"] == target_id)
    assert item["Sku"] == mapping.sku.sku


def test_connect_quickbooks_runs_the_oauth_flow_and_saves_tokens(sandbox_env: Any, tmp_path: Path) -> None:
    sb, env, _ = sandbox_env
    visited: list[str] = []

    def browser(url: str) -> None:
        visited.append(url)
        page = httpx.get(url + "&auto_approve=1")
        httpx.get(page.headers["location"])

    wizard = _wizard(sandbox_env, open_browser=browser)
    wizard.fields["connection.token_file"].set(str(tmp_path / "connected.json"))
    wizard.fields["connection.qbo_redirect_uri"].set("http://127.0.0.1:0/callback")
    wizard.buttons["connect_qbo"].click()
    assert "QuickBooks connected" in wizard.connection_status.value, _log(wizard)
    assert visited and "/connect/oauth2" in visited[0]
    assert (tmp_path / "connected.json").is_file()
    assert "Open this URL" in _log(wizard)  # the printed URL lands in the Output widget


def test_a_failing_source_shows_its_error_in_the_output(sandbox_env: Any) -> None:
    sb, env, folder = sandbox_env
    wizard = _wizard((sb, {**env, "WIXQB_WIX_API_KEY": "IST.wrong"}, folder))
    wizard.buttons["test_wix"].click()
    assert "AuthenticationError" in _log(wizard) or "PermissionDeniedError" in _log(wizard), _log(wizard)
    assert "color:#b00020" in wizard.status.value
