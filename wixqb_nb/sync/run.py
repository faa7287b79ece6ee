"""``sync_run``: one sync of a Wix site into a QBO company, safe to repeat and to kill.

The steps, each recorded in the ledger (docs/LEDGER.md)::

    lock ─► settle lost answers ─► fetch changes ─► (snapshot) ─► plan ─► [dry run stops] ─► apply
         ─► order states and errors ─► watermark ─► read back + reconcile + workbook ─► email

A run over an unchanged store makes one request (the Wix search): the QBO snapshot is read only
when an order needs planning, and nothing is reconciled when nothing was planned.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import ssl
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pandas as pd

from wixqb_nb import money
from wixqb_nb.clients.qbo import QboClient
from wixqb_nb.clients.wix import InvalidOrder, WixClient
from wixqb_nb.config import Config
from wixqb_nb.errors import MappingError, RunLockedError, WixQbError
from wixqb_nb.mapping import OrderPlan, Plan, PostedDoc, plan
from wixqb_nb.models.wix import Order
from wixqb_nb.reconcile import ReconResult
from wixqb_nb.reporting.data import ReportData
from wixqb_nb.sync.apply import Applier, ApplyResult
from wixqb_nb.sync.fetch import Fetched, fetch_changes, first_watermark
from wixqb_nb.sync.ledger import Ledger, ledger_path
from wixqb_nb.sync.lock import RunLock
from wixqb_nb.sync.notify import RunSummary, notify_run
from wixqb_nb.sync.outcome import Settled, settle_orders
from wixqb_nb.sync.report import reconcile_run, write_report
from wixqb_nb.sync.resolve import resolve_unknown
from wixqb_nb.sync.snapshot import LazySnapshot, tax_options

log = logging.getLogger(__name__)
Progress = Callable[[str, int, int | None], None]
POSTED_KINDS = ("sale", "payment", "refund")


@dataclass
class RunResult:
    """What one run did. ``exit_code``: 0 all good, 1 some orders failed or discrepancies remain,
    2 the run itself failed (DESIGN.md)."""

    run_id: int
    outcome: str
    exit_code: int
    counts: dict[str, int]
    plan_frame: pd.DataFrame
    errors: list[dict[str, Any]] = field(default_factory=list)
    recon: ReconResult | None = None
    workbook: Path | None = None
    message: str = ""
    watermark: dt.datetime | None = None
    plan: Plan | None = None
    requests: dict[str, int] = field(default_factory=dict)
    email: str = "skipped"
    report: ReportData | None = None


class RequestCounter:
    """Counts the HTTP requests two clients send while installed (an httpx event hook)."""

    def __init__(self, **clients: httpx.Client) -> None:
        self.clients = clients
        self.counts = dict.fromkeys(clients, 0)
        self._hooks: dict[str, Callable[[httpx.Request], None]] = {}

    def __enter__(self) -> RequestCounter:
        for name, client in self.clients.items():

            def hook(_request: httpx.Request, name: str = name) -> None:
                self.counts[name] += 1

            self._hooks[name] = hook
            client.event_hooks = {**client.event_hooks, "request": [*client.event_hooks["request"], hook]}
        return self

    def __exit__(self, *exc: object) -> None:
        for name, client in self.clients.items():
            hooks = [h for h in client.event_hooks["request"] if h is not self._hooks[name]]
            client.event_hooks = {**client.event_hooks, "request": hooks}

    @property
    def total(self) -> int:
        """Requests counted so far."""
        return sum(self.counts.values())


def posted_by_order(ledger: Ledger, order_ids: Sequence[str]) -> dict[str, dict[tuple[str, str], PostedDoc]]:
    """The ledger's documents of these orders in the mapping's terms (deleted ones left out)."""
    out: dict[str, dict[tuple[str, str], PostedDoc]] = {}
    for d in ledger.documents(order_ids=order_ids):
        if d.kind not in POSTED_KINDS or d.status not in ("posted", "voided"):
            continue
        tail = d.idempotency_key.rsplit(":r", 1)[-1].split(":", 1)[0]
        revision = int(tail) if tail.isdigit() else 1
        net, tax = _detail(d.detail)
        out.setdefault(d.order_id, {})[(d.kind, d.source_id)] = PostedDoc(
            kind=d.kind,
            source_id=d.source_id,
            entity=d.entity,
            qbo_id=d.qbo_id,
            sync_token=d.sync_token,
            payload_hash=d.payload_hash,
            revision=revision,
            voided=d.status == "voided",
            # The total QBO gave the document when apply posted it: what a later edit of a sale
            # with a payment applied is credited against (mapping's ``_credit``). ``locked`` (a
            # closed period, a reconciled document) has no source in the ledger: it stays False.
            total=Decimal(d.total) if d.total else None,
            net_by_code=net,
            tax_by_rate=tax,
        )
    return out


def _detail(text: str | None) -> tuple[dict[str, Decimal] | None, dict[str, Decimal] | None]:
    """``net_by_code`` and ``tax_by_rate`` of a PostedDoc from ``documents.detail`` (none when empty)."""
    if not text:
        return None, None
    data = money.loads(text)
    net = {str(k): Decimal(str(v)) for k, v in (data.get("net") or {}).items()}
    tax = {str(k): Decimal(str(v)) for k, v in (data.get("tax") or {}).items()}
    return net, tax


def _as_sent(order: OrderPlan) -> OrderPlan:
    """The order's writes as the applier sends them: a ``credit`` (a CreditMemo against a posted
    sale that must not be edited) is a create to QBO, to the ledger and to lost-answer settling."""
    if not any(w.operation == "credit" for w in order.writes):
        return order
    writes = tuple(replace(w, operation="create") if w.operation == "credit" else w for w in order.writes)
    return replace(order, writes=writes)


def refused_plan(bad: InvalidOrder) -> OrderPlan:
    """The plan of an order the models refused: one error naming the field, nothing to write."""
    error = MappingError(
        f"Wix sent a value that cannot be read: {bad.message}",
        source_id=bad.number or bad.order_id,
        field=bad.field,
        hint="correct the order in Wix (or report it to Wix); the next run picks it up once it changes",
    )
    return OrderPlan(order_id=bad.order_id, order_number=bad.number, errors=(error,))


def sync_run(
    config: Config,
    *,
    wix: WixClient,
    qbo: QboClient,
    now: dt.datetime,
    dry_run: bool = False,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    order_ids: Sequence[str] = (),
    report_dir: str | Path | None = None,
    on_progress: Progress | None = None,
    state_dir: str | Path | None = None,
    clock: Callable[[], dt.datetime] | None = None,
    notify: bool = True,
    env: Mapping[str, str] | None = None,
    ssl_context: ssl.SSLContext | None = None,
) -> RunResult:
    """Run one sync (see the module docstring) and return what it did.

    Parameters
    ----------
    config
        The validated configuration.
    wix, qbo
        The clients (:func:`wixqb_nb.sync.connect.build_clients` builds them from the config).
    now
        The run's start time (aware); ``clock`` gives later timestamps (default: always ``now``).
    dry_run
        Plan and preview only: nothing is written to QBO, the watermark does not move, no lock.
    since, until
        The window of Wix ``updatedDate`` (default: from the last watermark, or the start date).
    order_ids
        Limit the run to these orders (planned even when unchanged).
    report_dir
        Where the workbook goes (none is written without it).
    on_progress
        ``on_progress(phase, n, total)`` as orders are fetched and writes pushed.
    state_dir
        The folder of the ledger and the lock (default ``connection.state_dir``).

    Raises
    ------
    RunLockedError
        At once, when another run holds the company's lock (exit code 2).
    """
    realm = config.connection.qbo_realm_id
    sdir = Path(state_dir) if state_dir is not None else Path(config.connection.state_dir)
    lock: AbstractContextManager[Any] = (
        nullcontext() if dry_run else RunLock(sdir, realm, purpose="sync", now=now)
    )
    with (
        lock,
        Ledger(ledger_path(sdir, realm)) as ledger,
        RequestCounter(wix=wix.http, qbo=qbo.http) as counter,
    ):
        job = _Run(config, wix, qbo, ledger, counter, now, clock or (lambda: now), on_progress)
        result = job.execute(
            dry_run=dry_run, since=since, until=until, order_ids=order_ids, report_dir=report_dir
        )
        if notify and not dry_run:
            result.email = _email(config, result, ledger, now, env, ssl_context)
        return result


def _email(
    config: Config,
    result: RunResult,
    ledger: Ledger,
    now: dt.datetime,
    env: Mapping[str, str] | None,
    ssl_context: ssl.SSLContext | None,
) -> str:
    summary = RunSummary(
        run_id=result.run_id,
        realm_id=config.connection.qbo_realm_id,
        outcome=result.outcome,
        exit_code=result.exit_code,
        started_at=now,
        counts=result.counts,
        message=result.message,
        errors=tuple(f"order {p.get('source_id', '')}: {p.get('message', '')}" for p in result.errors),
        workbook=result.workbook,
        report=result.report,
    )
    return notify_run(
        config.general.email,
        summary,
        ledger=ledger,
        now=now,
        env=os.environ if env is None else env,
        ssl_context=ssl_context,
    )


class _Run:
    """The steps of one run, sharing its ledger, clients and counters."""

    def __init__(
        self,
        config: Config,
        wix: WixClient,
        qbo: QboClient,
        ledger: Ledger,
        counter: RequestCounter,
        now: dt.datetime,
        clock: Callable[[], dt.datetime],
        on_progress: Progress | None,
    ) -> None:
        self.config, self.wix, self.qbo, self.ledger = config, wix, qbo, ledger
        self.counter, self.now, self.clock, self.on_progress = counter, now, clock, on_progress
        self.counts: dict[str, int] = {}
        self.run_id = 0

    def execute(
        self,
        *,
        dry_run: bool,
        since: dt.datetime | None,
        until: dt.datetime | None,
        order_ids: Sequence[str],
        report_dir: str | Path | None,
    ) -> RunResult:
        previous_hash = self.ledger.last_config_hash()
        start = since or self.ledger.last_watermark() or first_watermark(self.config)
        self.run_id = self.ledger.start_run(
            realm_id=self.config.connection.qbo_realm_id,
            config_hash=self.config.config_hash(),
            now=self.now,
            dry_run=dry_run,
            since=start,
            until=until,
            order_ids=order_ids,
            pid=os.getpid(),
        )
        empty = Plan(()).to_frame()
        try:
            return self._steps(dry_run, start, since, until, order_ids, report_dir, previous_hash)
        except RunLockedError:
            raise
        except WixQbError as exc:
            log.error("sync run %s failed: %s", self.run_id, exc)
            self._finish("failed", message=f"{type(exc).__name__}: {exc}")
            return RunResult(self.run_id, "failed", 2, dict(self.counts), empty, message=str(exc),
                             requests=dict(self.counter.counts))  # fmt: skip
        except BaseException as exc:
            self._finish("failed", message=f"unexpected {type(exc).__name__}: {exc}")
            raise

    def _finish(self, outcome: str, *, watermark: dt.datetime | None = None, message: str = "") -> None:
        self.counts["requests"] = self.counter.total
        self.ledger.finish_run(
            self.run_id,
            outcome=outcome,
            now=self.clock(),
            watermark=watermark,
            message=message,
            counts=self.counts,
        )

    def _steps(
        self,
        dry_run: bool,
        start: dt.datetime,
        since: dt.datetime | None,
        until: dt.datetime | None,
        order_ids: Sequence[str],
        report_dir: str | Path | None,
        previous_hash: str | None,
    ) -> RunResult:
        if not dry_run and self.ledger.unknown_writes():
            resolution = resolve_unknown(self.qbo, self.ledger, now=self.clock())
            log.info("settled writes with lost answers: %s", resolution)
        fetched = fetch_changes(
            self.wix,
            self.ledger,
            since=start,
            until=until,
            order_ids=order_ids,
            include_open_errors=previous_hash is not None and previous_hash != self.config.config_hash(),
            on_progress=self.on_progress,
        )
        self.counts.update(orders_seen=fetched.seen, orders_skipped=fetched.unchanged)
        the_plan = self._plan(fetched)
        frame = the_plan.to_frame()
        watermark = self._watermark(fetched, start, since, until, order_ids)
        if dry_run:
            self._finish("dry_run", message=f"{len(the_plan.writes)} writes planned")
            return RunResult(self.run_id, "dry_run", 1 if the_plan.errors else 0, dict(self.counts), frame,
                             errors=[{"source_id": e.source_id, "field": e.field, "message": e.message,
                                      "hint": e.hint} for e in the_plan.errors],
                             plan=the_plan, requests=dict(self.counter.counts))  # fmt: skip
        applied = self._apply(the_plan)
        orders = {o.id: o for o in fetched.orders}  # parsed again once, for the states and the read-back
        settled = settle_orders(
            self.ledger, the_plan.orders, applied, orders, run_id=self.run_id, now=self.clock()
        )
        self._count(settled, applied)
        recon, report, workbook = self._reconcile(fetched, orders, the_plan, frame, settled, report_dir)
        exit_code = (
            1 if (settled.failed or settled.partial or (recon is not None and not recon.matches())) else 0
        )
        outcome = "nothing" if not the_plan.orders else ("ok" if exit_code == 0 else "partial")
        message = f"{settled.posted} posted, {settled.failed} failed, {settled.partial} to retry"
        self._finish(outcome, watermark=watermark, message=message)
        return RunResult(self.run_id, outcome, exit_code, dict(self.counts), frame, settled.problems, recon,
                         workbook, message, watermark, the_plan, dict(self.counter.counts), report=report)  # fmt: skip

    def _plan(self, fetched: Fetched) -> Plan:
        refused = tuple(refused_plan(bad) for bad in fetched.invalid)
        if not fetched.orders:
            return Plan(refused)
        nonce = f"{self.run_id}:{self.now.isoformat()}"
        snapshot = LazySnapshot(self.qbo, nonce=nonce, **tax_options(self.config)).get()
        posted = posted_by_order(self.ledger, fetched.orders.ids)
        # fetched.orders parses its orders a page at a time as plan walks them: only plans pile up
        planned = plan(
            fetched.orders, fetched.transactions, self.config, snapshot, now=self.now, posted_by_order=posted
        )
        return Plan(planned.orders + refused) if refused else planned

    def _apply(self, the_plan: Plan) -> ApplyResult:
        applier = Applier(
            self.qbo, self.ledger, run_id=self.run_id, clock=self.clock, on_progress=self.on_progress
        )
        return applier.apply([_as_sent(o) for o in the_plan.orders])

    def _count(self, settled: Settled, applied: ApplyResult) -> None:
        self.counts.update(
            orders_posted=settled.posted,
            orders_failed=settled.failed + settled.partial,
            orders_skipped=self.counts.get("orders_skipped", 0) + settled.skipped,
            writes_ok=applied.count("ok"),
            writes_failed=applied.count("failed") + applied.count("blocked"),
            writes_unknown=applied.count("unknown"),
        )

    def _watermark(
        self,
        fetched: Fetched,
        start: dt.datetime,
        since: dt.datetime | None,
        until: dt.datetime | None,
        order_ids: Sequence[str],
    ) -> dt.datetime | None:
        """Where the next run starts: only a full incremental run moves the watermark."""
        if order_ids or until is not None:
            return None
        previous = self.ledger.last_watermark()
        if since is not None and previous is not None and since > previous:
            return None  # a window that starts later would skip what lies between
        return max(start, fetched.max_updated) if fetched.max_updated else start

    def _reconcile(
        self,
        fetched: Fetched,
        by_id: Mapping[str, Order],
        the_plan: Plan,
        frame: pd.DataFrame,
        settled: Settled,
        report_dir: str | Path | None,
    ) -> tuple[ReconResult | None, ReportData | None, Path | None]:
        planned = {o.order_id for o in the_plan.orders if o.status != "skipped"}
        orders = [o for o in by_id.values() if o.id in planned]
        if not orders:
            return None, None, None
        recon = reconcile_run(
            self.config,
            self.qbo,
            orders=orders,
            transactions=fetched.transactions,
            documents=self.ledger.documents(order_ids=[o.id for o in orders]),
        )
        if report_dir is None:
            return recon, None, None
        report, path = write_report(
            self.config,
            run_id=self.run_id,
            started_at=self.now,
            recon=recon,
            plan_frame=frame,
            errors=settled.problems,
            report_dir=Path(report_dir),
        )
        return recon, report, path
