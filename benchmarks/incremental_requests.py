"""Requests made by an incremental run over an unchanged store, and by one that finds one new order.

A sandbox store of ``ORDERS`` demo orders is synced once (limits off, so the first run is quick);
then a second run over the unchanged store counts its HTTP requests (Wix and QBO together, from the
``requests`` the run reports, which an httpx event hook counts on both clients). A third run, after
one new paid order arrives, shows what a typical hourly run costs.

Figures: ``no_change_run_requests`` (target <= 3, issue 5) and ``one_new_order_run_requests`` (info).
Counts, not times: the same on any machine.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from pathlib import Path

from wixqb_nb.init.sandbox import init_sandbox, load_secrets_env
from wixqb_nb.sandbox import SandboxServer
from wixqb_nb.sync.connect import build_clients, state_dir
from wixqb_nb.sync.run import RunResult, sync_run

ORDERS = int(sys.argv[1]) if len(sys.argv) > 1 else 300
TARGET = 3


def run(config_path: Path, secrets: Path) -> RunResult:
    from wixqb_nb.config_file import load_config

    env: dict[str, str] = {}
    load_secrets_env(secrets, env)
    config = load_config(config_path)
    now = dt.datetime.now(dt.UTC)
    with build_clients(config, config_path=config_path, env=env) as c:
        return sync_run(
            config, wix=c.wix, qbo=c.qbo, now=now, state_dir=state_dir(config, config_path), env=env
        )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp, SandboxServer(orders=ORDERS, seed=3, limits=False) as sb:
        path = Path(tmp) / "wixqb.toml"
        init = init_sandbox(sb.url, path, now=dt.datetime.now(dt.UTC))
        first = run(path, init.secrets_file)
        print(f"first run: {first.counts.get('orders_posted', 0)} orders posted, {first.requests} requests")
        second = run(path, init.secrets_file)
        print(f"unchanged store: outcome {second.outcome}, {second.requests} requests")
        new = sb.advance(hours=1, seed=11)
        third = run(path, init.secrets_file)
        print(
            f"after the next hour of the demo store ({len(new['new_orders'])} new orders, "
            f"{len(new['updated_orders'])} updated): {third.counts.get('orders_posted', 0)} posted, "
            f"{third.requests} requests"
        )
    unchanged = sum(second.requests.values())
    verdict = "PASS" if unchanged <= TARGET and second.counts.get("writes_ok", 0) == 0 else "FAIL"
    print(f"next_hour_run_requests: {sum(third.requests.values())} (info)")
    print(f"no_change_run_requests: {unchanged} (target <= {TARGET}) {verdict}")


if __name__ == "__main__":
    main()
