"""The lines and tax of a sale document, its predicted QBO total and the rounding line.

Wix charges (product lines, shipping, additional fees, and any order-wide discount Wix did NOT
spread into the lines) become QBO sales lines with ``Amount == Qty x UnitPrice`` exactly. Tax is
Wix's: per-rate ``TaxLine`` overrides (non-US) or ``TotalTax`` (US). What QBO will then compute is
predicted (:mod:`wixqb_nb.mapping.tax`); a residual against the Wix total goes on the rounding item
when within ``advanced.rounding_max``, and is an error above it. Never a silent plug.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from wixqb_nb import money
from wixqb_nb.config import Config
from wixqb_nb.errors import MappingError
from wixqb_nb.mapping.context import Context
from wixqb_nb.mapping.entities import EntityChoice, Pending, resolve_item, resolve_named_item
from wixqb_nb.mapping.snapshot import QboSnapshot, TaxCodeInfo
from wixqb_nb.mapping.tax import (
    CENT,
    US_NON,
    RatePrediction,
    WixTax,
    find_code,
    inclusive_net,
    predict_rates,
    split_by_rate,
)
from wixqb_nb.mapping.types import PlannedLine, PlannedWrite
from wixqb_nb.models.wix import LineItem, LineTaxDetails, LineTaxInfo, Order

ZERO = Decimal("0")
SHIPPING_ITEM_ID = "SHIPPING_ITEM_ID"
NO_TAX = WixTax(ZERO, None)


@dataclass(slots=True)
class Charge:
    """One thing Wix charged for, before it becomes a QBO line."""

    role: str  # product, shipping, fee, discount, rounding
    source_id: str
    description: str
    qty: int
    net: Decimal  # tax-exclusive, after spread discounts
    gross: Decimal
    tax: WixTax
    item: EntityChoice | None = None
    code: TaxCodeInfo | str = US_NON
    amount: Decimal = ZERO  # QBO line Amount (net as QBO derives it)
    wix_parts: list[Decimal] = field(default_factory=list)
    line: LineItem | None = None  # the Wix line of a product charge


@dataclass(slots=True)
class SaleDraft:
    """Everything the sale's payload and preview need."""

    lines: list[dict[str, Any]]
    planned: list[PlannedLine]
    tax_detail: dict[str, Any] | None
    global_tax: str | None
    rates: list[RatePrediction]
    wix_total: Decimal
    wix_tax: Decimal
    predicted_total: Decimal | None
    predicted_tax: dict[str, Decimal]
    rounding: Decimal
    charges: list[Charge]
    writes: list[PlannedWrite]
    depends_on: list[str]
    notes: list[str]


def wix_tax(
    info: LineTaxInfo | None, details: LineTaxDetails | None, fallback_rate: Decimal | None
) -> WixTax:
    """Read a charge's tax from the current block, else the deprecated one."""
    if info is not None and info.tax_amount is not None:
        rate = info.tax_rate
        breakdown = info.tax_breakdown
        if not breakdown:
            return WixTax(info.tax_amount.amount, rate)
        parts = []
        names = []
        known = True
        rates = ZERO
        for b in breakdown:
            label = b.tax_name or ""
            part_rate = b.rate
            parts.append((label, part_rate, b.tax_amount.amount if b.tax_amount else ZERO))
            if label:
                names.append(label)
            if part_rate is None:
                known = False
            else:
                rates += part_rate
        if rate is None and known:
            rate = rates
        return WixTax(info.tax_amount.amount, rate, tuple(parts), " + ".join(names) if names else None)
    amount = details.total_tax.amount if details is not None and details.total_tax is not None else ZERO
    rate = details.tax_rate if details is not None else None
    if amount != 0 and not rate:
        rate = fallback_rate  # Wix's manual order-level rate (taxSummary.manualTaxRate)
    return WixTax(amount, rate)


