"""Run the packaged notebooks with papermill: ``wixqb run``, ``wixqb schedule`` and ``wixqb demo``.

The sync notebook takes papermill parameters that are strings and bools only (STYLE.md G11):
``config`` (path), ``dry_run``, ``since``, ``until`` (ISO dates or datetimes, empty for "from the
last watermark" / "now") and ``report_dir``. Its second cell validates them into :class:`RunParams`.

:func:`run_sync_notebook` executes it into ``reports/<timestamp>/`` (the executed notebook and
the workbook side by side) and returns the exit code the CLI contract promises: 0 all good, 1 the
run finished but orders failed or the books disagree, 2 the run itself failed. The notebook
writes ``run.json`` next to itself with the outcome; when it raised instead, the exception's
class name decides (``ReconciliationFailed`` and ``MappingError`` mean 1, anything else 2).

Secrets are never parameters: the kernel reads them from the environment or the token file the
config names, so the executed notebook holds none.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from wixqb_nb.errors import ConfigError

SYNC_NOTEBOOK = "03_sync.ipynb"
NOTEBOOKS = ("01_configure.ipynb", "02_preview.ipynb", "03_sync.ipynb", "04_rounding_tax.ipynb")
RUN_FILE = "run.json"
#: Exception class names that mean "the run finished but something disagrees" (exit 1).
_EXIT_1 = frozenset({"ReconciliationFailed", "MappingError", "RunFinishedWithErrors"})


def _parse_when(value: str) -> dt.date | dt.datetime:
    text = value.strip()
    if len(text) == 10:
        return dt.date.fromisoformat(text)
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


class RunParams(BaseModel):
    """The parameters papermill injects into the sync notebook, validated.

    ``since``/``until`` are ISO dates (midnight in the account time zone) or datetimes (naive
    ones are read in the account time zone); empty means "from the last successful run" and
    "now".
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    config: str = Field(min_length=1, description="path of the TOML configuration file")
    dry_run: bool = False
    since: str = ""
    until: str = ""
    report_dir: str = ""

    @field_validator("since", "until")
    @classmethod
    def _iso(cls, value: str) -> str:
        if value.strip():
            try:
                _parse_when(value)
            except ValueError as exc:
                raise ValueError(f"{value!r} is not an ISO date or datetime (2026-01-31)") from exc
        return value.strip()

    @classmethod
    def from_locals(cls, values: Mapping[str, Any]) -> RunParams:
        """Validate the notebook's parameter variables; raise :class:`ConfigError` listing problems."""
        wanted = {k: values[k] for k in cls.model_fields if k in values}
        try:
            return cls(**wanted)
        except ValidationError as exc:
            problems = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()]
            raise ConfigError("invalid notebook parameters", problems) from exc

    def window(self, time_zone: str) -> tuple[dt.datetime | None, dt.datetime | None]:
        """``since`` and ``until`` as aware datetimes (dates are midnight in ``time_zone``)."""
        zone = ZoneInfo(time_zone)

        def aware(text: str) -> dt.datetime | None:
            if not text:
                return None
            when = _parse_when(text)
            if not isinstance(when, dt.datetime):
                when = dt.datetime.combine(when, dt.time(), tzinfo=zone)
            return when if when.tzinfo else when.replace(tzinfo=zone)

        return aware(self.since), aware(self.until)


@dataclass(frozen=True)
class NotebookRun:
    """One executed notebook: where it is, what it produced and how it ended."""

    output_dir: Path
    notebook: Path
    workbook: Path | None
    exit_code: int
    error: str = ""
    summary: Mapping[str, Any] | None = None


def notebook_dir() -> Path:
    """The folder of the packaged notebooks (``wixqb_nb/notebooks``; ``notebooks/`` links to it)."""
    return Path(__file__).resolve().parent / "notebooks"


def notebook_path(name: str) -> Path:
    """The packaged notebook ``name`` (``03_sync.ipynb``).

    Raises
    ------
    ConfigError
        When no such notebook ships with the package.
    """
    path = notebook_dir() / name
    if not path.is_file():
        raise ConfigError(f"no notebook {name!r} in {notebook_dir()} (known: {', '.join(NOTEBOOKS)})")
    return path


