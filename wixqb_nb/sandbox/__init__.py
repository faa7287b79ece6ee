"""The embedded sandbox: a Wix + QuickBooks Online emulator over real HTTP, with a demo store.

``from wixqb_nb.sandbox import SandboxServer``; see :mod:`wixqb_nb.sandbox.server`. It shares no code
with ``mapping``, ``clients``, ``sync`` or ``reconcile``: it is the independent oracle they are
tested against.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wixqb_nb.sandbox.server import SandboxServer
    from wixqb_nb.sandbox.state import Credentials

__all__ = ["Credentials", "SandboxServer"]


def __getattr__(name: str) -> Any:
    # Lazy, so that `wixqb --help` and the sub-packages do not pay for uvicorn and starlette.
    if name == "SandboxServer":
        from wixqb_nb.sandbox.server import SandboxServer

        return SandboxServer
    if name == "Credentials":
        from wixqb_nb.sandbox.state import Credentials

        return Credentials
    raise AttributeError(name)
