"""The store's own pieces: the fast order serialiser agrees with money.dumps and refuses floats."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wixqb_nb import money
from wixqb_nb.sandbox.state import doc_store
from wixqb_nb.sandbox.wix.store import WixStore, order_text

leaves = (
    st.none() | st.booleans() | st.integers() | st.text() | st.decimals(allow_nan=False, allow_infinity=False)
)
trees = st.recursive(
    leaves, lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(), kids, max_size=4)
)


@given(st.dictionaries(st.text(), trees, max_size=6))
def test_order_text_equals_money_dumps(order: dict[str, Any]) -> None:
    assert order_text(order) == money.dumps(order)


@pytest.mark.parametrize("order", [{"weight": 0.25}, {"lines": [{"x": 1e20}]}, {"s": "a", "f": -2.5}])
def test_order_text_refuses_floats(order: dict[str, Any]) -> None:
    with pytest.raises(TypeError, match="float"):
        order_text(order)


def test_store_text_round_trips_and_follows_changes() -> None:
    data = doc_store()
    store = WixStore.from_dict(data)
    assert money.loads(store.to_json_text()) == data
    order = dict(data["orders"][0], status="CANCELED")
    store.put_order(order)
    assert money.loads(store.to_json_text())["orders"][0]["status"] == "CANCELED"
    served = {o["number"]: o for o in money.loads(store.to_json_text())["orders"]}
    assert served["10135"]["lineItems"][0]["physicalProperties"]["weight"] == Decimal("0.25")
