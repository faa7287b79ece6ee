"""The sync notebook's calls: run the sync, show a summary and a chart, and fail loudly.

``run_sync(params, now=)`` is :func:`wixqb_nb.sync.run.sync_run` with the clients built from the
config and the secrets in the environment; the workbook goes to ``params.report_dir`` (a new
``reports/<timestamp>/`` next to the config file when empty). ``finish`` writes ``run.json`` for the papermill runner and
raises when the run did not end well, so papermill exits non-zero and the executed notebook shows
why: :class:`~wixqb_nb.errors.ReconciliationFailed` when the run finished but orders failed or the
books disagree (exit 1), :class:`~wixqb_nb.errors.WixQbError` when the run itself failed (exit 2).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from wixqb_nb.config_file import load_config
from wixqb_nb.errors import ReconciliationFailed, WixQbError
from wixqb_nb.notebook_run import RunParams, new_report_dir, write_run_file
from wixqb_nb.sync.run import RunResult


def report_dir(params: RunParams, now: dt.datetime) -> Path:
    """Where this run's workbook goes: ``report_dir``, else ``reports/<timestamp>/`` next to the
    config file (never the kernel's working directory, which is the notebooks' own folder)."""
    if params.report_dir:
        return Path(params.report_dir)
    return new_report_dir(Path(params.config).resolve().parent / "reports", now)


def run_sync(params: RunParams, *, now: dt.datetime, env: Mapping[str, str] | None = None) -> RunResult:
    """Sync, reconcile, write the workbook and send the email (per the config); never raises for a
    failed run (see :func:`finish`)."""
    from wixqb_nb.sync.connect import build_clients, state_dir
    from wixqb_nb.sync.run import sync_run

    config = load_config(params.config)
    since, until = params.window(config.general.time_zone)
    out = report_dir(params, now)
    with build_clients(config, config_path=params.config, env=os.environ if env is None else env) as clients:
        return sync_run(
            config,
            wix=clients.wix,
            qbo=clients.qbo,
            now=now,
            dry_run=params.dry_run,
            since=since,
            until=until,
            report_dir=out,
            state_dir=state_dir(config, params.config),
            env=env,
        )


def summary(result: RunResult) -> dict[str, Any]:
    """The run in plain values (what ``run.json`` holds; no secret, no customer data)."""
    recon = result.recon
    return {
        "run_id": result.run_id,
        "outcome": result.outcome,
        "exit_code": result.exit_code,
        "message": result.message,
        **{k: v for k, v in sorted(result.counts.items())},
        "errors": len(result.errors),
        "reconciliation": "not run" if recon is None else ("passed" if recon.matches() else "failed"),
        "discrepancies": 0 if recon is None else len(recon.errors),
        "workbook": str(result.workbook) if result.workbook else "",
        "email": result.email,
    }


def summary_frame(result: RunResult) -> pd.DataFrame:
    """:func:`summary` as a one-column table."""
    return pd.DataFrame({"value": {k: str(v) for k, v in summary(result).items()}})


def plot_run(result: RunResult) -> Any:
    """Documents per kind and status, and (when reconciled) daily Wix vs QBO sales in cents."""
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4))
    frame = result.plan_frame
    if not frame.empty:
        counts = frame.fillna({"kind": "(order)"}).groupby(["kind", "status"]).size().unstack(fill_value=0)
        counts.plot.bar(ax=left, stacked=True)
    left.set_title("Planned documents by kind and status")
    if result.recon is not None:
        sales = [t for t in result.recon.daily_tieouts if t.kind == "sales"]
        days = sorted({t.date for t in sales})
        wix = [sum(int(t.wix_amount * 100) for t in sales if t.date == d) for d in days]
        qbo = [sum(int(t.qbo_amount * 100) for t in sales if t.date == d) for d in days]
        right.plot(days, wix, label="Wix", marker="o")
        right.plot(days, qbo, label="QBO", linestyle="--")
        right.legend()
        right.tick_params(axis="x", labelrotation=60)
    right.set_title("Daily sales, Wix vs QBO (cents)")
    fig.tight_layout()
    return fig


def finish(result: RunResult, params: RunParams) -> None:
    """Write ``run.json`` next to the workbook; raise unless the run ended well.

    Raises
    ------
    ReconciliationFailed
        The run finished but some orders failed or the books disagree (exit code 1).
    WixQbError
        The run itself failed (exit code 2).
    """
    folder = (
        Path(params.report_dir)
        if params.report_dir
        else (result.workbook.parent if result.workbook else None)
    )
    if folder is not None:
        write_run_file(folder, summary(result))
    if result.exit_code == 1:
        raise ReconciliationFailed(
            f"run {result.run_id} finished with problems: {result.message}", result.recon
        )
    if result.exit_code != 0:
        raise WixQbError(f"run {result.run_id} failed: {result.message}")
