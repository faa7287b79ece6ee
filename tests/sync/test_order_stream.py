"""The compact holding of a run's orders (sync.fetch.OrderStream) and the GC pause around parsing."""

from __future__ import annotations

import copy
import gc
from pathlib import Path
from typing import Any

import pytest

import wixqb_nb.sandbox
from wixqb_nb import money
from wixqb_nb.clients.wix import InvalidOrderError, gc_paused, parse_order, parse_order_page
from wixqb_nb.sync.fetch import OrderStream

DOC_STORE = Path(wixqb_nb.sandbox.__file__).parent / "data" / "wix_doc_store.json"


def _orders() -> list[dict[str, Any]]:
    return list(money.loads(DOC_STORE.read_text(encoding="utf-8"))["orders"])


def test_every_walk_gives_the_kept_orders_in_order_equal_to_a_direct_parse() -> None:
    raws = _orders()
    stream = OrderStream()
    first, second = stream.add_page(raws[:6]), stream.add_page(raws[6:])
    stream.keep(raws[4]["id"], first, 4)
    stream.keep(raws[1]["id"], first, 1)
    stream.keep(raws[7]["id"], second, 1)
    by_id = parse_order(raws[0])
    stream.add_models([by_id])
    stream.drop_unused_pages()
    expected = [parse_order(raws[4]), parse_order(raws[1]), parse_order(raws[7]), by_id]
    assert stream.ids == [o.id for o in expected]
    assert len(stream) == 4 and stream
    walk_one, walk_two = list(stream), list(stream)
    assert walk_one == expected and walk_two == expected
    assert walk_one[0] is not walk_two[0]  # each walk builds fresh models the caller may drop
    # amounts come back as the exact Decimals of the payload
    assert walk_one[0].model_dump(by_alias=True) == expected[0].model_dump(by_alias=True)


def test_an_empty_stream_is_false_and_stores_nothing_once_pages_are_unused() -> None:
    stream = OrderStream()
    stream.add_page(_orders())
    stream.drop_unused_pages()
    assert not stream and list(stream) == [] and stream.ids == []


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_state_is_restored_even_when_parsing_fails(enabled: bool) -> None:
    broken = copy.deepcopy(_orders()[0])
    broken["lineItems"] = "not a list"
    previous = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        with pytest.raises(ZeroDivisionError), gc_paused():
            assert not gc.isenabled()
            raise ZeroDivisionError
        assert gc.isenabled() is enabled
        parsed = parse_order_page([broken, _orders()[1]])
        assert isinstance(parsed[0], InvalidOrderError) and parsed[0].invalid.field.startswith("lineItems")
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if previous else gc.disable)()
