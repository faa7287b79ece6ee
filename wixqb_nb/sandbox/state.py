"""Everything one sandbox holds: the Wix site, the QBO company, the credentials and the clock.

Built from options (a store dict or file, or a generated store), or read back from a state file so a
demo company (QBO entities, tokens, Wix store) survives restarts. :meth:`SandboxState.save` writes
the file atomically (temporary file in the same folder, fsync, rename).
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import importlib
import json
import os
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from wixqb_nb import money
from wixqb_nb.sandbox.qbo import FaultConfig, LimitConfig, QboCompany, QboService, build_qbo_app
from wixqb_nb.sandbox.wix.app import WixSite
from wixqb_nb.sandbox.wix.ratelimit import SlidingWindowLimiter
from wixqb_nb.sandbox.wix.store import WixStore

STATE_VERSION = 1
DOC_STORE = Path(__file__).resolve().parent / "data" / "wix_doc_store.json"
PROFILES = ("ca-qc", "us")
WIX_REQUESTS_PER_MINUTE = 200


@dataclass(frozen=True)
class Credentials:
    """The demo credentials of a sandbox: a Wix API key for one site and a connected QBO app."""

    wix_site_id: str
    wix_api_key: str
    realm_id: str
    client_id: str
    client_secret: str
    refresh_token: str
    access_token: str

    def to_json(self) -> dict[str, str]:
        return asdict(self)


@dataclass
class Options:
    """How the sandbox was built; kept in the state file so ``reset`` can rebuild the same thing."""

    profile: str = "ca-qc"
    orders: int | None = None
    seed: int = 1
    store_path: str | None = None
    time_scale: float = 1.0
    limits: bool = True

    def to_json(self) -> dict[str, Any]:
        # money.dumps refuses floats (a float near money is a bug); a scale is not money
        return {**asdict(self), "time_scale": Decimal(repr(self.time_scale))}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Options:
        return cls(**{**data, "time_scale": float(data.get("time_scale", 1.0))})


@dataclass
class Clock:
    """The sandbox's "now": real UTC time plus an offset the admin API can move forward."""

    offset_s: float = 0.0

    def now(self) -> datetime:
        return datetime.now(UTC) + timedelta(seconds=self.offset_s)

    def epoch(self) -> float:
        """The same instant as epoch seconds (the QBO emulator's clock)."""
        return time.time() + self.offset_s


def generate_store(orders: int, seed: int, profile: str) -> dict[str, Any] | None:
    """A generated demo store, or None while the demo generator is not installed."""
    try:
        demo = importlib.import_module("wixqb_nb.sandbox.demo")
    except ImportError:
        return None
    generate = getattr(demo, "generate_store", None)
    if generate is None:
        return None
    result: dict[str, Any] = generate(orders=orders, seed=seed, profile=profile)
    return result


def company_seed_for(profile: str) -> dict[str, Any]:
    """The QBO company seed of ``profile``: the demo generator's, or the emulator's own sample."""
    try:
        demo = importlib.import_module("wixqb_nb.sandbox.demo")
        seed: dict[str, Any] = demo.company_seed(profile)
        return seed
    except (ImportError, AttributeError):
        from wixqb_nb.sandbox.qbo import sample_seed

        return sample_seed.us_seed() if profile == "us" else sample_seed.ca_seed()


