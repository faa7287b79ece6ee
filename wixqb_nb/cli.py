"""The ``wixqb`` command.

Exit codes (DESIGN.md): 0 all good; 1 the run finished but some orders failed or discrepancies
remain; 2 the run itself failed (config, auth, network, lock). Every :class:`WixQbError` carries
its code; anything else is a bug and exits 2 with the traceback.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import typer

from wixqb_nb.config_file import json_schema, problems_in

app = typer.Typer(
    name="wixqb",
    help="Sync a Wix site's sales into QuickBooks Online and prove, to the cent, that the books match.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
config_app = typer.Typer(help="Check and describe configuration files.", no_args_is_help=True)
app.add_typer(config_app, name="config")

# --- sub-commands from the other parts of the package (one line each; keep imports light) ---
# (each part adds its own line here: app.add_typer(<typer app>, name="...") or app.command(...)(fn))
from wixqb_nb.sandbox.cli import sandbox_app  # noqa: E402

app.add_typer(sandbox_app, name="sandbox")
from wixqb_nb.init.cli import init_command  # noqa: E402
from wixqb_nb.run_cli import demo_command, run_command  # noqa: E402

app.command("init")(init_command)
app.command("run")(run_command)
app.command("demo")(demo_command)
from wixqb_nb.clients.cli import connect_app  # noqa: E402

app.add_typer(connect_app, name="connect")
from wixqb_nb.reporting.cli import reconcile_command  # noqa: E402

app.command("reconcile")(reconcile_command)
from wixqb_nb.sync.cli import errors_app, schedule_command, sync_command, undo_command  # noqa: E402

app.command("sync")(sync_command)
app.add_typer(errors_app, name="errors")
app.command("undo")(undo_command)
app.command("schedule")(schedule_command)
# --- end of sub-commands ---

EXAMPLE_CONFIG = Path(__file__).resolve().parent.parent / "examples" / "config.example.toml"


@config_app.command("validate")
def config_validate(
    file: Path = typer.Argument(..., help="the TOML configuration file"),
    today: str = typer.Option("", help="date to check the start date against (default: today, local)"),
) -> None:
    """Check FILE and print every problem with its path; exit 2 when there is any."""
    day = dt.date.fromisoformat(today) if today else dt.date.today()
    problems = problems_in(file, today=day)
    if problems:
        typer.echo(f"{file}: {len(problems)} problem(s)", err=True)
        for line in problems:
            typer.echo(f"  {line}", err=True)
        raise typer.Exit(2)
    typer.echo(f"{file}: valid")


@config_app.command("schema")
def config_schema() -> None:
    """Print the JSON schema of the configuration file."""
    typer.echo(json_schema())


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``wixqb`` console script; returns the exit code."""
    from wixqb_nb.errors import WixQbError

    try:
        app(args=argv)
    except WixQbError as exc:
        typer.echo(f"error: {exc}", err=True)
        return exc.exit_code
    except SystemExit as exc:
        if exc.code is None:
            return 0
        return exc.code if isinstance(exc.code, int) else 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
