"""``plan_order`` and ``plan``: a Wix order (with its transactions) to the QBO writes it needs.

Pure and total: no I/O, no clock (``now`` is an argument), and bad input returns an error in the
plan instead of raising. Writes come in dependency order: customer, items, the sale, its
payments, its refunds. ``posted`` (what the ledger says was already posted, keyed by
``(kind, source_id)``) turns creates into updates, voids or nothing at all; a posted sale keeps
the type it was posted as (``PostedDoc.entity``) whatever the payment status becomes, so an unpaid
order posted as an Invoice, once paid, gets a Payment linked to that Invoice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from wixqb_nb import money
from wixqb_nb.config import UNPAID_STATUSES, Config, DocumentType
from wixqb_nb.errors import MappingError
from wixqb_nb.mapping import markers
from wixqb_nb.mapping.context import Context
from wixqb_nb.mapping.entities import Pending, resolve_customer
from wixqb_nb.mapping.movements import plan_payments, plan_refund, tender_refs
from wixqb_nb.mapping.sale import SaleDraft, build_sale
from wixqb_nb.mapping.snapshot import QboSnapshot
from wixqb_nb.mapping.types import OrderPlan, Plan, PlannedLine, PlannedWrite, Skip, ref
from wixqb_nb.models.wix import Order, OrderTransactions, Payment

REFUNDABLE_MODULES = ("stores", "bookings")
SALE_ENTITIES = ("Invoice", "SalesReceipt")


@dataclass(frozen=True)
class PostedDoc:
    """What the ledger recorded for one posted document."""

    kind: str  # sale, payment, refund
    source_id: str
    entity: str  # for a sale, the type it stays (Invoice or SalesReceipt) in later plans
    qbo_id: str
    sync_token: str
    payload_hash: str
    revision: int = 1
    voided: bool = False
    total: Decimal | None = None  # the document's total in QBO (the ledger's ``documents.total``)
    locked: bool = False  # must not be edited: its period is closed in QBO, or it was reconciled
    # a sale as QBO holds it (``documents.detail``): amounts by tax code, tax by rate id; what a
    # change credit reverses per code and rate (``None``: unknown, the credit is one untaxed line)
    net_by_code: Mapping[str, Decimal] | None = None
    tax_by_rate: Mapping[str, Decimal] | None = None


def payload_hash(payload: Mapping[str, Any]) -> str:
    """A stable hash of a payload (the ledger stores it to detect changes)."""
    return hashlib.sha256(money.dumps(payload, sort_keys=True).encode()).hexdigest()[:16]


def local_date(when: dt.datetime | None, time_zone: str | ZoneInfo) -> dt.date | None:
    """The calendar date of ``when`` in the account's time zone (naive datetimes are UTC)."""
    if when is None:
        return None
    aware = when if when.tzinfo else when.replace(tzinfo=dt.UTC)
    tz = time_zone if isinstance(time_zone, ZoneInfo) else ZoneInfo(time_zone)
    return aware.astimezone(tz).date()


def select(
    order: Order,
    config: Config,
    *,
    posted: bool,
    ctx: Context | None = None,
    day: dt.date | None = None,
) -> Skip | None:
    """Why the order is not synced, or ``None`` when it is (``day``: its local creation date, when
    the caller has it)."""
    if ctx is None:
        ctx = Context.of(config, QboSnapshot())
    status = (order.status or "").upper()
    pay = (order.payment_status or "").upper()
    if status == "INITIALIZED":
        return Skip("order not approved yet (INITIALIZED)")
    if status == "CANCELED" and not posted:
        return Skip("order canceled before it was synced")
    module = order.module
    if module not in ctx.modules:
        return Skip(f"module {module} is not synced (orders.modules)")
    if pay not in ctx.payment_statuses and not posted:
        return Skip(f"payment status {pay or 'unknown'} is not synced (orders.payment_statuses)")
    if pay in UNPAID_STATUSES and not (module == "stores" and ctx.unpaid_stores):
        return Skip(f"unpaid ({pay}) orders sync only for Wix Stores with orders.unpaid_stores_orders")
    start = ctx.start
    if start is not None:
        if day is None:
            day = local_date(order.created_date, ctx.tz)
        if day is None or day < start:
            return Skip(f"created {day} before the integration start date {start}")
    return None


