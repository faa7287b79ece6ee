"""The Wix side's data: orders, order transactions and catalog products, kept as the dicts Wix sends.

Built for stores of 100,000+ orders: orders are indexed by id, ``createdDate`` and ``updatedDate``
each have a sorted ``(instant, id)`` index (the default and the incremental-sync sorts page by walking
it from the cursor's key), other sorts are materialised once per store version and cached, and each
order's JSON text is cached until the order changes, so a page is served by joining strings.

Thread-safe: uvicorn runs handlers concurrently with admin changes, so every read and write holds
``lock``.
"""

from __future__ import annotations

import bisect
import json
import re
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from wixqb_nb import money
from wixqb_nb.sandbox.wix.query import SortKey, normalize, path_values, sort_value

IndexKey = tuple[datetime, str]
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


_NONCE = "wixqbsbx" + uuid.uuid4().hex
_TOKEN = re.compile(rf'"{_NONCE}([-0-9.E+]+)"')
_MAYBE_FLOAT = re.compile(r"[:,\[]\s*-?\d+(?:\.\d+(?:[eE][-+]?\d+)?|[eE][-+]?\d+)(?=\s*[,}\]])")


def _decimal_token(obj: Any) -> str:
    if isinstance(obj, Decimal) and obj.is_finite():
        return f"{_NONCE}{format(obj, 'f')}"
    raise TypeError(f"cannot serialise {type(obj).__name__} {obj!r}")


def order_text(order: dict[str, Any]) -> str:
    """``money.dumps(order)``, several times faster for a large store.

    The C encoder writes the order; Decimals go through ``default`` as quoted tokens that are then
    unquoted. A float would be written silently by the C encoder, so any unquoted number with a
    fraction or exponent (a float, or a string that merely looks like one) sends the order to
    ``money.dumps``, which refuses real floats.
    """
    text = json.dumps(order, default=_decimal_token)
    if _MAYBE_FLOAT.search(text):
        return money.dumps(order)
    return _TOKEN.sub(r"\1", text) if _NONCE in text else text


def _instant(value: Any) -> datetime:
    if not isinstance(value, str) or not value:
        return EPOCH
    try:
        return datetime.fromisoformat(value).astimezone(UTC)
    except ValueError:
        return EPOCH


