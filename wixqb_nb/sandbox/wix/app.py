"""The Wix REST endpoints, mounted under ``/wix`` (so ``…/wix/ecom/v1/orders/search``).

Shapes follow wix_api.md §2, §3, §5 and §7: search with cursor paging, get order, order
transactions (single and by ids), Stores v1 product query and get; raw API-key auth with the
``wix-site-id`` header; Wix's error bodies; a per-site rate limit.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from wixqb_nb import money
from wixqb_nb.sandbox.wix.products import query_products
from wixqb_nb.sandbox.wix.query import ORDER_FILTERS, ORDER_SORTS, QueryError, compile_filter, parse_sort
from wixqb_nb.sandbox.wix.ratelimit import SlidingWindowLimiter
from wixqb_nb.sandbox.wix.store import WixStore

JSON = "application/json"
DEFAULT_SORT = [{"fieldName": "createdDate", "order": "DESC"}]
MAX_LIMIT = 100
MAX_IDS = 100


@dataclass
class WixSite:
    """What the Wix endpoints serve: the store, the credentials that open it and the rate limit."""

    store: WixStore
    site_id: str
    api_key: str
    limiter: SlidingWindowLimiter | None = None
    requests: int = field(default=0)


def error(status: int, code: str, message: str, description: str | None = None) -> Response:
    """Wix's application error body: ``{"message", "details": {"applicationError": {...}}}``."""
    body = {
        "message": message,
        "details": {"applicationError": {"code": code, "description": description or message, "data": {}}},
    }
    return Response(json.dumps(body), status_code=status, media_type=JSON)


def validation_error(message: str, field_name: str = "") -> Response:
    """Wix's 400 validation error body with one field violation."""
    violation = {"field": field_name, "description": message, "violatedRule": "INVALID_ARGUMENT", "data": {}}
    body = {"message": message, "details": {"validationError": {"fieldViolations": [violation]}}}
    return Response(json.dumps(body), status_code=400, media_type=JSON)


def _json_response(text: str) -> Response:
    return Response(text, media_type=JSON)


async def _body(request: Request) -> Any:
    raw = await request.body()
    if not raw.strip():
        return {}
    return money.loads(raw)


def encode_cursor(state: dict[str, Any]) -> str:
    """An opaque cursor carrying the query and the key to continue from (stable while orders change)."""
    return base64.urlsafe_b64encode(money.dumps(state).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> dict[str, Any]:
    """Inverse of :func:`encode_cursor`; raises :class:`QueryError` on anything else."""
    try:
        data = money.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error) as exc:
        raise QueryError("invalid cursor", "search.cursorPaging.cursor") from exc
    if not isinstance(data, dict) or "s" not in data:
        raise QueryError("invalid cursor", "search.cursorPaging.cursor")
    return data


def _limit(paging: dict[str, Any]) -> int:
    limit = paging.get("limit", MAX_LIMIT)
    if isinstance(limit, str) and limit.isdigit():
        limit = int(limit)
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_LIMIT:
        raise QueryError(f"cursorPaging.limit must be between 1 and {MAX_LIMIT}", "search.cursorPaging.limit")
    return limit


def search_orders(site: WixSite, body: Any) -> str:
    """Run a Search Orders body and return the response JSON text."""
    if not isinstance(body, dict):
        raise QueryError("body must be an object")
    search = body.get("search") or {}
    if not isinstance(search, dict):
        raise QueryError("search must be an object", "search")
    paging = search.get("cursorPaging") or search.get("cursor_paging") or {}
    limit = _limit(paging)
    cursor = paging.get("cursor")
    after = before = None
    if cursor:
        if search.get("filter") or search.get("sort"):
            raise QueryError(
                "cursorPaging.cursor cannot be used with 'filter' or 'sort'", "search.cursorPaging"
            )
        state = decode_cursor(str(cursor))
        flt, sort_raw = state.get("f"), state["s"]
        after = tuple(state["a"]) if state.get("a") is not None else None
        before = tuple(state["b"]) if state.get("b") is not None else None
    else:
        flt, sort_raw = search.get("filter"), search.get("sort") or DEFAULT_SORT
    sort = parse_sort(sort_raw, ORDER_SORTS)
    store = site.store
    needs_methods = "paymentMethods" in money.dumps(flt) if flt else False

    def extra(order: dict[str, Any]) -> dict[str, list[Any]]:
        return {"paymentMethods": store.payment_methods(order["id"])}

    user_pred = compile_filter(flt, ORDER_FILTERS, extra if needs_methods else None)

    def visible(order: dict[str, Any]) -> bool:
        return order.get("status") != "INITIALIZED" and user_pred(order)

    with store.lock:
        page, has_next, has_prev = store.search(visible, sort, limit, after=after, before=before)
        texts = [store.order_json(o["id"]) for o in page]
        cursors: dict[str, str] = {}
        if page and has_next:
            cursors["next"] = encode_cursor({"f": flt, "s": sort_raw, "a": store.key_of(page[-1], sort)})
        if page and has_prev:
            cursors["prev"] = encode_cursor({"f": flt, "s": sort_raw, "b": store.key_of(page[0], sort)})
    meta = {"count": len(page), "cursors": cursors, "hasNext": bool(page) and has_next}
    return '{"orders":[' + ",".join(texts) + '],"metadata":' + json.dumps(meta) + "}"