def plan_order(
    order: Order,
    transactions: OrderTransactions | None,
    config: Config,
    snapshot: QboSnapshot,
    *,
    now: dt.datetime,
    posted: Mapping[tuple[str, str], PostedDoc] | None = None,
    pending: Pending | None = None,
    ctx: Context | None = None,
) -> OrderPlan:
    """Plan one order: the QBO writes in dependency order, or a skip, or mapping errors.

    Parameters
    ----------
    now
        The run's time (aware); used only for dates the order does not carry.
    posted
        The ledger's view of this order's documents, keyed by ``(kind, source_id)``.
    pending
        Customers and items already planned by earlier orders of the same plan; what this order
        registers there is forgotten again when it ends in errors.
    ctx
        The run's :class:`~wixqb_nb.mapping.context.Context` (built from ``config`` and
        ``snapshot`` when not given).
    """
    if ctx is None or ctx.config is not config or ctx.snap is not snapshot:
        ctx = Context.of(config, snapshot)
    if pending is None:
        pending = Pending()
    mark = pending.mark()
    try:
        result = _plan(order, transactions, config, snapshot, now, posted or {}, pending, ctx)
    except (ArithmeticError, ValueError, TypeError, KeyError) as exc:  # a guard: never raise on bad input
        err = MappingError(
            f"cannot map the order: {exc}", source_id=order.id, field="order", hint="report this order"
        )
        result = OrderPlan(order.id, order.number or order.id, errors=(err,))
    if result.errors:
        # A failed order's writes are dropped: the customers and items it would have created must
        # not be waited on by later orders (they create them themselves, still once per plan).
        pending.rollback(mark)
    return result


