"""Client-side rate limiting per QBO realm: requests per window, requests in flight, batches per window.

QBO throttles each realm at 500 requests/minute, 10 concurrent requests and 40 batch requests/minute
and answers 429 beyond that (qbo_api.md §6). Staying under the limits is cheaper than bouncing off
them, so every QBO request takes a :meth:`RateLimiter.slot` first. The windows slide (each request
remembers when it started), which is the strictest reading of "per minute". ``time_scale`` shrinks the
window for a time-scaled sandbox: with ``time_scale=60`` a "minute" lasts one second.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Limits:
    """The throttles of one realm (QBO's published values by default)."""

    requests_per_window: int = 500
    max_in_flight: int = 10
    batches_per_window: int = 40
    window_s: float = 60.0
    #: Share of the window added as slack: the server counts arrivals, and a request delayed on the
    #: way must not make two windows' worth land inside one of the server's windows.
    safety: float = 0.02

    @property
    def effective_window_s(self) -> float:
        """The window the limiter enforces (``window_s`` plus the safety slack)."""
        return self.window_s * (1.0 + self.safety)

    @classmethod
    def scaled(
        cls,
        time_scale: float,
        *,
        requests_per_window: int = 500,
        max_in_flight: int = 10,
        batches_per_window: int = 40,
    ) -> Limits:
        """QBO's limits with the window divided by ``time_scale`` (for a time-scaled sandbox)."""
        return cls(requests_per_window, max_in_flight, batches_per_window, 60.0 / time_scale)

    @classmethod
    def unlimited(cls, max_in_flight: int = 10) -> Limits:
        """No window limits (a sandbox run with limits off); still at most ``max_in_flight`` at once."""
        return cls(10**9, max_in_flight, 10**9, 60.0)


class SlotGate(Protocol):
    """What the HTTP core needs from a limiter: take a slot before a request, give it back after."""

    def acquire(self, *, batch: bool = False) -> bool: ...

    def release(self) -> None: ...


class RateLimiter:
    """Thread-safe gate for one realm; ``with limiter.slot(batch=...)`` around each request.

    A slot is granted when fewer than ``max_in_flight`` requests are running, fewer than
    ``requests_per_window`` started within the last window, and (for a batch) fewer than
    ``batches_per_window`` batches started within it. ``clock`` must be monotonic.
    """

    def __init__(
        self,
        limits: Limits | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        on_grant: Callable[[float, bool], None] | None = None,
    ) -> None:
        self.limits = limits or Limits()
        self._clock = clock
        self._on_grant = on_grant  # called (under the lock) with (time, as_batch) for every slot granted
        self._cond = threading.Condition()
        self._requests: deque[float] = deque()
        self._batches: deque[float] = deque()
        self._in_flight = 0
        self.waited_s = 0.0  # total time callers spent waiting for a slot (for benchmarks and logs)

    def _prune(self, now: float) -> None:
        edge = now - self.limits.effective_window_s
        while self._requests and self._requests[0] <= edge:
            self._requests.popleft()
        while self._batches and self._batches[0] <= edge:
            self._batches.popleft()

    def _wait_needed(self, now: float, batch: bool) -> float | None:
        """0 when a slot is free now; seconds until one may be (None = wait for a release)."""
        lim = self.limits
        if self._in_flight >= lim.max_in_flight:
            return None
        waits = []
        if len(self._requests) >= lim.requests_per_window:
            waits.append(self._requests[0] + lim.effective_window_s - now)
        if batch and len(self._batches) >= lim.batches_per_window:
            waits.append(self._batches[0] + lim.effective_window_s - now)
        return max(waits, default=0.0)

    def batch_available(self) -> bool:
        """True when a batch could start right now without waiting on the batch budget."""
        with self._cond:
            now = self._clock()
            self._prune(now)
            return len(self._batches) < self.limits.batches_per_window

    def acquire(self, *, batch: bool = False, prefer_batch: Callable[[], bool] | None = None) -> bool:
        """Block until a slot is free and take it; returns whether it was taken as a batch slot.

        With ``prefer_batch``, the caller asks for a plain request slot and upgrades it to a batch slot
        when the batch budget allows at that moment and ``prefer_batch()`` still says so: this is how a
        push uses every request of the window and every batch of it.
        """
        started = self._clock()
        with self._cond:
            while True:
                now = self._clock()
                self._prune(now)
                wait = self._wait_needed(now, batch)
                if wait is not None and wait <= 0:
                    as_batch = batch
                    if not batch and prefer_batch is not None:
                        as_batch = len(self._batches) < self.limits.batches_per_window and prefer_batch()
                    self._requests.append(now)
                    if as_batch:
                        self._batches.append(now)
                    self._in_flight += 1
                    self.waited_s += now - started
                    if self._on_grant is not None:
                        self._on_grant(now, as_batch)
                    return as_batch
                self._cond.wait(timeout=wait if wait is not None else 1.0)

    def release(self) -> None:
        """Give back an in-flight slot (the window entries stay until they age out)."""
        with self._cond:
            self._in_flight -= 1
            self._cond.notify_all()

    @contextmanager
    def slot(self, *, batch: bool = False) -> Iterator[None]:
        """Hold a slot for the duration of one request."""
        self.acquire(batch=batch)
        try:
            yield
        finally:
            self.release()


_shared: dict[str, RateLimiter] = {}
_shared_lock = threading.Lock()


def limiter_for_realm(realm_id: str, limits: Limits | None = None) -> RateLimiter:
    """The process-wide limiter of ``realm_id`` (created with ``limits`` on first use).

    Two clients for the same company in one process share one budget, as QBO counts per realm.
    """
    with _shared_lock:
        lim = _shared.get(realm_id)
        if lim is None:
            lim = _shared[realm_id] = RateLimiter(limits)
        return lim