Handler = Callable[[Request], Awaitable[Response]]


def build_wix_app(site: WixSite) -> Starlette:
    """The ASGI app for ``/wix``: every route checks auth and the rate limit first."""

    def guarded(handler: Handler) -> Handler:
        async def run(request: Request) -> Response:
            denied = _check_auth(site, request)
            if denied is not None:
                return denied
            site.requests += 1
            try:
                return await handler(request)
            except QueryError as exc:
                return validation_error(str(exc), exc.field)
            except ValueError as exc:  # malformed JSON body
                return validation_error(f"invalid request body: {exc}")

        return run

    async def search(request: Request) -> Response:
        return _json_response(search_orders(site, await _body(request)))

    async def get_order(request: Request) -> Response:
        oid = request.path_params["id"]
        with site.store.lock:
            if oid not in site.store.orders:
                return error(404, "NOT_FOUND", f"Order with id {oid} not found")
            return _json_response('{"order":' + site.store.order_json(oid) + "}")

    async def order_payments(request: Request) -> Response:
        oid = request.path_params["order_id"]
        with site.store.lock:
            if oid not in site.store.orders and oid not in site.store.transactions:
                return error(404, "NOT_FOUND", f"Order with id {oid} not found")
            record = site.store.transactions_for(oid)
            return _json_response(money.dumps({"orderTransactions": record}))

    async def payments_by_ids(request: Request) -> Response:
        body = await _body(request)
        ids = body.get("orderIds") if isinstance(body, dict) else None
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise QueryError("orderIds must be a list of order ids", "orderIds")
        if not 1 <= len(ids) <= MAX_IDS:
            raise QueryError(f"orderIds must hold 1 to {MAX_IDS} ids", "orderIds")
        store = site.store
        with store.lock:
            found = [store.transactions_for(i) for i in ids if i in store.orders or i in store.transactions]
            return _json_response(money.dumps({"orderTransactions": found}))

    async def products_query(request: Request) -> Response:
        with site.store.lock:
            result = query_products(list(site.store.products.values()), await _body(request))
            return _json_response(money.dumps(result))

    async def get_product(request: Request) -> Response:
        pid = request.path_params["id"]
        with site.store.lock:
            product = site.store.products.get(pid)
            if product is None:
                return error(404, "NOT_FOUND", f"Product with id {pid} not found")
            return _json_response(money.dumps({"product": product}))

    routes = [
        Route("/ecom/v1/orders/search", guarded(search), methods=["POST"]),
        Route("/ecom/v1/orders/{id}", guarded(get_order), methods=["GET"]),
        Route("/ecom/v1/payments/orders/{order_id}", guarded(order_payments), methods=["GET"]),
        Route("/ecom/v1/payments/list-by-ids", guarded(payments_by_ids), methods=["POST"]),
        Route("/stores/v1/products/query", guarded(products_query), methods=["POST"]),
        Route("/stores/v1/products/{id}", guarded(get_product), methods=["GET"]),
    ]
    return Starlette(routes=routes)


def _check_auth(site: WixSite, request: Request) -> Response | None:
    key = request.headers.get("authorization", "").strip()
    if not key:
        return error(401, "UNAUTHENTICATED", "Missing Authorization header")
    if key != site.api_key:
        return error(401, "UNAUTHENTICATED", "Invalid API key or access token")
    if request.headers.get("wix-site-id", "") != site.site_id:
        return error(
            403,
            "PERMISSION_DENIED",
            "The API key has no access to this site",
            "wix-site-id is missing or names a site this key cannot access",
        )
    if site.limiter is not None and not site.limiter.hit(site.site_id):
        return error(429, "RESOURCE_EXHAUSTED", "Too many requests", "rate limit of 200 requests/minute")
    return None