class WixStore:
    """Orders, transactions (by order id) and products of one Wix site."""

    INDEXED = ("createdDate", "updatedDate")

    def __init__(
        self,
        orders: Iterable[dict[str, Any]] = (),
        transactions: Iterable[dict[str, Any]] = (),
        products: Iterable[dict[str, Any]] = (),
    ) -> None:
        self.lock = threading.RLock()
        self.version = 0
        self.orders: dict[str, dict[str, Any]] = {}
        self.transactions: dict[str, dict[str, Any]] = {}
        self.products: dict[str, dict[str, Any]] = {}
        self._json: dict[str, str] = {}
        self._text: tuple[int, str] | None = None
        self._index: dict[str, list[IndexKey]] = {f: [] for f in self.INDEXED}
        self._sorted_cache: dict[tuple[tuple[str, bool], ...], tuple[int, list[tuple[SortKey, str]]]] = {}
        self.replace(orders, transactions, products)

    # ---------------------------------------------------------------- loading
    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> WixStore:
        """Build from a store file's content ``{"orders", "transactions", "products"}``."""
        return cls(data.get("orders") or [], data.get("transactions") or [], data.get("products") or [])

    def replace(
        self,
        orders: Iterable[dict[str, Any]],
        transactions: Iterable[dict[str, Any]] = (),
        products: Iterable[dict[str, Any]] = (),
    ) -> None:
        """Replace the whole store."""
        with self.lock:
            self.orders = {}
            for o in orders:
                self.orders[str(o["id"])] = o
            self.transactions = {str(t["orderId"]): t for t in transactions}
            self.products = {str(p["id"]): p for p in products}
            self._json = {}
            for field in self.INDEXED:
                idx = [(_instant(o.get(field)), oid) for oid, o in self.orders.items()]
                idx.sort()
                self._index[field] = idx
            self._changed()

    def _changed(self) -> None:
        self.version += 1
        self._sorted_cache.clear()

    # ---------------------------------------------------------------- writes
    def put_order(self, order: dict[str, Any]) -> None:
        """Add an order, or replace the order with the same id (re-indexing its dates)."""
        with self.lock:
            oid = str(order["id"])
            old = self.orders.get(oid)
            for field in self.INDEXED:
                idx = self._index[field]
                if old is not None:
                    key = (_instant(old.get(field)), oid)
                    pos = bisect.bisect_left(idx, key)
                    if pos < len(idx) and idx[pos] == key:
                        del idx[pos]
                bisect.insort(idx, (_instant(order.get(field)), oid))
            self.orders[oid] = order
            self._json.pop(oid, None)
            self._changed()

    def put_transactions(self, record: dict[str, Any]) -> None:
        """Add or replace the ``orderTransactions`` record of one order."""
        with self.lock:
            self.transactions[str(record["orderId"])] = record
            self._changed()

    def put_product(self, product: dict[str, Any]) -> None:
        """Add or replace a catalog product."""
        with self.lock:
            self.products[str(product["id"])] = product
            self._changed()

    # ---------------------------------------------------------------- reads
    def order_json(self, oid: str) -> str:
        """The order's JSON text, cached until it changes."""
        text = self._json.get(oid)
        if text is None:
            text = order_text(self.orders[oid])
            self._json[oid] = text
        return text

    def transactions_for(self, oid: str) -> dict[str, Any]:
        """The transactions record of an order (empty payments and refunds when it has none)."""
        return self.transactions.get(oid) or {"orderId": oid, "payments": [], "refunds": []}

    def payment_methods(self, oid: str) -> list[Any]:
        """Wix's derived ``paymentMethods`` field: the methods of the order's regular payments."""
        rec = self.transactions.get(oid)
        if not rec:
            return []
        out = []
        for p in rec.get("payments") or []:
            method = (p.get("regularPaymentDetails") or {}).get("paymentMethod")
            if method:
                out.append(method)
        return out

    def to_json_text(self) -> str:
        """The whole store as a store-file JSON text, cached per version.

        Orders are serialised outside the lock (stored orders are replaced, never mutated), so a
        first save of a large store does not hold up requests; saving while only QBO changes
        costs nothing on the Wix side.
        """
        with self.lock:
            if self._text is not None and self._text[0] == self.version:
                return self._text[1]
            version = self.version
            items = list(self.orders.items())
            txs = list(self.transactions.values())
            products = list(self.products.values())
        orders = ",".join(self._text_of(oid, order) for oid, order in items)
        text = f'{{"orders":[{orders}],"transactions":{money.dumps(txs)},"products":{money.dumps(products)}}}'
        with self.lock:
            if self.version == version:
                self._text = (version, text)
        return text

    def _text_of(self, oid: str, order: dict[str, Any]) -> str:
        text = self._json.get(oid)
        if text is not None and self.orders.get(oid) is order:
            return text
        text = order_text(order)
        with self.lock:
            if self.orders.get(oid) is order:
                self._json[oid] = text
        return text

    # ---------------------------------------------------------------- ordered walks
    def walk(
        self,
        sort: list[tuple[str, bool]],
        after: tuple[Any, ...] | None,
        forward: bool = True,
    ) -> Iterator[dict[str, Any]]:
        """Yield orders in ``sort`` order strictly after the key ``after`` (``forward``), or strictly
        before it in reverse order (``not forward``). The id breaks ties, in the last field's direction.

        Keys are tuples of the raw sort values followed by the id (see :meth:`key_of`).
        """
        if len(sort) == 1 and sort[0][0] in self.INDEXED:
            yield from self._walk_index(sort[0][0], sort[0][1], after, forward)
        else:
            yield from self._walk_sorted(sort, after, forward)

    def key_of(self, order: dict[str, Any], sort: list[tuple[str, bool]]) -> list[Any]:
        """The raw cursor key of ``order`` under ``sort``: each field's first raw value, then the id."""
        vals = [next(iter(path_values(order, f.split("."))), None) for f, _ in sort]
        return [*vals, order["id"]]

    def _walk_index(
        self, field: str, desc: bool, after: tuple[Any, ...] | None, forward: bool
    ) -> Iterator[dict[str, Any]]:
        idx = self._index[field]
        ascending = forward != desc
        if after is None:
            pos = 0 if ascending else len(idx) - 1
        else:
            key = (_instant(after[0]), str(after[1]))
            pos = bisect.bisect_right(idx, key) if ascending else bisect.bisect_left(idx, key) - 1
        step = 1 if ascending else -1
        while 0 <= pos < len(idx):
            oid = idx[pos][1]
            pos += step
            order = self.orders.get(oid)
            if order is not None:
                yield order

    def _walk_sorted(
        self, sort: list[tuple[str, bool]], after: tuple[Any, ...] | None, forward: bool
    ) -> Iterator[dict[str, Any]]:
        spec = tuple(sort)
        cached = self._sorted_cache.get(spec)
        if cached is None or cached[0] != self.version:
            desc = tuple(d for _, d in sort) + (sort[-1][1] if sort else False,)
            keyed = [
                (SortKey(tuple(sort_value(o, f) for f, _ in sort) + (oid,), desc), oid)
                for oid, o in self.orders.items()
            ]
            keyed.sort(key=lambda kv: kv[0])
            cached = (self.version, keyed)
            self._sorted_cache[spec] = cached
        keyed = cached[1]
        keys = [k for k, _ in keyed]
        if after is None:
            pos = 0 if forward else len(keyed) - 1
        else:
            desc = tuple(d for _, d in sort) + (sort[-1][1] if sort else False,)
            norm = tuple(normalize(f, v) for (f, _), v in zip(sort, after[:-1], strict=True))
            probe = SortKey(norm + (str(after[-1]),), desc)
            pos = bisect.bisect_right(keys, probe) if forward else bisect.bisect_left(keys, probe) - 1
        step = 1 if forward else -1
        while 0 <= pos < len(keyed):
            order = self.orders.get(keyed[pos][1])
            pos += step
            if order is not None:
                yield order

    def search(
        self,
        predicate: Callable[[dict[str, Any]], bool],
        sort: list[tuple[str, bool]],
        limit: int,
        after: tuple[Any, ...] | None = None,
        before: tuple[Any, ...] | None = None,
    ) -> tuple[list[dict[str, Any]], bool, bool]:
        """One page of matching orders: ``(orders, has_next, has_prev)``.

        ``after`` pages forward from a key (next cursor), ``before`` backward (prev cursor).
        """
        with self.lock:
            if before is not None:
                back = self._take(self.walk(sort, before, forward=False), predicate, limit + 1)
                has_prev = len(back) > limit
                page = list(reversed(back[:limit]))
                has_next = True
                return page, has_next, has_prev
            items = self._take(self.walk(sort, after, forward=True), predicate, limit + 1)
            has_next = len(items) > limit
            page = items[:limit]
            has_prev = False
            if after is not None and page:
                first = tuple(self.key_of(page[0], sort))
                has_prev = bool(self._take(self.walk(sort, first, forward=False), predicate, 1))
            return page, has_next, has_prev

    @staticmethod
    def _take(
        it: Iterator[dict[str, Any]], predicate: Callable[[dict[str, Any]], bool], n: int
    ) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for order in it:
            if predicate(order):
                out.append(order)
                if len(out) >= n:
                    break
        return out
