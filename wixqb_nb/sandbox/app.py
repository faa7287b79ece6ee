"""The sandbox's root ASGI app: Wix under ``/wix``, QBO under ``/qbo``, admin under ``/_sandbox``.

Only the base URL differs from the real services, so ``…/wix/ecom/v1/orders/search`` mirrors
``https://www.wixapis.com/ecom/v1/orders/search`` and ``…/qbo/v3/company/{realm}/invoice`` mirrors
``https://quickbooks.api.intuit.com/v3/company/{realm}/invoice``.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.types import ASGIApp, Receive, Scope, Send

from wixqb_nb.sandbox.admin import Admin, build_admin_app
from wixqb_nb.sandbox.state import SandboxState
from wixqb_nb.sandbox.wix.app import build_wix_app


class _CountWrites:
    """ASGI middleware: after any request that may change state (not GET/HEAD), bump
    ``state.changes`` so the server's saver persists it."""

    def __init__(self, app: ASGIApp, state: SandboxState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self.state.touch()


def build_app(state: SandboxState, admin: Admin | None = None) -> ASGIApp:
    """The whole sandbox as one ASGI app over ``state``."""
    routes = [
        Mount("/wix", app=build_wix_app(state.wix)),
        Mount("/_sandbox", app=build_admin_app(admin or Admin(state))),
    ]
    qbo_app = state.qbo.app()
    if qbo_app is not None:
        routes.insert(1, Mount("/qbo", app=qbo_app))
    return _CountWrites(Starlette(routes=routes), state)
