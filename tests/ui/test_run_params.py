"""RunParams (the sync notebook's validated papermill parameters) and where a run's files go."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from wixqb_nb.errors import ConfigError
from wixqb_nb.notebook_run import RunParams, new_report_dir
from wixqb_nb.ui.run_view import report_dir

NOW = dt.datetime(2026, 3, 1, 14, 30, 5, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("since", "until", "expected"),
    [
        ("", "", (None, None)),
        (
            "2026-01-31",
            "",
            (dt.datetime(2026, 1, 31, tzinfo=dt.timezone(dt.timedelta(hours=-5))), None),
        ),
        (
            "2026-02-01T10:00:00Z",
            "2026-02-02T08:00:00",
            (
                dt.datetime(2026, 2, 1, 10, tzinfo=dt.UTC),
                dt.datetime(2026, 2, 2, 13, tzinfo=dt.UTC),  # naive: read in the account time zone
            ),
        ),
    ],
)
def test_window_reads_dates_in_the_account_time_zone(
    since: str, until: str, expected: tuple[dt.datetime | None, dt.datetime | None]
) -> None:
    got = RunParams(config="c.toml", since=since, until=until).window("America/Toronto")
    assert got == expected


def test_parameters_are_validated_with_every_problem_listed() -> None:
    with pytest.raises(ConfigError) as err:
        RunParams.from_locals({"config": "", "since": "yesterday", "dry_run": "maybe", "other": 1})
    text = str(err.value)
    assert "config" in text and "since" in text and "dry_run" in text


def test_report_folders_are_fresh_and_sit_next_to_the_config(tmp_path: Path) -> None:
    first = new_report_dir(tmp_path, NOW)
    second = new_report_dir(tmp_path, NOW)
    assert first.name == "20260301T143005Z" and second.name == "20260301T143005Z-1"
    params = RunParams(config=str(tmp_path / "cfg" / "config.toml"))
    assert report_dir(params, NOW).parent == (tmp_path / "cfg" / "reports").resolve()
    assert report_dir(params.model_copy(update={"report_dir": str(tmp_path / "x")}), NOW) == tmp_path / "x"