def _plan(
    order: Order,
    txs: OrderTransactions | None,
    config: Config,
    snap: QboSnapshot,
    now: dt.datetime,
    posted: Mapping[tuple[str, str], PostedDoc],
    pending: Pending,
    ctx: Context,
) -> OrderPlan:
    number = order.number or order.id
    sale_posted = posted.get(("sale", order.id))
    created = local_date(order.created_date, ctx.tz)
    skip = select(order, config, posted=sale_posted is not None, ctx=ctx, day=created)
    if skip is not None:
        return OrderPlan(order.id, number, skip=skip)
    if sale_posted is not None and (order.status or "").upper() == "CANCELED":
        return _void(order, sale_posted, snap, posted)
    foreign = _foreign_currency(order, snap)
    if foreign is not None:
        return OrderPlan(order.id, number, errors=(foreign,))
    errors: list[MappingError] = []
    customer = resolve_customer(order, config, snap, pending)
    if isinstance(customer, MappingError):
        errors.append(customer)
    draft = build_sale(order, config, snap, pending, ctx)
    if isinstance(draft, list):
        errors += draft
    doc_number = None
    adv = config.advanced
    if not adv.auto_doc_numbers:
        doc_number = markers.sale_doc_number(adv.order_prefix, adv.order_separator, number)
        if not markers.fits(doc_number):
            errors.append(
                MappingError(
                    f"DocNumber {doc_number!r} is longer than QBO's 21 characters",
                    source_id=order.id,
                    field="advanced.order_prefix",
                    hint="shorten advanced.order_prefix or turn on advanced.auto_doc_numbers",
                )
            )
    if errors or isinstance(customer, MappingError) or isinstance(draft, list):
        return OrderPlan(order.id, number, errors=tuple(errors))
    tz = ctx.tz
    txn_date = (created or local_date(now, tz) or now.date()).isoformat()
    payments = txs.payments if txs else []
    entity, notes = _document_type(order, payments, config, ctx)
    if sale_posted is not None and sale_posted.entity in SALE_ENTITIES:
        # A posted sale keeps its type: the payment status changing (an invoice paid, a receipt
        # refunded) adds Payments or refunds, it never turns one document type into the other.
        if sale_posted.entity != entity:
            pay = order.payment_status or "unknown"
            notes = [f"posted as {sale_posted.entity}: stays one (a new order {pay} would be a {entity})"]
        else:
            notes = []
        entity = sale_posted.entity
    writes: list[PlannedWrite] = []
    if customer.write is not None:
        writes.append(customer.write)
    writes += draft.writes
    customer_ref = {"value": customer.value}
    depends = customer.depends_on
    if draft.depends_on:
        depends = tuple(sorted({*depends, *draft.depends_on}))
    sale = _sale_write(
        order, draft, config, snap, entity, doc_number, customer_ref, txn_date, payments, depends
    )
    sale_key = sale.idempotency_key
    kept_sale = _against_posted(sale, sale_posted)
    sale_total = draft.predicted_total
    extra_notes: list[str] = []
    if kept_sale is not None and kept_sale.operation == "update" and sale_posted is not None:
        frozen = _frozen_reason(sale_posted, posted, _new_total(sale), payments)
        if frozen and sale_posted.total is None:  # older ledgers: no total to credit against
            extra_notes.append(f"sale updated although {frozen}: the ledger has no posted total")
        elif frozen:  # the posted sale stays as it is: payments keep applying to its total
            sale_total = sale_posted.total
            got = _credit(order, sale, sale_posted, frozen, config, ctx, now, customer_ref, posted, payments)
            if isinstance(got, MappingError):
                return OrderPlan(order.id, number, errors=(got,))
            kept_sale = None
            writes += got
    if kept_sale is not None:
        writes.append(kept_sale)
    if entity == "Invoice" and config.payments.enabled and sale_total is not None:
        pays = plan_payments(
            order,
            payments,
            config,
            snap,
            sale_key=sale_key,
            customer_ref={"value": customer.value},
            sale_total=sale_total,
            txn_date=txn_date,
            depends=customer.depends_on,
            ctx=ctx,
            tz=ctx.tz,
        )
        for p in pays:
            if sale_posted is not None:  # the invoice exists: link to its real Id
                p = _link_existing(p, sale_posted.qbo_id)
            kept = _against_posted(p, posted.get(("payment", p.source_id))) if posted else p
            if kept is not None:
                writes.append(kept)
    if txs is not None and txs.refunds:
        writes += _refunds(
            order,
            txs,
            draft,
            config,
            snap,
            doc_number,
            {"value": customer.value},
            ctx.tz,
            now,
            payments,
            posted,
        )
    if draft.notes or extra_notes:
        notes = notes + draft.notes + extra_notes
    return OrderPlan(order.id, number, writes=tuple(writes), notes=tuple(notes))


def _foreign_currency(order: Order, snap: QboSnapshot) -> MappingError | None:
    """An error when a single-currency company gets an order in another currency.

    Without multicurrency QBO books every amount in the home currency, so a USD order in a CAD
    company would post its USD figures as CAD. Unknown currencies (the order's or the company's)
    are not judged.
    """
    if snap.multicurrency:
        return None
    currency = (order.currency or "").strip().upper()
    home = (snap.home_currency or "").strip().upper()
    if not currency or not home or currency == home:
        return None
    return MappingError(
        f"the order is in {currency} but the QBO company books only {home} (multicurrency is off)",
        source_id=order.id,
        field="currency",
        hint=f"turn on multicurrency in QBO (Account and settings > Advanced), "
        f"or leave {currency} orders out of the sync",
    )


