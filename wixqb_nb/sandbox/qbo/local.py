"""Run the QBO app alone on a free local port in a background thread (tests, experiments).

The full sandbox (``wixqb_nb.sandbox.SandboxServer``) mounts the same app next to Wix; this is
the small version for the QBO emulator's own tests.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.routing import Mount

from wixqb_nb.sandbox.qbo.app import build_qbo_app
from wixqb_nb.sandbox.qbo.service import QboService


@contextmanager
def serve_qbo(service: QboService, *, http: str = "h11") -> Iterator[str]:
    """Serve ``service`` under ``/qbo``; yields the QBO base URL (``http://127.0.0.1:P/qbo``)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    root = Starlette(routes=[Mount("/qbo", app=build_qbo_app(service))])
    config = uvicorn.Config(
        root, host="127.0.0.1", port=port, log_level="critical", http=http, lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the QBO sandbox did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}/qbo"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def api_client(service: QboService, base_url: str, realm_id: str, client_id: str) -> httpx.Client:
    """An httpx client for ``realm_id``'s API with a fresh access token (``minorversion=75`` sent)."""
    tokens = service.issue_tokens(realm_id, client_id)
    return httpx.Client(
        base_url=f"{base_url}/v3/company/{realm_id}",
        headers={"Authorization": f"Bearer {tokens.access_token}", "Accept": "application/json"},
        params={"minorversion": "75"},
        timeout=30,
    )
