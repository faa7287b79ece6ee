"""Recording how each order came out of a run: its state in the ledger and its errors.

- every write done (or nothing to write): ``posted`` (``skipped`` with the reason for filtered
  orders); its earlier errors are resolved;
- a mapping error, or QBO refusing a write (a fault): ``error``, one ``errors`` row per problem with
  a fix hint; the order is planned again after a configuration change or ``wixqb errors retry``;
- a write that failed for a passing reason (throttled, answer lost and not found, blocked behind
  such a write): ``partial``; the next run plans it again by itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from wixqb_nb.mapping import OrderPlan
from wixqb_nb.models.wix import Order
from wixqb_nb.sync.apply import ApplyResult, Step
from wixqb_nb.sync.fetch import updated_text
from wixqb_nb.sync.ledger import Ledger
from wixqb_nb.sync.triage import record_error, resolve_order_errors

#: What to do about a QBO fault, by code.
FAULT_HINTS: dict[str, str] = {
    "6140": "another QBO document already uses this DocNumber: change advanced.order_prefix or renumber that "
    "document, then `wixqb errors retry ID`",
    "6240": "the name is used by another customer, vendor or employee in QBO: rename one, then retry",
    "6210": "the books are closed for this date: reopen the period or move the closing date, then retry",
    "2500": "a mapped item, account, customer or tax code is inactive or deleted in QBO: fix the mapping or "
    "reactivate it, then retry",
    "610": "an object the document refers to was deleted or made inactive in QBO: fix it, then retry",
    "5010": "the document was changed in QBO during the sync: run again",
    "6000": "QBO refused the document (see the message): fix the order or the mapping, then retry",
}
DEFAULT_HINT = "fix the cause in QBO or in the configuration, then `wixqb errors retry ID` (or `ignore ID`)"


def hint_for(codes: str) -> str:
    """The fix hint of a fault (``codes`` as the ledger keeps them: ``"6140"`` or ``"6000,2500"``)."""
    for code in codes.split(","):
        if code.strip() in FAULT_HINTS:
            return FAULT_HINTS[code.strip()]
    return DEFAULT_HINT


@dataclass
class Settled:
    """Counts and problems of the orders of one run."""

    posted: int = 0
    skipped: int = 0
    failed: int = 0
    partial: int = 0
    problems: list[dict[str, Any]] = field(default_factory=list)


def settle_orders(
    ledger: Ledger,
    plans: Iterable[OrderPlan],
    applied: ApplyResult | None,
    orders: Mapping[str, Order],
    *,
    run_id: int,
    now: dt.datetime,
) -> Settled:
    """Record each planned order's state and errors; return the counts and the problems."""
    out = Settled()
    for plan in plans:
        order = orders.get(plan.order_id)
        updated = updated_text(order) if order is not None else ""
        steps = applied.for_order(plan.order_id) if applied is not None else []
        with ledger.transaction():
            state, detail, problems = _state(plan, steps)
            keep: list[int] = []
            for p in problems:
                if p.get("record", True):
                    keep.append(
                        record_error(
                            ledger,
                            order_id=plan.order_id,
                            order_number=plan.order_number,
                            field=p["field"],
                            message=p["message"],
                            hint=p["hint"],
                            now=now,
                            run_id=run_id,
                        )
                    )
            if state in ("posted", "skipped"):
                resolve_order_errors(ledger, plan.order_id, now=now)
            elif state == "error":
                resolve_order_errors(ledger, plan.order_id, now=now, keep=keep)
            ledger.set_order(
                plan.order_id,
                number=plan.order_number,
                # a half-done order keeps no updatedDate, so it is never mistaken for a done one
                updated_date=updated if state in ("posted", "skipped", "error") else "",
                state=state,
                run_id=run_id,
                now=now,
                detail=detail,
            )
        out.problems += [{**p, "source_id": plan.order_number} for p in problems]
        if state == "posted":
            out.posted += 1
        elif state == "skipped":
            out.skipped += 1
        elif state == "error":
            out.failed += 1
        else:
            out.partial += 1
    return out


def _state(plan: OrderPlan, steps: list[Step]) -> tuple[str, str, list[dict[str, Any]]]:
    if plan.errors:
        problems = [
            {"field": e.field, "error": "MappingError", "message": e.message, "hint": e.hint or DEFAULT_HINT}
            for e in plan.errors
        ]
        return "error", problems[0]["message"], problems
    if plan.skip is not None:
        return "skipped", plan.skip.reason, []
    refused = [s for s in steps if s.status == "failed" and s.permanent]
    if refused:
        problems = [
            {
                "field": f"qbo.{s.write.entity}",
                "error": type(s.error).__name__ if s.error else "QboFaultError",
                "message": f"{s.write.entity} {s.write.operation} refused: {s.message}",
                "hint": hint_for(s.fault_code),
            }
            for s in refused
        ]
        return "error", problems[0]["message"], problems
    unfinished = [s for s in steps if s.status != "ok"]
    if unfinished:
        first = unfinished[0]
        message = f"{first.write.entity} {first.write.operation} {first.status}: {first.message}"
        # reported in the run's problems, not recorded as an error: the next run retries by itself
        return "partial", message, [
            {"field": f"qbo.{first.write.entity}", "error": first.status, "message": message,
             "hint": "the next run retries it", "record": False}
        ]  # fmt: skip
    return "posted", "", []