def new_report_dir(root: str | Path, now: dt.datetime) -> Path:
    """A fresh ``root/<UTC timestamp>/`` folder (suffixed when two runs share a second)."""
    stamp = now.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    base = Path(root)
    for n in range(1000):
        candidate = base / (stamp if n == 0 else f"{stamp}-{n}")
        try:
            candidate.mkdir(parents=True, exist_ok=False)
        except FileExistsError:
            continue
        return candidate
    raise ConfigError(f"cannot create a report folder under {base}")


def run_sync_notebook(
    config_path: str | Path,
    *,
    now: dt.datetime,
    report_root: str | Path = "reports",
    dry_run: bool = False,
    since: str = "",
    until: str = "",
    notebook: str | Path | None = None,
    cwd: str | Path | None = None,
    kernel_name: str | None = None,
    progress: bool = False,
) -> NotebookRun:
    """Execute the sync notebook with papermill into a new ``report_root/<timestamp>/`` folder.

    Parameters
    ----------
    config_path
        The configuration file (made absolute before it is injected).
    now
        The run's time (names the report folder); an aware datetime.
    report_root
        Parent of the per-run folders.
    dry_run, since, until
        Passed to the notebook (see :class:`RunParams`).
    notebook
        Another notebook to execute (tests); default the packaged ``03_sync.ipynb``.
    cwd
        The kernel's working directory (relative paths in the config resolve from it); default
        the caller's.

    Returns
    -------
    NotebookRun
        The executed notebook's path, the workbook (when one was written) and the exit code.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    params = RunParams(config=str(Path(config_path).resolve()), dry_run=dry_run, since=since, until=until)
    out_dir = new_report_dir(report_root, now).resolve()
    source = Path(notebook) if notebook else notebook_path(SYNC_NOTEBOOK)
    output = out_dir / source.name
    parameters = params.model_copy(update={"report_dir": str(out_dir)}).model_dump()
    error = ""
    code = 0
    try:
        papermill.execute_notebook(
            str(source),
            str(output),
            parameters=parameters,
            cwd=str(Path(cwd) if cwd else Path(os.getcwd())),
            kernel_name=kernel_name,
            progress_bar=progress,
            log_output=False,
        )
    except PapermillExecutionError as exc:
        error = f"{exc.ename}: {exc.evalue}"
        code = 1 if exc.ename in _EXIT_1 else 2
    summary = read_run_file(out_dir)
    if summary is not None:
        code = int(summary.get("exit_code", code))
    workbook = _workbook(out_dir, summary)
    return NotebookRun(out_dir, output, workbook, code, error, summary)


def read_run_file(folder: Path) -> dict[str, Any] | None:
    """The ``run.json`` a sync notebook left in ``folder``, if any."""
    path = folder / RUN_FILE
    if not path.is_file():
        return None
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def write_run_file(folder: str | Path, summary: Mapping[str, Any]) -> Path:
    """Write the run's outcome next to the executed notebook (called from the notebook)."""
    path = Path(folder) / RUN_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(dict(summary), indent=2, sort_keys=True, default=str), encoding="utf-8")
    return path


def _workbook(folder: Path, summary: Mapping[str, Any] | None) -> Path | None:
    named = summary.get("workbook") if summary else None
    if named and Path(str(named)).is_file():
        return Path(str(named))
    found = sorted(folder.glob("*.xlsx"))
    return found[0] if found else None


def papermill_runner(report_root: str | Path = "reports") -> Callable[[str | Path, dt.datetime], int]:
    """A ``runner(config_path, now) -> exit code`` for ``wixqb schedule``: each tick runs the sync
    notebook into its own ``report_root/<timestamp>/`` folder."""

    def run(config_path: str | Path, now: dt.datetime) -> int:
        return run_sync_notebook(config_path, now=now, report_root=report_root).exit_code

    return run
