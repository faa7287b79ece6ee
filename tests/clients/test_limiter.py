"""The realm rate limiter: never more than N starts in any window, M in flight, B batches per window."""

from __future__ import annotations

import threading
import time

from wixqb_nb.clients._limits import Limits, RateLimiter, limiter_for_realm


def test_sliding_windows_and_in_flight_hold_under_contention() -> None:
    limits = Limits(requests_per_window=8, max_in_flight=3, batches_per_window=2, window_s=0.2)
    grants: list[tuple[float, bool]] = []
    limiter = RateLimiter(limits, on_grant=lambda t, b: grants.append((t, b)))
    running = [0]
    peak = [0]
    lock = threading.Lock()

    def work(n: int) -> None:
        with limiter.slot(batch=n % 3 == 0):
            with lock:
                running[0] += 1
                peak[0] = max(peak[0], running[0])
            time.sleep(0.005)
            with lock:
                running[0] -= 1

    threads = [threading.Thread(target=work, args=(n,)) for n in range(30)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(grants) == 30
    starts = [t for t, _ in grants]
    batches = [t for t, b in grants if b]
    assert len(batches) == 10
    # In any window of 0.2 s at most 8 starts and 2 batch starts (the (k+N)-th is a window after the k-th).
    assert all(starts[i + 8] - starts[i] >= 0.2 for i in range(len(starts) - 8))
    assert all(batches[i + 2] - batches[i] >= 0.2 for i in range(len(batches) - 2))
    assert peak[0] <= 3


def test_prefer_batch_upgrades_only_while_the_batch_budget_lasts() -> None:
    limits = Limits(requests_per_window=100, max_in_flight=5, batches_per_window=3, window_s=60.0)
    limiter = RateLimiter(limits)
    kinds = []
    for _ in range(6):
        kinds.append(limiter.acquire(prefer_batch=lambda: True))
        limiter.release()
    assert kinds == [True, True, True, False, False, False]
    assert limiter.acquire(prefer_batch=lambda: False) is False


def test_scaled_limits_and_shared_realm_limiter() -> None:
    lim = Limits.scaled(60)
    assert (lim.requests_per_window, lim.max_in_flight, lim.batches_per_window, lim.window_s) == (
        500,
        10,
        40,
        1.0,
    )
    assert limiter_for_realm("realm-a") is limiter_for_realm("realm-a")
    assert limiter_for_realm("realm-a") is not limiter_for_realm("realm-b")
