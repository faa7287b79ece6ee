"""The sandbox's admin side: change the Wix store over time, inspect and steer the QBO company.

:class:`Admin` holds the operations; :func:`build_admin_app` serves them as JSON endpoints under
``/_sandbox/`` and :class:`~wixqb_nb.sandbox.server.SandboxServer` calls the same methods from Python,
so the two never drift apart.

Endpoints (bodies and answers are JSON):

=======  ===============================================  ==========================================
GET      /_sandbox/health                                 status, order count, clock
GET      /_sandbox/credentials                            the demo credentials
GET      /_sandbox/wix/store                              the whole store file
PUT      /_sandbox/wix/store                              replace the store ``{orders, transactions, products}``
POST     /_sandbox/wix/orders                             add or replace orders (+ transactions, products)
POST     /_sandbox/wix/orders/{id}/payments               ``{amount?, method?, giftCard?, paymentId?}``
POST     /_sandbox/wix/orders/{id}/refunds                ``{amount?, items?, shippingIncluded?, reason?, paymentId?}``
POST     /_sandbox/wix/orders/{id}/cancel                 cancel the order
POST     /_sandbox/wix/orders/{id}/edit                   ``{lineItemId, quantity?, price?}``
POST     /_sandbox/wix/orders/{id}/touch                  bump ``updatedDate``
POST     /_sandbox/wix/advance                            ``{hours?, seed?}``: new orders, a payment, a refund
POST     /_sandbox/clock                                  ``{offsetSeconds}`` or ``{advanceSeconds}``
GET      /_sandbox/qbo/dump[?entity=Invoice]              the QBO company's entities
POST     /_sandbox/qbo/faults                             the QBO fault configuration
POST     /_sandbox/qbo/tokens                             issue fresh demo tokens; answers the credentials
POST     /_sandbox/reset                                  rebuild the store and the company from the options
=======  ===============================================  ==========================================
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from wixqb_nb import money
from wixqb_nb.sandbox.state import SandboxState, load_store
from wixqb_nb.sandbox.wix import changes
from wixqb_nb.sandbox.wix.changes import ChangeError


class UnknownOrder(LookupError):
    """The admin call names an order the store does not have."""


class Admin:
    """Operations on a :class:`SandboxState`; each records that the state changed."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state

    # ------------------------------------------------------------- reading
    def health(self) -> dict[str, Any]:
        store = self.state.wix.store
        return {
            "status": "ok",
            "orders": len(store.orders),
            "products": len(store.products),
            "now": changes.iso(self.state.clock.now()),
            "profile": self.state.options.profile,
            "realm_id": self.state.qbo.realm_id,
            "wix_requests": self.state.wix.requests,
        }

    def credentials(self) -> dict[str, str]:
        return self.state.credentials.to_json()

    def dump_qbo(self, entity: str | None = None) -> dict[str, Any]:
        return self.state.qbo.dump(entity)

    def issue_tokens(self) -> dict[str, str]:
        """A fresh QBO token pair for the demo client; the credentials report it from now on."""
        self.state.qbo.issue_tokens()
        self.state.touch()
        return self.credentials()

    # ------------------------------------------------------------- the Wix store
    def load_store(self, data: dict[str, Any]) -> dict[str, Any]:
        """Replace the whole Wix store with a store file's content."""
        if not isinstance(data, dict) or not isinstance(data.get("orders", []), list):
            raise ValueError("a store is {orders: [...], transactions: [...], products: [...]}")
        self.state.wix.store.replace(
            data.get("orders") or [], data.get("transactions") or [], data.get("products") or []
        )
        self.state.touch()
        return {"orders": len(self.state.wix.store.orders)}

    def add_orders(
        self,
        orders: list[dict[str, Any]],
        transactions: list[dict[str, Any]] | None = None,
        products: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """Add orders (an existing id is replaced), their transactions records and products."""
        store = self.state.wix.store
        for o in orders:
            if not isinstance(o, dict) or not o.get("id"):
                raise ValueError("every order needs an id")
        with store.lock:
            for o in orders:
                store.put_order(o)
            for t in transactions or []:
                store.put_transactions(t)
            for p in products or []:
                store.put_product(p)
        self.state.touch()
        return {"orders": len(store.orders), "added": len(orders)}

    def _order(self, oid: str) -> tuple[dict[str, Any], dict[str, Any] | None]:
        store = self.state.wix.store
        order = store.orders.get(oid)
        if order is None:
            raise UnknownOrder(oid)
        return order, store.transactions.get(oid)

    def _commit(self, order: dict[str, Any], record: dict[str, Any] | None = None) -> dict[str, Any]:
        store = self.state.wix.store
        with store.lock:
            store.put_order(order)
            if record is not None:
                store.put_transactions(record)
        self.state.touch()
        return order

    def add_payment(
        self,
        order_id: str,
        amount: Any = None,
        method: str = "CreditCard",
        gift_card: bool = False,
        payment_id: str | None = None,
    ) -> dict[str, Any]:
        """Pay an order (default: its balance due); returns the changed order."""
        with self.state.wix.store.lock:
            order, record = self._order(order_id)
            new, rec = changes.add_payment(
                order,
                record,
                self.state.clock.now(),
                amount=amount,
                method=method,
                gift_card=gift_card,
                payment_id=payment_id,
            )
            return self._commit(new, rec)

    def add_refund(
        self,
        order_id: str,
        amount: Any = None,
        items: list[dict[str, Any]] | None = None,
        shipping_included: bool = False,
        reason: str | None = None,
        payment_id: str | None = None,
    ) -> dict[str, Any]:
        """Refund an order (default: all that is refundable); returns the changed order."""
        with self.state.wix.store.lock:
            order, record = self._order(order_id)
            new, rec = changes.add_refund(
                order,
                record,
                self.state.clock.now(),
                amount=amount,
                items=items,
                shipping_included=shipping_included,
                reason=reason,
                payment_id=payment_id,
            )
            return self._commit(new, rec)

    def cancel_order(self, order_id: str) -> dict[str, Any]:
        with self.state.wix.store.lock:
            order, _ = self._order(order_id)
            return self._commit(changes.cancel(order, self.state.clock.now()))

    def edit_order(
        self, order_id: str, line_id: str, quantity: int | None = None, price: Any = None
    ) -> dict[str, Any]:
        """Change one line's quantity and/or unit price; returns the changed order."""
        with self.state.wix.store.lock:
            order, record = self._order(order_id)
            new, rec = changes.edit_line(
                order, record, self.state.clock.now(), line_id=line_id, quantity=quantity, price=price
            )
            return self._commit(new, rec)

    def touch_order(self, order_id: str) -> dict[str, Any]:
        with self.state.wix.store.lock:
            order, _ = self._order(order_id)
            return self._commit(changes.touch(order, self.state.clock.now()))

    def advance(self, hours: float = 1.0, seed: int | None = None) -> dict[str, Any]:
        """Let the store live for ``hours`` up to now: a few new orders, a payment, a refund.

        Uses the demo generator's ``advance_store`` (what the demo's second run syncs).
        """
        try:
            from wixqb_nb.sandbox.demo import advance_store
        except ImportError as exc:  # pragma: no cover - the generator ships with the package
            raise ValueError("the demo generator is not installed") from exc
        store = self.state.wix.store
        with store.lock:
            snapshot = {
                "orders": list(store.orders.values()),
                "transactions": list(store.transactions.values()),
            }
            delta = advance_store(
                snapshot,
                seed if seed is not None else self.state.options.seed,
                hours=float(hours),
                now=self.state.clock.now(),
            )
            for order in [*delta.get("new_orders", []), *delta.get("updated_orders", [])]:
                store.put_order(order)
            for record in delta.get("transactions", []):
                store.put_transactions(record)
        self.state.touch()
        return {
            "new_orders": [o["id"] for o in delta.get("new_orders", [])],
            "updated_orders": [o["id"] for o in delta.get("updated_orders", [])],
        }

    # ------------------------------------------------------------- clock, faults, reset
    def set_clock(self, offset_s: float | None = None, advance_s: float | None = None) -> dict[str, Any]:
        """Set the clock's offset from real time, or move it forward; returns the new "now"."""
        if offset_s is not None:
            self.state.clock.offset_s = float(offset_s)
        if advance_s is not None:
            self.state.clock.offset_s += float(advance_s)
        self.state.touch()
        offset = Decimal(repr(self.state.clock.offset_s))  # money.dumps refuses floats
        return {"now": changes.iso(self.state.clock.now()), "offsetSeconds": offset}

    def set_faults(self, config: dict[str, Any]) -> dict[str, Any]:
        result = self.state.qbo.set_faults(config)
        self.state.touch()
        return result

    def reset(self) -> dict[str, Any]:
        """Rebuild the store and the QBO company from the options the sandbox was started with."""
        data = load_store(self.state.options)
        self.load_store(data)
        self.state.qbo.reset()
        self.state.clock.offset_s = 0.0
        if self.state.wix.limiter is not None:
            self.state.wix.limiter.reset()
        self.state.touch()
        return self.health()


Handler = Callable[[Request], Awaitable[Any]]


def _json(obj: Any, status: int = 200) -> Response:
    return Response(money.dumps(obj), status_code=status, media_type="application/json")


async def _body(request: Request) -> Any:
    raw = await request.body()
    return money.loads(raw) if raw.strip() else {}


def build_admin_app(admin: Admin) -> Starlette:
    """The ASGI app for ``/_sandbox``."""

    def endpoint(fn: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def run(request: Request) -> Response:
            try:
                result = await fn(request)
            except UnknownOrder as exc:
                return _json({"error": f"no order {exc.args[0]}"}, 404)
            except (ChangeError, ValueError, TypeError, KeyError) as exc:
                return _json({"error": str(exc)}, 400)
            if isinstance(result, Response):
                return result
            return _json(result)

        return run

    async def health(_r: Request) -> Any:
        return admin.health()

    async def credentials(_r: Request) -> Any:
        return admin.credentials()

    async def get_store(_r: Request) -> Any:
        return Response(admin.state.wix.store.to_json_text(), media_type="application/json")

    async def put_store(r: Request) -> Any:
        return admin.load_store(await _body(r))

    async def add_orders(r: Request) -> Any:
        b = await _body(r)
        orders = b if isinstance(b, list) else b.get("orders", [])
        txs = None if isinstance(b, list) else b.get("transactions")
        return admin.add_orders(orders, txs, None if isinstance(b, list) else b.get("products"))

    async def pay(r: Request) -> Any:
        b = await _body(r)
        return {
            "order": admin.add_payment(
                r.path_params["id"],
                b.get("amount"),
                b.get("method", "CreditCard"),
                bool(b.get("giftCard")),
                b.get("paymentId"),
            )
        }

    async def refund(r: Request) -> Any:
        b = await _body(r)
        return {
            "order": admin.add_refund(
                r.path_params["id"],
                b.get("amount"),
                b.get("items"),
                bool(b.get("shippingIncluded")),
                b.get("reason"),
                b.get("paymentId"),
            )
        }

    async def cancel(r: Request) -> Any:
        return {"order": admin.cancel_order(r.path_params["id"])}

    async def edit(r: Request) -> Any:
        b = await _body(r)
        return {
            "order": admin.edit_order(r.path_params["id"], b["lineItemId"], b.get("quantity"), b.get("price"))
        }

    async def touch(r: Request) -> Any:
        return {"order": admin.touch_order(r.path_params["id"])}

    async def advance(r: Request) -> Any:
        b = await _body(r)
        return admin.advance(float(b.get("hours", 1)), b.get("seed"))

    async def clock(r: Request) -> Any:
        b = await _body(r)
        return admin.set_clock(b.get("offsetSeconds"), b.get("advanceSeconds"))

    async def dump(r: Request) -> Any:
        return admin.dump_qbo(r.query_params.get("entity"))

    async def tokens(_r: Request) -> Any:
        return admin.issue_tokens()

    async def faults(r: Request) -> Any:
        return admin.set_faults(await _body(r))

    async def reset(_r: Request) -> Any:
        return admin.reset()

    routes = [
        Route("/health", endpoint(health), methods=["GET"]),
        Route("/credentials", endpoint(credentials), methods=["GET"]),
        Route("/wix/store", endpoint(get_store), methods=["GET"]),
        Route("/wix/store", endpoint(put_store), methods=["PUT", "POST"]),
        Route("/wix/orders", endpoint(add_orders), methods=["POST"]),
        Route("/wix/orders/{id}/payments", endpoint(pay), methods=["POST"]),
        Route("/wix/orders/{id}/refunds", endpoint(refund), methods=["POST"]),
        Route("/wix/orders/{id}/cancel", endpoint(cancel), methods=["POST"]),
        Route("/wix/orders/{id}/edit", endpoint(edit), methods=["POST"]),
        Route("/wix/orders/{id}/touch", endpoint(touch), methods=["POST"]),
        Route("/wix/advance", endpoint(advance), methods=["POST"]),
        Route("/clock", endpoint(clock), methods=["POST"]),
        Route("/qbo/dump", endpoint(dump), methods=["GET"]),
        Route("/qbo/faults", endpoint(faults), methods=["POST"]),
        Route("/qbo/tokens", endpoint(tokens), methods=["POST"]),
        Route("/reset", endpoint(reset), methods=["POST"]),
    ]
    return Starlette(routes=routes)
