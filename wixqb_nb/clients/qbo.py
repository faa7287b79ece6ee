"""QuickBooks Online Accounting API client: CRUD, void, query paging, batch, CDC, company settings.

Every write carries ``requestid = sha1(idempotency_key)[:32]`` (docs/CONTRACTS.md), so a write whose
answer was lost is retried safely: QBO replays the first answer instead of creating a second document.
Every request takes a slot from the realm's :class:`~wixqb_nb.clients._limits.RateLimiter` first.
Payloads are plain dicts with Decimal money, sent with :func:`wixqb_nb.money.dumps`; answers come back
as dicts parsed with :func:`wixqb_nb.money.loads`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Protocol

import httpx

from wixqb_nb import errors, money
from wixqb_nb.clients import qbo_query
from wixqb_nb.clients._http import DEFAULT_TIMEOUT, ApiResponse, HttpCore, RetryPolicy
from wixqb_nb.clients._limits import Limits, RateLimiter, SlotGate, limiter_for_realm
from wixqb_nb.clients._log import register_secret
from wixqb_nb.clients.qbo_batch import BatchItem, BatchResult, run_batch, run_many

__all__ = ["BatchItem", "BatchResult", "QboClient", "StaticToken", "TokenSource", "request_id_for"]

Progress = Callable[[int], None]
_JSON = {"Content-Type": "application/json", "Accept": "application/json"}
#: Entities whose void is ``operation=void``; the others void with ``operation=update&include=void``.
_VOID_BY_OPERATION = {"Invoice"}


def request_id_for(idempotency_key: str) -> str:
    """The ``requestid`` QBO sees for a write: ``sha1(key)[:32]`` in hex (docs/CONTRACTS.md)."""
    return hashlib.sha1(idempotency_key.encode("utf-8")).hexdigest()[:32]


class TokenSource(Protocol):
    """Where :class:`QboClient` gets its access token (``qbo_auth.TokenStore`` in real use)."""

    def access_token(self) -> str:
        """A currently valid access token (refreshing ahead of expiry when needed)."""
        ...

    def refresh(self, stale: str | None = None) -> str:
        """Renew after a 401: unless ``stale`` was already replaced, refresh; return the new token."""
        ...


class StaticToken:
    """A fixed access token (tests, or a token taken from ``WIXQB_QBO_ACCESS_TOKEN`` for one run)."""

    def __init__(self, token: str) -> None:
        register_secret(token)
        self._token = token

    def access_token(self) -> str:
        return self._token

    def refresh(self, stale: str | None = None) -> str:
        raise errors.AuthenticationError(
            "the QuickBooks access token was refused and cannot be refreshed", status_code=401, service="qbo"
        )


class QboClient:
    """Client of one QBO company (realm).

    Parameters
    ----------
    realm_id
        The company id.
    base_url
        ``https://quickbooks.api.intuit.com`` or the sandbox's ``.../qbo`` (``/v3/company/...`` is added).
    token_source
        Gives access tokens and refreshes them on a 401 (see :class:`TokenSource`).
    http
        The HTTP layer (G1); by default an ``httpx.Client`` owned (and closed) by this client.
    minor_version
        Sent as ``minorversion`` on every request (75: older ones are ignored since 2025-08).
    limiter
        The rate limiter; by default the process-wide one of this realm with QBO's published limits.
    retry, sleep
        Retry policy and sleep function of the HTTP core (tests inject a no-op sleep).
    """

    def __init__(
        self,
        realm_id: str,
        base_url: str,
        token_source: TokenSource,
        *,
        http: httpx.Client | None = None,
        minor_version: int = 75,
        limiter: RateLimiter | None = None,
        limits: Limits | None = None,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.realm_id = realm_id
        self.base = f"{base_url.rstrip('/')}/v3/company/{realm_id}"
        self.tokens = token_source
        self.minor_version = minor_version
        self._owns_http = http is None
        self.http = http or httpx.Client(timeout=DEFAULT_TIMEOUT)
        self.limiter = limiter or (RateLimiter(limits) if limits else limiter_for_realm(realm_id))
        self.core = HttpCore(self.http, service="qbo", retry=retry)
        if sleep is not None:
            self.core.sleep = sleep

    # -- plumbing -----------------------------------------------------------------------------
    def __enter__(self) -> QboClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the HTTP client if this object created it."""
        if self._owns_http:
            self.http.close()

    def call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        body: Any = None,
        text: str | None = None,
        request_id: str | None = None,
        retry_safe: bool | None = None,
        batch: bool = False,
        gate: SlotGate | None = None,
    ) -> Any:
        """Send one request to ``{base}/{path}`` and return the decoded JSON.

        Writes (POST with a body) are retried after a possibly-processed failure only when they carry a
        ``request_id``; GETs and queries always may be. ``gate`` replaces the limiter (the push loop
        passes the slot it already holds).
        """
        all_params: dict[str, str | int] = {"minorversion": self.minor_version, **(params or {})}
        if request_id:
            all_params["requestid"] = request_id
        headers = dict(_JSON)
        content: str | None = None
        if text is not None:
            headers["Content-Type"] = "application/text"
            content = text
        elif body is not None:
            content = money.dumps(body)
        safe = retry_safe if retry_safe is not None else (method == "GET" or request_id is not None)
        used: list[str] = []

        def auth() -> dict[str, str]:
            token = self.tokens.access_token()
            used.append(token)
            return {"Authorization": f"Bearer {token}"}

        def renew() -> bool:
            self.tokens.refresh(stale=used[-1] if used else None)
            return True

        resp: ApiResponse = self.core.request(
            method,
            f"{self.base}/{path}",
            params=all_params,
            content=content,
            headers=headers,
            retry_safe=safe,
            auth=auth,
            on_auth_failure=renew,
            limiter=gate or self.limiter,
            batch=batch,
        )
        return resp.data

    @staticmethod
    def _unwrap(data: Any, entity: str) -> dict[str, Any]:
        if not isinstance(data, dict) or not isinstance(data.get(entity), dict):
            raise errors.ApiDecodeError(f"QBO answer has no {entity} object", service="qbo", body=data)
        result: dict[str, Any] = data[entity]
        return result

    # -- CRUD ---------------------------------------------------------------------------------
    def create(self, entity: str, payload: Mapping[str, Any], idempotency_key: str) -> dict[str, Any]:
        """Create ``entity`` (``"SalesReceipt"``, ``"Customer"``...) and return it as QBO stored it.

        Raises
        ------
        wixqb_nb.errors.QboFaultError
            A subclass per fault code (6140 duplicate number, 6240 duplicate name, 2500, 6210...).
        """
        data = self.call(
            "POST", entity.lower(), body=dict(payload), request_id=request_id_for(idempotency_key)
        )
        return self._unwrap(data, entity)

    def read(self, entity: str, entity_id: str) -> dict[str, Any]:
        """Read one entity by Id (``ObjectNotFoundError``/``NotFoundError`` when it does not exist)."""
        return self._unwrap(self.call("GET", f"{entity.lower()}/{entity_id}"), entity)

    def update(
        self, entity: str, payload: Mapping[str, Any], idempotency_key: str, *, sparse: bool = True
    ) -> dict[str, Any]:
        """Update ``entity``; ``payload`` carries ``Id`` and the current ``SyncToken`` (5010 otherwise).

        ``sparse=True`` changes only the fields sent; ``sparse=False`` replaces the whole object.
        """
        if "Id" not in payload or "SyncToken" not in payload:
            raise errors.ConfigError(f"an update of {entity} needs Id and SyncToken")
        body = {**payload, "sparse": sparse}
        return self._unwrap(
            self.call("POST", entity.lower(), body=body, request_id=request_id_for(idempotency_key)), entity
        )

    def delete(self, entity: str, entity_id: str, sync_token: str, idempotency_key: str) -> dict[str, Any]:
        """Delete a transaction (``operation=delete``); returns QBO's answer (``status: Deleted``)."""
        data = self.call(
            "POST",
            entity.lower(),
            params={"operation": "delete"},
            body={"Id": entity_id, "SyncToken": sync_token},
            request_id=request_id_for(idempotency_key),
        )
        return self._unwrap(data, entity)

    def void(self, entity: str, entity_id: str, sync_token: str, idempotency_key: str) -> dict[str, Any]:
        """Void a transaction: ``operation=void`` for Invoice, ``operation=update&include=void`` otherwise."""
        if entity in _VOID_BY_OPERATION:
            params: dict[str, str | int] = {"operation": "void"}
            body: dict[str, Any] = {"Id": entity_id, "SyncToken": sync_token}
        else:
            params = {"operation": "update", "include": "void"}
            body = {"Id": entity_id, "SyncToken": sync_token, "sparse": True}
        data = self.call(
            "POST", entity.lower(), params=params, body=body, request_id=request_id_for(idempotency_key)
        )
        return self._unwrap(data, entity)

    # -- queries ------------------------------------------------------------------------------
    def query(self, sql: str) -> dict[str, Any]:
        """Run one statement; return ``QueryResponse`` (``{}`` when nothing matched)."""
        data = self.call("POST", "query", text=sql, retry_safe=True)
        qr = data.get("QueryResponse") if isinstance(data, dict) else None
        return qr if isinstance(qr, dict) else {}

    def query_iter(
        self, sql: str, page_size: int = 1000, on_progress: Progress | None = None
    ) -> Iterator[dict[str, Any]]:
        """Yield every row of ``sql``, following ``STARTPOSITION`` until a short page (G5: no truncation)."""
        if not 1 <= page_size <= 1000:
            raise errors.ConfigError("QBO pages hold 1 to 1000 rows")
        entity = _entity_of(sql)
        start = 1
        while True:
            qr = self.query(qbo_query.paged(sql, start, page_size))
            rows = qr.get(entity) or next((v for k, v in qr.items() if isinstance(v, list)), [])
            yield from rows
            if on_progress is not None and rows:
                on_progress(len(rows))
            if len(rows) < page_size:
                return
            start += len(rows)

    def select_where(self, entity: str, **equals: Any) -> list[dict[str, Any]]:
        """All ``entity`` rows whose fields equal the keyword values (escaped; lists become ``IN``)."""
        return list(self.query_iter(qbo_query.select_where(entity, **equals)))

    def count(self, entity: str, *conditions: str) -> int:
        """``SELECT COUNT(*)`` with conditions built by :func:`qbo_query.condition`."""
        sql = f"SELECT COUNT(*) FROM {qbo_query.name(entity)}"
        if conditions:
            sql += " WHERE " + " AND ".join(conditions)
        return int(self.query(sql).get("totalCount", 0))

    def cdc(
        self, entities: Iterable[str], changed_since: dt.datetime | str
    ) -> dict[str, list[dict[str, Any]]]:
        """Change data capture: every object of ``entities`` changed since then (deleted ones included)."""
        since = changed_since.isoformat() if isinstance(changed_since, dt.datetime) else changed_since
        names = [qbo_query.name(e) for e in entities]
        data = self.call("GET", "cdc", params={"entities": ",".join(names), "changedSince": since})
        out: dict[str, list[dict[str, Any]]] = {n: [] for n in names}
        for block in (data or {}).get("CDCResponse") or []:
            for qr in block.get("QueryResponse") or []:
                for key, rows in qr.items():
                    if isinstance(rows, list):
                        out.setdefault(key, []).extend(rows)
        return out

    def company_info(self) -> dict[str, Any]:
        """The ``CompanyInfo`` object (Country decides the tax model)."""
        return self._unwrap(self.call("GET", f"companyinfo/{self.realm_id}"), "CompanyInfo")

    def preferences(self) -> dict[str, Any]:
        """The ``Preferences`` object (tax, currency, custom transaction numbers, close date...)."""
        return self._unwrap(self.call("GET", "preferences"), "Preferences")

    # -- batch --------------------------------------------------------------------------------
    def batch(self, items: Sequence[BatchItem], on_progress: Progress | None = None) -> list[BatchResult]:
        """Run ``items`` in batch requests of at most 30; one result per item, in order.

        Each item succeeds or fails on its own: a failed item's result holds its typed error and every
        fault entry. A batch carries a requestid derived from its items' keys, so it is retried safely.
        """
        results: list[BatchResult] = []
        for i in range(0, len(items), 30):
            chunk = items[i : i + 30]
            results.extend(run_batch(self, chunk))
            if on_progress is not None:
                on_progress(len(chunk))
        return results

    def batch_create_many(
        self,
        items: Sequence[BatchItem] | Sequence[tuple[str, Mapping[str, Any], str]],
        on_progress: Progress | None = None,
    ) -> list[BatchResult]:
        """Create many entities as fast as the realm's limits allow; one result per item, in order.

        Items are ``BatchItem`` or ``(entity, payload, idempotency_key)``. Up to ``max_in_flight``
        requests run at once (threads, so this works inside a Jupyter kernel's running loop); each
        request slot becomes a 30-item batch while the batch budget allows, else a single create, so
        the whole request budget is used. ``on_progress(n)`` is called as items finish (``tqdm.update``).
        """
        norm = [
            it if isinstance(it, BatchItem) else BatchItem("create", it[0], dict(it[1]), it[2])
            for it in items
        ]
        return run_many(self, norm, on_progress)


def _entity_of(sql: str) -> str:
    words = sql.replace(",", " ").split()
    for i, w in enumerate(words[:-1]):
        if w.upper() == "FROM":
            return words[i + 1]
    raise errors.ConfigError(f"not a QBO select statement: {sql!r}")
