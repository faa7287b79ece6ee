"""Turn an :class:`~._spec.OrderSpec` into a Wix eCom order that adds up the way Wix adds it up.

Per line: ``lineItemPrice = price * quantity``; discounts are allocated to lines by largest
remainder (``totalDiscount``); ``totalPriceBeforeTax = lineItemPrice - totalDiscount``; tax is
computed per line and per jurisdiction and rounded half-up there. Shipping and additional fees
are taxed the same way. ``priceSummary.total = subtotal - discount + shipping + fees + tax``;
when prices include tax (``taxIncludedInPrices``) the tax is already inside and is not added.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from . import _tax
from ._data import Region
from ._fmt import Money, fixed_id, line_id, rate
from ._spec import OrderSpec


@dataclass
class Taxed:
    """One taxable amount (a line, shipping, a fee) after tax, in cents."""

    net: int  # the amount as priced, after discounts (gross when prices include tax)
    taxes: list[int]  # one entry per tax part of the region (empty when not taxed)
    inclusive: bool

    @property
    def tax(self) -> int:
        return sum(self.taxes)

    @property
    def taxable(self) -> int:
        """The amount tax was computed on (net of tax when prices include it)."""
        if not self.taxes:
            return 0
        return self.net - self.tax if self.inclusive else self.net

    @property
    def after_tax(self) -> int:
        return self.net if self.inclusive else self.net + self.tax


@dataclass
class Totals:
    """The computed money of one order, kept for payments and refunds."""

    lines: list[Taxed] = field(default_factory=list)
    discounts: list[list[int]] = field(default_factory=list)  # per discount, per line
    shipping: Taxed | None = None
    fee: Taxed | None = None
    subtotal: int = 0
    discount: int = 0
    tax: int = 0
    total: int = 0


def _taxed(net: int, region: Region, taxable: bool, inclusive: bool) -> Taxed:
    if not taxable or not region.parts:
        return Taxed(net, [], inclusive)
    if inclusive:
        total_ppm = sum(p.ppm for p in region.parts)
        return Taxed(net, [_tax.tax_within(net, p.ppm, total_ppm) for p in region.parts], True)
    return Taxed(net, [_tax.tax_on(net, p.ppm) for p in region.parts], False)


def compute(spec: OrderSpec) -> Totals:
    """Compute every amount of ``spec`` in cents."""
    out = Totals()
    gross = [ln.cents * ln.qty for ln in spec.lines]
    line_discount = [0] * len(spec.lines)
    for d in spec.discounts:
        eligible = (
            list(d.lines)
            if d.lines is not None
            else [i for i, ln in enumerate(spec.lines) if ln.item_type.get("preset") != "GIFT_CARD"]
        )
        base = sum(gross[i] - line_discount[i] for i in eligible)
        cents = min(d.cents or _tax.percent_of(base, d.ppm), base)
        shares = _tax.allocate(cents, [gross[i] - line_discount[i] for i in eligible])
        per_line = [0] * len(spec.lines)
        for i, share in zip(eligible, shares, strict=True):
            per_line[i] = share
            line_discount[i] += share
        out.discounts.append(per_line)
    for ln, g, disc in zip(spec.lines, gross, line_discount, strict=True):
        out.lines.append(_taxed(g - disc, spec.region, ln.taxable, spec.inclusive))
    out.subtotal = sum(gross)
    out.discount = sum(line_discount)
    if spec.shipping is not None:
        out.shipping = _taxed(spec.shipping[1], spec.region, spec.region.shipping_taxable, spec.inclusive)
    if spec.fee_ppm:
        out.fee = _taxed(
            _tax.percent_of(out.subtotal - out.discount, spec.fee_ppm), spec.region, True, spec.inclusive
        )
    parts = [t for t in (*out.lines, out.shipping, out.fee) if t is not None]
    out.tax = sum(t.tax for t in parts)
    ship = out.shipping.net if out.shipping else 0
    fee = out.fee.net if out.fee else 0
    out.total = out.subtotal - out.discount + ship + fee + (0 if spec.inclusive else out.tax)
    return out


def _breakdown(t: Taxed, region: Region, money: Money) -> list[dict[str, Any]]:
    taxable = t.taxable
    return [
        {
            "jurisdiction": p.jurisdiction,
            "rate": rate(p.ppm),
            "taxAmount": money(amount),
            "taxType": p.tax_type,
            "taxName": p.name,
            "jurisdictionType": p.jurisdiction_type,
            "nonTaxableAmount": money(0),
            "taxableAmount": money(taxable),
        }
        for p, amount in zip(region.parts, t.taxes, strict=True)
    ]


def _rate_of(t: Taxed, region: Region) -> str:
    return rate(sum(p.ppm for p in region.parts)) if t.taxes else "0"


def line_json(spec: OrderSpec, index: int, totals: Totals, money: Money) -> dict[str, Any]:
    """Wix's ``lineItems[]`` entry for line ``index``."""
    ln = spec.lines[index]
    t = totals.lines[index]
    price = money(ln.cents)
    out: dict[str, Any] = {
        "id": line_id(index + 1),
        "productName": {"original": ln.name, "translated": ln.translated},
    }
    if ln.catalog is not None:
        out["catalogReference"] = ln.catalog
    out["quantity"] = ln.qty
    out["totalDiscount"] = money(ln.cents * ln.qty - t.net)
    if ln.description:
        out["descriptionLines"] = [
            {"name": {"original": k, "translated": k}, "plainText": {"original": v, "translated": v}}
            for k, v in ln.description
        ]
    physical: dict[str, Any] = {}
    if ln.grams:
        physical["weight"] = _weight(ln.grams)
    if ln.sku is not None:
        physical["sku"] = ln.sku
    physical["shippable"] = ln.shippable
    out["physicalProperties"] = physical
    out["itemType"] = ln.item_type
    out["refundQuantity"] = 0
    out["price"] = price
    out["priceBeforeDiscounts"] = money(ln.cents)
    out["totalPriceBeforeTax"] = money(t.net)
    out["totalPriceAfterTax"] = money(t.after_tax)
    out["paymentOption"] = ln.payment_option
    tax_rate = _rate_of(t, spec.region)
    out["taxDetails"] = {"taxableAmount": money(t.taxable), "taxRate": tax_rate, "totalTax": money(t.tax)}
    out["taxInfo"] = {
        "taxAmount": money(t.tax),
        "taxableAmount": money(t.taxable),
        "taxRate": tax_rate,
        "taxGroupId": fixed_id("taxgroup", ln.tax_group),
        "taxIncludedInPrice": spec.inclusive,
        "taxBreakdown": _breakdown(t, spec.region, money) if t.taxes else [],
    }
    out["lineItemPrice"] = money(ln.cents * ln.qty)
    if ln.subscription is not None:
        out["subscriptionInfo"] = ln.subscription
    return out


