"""Settling writes whose outcome is unknown: look the object up in QBO and adopt it, never write blindly.

A create whose answer was lost (crash, kill, dropped connection, 5xx after QBO committed) is found
again by what the intent recorded: its DocNumber (checked against our marker, so another
document that happens to use the number is never adopted); its TxnDate and marker when QBO
numbers documents (payments have no number either); its name for customers and items. Found: the
write is ``ok`` with ``resolution = 'adopted'`` and the document enters the ledger. Not found:
``failed`` with ``resolution = 'absent'``, and the order is planned again. An update, void or
deactivation with a lost answer is settled by reading the object back (its SyncToken moves on).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from wixqb_nb import money
from wixqb_nb.clients import qbo_query
from wixqb_nb.clients.qbo import QboClient
from wixqb_nb.errors import ApiError, AuthenticationError, NotFoundError, ObjectNotFoundError
from wixqb_nb.sync.ledger import Ledger, WriteRow

log = logging.getLogger(__name__)
NAME_FIELD = {"Customer": "DisplayName", "Item": "Name"}
CHUNK = 50


@dataclass(frozen=True)
class Lookup:
    """How to find one created object again."""

    entity: str
    doc_number: str | None = None
    txn_date: str | None = None
    marker: str | None = None
    name: str | None = None


def _ours(doc: dict[str, Any], marker: str | None) -> bool:
    return marker is None or marker in str(doc.get("PrivateNote") or "")


def find_created(qbo: QboClient, lookups: Sequence[Lookup]) -> list[dict[str, Any] | None]:
    """The QBO object each lookup designates, or None; one query per entity and chunk, not per object."""
    found: list[dict[str, Any] | None] = [None] * len(lookups)
    groups: dict[tuple[str, str, str], list[int]] = {}
    for i, lk in enumerate(lookups):
        if lk.entity in NAME_FIELD and lk.name:
            groups.setdefault((lk.entity, "name", ""), []).append(i)
        elif lk.doc_number:
            groups.setdefault((lk.entity, "doc", ""), []).append(i)
        elif lk.txn_date and lk.marker:
            groups.setdefault((lk.entity, "date", lk.txn_date), []).append(i)
    for (entity, how, date), idx in groups.items():
        for start in range(0, len(idx), CHUNK):
            chunk = idx[start : start + CHUNK]
            rows = _query(qbo, entity, how, date, [lookups[i] for i in chunk])
            for i in chunk:
                found[i] = _match(lookups[i], how, rows)
    return found


def _query(qbo: QboClient, entity: str, how: str, date: str, lks: list[Lookup]) -> list[dict[str, Any]]:
    if how == "name":
        field = NAME_FIELD[entity]
        cond = qbo_query.condition(field, "IN", sorted({lk.name or "" for lk in lks}))
    elif how == "doc":
        cond = qbo_query.condition("DocNumber", "IN", sorted({lk.doc_number or "" for lk in lks}))
    else:
        cond = qbo_query.condition("TxnDate", "=", date)
    extra = ["Sku"] if entity == "Item" else []
    return list(qbo.query_iter(qbo_query.select(entity, [cond], extra_fields=extra)))


def _match(lk: Lookup, how: str, rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    for row in rows:
        if how == "name":
            if str(row.get(NAME_FIELD[lk.entity]) or "").strip().lower() == (lk.name or "").strip().lower():
                return row
        elif how == "doc":
            if row.get("DocNumber") == lk.doc_number and _ours(row, lk.marker):
                return row
        elif _ours(row, lk.marker):
            return row
    return None


def lookup_of(w: WriteRow) -> Lookup:
    """The lookup a write's intent recorded."""
    return Lookup(w.entity, w.doc_number, w.txn_date, w.marker, w.lookup_name)


def total_of(doc: dict[str, Any]) -> Decimal | None:
    """``TotalAmt`` of a QBO document as Decimal (None for customers and items)."""
    value = doc.get("TotalAmt")
    return money.parse_amount(value) if value is not None else None


def sale_detail(doc: dict[str, Any]) -> str | None:
    """A sale's amounts by tax code and its tax by rate id, as JSON for ``documents.detail``.

    What a later change credit must reverse per code and rate (the mapping's ``_credit``). ``None``
    when the document is no sale or has lines that carry no tax code (a discount line, a line
    without ``TaxCodeRef``): the credit then falls back to one untaxed line.
    """
    if "TxnTaxDetail" not in doc or not isinstance(doc.get("Line"), list):
        return None
    net: dict[str, Decimal] = {}
    for line in doc["Line"]:
        kind = line.get("DetailType")
        if kind == "SubTotalLineDetail":
            continue
        code = ((line.get("SalesItemLineDetail") or {}).get("TaxCodeRef") or {}).get("value")
        if kind != "SalesItemLineDetail" or not code:
            return None
        net[str(code)] = net.get(str(code), Decimal(0)) + money.parse_amount(line.get("Amount", 0))
    tax: dict[str, Decimal] = {}
    for t in (doc.get("TxnTaxDetail") or {}).get("TaxLine") or []:
        rate = ((t.get("TaxLineDetail") or {}).get("TaxRateRef") or {}).get("value")
        if not rate:
            return None
        tax[str(rate)] = tax.get(str(rate), Decimal(0)) + money.parse_amount(t.get("Amount", 0))
    return money.dumps({"net": net, "tax": tax}, sort_keys=True)


