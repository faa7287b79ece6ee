"""Query, batch, CDC, OAuth, throttles, faults and requestid over real HTTP."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from decimal import Decimal as D
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from wixqb_nb import money
from wixqb_nb.sandbox.qbo import FaultConfig, LimitConfig, QboCompany, QboService
from wixqb_nb.sandbox.qbo.local import api_client, serve_qbo
from wixqb_nb.sandbox.qbo.sample_seed import ca_seed

CLIENT, SECRET = "client-1", "secret-1"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_750_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def env() -> Iterator[tuple[QboService, str, QboCompany, FakeClock]]:
    clock = FakeClock()
    service = QboService(limits=LimitConfig(enabled=False), clock=clock)
    service.register_client(CLIENT, SECRET, ("http://app.test/cb",))
    company = service.add_company(QboCompany.from_seed(ca_seed(), "9130001", clock))
    with serve_qbo(service) as base:
        yield service, base, company, clock


def post(client: httpx.Client, path: str, body: Any, **params: str) -> httpx.Response:
    return client.post(
        path, content=money.dumps(body), headers={"Content-Type": "application/json"}, params=params
    )


def line(amount: str) -> dict[str, Any]:
    return {
        "DetailType": "SalesItemLineDetail",
        "Amount": D(amount),
        "SalesItemLineDetail": {"ItemRef": {"value": "20"}, "TaxCodeRef": {"value": "14"}},
    }


def receipt(doc: str, amount: str = "10.00", **extra: Any) -> dict[str, Any]:
    return {"DocNumber": doc, "CustomerRef": {"value": "30"}, "Line": [line(amount)], **extra}


def q(client: httpx.Client, text: str) -> httpx.Response:
    return client.get("/query", params={"query": text})


# ---- query --------------------------------------------------------------------------------


def test_query_subset(env: tuple[QboService, str, QboCompany, FakeClock]) -> None:
    service, base, _, clock = env
    with api_client(service, base, "9130001", CLIENT) as client:
        ids = []
        for i in range(5):
            clock.now += 10
            ids.append(
                money.loads(post(client, "/salesreceipt", receipt(f"Q'{i}", f"{i + 1}.00")).content)[
                    "SalesReceipt"
                ]["Id"]
            )
        body = money.loads(q(client, "select * from SalesReceipt where DocNumber = 'q\\'3'").content)
        assert [r["Id"] for r in body["QueryResponse"]["SalesReceipt"]] == [ids[3]]
        assert body["QueryResponse"]["startPosition"] == 1 and body["QueryResponse"]["maxResults"] == 1
        page = money.loads(
            q(
                client,
                "SELECT * FROM salesreceipt WHERE TotalAmt >= '2.00' AND CustomerRef = '30' ORDER BY TotalAmt DESC STARTPOSITION 2 MAXRESULTS 2",
            ).content
        )
        assert [r["TotalAmt"] for r in page["QueryResponse"]["SalesReceipt"]] == [D("4.00"), D("3.00")]
        ins = money.loads(
            q(client, f"select * from SalesReceipt where Id IN ('{ids[0]}', '{ids[4]}') ORDERBY Id").content
        )
        assert [r["Id"] for r in ins["QueryResponse"]["SalesReceipt"]] == [ids[0], ids[4]]
        like = money.loads(q(client, "select * from Customer where DisplayName LIKE 'o\\'bri%'").content)
        assert [c["Id"] for c in like["QueryResponse"]["Customer"]] == ["31"]
        since = money.loads(
            q(
                client,
                f"select * from SalesReceipt where MetaData.LastUpdatedTime > '{_iso(clock.now - 15)}'",
            ).content
        )
        assert len(since["QueryResponse"]["SalesReceipt"]) == 2
        count = client.post(
            "/query",
            content=b"select count(*) from SalesReceipt",
            headers={"Content-Type": "application/text"},
        )
        assert money.loads(count.content)["QueryResponse"] == {"totalCount": 5}
        assert (
            money.loads(q(client, "select * from Invoice where DocNumber = 'none'").content)["QueryResponse"]
            == {}
        )


def _iso(epoch: float) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(epoch, tz=UTC).isoformat(timespec="seconds")


def test_query_inactive_and_sku(env: tuple[QboService, str, QboCompany, FakeClock]) -> None:
    service, base, _, _ = env
    with api_client(service, base, "9130001", CLIENT) as client:
        names = {
            c["DisplayName"]
            for c in money.loads(q(client, "select * from Customer").content)["QueryResponse"]["Customer"]
        }
        assert "Old Customer" not in names
        both = money.loads(q(client, "select * from Customer where Active IN (true, false)").content)[
            "QueryResponse"
        ]["Customer"]
        assert "Old Customer" in {c["DisplayName"] for c in both}
        only = money.loads(q(client, "select * from Customer where Active = false").content)["QueryResponse"][
            "Customer"
        ]
        assert [c["DisplayName"] for c in only] == ["Old Customer"]
        plain = money.loads(q(client, "select * from Item where Name = 'T-shirt'").content)["QueryResponse"][
            "Item"
        ][0]
        assert "Sku" not in plain
        sku = money.loads(q(client, "select *, Sku from Item where Sku = 'TS-1'").content)["QueryResponse"][
            "Item"
        ][0]
        assert sku["Sku"] == "TS-1"


@pytest.mark.parametrize(
    "text",
    [
        "select * from Invoice where DocNumber = '1' OR DocNumber = '2'",
        "select DocNumber from Invoice",
        "select * from Nothing",
        "select * from Invoice MAXRESULTS 1001",
        "select * from Invoice where DocNumber != '1'",
        "select * from Invoice where",
        "delete from Invoice",
        "select * from Invoice STARTPOSITION 0",
    ],
)
def test_query_errors_are_4000(env: tuple[QboService, str, QboCompany, FakeClock], text: str) -> None:
    service, base, _, _ = env
    with api_client(service, base, "9130001", CLIENT) as client:
        resp = q(client, text)
        assert resp.status_code == 400
        assert money.loads(resp.content)["Fault"]["Error"][0]["code"] == "4000"


# ---- batch and CDC ------------------------------------------------------------------------


def test_batch_items_succeed_or_fail_alone_and_do_not_see_each_other(
    env: tuple[QboService, str, QboCompany, FakeClock],
) -> None:
    service, base, _, _ = env
    with api_client(service, base, "9130001", CLIENT) as client:
        items = [
            {"bId": "c1", "operation": "create", "Customer": {"DisplayName": "Batch Buyer"}},
            {"bId": "c2", "operation": "create", "Customer": {"DisplayName": "Jane Doe"}},
            {"bId": "r1", "operation": "create", "SalesReceipt": receipt("B-1")},
            {"bId": "q1", "Query": "select * from Customer where DisplayName = 'Batch Buyer'"},
        ]
        resp = post(client, "/batch", {"BatchItemRequest": items})
        assert resp.status_code == 200
        out = {r["bId"]: r for r in money.loads(resp.content)["BatchItemResponse"]}
        assert out["c1"]["Customer"]["DisplayName"] == "Batch Buyer"
        assert (
            out["c2"]["Fault"]["Error"][0]["code"] == "6240"
            and out["c2"]["Fault"]["type"] == "ValidationFault"
        )
        assert out["r1"]["SalesReceipt"]["DocNumber"] == "B-1"
        assert out["q1"]["QueryResponse"]["Customer"][0]["Id"] == out["c1"]["Customer"]["Id"]
        new_id = out["c1"]["Customer"]["Id"]
        isolated = [
            {"bId": "c", "operation": "create", "Customer": {"DisplayName": "Fresh"}},
            {
                "bId": "i",
                "operation": "create",
                "Invoice": {**receipt("B-2"), "CustomerRef": {"value": str(int(new_id) + 2)}},
            },
        ]
        res = money.loads(post(client, "/batch", {"BatchItemRequest": isolated}).content)["BatchItemResponse"]
        assert res[0]["Customer"]["Id"] == str(int(new_id) + 2)
        assert res[1]["Fault"]["Error"][0]["code"] == "2500"
        too_many = [{"bId": str(i), "Query": "select * from Item"} for i in range(31)]
        resp = post(client, "/batch", {"BatchItemRequest": too_many})
        assert resp.status_code == 400 and money.loads(resp.content)["Fault"]["Error"][0]["code"] == "1040"


def test_cdc_reports_changes_and_deletions(env: tuple[QboService, str, QboCompany, FakeClock]) -> None:
    service, base, _, clock = env
    with api_client(service, base, "9130001", CLIENT) as client:
        old = money.loads(post(client, "/salesreceipt", receipt("C-1")).content)["SalesReceipt"]
        clock.now += 100
        since = _iso(clock.now)
        new = money.loads(post(client, "/salesreceipt", receipt("C-2")).content)["SalesReceipt"]
        post(client, "/salesreceipt", {"Id": old["Id"], "SyncToken": "0"}, operation="delete")
        cust = money.loads(post(client, "/customer", {"DisplayName": "CDC Person"}).content)["Customer"]
        body = money.loads(
            client.get(
                "/cdc", params={"entities": "SalesReceipt,Customer,Invoice", "changedSince": since}
            ).content
        )
        responses = body["CDCResponse"][0]["QueryResponse"]
        receipts = {r["Id"]: r for r in responses[0]["SalesReceipt"]}
        assert receipts[new["Id"]]["DocNumber"] == "C-2"
        assert receipts[old["Id"]]["status"] == "Deleted"
        assert [c["Id"] for c in responses[1]["Customer"]] == [cust["Id"]]
        assert responses[2] == {}


# ---- OAuth --------------------------------------------------------------------------------


def basic(cid: str = CLIENT, secret: str = SECRET) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{cid}:{secret}".encode()).decode()}


def test_authorization_code_flow_refresh_rotation_and_revoke(
    env: tuple[QboService, str, QboCompany, FakeClock],
) -> None:
    service, base, _, clock = env
    with httpx.Client(base_url=base) as http:
        page = http.get(
            "/connect/oauth2",
            params={
                "client_id": CLIENT,
                "redirect_uri": "http://app.test/cb",
                "response_type": "code",
                "scope": "com.intuit.quickbooks.accounting",
                "state": "s1",
            },
        )
        assert page.status_code == 200 and 'id="connect"' in page.text
        approved = http.post(
            "/connect/oauth2",
            data={
                "client_id": CLIENT,
                "redirect_uri": "http://app.test/cb",
                "response_type": "code",
                "state": "s1",
                "realm_id": "9130001",
            },
        )
        assert approved.status_code == 302
        back = parse_qs(urlsplit(approved.headers["location"]).query)
        assert back["state"] == ["s1"] and back["realmId"] == ["9130001"]
        form = {
            "grant_type": "authorization_code",
            "code": back["code"][0],
            "redirect_uri": "http://app.test/cb",
        }
        assert http.post("/oauth2/v1/tokens/bearer", data=form, headers=basic(secret="wrong")).json() == {
            "error": "invalid_client"
        }
        tokens = http.post("/oauth2/v1/tokens/bearer", data=form, headers=basic()).json()
        assert (
            tokens["token_type"] == "bearer"
            and tokens["expires_in"] == 3600
            and tokens["x_refresh_token_expires_in"] > 0
        )
        reused = http.post("/oauth2/v1/tokens/bearer", data=form, headers=basic())
        assert (reused.status_code, reused.json()) == (400, {"error": "invalid_grant"})
        refresh = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
        second = http.post("/oauth2/v1/tokens/bearer", data=refresh, headers=basic()).json()
        assert second["refresh_token"] != tokens["refresh_token"]
        used = http.post("/oauth2/v1/tokens/bearer", data=refresh, headers=basic())
        assert (used.status_code, used.json()) == (400, {"error": "invalid_grant"})
        api = "/v3/company/9130001/companyinfo/9130001"
        # The first access token stays valid until it expires, though its refresh token is used up.
        assert http.get(api, headers={"Authorization": f"Bearer {tokens['access_token']}"}).status_code == 200
        assert (
            http.post(
                "/v2/oauth2/tokens/revoke", json={"token": second["refresh_token"]}, headers=basic()
            ).status_code
            == 200
        )
        revoked = http.post(
            "/oauth2/v1/tokens/bearer",
            data={"grant_type": "refresh_token", "refresh_token": second["refresh_token"]},
            headers=basic(),
        )
        assert revoked.json() == {"error": "invalid_grant"}
        clock.now += 3600
        expired = http.get(api, headers={"Authorization": f"Bearer {second['access_token']}"})
        assert expired.status_code == 401
        error = expired.json()["Fault"]
        assert error["type"] == "AUTHENTICATION" and error["Error"][0]["code"] == "3200"


def test_auto_approve_missing_token_and_other_realm(
    env: tuple[QboService, str, QboCompany, FakeClock],
) -> None:
    service, base, _, _ = env
    service.add_company(QboCompany.from_seed(ca_seed(), "9130002"))
    with httpx.Client(base_url=base) as http:
        r = http.get(
            "/connect/oauth2",
            params={
                "client_id": CLIENT,
                "redirect_uri": "http://app.test/cb?x=1",
                "response_type": "code",
                "state": "z",
                "auto_approve": "1",
            },
        )
        assert r.status_code == 400  # redirect_uri not registered
        r = http.get(
            "/connect/oauth2",
            params={
                "client_id": CLIENT,
                "redirect_uri": "http://app.test/cb",
                "response_type": "code",
                "state": "z",
                "auto_approve": "1",
            },
        )
        assert r.status_code == 302 and "code=" in r.headers["location"]
        assert http.get("/v3/company/9130001/preferences").status_code == 401
        tokens = service.issue_tokens("9130001", CLIENT)
        other = http.get(
            "/v3/company/9130002/preferences", headers={"Authorization": f"Bearer {tokens.access_token}"}
        )
        assert other.status_code == 403 and other.json()["Fault"]["Error"][0]["code"] == "3100"
        assert (
            http.get("/.well-known/openid_configuration").json()["token_endpoint"]
            == f"{base}/oauth2/v1/tokens/bearer"
        )


# ---- limits, faults, requestid ------------------------------------------------------------


def test_throttle_500_per_window_with_json_and_xml_bodies(
    env: tuple[QboService, str, QboCompany, FakeClock],
) -> None:
    service, base, _, clock = env
    service.set_limits(LimitConfig(requests_per_minute=5, batch_per_minute=2, time_scale=60))
    service.set_faults(FaultConfig(seed=3, xml_throttle=True))
    with api_client(service, base, "9130001", CLIENT) as client:
        codes = [client.get("/preferences").status_code for _ in range(5)]
        assert codes == [200] * 5
        kinds = set()
        for _ in range(12):
            resp = client.get("/preferences")
            assert resp.status_code == 429 and resp.headers["Retry-After"] == "1"
            if resp.headers["content-type"].startswith("application/xml"):
                assert '<Error code="3001">' in resp.text
                kinds.add("xml")
            else:
                assert resp.json()["Fault"]["Error"][0]["code"] == "3001"
                kinds.add("json")
        assert kinds == {"xml", "json"}
        clock.now += 1.0  # one "minute" at time_scale 60
        assert client.get("/preferences").status_code == 200
        clock.now += 1.0
        batch = {"BatchItemRequest": [{"bId": "1", "Query": "select * from Term"}]}
        assert [post(client, "/batch", batch).status_code for _ in range(3)] == [200, 200, 429]


def test_concurrency_limit_with_latency() -> None:
    service = QboService(limits=LimitConfig(max_concurrent=2), faults=FaultConfig(latency_ms=300))
    service.register_client(CLIENT, SECRET)
    service.add_company(QboCompany.from_seed(ca_seed(), "9130003"))
    import concurrent.futures

    with serve_qbo(service) as base, api_client(service, base, "9130003", CLIENT) as client:
        with concurrent.futures.ThreadPoolExecutor(6) as pool:
            statuses = sorted(pool.map(lambda _: client.get("/preferences").status_code, range(6)))
    assert statuses.count(200) >= 2 and statuses.count(429) >= 1


def test_injected_errors_are_deterministic_by_seed(
    env: tuple[QboService, str, QboCompany, FakeClock],
) -> None:
    service, base, _, _ = env

    def run() -> list[int]:
        service.set_faults(FaultConfig(seed=42, error_rate=0.3))
        with api_client(service, base, "9130001", CLIENT) as client:
            return [client.get("/preferences").status_code for _ in range(20)]

    first = run()
    assert first == run() and 500 in first and 200 in first
    service.set_faults(FaultConfig(seed=42, error_rate=1.0, only_writes=True))
    with api_client(service, base, "9130001", CLIENT) as client:
        assert client.get("/preferences").status_code == 200
        err = post(client, "/customer", {"DisplayName": "Never"})
        assert err.status_code == 500 and err.json()["Fault"]["Error"][0]["code"] == "10000"
    assert not [
        c for c in service.company("9130001").dump("Customer")["Customer"] if c["DisplayName"] == "Never"
    ]  # type: ignore[union-attr]


def test_dropped_connection_is_not_committed(env: tuple[QboService, str, QboCompany, FakeClock]) -> None:
    service, base, company, _ = env
    service.set_faults(FaultConfig(seed=1, drop_rate=1.0))
    with api_client(service, base, "9130001", CLIENT) as client:
        with pytest.raises(httpx.RemoteProtocolError):
            post(client, "/salesreceipt", receipt("DROP-1"))
    assert company.run_query("select * from SalesReceipt where DocNumber = 'DROP-1'") == {}


def test_lost_response_is_committed_and_requestid_replays_it(
    env: tuple[QboService, str, QboCompany, FakeClock],
) -> None:
    service, base, company, _ = env
    service.set_faults(FaultConfig(seed=1, lost_response_rate=1.0))
    with api_client(service, base, "9130001", CLIENT) as client:
        with pytest.raises(httpx.RemoteProtocolError):
            post(client, "/salesreceipt", receipt("LOST-1"), requestid="rid-1")
        found = company.run_query("select * from SalesReceipt where DocNumber = 'LOST-1'")
        assert len(found["SalesReceipt"]) == 1
        service.set_faults(FaultConfig())
        replay = post(client, "/salesreceipt", receipt("LOST-1"), requestid="rid-1")
        assert replay.status_code == 200
        assert replay.json()["SalesReceipt"]["Id"] == found["SalesReceipt"][0]["Id"]
        # Without the requestid the same write is a duplicate DocNumber.
        assert post(client, "/salesreceipt", receipt("LOST-1")).json()["Fault"]["Error"][0]["code"] == "6140"
        batch = {
            "BatchItemRequest": [{"bId": "1", "operation": "create", "Customer": {"DisplayName": "Once"}}]
        }
        a = post(client, "/batch", batch, requestid="rid-b").json()
        b = post(client, "/batch", batch, requestid="rid-b").json()
        assert a == b and "Customer" in a["BatchItemResponse"][0]


def test_service_round_trips_through_json(env: tuple[QboService, str, QboCompany, FakeClock]) -> None:
    service, _, _, _ = env
    tokens = service.issue_tokens("9130001", CLIENT)
    again = QboService.from_json(money.loads(money.dumps(service.to_json())), clock=service.clock)
    assert again.oauth.check_access(tokens.access_token, service.clock()) == "9130001"
    assert again.company("9130001") is not None
    assert (
        again.oauth.use_refresh(again.oauth.clients[CLIENT], tokens.refresh_token, service.clock()).realm_id
        == "9130001"
    )


def test_preferences_and_company_info_are_queryable_too(
    env: tuple[QboService, str, QboCompany, FakeClock],
) -> None:
    service, base, _, _ = env
    with api_client(service, base, "9130001", CLIENT) as client:
        prefs = money.loads(q(client, "select * from Preferences").content)["QueryResponse"]
        assert len(prefs["Preferences"]) == 1 and "SalesFormsPrefs" in prefs["Preferences"][0]
        info = money.loads(q(client, "SELECT * FROM CompanyInfo").content)["QueryResponse"]
        assert info["CompanyInfo"][0]["Country"] == "CA"
        counted = money.loads(q(client, "select count(*) from CompanyInfo").content)
        assert counted["QueryResponse"] == {"totalCount": 1}
