"""Applying a plan to QBO in dependency order, with intent and outcome recorded around every write.

Order of work: customers and items, then sales, then payments and credit notes; within a stage, a
write goes out once every write it depends on has a QBO Id (``{"$ref": key}`` placeholders are
then replaced). Creates go out in batches of at most 30 (``QboClient.batch_create_many``, which
uses the realm's whole request budget); updates and voids one by one with the current SyncToken
(a stale one is re-read and the change sent again, under a derived key).

Before a group of writes is sent, their intents are committed to the ledger; after the answers
come back, their outcomes. An answer that says nothing (connection dropped, 5xx) leaves the write
``unknown``: it is settled at once by looking the object up in QBO (:mod:`wixqb_nb.sync.resolve`),
and a create found absent gets one more attempt in the same run. A duplicate DocNumber (6140) is
adopted when the existing document carries our marker, otherwise reported.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from wixqb_nb.clients.qbo import BatchItem, QboClient
from wixqb_nb.errors import (
    ApiError,
    ApiStatusError,
    AuthenticationError,
    DuplicateDocNumberError,
    DuplicateNameError,
    QboFaultError,
    RateLimitError,
    StaleObjectError,
)
from wixqb_nb.mapping import OrderPlan, PlannedWrite, payload_hash, resolve_refs
from wixqb_nb.sync.ledger import Ledger, WriteIntent
from wixqb_nb.sync.resolve import Lookup, find_created, sale_detail, total_of

STAGE = {"customer": 0, "item": 0, "sale": 1, "payment": 2, "refund": 2}
MAX_ATTEMPTS = 2
Progress = Callable[[str, int, int | None], None]
Clock = Callable[[], dt.datetime]


@dataclass
class Step:
    """One planned write of one order, and what became of it in this run."""

    order_id: str
    order_number: str
    write: PlannedWrite
    status: str = "pending"  # pending, ok, failed, unknown, blocked
    qbo_id: str | None = None
    message: str = ""
    fault_code: str = ""
    attempts: int = 0
    permanent: bool = False  # QBO refused the write itself (a fault): planning again will not help
    error: ApiError | None = None

    @property
    def key(self) -> str:
        """The write's idempotency key."""
        return self.write.idempotency_key


@dataclass
class ApplyResult:
    """Every step of the run's writes."""

    steps: list[Step] = field(default_factory=list)

    def count(self, status: str) -> int:
        """How many steps ended with ``status``."""
        return sum(1 for s in self.steps if s.status == status)

    def for_order(self, order_id: str) -> list[Step]:
        """The steps of one order."""
        return [s for s in self.steps if s.order_id == order_id]


def content_hash(write: PlannedWrite, resolved: dict[str, Any]) -> str:
    """The hash the ledger keeps: of the payload as sent, without the update envelope.

    Placeholders are resolved first, so the next plan (which finds the new customer in the
    snapshot and writes its Id directly) hashes the same and plans nothing.
    """
    body = {k: v for k, v in resolved.items() if k not in ("Id", "SyncToken", "sparse")}
    return payload_hash(body) if write.operation != "void" else write.payload_hash


def _lookup(write: PlannedWrite, payload: dict[str, Any]) -> Lookup:
    name = payload.get("DisplayName") if write.entity == "Customer" else payload.get("Name")
    return Lookup(
        entity=write.entity,
        doc_number=write.doc_number,
        txn_date=payload.get("TxnDate"),
        marker=write.marker,
        name=str(name) if name and write.entity in ("Customer", "Item") else None,
    )


def _fault(err: ApiError | None) -> tuple[str, str]:
    if isinstance(err, QboFaultError):
        return ",".join(err.codes), "; ".join(str(e) for e in err.errors)
    if isinstance(err, ApiStatusError):
        return str(err.status_code), str(err)
    return type(err).__name__ if err else "", str(err) if err else ""


def answered(err: ApiError | None) -> bool:
    """Whether QBO surely did not perform the write (a fault, 4xx or 429) rather than maybe did."""
    return isinstance(err, QboFaultError | RateLimitError) or (
        isinstance(err, ApiStatusError) and err.status_code < 500
    )


