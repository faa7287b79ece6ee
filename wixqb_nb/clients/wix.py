"""Wix REST client: eCom orders (cursor paging), order transactions, Stores products.

Auth is an API key plus site id (``Authorization: <key>``, ``wix-site-id``), or for a Wix app the
OAuth client-credentials token (:class:`WixAppToken`), minted at ``POST /oauth2/token`` and cached for
less than its 4 hours. Every list follows its pages to the end (G5); orders come sorted by
``updatedDate`` ascending so a watermark can move forward safely.
"""

from __future__ import annotations

import datetime as dt
import gc
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from pydantic import ValidationError

from wixqb_nb import errors, money
from wixqb_nb.clients._http import DEFAULT_TIMEOUT, HttpCore, RetryPolicy
from wixqb_nb.clients._log import register_secret
from wixqb_nb.models.wix import Order, OrderTransactions, Product


@dataclass(frozen=True)
class InvalidOrder:
    """A Wix order the models refuse: which order, which field and why (for the ledger and report)."""

    order_id: str
    number: str
    updated_date: str
    field: str
    message: str


class InvalidOrderError(errors.ApiDecodeError):
    """Raised when an order from Wix cannot be read into the models (see :class:`InvalidOrder`)."""

    def __init__(self, invalid: InvalidOrder) -> None:
        super().__init__(
            f"Wix order {invalid.number or invalid.order_id}: {invalid.field}: {invalid.message}",
            service="wix",
        )
        self.invalid = invalid


def parse_order(raw: Any) -> Order:
    """Read one Wix order dict into the model, or raise :class:`InvalidOrderError` naming the field."""
    try:
        return Order.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "(order)"
        raw_d = raw if isinstance(raw, dict) else {}
        invalid = InvalidOrder(
            order_id=str(raw_d.get("id") or ""),
            number=str(raw_d.get("number") or ""),
            updated_date=str(raw_d.get("updatedDate") or ""),
            field=field,
            message=f"{first['msg']} (got {first.get('input')!r:.60})",
        )
        raise InvalidOrderError(invalid) from exc


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a page of payloads becomes models.

    Why: each model adds dozens of container objects, and with the collector on, the young
    collections triggered every few hundred allocations (and the full ones that follow) rescan
    them again and again: parsing 20,000 orders took 18.4 s with the collector on and 3.6 s with
    it off. Models hold no reference cycles, so nothing is lost by collecting once per page. The
    previous state is restored even when parsing raises; nesting is harmless. Never ``yield`` a
    model to a caller from inside this block (the caller would run with the collector off).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def parse_order_page(raws: Iterable[Any]) -> list[Order | InvalidOrderError]:
    """Parse one page of order dicts (collector paused): a model, or the error of a refused order."""
    out: list[Order | InvalidOrderError] = []
    with gc_paused():
        for raw in raws:
            try:
                out.append(parse_order(raw))
            except InvalidOrderError as exc:
                out.append(exc)
    return out


__all__ = ["WixAppToken", "WixClient", "gc_paused", "parse_order_page"]

Progress = Callable[[int], None]
_JSON = {"Content-Type": "application/json", "Accept": "application/json"}
#: Wix documents 100 as the page size of order search and the practical size of list-by-ids.
MAX_PAGE = 100


def _iso(value: dt.datetime | str) -> str:
    if isinstance(value, str):
        return value
    if value.tzinfo is None:
        raise errors.ConfigError("updated_since/updated_until must be timezone-aware datetimes")
    return value.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class WixAppToken:
    """OAuth client-credentials access token of a Wix app instance, cached until shortly before expiry.

    Wix tokens from ``POST /oauth2/token`` live 4 hours and come without a refresh token: a new one is
    simply minted. ``margin_s`` renews it that long before it expires.
    """

    def __init__(
        self,
        app_id: str,
        app_secret: str,
        instance_id: str,
        token_url: str,
        *,
        http: httpx.Client | None = None,
        clock: Callable[[], float] = time.time,
        margin_s: float = 300.0,
    ) -> None:
        register_secret(app_secret)
        self.app_id = app_id
        self._secret = app_secret
        self.instance_id = instance_id
        self.token_url = token_url
        self._owns_http = http is None
        self._http = http or httpx.Client(timeout=DEFAULT_TIMEOUT)
        self._core = HttpCore(self._http, service="wix")
        self._clock = clock
        self._margin = margin_s
        self._lock = threading.Lock()
        self._token: str | None = None
        self._expires_at = 0.0

    def __call__(self) -> str:
        """A valid access token (minting a new one when the cached one is about to expire)."""
        with self._lock:
            if self._token is None or self._clock() >= self._expires_at - self._margin:
                self._mint()
            assert self._token is not None
            return self._token

    def close(self) -> None:
        """Close the HTTP client if this object created it."""
        if self._owns_http:
            self._http.close()

    def invalidate(self) -> None:
        """Forget the cached token (after a 401)."""
        with self._lock:
            self._token = None

    def _mint(self) -> None:
        body = {
            "grant_type": "client_credentials",
            "client_id": self.app_id,
            "client_secret": self._secret,
            "instance_id": self.instance_id,
        }
        data = self._core.request(
            "POST", self.token_url, content=money.dumps(body), headers=_JSON, retry_safe=True
        ).data
        token = (data or {}).get("access_token")
        if not token:
            raise errors.ApiDecodeError(
                "Wix token answer has no access_token", service="wix", url=self.token_url
            )
        register_secret(token)
        self._token = str(token)
        self._expires_at = self._clock() + float(min(int((data or {}).get("expires_in", 14400)), 14400))


