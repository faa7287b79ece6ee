"""SandboxServer's life cycle, persistence across restarts, and ``wixqb sandbox serve --json``."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import httpx
import pytest

from wixqb_nb import money
from wixqb_nb.sandbox import SandboxServer

UNPAID = "a4738c5d-98d6-45e4-bc88-4e5940acacfd"


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_context_manager_serves_then_frees_the_port() -> None:
    with SandboxServer(limits=False) as sb:
        assert sb.url.startswith("http://127.0.0.1:")
        assert sb.wix_base_url == sb.url + "/wix" and sb.qbo_base_url == sb.url + "/qbo"
        assert sb.token_url == sb.url + "/qbo/oauth2/v1/tokens/bearer"
        assert httpx.get(sb.url + "/_sandbox/health").json()["status"] == "ok"
        port = sb.port
    assert not _port_open(port)


def test_runs_inside_an_already_running_event_loop(wixdata: ModuleType) -> None:
    """What a Jupyter kernel does: the caller's thread already runs a loop."""

    async def in_kernel() -> int:
        with SandboxServer(limits=False) as sb:
            async with httpx.AsyncClient(headers=wixdata.headers(sb)) as client:
                r = await client.post(sb.wix_base_url + "/ecom/v1/orders/search", json={})
                return len(r.json()["orders"])

    assert asyncio.run(in_kernel()) == 12


def test_two_servers_side_by_side_have_separate_state() -> None:
    with SandboxServer(limits=False) as a, SandboxServer(limits=False) as b:
        a.cancel_order(UNPAID)
        assert a.port != b.port
        assert b.state.wix.store.orders[UNPAID]["status"] == "APPROVED"


def test_state_survives_a_restart(tmp_path: Path, wixdata: ModuleType) -> None:
    state = tmp_path / "demo" / "state.json"
    with SandboxServer(state_file=state, limits=False) as sb:
        creds = sb.credentials
        r = httpx.post(f"{sb.url}/_sandbox/wix/orders/{UNPAID}/payments", json={"amount": "10.00"})
        assert r.status_code == 200
        sb.set_clock(advance_s=3600)
    assert stat.S_IMODE(state.stat().st_mode) == 0o600
    assert [p.name for p in state.parent.iterdir()] == ["state.json"]  # no temporary file left behind
    # a restart with other options: the file wins
    with SandboxServer(state_file=state, orders=5, seed=99, limits=False) as again:
        assert again.credentials == creds
        assert again.state.clock.offset_s == 3600
        order = httpx.get(f"{again.wix_base_url}/ecom/v1/orders/{UNPAID}", headers=wixdata.headers(again))
        assert order.json()["order"]["paymentStatus"] == "PARTIALLY_PAID"
        assert len(again.state.wix.store.orders) == 12


def test_state_is_saved_while_running(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    with SandboxServer(state_file=state, limits=False, save_interval=0.05) as sb:
        sb.cancel_order(UNPAID)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if state.exists():  # the first save happens in the background
                saved = money.loads(state.read_text())
                found = [o for o in saved["wix"]["store"]["orders"] if o["id"] == UNPAID]
                if found[0]["status"] == "CANCELED":
                    break
            time.sleep(0.05)
        else:
            pytest.fail("the running server never saved the change")


def test_corrupt_or_foreign_state_file_is_refused(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    state.write_text(json.dumps({"version": 999}))
    with pytest.raises(ValueError, match="version"):
        SandboxServer(state_file=state)


def test_unknown_profile_is_refused() -> None:
    with pytest.raises(ValueError, match="profile"):
        SandboxServer(profile="fr")


@pytest.mark.slow
def test_cli_serve_json_prints_one_line_and_stops_on_sigterm(tmp_path: Path) -> None:
    store = tmp_path / "store.json"
    from wixqb_nb.sandbox.state import DOC_STORE

    store.write_bytes(DOC_STORE.read_bytes())
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "wixqb_nb.cli",
            "sandbox",
            "serve",
            "--port",
            "0",
            "--store",
            str(store),
            "--no-limits",
            "--json",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        info = json.loads(line)
        assert list(info) == [
            "wix_base_url",
            "qbo_base_url",
            "wix_site_id",
            "wix_api_key",
            "realm_id",
            "client_id",
            "client_secret",
            "refresh_token",
            "access_token",
        ]
        headers = {"Authorization": info["wix_api_key"], "wix-site-id": info["wix_site_id"]}
        r = httpx.post(info["wix_base_url"] + "/ecom/v1/orders/search", json={}, headers=headers)
        assert r.status_code == 200 and len(r.json()["orders"]) == 12
        assert info["qbo_base_url"] == info["wix_base_url"][: -len("/wix")] + "/qbo"
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert out == ""  # nothing after the one JSON line
    assert "stopped" in err


def test_cli_rejects_store_and_orders_together(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from wixqb_nb.sandbox.cli import sandbox_app

    result = CliRunner().invoke(sandbox_app, ["serve", "--store", str(tmp_path / "x.json"), "--orders", "5"])
    assert result.exit_code == 2
    assert "not both" in result.output


def test_fresh_sandbox_factory_starts_private_servers(fresh_sandbox: Callable[..., SandboxServer]) -> None:
    one, two = fresh_sandbox(), fresh_sandbox(orders=3)
    assert one.port != two.port
    assert httpx.get(one.url + "/_sandbox/health").json()["status"] == "ok"