def _document_type(
    order: Order, payments: list[Payment], config: Config, ctx: Context | None = None
) -> tuple[str, list[str]]:
    pay = (order.payment_status or "").upper()
    wanted = config.orders.document_for(pay)
    if pay in UNPAID_STATUSES:
        return "Invoice", [] if wanted is DocumentType.INVOICE else ["unpaid order booked as an invoice"]
    if wanted is DocumentType.INVOICE:
        return "Invoice", []
    tenders = {
        (str(d), str(m))
        for p in payments
        if p.succeeded and p.value > 0
        for d, m in [tender_refs(p, config, ctx)]
    }
    if len(tenders) > 1:
        return "Invoice", [
            "paid with several tenders going to different accounts: booked as an invoice + payments"
        ]
    return "SalesReceipt", []


def _sale_write(
    order: Order,
    draft: SaleDraft,
    config: Config,
    snap: QboSnapshot,
    entity: str,
    doc_number: str | None,
    customer_ref: dict[str, Any],
    txn_date: str,
    payments: list[Payment],
    depends: tuple[str, ...] = (),
) -> PlannedWrite:
    marker = markers.format_marker(order.id, "sale", order.id)
    payload: dict[str, Any] = {"TxnDate": txn_date, "CustomerRef": customer_ref}
    if doc_number is not None:
        payload["DocNumber"] = doc_number
    payload["PrivateNote"] = f"Wix order {order.number} {marker}"
    payload["Line"] = draft.lines
    if draft.global_tax:
        payload["GlobalTaxCalculation"] = draft.global_tax
    if draft.tax_detail:
        payload["TxnTaxDetail"] = draft.tax_detail
        if snap.is_us and "TotalTax" in draft.tax_detail:
            payload["ShippingTaxIncludedInTotalTax"] = True
    adv = config.advanced
    if adv.default_location is not None:
        payload["DepartmentRef"] = {"value": adv.default_location.id}
    if snap.multicurrency and order.currency:
        payload["CurrencyRef"] = {"value": order.currency}
    if not adv.use_qbo_customer_message and order.buyer_note:
        payload["CustomerMemo"] = {"value": order.buyer_note[:1000]}
    elif adv.use_qbo_customer_message and snap.default_customer_message:
        payload["CustomerMemo"] = {"value": snap.default_customer_message[:1000]}
    email = order.email
    if email and "@" in email:
        payload["BillEmail"] = {"Address": email[:100]}
    if entity == "Invoice":
        payload["AllowOnlineCreditCardPayment"] = adv.allow_online_card_payment
    else:
        paid = [p for p in payments if p.succeeded and p.value > 0]
        if paid:
            deposit, method = tender_refs(max(paid, key=lambda p: p.value), config)
            if deposit:
                payload["DepositToAccountRef"] = deposit
            if method:
                payload["PaymentMethodRef"] = method
    key = markers.idempotency_key(snap.realm_id, order.id, "sale", order.id, 1)
    return PlannedWrite(
        kind="sale",
        entity=entity,
        operation="create",
        payload=payload,
        idempotency_key=key,
        source_id=order.id,
        doc_number=doc_number,
        marker=marker,
        wix_total=draft.wix_total,
        predicted_total=draft.predicted_total,
        predicted_tax=draft.predicted_tax,
        rounding=draft.rounding,
        depends_on=depends,
        lines=tuple(draft.planned),
    )


def _against_posted(write: PlannedWrite, done: PostedDoc | None) -> PlannedWrite | None:
    """Create when never posted; nothing when unchanged; an update carrying Id and SyncToken otherwise."""
    if done is None:
        # Hashing costs more than planning; creates leave it to the ledger (``payload_hash(payload)``).
        return write
    digest = payload_hash(write.payload)
    if done.payload_hash == digest and not done.voided:
        return None
    revision = done.revision + 1
    key = write.idempotency_key.rsplit(":r", 1)[0] + f":r{revision}"
    payload = {"Id": done.qbo_id, "SyncToken": done.sync_token, "sparse": False, **write.payload}
    return replace(write, operation="update", payload=payload, idempotency_key=key, payload_hash=digest)


