"""Exactly once under faults: lost answers, 5xx, 429 bursts, a revoked access token, two runs at once."""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from wixqb_nb.clients._limits import Limits
from wixqb_nb.errors import RunLockedError
from wixqb_nb.sandbox.qbo.limits import LimitConfig

ORDERS = 60


def _access_token(env: Any) -> str:
    return str(json.loads(Path(env.config.connection.token_file).read_text())["access_token"])


def test_faults_end_with_one_document_per_sale_and_the_totals_of_a_clean_run(
    sync_env: Callable[..., Any],
) -> None:
    clean = sync_env(orders=ORDERS, seed=11)
    clean.run()
    clean.add_copies(random.Random(9), count=12)
    clean.run()
    expected = clean.totals()

    env = sync_env(orders=ORDERS, seed=11)
    env.sb.set_faults({"seed": 5, "lost_response_rate": 0.10, "error_rate": 0.05})
    service = env.sb.state.qbo.service
    # QBO's windows shrunk to a second and cut down: bursts of 429 with Retry-After
    service.limits = LimitConfig(requests_per_minute=40, batch_per_minute=2, max_concurrent=2, time_scale=60)
    # the client may send one batch in two seconds: nearly every write is its own request, each one rolling
    # the fault dice (batching would hide most of them)
    env.qbo_limits = Limits(batches_per_window=1, window_s=2.0, max_in_flight=4)
    revoked: list[str] = []
    replays: list[str] = []
    recall = service.recall

    def counting_recall(realm: str, request_id: str) -> bytes | None:
        answer = recall(realm, request_id)
        if answer is not None:
            replays.append(request_id)  # a retry after a lost answer, served QBO's first answer
        return answer

    service.recall = counting_recall

    def revoke_once(phase: str, n: int, total: int | None) -> None:
        if phase == "push" and not revoked:  # mid-run: the writes have started
            revoked.append(_access_token(env))
            service.oauth.revoke(revoked[0])

    results = [env.run(on_progress=revoke_once)]
    env.add_copies(random.Random(9), count=12)  # more orders arrive; the faults go on
    results.append(env.run())
    while results[-1].exit_code != 0 and len(results) < 5:
        results.append(env.run())
    assert revoked, "the access token was never revoked"
    marked = env.marked()
    assert max(marked.values()) == 1, [k for k, v in marked.items() if v > 1]
    assert env.totals() == expected
    with env.ledger() as ledger:
        assert ledger.unknown_writes() == []
    assert _access_token(env) != revoked[0]  # refreshed and carried on
    # the faults did happen: throttled, failed with 5xx, refused the revoked token
    assert env.statuses[429] >= 2 and env.statuses[500] + env.statuses[503] >= 1 and env.statuses[401] >= 1
    assert replays  # answers lost after QBO committed the write were replayed, not written twice


def test_two_runs_at_once_one_is_refused_and_nothing_is_posted_twice(sync_env: Callable[..., Any]) -> None:
    env = sync_env(orders=20)
    pushing, release = threading.Event(), threading.Event()

    def hold(phase: str, n: int, total: int | None) -> None:
        if phase == "push" and not pushing.is_set():
            pushing.set()
            release.wait(30)

    outcome: list[Any] = []
    first = threading.Thread(target=lambda: outcome.append(env.run(on_progress=hold)))
    first.start()
    try:
        assert pushing.wait(30)
        with pytest.raises(RunLockedError, match="another run is in progress"):
            env.run()
    finally:
        release.set()
        first.join(60)
    assert outcome and outcome[0].exit_code in (0, 1)
    assert max(env.marked().values()) == 1
    assert env.run().counts["writes_ok"] == 0