def collect_charges(order: Order) -> list[Charge]:
    """Product lines, shipping and fees of ``order`` as charges (no QBO lookups yet)."""
    manual = order.tax_summary.manual_tax_rate if order.tax_summary else None
    if order.tax_info is not None and order.tax_info.manual_tax_rate:
        manual = order.tax_info.manual_tax_rate
    inclusive = order.tax_included_in_prices
    out: list[Charge] = []
    for line in order.line_items:  # the hot loop of planning: _net_gross and _describe inlined
        tax = wix_tax(line.tax_info, line.tax_details, manual)
        after = line.total_price_after_tax
        if inclusive and after is not None:
            gross = after.amount
            net = gross - tax.amount
        else:
            before = line.total_price_before_tax
            net = before.amount if before is not None else line.net_total
            gross = net + tax.amount
        qty = line.quantity
        if qty == 0 and net == 0 and tax.amount == 0:
            continue
        desc = _describe(line) if line.description_lines else line.name
        out.append(Charge("product", line.id, desc, qty, net, gross, tax, None, US_NON, ZERO, [], line))
    cost = order.shipping_info.cost if order.shipping_info else None
    if cost is not None:
        tax = wix_tax(cost.tax_info, cost.tax_details, manual)
        net, gross = _net_gross(cost.net_total, cost.total_price_after_tax, tax.amount, inclusive)
        if net != 0 or tax.amount != 0:
            title = (order.shipping_info.title if order.shipping_info else None) or "Shipping"
            out.append(Charge("shipping", "shipping", title, 1, net, gross, tax))
    for fee in order.additional_fees:
        tax = wix_tax(fee.tax_info, fee.tax_details, manual)
        net, gross = _net_gross(fee.net_total, None, tax.amount, inclusive)
        if net != 0 or tax.amount != 0:
            out.append(Charge("fee", fee.id or fee.code or "fee", fee.name or "Fee", 1, net, gross, tax))
    return out


def _net_gross(before: Decimal, after: Any, tax: Decimal, inclusive: bool) -> tuple[Decimal, Decimal]:
    if inclusive and after is not None:
        gross = after.amount
        return gross - tax, gross
    return before, before + tax


def _describe(line: LineItem) -> str:
    if not line.description_lines:
        return line.name
    opts = line.options_text()
    return f"{line.name} ({opts})" if opts else line.name


def unspread_discount(order: Order) -> Decimal:
    """The part of ``priceSummary.discount`` Wix did not spread into lines or shipping."""
    ps = order.price_summary
    if ps is None or ps.discount is None:
        return ZERO
    spread = ZERO
    for line in order.line_items:
        spread += line.discount
    cost = order.shipping_info.cost if order.shipping_info else None
    if cost is not None and cost.discount is not None and cost.total_price_before_tax is None:
        spread += cost.discount.amount
    return ps.discount.amount - spread


def build_sale(
    order: Order, config: Config, snap: QboSnapshot, pending: Pending, ctx: Context | None = None
) -> SaleDraft | list[MappingError]:
    """Lines, tax, prediction and rounding of the order's sale (see the module docstring).

    ``ctx`` carries the run's caches (:class:`~wixqb_nb.mapping.context.Context`); without it a
    fresh one is built.
    """
    if ctx is None:
        ctx = Context.of(config, snap)
    errors: list[MappingError] = []
    notes: list[str] = []
    wix_total = order.total
    if wix_total is None:
        return [
            MappingError(
                "the order has no total (priceSummary.total / totalPrice)",
                source_id=order.id,
                field="priceSummary.total",
                hint="re-read the order from Wix; it may be incomplete",
            )
        ]
    charges = collect_charges(order)
    discount = unspread_discount(order)
    if discount > 0:
        if config.advanced.discount_item is None:
            errors.append(
                MappingError(
                    f"order-wide discount {discount} is not spread into the lines",
                    source_id=order.id,
                    field="advanced.discount_item",
                    hint="set advanced.discount_item so the discount can be posted as its own line",
                )
            )
        else:
            label = ", ".join(d.label for d in order.applied_discounts) or "Discount"
            ref = config.advanced.discount_item
            charges.append(
                Charge(
                    "discount",
                    "discount",
                    label,
                    1,
                    -discount,
                    -discount,
                    NO_TAX,
                    item=EntityChoice(ref.id, ref.name),
                )
            )
    for ch in charges:
        role = ch.role
        if role == "product":
            got = resolve_item(ch.line, order, config, snap, pending)  # type: ignore[arg-type]
        elif role == "fee":
            got = _fee_item(ch, order, config, snap, pending)
        elif role == "shipping":
            ship = config.advanced.shipping_item
            ch.item = EntityChoice(ship.id, ship.name) if ship else EntityChoice(SHIPPING_ITEM_ID, "Shipping")
            continue
        else:
            continue
        if got.__class__ is MappingError:
            errors.append(got)
        else:
            ch.item = got  # type: ignore[assignment]
    _assign_codes(charges, order, config, snap, errors, ctx)
    if errors:
        return errors
    return _finish(order, config, snap, charges, wix_total, notes, ctx)


def _fee_item(
    ch: Charge, order: Order, config: Config, snap: QboSnapshot, pending: Pending
) -> EntityChoice | MappingError:
    """``advanced.fees_item`` when set, else a QBO item named like the fee (matched like a line
    without SKU, created when items may be created)."""
    fees = config.advanced.fees_item
    if fees is not None:
        return EntityChoice(fees.id, fees.name)
    got = resolve_named_item(ch.source_id, ch.description, order, config, snap, pending)
    if isinstance(got, MappingError):
        return MappingError(
            f"no QBO item for the additional fee {ch.description!r}",
            source_id=order.id,
            field="advanced.fees_item",
            hint=f"set advanced.fees_item, create an item named {ch.description!r} in QBO,"
            " or set items.allow_create = true",
        )
    return got


