"""Helpers of the proof tests: the demo company as the mapping sees it, and bad Wix orders.

Bad orders are copies of the demo store's good ones with one thing broken (:data:`BREAKS`), each with
fresh ids and numbers, so they can be added to the same sandbox store next to the good ones.
"""

from __future__ import annotations

import copy
import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from wixqb_nb.config import Config
from wixqb_nb.init.sandbox import init_sandbox, load_secrets_env
from wixqb_nb.mapping import QboSnapshot
from wixqb_nb.sandbox import SandboxServer
from wixqb_nb.sync.connect import build_clients
from wixqb_nb.sync.snapshot import LazySnapshot

Json = dict[str, Any]


class Company:
    """The config ``wixqb init`` wrote for a demo sandbox and the QBO snapshot a run reads from it.

    A plain class with a short ``repr``: hypothesis prints the arguments of a failing example.
    """

    def __init__(
        self, config: Config, snapshot: QboSnapshot, orders: list[Json], transactions: dict[str, Json]
    ) -> None:
        self.config, self.snapshot, self.orders, self.transactions = config, snapshot, orders, transactions

    def __repr__(self) -> str:
        return f"Company({len(self.orders)} orders)"


def demo_company(sb: SandboxServer, folder: Path) -> Company:
    init = init_sandbox(sb.url, folder / "wixqb.toml", now=dt.datetime.now(dt.UTC))
    env: dict[str, str] = {}
    load_secrets_env(init.secrets_file, env)
    with build_clients(init.config, config_path=folder / "wixqb.toml", env=env) as c:
        snapshot = LazySnapshot(c.qbo, nonce="proof").get()
    store = sb.state.wix.store
    return Company(
        init.config,
        snapshot,
        [copy.deepcopy(o) for o in store.orders.values()],
        {k: copy.deepcopy(v) for k, v in store.transactions.items()},
    )


def clean_paid(orders: list[Json], transactions: dict[str, Json]) -> list[tuple[Json, Json]]:
    """Approved, paid orders without refunds, with their transactions records."""
    out = []
    for o in orders:
        record = transactions.get(o["id"]) or {}
        if o.get("status") == "APPROVED" and o.get("paymentStatus") == "PAID" and not record.get("refunds"):
            out.append((o, record))
    return out


def fresh_copy(order: Json, record: Json, number: int, updated: str | None = None) -> tuple[Json, Json]:
    """A copy with new order and payment ids, the given order number and (optionally) ``updatedDate``."""
    o, r = copy.deepcopy(order), copy.deepcopy(record or {"payments": [], "refunds": []})
    o["id"] = r["orderId"] = str(uuid.uuid4())
    o["number"] = str(number)
    if updated is not None:
        o["updatedDate"] = updated
    for p in r.get("payments") or []:
        p["id"] = str(uuid.uuid4())
    return o, r


def leaves(obj: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every path to a scalar (or empty container) inside a JSON value."""
    if isinstance(obj, dict) and obj:
        for k, v in obj.items():
            yield from leaves(v, (*path, k))
    elif isinstance(obj, list) and obj:
        for i, v in enumerate(obj):
            yield from leaves(v, (*path, i))
    else:
        yield path


def put(obj: Any, path: tuple[Any, ...], value: Any) -> None:
    """Set (or, with :data:`MISSING`, delete) the value at ``path``."""
    for key in path[:-1]:
        obj = obj[key]
    if value is MISSING:
        if isinstance(obj, dict):
            obj.pop(path[-1], None)
        else:
            obj[path[-1]] = None
    else:
        obj[path[-1]] = value


MISSING = object()


def _total(o: Json) -> Decimal:
    return Decimal(str(o["priceSummary"]["total"]["amount"]))


def _set_total(value: Any) -> Callable[[Json, Json], None]:
    def breaks(o: Json, r: Json) -> None:
        o["priceSummary"]["total"] = value(o) if callable(value) else value

    return breaks


def _drop_summary(o: Json, r: Json) -> None:
    del o["priceSummary"]


def _unmapped_tax(o: Json, r: Json) -> None:
    """A tax rate no QBO tax code carries, on every line and in every breakdown."""
    for line in o["lineItems"]:
        info = line.get("taxInfo") or {}
        info["taxRate"] = "0.4242"
        for part in info.get("taxBreakdown") or []:
            part["rate"] = "0.4242"
            part["taxName"] = "Mars tax"
        (line.get("taxDetails") or {})["taxRate"] = "0.4242"


def _payment_exceeds(o: Json, r: Json) -> None:
    """A payment of ten times the order's total."""
    for p in r.get("payments") or []:
        p["amount"] = {"amount": str(_total(o) * 10), "formattedAmount": ""}


#: name -> (how the order is broken, the field its error must name). Each of these orders passes the
#: tolerant models (they are what Wix could plausibly send) and must fail planning with that field.
BREAKS: dict[str, tuple[Callable[[Json, Json], None], str]] = {
    "total_does_not_add_up": (
        _set_total(lambda o: {"amount": str(_total(o) + Decimal("5.10")), "formattedAmount": ""}),
        "priceSummary.total",
    ),
    "total_negative": (
        _set_total(lambda o: {"amount": str(-_total(o)), "formattedAmount": ""}),
        "priceSummary.total",
    ),
    "total_null": (_set_total(None), "priceSummary.total"),
    "price_summary_missing": (_drop_summary, "priceSummary.total"),
    "tax_rate_unmapped": (_unmapped_tax, "taxes.mappings"),
}


def many_lines(order: Json, record: Json, copies: int) -> None:
    """Repeat a one-line order's line ``copies`` times (fresh line ids) and scale every amount to match.

    Only for an order with one line, no discount and no shipping, so the totals stay exact.
    """
    line = order["lineItems"][0]
    order["lineItems"] = []
    for i in range(copies):
        new = copy.deepcopy(line)
        new["id"] = str(uuid.UUID(int=i + 1))
        order["lineItems"].append(new)
    for part in order["priceSummary"].values():
        if isinstance(part, dict) and "amount" in part:
            part["amount"] = str(Decimal(str(part["amount"])) * copies)
    for p in record.get("payments") or []:
        p["amount"]["amount"] = str(Decimal(str(p["amount"]["amount"])) * copies)


def one_line(order: Json) -> bool:
    """True for an order :func:`many_lines` can scale."""
    summary = order.get("priceSummary") or {}
    zero = {"0", "0.0", "0.00"}
    return (
        len(order.get("lineItems") or []) == 1
        and str((summary.get("discount") or {}).get("amount", "0")) in zero
        and str((summary.get("shipping") or {}).get("amount", "0")) in zero
        and not order.get("additionalFees")
    )
