"""Fetching what changed in Wix since the last run: orders, then the transactions of those that need planning.

One search (``updatedDate >= watermark``, sorted ascending, every page) finds the orders Wix
changed. An order the ledger already handled at the same ``updatedDate`` is dropped without any
further request (the watermark is inclusive, so the newest order of the last run comes back every
time). Orders the ledger says still need work (half-posted, retried, or with open errors after a
configuration change) are read by id. Transactions are fetched only for the orders left to plan,
so a run over an unchanged store costs exactly one request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from wixqb_nb.clients.wix import InvalidOrder, InvalidOrderError, WixClient
from wixqb_nb.config import Config
from wixqb_nb.errors import NotFoundError
from wixqb_nb.models.wix import Order, OrderTransactions
from wixqb_nb.sync.ledger import Ledger

Progress = Callable[[str, int, int | None], None]
#: States of orders that need nothing more unless Wix changes them (errors wait for a fix or a retry).
DONE_STATES = ("posted", "skipped", "error", "undone")


@dataclass
class Fetched:
    """The orders a run plans, with their transactions, and how far the watermark may move."""

    orders: list[Order]
    transactions: dict[str, OrderTransactions]
    since: dt.datetime
    until: dt.datetime | None
    seen: int = 0
    unchanged: int = 0
    ignored: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    #: orders Wix returned that the models refuse; each becomes an error of that order only
    invalid: list[InvalidOrder] = field(default_factory=list)
    max_updated: dt.datetime | None = None


def first_watermark(config: Config) -> dt.datetime:
    """Where the first run starts: ``general.start_date`` at 00:00 in the account's time zone (as UTC)."""
    start = config.general.start_date
    if start is None:
        return dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    local = dt.datetime.combine(start, dt.time(0, 0), tzinfo=ZoneInfo(config.general.time_zone))
    return local.astimezone(dt.UTC)


def _updated(order: Order) -> dt.datetime | None:
    when = order.updated_date
    if when is None:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def updated_text(order: Order) -> str:
    """The order's ``updatedDate`` as the ledger stores it (ISO, UTC, milliseconds)."""
    when = _updated(order)
    return when.astimezone(dt.UTC).isoformat(timespec="milliseconds") if when else ""


def fetch_changes(
    wix: WixClient,
    ledger: Ledger,
    *,
    since: dt.datetime,
    until: dt.datetime | None = None,
    order_ids: Sequence[str] = (),
    include_open_errors: bool = False,
    on_progress: Progress | None = None,
) -> Fetched:
    """The orders to plan this run (see the module docstring) and their transactions.

    ``order_ids`` limits the run to those orders, read by id and planned even when unchanged.
    """
    ignored = ledger.ignored_orders()
    out = Fetched(orders=[], transactions={}, since=since, until=until)

    def tick(n: int) -> None:
        if on_progress is not None:
            on_progress("fetch", n, None)

    if order_ids:
        candidates = _by_ids(wix, order_ids, out)
        forced = True
    else:
        found = wix.iter_orders(
            updated_since=since, updated_until=until, on_progress=tick, on_invalid=out.invalid.append
        )
        # an order updated while the pages are read comes back on a later page too: keep its newest version
        candidates = list({o.id: o for o in found}.values())
        forced = False
    out.seen = len(candidates)
    for order in candidates:
        when = _updated(order)
        if when is not None and (out.max_updated is None or when > out.max_updated):
            out.max_updated = when
    known = ledger.orders(o.id for o in candidates)
    for order in candidates:
        row = known.get(order.id)
        if order.id in ignored and order.id not in order_ids:
            out.ignored.append(order.id)
        elif (
            not forced
            and row is not None
            and row.state in DONE_STATES
            and row.updated_date == updated_text(order)
        ):
            out.unchanged += 1
        else:
            out.orders.append(order)
    if not order_ids:
        have = {o.id for o in candidates}
        extra = [i for i in ledger.orders_needing_work(include_open=include_open_errors) if i not in have]
        out.orders += _by_ids(wix, extra, out)
    if out.orders:
        out.transactions = wix.transactions_for([o.id for o in out.orders], on_progress=tick)
    return out


def _by_ids(wix: WixClient, ids: Iterable[str], out: Fetched) -> list[Order]:
    found: list[Order] = []
    for oid in dict.fromkeys(ids):
        try:
            found.append(wix.get_order(oid))
        except NotFoundError:
            out.missing.append(oid)
        except InvalidOrderError as exc:
            out.invalid.append(exc.invalid)
    return found
