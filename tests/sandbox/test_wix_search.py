"""Search Orders over real HTTP: every filter operator, sorts, cursor paging, validation errors."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from decimal import Decimal
from types import ModuleType
from typing import Any

import httpx
import pytest

from wixqb_nb.sandbox import SandboxServer

N_ORDERS = 240


@pytest.fixture(scope="module")
def store(wixdata: ModuleType) -> dict[str, Any]:
    result: dict[str, Any] = wixdata.make_store(N_ORDERS)
    return result


@pytest.fixture(scope="module")
def server(store: dict[str, Any]) -> Iterator[SandboxServer]:
    with SandboxServer(store=store, limits=False) as sb:
        yield sb


@pytest.fixture
def client(server: SandboxServer, wixdata: ModuleType) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.wix_base_url, headers=wixdata.headers(server), timeout=30) as c:
        yield c


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _visible(store: dict[str, Any]) -> list[dict[str, Any]]:
    return [o for o in store["orders"] if o["status"] != "INITIALIZED"]


def _default_order(orders: list[dict[str, Any]]) -> list[str]:
    return [o["id"] for o in sorted(orders, key=lambda o: _when(o["createdDate"]), reverse=True)]


def _methods(store: dict[str, Any], oid: str) -> list[str]:
    for t in store["transactions"]:
        if t["orderId"] == oid:
            return [p["regularPaymentDetails"]["paymentMethod"] for p in t["payments"]]
    return []


CUT = "2024-04-15T00:00:00Z"  # no milliseconds, unlike the stored dates

# (filter, independent oracle over one order, the store); every operator appears at least once
CASES: list[tuple[str, dict[str, Any], Callable[[dict[str, Any], dict[str, Any]], bool]]] = [
    ("eq", {"paymentStatus": {"$eq": "PAID"}}, lambda o, s: o["paymentStatus"] == "PAID"),
    ("implicit-eq", {"fulfillmentStatus": "FULFILLED"}, lambda o, s: o["fulfillmentStatus"] == "FULFILLED"),
    ("ne", {"status": {"$ne": "CANCELED"}}, lambda o, s: o["status"] != "CANCELED"),
    (
        "in",
        {"paymentStatus": {"$in": ["PAID", "PARTIALLY_PAID"]}},
        lambda o, s: o["paymentStatus"] in ("PAID", "PARTIALLY_PAID"),
    ),
    (
        "nin",
        {"paymentStatus": {"$nin": ["PAID", "NOT_PAID"]}},
        lambda o, s: o["paymentStatus"] not in ("PAID", "NOT_PAID"),
    ),
    ("gt-number-int", {"number": {"$gt": 1100}}, lambda o, s: int(o["number"]) > 1100),
    ("gte-number-str", {"number": {"$gte": "1100"}}, lambda o, s: int(o["number"]) >= 1100),
    ("lt-date", {"createdDate": {"$lt": CUT}}, lambda o, s: _when(o["createdDate"]) < _when(CUT)),
    ("lte-date", {"updatedDate": {"$lte": CUT}}, lambda o, s: _when(o["updatedDate"]) <= _when(CUT)),
    (
        "gt-amount-numeric",
        {"priceSummary.total.amount": {"$gt": "50"}},
        lambda o, s: Decimal(o["priceSummary"]["total"]["amount"]) > 50,
    ),
    ("exists-true", {"archived": {"$exists": True}}, lambda o, s: "archived" in o),
    ("exists-false", {"archived": {"$exists": False}}, lambda o, s: "archived" not in o),
    ("archived-eq", {"archived": {"$eq": False}}, lambda o, s: o.get("archived") is False),
    (
        "startsWith",
        {"buyerInfo.email": {"$startsWith": "ann"}},
        lambda o, s: o["buyerInfo"]["email"].startswith("ann"),
    ),
    (
        "hasSome-appId",
        {"lineItems.catalogReference.appId": {"$hasSome": ["13d21c63-b5ec-5912-8397-c3a5ddb27a97"]}},
        lambda o, s: any(li["catalogReference"]["appId"].startswith("13d21c63") for li in o["lineItems"]),
    ),
    (
        "hasAll-appId",
        {
            "lineItems.catalogReference.appId": {
                "$hasAll": ["215238eb-22a5-4c36-9e7b-e7c08025e04e", "13d21c63-b5ec-5912-8397-c3a5ddb27a97"]
            }
        },
        lambda o, s: len({li["catalogReference"]["appId"] for li in o["lineItems"]}) == 2,
    ),
    (
        "ne-appId-none-match",
        {"lineItems.catalogReference.appId": {"$ne": "215238eb-22a5-4c36-9e7b-e7c08025e04e"}},
        lambda o, s: all(not li["catalogReference"]["appId"].startswith("215238eb") for li in o["lineItems"]),
    ),
    (
        "fullName",
        {"billingInfo.contactDetails.fullName": {"$startsWith": "Zoë O'"}},
        lambda o, s: o["billingInfo"]["contactDetails"]["firstName"] == "Zoë",
    ),
    (
        "paymentMethods",
        {"paymentMethods": {"$hasSome": ["PayPal"]}},
        lambda o, s: "PayPal" in _methods(s, o["id"]),
    ),
    (
        "and",
        {"$and": [{"paymentStatus": {"$eq": "PAID"}}, {"channelInfo.type": {"$eq": "WEB"}}]},
        lambda o, s: o["paymentStatus"] == "PAID" and o["channelInfo"]["type"] == "WEB",
    ),
    (
        "or",
        {"$or": [{"number": {"$lt": 1010}}, {"status": {"$eq": "CANCELED"}}]},
        lambda o, s: int(o["number"]) < 1010 or o["status"] == "CANCELED",
    ),
    (
        "nested",
        {
            "$and": [
                {"updatedDate": {"$gte": CUT}},
                {"$or": [{"buyerInfo.contactId": "c1"}, {"buyerInfo.contactId": {"$in": ["c2"]}}]},
            ]
        },
        lambda o, s: _when(o["updatedDate"]) >= _when(CUT) and o["buyerInfo"]["contactId"] in ("c1", "c2"),
    ),
]


@pytest.mark.parametrize(("name", "flt", "oracle"), CASES, ids=[c[0] for c in CASES])
def test_filter_operator_matches_oracle(
    name: str,
    flt: dict[str, Any],
    oracle: Callable[[dict[str, Any], dict[str, Any]], bool],
    client: httpx.Client,
    store: dict[str, Any],
    wixdata: ModuleType,
) -> None:
    got = [o["id"] for o in wixdata.search_all(client, "", {"filter": flt}, limit=50)]
    want = _default_order([o for o in _visible(store) if oracle(o, store)])
    assert 0 < len(want) < len(_visible(store)), f"case {name} must have hits and misses"
    assert got == want


def test_initialized_orders_are_never_returned(
    client: httpx.Client, store: dict[str, Any], wixdata: ModuleType
) -> None:
    everything = wixdata.search_all(client, "", {})
    assert {o["id"] for o in everything} == {o["id"] for o in _visible(store)}
    assert len(everything) < len(store["orders"])
    assert wixdata.search_all(client, "", {"filter": {"status": {"$eq": "INITIALIZED"}}}) == []


def test_every_order_exactly_once_across_many_pages(
    client: httpx.Client, store: dict[str, Any], wixdata: ModuleType
) -> None:
    sort = [{"fieldName": "updatedDate", "order": "ASC"}]
    got = wixdata.search_all(client, "", {"sort": sort}, limit=7)
    ids = [o["id"] for o in got]
    assert len(ids) == len(set(ids)) == len(_visible(store))
    stamps = [_when(o["updatedDate"]) for o in got]
    assert stamps == sorted(stamps)


@pytest.mark.parametrize(
    "sort",
    [
        [{"fieldName": "number", "order": "ASC"}],
        [{"fieldName": "number", "order": "DESC"}],
        [{"fieldName": "paymentStatus", "order": "ASC"}, {"fieldName": "createdDate", "order": "DESC"}],
        [{"fieldName": "buyerInfo.email"}],
        [{"fieldName": "createdDate", "order": "ASC"}],
    ],
)
def test_sorts_page_in_order(
    sort: list[dict[str, str]], client: httpx.Client, store: dict[str, Any], wixdata: ModuleType
) -> None:
    got = wixdata.search_all(client, "", {"sort": sort, "filter": {"number": {"$gte": 1020}}}, limit=9)
    want = [o for o in _visible(store) if int(o["number"]) >= 1020]

    def value(o: dict[str, Any], field: str) -> Any:
        if field == "number":
            return int(o["number"])
        if field == "buyerInfo.email":
            return o["buyerInfo"]["email"]
        if field == "createdDate":
            return _when(o["createdDate"])
        return o[field]

    for spec in reversed(sort):  # stable multi-key sort, last key first
        want.sort(key=lambda o, f=spec["fieldName"]: value(o, f), reverse=spec.get("order") == "DESC")
    assert [value(o, sort[0]["fieldName"]) for o in got] == [value(o, sort[0]["fieldName"]) for o in want]
    assert sorted(o["id"] for o in got) == sorted(o["id"] for o in want)
    if len(sort) == 2:
        assert [o["id"] for o in got] == [o["id"] for o in want]


def test_default_page_size_is_100_and_metadata_shape(client: httpx.Client) -> None:
    r = client.post("/ecom/v1/orders/search", json={"search": {}})
    data = r.json()
    assert r.status_code == 200
    assert len(data["orders"]) == 100
    assert data["metadata"]["count"] == 100 and data["metadata"]["hasNext"] is True
    assert set(data["metadata"]["cursors"]) == {"next"}


def test_prev_cursor_returns_the_previous_page(client: httpx.Client) -> None:
    first = client.post("/ecom/v1/orders/search", json={"search": {"cursorPaging": {"limit": 10}}}).json()
    nxt = first["metadata"]["cursors"]["next"]
    second = client.post(
        "/ecom/v1/orders/search", json={"search": {"cursorPaging": {"limit": 10, "cursor": nxt}}}
    )
    prev = second.json()["metadata"]["cursors"]["prev"]
    back = client.post(
        "/ecom/v1/orders/search", json={"search": {"cursorPaging": {"limit": 10, "cursor": prev}}}
    )
    assert [o["id"] for o in back.json()["orders"]] == [o["id"] for o in first["orders"]]
    assert "prev" not in back.json()["metadata"]["cursors"]


@pytest.mark.parametrize(
    ("search", "field"),
    [
        ({"cursorPaging": {"limit": 101}}, "search.cursorPaging.limit"),
        ({"cursorPaging": {"limit": 0}}, "search.cursorPaging.limit"),
        ({"cursorPaging": {"limit": 5, "cursor": "not-a-cursor!"}}, "search.cursorPaging.cursor"),
        ({"filter": {"buyerInfo.phone": "1"}}, "buyerInfo.phone"),
        ({"filter": {"updatedDate": {"$in": ["2024-01-01T00:00:00Z"]}}}, "updatedDate"),
        ({"filter": {"status": {"$regex": "A"}}}, "status"),
        ({"sort": [{"fieldName": "priceSummary.total.amount", "order": "ASC"}]}, "priceSummary.total.amount"),
        ({"filter": {"number": {"$gt": "ten"}}}, "number"),
    ],
)
def test_invalid_searches_get_wix_validation_errors(
    search: dict[str, Any], field: str, client: httpx.Client
) -> None:
    r = client.post("/ecom/v1/orders/search", json={"search": search})
    assert r.status_code == 400
    violation = r.json()["details"]["validationError"]["fieldViolations"][0]
    assert violation["field"] == field
    assert r.json()["message"]


def test_cursor_with_filter_or_sort_is_rejected(client: httpx.Client) -> None:
    first = client.post("/ecom/v1/orders/search", json={"search": {"cursorPaging": {"limit": 3}}}).json()
    cursor = first["metadata"]["cursors"]["next"]
    for extra in ({"filter": {"status": "APPROVED"}}, {"sort": [{"fieldName": "number"}]}):
        body = {"search": {**extra, "cursorPaging": {"limit": 3, "cursor": cursor}}}
        r = client.post("/ecom/v1/orders/search", json=body)
        assert r.status_code == 400
        assert "cursor" in r.json()["message"]


def test_amounts_are_served_as_stored_strings(
    fresh_sandbox: Callable[..., SandboxServer], wixdata: ModuleType
) -> None:
    sb = fresh_sandbox(store=str(_doc_store_path()))
    r = httpx.get(
        f"{sb.wix_base_url}/ecom/v1/orders/63d737bb-1633-4dcd-94ed-94c09f6c5a9f", headers=wixdata.headers(sb)
    )
    assert r.status_code == 200
    order = r.json()["order"]
    assert order["balanceSummary"]["paid"] == {"amount": "67.6", "formattedAmount": "$67.60"}
    assert order["number"] == "10135"
    assert '"weight": 0.25' in r.text or '"weight":0.25' in r.text  # catalog numbers stay exact numbers


def _doc_store_path() -> Any:
    from wixqb_nb.sandbox.state import DOC_STORE

    return DOC_STORE