class QboSide:
    """The QBO company of the sandbox, its OAuth app and the demo tokens.

    Wraps :class:`~wixqb_nb.sandbox.qbo.QboService` (the emulator's registry). The realm id and the
    OAuth client are derived from the profile and seed, so the credentials stay stable; the seed is
    kept so :meth:`reset` can rebuild the company; the token pair issued at creation (or by
    :meth:`issue_tokens`) is what :attr:`SandboxState.credentials` reports.
    """

    def __init__(
        self,
        service: QboService,
        realm_id: str,
        client_id: str,
        client_secret: str,
        seed: dict[str, Any],
        tokens: dict[str, str],
    ) -> None:
        self.service = service
        self.realm_id = realm_id
        self.client_id = client_id
        self.client_secret = client_secret
        self.seed = seed
        self.tokens = tokens

    @staticmethod
    def _service(time_scale: float, limits: bool, clock: Clock) -> QboService:
        return QboService(limits=LimitConfig(enabled=limits, time_scale=time_scale), clock=clock.epoch)

    @classmethod
    def create(
        cls,
        profile: str,
        seed: int,
        time_scale: float,
        limits: bool,
        clock: Clock,
        company_seed: dict[str, Any] | None = None,
    ) -> QboSide:
        digest = hashlib.sha256(f"wixqb-qbo:{profile}:{seed}".encode()).hexdigest()
        realm_id = str(9130350000000000 + int(digest[:12], 16) % 10**12)
        side = cls(
            cls._service(time_scale, limits, clock),
            realm_id,
            "ABsbx" + digest[12:40],
            digest[40:64] + digest[:16],
            company_seed if company_seed is not None else company_seed_for(profile),
            {},
        )
        side.reset()
        return side

    @classmethod
    def from_json(cls, data: dict[str, Any], time_scale: float, limits: bool, clock: Clock) -> QboSide:
        service = QboService.from_json(
            data["service"], limits=LimitConfig(enabled=limits, time_scale=time_scale), clock=clock.epoch
        )
        return cls(
            service, data["realm_id"], data["client_id"], data["client_secret"], data["seed"], data["tokens"]
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "realm_id": self.realm_id,
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "seed": self.seed,
            "tokens": self.tokens,
            "service": self.service.to_json(),
        }

    def app(self) -> Any:
        """The QBO ASGI app to mount under ``/qbo``."""
        return build_qbo_app(self.service)

    @property
    def company(self) -> QboCompany:
        company = self.service.company(self.realm_id)
        if company is None:  # pragma: no cover - reset() always adds it
            raise LookupError(self.realm_id)
        return company

    def dump(self, entity: str | None = None) -> dict[str, Any]:
        return self.company.dump(entity)

    def set_faults(self, config: dict[str, Any]) -> dict[str, Any]:
        """Set the fault injection (:class:`FaultConfig` fields; rates are probabilities)."""
        fields = {f.name for f in dataclasses.fields(FaultConfig)}
        unknown = set(config) - fields
        if unknown:
            raise ValueError(f"unknown fault settings: {', '.join(sorted(unknown))}")
        values: dict[str, Any] = {k: float(v) if isinstance(v, Decimal) else v for k, v in config.items()}
        cfg = FaultConfig(**values)
        self.service.set_faults(cfg)
        return {
            k: Decimal(repr(v)) if isinstance(v, float) else v for k, v in dataclasses.asdict(cfg).items()
        }

    def issue_tokens(self) -> dict[str, str]:
        """A fresh token pair for the demo client (as if the user had just connected)."""
        tokens = self.service.issue_tokens(self.realm_id, self.client_id)
        self.tokens = {"access_token": tokens.access_token, "refresh_token": tokens.refresh_token}
        return self.tokens

    def reset(self) -> None:
        """Start the company again from its seed, with the demo client and fresh tokens."""
        self.service.add_company(QboCompany.from_seed(self.seed, self.realm_id))
        self.service.register_client(self.client_id, self.client_secret)
        self.issue_tokens()

    def credentials(self) -> dict[str, str]:
        return {
            "realm_id": self.realm_id,
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "refresh_token": self.tokens["refresh_token"],
            "access_token": self.tokens["access_token"],
        }


