"""WixClient against the sandbox over real HTTP: every page, filters, transactions in chunks, products."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from wixqb_nb import errors
from wixqb_nb.clients import RetryPolicy, WixClient
from wixqb_nb.models.wix import Order

STORES = "215238eb-22a5-4c36-9e7b-e7c08025e04e"
BOOKINGS = "13d21c63-b5ec-5912-8397-c3a5ddb27a97"


class Recorder:
    """An httpx event hook that keeps every request body sent (what the client put on the wire)."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> None:
        self.requests.append(request)


_open: list[httpx.Client] = []


@pytest.fixture(autouse=True)
def _close_clients() -> Iterator[None]:
    yield
    while _open:
        _open.pop().close()


def _client(sb: Any, **kwargs: Any) -> tuple[WixClient, Recorder]:
    rec = Recorder()
    http = httpx.Client(event_hooks={"request": [rec]})
    _open.append(http)
    c = sb.credentials
    return WixClient(c.wix_site_id, c.wix_api_key, sb.wix_base_url, http=http, **kwargs), rec


def test_every_order_across_pages_once_in_updated_order(wix_sandbox: Any, store: dict[str, Any]) -> None:
    client, rec = _client(wix_sandbox)
    ticks: list[int] = []
    orders = list(client.iter_orders(page_size=17, on_progress=ticks.append))
    assert sorted(o.id for o in orders) == sorted(o["id"] for o in store["orders"])
    assert len({o.id for o in orders}) == len(orders) == 250
    stamps = [o.updated_date for o in orders]
    assert stamps == sorted(stamps)  # type: ignore[type-var]
    assert sum(ticks) == 250
    bodies = [r.content for r in rec.requests]
    assert len(bodies) == 15  # ceil(250 / 17)
    assert b'"sort"' in bodies[0] and b'"cursor"' not in bodies[0]
    assert all(b'"cursor"' in b and b'"sort"' not in b and b'"filter"' not in b for b in bodies[1:])
    assert isinstance(orders[0], Order)


def test_filters_by_updated_window_payment_status_and_app(wix_sandbox: Any, store: dict[str, Any]) -> None:
    client, _ = _client(wix_sandbox)
    since = dt.datetime(2024, 3, 2, tzinfo=dt.UTC)
    until = dt.datetime(2024, 3, 3, tzinfo=dt.UTC)

    def stamp(o: dict[str, Any]) -> dt.datetime:
        return dt.datetime.fromisoformat(o["updatedDate"].replace("Z", "+00:00"))

    def apps(o: dict[str, Any]) -> set[str]:
        return {(li.get("catalogReference") or {}).get("appId") for li in o["lineItems"]}

    expected = {
        o["id"]
        for o in store["orders"]
        if since <= stamp(o) < until and o["paymentStatus"] == "NOT_PAID" and apps(o) & {BOOKINGS}
    }
    got = client.iter_orders(since, until, payment_statuses=["NOT_PAID"], app_ids=[BOOKINGS], page_size=5)
    ids = {o.id for o in got}
    assert ids == expected and ids  # the window holds such orders: the filter is not vacuous
    stores_only = {o.id for o in client.iter_orders(since, until, app_ids=[STORES])}
    assert stores_only == {
        o["id"] for o in store["orders"] if since <= stamp(o) < until and STORES in apps(o)
    }


def test_naive_datetimes_are_refused(wix_sandbox: Any) -> None:
    client, _ = _client(wix_sandbox)
    with pytest.raises(errors.ConfigError):
        list(client.iter_orders(dt.datetime(2024, 1, 1)))


def test_transactions_for_many_orders_in_chunks_of_100(wix_sandbox: Any, store: dict[str, Any]) -> None:
    client, rec = _client(wix_sandbox)
    ids = [o["id"] for o in store["orders"]]
    tx = client.transactions_for(ids)
    assert set(tx) == set(ids)
    calls = [r for r in rec.requests if r.url.path.endswith("/list-by-ids")]
    assert len(calls) == 3
    assert tx[ids[0]].payments and tx[ids[0]].payments[0].amount is not None


def test_get_order_and_not_found(wix_sandbox: Any, store: dict[str, Any]) -> None:
    client, _ = _client(wix_sandbox)
    first = store["orders"][0]
    assert client.get_order(first["id"]).number == first["number"]
    with pytest.raises(errors.NotFoundError):
        client.get_order("00000000-dead-beef-0000-000000000000")


def test_products_with_variant_skus(wix_sandbox: Any, store: dict[str, Any]) -> None:
    client, _ = _client(wix_sandbox)
    products = list(client.iter_products(page_size=4))
    assert [p.id for p in products] == [p["id"] for p in store["products"]] or {p.id for p in products} == {
        p["id"] for p in store["products"]
    }
    skus = {s for p in products for s in p.skus()}
    wire = {
        v["variant"].get("sku")
        for p in store["products"]
        for v in p.get("variants", [])
        if v["variant"].get("sku")
    }
    assert wire and wire <= skus


def test_wrong_key_is_an_authentication_error_not_retried(wix_sandbox: Any) -> None:
    c = wix_sandbox.credentials
    with WixClient(c.wix_site_id, "wrong-key-123456", wix_sandbox.wix_base_url) as client:
        with pytest.raises(errors.AuthenticationError) as info:
            client.get_order("x")
    assert info.value.status_code == 401
    assert client.core.retries_total == 0


def test_throttling_is_retried_to_success(store: dict[str, Any]) -> None:
    from wixqb_nb.sandbox import SandboxServer

    # time_scale=60: Wix's 200 requests/minute become 200 per second, so 260 quick reads must hit 429.
    with SandboxServer(store=store, time_scale=60) as sb:
        policy = RetryPolicy(max_retries=8, backoff_base_s=0.05, backoff_max_s=0.5)
        client, _ = _client(sb, retry=policy)
        ids = [o["id"] for o in store["orders"]][:260]
        got = [client.get_order(i).id for i in ids]
        assert got == ids
        assert client.core.retries_total > 0


def test_an_order_the_models_refuse_is_named_and_the_listing_goes_on(store: dict[str, Any]) -> None:
    import copy

    from wixqb_nb.clients.wix import InvalidOrder, InvalidOrderError
    from wixqb_nb.sandbox import SandboxServer

    small = {"orders": copy.deepcopy(store["orders"][:5]), "transactions": [], "products": []}
    broken = small["orders"][2]
    broken["lineItems"][0]["quantity"] = "several"
    with SandboxServer(store=small, limits=False) as sb:
        client, _ = _client(sb)
        refused: list[InvalidOrder] = []
        got = [o.id for o in client.iter_orders(on_invalid=refused.append)]
        assert got == [o["id"] for o in small["orders"] if o is not broken]
        assert [(r.order_id, r.number, r.field) for r in refused] == [
            (broken["id"], broken["number"], "lineItems.0.quantity")
        ]
        assert "'several'" in refused[0].message
        with pytest.raises(InvalidOrderError, match=r"lineItems\.0\.quantity"):
            list(client.iter_orders())
        with pytest.raises(errors.ApiDecodeError):
            client.get_order(broken["id"])