def is_change_source(source_id: str) -> bool:
    """The source of what the sync books for a posted sale changed in Wix after it could no longer
    be edited (``change-r{revision}``: the CreditMemo, and the Payment applying it to the invoice)."""
    return source_id.startswith("change-r")


def _new_total(sale: PlannedWrite) -> Decimal | None:
    """The total QBO will give the planned sale (the prediction, else Wix's total)."""
    return sale.predicted_total if sale.predicted_total is not None else sale.wix_total


def _paid_into(posted: Mapping[tuple[str, str], PostedDoc], payments: list[Payment]) -> Decimal | None:
    """An upper bound of what the posted payments apply to the sale (``None``: a payment's amount
    is unknown). A payment applies at most its amount, so the larger of the ledger's total and
    Wix's amount errs towards crediting, never towards an update QBO refuses."""
    wix = {p.id: p.value for p in payments}
    paid = Decimal(0)
    for (kind, source), d in posted.items():
        if kind != "payment" or d.voided or is_change_source(source):
            continue
        known = [a for a in (d.total, wix.get(source)) if a is not None]
        if not known:
            return None
        paid += max(known)
    return paid


def _frozen_reason(
    sale: PostedDoc,
    posted: Mapping[tuple[str, str], PostedDoc],
    new_total: Decimal | None = None,
    payments: list[Payment] | None = None,
) -> str:
    """Why a posted sale must be credited rather than edited ('' when an update is fine).

    QBO edits an invoice with payments applied as long as its new total still covers them (it
    refuses only a total below what was applied, and deletes or voids), so a payment freezes the
    sale only when the new total is below what the posted payments may apply, or unknown.
    """
    if sale.locked:
        return "its period is closed in QBO (or it was reconciled)"
    paid = _paid_into(posted, payments or [])
    if paid is not None and paid == 0:
        return ""
    if paid is None or new_total is None:
        return "a payment is applied to it"
    if new_total < paid:
        return f"the payments applied to it ({paid}) exceed its new total"
    return ""


