"""QBO OAuth against the sandbox: rotation persisted atomically, refresh on 401, one refresh across
processes, SIGKILL mid-refresh, invalid_grant -> ReconnectRequired, the authorization-code flow."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from wixqb_nb import errors
from wixqb_nb.clients import TokenSet, TokenStore
from wixqb_nb.clients.qbo_auth import RECONNECT_MESSAGE, read_token_file, token_request
from wixqb_nb.clients.qbo_connect import connect_qbo

REFRESH_LOOP = """
import sys
from wixqb_nb.clients.qbo_auth import TokenStore
store = TokenStore.from_env(sys.argv[1], token_url=sys.argv[2])
n = 0
while True:
    store.refresh(stale=store.tokens.access_token)
    n += 1
    print(n, flush=True)
"""

GET_TOKEN = """
import sys
from wixqb_nb.clients.qbo_auth import TokenStore
store = TokenStore.from_env(sys.argv[1], token_url=sys.argv[2])
sys.stdin.readline()  # start together
token = store.access_token()
print(token, store.refresh_count, flush=True)
"""


def _env(sb: Any) -> dict[str, str]:
    c = sb.credentials
    return {**os.environ, "WIXQB_QBO_CLIENT_ID": c.client_id, "WIXQB_QBO_CLIENT_SECRET": c.client_secret}


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_refresh_rotates_and_persists_before_use(kit: Any, tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    store = kit.tokens(path, expires_in=-10)  # already expired: the first call must refresh
    old = read_token_file(path)
    assert old is not None and _mode(path) == 0o600
    with kit.client(store) as qbo:
        assert qbo.company_info()["Country"]
    new = read_token_file(path)
    assert new is not None and _mode(path) == 0o600
    assert new.refresh_token != old.refresh_token and new.access_token != old.access_token
    assert store.tokens is not None and store.tokens.access_token == new.access_token
    assert new.expires_at > time.time()
    assert list(tmp_path.glob(".tokens.json.*.tmp")) == []
    # The rotated-away refresh token is used up: spending it again means the user must reconnect.
    stale = TokenStore(
        None,
        client_id=store.client_id,
        client_secret=kit.sb.credentials.client_secret,
        token_url=kit.sb.token_url,
        initial=TokenSet("", old.refresh_token, 0.0),
        http=kit.http,
    )
    with pytest.raises(errors.ReconnectRequired) as info:
        stale.access_token()
    assert str(info.value) == RECONNECT_MESSAGE


def test_a_refused_access_token_is_refreshed_once(kit: Any, tmp_path: Path) -> None:
    c = kit.sb.credentials
    store = kit.tokens(tmp_path / "t.json")
    store.save(
        TokenSet(
            "bogus-access-token-0000", store.tokens.refresh_token, time.time() + 1800, realm_id=c.realm_id
        )
    )
    with kit.client(store) as qbo:
        assert qbo.preferences()
        assert qbo.company_info()
    assert store.refresh_count == 1


def test_revoked_grant_raises_reconnect_required(kit: Any, tmp_path: Path) -> None:
    store = kit.tokens(tmp_path / "t.json")
    refresh = store.tokens.refresh_token
    httpx.post(
        kit.sb.qbo_base_url + "/v2/oauth2/tokens/revoke",
        json={"token": refresh},
        auth=(kit.sb.credentials.client_id, kit.sb.credentials.client_secret),
    )
    store.save(TokenSet("bogus-access-token-1111", refresh, time.time() + 1800))
    with kit.client(store) as qbo, pytest.raises(errors.ReconnectRequired, match="wixqb connect qbo"):
        qbo.company_info()


def test_two_processes_refresh_once_and_share_the_token(kit: Any, tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    kit.tokens(path, expires_in=-10)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", GET_TOKEN, str(path), kit.sb.token_url],
            env=_env(kit.sb),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    time.sleep(0.5)  # both have loaded the (expired) file
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()
    outs = [p.communicate(timeout=60)[0].split() for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert outs[0][0] == outs[1][0]  # the same access token
    assert sorted(int(o[1]) for o in outs) == [0, 1]  # one refreshed, the other adopted it
    final = read_token_file(path)
    assert final is not None and final.access_token == outs[0][0]


@pytest.mark.parametrize("after", [2, 5, 9])
def test_sigkill_mid_refresh_leaves_a_usable_token_file(kit: Any, tmp_path: Path, after: int) -> None:
    path = tmp_path / "tokens.json"
    kit.tokens(path)
    proc = subprocess.Popen(
        [sys.executable, "-c", REFRESH_LOOP, str(path), kit.sb.token_url],
        env=_env(kit.sb),
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    for _ in range(after):
        assert proc.stdout.readline()
    time.sleep(0.001 * after)  # land somewhere inside a later refresh
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    proc.stdout.close()
    tokens = read_token_file(path)  # a complete JSON file: the old or the new one, never half
    assert tokens is not None and tokens.access_token and tokens.refresh_token
    assert _mode(path) == 0o600
    store = TokenStore(
        path,
        client_id=kit.sb.credentials.client_id,
        client_secret=kit.sb.credentials.client_secret,
        token_url=kit.sb.token_url,
    )
    with kit.client(store) as qbo:
        assert qbo.company_info()["Country"]  # the lock was not left held and the token works


def test_env_seeds_the_token_file(kit: Any, tmp_path: Path) -> None:
    c = kit.sb.credentials
    seed = kit.tokens(None)  # fresh tokens, not stored
    env = {
        "WIXQB_QBO_CLIENT_ID": c.client_id,
        "WIXQB_QBO_CLIENT_SECRET": c.client_secret,
        "WIXQB_QBO_REFRESH_TOKEN": seed.tokens.refresh_token,
        "WIXQB_QBO_ACCESS_TOKEN": seed.tokens.access_token,
    }
    path = tmp_path / "from_env.json"
    with TokenStore.from_env(path, token_url=kit.sb.token_url, env=env) as store:
        assert read_token_file(path) == store.tokens and _mode(path) == 0o600
    with pytest.raises(errors.ConfigError):
        TokenStore.from_env(path, token_url=kit.sb.token_url, env={})


def test_authorization_code_flow_rejects_a_wrong_state(kit: Any, tmp_path: Path) -> None:
    c = kit.sb.credentials
    path = tmp_path / "connected.json"
    store = TokenStore(
        path, client_id=c.client_id, client_secret=c.client_secret, token_url=kit.sb.token_url, http=kit.http
    )
    seen: dict[str, Any] = {}

    def browser(url: str) -> None:
        page = httpx.get(url + "&auto_approve=1")
        assert page.status_code == 302
        callback = httpx.URL(page.headers["location"])
        forged = callback.copy_set_param("state", "forged-state")
        seen["forged"] = httpx.get(forged).status_code  # a forged redirect is refused...
        seen["real"] = httpx.get(callback).status_code  # ...and the real one still completes the flow

    echoed: list[str] = []
    tokens = connect_qbo(
        client_id=c.client_id,
        client_secret=c.client_secret,
        authorize_endpoint=kit.sb.qbo_base_url + "/connect/oauth2",
        token_url=kit.sb.token_url,
        redirect_uri="http://127.0.0.1:0/callback",
        store=store,
        open_browser=browser,
        echo=echoed.append,
        timeout_s=30,
    )
    assert seen == {"forged": 400, "real": 200}
    assert tokens.realm_id == c.realm_id
    assert "state=" in echoed[0]
    assert read_token_file(path) == tokens and _mode(path) == 0o600
    with kit.client(store) as qbo:
        assert qbo.company_info()


def test_wrong_client_secret_is_an_error_not_a_crash(kit: Any) -> None:
    from wixqb_nb.clients._http import HttpCore

    with httpx.Client() as http:
        core = HttpCore(http, service="qbo", sleep=lambda s: None)
        with pytest.raises(errors.ApiStatusError) as info:
            token_request(
                core,
                kit.sb.token_url,
                kit.sb.credentials.client_id,
                "wrong",
                {"grant_type": "refresh_token", "refresh_token": "x"},
            )
    assert info.value.status_code in {400, 401}
    assert (
        not isinstance(info.value, errors.ReconnectRequired)
        or info.value.body.get("error") == "invalid_grant"
    )