class WixClient:
    """Client of one Wix site.

    Parameters
    ----------
    site_id
        The site id (sent as ``wix-site-id``).
    api_key
        An API key with orders/stores read permissions; or None with ``app_token``.
    base_url
        ``https://www.wixapis.com`` or the sandbox's ``.../wix``.
    http
        The HTTP layer (G1); by default an ``httpx.Client`` owned (and closed) by this client.
    app_token
        A :class:`WixAppToken` (Wix app OAuth) used instead of the API key.
    """

    def __init__(
        self,
        site_id: str,
        api_key: str | None,
        base_url: str = "https://www.wixapis.com",
        *,
        http: httpx.Client | None = None,
        app_token: WixAppToken | None = None,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        if not api_key and app_token is None:
            raise errors.ConfigError("WixClient needs an API key (WIXQB_WIX_API_KEY) or an app token")
        register_secret(api_key)
        self.site_id = site_id
        self._api_key = api_key
        self.app_token = app_token
        self.base = base_url.rstrip("/")
        self._owns_http = http is None
        self.http = http or httpx.Client(timeout=DEFAULT_TIMEOUT)
        self.core = HttpCore(self.http, service="wix", retry=retry)
        if sleep is not None:
            self.core.sleep = sleep

    def __enter__(self) -> WixClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the HTTP client (and the app token's) if this object created it."""
        if self._owns_http:
            self.http.close()
        if self.app_token is not None:
            self.app_token.close()

    def _auth(self) -> dict[str, str]:
        key = self.app_token() if self.app_token is not None else self._api_key
        return {"Authorization": str(key), "wix-site-id": self.site_id}

    def _renew(self) -> bool:
        if self.app_token is None:
            return False
        self.app_token.invalidate()
        return True

    def call(self, method: str, path: str, body: Mapping[str, Any] | None = None) -> Any:
        """One request to ``{base}{path}``; every Wix call we make is a read, so all are retried."""
        resp = self.core.request(
            method,
            f"{self.base}{path}",
            content=money.dumps(body) if body is not None else None,
            headers=_JSON,
            retry_safe=True,
            auth=self._auth,
            on_auth_failure=self._renew,
        )
        return resp.data if resp.data is not None else {}

    # -- orders -------------------------------------------------------------------------------
    @staticmethod
    def orders_filter(
        updated_since: dt.datetime | str | None = None,
        updated_until: dt.datetime | str | None = None,
        payment_statuses: Iterable[str] | None = None,
        app_ids: Iterable[str] | None = None,
    ) -> dict[str, Any]:
        """The Wix filter for :meth:`iter_orders` (``updatedDate`` >= since and < until)."""
        terms: list[dict[str, Any]] = []
        if updated_since is not None:
            terms.append({"updatedDate": {"$gte": _iso(updated_since)}})
        if updated_until is not None:
            terms.append({"updatedDate": {"$lt": _iso(updated_until)}})
        if payment_statuses:
            terms.append({"paymentStatus": {"$in": list(payment_statuses)}})
        if app_ids:
            terms.append({"lineItems.catalogReference.appId": {"$hasSome": list(app_ids)}})
        if not terms:
            return {}
        return terms[0] if len(terms) == 1 else {"$and": terms}

    def iter_order_dicts(
        self, search: Mapping[str, Any], page_size: int = MAX_PAGE
    ) -> Iterator[dict[str, Any]]:
        """Raw order dicts of a search: the first page sends filter and sort, the next only the cursor."""
        for page in self.iter_order_pages(search, page_size):
            yield from page

    def iter_order_pages(
        self, search: Mapping[str, Any], page_size: int = MAX_PAGE
    ) -> Iterator[list[dict[str, Any]]]:
        """The raw order dicts of a search, one list per page (see :meth:`iter_order_dicts`).

        Nothing of a page is kept once the next one is asked for: the caller decides what to keep.
        """
        if not 1 <= page_size <= MAX_PAGE:
            raise errors.ConfigError(f"Wix order pages hold 1 to {MAX_PAGE} orders")
        body: dict[str, Any] = {"search": {**search, "cursorPaging": {"limit": page_size}}}
        while True:
            data = self.call("POST", "/ecom/v1/orders/search", body)
            yield list(data.get("orders") or [])
            meta = data.get("metadata") or {}
            cursor = (meta.get("cursors") or {}).get("next")
            if not cursor or meta.get("hasNext") is False:
                return
            body = {"search": {"cursorPaging": {"limit": page_size, "cursor": cursor}}}

    def iter_orders(
        self,
        updated_since: dt.datetime | str | None = None,
        updated_until: dt.datetime | str | None = None,
        payment_statuses: Iterable[str] | None = None,
        app_ids: Iterable[str] | None = None,
        page_size: int = MAX_PAGE,
        on_progress: Progress | None = None,
        on_invalid: Callable[[InvalidOrder], None] | None = None,
    ) -> Iterator[Order]:
        """Every order matching the filters, sorted by ``updatedDate`` ascending, across all pages.

        ``app_ids`` keeps orders with at least one line from those apps (Stores, Bookings...).
        ``on_progress(1)`` is called per order (``tqdm.update`` fits). An order the models refuse
        (an amount ``"abc"``, ``lineItems: null``...) is handed to ``on_invalid`` and the listing
        goes on; without ``on_invalid`` it raises :class:`~wixqb_nb.errors.ApiDecodeError`.
        """
        search = self.orders_search(updated_since, updated_until, payment_statuses, app_ids)
        for page in self.iter_order_pages(search, page_size):
            for parsed in parse_order_page(page):
                if isinstance(parsed, InvalidOrderError):
                    if on_invalid is None:
                        raise parsed
                    on_invalid(parsed.invalid)
                else:
                    yield parsed
                if on_progress is not None:
                    on_progress(1)

    @classmethod
    def orders_search(
        cls,
        updated_since: dt.datetime | str | None = None,
        updated_until: dt.datetime | str | None = None,
        payment_statuses: Iterable[str] | None = None,
        app_ids: Iterable[str] | None = None,
    ) -> dict[str, Any]:
        """The search of :meth:`iter_orders` (its filter, sorted by ``updatedDate`` ascending)."""
        search: dict[str, Any] = {"sort": [{"fieldName": "updatedDate", "order": "ASC"}]}
        flt = cls.orders_filter(updated_since, updated_until, payment_statuses, app_ids)
        if flt:
            search["filter"] = flt
        return search

    def get_order(self, order_id: str) -> Order:
        """One order by id (:class:`~wixqb_nb.errors.NotFoundError` when Wix has none).

        Raises :class:`InvalidOrderError` (an :class:`~wixqb_nb.errors.ApiDecodeError`) when the
        models refuse the order.
        """
        return parse_order(self.call("GET", f"/ecom/v1/orders/{order_id}").get("order") or {})

    def transactions_for(
        self, order_ids: Iterable[str], on_progress: Progress | None = None
    ) -> dict[str, OrderTransactions]:
        """Payments and refunds of many orders, asked for 100 ids at a time; keyed by order id."""
        ids = list(dict.fromkeys(order_ids))
        out: dict[str, OrderTransactions] = {}
        for i in range(0, len(ids), MAX_PAGE):
            chunk = ids[i : i + MAX_PAGE]
            data = self.call("POST", "/ecom/v1/payments/list-by-ids", {"orderIds": chunk})
            with gc_paused():
                for raw in data.get("orderTransactions") or []:
                    tx = OrderTransactions.model_validate(raw)
                    out[tx.order_id] = tx
            if on_progress is not None:
                on_progress(len(chunk))
        return out

    # -- catalog ------------------------------------------------------------------------------
    def iter_products(
        self, page_size: int = MAX_PAGE, on_progress: Progress | None = None
    ) -> Iterator[Product]:
        """Every Stores product with its variants (and their SKUs), following offset pages to the end."""
        offset = 0
        while True:
            body = {
                "query": {"paging": {"limit": page_size, "offset": offset}},
                "includeVariants": True,
                "includeHiddenProducts": True,
            }
            data = self.call("POST", "/stores/v1/products/query", body)
            rows = data.get("products") or []
            for raw in rows:
                yield Product.model_validate(raw)
            if on_progress is not None and rows:
                on_progress(len(rows))
            offset += len(rows)
            total = data.get("totalResults")
            if len(rows) < page_size or (isinstance(total, int) and offset >= total):
                return

    def get_product(self, product_id: str) -> Product:
        """One Stores product with its variants."""
        return Product.model_validate(
            self.call("GET", f"/stores/v1/products/{product_id}").get("product") or {}
        )
