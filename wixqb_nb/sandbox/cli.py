"""``wixqb sandbox serve``: run the sandbox until stopped (SIGINT or SIGTERM).

Registered by the main CLI with ``app.add_typer(sandbox_app, name="sandbox")``. With ``--json`` the
only thing on stdout is one JSON line of base URLs and credentials, so a script can read it; the
human-readable lines and any log go to stderr.
"""

from __future__ import annotations

import json
import signal
import threading
from pathlib import Path
from types import FrameType

import typer

sandbox_app = typer.Typer(help="The embedded Wix + QuickBooks Online sandbox.", no_args_is_help=True)


@sandbox_app.callback()
def _group() -> None:
    """The embedded Wix + QuickBooks Online sandbox."""


JSON_KEYS = (
    "wix_base_url",
    "qbo_base_url",
    "wix_site_id",
    "wix_api_key",
    "realm_id",
    "client_id",
    "client_secret",
    "refresh_token",
    "access_token",
)


@sandbox_app.command("serve")
def serve(
    host: str = typer.Option("127.0.0.1", help="interface to listen on"),
    port: int = typer.Option(8765, help="port (0 picks a free one)"),
    store: Path | None = typer.Option(
        None, help="a store file {orders, transactions, products} in Wix's shapes"
    ),
    orders: int | None = typer.Option(None, help="generate a demo store of this many orders"),
    seed: int = typer.Option(1, help="seed of the generated store and company"),
    profile: str = typer.Option("ca-qc", help="company profile: ca-qc or us"),
    state: Path | None = typer.Option(None, help="persist the sandbox to this JSON file across restarts"),
    time_scale: float = typer.Option(1.0, help="shrink limit windows and token lifetimes by this factor"),
    no_limits: bool = typer.Option(False, "--no-limits", help="switch the Wix and QBO rate limits off"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON line of URLs and credentials"),
) -> None:
    """Serve the Wix API under /wix and the QBO API under /qbo until stopped."""
    from wixqb_nb.sandbox.server import SandboxServer

    if store is not None and orders is not None:
        raise typer.BadParameter("give --store or --orders, not both")
    if profile not in ("ca-qc", "us"):
        raise typer.BadParameter("--profile must be ca-qc or us")
    server = SandboxServer(
        store=store,
        orders=orders,
        seed=seed,
        profile=profile,
        state_file=state,
        time_scale=time_scale,
        limits=not no_limits,
        host=host,
        port=port,
    )
    stop = threading.Event()

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        server.start()
        info = server.info()
        if as_json:
            typer.echo(json.dumps({k: info[k] for k in JSON_KEYS}))
        else:
            _print_human(info)
        typer.echo("Serving; press Ctrl+C to stop.", err=True)
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
        for s, handler in previous.items():
            signal.signal(s, handler)
    typer.echo("Sandbox stopped.", err=True)


def _print_human(info: dict[str, str]) -> None:
    typer.echo(f"Sandbox at {info['url']}")
    typer.echo(f"  Wix base URL   {info['wix_base_url']}")
    typer.echo(f"  QBO base URL   {info['qbo_base_url']}")
    typer.echo(f"  Token URL      {info['token_url']}")
    typer.echo("Demo credentials (sandbox only):")
    for key in JSON_KEYS[2:]:
        typer.echo(f"  {key:<14} {info[key]}")