def _assign_codes(
    charges: list[Charge],
    order: Order,
    config: Config,
    snap: QboSnapshot,
    errors: list[MappingError],
    ctx: Context,
) -> None:
    product_codes: list[TaxCodeInfo | str] = []
    has_discount = False
    for ch in charges:
        if ch.role == "discount":
            has_discount = True
            continue
        where = f"{ch.role} {ch.source_id}" if ch.role != "shipping" else "shipping"
        code = find_code(ch.tax, config, snap, order_id=order.id, where=where, cache=ctx.codes)
        if code.__class__ is MappingError:
            errors.append(code)
            continue
        ch.code = code  # type: ignore[assignment]
        if ch.role == "product":
            product_codes.append(code)  # type: ignore[arg-type]
    if not has_discount:
        return
    ids = {c.id if isinstance(c, TaxCodeInfo) else c for c in product_codes}
    for ch in charges:
        if ch.role == "discount":
            if len(ids) == 1:
                ch.code = product_codes[0]
            else:
                code = find_code(NO_TAX, config, snap, order_id=order.id, where="discount", cache=ctx.codes)
                if isinstance(code, MappingError):
                    errors.append(code)
                else:
                    ch.code = code


def _finish(
    order: Order,
    config: Config,
    snap: QboSnapshot,
    charges: list[Charge],
    wix_total: Decimal,
    notes: list[str],
    ctx: Context,
) -> SaleDraft | list[MappingError]:
    currency = order.currency
    is_us = ctx.is_us
    inclusive = order.tax_included_in_prices and not is_us
    wix_tax_total = order.total_tax
    charged = ZERO
    for ch in charges:
        charged += ch.tax.amount
        code = ch.code
        if code.__class__ is TaxCodeInfo:
            ch.amount = inclusive_net(ch.gross, code) if inclusive else ch.net
            ch.wix_parts = split_by_rate(ch.tax, code, currency)
        else:
            ch.amount = ch.gross if inclusive else ch.net
            ch.wix_parts = []
    if wix_tax_total is None:
        wix_tax_total = charged
    rates = predict_rates((ch.amount, ch.code, ch.wix_parts) for ch in charges)
    unallocated = wix_tax_total - charged
    if unallocated != 0 and not is_us:
        if not rates:
            return [
                MappingError(
                    f"Wix charged tax {wix_tax_total} but no line carries a taxed QBO code",
                    source_id=order.id,
                    field="priceSummary.tax",
                    hint="map the order's taxes in taxes.mappings",
                )
            ]
        weights = [r.wix if any(x.wix for x in rates) else r.base for r in rates]
        extra = money.split(unallocated, [abs(w) for w in weights], currency)
        rates = [
            RatePrediction(r.rate, r.base, r.by_line, r.by_total, r.wix + e)
            for r, e in zip(rates, extra, strict=True)
        ]
        notes.append(f"order-level tax {unallocated} not on any line: attributed to the document's rates")
    predicted_tax, tax_detail = _tax_detail(order, config, snap, rates, wix_tax_total, notes)
    predicted = None
    if predicted_tax is not None:
        predicted = ZERO
        for ch in charges:
            predicted += ch.amount
        for v in predicted_tax.values():
            predicted += v
    rounding = ZERO
    if predicted is not None and predicted != wix_total:
        residual = wix_total - predicted
        item = config.advanced.rounding_item
        if item is None or abs(residual) > config.advanced.rounding_max:
            why = (
                "no rounding item is set"
                if item is None
                else f"above advanced.rounding_max {config.advanced.rounding_max}"
            )
            return [
                MappingError(
                    f"QBO would total {predicted} but Wix says {wix_total} (residual {residual}; {why})",
                    source_id=order.id,
                    field="priceSummary.total",
                    hint="check the order's amounts and tax mapping; `explain` shows where the difference comes from",
                )
            ]
        rcode = find_code(NO_TAX, config, snap, order_id=order.id, where="rounding line", cache=ctx.codes)
        if isinstance(rcode, MappingError):
            return [rcode]
        rounding = residual
        charges.append(
            Charge(
                "rounding",
                "rounding",
                "Rounding",
                1,
                residual,
                residual,
                NO_TAX,
                item=EntityChoice(item.id, item.name),
                code=rcode,
                amount=residual,
            )
        )
        predicted = wix_total
    lines, planned = _lines(charges, config, inclusive)
    writes: list[PlannedWrite] = []
    depends: set[str] = set()
    for ch in charges:
        chosen = ch.item
        if chosen is not None:
            if chosen.write is not None:
                writes.append(chosen.write)
            if chosen.depends_on:
                depends.update(chosen.depends_on)
    return SaleDraft(
        lines=lines,
        planned=planned,
        tax_detail=tax_detail,
        global_tax=("TaxInclusive" if inclusive else "TaxExcluded") if not is_us else None,
        rates=rates,
        wix_total=wix_total,
        wix_tax=wix_tax_total,
        predicted_total=predicted,
        predicted_tax=predicted_tax or {},
        rounding=rounding,
        charges=charges,
        writes=writes,
        depends_on=sorted(depends),
        notes=notes,
    )


