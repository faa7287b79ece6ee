"""The other Wix endpoints over real HTTP: get order, transactions, products, auth, rate limit,
and cursors that stay right while the store changes."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

import httpx
import pytest

from wixqb_nb.sandbox import SandboxServer
from wixqb_nb.sandbox.wix.ratelimit import SlidingWindowLimiter

Factory = Callable[..., SandboxServer]


@pytest.fixture
def sb(fresh_sandbox: Factory, wixdata: ModuleType) -> SandboxServer:
    return fresh_sandbox(store=wixdata.make_store(60))


def _client(sb: SandboxServer, wixdata: ModuleType) -> httpx.Client:
    return httpx.Client(base_url=sb.wix_base_url, headers=wixdata.headers(sb), timeout=30)


def test_get_order_and_not_found(sb: SandboxServer, wixdata: ModuleType) -> None:
    oid = wixdata.make_order(4)["id"]
    with _client(sb, wixdata) as c:
        r = c.get(f"/ecom/v1/orders/{oid}")
        assert r.status_code == 200
        assert r.json()["order"] == wixdata.make_order(4)
        missing = c.get("/ecom/v1/orders/nope")
    assert missing.status_code == 404
    assert missing.json()["details"]["applicationError"]["code"] == "NOT_FOUND"


def test_transactions_single_and_by_ids(sb: SandboxServer, wixdata: ModuleType) -> None:
    with_tx, without_tx = wixdata.make_order(6)["id"], wixdata.make_order(5)["id"]
    with _client(sb, wixdata) as c:
        one = c.get(f"/ecom/v1/payments/orders/{with_tx}").json()["orderTransactions"]
        empty = c.get(f"/ecom/v1/payments/orders/{without_tx}").json()["orderTransactions"]
        unknown = c.get("/ecom/v1/payments/orders/nope")
        many = c.post(
            "/ecom/v1/payments/list-by-ids", json={"orderIds": [with_tx, without_tx, "nope"]}
        ).json()
        too_many = c.post("/ecom/v1/payments/list-by-ids", json={"orderIds": [f"x{i}" for i in range(101)]})
        not_a_list = c.post("/ecom/v1/payments/list-by-ids", json={"orderIds": "x"})
    assert one == wixdata.make_transactions(6)
    assert [p["regularPaymentDetails"]["paymentMethod"] for p in one["payments"]] == ["Cash", "PayPal"]
    assert empty == {"orderId": without_tx, "payments": [], "refunds": []}
    assert unknown.status_code == 404
    assert [t["orderId"] for t in many["orderTransactions"]] == [with_tx, without_tx]
    assert too_many.status_code == 400 and not_a_list.status_code == 400


def test_products_query_offset_paging_filter_sort_and_variants(
    sb: SandboxServer, wixdata: ModuleType
) -> None:
    with _client(sb, wixdata) as c:
        page1 = c.post("/stores/v1/products/query", json={"query": {"paging": {"limit": 5}}}).json()
        page3 = c.post(
            "/stores/v1/products/query",
            json={"query": {"paging": {"limit": 5, "offset": 10}}, "includeHiddenProducts": True},
        ).json()
        sorted_ = c.post(
            "/stores/v1/products/query",
            json={
                "query": {"sort": '[{"numericId": "desc"}]', "filter": '{"sku": {"$startsWith": "SKU-1"}}'},
                "includeVariants": True,
            },
        ).json()
        one = c.get("/stores/v1/products/prod-2")
        missing = c.get("/stores/v1/products/nope")
        bad = c.post("/stores/v1/products/query", json={"query": {"paging": {"limit": 101}}})
    assert page1["totalResults"] == 11  # prod-3 is hidden
    assert page1["metadata"] == {"items": 5, "offset": 0}
    assert all("variants" not in p for p in page1["products"])
    assert [p["id"] for p in page3["products"]] == ["prod-10", "prod-11"] and page3["totalResults"] == 12
    assert [p["id"] for p in sorted_["products"]] == ["prod-11", "prod-10", "prod-1"]
    assert sorted_["products"][0]["variants"][0]["variant"]["sku"] == "SKU-11-A"
    assert one.json()["product"]["name"] == "Thing 2"
    assert missing.status_code == 404 and bad.status_code == 400


@pytest.mark.parametrize(
    ("headers", "status", "code"),
    [
        ({}, 401, "UNAUTHENTICATED"),
        ({"Authorization": "wrong-key", "wix-site-id": "SITE"}, 401, "UNAUTHENTICATED"),
        ({"Authorization": "Bearer KEY", "wix-site-id": "SITE"}, 401, "UNAUTHENTICATED"),
        ({"Authorization": "KEY"}, 403, "PERMISSION_DENIED"),
        ({"Authorization": "KEY", "wix-site-id": "another-site"}, 403, "PERMISSION_DENIED"),
    ],
)
def test_auth_errors_have_wix_bodies(
    headers: dict[str, str], status: int, code: str, sandbox: SandboxServer
) -> None:
    creds = sandbox.credentials
    real = {
        k: v.replace("KEY", creds.wix_api_key).replace("SITE", creds.wix_site_id) for k, v in headers.items()
    }
    r = httpx.post(f"{sandbox.wix_base_url}/ecom/v1/orders/search", json={}, headers=real)
    assert r.status_code == status
    body = r.json()
    assert body["details"]["applicationError"]["code"] == code
    assert body["message"]


def test_rate_limit_answers_429_resource_exhausted(fresh_sandbox: Factory, wixdata: ModuleType) -> None:
    # time_scale 12: 200 requests per 5 s window, far more time than 201 local requests take
    sb = fresh_sandbox(store=wixdata.make_store(3), limits=True, time_scale=12)
    statuses = []
    with _client(sb, wixdata) as c:
        for _ in range(201):
            r = c.get(f"/ecom/v1/orders/{wixdata.make_order(1)['id']}")
            statuses.append(r.status_code)
    assert statuses[:200] == [200] * 200
    assert statuses[200] == 429
    assert r.json()["details"]["applicationError"]["code"] == "RESOURCE_EXHAUSTED"


def test_sliding_window_limiter_recovers_as_the_window_moves() -> None:
    now = [0.0]
    limiter = SlidingWindowLimiter(3, window_s=60, time_scale=60, clock=lambda: now[0])
    assert [limiter.hit("s") for _ in range(4)] == [True, True, True, False]
    assert limiter.retry_after("s") == pytest.approx(1.0)
    now[0] = 0.999
    assert not limiter.hit("s")
    now[0] = 1.0
    assert limiter.hit("s") and limiter.hit("other")


def test_cursor_is_stable_while_orders_are_added(sb: SandboxServer, wixdata: ModuleType) -> None:
    with _client(sb, wixdata) as c:
        first = c.post("/ecom/v1/orders/search", json={"search": {"cursorPaging": {"limit": 10}}}).json()
        # five newer orders land before the cursor's position (default sort createdDate DESC)
        newer = [wixdata.make_order(500 + i) for i in range(5)]
        for o in newer:
            o["status"] = "APPROVED"
        sb.add_orders(newer)
        seen = [o["id"] for o in first["orders"]]
        body: dict[str, Any] = {
            "search": {"cursorPaging": {"limit": 10, "cursor": first["metadata"]["cursors"]["next"]}}
        }
        while True:
            page = c.post("/ecom/v1/orders/search", json=body).json()
            seen += [o["id"] for o in page["orders"]]
            if not page["metadata"]["hasNext"]:
                break
            body = {"search": {"cursorPaging": {"limit": 10, "cursor": page["metadata"]["cursors"]["next"]}}}
    visible = [o["id"] for o in wixdata.make_store(60)["orders"] if o["status"] != "INITIALIZED"]
    assert len(seen) == len(set(seen)) == len(visible)
    assert set(seen) == set(visible)


def test_updated_orders_reappear_later_in_an_updated_date_scan(
    sb: SandboxServer, wixdata: ModuleType
) -> None:
    sort = [{"fieldName": "updatedDate", "order": "ASC"}]
    with _client(sb, wixdata) as c:
        first = c.post(
            "/ecom/v1/orders/search", json={"search": {"sort": sort, "cursorPaging": {"limit": 5}}}
        ).json()
        touched = first["orders"][0]["id"]
        sb.touch_order(touched)
        rest = []
        body: dict[str, Any] = {
            "search": {"cursorPaging": {"limit": 50, "cursor": first["metadata"]["cursors"]["next"]}}
        }
        while True:
            page = c.post("/ecom/v1/orders/search", json=body).json()
            rest += page["orders"]
            if not page["metadata"]["hasNext"]:
                break
            body = {"search": {"cursorPaging": {"limit": 50, "cursor": page["metadata"]["cursors"]["next"]}}}
    assert rest[-1]["id"] == touched  # now the most recently updated
    assert [o["id"] for o in rest].count(touched) == 1