def _weight(grams: int) -> Decimal | int:
    """Kilograms as a JSON number (``1`` or ``0.25``), never a float."""
    return Decimal(grams).scaleb(-3).normalize() if grams % 1000 else grams // 1000


def discounts_json(spec: OrderSpec, totals: Totals, money: Money) -> list[dict[str, Any]]:
    """``appliedDiscounts[]`` with the per-line allocation in ``lineItemDiscounts``."""
    out: list[dict[str, Any]] = []
    for n, (d, per_line) in enumerate(zip(spec.discounts, totals.discounts, strict=True)):
        cents = sum(per_line)
        ids = [line_id(i + 1) for i, c in enumerate(per_line) if c]
        entry: dict[str, Any] = {
            "discountType": "GLOBAL" if d.lines is None else "SPECIFIC_ITEMS",
            "lineItemIds": [] if d.lines is None else ids,
        }
        if d.source == "coupon":
            entry["coupon"] = {
                "id": fixed_id("coupon", d.code),
                "code": d.code,
                "name": d.label,
                "amount": money(cents),
            }
        elif d.source == "rule":
            entry["discountRule"] = {
                "id": fixed_id("rule", d.label),
                "name": {"original": d.label, "translated": d.label},
                "amount": money(cents),
            }
        else:
            entry["merchantDiscount"] = {"amount": money(cents), "description": d.label}
        entry["lineItemDiscounts"] = [
            {"id": line_id(i + 1), "totalDiscount": money(c)} for i, c in enumerate(per_line) if c
        ]
        entry["id"] = fixed_id("applied", spec.contact_id, n)
        out.append(entry)
    return out


def shipping_cost_json(spec: OrderSpec, t: Taxed, money: Money) -> dict[str, Any]:
    """``shippingInfo.cost``: price, before/after tax, ``taxDetails`` and the newer ``taxInfo``."""
    tax_rate = _rate_of(t, spec.region)
    return {
        "price": money(t.net),
        "totalPriceBeforeTax": money(t.net),
        "totalPriceAfterTax": money(t.after_tax),
        "taxDetails": {"taxableAmount": money(t.taxable), "taxRate": tax_rate, "totalTax": money(t.tax)},
        "taxInfo": {
            "taxAmount": money(t.tax),
            "taxableAmount": money(t.taxable),
            "taxRate": tax_rate,
            "taxIncludedInPrice": spec.inclusive,
            "taxBreakdown": _breakdown(t, spec.region, money) if t.taxes else [],
        },
        "discount": money(0),
    }


def order_tax_info(spec: OrderSpec, totals: Totals, money: Money) -> dict[str, Any]:
    """Order-level ``taxInfo`` with one aggregated breakdown entry per jurisdiction."""
    parts = [t for t in (*totals.lines, totals.shipping, totals.fee) if t is not None and t.taxes]
    breakdown = []
    for k, p in enumerate(spec.region.parts):
        breakdown.append(
            {
                "taxName": p.name,
                "taxType": p.tax_type,
                "jurisdiction": p.jurisdiction,
                "jurisdictionType": p.jurisdiction_type,
                "rate": rate(p.ppm),
                "aggregatedTaxAmount": money(sum(t.taxes[k] for t in parts)),
                "aggregatedTaxableAmount": money(sum(t.taxable for t in parts)),
            }
        )
    return {"totalTax": money(totals.tax), "taxBreakdown": breakdown if parts else []}


def fee_json(spec: OrderSpec, t: Taxed, money: Money, name: str) -> dict[str, Any]:
    """One ``additionalFees[]`` entry (price after tax, priceBeforeTax, its own tax details)."""
    return {
        "id": fixed_id("fee", name),
        "code": "service-fee",
        "name": name,
        "price": money(t.after_tax),
        "priceBeforeTax": money(t.net),
        "taxDetails": {
            "taxableAmount": money(t.taxable),
            "taxRate": _rate_of(t, spec.region),
            "totalTax": money(t.tax),
        },
        "providerAppId": fixed_id("app", "fees"),
        "lineItemIds": [],
    }