def _credit(
    order: Order,
    sale: PlannedWrite,
    done: PostedDoc,
    why: str,
    config: Config,
    ctx: Context,
    now: dt.datetime,
    customer_ref: dict[str, Any],
    posted: Mapping[tuple[str, str], PostedDoc],
    payments: list[Payment] | None = None,
) -> list[PlannedWrite] | MappingError:
    """A CreditMemo for what a posted, non-editable sale lost in a later Wix edit (``credit``).

    The memo carries the difference of the totals on one line (``refunds.amount_item``, else the
    order's first item) with the untaxed code: the ledger knows the posted total, not its lines.
    Its source is ``change-r{revision}``, so the next run finds it posted and plans nothing; a
    further edit updates the memo. A sale that grew cannot be credited: that is an error.
    """
    number = order.number or order.id
    new_total = _new_total(sale)
    if done.total is None or new_total is None:  # callers check done.total; wix_total is always set
        return []
    diff = done.total - new_total
    if diff < 0:
        return MappingError(
            f"the order grew by {-diff} after its sale was posted, and {why}",
            source_id=order.id,
            field="order",
            hint="invoice the difference in QBO by hand, or reopen the period and sync again",
        )
    if diff == 0:
        return []
    source = f"change-r{done.revision + 1}"
    marker = markers.format_marker(order.id, "refund", source)
    item = config.refunds.amount_item
    first = next((ln for ln in sale.payload["Line"] if ln.get("DetailType") == "SalesItemLineDetail"), None)
    item_ref = (
        {"value": item.id}
        if item is not None
        else dict(first["SalesItemLineDetail"]["ItemRef"])
        if first
        else {"value": "SHIPPING_ITEM_ID"}
    )
    desc = f"Wix order {number} changed after it was posted: total {done.total} -> {new_total}"
    split = None if ctx.is_us else _split_by_code(done, sale, diff)
    if split is None:
        code = "NON" if ctx.is_us else (config.taxes.untaxed_code.id if config.taxes.untaxed_code else "")
        by_code, tax_detail = {code: diff}, None
    else:
        by_code, tax_detail = split
    lines: list[dict[str, Any]] = []
    planned: list[PlannedLine] = []
    for code, amount in by_code.items():
        detail: dict[str, Any] = {"ItemRef": item_ref, "Qty": 1, "UnitPrice": amount}
        if code:
            detail["TaxCodeRef"] = {"value": code}
        lines.append(
            {
                "DetailType": "SalesItemLineDetail",
                "Amount": amount,
                "Description": desc,
                "SalesItemLineDetail": detail,
            }
        )
        planned.append(
            PlannedLine(
                "credit", desc, str(item_ref["value"]), Decimal(1), amount, amount, code, amount, Decimal(0)
            )
        )
    payload: dict[str, Any] = {
        "TxnDate": (local_date(now, ctx.tz) or now.date()).isoformat(),
        "CustomerRef": customer_ref,
        "PrivateNote": f"{desc} ({why}) {marker}",
        "Line": lines,
    }
    if tax_detail is not None:
        if "GlobalTaxCalculation" in sale.payload:
            payload["GlobalTaxCalculation"] = sale.payload["GlobalTaxCalculation"]
        payload["TxnTaxDetail"] = tax_detail
    if sale.doc_number is not None:
        doc = f"{config.refunds.prefix}{sale.doc_number}-X{done.revision + 1}"
        if markers.fits(doc):
            payload["DocNumber"] = doc
    if config.advanced.default_location is not None:
        payload["DepartmentRef"] = {"value": config.advanced.default_location.id}
    if ctx.snap.multicurrency and order.currency:
        payload["CurrencyRef"] = {"value": order.currency}
    write = PlannedWrite(
        kind="refund",
        entity="CreditMemo",
        operation="credit",
        payload=payload,
        idempotency_key=markers.idempotency_key(ctx.snap.realm_id, order.id, "refund", source, 1),
        source_id=source,
        doc_number=payload.get("DocNumber"),
        marker=marker,
        wix_total=diff,
        predicted_total=diff,
        depends_on=tuple(d for d in sale.depends_on if ":customer:" in d),
        lines=tuple(planned),
    )
    memo_done = posted.get(("refund", source))
    out = [w for w in [_against_posted(write, memo_done)] if w is not None]
    apply = _apply_credit(order, write, memo_done, done, diff, posted, payments or [], ctx)
    if apply is not None:
        out.append(apply)
    return out


