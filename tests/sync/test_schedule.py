"""The scheduler: a fixed grid of ticks, skipped while a run is going, carrying on after failures."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

from wixqb_nb.sync.schedule import run_schedule


def test_ticks_run_the_runner_with_the_config_and_the_tick_time(tmp_path: Path) -> None:
    calls: list[tuple[Path, dt.datetime]] = []

    def runner(path: Path, now: dt.datetime) -> int:
        calls.append((path, now))
        return 0

    log = run_schedule(tmp_path / "c.toml", runner, interval_s=0.01, max_ticks=4)
    assert [t.exit_code for t in log.ticks] == [0, 0, 0, 0]
    assert [p for p, _ in calls] == [tmp_path / "c.toml"] * 4
    assert [n for _, n in calls] == [t.at for t in log.ticks]


def test_a_tick_is_skipped_while_the_previous_run_is_still_going(tmp_path: Path) -> None:
    release = threading.Event()
    started: list[int] = []

    def slow(path: Path, now: dt.datetime) -> int:
        started.append(1)
        release.wait(5)
        return 0

    ticks = 0
    stop = threading.Event()

    def clock() -> dt.datetime:
        nonlocal ticks
        ticks += 1
        if ticks == 4:
            release.set()  # the long run ends during the fourth tick
        return dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=ticks)

    log = run_schedule(tmp_path / "c.toml", slow, interval_s=0.02, max_ticks=6, stop=stop, now=clock)
    assert log.ticks[0].started and not log.ticks[1].started and not log.ticks[2].started
    assert log.skipped >= 2
    assert len(started) == sum(1 for t in log.ticks if t.started) >= 2  # runs resumed after it ended


def test_a_failing_run_does_not_stop_the_schedule(tmp_path: Path) -> None:
    outcomes = iter([RuntimeError("network down"), 2, 0])

    def flaky(path: Path, now: dt.datetime) -> int:
        item = next(outcomes)
        if isinstance(item, Exception):
            raise item
        return item

    log = run_schedule(tmp_path / "c.toml", flaky, interval_s=0.02, max_ticks=3)
    assert [t.exit_code for t in log.ticks] == [2, 2, 0]
    assert "network down" in log.ticks[0].error


def test_stop_ends_the_schedule_between_ticks(tmp_path: Path) -> None:
    stop = threading.Event()

    def runner(path: Path, now: dt.datetime) -> int:
        stop.set()
        return 0

    log = run_schedule(tmp_path / "c.toml", runner, interval_s=30.0, stop=stop)
    assert len(log.ticks) == 1  # did not wait 30 s for a second tick
