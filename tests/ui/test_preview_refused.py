"""The preview of a period that holds an order the models refuse: an error row naming the field."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

from wixqb_nb.init.sandbox import init_sandbox
from wixqb_nb.sandbox import SandboxServer
from wixqb_nb.ui.preview import preview_period


def test_a_refused_order_is_an_error_row_and_the_rest_is_planned(tmp_path: Path) -> None:
    with SandboxServer(profile="ca-qc", orders=40, seed=4, limits=False) as sb:
        init = init_sandbox(sb.url, tmp_path / "config.toml", now=dt.datetime.now(dt.UTC))
        store = sb.state.wix.store
        good = next(o for o in store.orders.values() if o.get("paymentStatus") == "PAID")
        broken = copy.deepcopy(good)
        broken["id"], broken["number"] = "00000000-0000-4000-8000-00000000abcd", "99999"
        broken["lineItems"][0]["quantity"] = "two"
        sb.add_orders([broken], [])
        pv = preview_period(init.config_path, now=dt.datetime.now(dt.UTC), env={})
    docs = pv.documents_frame()
    row = docs[docs["order_id"] == broken["id"]]
    assert list(row["status"]) == ["error"]
    assert list(row["error_type"]) == ["lineItems.0.quantity"]
    assert "two" in str(row["error"].iloc[0])
    assert (docs["status"] == "planned").sum() > 10  # every other order still planned
    assert list(pv.documents_frame(error_type="lineItems.0.quantity")["order_id"]) == [broken["id"]]
