"""``SandboxServer``: the sandbox served by uvicorn in a background thread, as a context manager.

Works inside a Jupyter kernel (which already runs an event loop): uvicorn gets its own thread and
its own loop. The socket is bound before the thread starts, so the port is known and free.

    with SandboxServer(profile="ca-qc", orders=300, seed=7) as sb:
        sb.wix_base_url, sb.qbo_base_url, sb.token_url, sb.credentials
        sb.add_payment(order_id)          # the admin operations, from Python
"""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Any

import uvicorn

from wixqb_nb import money
from wixqb_nb.sandbox.admin import Admin
from wixqb_nb.sandbox.app import build_app
from wixqb_nb.sandbox.state import Credentials, Options, SandboxState

STARTUP_TIMEOUT_S = 30.0


class SandboxServer:
    """A running sandbox (Wix + QBO + admin) on ``127.0.0.1`` and a free port.

    Parameters
    ----------
    store:
        A store dict ``{orders, transactions, products}`` or the path of such a JSON file.
    orders, seed, profile:
        Otherwise a generated demo store of ``orders`` orders (``profile`` ``"ca-qc"`` or ``"us"``).
        With neither, the store of Wix's own documentation examples.
    state_file:
        Persist the state there (JSON, atomic writes, saved every ``save_interval`` seconds when it
        changed and at stop). When the file exists it is loaded and the store options are ignored.
    time_scale:
        Shrinks every limit window and token lifetime (60 makes "per minute" mean per second).
    limits:
        False switches the Wix and QBO rate limits off.
    faults:
        The QBO fault configuration to start with (see :meth:`set_faults`).
    """

    def __init__(
        self,
        *,
        store: dict[str, Any] | str | Path | None = None,
        orders: int | None = None,
        seed: int = 1,
        profile: str = "ca-qc",
        state_file: str | Path | None = None,
        time_scale: float = 1.0,
        limits: bool = True,
        faults: dict[str, Any] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        save_interval: float = 1.0,
        company_seed: dict[str, Any] | None = None,
    ) -> None:
        self.state_file = Path(state_file) if state_file else None
        if self.state_file is not None and self.state_file.exists():
            self.state = SandboxState.load(self.state_file)
        else:
            store_path = str(store) if isinstance(store, str | Path) else None
            options = Options(
                profile=profile,
                orders=orders,
                seed=seed,
                store_path=store_path,
                time_scale=time_scale,
                limits=limits,
            )
            self.state = SandboxState.create(
                options, store if isinstance(store, dict) else None, company_seed
            )
        self.admin = Admin(self.state)
        if faults:
            self.admin.set_faults(faults)
        self.host = host
        self.port = port
        self.save_interval = save_interval
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._saver: threading.Thread | None = None
        self._stopping = threading.Event()
        self._saved_changes = -1
        self._save_lock = threading.Lock()

    # ------------------------------------------------------------- lifecycle
    def start(self) -> SandboxServer:
        """Serve in a background thread; returns once uvicorn accepts connections."""
        if self._thread is not None:
            raise RuntimeError("the sandbox server is already running")
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            build_app(self.state, self.admin),
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=2,
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name=f"wixqb-sandbox:{self.port}", daemon=True
        )
        self._server, self._thread = server, thread
        thread.start()
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                sock.close()
                self._server = self._thread = None
                raise RuntimeError("the sandbox server did not start")
            time.sleep(0.01)
        sock.close()  # uvicorn serves on its own duplicate of the socket
        if self.state_file is not None:
            # the saver writes the file at once (in the background: a large store takes seconds)
            self._stopping.clear()
            self._saver = threading.Thread(target=self._save_loop, name="wixqb-sandbox-saver", daemon=True)
            self._saver.start()
        return self

    def stop(self) -> None:
        """Shut uvicorn down cleanly and write the state file a last time."""
        self._stopping.set()
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=10)
        if self._saver is not None:
            self._saver.join(timeout=10)
        self._server = self._thread = self._saver = None
        if self.state_file is not None:
            self.save()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def save(self) -> None:
        """Write the state file now (no-op without one)."""
        if self.state_file is None:
            return
        with self._save_lock:  # the saver thread and stop() may both save
            changes = self.state.changes
            self.state.save(self.state_file)
            self._saved_changes = changes

    def _save_loop(self) -> None:
        while True:
            if self.state.changes != self._saved_changes:
                self.save()
            if self._stopping.wait(self.save_interval):
                return

    # ------------------------------------------------------------- addresses and credentials
    @property
    def url(self) -> str:
        """The root URL, e.g. ``http://127.0.0.1:8765``."""
        return f"http://{self.host}:{self.port}"

    @property
    def wix_base_url(self) -> str:
        return f"{self.url}/wix"

    @property
    def qbo_base_url(self) -> str:
        return f"{self.url}/qbo"

    @property
    def token_url(self) -> str:
        return f"{self.url}/qbo/oauth2/v1/tokens/bearer"

    @property
    def authorize_url(self) -> str:
        return f"{self.url}/qbo/connect/oauth2"

    @property
    def credentials(self) -> Credentials:
        return self.state.credentials

    def info(self) -> dict[str, str]:
        """Base URLs and credentials as one flat dict (what ``wixqb sandbox serve --json`` prints)."""
        return {
            "url": self.url,
            "wix_base_url": self.wix_base_url,
            "qbo_base_url": self.qbo_base_url,
            "token_url": self.token_url,
            **self.credentials.to_json(),
        }

    # ------------------------------------------------------------- admin helpers (same as /_sandbox)
    def load_store(self, store: dict[str, Any] | str | Path) -> dict[str, Any]:
        """Replace the Wix store with a store dict or file."""
        data = store if isinstance(store, dict) else money.loads(Path(store).read_bytes())
        return self.admin.load_store(data)

    def add_orders(
        self,
        orders: list[dict[str, Any]],
        transactions: list[dict[str, Any]] | None = None,
        products: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        return self.admin.add_orders(orders, transactions, products)

    def add_payment(
        self, order_id: str, amount: Any = None, method: str = "CreditCard", gift_card: bool = False
    ) -> dict[str, Any]:
        return self.admin.add_payment(order_id, amount, method, gift_card)

    def add_refund(
        self,
        order_id: str,
        amount: Any = None,
        items: list[dict[str, Any]] | None = None,
        shipping_included: bool = False,
        reason: str | None = None,
    ) -> dict[str, Any]:
        return self.admin.add_refund(order_id, amount, items, shipping_included, reason)

    def cancel_order(self, order_id: str) -> dict[str, Any]:
        return self.admin.cancel_order(order_id)

    def edit_order(
        self, order_id: str, line_id: str, quantity: int | None = None, price: Any = None
    ) -> dict[str, Any]:
        return self.admin.edit_order(order_id, line_id, quantity, price)

    def touch_order(self, order_id: str) -> dict[str, Any]:
        return self.admin.touch_order(order_id)

    def advance(self, hours: float = 1.0, seed: int | None = None) -> dict[str, Any]:
        """Let the demo store live for ``hours`` (new orders, a payment, a refund); returns the ids."""
        return self.admin.advance(hours, seed)

    def set_clock(self, offset_s: float | None = None, advance_s: float | None = None) -> dict[str, Any]:
        return self.admin.set_clock(offset_s, advance_s)

    def set_faults(self, config: dict[str, Any]) -> dict[str, Any]:
        return self.admin.set_faults(config)

    def dump_qbo(self, entity: str | None = None) -> dict[str, Any]:
        return self.admin.dump_qbo(entity)

    def issue_tokens(self) -> Credentials:
        """Issue a fresh QBO token pair for the demo client (e.g. after a test used up the refresh token)."""
        self.admin.issue_tokens()
        return self.credentials

    def reset(self) -> dict[str, Any]:
        return self.admin.reset()
