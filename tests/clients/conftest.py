"""Fixtures of the client tests: sandboxes over real HTTP with stores built for paging tests."""

from __future__ import annotations

import copy
import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import wixqb_nb.sandbox
from wixqb_nb import money

DOC_STORE = Path(wixqb_nb.sandbox.__file__).parent / "data" / "wix_doc_store.json"


def big_store(n: int = 250) -> dict[str, Any]:
    """``n`` orders cloned from Wix's own examples with fresh ids and spread ``updatedDate`` s,
    one transactions record each (one payment), so listings span several pages and chunks."""
    doc = money.loads(DOC_STORE.read_text())
    start = dt.datetime(2024, 3, 1, tzinfo=dt.UTC)
    orders, transactions = [], []
    for i in range(n):
        order = copy.deepcopy(doc["orders"][i % len(doc["orders"])])
        oid = str(uuid.UUID(int=i + 1))
        order["id"], order["number"] = oid, str(20000 + i)
        order["status"] = "APPROVED"
        stamp = (
            (start + dt.timedelta(minutes=7 * i)).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        )
        order["createdDate"] = order["updatedDate"] = stamp
        orders.append(order)
        tx = copy.deepcopy(doc["transactions"][i % len(doc["transactions"])])
        tx["orderId"] = oid
        transactions.append(tx)
    return {"orders": orders, "transactions": transactions, "products": doc["products"]}


@pytest.fixture(scope="module")
def store() -> dict[str, Any]:
    return big_store()


@pytest.fixture(scope="module")
def wix_sandbox(store: dict[str, Any]) -> Iterator[Any]:
    from wixqb_nb.sandbox import SandboxServer

    with SandboxServer(store=store, limits=False) as sb:
        yield sb
