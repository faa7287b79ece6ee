"""The lines and tax of a sale document, its predicted QBO total and the rounding line.

Wix charges (product lines, shipping, additional fees, and any order-wide discount Wix did NOT
spread into the lines) become QBO sales lines with ``Amount == Qty x UnitPrice`` exactly. Tax is
Wix's: per-rate ``TaxLine`` overrides (non-US) or ``TotalTax`` (US). What QBO will then compute is
predicted (:mod:`wixqb_nb.mapping.tax`); a residual against the Wix total goes on the rounding item
when within ``advanced.rounding_max``, and is an error above it. Never a silent plug.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
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
    US_TAX,
    RatePrediction,
    WixTax,
    find_code,
    inclusive_net,
    q2,
    split_by_rate,
)
from wixqb_nb.mapping.types import PlannedLine, PlannedWrite
from wixqb_nb.models.wix import LineItem, LineTaxDetails, LineTaxInfo, Order

ZERO = Decimal("0")
SHIPPING_ITEM_ID = "SHIPPING_ITEM_ID"
NO_TAX = WixTax(ZERO, None)
#: Builds a named tuple from a tuple of all its fields without the Python-level ``__new__`` call
#: (planning builds tens of thousands).
_new = tuple.__new__


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
    if info is not None:
        total = info.tax_amount
        if total is not None:
            breakdown = info.tax_breakdown
            if not breakdown:
                return _new(WixTax, (total.amount, info.tax_rate, (), None))
            return _broken_down(total.amount, info.tax_rate, breakdown)
    amount = ZERO
    rate = None
    if details is not None:
        rate = details.tax_rate
        if details.total_tax is not None:
            amount = details.total_tax.amount
    if amount != 0 and not rate:
        rate = fallback_rate  # Wix's manual order-level rate (taxSummary.manualTaxRate)
    return _new(WixTax, (amount, rate, (), None))


def _broken_down(amount: Decimal, rate: Decimal | None, breakdown: list[Any]) -> WixTax:
    """A tax with Wix's per-jurisdiction parts; its name is the parts' names joined with " + "."""
    parts = []
    names = []
    rates_known = True
    for b in breakdown:  # one loop, no comprehension frames: this runs for every line
        name = b.tax_name or ""
        part_rate = b.rate
        part = b.tax_amount
        parts.append((name, part_rate, part.amount if part is not None else ZERO))
        if name:
            names.append(name)
        if part_rate is None:
            rates_known = False
    if rate is None and rates_known:
        rate = sum([p[1] for p in parts], ZERO)
    joined = (names[0] if len(names) == 1 else " + ".join(names)) if names else None
    return _new(WixTax, (amount, rate, tuple(parts), joined))


def collect_charges(order: Order) -> list[Charge]:
    """Product lines, shipping and fees of ``order`` as charges (no QBO lookups yet)."""
    return _collect(order)[0]


def _collect(order: Order) -> tuple[list[Charge], Decimal]:
    """:func:`collect_charges`, and the discounts Wix spread into the lines (read in the same pass)."""
    spread = ZERO
    manual = order.tax_summary.manual_tax_rate if order.tax_summary else None
    if order.tax_info is not None and order.tax_info.manual_tax_rate:
        manual = order.tax_info.manual_tax_rate
    inclusive = order.tax_included_in_prices
    out: list[Charge] = []
    for line in order.line_items:  # the hot loop of planning: wix_tax, _net_gross, _describe inlined
        discount = line.total_discount
        if discount is not None:
            spread += discount.amount
        info = line.tax_info
        total = info.tax_amount if info is not None else None
        if total is not None:
            breakdown = info.tax_breakdown  # type: ignore[union-attr]
            if breakdown:
                tax = _broken_down(total.amount, info.tax_rate, breakdown)  # type: ignore[union-attr]
            else:
                tax = _new(WixTax, (total.amount, info.tax_rate, (), None))  # type: ignore[union-attr]
        else:
            tax = wix_tax(None, line.tax_details, manual)
        tax_amount = tax[0]
        price = line.total_price_after_tax if inclusive else None
        if price is not None:
            gross = price.amount
            net = gross - tax_amount
        else:
            price = line.total_price_before_tax
            net = price.amount if price is not None else line.net_total
            gross = net + tax_amount
        qty = line.quantity
        if qty == 0 and net == 0 and tax_amount == 0:
            continue
        if line.description_lines:
            desc = _describe(line)
        else:
            product = line.product_name  # LineItem.name, inlined
            desc = product.original if product is not None else ""
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
    return out, spread


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


def unspread_discount(order: Order, lines_spread: Decimal | None = None) -> Decimal:
    """The part of ``priceSummary.discount`` Wix did not spread into lines or shipping.

    ``lines_spread``: the lines' ``totalDiscount`` summed, when the caller already has it.
    """
    ps = order.price_summary
    if ps is None or ps.discount is None:
        return ZERO
    if lines_spread is None:
        lines_spread = ZERO
        for line in order.line_items:
            lines_spread += line.discount
    spread = lines_spread
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
    charges, spread = _collect(order)
    discount = unspread_discount(order, spread)
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
    code_errors = _resolve(charges, order, config, snap, pending, ctx, errors)
    if errors or code_errors:
        return errors + code_errors
    return _finish(order, config, snap, charges, wix_total, notes, ctx)


def _resolve(
    charges: list[Charge],
    order: Order,
    config: Config,
    snap: QboSnapshot,
    pending: Pending,
    ctx: Context,
    item_errors: list[MappingError],
) -> list[MappingError]:
    """Give each charge its QBO item and tax code, in one pass; returns the tax-code errors.

    Item errors go to ``item_errors`` (reported before the tax-code errors). An order-wide
    discount line takes the products' code when they share one, else the untaxed code.
    """
    errors: list[MappingError] = []
    product_codes: list[TaxCodeInfo | str] = []
    has_discount = False
    is_us = ctx.is_us
    cache = ctx.codes
    known = ctx.items
    for ch in charges:
        role = ch.role
        if role == "product":
            line: Any = ch.line
            sku = line.sku
            got: Any = known.get(sku) if sku else None
            if got is None:
                got = resolve_item(line, order, config, snap, pending)
                if got.__class__ is MappingError:
                    item_errors.append(got)
                else:
                    ch.item = got
                    if sku and got.write is None and not got.depends_on:
                        known[sku] = got
            else:
                ch.item = got
        elif role == "shipping":
            ship = config.advanced.shipping_item
            ch.item = EntityChoice(ship.id, ship.name) if ship else EntityChoice(SHIPPING_ITEM_ID, "Shipping")
        elif role == "fee":
            got = _fee_item(ch, order, config, snap, pending)
            if got.__class__ is MappingError:
                item_errors.append(got)
            else:
                ch.item = got
        elif role == "discount":
            has_discount = True
            continue
        tax = ch.tax
        rate = tax[1]
        taxed = tax[0] != 0 or (rate is not None and rate != 0)
        if is_us:
            code: Any = US_TAX if taxed else US_NON
        else:
            code = cache.get((taxed, tax[3], rate))
            if code is None:
                where = f"{role} {ch.source_id}" if role != "shipping" else "shipping"
                code = find_code(tax, config, snap, order_id=order.id, where=where, cache=cache)
                if code.__class__ is MappingError:
                    errors.append(code)
                    continue
        ch.code = code
        if role == "product":
            product_codes.append(code)
    if has_discount:
        ids = {c.id if isinstance(c, TaxCodeInfo) else c for c in product_codes}
        for ch in charges:
            if ch.role == "discount":
                if len(ids) == 1:
                    ch.code = product_codes[0]
                else:
                    code = find_code(NO_TAX, config, snap, order_id=order.id, where="discount", cache=cache)
                    if isinstance(code, MappingError):
                        errors.append(code)
                    else:
                        ch.code = code
    return errors


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


def _amounts(
    charges: list[Charge], inclusive: bool, currency: str | None
) -> tuple[list[RatePrediction], Decimal, Decimal]:
    """Set each charge's QBO ``amount`` and Wix tax per rate; return the per-rate prediction
    (:func:`~wixqb_nb.mapping.tax.predict_rates`, computed in the same pass), the sum of the
    amounts and the tax Wix charged on the charges."""
    acc: dict[str, list[Any]] = {}  # rate id -> [rate, base, tax rounded per line, Wix's tax]
    net_sum = ZERO
    charged = ZERO
    for ch in charges:
        tax = ch.tax
        tax_amount = tax[0]
        charged += tax_amount
        code = ch.code
        if code.__class__ is TaxCodeInfo:
            amount = inclusive_net(ch.gross, code) if inclusive else ch.net
            ch.amount = amount
            code_rates = code.rates
            wix = tax[2]
            n = len(code_rates)
            parts: list[Decimal] | None = None
            if n > 1 and len(wix) == n:  # split_by_rate's common case: Wix's parts in the code's order
                parts = []
                got = ZERO
                for p, r in zip(wix, code_rates, strict=True):
                    if p[1] != r.fraction:
                        parts = None
                        break
                    got += p[2]
                    parts.append(p[2])
                if parts is not None and got != tax_amount:
                    parts = None
            if parts is None:
                parts = split_by_rate(tax, code, currency) if n else []
            ch.wix_parts = parts
            n_parts = len(parts)
            i = 0
            for rate in code_rates:
                rid = rate.id
                row = acc.get(rid)
                if row is None:
                    row = acc[rid] = [rate, ZERO, ZERO, ZERO]
                row[1] += amount
                row[2] += (amount * rate.fraction).quantize(CENT, ROUND_HALF_UP)
                if i < n_parts:
                    row[3] += parts[i]
                i += 1
        else:
            amount = ch.gross if inclusive else ch.net
            ch.amount = amount
            ch.wix_parts = []
        net_sum += amount
    rates = [
        _new(RatePrediction, (row[0], row[1], row[2], q2(row[1] * row[0].fraction), row[3]))
        for row in acc.values()
    ]
    return rates, net_sum, charged


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
    rates, net_sum, charged = _amounts(charges, inclusive, currency)
    if wix_tax_total is None:
        wix_tax_total = charged
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
        predicted = net_sum
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
    lines, planned, writes, depends = _lines(charges, config, inclusive)
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
) -> tuple[list[dict[str, Any]], list[PlannedLine], list[PlannedWrite], set[str]]:
    """The QBO lines and preview lines of the charges, and the item writes and ``$ref`` keys they need.

    ``Qty`` and ``UnitPrice`` keep ``Amount == Qty x UnitPrice`` exactly (QBO error 6070
    otherwise): a quantity whose unit price does not come out in whole cents is posted as Qty 1 at
    the line total, its description keeping ``"3 x 12.99"``.
    """
    lines: list[dict[str, Any]] = []
    planned: list[PlannedLine] = []
    writes: list[PlannedWrite] = []
    depends: set[str] = set()
    cls = config.advanced.default_class
    cls_id = cls.id if cls is not None else None
    for ch in charges:
        qty = ch.qty
        amount = ch.amount
        desc = ch.description
        if qty > 1:
            unit = amount / qty
            cents = unit.quantize(CENT)
            if unit == cents and cents * qty == amount:
                unit = cents
            else:
                desc = f"{desc} ({qty} x {(ch.net / qty).quantize(CENT)})"
                qty, unit = 1, amount
        else:
            qty, unit = 1, amount
        code = ch.code
        if code.__class__ is TaxCodeInfo:
            code = code.id
        item = ch.item
        if item is not None:
            item_ref = {"value": item[0]}
            item_name = item[1]
            if item[2] is not None:
                writes.append(item[2])
            if item[3]:
                depends.update(item[3])
        else:
            item_ref = {"value": SHIPPING_ITEM_ID}
            item_name = "Shipping"
        detail: dict[str, Any] = {
            "ItemRef": item_ref,
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
                "Amount": amount,
                "Description": desc if len(desc) <= 4000 else desc[:4000],
                "SalesItemLineDetail": detail,
            }
        )
        planned.append(
            _new(
                PlannedLine,
                (
                    ch.role,
                    desc,
                    item_name,
                    _DEC[qty] if qty < 10 else Decimal(qty),
                    unit,
                    amount,
                    code,
                    ch.net,
                    ch.tax[0],
                ),
            )
        )
    return lines, planned, writes, depends


_DEC = [Decimal(i) for i in range(10)]
