"""The sync engine's commands: ``wixqb sync``, ``wixqb errors``, ``wixqb undo``, ``wixqb schedule``.

Exit codes (DESIGN.md): 0 all good; 1 the run finished but orders failed or discrepancies remain;
2 the run itself failed (configuration, authentication, network, another run holding the lock).
Secrets come from the environment (``WIXQB_WIX_API_KEY``, ``WIXQB_QBO_CLIENT_ID``,
``WIXQB_QBO_CLIENT_SECRET``) and the token file; a ``*.secrets.env`` file next to the config (as
``wixqb init --sandbox`` writes it) is read when those variables are not set.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.table import Table

from wixqb_nb.config import Config
from wixqb_nb.errors import ConfigError

errors_app = typer.Typer(
    help="Orders that could not be posted: list, retry or ignore them.", no_args_is_help=True
)
CONFIG_OPTION = typer.Option(..., "--config", "-c", help="the TOML configuration file")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _load(config_path: Path) -> Config:
    from wixqb_nb.config_file import load_config

    return load_config(config_path)


def parse_when(text: str, time_zone: str, *, end: bool = False) -> dt.datetime | None:
    """``--since``/``--until``: an ISO datetime, or a date (00:00 that day in the account's time zone;
    with ``end``, 00:00 the day after, so ``--until 2025-03-31`` includes the 31st)."""
    if not text:
        return None
    try:
        if "T" in text or " " in text.strip():
            when = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
            return when if when.tzinfo else when.replace(tzinfo=ZoneInfo(time_zone))
        day = dt.date.fromisoformat(text.strip()) + dt.timedelta(days=1 if end else 0)
    except ValueError as exc:
        raise ConfigError(f"not a date or datetime: {text!r} (use 2025-03-31 or 2025-03-31T12:00)") from exc
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=ZoneInfo(time_zone))


class _Bars:
    """tqdm bars for the long phases (fetching orders, pushing writes), on stderr."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bars: dict[str, Any] = {}

    def __call__(self, phase: str, n: int, total: int | None) -> None:
        if not self.enabled:
            return
        from tqdm.auto import tqdm

        if phase == "apply":
            self.bars["push"] = tqdm(total=total, desc="push to QBO", unit="write", leave=False)
            return
        bar = self.bars.get(phase)
        if bar is None:
            label = {"fetch": "fetch from Wix", "push": "push to QBO"}.get(phase, phase)
            bar = self.bars[phase] = tqdm(total=total, desc=label, unit="item", leave=False)
        bar.update(n)

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()


@contextmanager
def _clients(config: Config, config_path: Path) -> Iterator[Any]:
    from wixqb_nb.sync.connect import build_clients

    with build_clients(config, config_path=config_path) as clients:
        yield clients


def sync_command(
    config: Path = CONFIG_OPTION,
    dry_run: bool = typer.Option(False, "--dry-run", help="plan and preview only; write nothing to QBO"),
    since: str = typer.Option("", help="fetch orders changed since (ISO date/datetime; default: last run)"),
    until: str = typer.Option("", help="fetch orders changed before (ISO date/datetime)"),
    order: list[str] = typer.Option([], "--order", help="sync only this Wix order id (repeatable)"),
    report_dir: Path = typer.Option(Path("reports"), help="folder of the run's Excel workbook"),
    progress: bool = typer.Option(True, help="show progress bars"),
) -> None:
    """Sync Wix sales into QBO once; print a summary; exit 0 (ok), 1 (problems) or 2 (failed)."""
    from wixqb_nb.sync.connect import state_dir
    from wixqb_nb.sync.run import sync_run

    cfg = _load(config)
    tz = cfg.general.time_zone
    bars = _Bars(progress)
    try:
        with _clients(cfg, config) as clients:
            result = sync_run(
                cfg,
                wix=clients.wix,
                qbo=clients.qbo,
                now=_now(),
                dry_run=dry_run,
                since=parse_when(since, tz),
                until=parse_when(until, tz, end=True),
                order_ids=order,
                report_dir=report_dir,
                on_progress=bars,
                state_dir=state_dir(cfg, config),
                clock=_now,
            )
    finally:
        bars.close()
    _print_summary(result)
    raise typer.Exit(result.exit_code)


def _print_summary(result: Any) -> None:
    console = Console()
    table = Table(title=f"wixqb sync run {result.run_id}: {result.outcome}", show_header=True)
    table.add_column("what")
    table.add_column("count", justify="right")
    for key, value in result.counts.items():
        table.add_row(key.replace("_", " "), str(value))
    if result.recon is not None:
        table.add_row("discrepancies", str(len(result.recon.errors)))
    console.print(table)
    if result.outcome == "dry_run" and len(result.plan_frame):
        preview = Table(title="planned documents", show_header=True)
        cols = ["order_number", "kind", "entity", "operation", "doc_number", "wix_total", "status"]
        for col in cols:
            preview.add_column(col)
        for _, row in result.plan_frame.head(50).iterrows():
            preview.add_row(*("" if row[c] is None else str(row[c]) for c in cols))
        console.print(preview)
    for problem in result.errors[:20]:
        console.print(f"[yellow]order {problem.get('source_id', '')}[/]: {problem.get('message', '')}")
        if problem.get("hint"):
            console.print(f"    fix: {problem['hint']}")
    if result.message:
        console.print(result.message)
    if result.workbook is not None:
        console.print(f"workbook: {result.workbook}")


