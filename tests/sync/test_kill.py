"""SIGKILL the sync at random points during apply, again and again, then run to completion."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from wixqb_nb.config_file import save_config

CHILD = Path(__file__).with_name("sync_child.py")


def _kill_during_apply(env: Any, rng: random.Random) -> bool:
    """Start a child sync, SIGKILL it a random moment after its first push; True if it was killed."""
    secrets = env.config_path.with_name(env.config_path.stem + ".secrets.env")
    with subprocess.Popen(
        [sys.executable, str(CHILD), str(env.config_path), str(secrets)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as proc:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if line.startswith("push"):
            time.sleep(rng.uniform(0.0, 0.3))
        alive = proc.poll() is None
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        return alive and line.startswith("push")


def _kills(sync_env: Callable[..., Any], count: int) -> None:
    env = sync_env(orders=30, seed=21)
    save_config(env.config, env.config_path)
    env.run()  # the store's orders, so new ones can be copied from those that post cleanly
    env.sb.set_faults({"latency_ms": 60, "only_writes": True})
    rng = random.Random(2024)
    kills, step = 0, 0
    while kills < count:
        step += 1
        assert step < count * 3, f"only {kills} kills landed during apply in {step} attempts"
        env.add_copies(rng)
        kills += _kill_during_apply(env, rng)
    print(f"{kills} kills in {step} attempts")
    env.sb.set_faults({})
    final = env.run()
    assert final.exit_code in (0, 1), final.message
    _assert_consistent(env)


def _assert_consistent(env: Any) -> None:
    marked = env.marked()
    assert max(marked.values()) == 1, [k for k, v in marked.items() if v > 1]  # no duplicate
    with env.ledger() as ledger:
        assert ledger.unknown_writes() == []
        docs = ledger.documents()
        states = {o.state for o in ledger.orders().values()}
        all_ids = list(ledger.orders())
        settled = {w.resolution for w in ledger.writes()}
    assert "partial" not in states
    assert {"adopted", "absent"} & settled  # some kills did land between a write and its answer
    ledger_ids = {(d.entity, d.qbo_id) for d in docs if d.entity in env.qbo_docs() and d.status != "deleted"}
    qbo_ids = {(e, str(d["Id"])) for e, rows in env.qbo_docs().items() for d in rows}
    assert ledger_ids == qbo_ids  # the ledger and QBO agree, document for document
    # nothing missing: planning every order again from scratch finds nothing left to write
    check = env.run(dry_run=True, order_ids=all_ids)
    assert check.plan is not None
    with env.ledger() as ledger:
        left = [(o.order_id, o.status, ledger.order(o.order_id), [(w.kind, w.operation) for w in o.writes])
                for o in check.plan.orders if o.writes]  # fmt: skip
    assert left == []


def test_killed_twenty_times_during_apply_then_completed(sync_env: Callable[..., Any]) -> None:
    _kills(sync_env, 20)


@pytest.mark.soak
def test_killed_a_hundred_times_during_apply_then_completed(sync_env: Callable[..., Any]) -> None:
    _kills(sync_env, 100)
