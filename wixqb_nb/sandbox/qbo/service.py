"""The registry the QBO app serves: companies by realm, OAuth, throttles, faults, requestid memory.

How the outer server wires it::

    service = QboService(limits=LimitConfig(time_scale=1.0), faults=FaultConfig())
    service.add_company(QboCompany.from_seed(seed, realm_id="9130350000000001"))
    service.register_client("client-id", "client-secret")
    tokens = service.issue_tokens("9130350000000001", "client-id")  # demo credentials
    app = Starlette(routes=[Mount("/qbo", app=build_qbo_app(service)), ...])

``set_limits``/``set_faults`` may be called at any time (admin endpoints); ``to_json``/``from_json``
persist companies and OAuth state for ``--state``.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from wixqb_nb.sandbox.qbo.company import QboCompany
from wixqb_nb.sandbox.qbo.limits import FaultConfig, FaultInjector, LimitConfig, RealmLimiter
from wixqb_nb.sandbox.qbo.oauth import OAuthState, TokenSet


class QboService:
    """Everything the QBO app needs, shared by all requests (see the module docstring)."""

    def __init__(
        self,
        *,
        limits: LimitConfig | None = None,
        faults: FaultConfig | None = None,
        clock: Callable[[], float] = time.time,
        requestid_memory: int = 200_000,
    ) -> None:
        self.clock = clock
        self.limits = limits or LimitConfig()
        self.faults = FaultInjector(faults)
        self.oauth = OAuthState(time_scale=self.limits.time_scale)
        self.companies: dict[str, QboCompany] = {}
        self._limiters: dict[str, RealmLimiter] = {}
        self._replay: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        self._replay_cap = requestid_memory
        self._lock = threading.Lock()

    # ---- companies ------------------------------------------------------------------------

    def add_company(self, company: QboCompany) -> QboCompany:
        company.clock = self.clock
        self.companies[company.realm_id] = company
        return company

    def company(self, realm_id: str) -> QboCompany | None:
        return self.companies.get(realm_id)

    @property
    def default_realm(self) -> str | None:
        return next(iter(self.companies), None)

    # ---- limits and faults ----------------------------------------------------------------

    def set_limits(self, limits: LimitConfig) -> None:
        self.limits = limits
        self.oauth.time_scale = limits.time_scale

    def set_faults(self, faults: FaultConfig) -> None:
        self.faults.configure(faults)

    def limiter(self, realm_id: str) -> RealmLimiter:
        with self._lock:
            return self._limiters.setdefault(realm_id, RealmLimiter())

    # ---- OAuth helpers --------------------------------------------------------------------

    def register_client(
        self, client_id: str, client_secret: str, redirect_uris: tuple[str, ...] = ()
    ) -> None:
        self.oauth.register(client_id, client_secret, redirect_uris)

    def issue_tokens(self, realm_id: str, client_id: str) -> TokenSet:
        """A fresh access/refresh pair as if the user had just connected (tests, demo credentials)."""
        if client_id not in self.oauth.clients:
            raise KeyError(f"unknown OAuth client {client_id!r}")
        return self.oauth.issue(client_id, realm_id, self.clock())

    def revoke_refresh_token(self, token: str) -> bool:
        return self.oauth.revoke(token)

    # ---- requestid replay -----------------------------------------------------------------

    def recall(self, realm_id: str, request_id: str) -> bytes | None:
        with self._lock:
            return self._replay.get((realm_id, request_id))

    def remember(self, realm_id: str, request_id: str, body: bytes) -> None:
        with self._lock:
            self._replay.setdefault((realm_id, request_id), body)
            while len(self._replay) > self._replay_cap:
                self._replay.popitem(last=False)

    # ---- persistence ----------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        return {
            "companies": [c.to_json() for c in self.companies.values()],
            "oauth": self.oauth.to_json(),
        }

    @classmethod
    def from_json(cls, d: dict[str, Any], **kwargs: Any) -> QboService:
        service = cls(**kwargs)
        for c in d.get("companies", []):
            service.add_company(QboCompany.from_json(c, service.clock))
        service.oauth.load(d.get("oauth", {}))
        return service