def resolve_unknown(
    qbo: QboClient, ledger: Ledger, *, now: dt.datetime, writes: Iterable[WriteRow] | None = None
) -> dict[str, int]:
    """Settle ``writes`` (default: every unknown write in the ledger); return counts by resolution.

    Raises only :class:`AuthenticationError`; any other failure leaves the writes unknown for later.
    """
    pending = list(ledger.unknown_writes() if writes is None else writes)
    counts = {"adopted": 0, "absent": 0, "refreshed": 0, "left": 0}
    creates = [w for w in pending if w.operation == "create"]
    others = [w for w in pending if w.operation != "create"]
    if creates:
        try:
            docs = find_created(qbo, [lookup_of(w) for w in creates])
        except AuthenticationError:
            raise
        except ApiError as exc:
            log.warning("could not look up %d writes with lost answers: %s", len(creates), exc)
            counts["left"] += len(creates)
            docs = []
        for w, doc in zip(creates, docs, strict=False):
            with ledger.transaction():
                if doc is None:
                    ledger.record_outcome(w.id, outcome="failed", now=now, resolution="absent")
                    counts["absent"] += 1
                    continue
                ledger.record_outcome(
                    w.id, outcome="ok", now=now, qbo_id=str(doc["Id"]), resolution="adopted"
                )
                adopt(ledger, w, doc, now=now)
                counts["adopted"] += 1
    for w in others:
        counts[_refresh(qbo, ledger, w, now)] += 1
    return counts


def adopt(ledger: Ledger, w: WriteRow, doc: dict[str, Any], *, now: dt.datetime) -> None:
    """Record a found object as the document of write ``w`` (credited to the run that attempted it)."""
    ledger.record_document(
        order_id=w.order_id,
        kind=w.kind,
        source_id=w.source_id,
        entity=w.entity,
        qbo_id=str(doc["Id"]),
        sync_token=str(doc.get("SyncToken", "0")),
        run_id=w.run_id,
        now=now,
        doc_number=doc.get("DocNumber"),
        txn_date=doc.get("TxnDate"),
        total=total_of(doc),
        payload_hash=w.payload_hash,
        idempotency_key=w.idempotency_key,
        detail=sale_detail(doc) if w.kind == "sale" else None,
    )


def _refresh(qbo: QboClient, ledger: Ledger, w: WriteRow, now: dt.datetime) -> str:
    """An update/void/delete/deactivate with a lost answer: read the object back, keep its SyncToken.

    The write is marked failed (``refreshed``): the order is planned again and, if the change did
    land, the plan finds nothing left to do or repeats a change that is harmless to repeat.
    """
    if not w.qbo_id:
        ledger.record_outcome(w.id, outcome="failed", now=now, resolution="absent")
        return "absent"
    try:
        doc = qbo.read(w.entity, w.qbo_id)
    except (NotFoundError, ObjectNotFoundError):
        with ledger.transaction():
            if w.operation == "delete":
                ledger.record_outcome(w.id, outcome="ok", now=now, resolution="refreshed")
                ledger.set_document_status(w.entity, w.qbo_id, status="deleted", now=now)
            else:
                ledger.record_outcome(w.id, outcome="failed", now=now, resolution="absent")
        return "refreshed" if w.operation == "delete" else "absent"
    except AuthenticationError:
        raise
    except ApiError as exc:
        log.warning("could not read %s %s back: %s", w.entity, w.qbo_id, exc)
        return "left"
    token = str(doc.get("SyncToken", "0"))
    with ledger.transaction():
        if w.operation == "deactivate" and doc.get("Active") is False:
            ledger.record_outcome(w.id, outcome="ok", now=now, resolution="refreshed")
            ledger.set_document_status(w.entity, w.qbo_id, status="inactive", now=now, sync_token=token)
        else:
            ledger.record_outcome(w.id, outcome="failed", now=now, resolution="refreshed")
            ledger.set_document_status(
                w.entity, w.qbo_id, status=_status_of(ledger, w), now=now, sync_token=token
            )
    return "refreshed"


def _status_of(ledger: Ledger, w: WriteRow) -> str:
    row = ledger.document(w.entity, w.qbo_id or "")
    return row.status if row is not None else "posted"
