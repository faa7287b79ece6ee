"""Peak memory of a 100,000-order dry run, through the product's own path, in a fresh process.

The parent serves a sandbox (a small store of the same demo generator first, so ``wixqb init``
writes a config for it, then the full store loaded in its place). A child process then runs
``sync_run(dry_run=True)`` over real HTTP: it searches every order, reads their transactions, reads
the QBO company and plans every order, exactly as ``wixqb sync --dry-run`` does. The child reports
its peak resident set (``VmHWM`` from ``/proc/self/status``: unlike ``ru_maxrss``, it starts afresh
at ``exec`` rather than inheriting the parent's size at ``fork``) and so does an identical child
that only imports the package and builds its clients (the interpreter, pandas, pydantic...), so the
figure is what the orders cost.

Figures:

- ``dry_run_peak_mb_per_1k_orders``: (peak - baseline) / (orders / 1000). Target <= 25: 100,000
  orders then fit in 2.5 GB on top of the interpreter, which a laptop's 8 GB holds with room for
  JupyterLab and the sandbox (see docs/BENCHMARKS.md).
- ``dry_run_peak_vs_raw_json``: the same peak over the bytes of the Wix answers the run read
  (info: how many times the raw payload the parsed orders, transactions and plan take).

Usage: ``python benchmarks/dry_run_memory.py [ORDERS]`` (default 100000).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ORDERS = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 100_000
SEED = 5
TARGET_MB_PER_1K = 25.0


def child(config_path: str, secrets: str, mode: str) -> None:
    """Run in the measured process: ``mode`` is ``dry_run`` or ``baseline`` (imports and clients only)."""
    from wixqb_nb.config_file import load_config
    from wixqb_nb.init.sandbox import load_secrets_env
    from wixqb_nb.sync.connect import build_clients, state_dir
    from wixqb_nb.sync.run import sync_run

    env: dict[str, str] = {}
    load_secrets_env(secrets, env)
    config = load_config(config_path)
    out: dict[str, object] = {}
    wix_bytes = [0]

    def count(response: Any) -> None:
        if "/wix/" in str(response.request.url):
            wix_bytes[0] += int(response.headers.get("content-length") or 0)

    t0 = time.perf_counter()
    with build_clients(config, config_path=config_path, env=env, event_hooks={"response": [count]}) as c:
        if mode == "dry_run":
            result = sync_run(
                config,
                wix=c.wix,
                qbo=c.qbo,
                now=dt.datetime.now(dt.UTC),
                dry_run=True,
                state_dir=state_dir(config, config_path),
                env=env,
            )
            out = {
                "outcome": result.outcome,
                "orders": result.counts.get("orders_seen", 0),
                "planned": len(result.plan.orders) if result.plan is not None else 0,
                "errors": len(result.errors),
                "requests": result.requests,
            }
    out["seconds"] = round(time.perf_counter() - t0, 1)
    out["wix_bytes"] = wix_bytes[0]
    status = Path("/proc/self/status").read_text()
    out["peak_kb"] = int(next(ln for ln in status.splitlines() if ln.startswith("VmHWM:")).split()[1])
    print(json.dumps(out))


def _measure(config: Path, secrets: Path, mode: str) -> dict[str, object]:
    proc = subprocess.run(
        [sys.executable, __file__, "--child", str(config), str(secrets), mode],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"the {mode} child failed:\n{proc.stderr[-3000:]}")
    result: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    from wixqb_nb.init.sandbox import init_sandbox
    from wixqb_nb.sandbox import SandboxServer
    from wixqb_nb.sandbox.demo.store import generate_store

    with tempfile.TemporaryDirectory() as tmp, SandboxServer(orders=300, seed=SEED, limits=False) as sb:
        config = Path(tmp) / "wixqb.toml"
        init = init_sandbox(sb.url, config, now=dt.datetime.now(dt.UTC))
        t0 = time.perf_counter()
        sb.load_store(generate_store(ORDERS, SEED))
        print(f"store: {ORDERS} orders generated and loaded in {time.perf_counter() - t0:.1f} s")
        base = _measure(config, init.secrets_file, "baseline")
        run = _measure(config, init.secrets_file, "dry_run")
    base_mb = int(base["peak_kb"]) / 1024  # type: ignore[call-overload]
    peak_mb = int(run["peak_kb"]) / 1024  # type: ignore[call-overload]
    raw_mb = int(run["wix_bytes"]) / 1e6  # type: ignore[call-overload]
    print(f"baseline process (imports + clients): {base_mb:.0f} MB peak")
    print(
        f"dry run: {run['orders']} orders seen, {run['planned']} planned, {run['errors']} errors, "
        f"{run['requests']} requests ({raw_mb:.0f} MB from Wix), {run['seconds']} s; {peak_mb:.0f} MB peak"
    )
    assert run["outcome"] == "dry_run" and run["orders"] == ORDERS, run
    per_1k = (peak_mb - base_mb) / (ORDERS / 1000)
    verdict = "PASS" if per_1k <= TARGET_MB_PER_1K else "FAIL"
    print(f"dry_run_peak_vs_raw_json: {(peak_mb - base_mb) / raw_mb:.2f} (info)")
    print(f"dry_run_peak_mb_per_1k_orders: {per_1k:.1f} (target <= {TARGET_MB_PER_1K:g}) {verdict}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        os.environ.setdefault("PYTHONHASHSEED", "0")
        child(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        main()