def _split_by_code(
    done: PostedDoc, sale: PlannedWrite, diff: Decimal
) -> tuple[dict[str, Decimal], dict[str, Any]] | None:
    """The credit as amounts per tax code and a TxnTaxDetail with the tax per rate: the posted
    sale's (``documents.detail``) less the new one's, so QBO's tax falls as Wix's did.

    ``None`` (one untaxed line instead) when the posted detail is unknown, the new sale has lines
    without a tax code, a code or rate grew, or the parts do not add up to ``diff``.
    """
    if done.net_by_code is None or done.tax_by_rate is None:
        return None
    new_net: dict[str, Decimal] = {}
    for line in sale.payload.get("Line", []):
        kind = line.get("DetailType")
        if kind == "SubTotalLineDetail":
            continue
        code = ((line.get("SalesItemLineDetail") or {}).get("TaxCodeRef") or {}).get("value")
        if kind != "SalesItemLineDetail" or not code:
            return None
        new_net[str(code)] = new_net.get(str(code), Decimal(0)) + Decimal(line["Amount"])
    tax_lines = {
        str(t["TaxLineDetail"]["TaxRateRef"]["value"]): t
        for t in (sale.payload.get("TxnTaxDetail") or {}).get("TaxLine", [])
        if (t.get("TaxLineDetail") or {}).get("TaxRateRef")
    }
    net = {
        c: done.net_by_code.get(c, Decimal(0)) - new_net.get(c, Decimal(0))
        for c in {*done.net_by_code, *new_net}
    }
    tax = {
        r: a - Decimal(tax_lines[r]["Amount"]) if r in tax_lines else a for r, a in done.tax_by_rate.items()
    }
    if set(tax_lines) - set(done.tax_by_rate) or any(v < 0 for v in (*net.values(), *tax.values())):
        return None
    if sum(net.values(), Decimal(0)) + sum(tax.values(), Decimal(0)) != diff:
        return None
    taxed = [r for r, a in sorted(tax.items()) if a]
    if any(r not in tax_lines for r in taxed):  # its percentage comes from the new sale's line
        return None
    detail = {
        "TotalTax": sum(tax.values(), Decimal(0)),
        "TaxLine": [
            {
                "Amount": tax[r],
                "DetailType": "TaxLineDetail",
                "TaxLineDetail": {
                    k: v
                    for k, v in tax_lines[r]["TaxLineDetail"].items()
                    if k in ("TaxRateRef", "PercentBased", "TaxPercent")
                },
            }
            for r in taxed
        ],
    }
    return {c: a for c, a in sorted(net.items()) if a}, detail


def _apply_credit(
    order: Order,
    memo: PlannedWrite,
    memo_done: PostedDoc | None,
    sale: PostedDoc,
    diff: Decimal,
    posted: Mapping[tuple[str, str], PostedDoc],
    payments: list[Payment],
    ctx: Context,
) -> PlannedWrite | None:
    """A Payment of 0 applying the change CreditMemo to the invoice (as QBO's Receive Payment does
    with a credit), so the invoice's open balance is Wix's balance due again.

    It applies what the invoice still has open (its posted total less what the posted payments may
    apply, an upper bound), at most the memo; the rest stays on the memo as the customer's credit
    (Wix owes the overpayment back). Nothing when the sale is not an invoice or a payment's amount
    is unknown.
    """
    paid = _paid_into(posted, payments)
    if sale.entity != "Invoice" or sale.total is None or paid is None:
        return None
    amount = min(diff, sale.total - paid)
    if amount <= 0:
        return None
    memo_id: Any = (
        memo_done.qbo_id if memo_done is not None and not memo_done.voided else ref(memo.idempotency_key)
    )
    source = memo.source_id
    marker = markers.format_marker(order.id, "payment", source)
    payload: dict[str, Any] = {
        "CustomerRef": memo.payload["CustomerRef"],
        "TotalAmt": Decimal("0.00"),
        "TxnDate": memo.payload["TxnDate"],
        "PrivateNote": f"Credit memo applied to Wix order {order.number or order.id} {marker}",
        "Line": [
            {"Amount": amount, "LinkedTxn": [{"TxnId": sale.qbo_id, "TxnType": "Invoice"}]},
            {"Amount": amount, "LinkedTxn": [{"TxnId": memo_id, "TxnType": "CreditMemo"}]},
        ],
    }
    if "CurrencyRef" in memo.payload:
        payload["CurrencyRef"] = memo.payload["CurrencyRef"]
    depends = memo.depends_on if isinstance(memo_id, str) else (*memo.depends_on, memo.idempotency_key)
    write = PlannedWrite(
        kind="payment",
        entity="Payment",
        operation="create",
        payload=payload,
        idempotency_key=markers.idempotency_key(ctx.snap.realm_id, order.id, "payment", source, 1),
        source_id=source,
        marker=marker,
        wix_total=Decimal(0),
        predicted_total=Decimal(0),
        depends_on=depends,
    )
    return _against_posted(write, posted.get(("payment", source)))