def _tax_detail(
    order: Order,
    config: Config,
    snap: QboSnapshot,
    rates: list[RatePrediction],
    wix_tax_total: Decimal,
    notes: list[str],
) -> tuple[dict[str, Decimal] | None, dict[str, Any] | None]:
    if snap.is_us:
        detail: dict[str, Any] = {}
        ref = next((m.qbo_tax_code for m in config.taxes.mappings), None)
        if ref is not None:
            detail["TxnTaxCodeRef"] = {"value": ref.id}
        if config.taxes.us_override_automated_tax and snap.honours_tax_override:
            detail["TotalTax"] = wix_tax_total
            return {"total": wix_tax_total}, detail
        notes.append(
            "US tax left to QBO's automated sales tax (taxes.us_override_automated_tax is off): QBO's"
            " total cannot be predicted and no rounding line is added"
        )
        return None, detail or None
    if not rates:
        return {}, None
    if snap.honours_tax_override:
        tax_lines = []
        predicted: dict[str, Decimal] = {}
        total = ZERO
        for r in rates:
            rate = r.rate
            tax_lines.append(
                {
                    "Amount": r.wix,
                    "DetailType": "TaxLineDetail",
                    "TaxLineDetail": {
                        "TaxRateRef": {"value": rate.id},
                        "PercentBased": True,
                        "TaxPercent": rate.percent,
                        "NetAmountTaxable": r.base,
                    },
                }
            )
            predicted[rate.id] = r.wix
            total += r.wix
        return predicted, {"TotalTax": total, "TaxLine": tax_lines}
    by_line = snap.tax_rounding == "line"
    return {r.rate.id: (r.by_line if by_line else r.by_total) for r in rates}, None


def _lines(
    charges: list[Charge], config: Config, inclusive: bool
) -> tuple[list[dict[str, Any]], list[PlannedLine]]:
    lines: list[dict[str, Any]] = []
    planned: list[PlannedLine] = []
    cls = config.advanced.default_class
    cls_id = cls.id if cls is not None else None
    for ch in charges:
        qty, unit, desc = _qty_unit(ch)
        code = ch.code.id if ch.code.__class__ is TaxCodeInfo else ch.code
        item = ch.item
        detail: dict[str, Any] = {
            "ItemRef": {"value": item.value} if item is not None else {"value": SHIPPING_ITEM_ID},
            "Qty": qty,
            "UnitPrice": unit,
            "TaxCodeRef": {"value": code},
        }
        if cls_id is not None:
            detail["ClassRef"] = {"value": cls_id}
        if inclusive:
            detail["TaxInclusiveAmt"] = ch.gross
        lines.append(
            {
                "DetailType": "SalesItemLineDetail",
                "Amount": ch.amount,
                "Description": desc if len(desc) <= 4000 else desc[:4000],
                "SalesItemLineDetail": detail,
            }
        )
        planned.append(
            PlannedLine(
                ch.role,
                desc,
                item.name if item is not None else "Shipping",
                _DEC[qty] if qty < 10 else Decimal(qty),
                unit,
                ch.amount,
                code,  # type: ignore[arg-type]
                ch.net,
                ch.tax.amount,
            )
        )
    return lines, planned


_DEC = [Decimal(i) for i in range(10)]


def _qty_unit(ch: Charge) -> tuple[int, Decimal, str]:
    """``Qty`` and ``UnitPrice`` with ``Amount == Qty x UnitPrice`` exactly (QBO error 6070 otherwise)."""
    qty = ch.qty
    if qty > 1:
        amount = ch.amount
        unit = amount / qty
        cents = unit.quantize(CENT)
        if unit == cents and cents * qty == amount:
            return qty, cents, ch.description
        gross_unit = (ch.net / qty).quantize(CENT)
        return 1, amount, f"{ch.description} ({qty} x {gross_unit})"
    return qty if qty > 1 else 1, ch.amount, ch.description