@contextmanager
def _ledger(config_path: Path) -> Iterator[Any]:
    from wixqb_nb.sync.connect import state_dir
    from wixqb_nb.sync.ledger import Ledger, ledger_path

    cfg = _load(config_path)
    path = ledger_path(state_dir(cfg, config_path), cfg.connection.qbo_realm_id)
    if not path.exists():
        raise ConfigError(f"no ledger yet at {path}: run `wixqb sync` first")
    with Ledger(path) as ledger:
        yield ledger


def _targets(ids: list[str]) -> str | list[int]:
    if ids == ["all"]:
        return "all"
    try:
        return [int(i) for i in ids]
    except ValueError as exc:
        raise ConfigError(f"error ids are numbers (or 'all'), not {' '.join(ids)!r}") from exc


@errors_app.command("list")
def errors_list(
    config: Path = CONFIG_OPTION,
    status: str = typer.Option("", help="only open, retried, ignored or resolved errors"),
) -> None:
    """List the errors (newest first) with the fix for each."""
    from wixqb_nb.sync.triage import list_errors

    with _ledger(config) as ledger:
        rows = list_errors(ledger, status=status or None)
    table = Table(title=f"{len(rows)} error(s)")
    for col in ("id", "order", "status", "field", "message", "fix", "seen"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            str(r.id), r.order_number or r.order_id, r.status, r.field, r.message, r.hint, str(r.occurrences)
        )
    Console(width=200).print(table)


@errors_app.command("retry")
def errors_retry(
    ids: list[str] = typer.Argument(..., help="error ids, or 'all' (open errors; never ignored ones)"),
    config: Path = CONFIG_OPTION,
) -> None:
    """Plan these orders again on the next run (after fixing the cause)."""
    from wixqb_nb.sync.triage import retry_errors

    with _ledger(config) as ledger:
        rows = retry_errors(ledger, _targets(ids), now=_now())
    typer.echo(f"{len(rows)} error(s) marked for retry: the next `wixqb sync` plans their orders again")


@errors_app.command("ignore")
def errors_ignore(
    ids: list[str] = typer.Argument(..., help="error ids, or 'all' (open and retried errors)"),
    config: Path = CONFIG_OPTION,
) -> None:
    """Leave these orders out of every future run (until retried by id)."""
    from wixqb_nb.sync.triage import ignore_errors

    with _ledger(config) as ledger:
        rows = ignore_errors(ledger, _targets(ids), now=_now())
    typer.echo(f"{len(rows)} error(s) ignored: their orders are left out of future runs")


def undo_command(
    run_id: int = typer.Argument(..., help="the run to undo (see the ledger's runs table)"),
    config: Path = CONFIG_OPTION,
    apply: bool = typer.Option(False, "--apply", help="do it (default: only say what would be done)"),
    void: bool = typer.Option(False, "--void", help="void transactions instead of deleting them"),
) -> None:
    """Take back what run RUN_ID posted (dry run unless --apply); exit 1 if anything failed."""
    from wixqb_nb.sync.connect import state_dir
    from wixqb_nb.sync.ledger import Ledger, ledger_path
    from wixqb_nb.sync.lock import RunLock
    from wixqb_nb.sync.undo import undo_run

    cfg = _load(config)
    sdir = state_dir(cfg, config)
    realm = cfg.connection.qbo_realm_id
    with RunLock(sdir, realm, purpose="undo", now=_now()), Ledger(ledger_path(sdir, realm)) as ledger:
        with _clients(cfg, config) as clients:
            report = undo_run(clients.qbo, ledger, run_id, apply=apply, void=void, clock=_now)
    table = Table(title=f"undo of run {run_id}" + ("" if report.applied else " (dry run: nothing changed)"))
    for col in ("entity", "id", "number", "action", "done", "why"):
        table.add_column(col)
    for a in report.actions:
        table.add_row(
            a.entity, a.qbo_id, a.doc_number or "", a.action, "yes" if a.done else "", a.error or a.reason
        )
    Console(width=200).print(table)
    for d in report.updated_only:
        typer.echo(f"not reverted: {d.entity} {d.doc_number or d.qbo_id} was only updated by run {run_id}")
    if not report.applied and any(a.action in ("delete", "void", "deactivate") for a in report.actions):
        typer.echo("run again with --apply to do it")
    raise typer.Exit(1 if report.failed else 0)


def schedule_command(
    config: Path = CONFIG_OPTION,
    direct: bool = typer.Option(
        False, "--direct", help="sync in this process instead of the papermill notebook"
    ),
    report_dir: Path = typer.Option(Path("reports"), help="parent folder of each run's reports"),
    max_runs: int = typer.Option(0, help="stop after this many ticks (0: run until stopped)"),
) -> None:
    """Sync every schedule.interval_minutes until stopped (Ctrl-C); skips a tick while a run is going."""
    from wixqb_nb.sync.schedule import direct_runner, run_schedule

    cfg = _load(config)
    if not cfg.schedule.automatic:
        raise ConfigError("schedule.automatic is false in the config: set it to true to schedule syncs")
    if direct:
        runner = direct_runner(report_dir)
    else:
        from wixqb_nb.notebook_run import papermill_runner

        runner = papermill_runner(report_dir)
    interval = cfg.schedule.interval_minutes * 60.0
    typer.echo(f"syncing {config} every {cfg.schedule.interval_minutes} min; Ctrl-C to stop")
    try:
        log = run_schedule(config, runner, interval_s=interval, max_ticks=max_runs or None)
    except KeyboardInterrupt:
        typer.echo("stopped")
        return
    typer.echo(f"{len(log.ticks)} tick(s), {log.skipped} skipped")
