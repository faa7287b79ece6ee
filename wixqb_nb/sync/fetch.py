"""Fetching what changed in Wix since the last run: orders, then the transactions of those that need planning.

One search (``updatedDate >= watermark``, sorted ascending, every page) finds the orders Wix
changed. An order the ledger already handled at the same ``updatedDate`` is dropped without any
further request (the watermark is inclusive, so the newest order of the last run comes back every
time). Orders the ledger says still need work (half-posted, retried, or with open errors after a
configuration change) are read by id. Transactions are fetched only for the orders left to plan,
so a run over an unchanged store costs exactly one request.

Memory: the search's pages are not kept as models. Each page is parsed once (to learn each order's
id and ``updatedDate`` and to refuse the orders the models cannot read), then kept as its raw
dicts, pickled and compressed (about 0.75 KB an order against some 45 KB for the parsed models),
and :class:`OrderStream` parses the orders again, a page at a time, each time the run walks them.
Planning walks them once and keeps only the plans, so a dry run of 100,000 orders holds the plans
and a page of models rather than every model at once (docs/BENCHMARKS.md).
"""

from __future__ import annotations

import datetime as dt
import itertools
import pickle
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from wixqb_nb.clients.wix import InvalidOrder, InvalidOrderError, WixClient, parse_order_page
from wixqb_nb.config import Config
from wixqb_nb.errors import NotFoundError
from wixqb_nb.models.wix import Order, OrderTransactions
from wixqb_nb.sync.ledger import Ledger

Progress = Callable[[str, int, int | None], None]
#: States of orders that need nothing more unless Wix changes them (errors wait for a fix or a retry).
DONE_STATES = ("posted", "skipped", "error", "undone")


class OrderStream:
    """The orders a run plans, held compactly and parsed again (page by page) on each walk.

    Search-page orders are stored as their page's raw dicts, pickled and zlib-compressed (pickle
    keeps the Decimals exactly and is only ever read back from bytes made in this process), plus
    the position of each kept order; orders read by id are few and kept as models. Iterating
    yields the orders in the order they were added, each walk building fresh models that the
    caller may drop as it goes.
    """

    def __init__(self) -> None:
        self._pages: list[bytes | None] = []
        #: (page index, position in page) of each kept search order, or (-1, i) for ``_models[i]``
        self._refs: list[tuple[int, int]] = []
        self._ids: list[str] = []
        self._models: list[Order] = []

    def add_page(self, raws: list[dict[str, Any]]) -> int:
        """Store one search page (its orders are kept only once :meth:`keep` names them)."""
        self._pages.append(zlib.compress(pickle.dumps(raws, pickle.HIGHEST_PROTOCOL), 1))
        return len(self._pages) - 1

    def keep(self, order_id: str, page: int, position: int) -> None:
        """Keep the order at ``position`` of stored page ``page``."""
        self._refs.append((page, position))
        self._ids.append(order_id)

    def add_models(self, orders: Iterable[Order]) -> None:
        """Keep orders already parsed (those read by id)."""
        for order in orders:
            self._refs.append((-1, len(self._models)))
            self._ids.append(order.id)
            self._models.append(order)

    def drop_unused_pages(self) -> None:
        """Forget the stored pages no kept order comes from."""
        used = {page for page, _ in self._refs}
        self._pages = [p if i in used else None for i, p in enumerate(self._pages)]

    @property
    def ids(self) -> list[str]:
        """The kept orders' ids, in order (without parsing anything)."""
        return list(self._ids)

    def __len__(self) -> int:
        return len(self._refs)

    def __bool__(self) -> bool:
        return bool(self._refs)

    def __iter__(self) -> Iterator[Order]:
        for page, group in itertools.groupby(self._refs, key=lambda ref: ref[0]):
            positions = [pos for _, pos in group]
            if page < 0:
                yield from (self._models[pos] for pos in positions)
                continue
            blob = self._pages[page]
            assert blob is not None, "a kept order's page was dropped"
            raws: list[dict[str, Any]] = pickle.loads(zlib.decompress(blob))
            parsed = parse_order_page(raws[pos] for pos in positions)
            del raws
            for item in parsed:
                if isinstance(item, InvalidOrderError):  # pragma: no cover - it parsed the first time
                    raise item
                yield item


@dataclass
class Fetched:
    """The orders a run plans, with their transactions, and how far the watermark may move."""

    orders: OrderStream
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
    out = Fetched(orders=OrderStream(), transactions={}, since=since, until=until)

    def tick(n: int) -> None:
        if on_progress is not None:
            on_progress("fetch", n, None)

    # id -> (page, position, updatedDate, its ledger text); models read by id have page -1
    candidates: dict[str, tuple[int, int, dt.datetime | None, str]] = {}
    by_id: list[Order] = []
    if order_ids:
        by_id = _by_ids(wix, order_ids, out)
        for i, order in enumerate(by_id):
            candidates[order.id] = (-1, i, _updated(order), updated_text(order))
        forced = True
    else:
        search = wix.orders_search(updated_since=since, updated_until=until)
        for raws in wix.iter_order_pages(search):
            page: int | None = None
            for pos, parsed in enumerate(parse_order_page(raws)):
                if isinstance(parsed, InvalidOrderError):
                    out.invalid.append(parsed.invalid)
                else:
                    if page is None:
                        page = out.orders.add_page(raws)
                    # an order updated while the pages are read comes back on a later page too:
                    # keep its newest version (in the place it was first seen)
                    candidates[parsed.id] = (page, pos, _updated(parsed), updated_text(parsed))
                tick(1)
            del raws
        forced = False
    out.seen = len(candidates)
    for _, _, when, _ in candidates.values():
        if when is not None and (out.max_updated is None or when > out.max_updated):
            out.max_updated = when
    known = ledger.orders(candidates)
    for oid, (page, pos, _, text) in candidates.items():
        row = known.get(oid)
        if oid in ignored and oid not in order_ids:
            out.ignored.append(oid)
        elif not forced and row is not None and row.state in DONE_STATES and row.updated_date == text:
            out.unchanged += 1
        elif page < 0:
            out.orders.add_models([by_id[pos]])
        else:
            out.orders.keep(oid, page, pos)
    if not order_ids:
        extra = [
            i for i in ledger.orders_needing_work(include_open=include_open_errors) if i not in candidates
        ]
        out.orders.add_models(_by_ids(wix, extra, out))
    out.orders.drop_unused_pages()
    if out.orders:
        out.transactions = wix.transactions_for(out.orders.ids, on_progress=tick)
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
