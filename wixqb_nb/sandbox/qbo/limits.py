"""QBO's per-realm throttles and the deterministic fault injector (qbo_api.md §6).

Throttles: 500 requests/minute, 40 batch requests/minute, 10 concurrent requests, per realm, each
answered with 429 ThrottleExceeded. ``time_scale`` shrinks the one-minute window (60 makes it one
second) so benchmarks meet the real limits quickly. A request that is refused does not count.

Faults: one ``random.Random(seed)`` draws, for each request in arrival order, whether it fails with a
5xx (not processed), is dropped (connection closed, not processed), or is processed and then its
response is lost (connection closed after the commit: the worst case for duplicates).
Rates here are probabilities, not money, so floats are fine.
"""

from __future__ import annotations

import math
import random
import threading
from collections import deque
from dataclasses import dataclass
from typing import Literal

Outcome = Literal["ok", "error", "drop", "lost"]


@dataclass(frozen=True)
class FaultConfig:
    """Fault injection settings; all off by default."""

    seed: int = 0
    error_rate: float = 0.0
    latency_ms: int = 0
    drop_rate: float = 0.0
    lost_response_rate: float = 0.0
    xml_throttle: bool = False
    only_writes: bool = False


@dataclass(frozen=True)
class LimitConfig:
    """QBO's published throttles; ``enabled=False`` switches them all off."""

    enabled: bool = True
    requests_per_minute: int = 500
    batch_per_minute: int = 40
    max_concurrent: int = 10
    time_scale: float = 1.0

    @property
    def window(self) -> float:
        return 60.0 / self.time_scale


class RealmLimiter:
    """Sliding one-minute windows and an in-flight counter for one realm."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: deque[float] = deque()
        self._batches: deque[float] = deque()
        self._in_flight = 0

    def acquire(self, cfg: LimitConfig, now: float, is_batch: bool) -> int | None:
        """Take a slot; returns None on success, else the seconds to wait (for ``Retry-After``)."""
        with self._lock:
            if not cfg.enabled:
                self._in_flight += 1
                return None
            horizon = now - cfg.window
            for window in (self._requests, self._batches):
                while window and window[0] <= horizon:
                    window.popleft()
            if self._in_flight >= cfg.max_concurrent:
                return 1
            if len(self._requests) >= cfg.requests_per_minute:
                return max(1, math.ceil(self._requests[0] + cfg.window - now))
            if is_batch and len(self._batches) >= cfg.batch_per_minute:
                return max(1, math.ceil(self._batches[0] + cfg.window - now))
            self._requests.append(now)
            if is_batch:
                self._batches.append(now)
            self._in_flight += 1
            return None

    def release(self) -> None:
        with self._lock:
            self._in_flight = max(0, self._in_flight - 1)


class FaultInjector:
    """Draws one outcome per request from a seeded generator, so a run is reproducible."""

    def __init__(self, config: FaultConfig | None = None) -> None:
        self._lock = threading.Lock()
        self.configure(config or FaultConfig())

    def configure(self, config: FaultConfig) -> None:
        with self._lock:
            self.config = config
            self._rng = random.Random(config.seed)
            self._xml_rng = random.Random(config.seed + 1)

    def draw(self, is_write: bool) -> tuple[Outcome, float]:
        """The outcome for the next request and the latency to add, in seconds."""
        cfg = self.config
        latency = cfg.latency_ms / 1000.0
        if cfg.only_writes and not is_write:
            return "ok", latency
        with self._lock:
            roll = self._rng.random()
        if roll < cfg.error_rate:
            return "error", latency
        roll -= cfg.error_rate
        if roll < cfg.drop_rate:
            return "drop", latency
        roll -= cfg.drop_rate
        if roll < cfg.lost_response_rate and is_write:
            return "lost", latency
        return "ok", latency

    def throttle_as_xml(self) -> bool:
        """With ``xml_throttle``, about half the throttle answers come as QBO's XML body."""
        if not self.config.xml_throttle:
            return False
        with self._lock:
            return self._xml_rng.random() < 0.5