class Applier:
    """Applies plans for one run; see the module docstring."""

    def __init__(
        self,
        qbo: QboClient,
        ledger: Ledger,
        *,
        run_id: int,
        clock: Clock,
        on_progress: Progress | None = None,
    ) -> None:
        self.qbo = qbo
        self.ledger = ledger
        self.run_id = run_id
        self.clock = clock
        self.on_progress = on_progress
        self.ids: dict[str, str] = {}

    # -- driving ------------------------------------------------------------------------------

    def apply(self, orders: Iterable[OrderPlan]) -> ApplyResult:
        """Apply every write of ``orders``; return what happened to each (never raises on a write's
        own failure; raises :class:`AuthenticationError` when QBO refuses us altogether)."""
        result = ApplyResult(
            [Step(o.order_id, o.order_number, w) for o in orders if o.status == "planned" for w in o.writes]
        )
        by_key = {s.key: s for s in result.steps}
        if self.on_progress is not None and result.steps:
            self.on_progress("apply", 0, len(result.steps))
        for stage in sorted(set(STAGE.values())):
            while True:
                self._block(result.steps, by_key)
                ready = [
                    s
                    for s in result.steps
                    if s.status == "pending"
                    and STAGE.get(s.write.kind, 1) <= stage
                    and all(d in self.ids for d in s.write.depends_on)
                ]
                if not ready:
                    break
                self._creates([s for s in ready if s.write.operation == "create"])
                for s in ready:
                    if s.write.operation != "create":
                        self._single(s)
        for s in result.steps:
            if s.status == "pending":
                s.status, s.message = "blocked", "a write it depends on did not complete"
        return result

    def _block(self, steps: list[Step], by_key: dict[str, Step]) -> None:
        changed = True
        while changed:
            changed = False
            for s in steps:
                if s.status != "pending":
                    continue
                for d in s.write.depends_on:
                    dep = by_key.get(d)
                    if d not in self.ids and (dep is None or dep.status in ("failed", "unknown", "blocked")):
                        s.status, s.message = (
                            "blocked",
                            f"waits for {d}" + (f" ({dep.message})" if dep else ""),
                        )
                        changed = True
                        break

    def _progress(self, n: int) -> None:
        if self.on_progress is not None:
            self.on_progress("push", n, None)

    # -- creates ------------------------------------------------------------------------------

    def _creates(self, steps: list[Step]) -> None:
        if not steps:
            return
        payloads = [resolve_refs(s.write.payload, self.ids) for s in steps]
        intents = [self._intent(s, p) for s, p in zip(steps, payloads, strict=True)]
        write_ids = self.ledger.record_intents(self.run_id, intents, now=self.clock())
        items = [BatchItem("create", s.write.entity, p, s.key) for s, p in zip(steps, payloads, strict=True)]
        for s in steps:
            s.attempts += 1
        results = self.qbo.batch_create_many(items, on_progress=self._progress)
        unknown: list[tuple[Step, int, dict[str, Any], str]] = []
        for s, p, wid, res, intent in zip(steps, payloads, write_ids, results, intents, strict=True):
            if res.ok and res.data is not None:
                self._created(s, wid, res.data, intent.payload_hash)
            elif isinstance(res.error, AuthenticationError):
                self._failed(s, wid, res.error)
                raise res.error
            elif isinstance(res.error, DuplicateDocNumberError | DuplicateNameError):
                self._duplicate(s, wid, p, res.error, intent.payload_hash)
            elif answered(res.error):
                self._failed(s, wid, res.error)
            else:
                code, msg = _fault(res.error)
                self.ledger.record_outcome(
                    wid, outcome="unknown", now=self.clock(), fault_code=code, fault_message=msg
                )
                s.status, s.message = "unknown", msg
                unknown.append((s, wid, p, intent.payload_hash))
        if unknown:
            self._settle(unknown)

    def _intent(self, s: Step, payload: dict[str, Any]) -> WriteIntent:
        lk = _lookup(s.write, payload)
        qbo_id = payload.get("Id") if s.write.operation != "create" else None
        return WriteIntent(
            idempotency_key=s.key,
            order_id=s.order_id,
            kind=s.write.kind,
            source_id=s.write.source_id,
            entity=s.write.entity,
            operation=s.write.operation,
            payload_hash=content_hash(s.write, payload),
            qbo_id=str(qbo_id) if qbo_id else None,
            doc_number=lk.doc_number,
            txn_date=lk.txn_date,
            marker=lk.marker,
            lookup_name=lk.name,
        )

    def _created(self, s: Step, wid: int, doc: dict[str, Any], digest: str, resolution: str = "") -> None:
        qbo_id = str(doc["Id"])
        now = self.clock()
        with self.ledger.transaction():
            self.ledger.record_outcome(wid, outcome="ok", now=now, qbo_id=qbo_id, resolution=resolution)
            self._record(s, doc, digest, now)
        s.status, s.qbo_id = "ok", qbo_id
        self.ids[s.key] = qbo_id

    def _record(
        self, s: Step, doc: dict[str, Any], digest: str, now: dt.datetime, status: str = "posted"
    ) -> None:
        self.ledger.record_document(
            order_id=s.order_id,
            kind=s.write.kind,
            source_id=s.write.source_id,
            entity=s.write.entity,
            qbo_id=str(doc["Id"]),
            sync_token=str(doc.get("SyncToken", "0")),
            run_id=self.run_id,
            now=now,
            doc_number=doc.get("DocNumber"),
            txn_date=doc.get("TxnDate"),
            total=total_of(doc),
            payload_hash=digest,
            idempotency_key=s.key,
            status=status,
            detail=sale_detail(doc) if s.write.kind == "sale" else None,
        )

    def _failed(self, s: Step, wid: int, err: ApiError | None) -> None:
        code, msg = _fault(err)
        self.ledger.record_outcome(
            wid, outcome="failed", now=self.clock(), fault_code=code, fault_message=msg
        )
        s.status, s.message, s.fault_code = "failed", msg, code
        s.permanent, s.error = isinstance(err, QboFaultError), err

    def _duplicate(self, s: Step, wid: int, payload: dict[str, Any], err: ApiError, digest: str) -> None:
        try:
            (doc,) = find_created(self.qbo, [_lookup(s.write, payload)])
        except AuthenticationError:
            raise
        except ApiError:
            doc = None
        if doc is None:
            self._failed(s, wid, err)
            if isinstance(err, DuplicateDocNumberError):
                s.message = (
                    f"DocNumber {s.write.doc_number} is already used by another QBO document "
                    f"(not one wixqb posted): {s.message}"
                )
            return
        if isinstance(err, DuplicateNameError):
            # An existing customer/item of the same name: use it, but it is not ours to undo.
            self.ledger.record_outcome(
                wid, outcome="ok", now=self.clock(), qbo_id=str(doc["Id"]), resolution="existing"
            )
            s.status, s.qbo_id = "ok", str(doc["Id"])
            self.ids[s.key] = str(doc["Id"])
            return
        self._created(s, wid, doc, digest, resolution="adopted")

    def _settle(self, unknown: list[tuple[Step, int, dict[str, Any], str]]) -> None:
        """Look up creates whose answer was lost: adopt what QBO has; retry what it has not, once."""
        try:
            docs = find_created(self.qbo, [_lookup(s.write, p) for s, _, p, _ in unknown])
        except AuthenticationError:
            raise
        except ApiError:
            return  # they stay unknown; the next run settles them
        for (s, wid, _, digest), doc in zip(unknown, docs, strict=True):
            if doc is not None:
                self._created(s, wid, doc, digest, resolution="adopted")
                continue
            self.ledger.record_outcome(wid, outcome="failed", now=self.clock(), resolution="absent")
            s.status = "pending" if s.attempts < MAX_ATTEMPTS else "failed"

    # -- updates and voids --------------------------------------------------------------------

    def _single(self, s: Step) -> None:
        payload = dict(resolve_refs(s.write.payload, self.ids))
        sparse = bool(payload.pop("sparse", True))
        key = s.key
        for attempt in range(MAX_ATTEMPTS):
            intent = self._intent(s, payload)
            if attempt:
                intent = replace(intent, idempotency_key=key)
            (wid,) = self.ledger.record_intents(self.run_id, [intent], now=self.clock())
            s.attempts += 1
            try:
                doc = self._send(s.write, payload, key, sparse)
            except StaleObjectError as exc:
                self._failed(s, wid, exc)
                current = self._reread(s, payload)
                if current is None:
                    return
                payload["SyncToken"] = current
                key = f"{s.key}:t{current}"
                s.status = "pending"
                continue
            except AuthenticationError as exc:
                self._failed(s, wid, exc)
                raise
            except ApiError as exc:
                if answered(exc):
                    self._failed(s, wid, exc)
                else:
                    code, msg = _fault(exc)
                    self.ledger.record_outcome(
                        wid, outcome="unknown", now=self.clock(), fault_code=code, fault_message=msg
                    )
                    s.status, s.message = "unknown", msg
                return
            now = self.clock()
            status = "voided" if s.write.operation == "void" else "posted"
            with self.ledger.transaction():
                self.ledger.record_outcome(wid, outcome="ok", now=now, qbo_id=str(doc["Id"]))
                self._record(s, doc, intent.payload_hash, now, status=status)
            s.status, s.qbo_id, s.message = "ok", str(doc["Id"]), ""
            self.ids[s.key] = str(doc["Id"])
            return
        s.status = "failed"  # still stale after a re-read: someone keeps changing it in QBO

    def _send(self, write: PlannedWrite, payload: dict[str, Any], key: str, sparse: bool) -> dict[str, Any]:
        if write.operation == "void":
            return self.qbo.void(write.entity, str(payload["Id"]), str(payload["SyncToken"]), key)
        if write.operation == "update":
            return self.qbo.update(write.entity, payload, key, sparse=sparse)
        raise ValueError(f"unknown operation {write.operation!r}")

    def _reread(self, s: Step, payload: dict[str, Any]) -> str | None:
        try:
            doc = self.qbo.read(s.write.entity, str(payload["Id"]))
        except AuthenticationError:
            raise
        except ApiError as exc:
            s.message = f"{s.message}; re-reading it failed: {exc}"
            return None
        token = str(doc.get("SyncToken", "0"))
        self.ledger.set_sync_token(s.write.entity, str(payload["Id"]), token, now=self.clock())
        return token
