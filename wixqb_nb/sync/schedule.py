"""``wixqb schedule``: run the sync every ``schedule.interval_minutes``, for as long as it is left running.

Ticks are on a fixed grid from the start (a slow run does not shift the next ones). Each run goes
to a worker thread; a tick that comes while the previous run is still going is skipped (and
logged), never queued, so runs cannot pile up. A failing run (an exception, or exit code 2) is
logged and the schedule carries on. What a run *is* comes from the ``runner``: by default the
papermill sync notebook (:func:`wixqb_nb.notebook_run.papermill_runner`, an executed notebook and
a workbook per run), or :func:`direct_runner` (the sync in this process). The run lock still
guards the company: a run started by cron or by hand at the same time is refused, not doubled.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

#: ``runner(config_path, now) -> exit code``: one sync run.
Runner = Callable[[Path, dt.datetime], int]


@dataclass
class Tick:
    """One tick of the schedule: whether it ran, and how the run ended (``None`` while running)."""

    number: int
    at: dt.datetime
    started: bool
    exit_code: int | None = None
    error: str = ""


@dataclass
class ScheduleLog:
    """Every tick so far (the scheduler appends; read it after :func:`run_schedule` returns)."""

    ticks: list[Tick] = field(default_factory=list)

    @property
    def skipped(self) -> int:
        """Ticks skipped because the previous run was still going."""
        return sum(1 for t in self.ticks if not t.started)


def run_schedule(
    config_path: str | Path,
    runner: Runner,
    *,
    interval_s: float,
    stop: threading.Event | None = None,
    max_ticks: int | None = None,
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    monotonic: Callable[[], float] = time.monotonic,
) -> ScheduleLog:
    """Call ``runner`` every ``interval_s`` seconds until ``stop`` is set or ``max_ticks`` ticks passed.

    Returns once the last run started has finished.
    """
    stop = stop or threading.Event()
    path = Path(config_path)
    history = ScheduleLog()
    worker: threading.Thread | None = None
    start = monotonic()
    number = 0
    while not stop.is_set() and (max_ticks is None or number < max_ticks):
        tick = Tick(number, now(), started=False)
        history.ticks.append(tick)
        if worker is not None and worker.is_alive():
            log.warning("tick %d skipped: the previous sync run is still going", number)
        else:
            tick.started = True
            worker = threading.Thread(target=_run, args=(runner, path, tick), name=f"wixqb-sync-{number}")
            worker.start()
        number += 1
        delay = start + number * interval_s - monotonic()
        if delay > 0:
            stop.wait(delay)
    if worker is not None:
        worker.join()
    return history


def _run(runner: Runner, path: Path, tick: Tick) -> None:
    try:
        tick.exit_code = runner(path, tick.at)
    except Exception as exc:  # a failing run must not end the schedule
        tick.exit_code, tick.error = 2, f"{type(exc).__name__}: {exc}"
        log.exception("sync run of tick %d failed", tick.number)
        return
    if tick.exit_code == 2:
        log.error("sync run of tick %d failed (exit code 2)", tick.number)


def direct_runner(report_root: str | Path = "reports") -> Runner:
    """A runner that syncs in this process (no notebook), workbooks under ``report_root``."""

    def run(config_path: Path, now: dt.datetime) -> int:
        from wixqb_nb.config_file import load_config
        from wixqb_nb.errors import WixQbError
        from wixqb_nb.sync.connect import build_clients, state_dir
        from wixqb_nb.sync.run import sync_run

        try:
            config = load_config(config_path)
            with build_clients(config, config_path=config_path) as clients:
                result = sync_run(
                    config,
                    wix=clients.wix,
                    qbo=clients.qbo,
                    now=now,
                    report_dir=Path(report_root),
                    state_dir=state_dir(config, config_path),
                    clock=lambda: dt.datetime.now(dt.UTC),
                )
        except WixQbError as exc:
            log.error("sync run failed: %s", exc)
            return exc.exit_code
        return result.exit_code

    return run
