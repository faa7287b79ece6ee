"""A sliding-window request limiter whose window shrinks with the sandbox's time scale.

With ``time_scale=60`` Wix's "200 requests per minute" becomes 200 per second, so a test or a
benchmark meets the real limit in seconds instead of minutes.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable


class SlidingWindowLimiter:
    """At most ``limit`` hits per key in any window of ``window_s / time_scale`` seconds."""

    def __init__(
        self,
        limit: int,
        window_s: float = 60.0,
        time_scale: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if limit <= 0 or window_s <= 0 or time_scale <= 0:
            raise ValueError("limit, window and time scale must be positive")
        self.limit = limit
        self.window = window_s / time_scale
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> bool:
        """Count one request for ``key``; False (and not counted) when over the limit."""
        now = self._clock()
        with self._lock:
            q = self._hits.setdefault(key, deque())
            while q and q[0] <= now - self.window:
                q.popleft()
            if len(q) >= self.limit:
                return False
            q.append(now)
            return True

    def retry_after(self, key: str) -> float:
        """Seconds until ``key`` may send again (0 when it may now)."""
        now = self._clock()
        with self._lock:
            q = self._hits.get(key)
            if not q or len(q) < self.limit:
                return 0.0
            return max(0.0, q[0] + self.window - now)

    def reset(self) -> None:
        """Forget every hit."""
        with self._lock:
            self._hits.clear()