@dataclass
class SandboxState:
    """The live state behind one server; the ASGI apps read it, the admin API changes it."""

    options: Options
    wix: WixSite
    qbo: QboSide
    clock: Clock = field(default_factory=Clock)
    lock: threading.RLock = field(default_factory=threading.RLock)
    #: Bumped on every change; the server saves the state file when it moved since the last save.
    changes: int = 0

    def touch(self) -> None:
        """Record that something changed (the next periodic save writes the file)."""
        self.changes += 1

    # ------------------------------------------------------------- building
    @classmethod
    def create(
        cls,
        options: Options,
        store: dict[str, Any] | None = None,
        company_seed: dict[str, Any] | None = None,
    ) -> SandboxState:
        """Build a fresh sandbox from ``options`` (a given ``store`` dict wins over the options)."""
        if options.profile not in PROFILES:
            raise ValueError(f"unknown profile {options.profile!r}; use one of {', '.join(PROFILES)}")
        with no_gc():
            data = store if store is not None else load_store(options)
            wix_store = WixStore.from_dict(data)
        digest = hashlib.sha256(f"wixqb-sandbox:{options.profile}:{options.seed}".encode()).hexdigest()
        site_id = str(uuid.UUID(digest[:32]))
        api_key = "IST.wixsbx." + digest[32:64]
        wix = WixSite(wix_store, site_id, api_key, _wix_limiter(options))
        clock = Clock()
        qbo = QboSide.create(
            options.profile, options.seed, options.time_scale, options.limits, clock, company_seed
        )
        return cls(options, wix, qbo, clock)

    @classmethod
    def from_json_text(cls, text: str) -> SandboxState:
        """Read a state file's content back."""
        with no_gc():
            data = money.loads(text)
            if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
                version = data.get("version") if isinstance(data, dict) else None
                raise ValueError(f"unsupported sandbox state version {version!r}")
            wix_data = data["wix"]
            store = WixStore.from_dict(wix_data["store"])
        options = Options.from_json(data["options"])
        wix = WixSite(store, wix_data["site_id"], wix_data["api_key"], _wix_limiter(options))
        clock = Clock(float(data.get("clock_offset_s", 0)))
        qbo = QboSide.from_json(data["qbo"], options.time_scale, options.limits, clock)
        return cls(options, wix, qbo, clock)

    @classmethod
    def load(cls, path: Path) -> SandboxState:
        """Read a state file written by :meth:`save`."""
        return cls.from_json_text(path.read_text(encoding="utf-8"))

    # ------------------------------------------------------------- reading
    @property
    def credentials(self) -> Credentials:
        tokens = self.qbo.credentials()
        return Credentials(
            wix_site_id=self.wix.site_id,
            wix_api_key=self.wix.api_key,
            realm_id=tokens["realm_id"],
            client_id=tokens["client_id"],
            client_secret=tokens["client_secret"],
            refresh_token=tokens["refresh_token"],
            access_token=tokens["access_token"],
        )

    def to_json_text(self) -> str:
        """The whole state as JSON text (Decimals exact)."""
        with self.lock:
            head = {
                "version": STATE_VERSION,
                "options": self.options.to_json(),
                "clock_offset_s": Decimal(repr(self.clock.offset_s)),
                "qbo": self.qbo.to_json(),
            }
            wix_head = json.dumps({"site_id": self.wix.site_id, "api_key": self.wix.api_key})
            store_text = self.wix.store.to_json_text()
        text = money.dumps(head)
        return text[:-1] + ',"wix":' + wix_head[:-1] + ',"store":' + store_text + "}}"

    def save(self, path: Path) -> None:
        """Write the state to ``path`` atomically (readers see the old or the new file, never half)."""
        text = self.to_json_text()
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o600)  # it holds the demo secrets
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


@contextmanager
def no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building a large tree of dicts, then freeze it.

    Loading 100,000 orders creates tens of millions of objects; without this, the collector
    re-scans the growing heap many times and the load takes several times longer. Freezing moves
    what was built out of the collector's sight, so a later full collection (in the middle of
    serving a request) does not walk the whole store either. Orders hold no reference cycles, so
    reference counting still frees a replaced store.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def _wix_limiter(options: Options) -> SlidingWindowLimiter | None:
    if not options.limits:
        return None
    return SlidingWindowLimiter(WIX_REQUESTS_PER_MINUTE, 60.0, options.time_scale)


def load_store(options: Options) -> dict[str, Any]:
    """The Wix store for ``options``: a store file, a generated store, or Wix's documentation examples."""
    if options.store_path:
        loaded = money.loads(Path(options.store_path).read_bytes())
        if not isinstance(loaded, dict) or not isinstance(loaded.get("orders", []), list):
            raise ValueError(f"{options.store_path}: not a store file {{orders, transactions, products}}")
        return loaded
    if options.orders is not None:
        generated = generate_store(options.orders, options.seed, options.profile)
        if generated is not None:
            return generated
    return doc_store()


def doc_store() -> dict[str, Any]:
    """The store of every example Wix publishes in its REST reference (shipped with the package)."""
    data: dict[str, Any] = money.loads(DOC_STORE.read_bytes())
    return data
