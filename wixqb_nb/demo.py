"""``wixqb demo`` (what ``make demo`` runs): the whole product against the embedded sandbox.

First run: start the sandbox with the ``ca-qc`` demo store (a few hundred orders over several
weeks) persisted under ``.wixqb/demo/``, write a config mapped to it (``wixqb init``), execute
``03_sync.ipynb`` with papermill into ``reports/<timestamp>/``, and print where the executed
notebook and the workbook are and how to open JupyterLab against the same sandbox.

Every later run restarts the same sandbox from its state file, simulates the store's activity
since the previous run (at most the last hour: a few new orders, a payment on an unpaid order, a
refund) with the demo generator's ``advance_store``, and syncs incrementally.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wixqb_nb.config_file import load_config, save_config
from wixqb_nb.init.sandbox import init_sandbox, sandbox_connection
from wixqb_nb.notebook_run import NotebookRun, run_sync_notebook

DEMO_DIR = Path(".wixqb") / "demo"
DEFAULT_PORT = 8642
DEMO_ORDERS = 300
DEMO_SEED = 7
PROFILE = "ca-qc"


@dataclass(frozen=True)
class DemoRun:
    """What one ``wixqb demo`` did."""

    first: bool
    config: Path
    url: str
    changes: dict[str, int]
    run: NotebookRun


def _start_server(state_file: Path, port: int, orders: int, seed: int) -> Any:
    from wixqb_nb.sandbox import SandboxServer

    for candidate in (port, 0):
        server = SandboxServer(
            profile=PROFILE, orders=orders, seed=seed, state_file=state_file, port=candidate
        )
        try:
            return server.start()
        except OSError:
            continue  # the preferred port is taken: any free one will do (the config is rewritten)
    raise RuntimeError("the sandbox could not start")


def _advance(server: Any, seed: int, since: dt.datetime, now: dt.datetime) -> dict[str, int]:
    """Let the store live from ``since`` to ``now`` (at most its last hour) through the sandbox's
    ``advance`` (the demo generator's ``advance_store``): new orders, a payment, a refund.

    Never more than the time since the last run, so no change lands before the sync's watermark.
    """
    hours = max(1 / 60, min(1.0, (now - since).total_seconds() / 3600))
    changed = server.advance(hours=hours, seed=seed)
    return {"new_orders": len(changed["new_orders"]), "updated_orders": len(changed["updated_orders"])}


def _point_config_at(config_path: Path, url: str) -> None:
    """Rewrite the config's sandbox URLs when the sandbox came up on another port (keeps comments)."""
    config = load_config(config_path)
    if config.connection.wix_base_url == f"{url}/wix":
        return
    creds = {"wix_site_id": config.connection.wix_site_id, "realm_id": config.connection.qbo_realm_id}
    conn = sandbox_connection(
        url, creds, Path(config.connection.token_file), Path(config.connection.state_dir)
    )
    save_config(
        config.model_copy(update={"connection": config.connection.model_copy(update=conn)}), config_path
    )


def run_demo(
    *,
    now: Callable[[], dt.datetime],
    root: Path = DEMO_DIR,
    reports: Path = Path("reports"),
    port: int = DEFAULT_PORT,
    orders: int = DEMO_ORDERS,
    seed: int = DEMO_SEED,
    echo: Callable[[str], None] = print,
) -> DemoRun:
    """Run the demo once (first run or the next hour); see the module docstring."""
    root.mkdir(parents=True, exist_ok=True)
    state_file, config_path, marks = root / "sandbox.json", root / "config.toml", root / "demo.json"
    first = not (state_file.exists() and config_path.exists() and marks.exists())
    if first:
        for stale in (state_file, marks):
            stale.unlink(missing_ok=True)
        echo(f"Starting the sandbox with the {PROFILE} demo store ({orders} orders)...")
    server = _start_server(state_file, port, orders, seed)
    try:
        changes: dict[str, int] = {}
        if first:
            result = init_sandbox(server.url, config_path, now=now())
            echo(
                f"Wrote {result.config_path} ({result.orders} orders; start date {result.config.general.start_date})"
            )
        else:
            last = dt.datetime.fromisoformat(json.loads(marks.read_text(encoding="utf-8"))["last_run"])
            changes = _advance(server, seed, last, now())
            _point_config_at(config_path, server.url)
            echo(
                f"Simulated the store since the last demo run: {changes['new_orders']} new orders, "
                f"{changes['updated_orders']} orders paid or refunded"
            )
        started = now()  # the run reads the 0600 secrets file next to the config itself
        echo("Running 03_sync.ipynb with papermill (sync, reconciliation, Excel report)...")
        run = run_sync_notebook(config_path, now=started, report_root=reports)
        marks.write_text(json.dumps({"last_run": started.isoformat(), "url": server.url}), encoding="utf-8")
    finally:
        server.stop()
    return DemoRun(first, config_path.resolve(), server.url, changes, run)


def describe(demo: DemoRun, state_file: Path = DEMO_DIR / "sandbox.json") -> list[str]:
    """The lines ``wixqb demo`` prints at the end."""
    run = demo.run
    port = demo.url.rsplit(":", 1)[-1]
    lines = [
        "",
        f"Executed notebook: {run.notebook}",
        f"Excel workbook:    {run.workbook or '(none written)'}",
        f"Outcome: exit code {run.exit_code}" + (f" ({run.error})" if run.error else ""),
    ]
    if run.summary:
        keep = ("orders_seen", "orders_posted", "orders_failed", "reconciliation")
        lines.append("Summary: " + ", ".join(f"{k}={run.summary[k]}" for k in keep if k in run.summary))
    lines += [
        "",
        "Explore the same company in JupyterLab:",
        f"  .venv/bin/wixqb sandbox serve --state {state_file} --port {port} &",
        "  .venv/bin/jupyter lab notebooks/",
        f'  (in each notebook set the config parameter to "{demo.config}")',
        "Run `make demo` again to simulate the next hour of the store and sync incrementally.",
    ]
    return lines


__all__ = ["DemoRun", "describe", "run_demo"]
