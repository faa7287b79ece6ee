"""The demo store: generate it, stream it, and make it move on for a second run."""

from __future__ import annotations

import copy
import gc
import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import IO, Any

from wixqb_nb import money

from . import _txn
from ._build import _cents as cents_of
from ._build import build, locale_of
from ._catalog import products_json
from ._data import PROFILES
from ._fmt import Money, epoch_ms, timestamp
from ._people import People
from ._scenarios import SPECIALS, Ctx, random_spec

DEFAULT_START = date(2025, 1, 1)
DEFAULT_DAYS = 90
MAX_ORDERS = 1_000_000
FIRST_NUMBER = 10001


def _check(orders: int, profile: str, days: int) -> None:
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; expected one of {', '.join(PROFILES)}")
    if not 1 <= orders <= MAX_ORDERS:
        raise ValueError(f"orders must be between 1 and {MAX_ORDERS:,}, got {orders}")
    if days < 1:
        raise ValueError(f"days must be at least 1, got {days}")


def _pool(orders: int) -> int:
    return min(50_000, max(40, orders // 3))


def iter_store(
    orders: int,
    seed: int = 1,
    profile: str = "ca-qc",
    start: date = DEFAULT_START,
    days: int = DEFAULT_DAYS,
) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """Yield ``(order, orderTransactions)`` pairs one at a time, oldest first.

    The special cases come first (see :data:`._scenarios.SPECIALS`), then everyday orders; order
    ``i`` is created at ``start + i * days / orders`` plus a seeded jitter, so dates spread evenly.

    Raises
    ------
    ValueError
        For an unknown profile, fewer than 1 or more than 1,000,000 orders, or ``days < 1``.
    """
    _check(orders, profile, days)
    rng = random.Random(f"wixqb-demo:{profile}:{seed}")
    ctx = Ctx(profile, People(profile, seed, _pool(orders)))
    start_ms = epoch_ms(datetime(start.year, start.month, start.day, 9, tzinfo=UTC))
    span = days * 86_400_000
    end_ms = start_ms + span
    gap = max(1, span // orders)
    for i in range(orders):
        builder = SPECIALS[i] if i < len(SPECIALS) else random_spec
        spec = builder(ctx, rng)
        created = start_ms + (i * span) // orders + rng.randrange(gap)
        yield build(spec, FIRST_NUMBER + i, created, end_ms, rng, profile)


def generate_store(
    orders: int,
    seed: int = 1,
    profile: str = "ca-qc",
    start: date = DEFAULT_START,
    days: int = DEFAULT_DAYS,
) -> dict[str, Any]:
    """Generate a demo Wix store: ``{"orders": [...], "transactions": [...], "products": [...]}``.

    Deterministic: the same arguments give the same store, byte for byte once serialised with
    :func:`wixqb_nb.money.dumps` (catalog prices and weights are ``Decimal`` JSON numbers, order
    amounts are Wix's strings). Every order adds up the way Wix adds it up (see :mod:`._order`).

    Parameters
    ----------
    orders
        How many orders, 1 to 1,000,000. The special cases come first, so a store of at least
        ``len(SPECIALS)`` orders has every one of them.
    seed
        Seed of every random choice.
    profile
        ``"ca-qc"`` (CAD, GST/QST, French and English names) or ``"us"`` (USD, state/local taxes).
    start, days
        Orders are spread over ``days`` days from 09:00 UTC on ``start``.

    Raises
    ------
    ValueError
        See :func:`iter_store`.
    """
    store: dict[str, Any] = {"orders": [], "transactions": [], "products": products_json(profile)}
    append_order = store["orders"].append
    append_txn = store["transactions"].append
    # Millions of fresh, acyclic dicts: the cyclic GC would rescan them all again and again
    # (it made 100k orders take twice as long); nothing here creates a cycle.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for order, txn in iter_store(orders, seed, profile, start, days):
            append_order(order)
            append_txn(txn)
    finally:
        if was_enabled:
            gc.enable()
    return store


def write_store(
    out: IO[str],
    orders: int,
    seed: int = 1,
    profile: str = "ca-qc",
    start: date = DEFAULT_START,
    days: int = DEFAULT_DAYS,
) -> int:
    """Stream a store file to ``out`` without holding the whole store in memory; returns the order count.

    The text is the same as ``money.dumps(generate_store(...))`` with the keys in the order
    ``orders``, ``transactions``, ``products``; transactions are held back (they are small)
    until the orders are written.
    """
    txns: list[str] = []
    out.write('{"orders": [')
    n = 0
    for order, txn in iter_store(orders, seed, profile, start, days):
        out.write((", " if n else "") + money.dumps(order))
        txns.append(money.dumps(txn))
        n += 1
    out.write('], "transactions": [' + ", ".join(txns) + '], "products": ')
    out.write(money.dumps(products_json(profile)) + "}")
    return n


def _profile_of(store: dict[str, Any]) -> str:
    currencies = {o.get("currency") for o in store.get("orders", [])[:50]}
    return "us" if currencies == {"USD"} else "ca-qc"


def advance_store(
    store: dict[str, Any],
    seed: int,
    hours: float = 1.0,
    now: datetime | None = None,
) -> dict[str, Any]:
    """What happens in the store during the ``hours`` before ``now``: for the demo's second run.

    ``store`` is never modified. Returns the changes for the server to apply::

        {"new_orders": [...], "updated_orders": [...], "transactions": [...]}

    ``transactions`` holds the complete, current Order Transactions record of every new or updated
    order (replace by ``orderId``). The changes are a few new orders, a payment that settles the
    oldest unpaid offline order, and a partial refund (one unit, no shipping) on the most recent
    paid order that still has something to refund. Deterministic for the same store, seed and now.

    Raises
    ------
    ValueError
        When ``now`` is missing or naive, or ``hours`` is not positive.
    """
    if now is None or now.tzinfo is None:
        raise ValueError("advance_store needs an aware datetime 'now'")
    if hours <= 0:
        raise ValueError("hours must be positive")
    profile = _profile_of(store)
    orders = store.get("orders", [])
    rng = random.Random(f"wixqb-demo-advance:{profile}:{seed}:{now.isoformat()}:{len(orders)}")
    now_ms = epoch_ms(now.astimezone(UTC))
    begin_ms = epoch_ms((now - timedelta(hours=hours)).astimezone(UTC))
    txns = {t["orderId"]: t for t in store.get("transactions", [])}
    number = max(
        (int(o["number"]) for o in orders if str(o.get("number", "")).isdigit()), default=FIRST_NUMBER - 1
    )

    ctx = Ctx(profile, People(profile, seed, _pool(len(orders) or 1)))
    new_orders, out_txns = [], []
    count = max(1, round(hours * rng.uniform(2, 5)))
    for k in range(count):
        created = (
            begin_ms
            + (k * (now_ms - begin_ms)) // count
            + rng.randrange(max(1, (now_ms - begin_ms) // count))
        )
        spec = random_spec(ctx, rng)
        spec.refunds = []  # refunds of brand-new orders would be dated after now
        if spec.outcome == "canceled_refunded":
            spec.outcome = "paid"
        order, txn = build(spec, number + 1 + k, created, now_ms, rng, profile)
        new_orders.append(order)
        out_txns.append(txn)

    updated = []
    pay_ms = begin_ms + (now_ms - begin_ms) // 3
    unpaid = next(
        (o for o in orders if o.get("status") == "APPROVED" and o.get("paymentStatus") == "NOT_PAID"), None
    )
    if unpaid is not None:
        order, txn = _settle_unpaid(unpaid, txns.get(unpaid["id"]), rng, pay_ms, profile)
        updated.append(order)
        out_txns.append(txn)
    refund_ms = begin_ms + 2 * (now_ms - begin_ms) // 3
    target = next((o for o in reversed(orders) if _refundable(o, txns.get(o["id"]))), None)
    if target is not None and (unpaid is None or target["id"] != unpaid["id"]):
        order, txn = _refund_one(target, txns[target["id"]], rng, refund_ms, profile)
        updated.append(order)
        out_txns.append(txn)
    return {"new_orders": new_orders, "updated_orders": updated, "transactions": out_txns}


def _money_for(order: dict[str, Any], profile: str) -> Money:
    return Money(0, locale_of(profile, order.get("buyerLanguage", "en")))


def _activity(rng: random.Random, ms: int, body: dict[str, Any]) -> dict[str, Any]:
    return {"id": _txn.new_id(rng), "createdDate": timestamp(ms), **body}


def _settle_unpaid(
    order: dict[str, Any], txn: dict[str, Any] | None, rng: random.Random, ms: int, profile: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    order = copy.deepcopy(order)
    record = copy.deepcopy(txn) if txn else {"orderId": order["id"], "payments": [], "refunds": []}
    m = _money_for(order, profile)
    total = cents_of(order["priceSummary"]["total"]["amount"])
    paid = sum(cents_of(p["amount"]["amount"]) for p in record["payments"])
    record["payments"].append(_txn.regular_payment(rng, "Offline", total - paid, ms, m))
    order["paymentStatus"] = "PAID"
    order["balanceSummary"] = _txn.balance_summary(total, total, 0, "PAID", m)
    order["activities"].append(_activity(rng, ms, {"type": "ORDER_PAID"}))
    order["updatedDate"] = timestamp(ms)
    return order, record


def _refundable(order: dict[str, Any], txn: dict[str, Any] | None) -> bool:
    return (
        order.get("paymentStatus") == "PAID"
        and order.get("status") == "APPROVED"
        and txn is not None
        and any("regularPaymentDetails" in p for p in txn.get("payments", []))
        and any(li.get("quantity", 0) > li.get("refundQuantity", 0) for li in order.get("lineItems", []))
    )


def _refund_one(
    order: dict[str, Any], txn: dict[str, Any], rng: random.Random, ms: int, profile: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    order = copy.deepcopy(order)
    record = copy.deepcopy(txn)
    m = _money_for(order, profile)
    lines = order["lineItems"]
    ship = order.get("shippingInfo", {}).get("cost", {}).get("totalPriceAfterTax")
    state = _txn.Refundable(
        after_tax=[cents_of(li["totalPriceAfterTax"]["amount"]) for li in lines],
        qty=[li["quantity"] for li in lines],
        refunded_qty=[li.get("refundQuantity", 0) for li in lines],
        shipping=cents_of(ship["amount"]) if ship else 0,
        shipping_refunded=False,
        payments=record["payments"],
        remaining=[cents_of(p["amount"]["amount"]) for p in record["payments"]],
    )
    index = next(i for i, li in enumerate(lines) if li["quantity"] > li.get("refundQuantity", 0))
    made = _txn.refund(state, rng, [(index, 1)], False, False, "returned", ms, m)
    assert made is not None
    record["refunds"].append(made)
    total = cents_of(order["priceSummary"]["total"]["amount"])
    refunded = sum(cents_of(t["amount"]["amount"]) for r in record["refunds"] for t in r["transactions"])
    paid = sum(cents_of(p["amount"]["amount"]) for p in record["payments"])
    status = _txn.payment_status(total, paid, refunded, False)
    for li, k in zip(lines, state.refunded_qty, strict=True):
        li["refundQuantity"] = k
    order["paymentStatus"] = status
    order["balanceSummary"] = _txn.balance_summary(total, paid, refunded, status, m)
    order["activities"].extend(_activity(rng, at, body) for at, body in state.events)
    order["updatedDate"] = timestamp(ms)
    return order, record