def _link_existing(write: PlannedWrite, invoice_id: str) -> PlannedWrite:
    lines = [
        {**ln, "LinkedTxn": [{**lt, "TxnId": invoice_id} for lt in ln.get("LinkedTxn", [])]}
        for ln in write.payload.get("Line", [])
    ]
    deps = tuple(d for d in write.depends_on if ":sale:" not in d)
    return replace(write, payload={**write.payload, "Line": lines}, depends_on=deps)


def _void(
    order: Order, sale: PostedDoc, snap: QboSnapshot, posted: Mapping[tuple[str, str], PostedDoc]
) -> OrderPlan:
    """A canceled order that was posted: void its payments, then the sale."""
    writes: list[PlannedWrite] = []
    docs = [d for (kind, _), d in posted.items() if kind == "payment" and not d.voided]
    for d in [*docs, sale]:
        if d.voided:
            continue
        kind = d.kind
        key = markers.idempotency_key(snap.realm_id, order.id, kind, d.source_id, d.revision + 1)
        writes.append(
            PlannedWrite(
                kind=kind,
                entity=d.entity,
                operation="void",
                payload={"Id": d.qbo_id, "SyncToken": d.sync_token, "sparse": True},
                idempotency_key=key,
                source_id=d.source_id,
                marker=markers.format_marker(order.id, kind, d.source_id),
            )
        )
    return OrderPlan(
        order.id, order.number or order.id, writes=tuple(writes), notes=("order canceled in Wix",)
    )


def _refunds(
    order: Order,
    txs: OrderTransactions | None,
    draft: SaleDraft,
    config: Config,
    snap: QboSnapshot,
    sale_number: str | None,
    customer_ref: dict[str, Any],
    tz: ZoneInfo,
    now: dt.datetime,
    payments: list[Payment],
    posted: Mapping[tuple[str, str], PostedDoc],
) -> list[PlannedWrite]:
    if txs is None or not config.refunds.enabled or order.module not in REFUNDABLE_MODULES:
        return []
    done = sorted(
        (r for r in txs.refunds if r.succeeded and r.succeeded_amount > 0),
        key=lambda r: (r.created_date or now, r.id),
    )
    total = draft.wix_total
    out: list[PlannedWrite] = []
    by_id = {p.id: p for p in payments}
    for index, refund in enumerate(done, start=1):
        if not config.refunds.include_partial and refund.succeeded_amount < total:
            continue
        date = (local_date(refund.created_date, tz) or local_date(now, tz) or now.date()).isoformat()
        write = plan_refund(
            order,
            refund,
            index,
            draft,
            config,
            snap,
            sale_number=sale_number,
            customer_ref=customer_ref,
            txn_date=date,
            payments=by_id,
            depends=tuple(k for k in _deps(customer_ref)),
        )
        kept = _against_posted(write, posted.get(("refund", refund.id)))
        if kept is not None:
            out.append(kept)
    return out


def _deps(customer_ref: dict[str, Any]) -> list[str]:
    value = customer_ref.get("value")
    return [value["$ref"]] if isinstance(value, dict) and "$ref" in value else []


def plan(
    orders: Iterable[Order],
    transactions_by_id: Mapping[str, OrderTransactions],
    config: Config,
    snapshot: QboSnapshot,
    *,
    now: dt.datetime,
    posted_by_order: Mapping[str, Mapping[tuple[str, str], PostedDoc]] | None = None,
) -> Plan:
    """Plan many orders; a new customer or item needed by several orders is created once."""
    pending = Pending()
    ctx = Context.of(config, snapshot)
    posted_by_order = posted_by_order or {}
    get_txs = transactions_by_id.get
    get_posted = posted_by_order.get
    return Plan(
        orders=tuple(
            [
                plan_order(
                    o,
                    get_txs(o.id),
                    config,
                    snapshot,
                    now=now,
                    posted=get_posted(o.id),
                    pending=pending,
                    ctx=ctx,
                )
                for o in orders
            ]
        )
    )
