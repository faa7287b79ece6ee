"""Fixtures shared by every part's tests: a running sandbox over real HTTP.

- ``sandbox`` (session): one small generated ``ca-qc`` store, limits off. Treat it as read-only (other
  tests share it); change things on a ``fresh_sandbox`` instead.
- ``fresh_sandbox`` (function): a factory ``fresh_sandbox(**SandboxServer options) -> SandboxServer``;
  defaults to a small generated ``ca-qc`` store with limits off; every server it starts is stopped
  at the end of the test.

Until the demo generator is installed, "generated" falls back to Wix's documentation store.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from wixqb_nb.sandbox import SandboxServer

SESSION_ORDERS = 60
SESSION_SEED = 7


@pytest.fixture(scope="session")
def sandbox() -> Iterator[SandboxServer]:
    """A running sandbox shared by the whole session (read-only by convention)."""
    with SandboxServer(profile="ca-qc", orders=SESSION_ORDERS, seed=SESSION_SEED, limits=False) as sb:
        yield sb


@pytest.fixture
def fresh_sandbox() -> Iterator[Callable[..., SandboxServer]]:
    """A factory of private sandboxes, each stopped when the test ends."""
    started: list[SandboxServer] = []

    def make(**options: Any) -> SandboxServer:
        options.setdefault("limits", False)
        if "store" not in options and "state_file" not in options:
            options.setdefault("orders", 30)
            options.setdefault("seed", SESSION_SEED)
        server = SandboxServer(**options).start()
        started.append(server)
        return server

    yield make
    for server in reversed(started):
        server.stop()
