"""How the cost per order grows with the store: plan and reconcile at 1,000, 10,000 and 100,000 orders.

The orders come from the demo generator (customers who return, refunds, discounts, gift cards,
the penny cases), generated and parsed into the package's models once, at the largest size; each
smaller size is the first orders of that store (the generator puts its special cases first). The configuration and the QBO
reference snapshot are the real ones: ``wixqb init`` against a sandbox of the same generator and
the snapshot the sync reads from it. Per size:

- plan: :func:`wixqb_nb.mapping.plan` of every order (what a dry run does after fetching);
- reconcile: :func:`wixqb_nb.reconcile.reconcile` of those orders against the QBO documents the
  plan would create (the planned payloads with Ids, as QBO would hold them after the push).

The garbage collector stays on while timing (it is part of the cost on a large heap); each
measurement starts after a ``gc.collect()``. It is off while the store is generated and parsed, which
is set-up, not measured. The two smaller sizes take the best of three runs, 100,000 one run.

Figures: ``scaling_plan_100k_vs_1k_per_order`` and ``scaling_reconcile_100k_vs_1k_per_order`` (the
cost per order at 100,000 over the cost per order at 1,000; target <= 1.5, i.e. linear growth
with room for cache effects), and the 10,000 ones for information.

Usage: ``python benchmarks/scaling.py [SIZES...]`` (default 1000 10000 100000).
"""

from __future__ import annotations

import datetime as dt
import gc
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from wixqb_nb.config import Config
from wixqb_nb.init.sandbox import init_sandbox, load_secrets_env
from wixqb_nb.mapping import Plan, QboSnapshot, plan, resolve_refs
from wixqb_nb.models.wix import Order, OrderTransactions
from wixqb_nb.reconcile import reconcile
from wixqb_nb.sandbox import SandboxServer
from wixqb_nb.sandbox.demo.store import generate_store
from wixqb_nb.sync.connect import build_clients
from wixqb_nb.sync.snapshot import LazySnapshot

SIZES = [int(a) for a in sys.argv[1:]] or [1_000, 10_000, 100_000]
SEED = 5
TARGET = 1.5
SALE_ENTITIES = ("Invoice", "SalesReceipt", "Payment", "CreditMemo", "RefundReceipt")


def company() -> tuple[Config, QboSnapshot]:
    """The config ``wixqb init`` writes for a demo sandbox, and the QBO snapshot a run reads from it."""
    with tempfile.TemporaryDirectory() as tmp, SandboxServer(orders=300, seed=SEED, limits=False) as sb:
        path = Path(tmp) / "wixqb.toml"
        init = init_sandbox(sb.url, path, now=dt.datetime.now(dt.UTC))
        env: dict[str, str] = {}
        load_secrets_env(init.secrets_file, env)
        with build_clients(init.config, config_path=path, env=env) as c:
            snapshot = LazySnapshot(c.qbo, nonce="scaling").get()
    return init.config, snapshot


def held_documents(the_plan: Plan) -> dict[str, list[dict[str, Any]]]:
    """What QBO would hold once the plan is pushed: each created payload with an Id and its total."""
    ids: dict[str, str] = {}
    docs: dict[str, list[dict[str, Any]]] = {e: [] for e in SALE_ENTITIES}
    for order in the_plan.orders:
        for w in order.writes:
            qbo_id = str(len(ids) + 1)
            ids[w.idempotency_key] = qbo_id
            if w.entity not in docs or w.operation != "create":
                continue
            doc = resolve_refs(w.payload, ids)
            doc.update(Id=qbo_id, SyncToken="0")
            total = w.predicted_total if w.predicted_total is not None else w.wix_total
            if total is not None:
                doc["TotalAmt"] = total
                doc.setdefault("Balance", Decimal("0.00"))
            docs[w.entity].append(doc)
    return docs


def timed(fn: Callable[[], object], runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def measure(
    all_orders: list[Order],
    all_txs: dict[str, OrderTransactions],
    n: int,
    config: Config,
    snapshot: QboSnapshot,
    now: dt.datetime,
) -> tuple[float, float, int]:
    """(plan seconds per order, reconcile seconds per order, documents) for the first ``n`` orders."""
    orders = all_orders[:n]
    txs = {o.id: all_txs[o.id] for o in orders if o.id in all_txs}
    runs = 3 if n <= 10_000 else 1
    plans: list[Plan] = []
    t_plan = timed(lambda: plans.append(plan(orders, txs, config, snapshot, now=now)), runs)
    docs = held_documents(plans[-1])
    tx_list = list(txs.values())
    t_recon = timed(lambda: reconcile(orders, tx_list, docs, config), runs)
    return t_plan / n, t_recon / n, sum(len(v) for v in docs.values())


def main() -> None:
    config, snapshot = company()
    now = dt.datetime.now(dt.UTC)
    rows: dict[int, tuple[float, float, int]] = {}
    t0 = time.perf_counter()
    gc.disable()  # set-up only: millions of new objects make the cyclic GC rescan the heap (5x slower)
    try:
        store = generate_store(max(SIZES), SEED)
        orders = [Order.model_validate(o) for o in store["orders"]]
        txs = {t.order_id: t for t in (OrderTransactions.model_validate(t) for t in store["transactions"])}
        del store
    finally:
        gc.enable()
    print(f"{max(SIZES)} orders generated and parsed in {time.perf_counter() - t0:.0f} s")
    print(f"{'orders':>8} {'documents':>10} {'plan us/order':>14} {'reconcile us/order':>19}")
    for n in SIZES:
        rows[n] = measure(orders, txs, n, config, snapshot, now)
        p, r, docs = rows[n]
        print(f"{n:>8} {docs:>10} {p * 1e6:>14.1f} {r * 1e6:>19.1f}", flush=True)
    small, large = min(SIZES), max(SIZES)
    middle = sorted(SIZES)[len(SIZES) // 2] if len(SIZES) > 2 else None
    for name, idx in (("plan", 0), ("reconcile", 1)):
        if middle is not None:
            # fixed costs weigh on the smallest size; this one shows growth between two large sizes
            ratio = rows[large][idx] / rows[middle][idx]
            print(f"scaling_{name}_{large // 1000}k_vs_{middle // 1000}k_per_order: {ratio:.2f} (info)")
        ratio = rows[large][idx] / rows[small][idx]
        verdict = "PASS" if ratio <= TARGET else "FAIL"
        print(
            f"scaling_{name}_{large // 1000}k_vs_{small // 1000}k_per_order: {ratio:.2f} (target <= {TARGET}) {verdict}"
        )


if __name__ == "__main__":
    main()
