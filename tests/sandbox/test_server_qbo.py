"""The QBO emulator as the outer server mounts it: demo credentials work, admin steers it, it persists."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from wixqb_nb import money
from wixqb_nb.sandbox import SandboxServer

Factory = Callable[..., SandboxServer]


def _qbo(sb: SandboxServer, token: str | None = None) -> httpx.Client:
    creds = sb.credentials
    return httpx.Client(
        base_url=f"{sb.qbo_base_url}/v3/company/{creds.realm_id}",
        headers={
            "Authorization": f"Bearer {token or creds.access_token}",
            "Accept": "application/json",
            "Content-Type": "application/json",
        },
        timeout=30,
    )


def _customer(name: str) -> str:
    return money.dumps({"DisplayName": name})


def test_demo_credentials_query_and_refresh(sandbox: SandboxServer) -> None:
    creds = sandbox.credentials
    with _qbo(sandbox) as c:
        r = c.get("/query", params={"query": "select count(*) from TaxCode"})
        assert r.status_code == 200, r.text
        assert r.json()["QueryResponse"]["totalCount"] > 0
        info = c.get(f"/companyinfo/{creds.realm_id}")
        assert info.status_code == 200
    refreshed = httpx.post(
        sandbox.token_url,
        auth=(creds.client_id, creds.client_secret),
        data={"grant_type": "refresh_token", "refresh_token": creds.refresh_token},
    )
    assert refreshed.status_code == 200, refreshed.text
    assert refreshed.json()["refresh_token"] != creds.refresh_token
    sandbox.issue_tokens()  # the shared sandbox's credentials stay usable for other tests
    assert sandbox.credentials.refresh_token not in (creds.refresh_token, refreshed.json()["refresh_token"])


def test_profile_decides_the_company(fresh_sandbox: Factory) -> None:
    ca, us = fresh_sandbox(profile="ca-qc"), fresh_sandbox(profile="us")
    countries = []
    for sb in (ca, us):
        with _qbo(sb) as c:
            r = c.get(f"/companyinfo/{sb.credentials.realm_id}")
            countries.append(r.json()["CompanyInfo"]["Country"])
    assert countries == ["CA", "US"]
    assert ca.credentials.realm_id != us.credentials.realm_id


def test_dump_faults_and_reset_through_admin(fresh_sandbox: Factory) -> None:
    sb = fresh_sandbox()
    before = len(sb.dump_qbo("Customer")["Customer"])
    with _qbo(sb) as c:
        assert c.post("/customer", content=_customer("Admin Test Ltd")).status_code == 200
    dumped = httpx.get(f"{sb.url}/_sandbox/qbo/dump", params={"entity": "Customer"}).json()
    assert len(dumped["Customer"]) == before + 1
    faults = httpx.post(f"{sb.url}/_sandbox/qbo/faults", json={"seed": 3, "error_rate": 1.0})
    assert faults.status_code == 200 and faults.json()["error_rate"] == 1.0
    with _qbo(sb) as c:
        assert c.get("/query", params={"query": "select * from Customer"}).status_code >= 500
    assert httpx.post(f"{sb.url}/_sandbox/qbo/faults", json={"bogus": 1}).status_code == 400
    httpx.post(f"{sb.url}/_sandbox/qbo/faults", json={})
    reset = httpx.post(f"{sb.url}/_sandbox/reset")
    assert reset.status_code == 200
    assert len(sb.dump_qbo("Customer")["Customer"]) == before
    with _qbo(sb) as c:  # reset issued fresh tokens; the credentials report them
        assert c.get("/query", params={"query": "select * from Customer"}).status_code == 200


def test_qbo_entities_and_tokens_survive_a_restart(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    with SandboxServer(state_file=state, limits=False) as sb:
        with _qbo(sb) as c:
            created: Any = c.post("/customer", content=_customer("Persisted Café")).json()["Customer"]
        creds = sb.credentials
    with SandboxServer(state_file=state, limits=False) as again:
        assert again.credentials == creds
        with _qbo(again) as c:
            r = c.get(f"/customer/{created['Id']}")
            assert r.status_code == 200, r.text
            assert r.json()["Customer"]["DisplayName"] == "Persisted Café"
        refreshed = httpx.post(
            again.token_url,
            auth=(creds.client_id, creds.client_secret),
            data={"grant_type": "refresh_token", "refresh_token": creds.refresh_token},
        )
        assert refreshed.status_code == 200, refreshed.text


def test_limits_flag_reaches_the_qbo_side(fresh_sandbox: Factory) -> None:
    sb = fresh_sandbox(limits=True, time_scale=12)  # 500 requests per 5 s window
    statuses = []
    with _qbo(sb) as c:
        for _ in range(501):
            statuses.append(c.get(f"/companyinfo/{sb.credentials.realm_id}").status_code)
    assert statuses[:500] == [200] * 500
    assert statuses[500] == 429
