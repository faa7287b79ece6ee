"""``wixqb init --sandbox URL --out CONFIG``: write a working config for a sandbox company."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer


def init_command(
    sandbox: str = typer.Option(..., "--sandbox", help="the sandbox root URL, e.g. http://127.0.0.1:8642"),
    out: Path = typer.Option(..., "--out", help="the configuration file to write"),
    token_file: Path | None = typer.Option(None, help="token file (default: <out stem>.tokens.json)"),
    language: str = typer.Option("en", help="report and wizard language: en or fr"),
) -> None:
    """Write a config, a 0600 token file and a 0600 secrets file mapped to the sandbox's company."""
    from wixqb_nb.init.sandbox import init_sandbox

    result = init_sandbox(sandbox, out, now=dt.datetime.now(dt.UTC), token_file=token_file, language=language)
    cfg = result.config
    typer.echo(f"Wrote {result.config_path} (config hash {cfg.config_hash()})")
    typer.echo(f"  tokens:  {result.token_file} (mode 0600)")
    typer.echo(
        f"  secrets: {result.secrets_file} (mode 0600; load with: set -a; . {result.secrets_file}; set +a)"
    )
    typer.echo(
        f"  {result.orders} orders read; start date {cfg.general.start_date}; "
        f"{len(cfg.taxes.mappings)} Wix taxes mapped; matching by {cfg.matching.match_by}"
    )
    for note in result.suggestion.notes:
        typer.echo(f"  note: {note}")
