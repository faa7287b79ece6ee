"""QBO batch requests and the concurrent "push many" loop behind ``QboClient.batch_create_many``.

A batch holds at most 30 items with short ``bId`` s (<= 10 characters: QBO's limit when a requestid
is sent) and a requestid derived from the items' idempotency keys, so the same items always make the
same request and a retry after a lost answer is replayed, not executed twice. Each item succeeds or
fails on its own (HTTP 200 either way); failed items keep their typed error and every fault entry.
"""

from __future__ import annotations

import hashlib
import threading
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from wixqb_nb import errors
from wixqb_nb.clients import _faults
from wixqb_nb.clients._limits import RateLimiter

if TYPE_CHECKING:
    from wixqb_nb.clients.qbo import QboClient

MAX_BATCH = 30


@dataclass(frozen=True)
class BatchItem:
    """One batch operation: ``create``/``update``/``delete`` of ``entity`` with ``payload``, or ``query``
    (then ``payload`` is the statement). ``key`` is the caller's idempotency key."""

    operation: str
    entity: str
    payload: Any
    key: str


@dataclass
class BatchResult:
    """The outcome of one :class:`BatchItem`: ``data`` (the entity or QueryResponse) or ``error``."""

    item: BatchItem
    ok: bool
    data: dict[str, Any] | None = None
    error: errors.ApiError | None = None

    @property
    def key(self) -> str:
        """The item's idempotency key."""
        return self.item.key

    @property
    def faults(self) -> list[errors.QboFault]:
        """Every fault entry of a failed item (empty on success or for non-fault errors)."""
        return list(self.error.errors) if isinstance(self.error, errors.QboFaultError) else []


def batch_request_id(items: Sequence[BatchItem]) -> str:
    """The requestid of a batch: sha1 over its items' keys (stable for the same items in the same order)."""
    digest = hashlib.sha1(b"batch")
    for it in items:
        digest.update(b"\n" + it.key.encode("utf-8"))
    return digest.hexdigest()[:32]


def _item_error(entries: list[errors.QboFault], bid: str) -> errors.ApiError:
    cls = _faults.fault_class(entries, 400)
    msg = _faults.fault_message(entries)
    if issubclass(cls, errors.QboFaultError):
        return cls(msg, errors=entries, status_code=200, service="qbo", url=f"batch#{bid}")
    return cls(msg, status_code=200, service="qbo", url=f"batch#{bid}")


def _request_body(items: Sequence[BatchItem]) -> dict[str, Any]:
    reqs = []
    for n, it in enumerate(items):
        if it.operation == "query":
            reqs.append({"bId": str(n), "Query": it.payload})
        else:
            reqs.append({"bId": str(n), "operation": it.operation, it.entity: it.payload})
    return {"BatchItemRequest": reqs}


def run_batch(client: QboClient, items: Sequence[BatchItem], gate: Any = None) -> list[BatchResult]:
    """Send one batch (<= 30 items) and map each answer back to its item by ``bId``."""
    if not 0 < len(items) <= MAX_BATCH:
        raise errors.ConfigError(f"a QBO batch holds 1 to {MAX_BATCH} items, not {len(items)}")
    # A batch of queries only reads: it is safe to retry as it is, and a requestid would make QBO
    # replay the first answer to the same queries on a later run (stale data).
    reads_only = all(it.operation == "query" for it in items)
    data = client.call(
        "POST",
        "batch",
        body=_request_body(items),
        request_id=None if reads_only else batch_request_id(items),
        retry_safe=True if reads_only else None,
        batch=True,
        gate=gate,
    )
    by_bid = {
        str(r.get("bId")): r for r in (data or {}).get("BatchItemResponse") or [] if isinstance(r, dict)
    }
    results = []
    for n, it in enumerate(items):
        answer = by_bid.get(str(n))
        if answer is None:
            err = errors.ApiDecodeError(f"QBO batch answer has no item bId={n}", service="qbo", body=data)
            results.append(BatchResult(it, False, error=err))
            continue
        parsed = _faults.faults_from_json(answer)
        if parsed is not None:
            results.append(BatchResult(it, False, error=_item_error(parsed[0], str(n))))
        elif it.operation == "query":
            results.append(BatchResult(it, True, data=answer.get("QueryResponse") or {}))
        else:
            results.append(BatchResult(it, True, data=answer.get(it.entity)))
    return results


def run_single(client: QboClient, it: BatchItem, gate: Any = None) -> BatchResult:
    """Do one item as a plain request (the push loop's use of request slots without batch budget)."""
    from wixqb_nb.clients.qbo import request_id_for

    params: dict[str, str | int] = {"operation": "delete"} if it.operation == "delete" else {}
    try:
        data = client.call(
            "POST",
            it.entity.lower(),
            params=params,
            body=it.payload,
            request_id=request_id_for(it.key),
            gate=gate,
        )
    except errors.QboFaultError as exc:
        return BatchResult(it, False, error=exc)
    return BatchResult(it, True, data=(data or {}).get(it.entity))


class HeldSlot:
    """A limiter slot the push loop took before choosing batch or single; the core's first attempt
    uses it, retries take fresh slots."""

    def __init__(self, limiter: RateLimiter, batch: bool) -> None:
        self._limiter = limiter
        self._batch = batch
        self._held = True

    def acquire(self, *, batch: bool = False) -> bool:
        if self._held:
            return self._batch
        self._held = True
        return self._limiter.acquire(batch=self._batch)

    def release(self) -> None:
        if self._held:
            self._held = False
            self._limiter.release()

    close = release


def run_many(
    client: QboClient, items: Sequence[BatchItem], on_progress: Callable[[int], None] | None = None
) -> list[BatchResult]:
    """Push ``items`` with ``max_in_flight`` worker threads sharing the realm's limiter.

    A worker takes a request slot, then (when the batch budget allows) upgrades it to a batch of up
    to 30 items, else sends one item alone. Authentication failures stop the push and are raised;
    other request failures become failed results for the items of that request.
    """
    limiter = client.limiter
    results: list[BatchResult | None] = [None] * len(items)
    pending: deque[int] = deque(range(len(items)))
    lock = threading.Lock()
    fatal: list[BaseException] = []

    def take(n: int) -> list[int]:
        with lock:
            return [pending.popleft() for _ in range(min(n, len(pending)))]

    def worker() -> None:
        while not fatal and pending:
            as_batch = limiter.acquire(prefer_batch=lambda: len(pending) > 1)
            gate = HeldSlot(limiter, as_batch)
            try:
                idx = take(MAX_BATCH if as_batch else 1)
                if not idx:
                    return
                chunk = [items[i] for i in idx]
                try:
                    done = (
                        run_batch(client, chunk, gate)
                        if len(chunk) > 1
                        else [run_single(client, chunk[0], gate)]
                    )
                except errors.AuthenticationError as exc:
                    fatal.append(exc)
                    return
                except errors.ApiError as exc:
                    done = [BatchResult(it, False, error=exc) for it in chunk]
                for i, r in zip(idx, done, strict=True):
                    results[i] = r
                if on_progress is not None:
                    on_progress(len(idx))
            except BaseException as exc:  # a bug must stop the push, and be raised in the caller's thread
                fatal.append(exc)
                return
            finally:
                gate.close()

    threads = [
        threading.Thread(target=worker, name=f"qbo-push-{n}", daemon=True)
        for n in range(limiter.limits.max_in_flight)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if fatal:
        raise fatal[0]
    return [r for r in results if r is not None]
