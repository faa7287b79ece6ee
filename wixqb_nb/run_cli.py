"""``wixqb run`` (the sync notebook through papermill) and ``wixqb demo``; imports stay lazy."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer


def run_command(
    config: Path = typer.Option(..., "--config", help="the TOML configuration file"),
    dry_run: bool = typer.Option(False, "--dry-run", help="plan only: nothing is written to QuickBooks"),
    since: str = typer.Option("", help="ISO date or datetime (default: since the last successful run)"),
    until: str = typer.Option("", help="ISO date or datetime (default: now)"),
    reports: Path = typer.Option(Path("reports"), help="parent folder of the per-run report folders"),
) -> None:
    """Run 03_sync.ipynb with papermill; the executed notebook and the workbook land side by side.

    Exit codes: 0 all good; 1 the run finished but orders failed or the books disagree; 2 the run
    itself failed.
    """
    from wixqb_nb.notebook_run import run_sync_notebook

    run = run_sync_notebook(
        config, now=dt.datetime.now(dt.UTC), report_root=reports, dry_run=dry_run, since=since, until=until
    )
    typer.echo(f"Executed notebook: {run.notebook}")
    typer.echo(f"Excel workbook:    {run.workbook or '(none written)'}")
    if run.error:
        typer.echo(f"error: {run.error}", err=True)
    raise typer.Exit(run.exit_code)


def demo_command() -> None:
    """Run the demo against the embedded sandbox (what `make demo` calls); exits with the run's code."""
    from wixqb_nb.demo import describe, run_demo

    demo = run_demo(now=lambda: dt.datetime.now(dt.UTC), echo=typer.echo)
    for line in describe(demo):
        typer.echo(line)
    raise typer.Exit(demo.run.exit_code)
