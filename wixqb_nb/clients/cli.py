"""``wixqb connect qbo --config FILE``: connect QuickBooks Online and store the tokens.

The lead registers :data:`connect_app` in ``wixqb_nb/cli.py`` (``app.add_typer(connect_app, name="connect")``).
The app's client id and secret come from ``WIXQB_QBO_CLIENT_ID`` / ``WIXQB_QBO_CLIENT_SECRET``; the
endpoints, redirect URI and token file from the config's ``[connection]`` section.
"""

from __future__ import annotations

import os
from pathlib import Path

import typer

from wixqb_nb.errors import ConfigError, WixQbError

connect_app = typer.Typer(
    help="Connect QuickBooks Online (OAuth 2.0) and store the tokens.", no_args_is_help=True
)


@connect_app.command("qbo")
def connect_qbo_command(
    config: Path = typer.Option(..., "--config", help="the TOML configuration file"),
    no_browser: bool = typer.Option(False, "--no-browser", help="print the URL instead of opening a browser"),
    timeout: float = typer.Option(300.0, help="seconds to wait for QuickBooks to redirect back"),
) -> None:
    """Open QuickBooks' consent page, receive the redirect on localhost and save the tokens (mode 0600)."""
    from wixqb_nb.clients.qbo_auth import TokenStore
    from wixqb_nb.clients.qbo_connect import connect_qbo
    from wixqb_nb.config_file import load_config

    try:
        conn = load_config(config).connection
        client_id = os.environ.get("WIXQB_QBO_CLIENT_ID", "")
        secret = os.environ.get("WIXQB_QBO_CLIENT_SECRET", "")
        if not client_id or not secret:
            raise ConfigError("set WIXQB_QBO_CLIENT_ID and WIXQB_QBO_CLIENT_SECRET (the Intuit app's keys)")
        if not conn.token_file:
            raise ConfigError("set connection.token_file in the config: the tokens must be stored somewhere")
        token_path = Path(conn.token_file)
        if not token_path.is_absolute():
            token_path = config.resolve().parent / token_path
        store = TokenStore(
            token_path, client_id=client_id, client_secret=secret, token_url=conn.qbo_token_url
        )
        tokens = connect_qbo(
            client_id=client_id,
            client_secret=secret,
            authorize_endpoint=conn.qbo_authorize_url,
            token_url=conn.qbo_token_url,
            redirect_uri=conn.qbo_redirect_uri,
            store=store,
            open_browser=not no_browser,
            echo=typer.echo,
            timeout_s=timeout,
        )
    except WixQbError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(exc.exit_code) from exc
    typer.echo(f"Connected to QuickBooks company {tokens.realm_id}; tokens saved in {token_path}.")
    if tokens.realm_id and conn.qbo_realm_id and tokens.realm_id != conn.qbo_realm_id:
        typer.echo(
            f"warning: the config names company {conn.qbo_realm_id}, but you connected {tokens.realm_id}.",
            err=True,
        )
