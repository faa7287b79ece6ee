"""Faults, throttles and the concurrent push against the sandbox: retried to success within bounds,
never a duplicate after a lost answer, limits respected, and no secret in any log line."""

from __future__ import annotations

import logging
import time
import uuid
from typing import Any

import pytest

from wixqb_nb import errors
from wixqb_nb.clients import BatchItem, Limits, RetryPolicy, qbo_query


def key(label: str) -> str:
    return f"test:{label}:{uuid.uuid4().hex}"


def test_injected_5xx_are_retried_to_success(make_kit: Any) -> None:
    with make_kit(limits=False, faults={"seed": 7, "error_rate": 0.3}) as kit:
        qbo = kit.client()
        names = [f"Retry {uuid.uuid4().hex[:6]} {n}" for n in range(30)]
        for n in names:
            qbo.create("Customer", {"DisplayName": n}, key(n))
        assert qbo.core.retries_total > 0
        kit.sb.admin.set_faults({"seed": 0})
        for n in names:
            assert len(qbo.select_where("Customer", DisplayName=n)) == 1


def test_retries_stop_at_the_bound(make_kit: Any) -> None:
    with make_kit(limits=False, faults={"seed": 1, "error_rate": 1.0}) as kit:
        qbo = kit.client(retry=RetryPolicy(max_retries=3, backoff_base_s=0.001))
        with pytest.raises(errors.ServerError):
            qbo.company_info()
        assert qbo.core.retries_total == 3


def test_lost_answers_never_duplicate_a_write(make_kit: Any) -> None:
    with make_kit(limits=False, faults={"seed": 3, "lost_response_rate": 0.5, "only_writes": True}) as kit:
        qbo = kit.client()
        tag = uuid.uuid4().hex[:6]
        created = [
            qbo.create("Customer", {"DisplayName": f"Lost {tag} {n}"}, key(f"l{n}")) for n in range(20)
        ]
        items = [
            BatchItem("create", "Customer", {"DisplayName": f"LostB {tag} {n}"}, key(f"lb{n}"))
            for n in range(40)
        ]
        results = qbo.batch(items)
        assert all(r.ok for r in results)
        assert qbo.core.retries_total > 0  # answers were lost and the writes were sent again
        kit.sb.admin.set_faults({"seed": 0})
        assert len({c["Id"] for c in created}) == 20
        rows = list(
            qbo.query_iter(
                qbo_query.select("Customer", [qbo_query.condition("DisplayName", "LIKE", f"Lost% {tag} %")])
            )
        )
        assert len(rows) == 60  # one each, despite the replays


def test_server_throttles_are_retried_and_the_client_limiter_avoids_them(make_kit: Any) -> None:
    # time_scale=60: QBO's 40 batches/minute become 40 per second.
    with make_kit(time_scale=60, limits=True, faults={"seed": 5, "xml_throttle": True}) as kit:
        q = "SELECT * FROM Customer MAXRESULTS 1"
        blind = kit.client(retry=RetryPolicy(max_retries=10, backoff_base_s=0.05, retry_after_max_s=0.3))
        results = [blind.batch([BatchItem("query", "Customer", q, key(f"t{n}"))]) for n in range(45)]
        assert all(r[0].ok for r in results)
        assert blind.core.retries_total > 0  # the server said 429 (JSON or XML) and the client waited
        careful = kit.client(limits=Limits.scaled(60))
        time.sleep(careful.limiter.limits.effective_window_s)  # let the blind client's window age out
        results = [careful.batch([BatchItem("query", "Customer", q, key(f"c{n}"))]) for n in range(45)]
        assert all(r[0].ok for r in results)
        assert careful.core.retries_total == 0


def test_batch_create_many_pushes_everything_once_within_limits(make_kit: Any) -> None:
    with make_kit(time_scale=30, limits=True) as kit:
        grants: list[tuple[float, bool]] = []
        qbo = kit.client(limits=Limits.scaled(30))
        qbo.limiter._on_grant = lambda t, b: grants.append((t, b))
        tag = uuid.uuid4().hex[:6]
        items = [("Customer", {"DisplayName": f"Push {tag} {n:04d}"}, key(f"p{n}")) for n in range(1300)]
        items.append(("Customer", {"DisplayName": f"Push {tag} 0001"}, key("dup")))  # fails alone (6240)
        done: list[int] = []
        results = qbo.batch_create_many(items, on_progress=done.append)
        assert len(results) == 1301 and sum(done) == 1301
        assert [r.key for r in results] == [i[2] for i in items]
        assert [r.ok for r in results].count(False) == 1 and isinstance(
            results[-1].error, errors.DuplicateNameError
        )
        assert qbo.core.retries_total == 0  # no 429: the client stayed under the server's limits
        # 1,300 items exceed the 40 x 30 a window's batches hold: singles use the rest of the request budget.
        batches = sum(1 for _, b in grants if b)
        assert batches >= 1 and len(grants) - batches >= 1  # batches while the budget lasted, singles beside
        rows = list(
            qbo.query_iter(
                qbo_query.select("Customer", [qbo_query.condition("DisplayName", "LIKE", f"Push {tag}%")])
            )
        )
        assert len(rows) == 1300


def test_no_secret_reaches_the_logs(kit: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="wixqb_nb")
    store = kit.tokens(expires_in=-10)
    first = store.tokens
    qbo = kit.client(store)
    qbo.company_info()  # refresh (rotation) then a call
    with pytest.raises(errors.DuplicateNameError):
        name = f"Log {uuid.uuid4().hex[:6]}"
        qbo.create("Customer", {"DisplayName": name}, key("a"))
        qbo.create("Customer", {"DisplayName": name}, key("b"))
    secrets = {
        first.access_token,
        first.refresh_token,
        store.tokens.access_token,
        store.tokens.refresh_token,
        kit.sb.credentials.client_secret,
    }
    assert caplog.records  # something was logged
    for record in caplog.records:
        text = record.getMessage() + repr(getattr(record, "wixqb", ""))
        for s in secrets:
            assert s not in text
    assert any("qbo.token_refreshed" in r.getMessage() for r in caplog.records)
