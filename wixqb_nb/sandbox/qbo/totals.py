"""Server-side totals of a sales form (Invoice, SalesReceipt, CreditMemo, RefundReceipt).

From QBO's documented rules (qbo_api.md §2.3, §2.15, §3): lines are checked (Amount = Qty x
UnitPrice, 6070) and their references resolved; a ``DiscountLineDetail`` (fixed or percent) comes off
the subtotal of the item lines; the shipping line (``SHIPPING_ITEM_ID``) is an item line outside the
discount base; tax is computed by :mod:`.tax` per rate, per company model:

- US: lines carry TAX/NON (anything else is 6100); the rates come from the automated-sales-tax code
  (or ``TxnTaxCodeRef`` without AST); an explicit ``TxnTaxDetail.TotalTax`` is honoured and prorated;
- elsewhere: each line carries a TaxCode id whose rates apply; per-rate ``TaxLine`` amounts sent
  by the client are honoured, the difference kept in ``OverrideDeltaAmount``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from wixqb_nb.sandbox.qbo import faults, rules
from wixqb_nb.sandbox.qbo.tax import (
    Rate,
    RateTotal,
    Rounding,
    TaxableLine,
    allocate,
    cents,
    inclusive_net,
    prorate_tax,
    tax_by_rate,
)

SHIPPING_ITEM_ID = "SHIPPING_ITEM_ID"
ZERO = Decimal(0)


class Books(Protocol):
    """What the computation needs from the company (implemented by ``QboCompany``)."""

    @property
    def is_us(self) -> bool: ...

    @property
    def automated_tax(self) -> bool: ...

    @property
    def rounding(self) -> Rounding: ...

    @property
    def allow_shipping(self) -> bool: ...

    def resolve(self, entity: str, value: str, element: str) -> dict[str, Any]: ...

    def code_rates(self, code_id: str, element: str) -> tuple[Rate, ...]: ...

    def ast_code(self) -> str | None: ...


@dataclass(frozen=True)
class _ItemLine:
    index: int
    amount: Decimal
    rates: tuple[Rate, ...]
    shipping: bool


def compute(doc: dict[str, Any], books: Books, *, tax_override: bool) -> tuple[dict[str, Any], bool]:
    """Return ``doc`` with normalised lines, ``TxnTaxDetail`` and ``TotalAmt``; and whether tax is overridden.

    ``tax_override`` says the incoming ``TxnTaxDetail`` amounts are the client's (a create, or an
    update that sent them, or a stored override kept by a sparse update); otherwise tax is recomputed.
    """
    inclusive = doc.get("GlobalTaxCalculation") == "TaxInclusive" and not books.is_us
    us_code = _us_code(doc, books) if books.is_us else None
    raw_lines = doc.get("Line")
    if not isinstance(raw_lines, list):
        raw_lines = []
    lines: list[dict[str, Any]] = []
    items: list[_ItemLine] = []
    discounts: list[tuple[int, dict[str, Any]]] = []
    for position, raw in enumerate(raw_lines, 1):
        if not isinstance(raw, dict):
            raise faults.validation(
                "2010", "Request has invalid or unsupported property", "Line must be an object", "Line"
            )
        kind = raw.get("DetailType")
        if kind == "SubTotalLineDetail":
            continue  # QBO regenerates the subtotal line
        line = dict(raw)
        if kind == "SalesItemLineDetail":
            item = _item_line(line, position, books, inclusive, us_code)
            if item is not None:
                items.append(_ItemLine(len(lines), item[0], item[1], item[2]))
        elif kind == "DiscountLineDetail":
            discounts.append((len(lines), line))
        elif kind in ("DescriptionOnly", "DescriptionLineDetail"):
            pass
        else:
            raise faults.validation(
                "2170",
                "Invalid Enumeration",
                f"Line {position}: DetailType {kind!r} is not supported",
                "Line.DetailType",
            )
        lines.append(line)
    goods = [it for it in items if not it.shipping]
    subtotal = cents(sum((it.amount for it in goods), ZERO))
    discount = _discount(discounts, subtotal, books)
    nets = [it.amount for it in goods]
    if discount and (not books.is_us or doc.get("ApplyTaxAfterDiscount")):
        shares = allocate(discount, nets)
        nets = [n - s for n, s in zip(nets, shares, strict=True)]
    taxable = [TaxableLine(n, it.rates) for n, it in zip(nets, goods, strict=True)]
    taxable += [TaxableLine(it.amount, it.rates) for it in items if it.shipping]
    computed = tax_by_rate([t for t in taxable if t.rates], books.rounding)
    detail, overridden = _tax_detail(doc, books, computed, tax_override, inclusive, us_code)
    total_tax = detail["TotalTax"]
    lines_total = sum((it.amount for it in items), ZERO)
    out = dict(doc)
    out["Line"] = _number_lines(lines) + [
        {"Amount": subtotal, "DetailType": "SubTotalLineDetail", "SubTotalLineDetail": {}}
    ]
    out["TxnTaxDetail"] = detail
    out["TotalAmt"] = cents(lines_total - discount + total_tax)
    return out, overridden


def _us_code(doc: dict[str, Any], books: Books) -> str | None:
    """The one tax code of a US form: AST's, or (without AST) the ``TxnTaxCodeRef`` the client sent."""
    sent = doc.get("TxnTaxDetail")
    if not books.automated_tax and isinstance(sent, dict):
        chosen = rules.ref_value(sent, "TxnTaxCodeRef")
        if chosen is not None:
            books.code_rates(chosen, "TxnTaxDetail.TxnTaxCodeRef")
            return chosen
    return books.ast_code()


def _item_line(
    line: dict[str, Any], position: int, books: Books, inclusive: bool, us_code: str | None
) -> tuple[Decimal, tuple[Rate, ...], bool] | None:
    detail = dict(line.get("SalesItemLineDetail") or {})
    line["SalesItemLineDetail"] = detail
    item_id = rules.ref_value(detail, "ItemRef")
    shipping = item_id == SHIPPING_ITEM_ID
    item: dict[str, Any] = {}
    if shipping:
        if not books.allow_shipping:
            raise faults.invalid_reference("ItemRef", SHIPPING_ITEM_ID, "Item")
    elif item_id is not None:
        item = books.resolve("Item", item_id, "Line.SalesItemLineDetail.ItemRef")
    for key, entity in (("ClassRef", "Class"), ("ItemAccountRef", "Account")):
        value = rules.ref_value(detail, key)
        if value is not None:
            books.resolve(entity, value, f"Line.SalesItemLineDetail.{key}")
    rates = _line_rates(detail, item, books, shipping, us_code)
    qty = rules.opt_dec(detail, "Qty", "Line.SalesItemLineDetail.Qty")
    price = rules.opt_dec(detail, "UnitPrice", "Line.SalesItemLineDetail.UnitPrice")
    gross = rules.opt_dec(detail, "TaxInclusiveAmt", "Line.SalesItemLineDetail.TaxInclusiveAmt")
    if inclusive and gross is not None:
        amount = inclusive_net(gross, [r.percent for r in rates])
        line["Amount"] = amount
        if qty:
            detail["UnitPrice"] = (amount / qty).quantize(Decimal("0.0000001"))
    else:
        if line.get("Amount") is None:
            raise faults.required("Line.Amount", f"Amount (line {position})")
        amount = rules.dec(line["Amount"], "Line.Amount")
        if qty is not None and price is not None and cents(qty * price) != cents(amount):
            raise faults.amount_mismatch(position)
        if amount != cents(amount):
            raise faults.validation(
                "6000",
                "A business validation error has occurred while processing your request",
                f"Line {position}: Amount {amount} has more than 2 decimal places",
                "Line.Amount",
            )
        line["Amount"] = amount
        if inclusive and rates:
            # A TaxInclusive form without TaxInclusiveAmt: QBO shows the gross back.
            tax = sum((cents(amount * r.percent / 100) for r in rates), ZERO)
            detail["TaxInclusiveAmt"] = amount + tax
    if item_id is None:
        return None  # a line without ItemRef is documentation; its Amount does not count
    return amount, rates, shipping


def _line_rates(
    detail: dict[str, Any], item: dict[str, Any], books: Books, shipping: bool, us_code: str | None
) -> tuple[Rate, ...]:
    code = rules.ref_value(detail, "TaxCodeRef")
    if books.is_us:
        if code is None:
            code = "TAX" if item.get("Taxable", True) or shipping else "NON"
            detail["TaxCodeRef"] = {"value": code}
        if code not in ("TAX", "NON"):
            raise faults.us_tax_code(code)
        if code == "NON":
            return ()
        return books.code_rates(us_code, "TxnTaxDetail.TxnTaxCodeRef") if us_code else ()
    if code is None:
        default = item.get("SalesTaxCodeRef")
        if isinstance(default, dict) and default.get("value"):
            code = str(default["value"])
            detail["TaxCodeRef"] = {"value": code}
        else:
            raise faults.business(
                "Make sure all your transactions have a tax code: TaxCodeRef is missing", "TaxCodeRef"
            )
    return books.code_rates(code, "Line.SalesItemLineDetail.TaxCodeRef")


def _discount(discounts: list[tuple[int, dict[str, Any]]], subtotal: Decimal, books: Books) -> Decimal:
    total = ZERO
    for _, line in discounts:
        detail = line.get("DiscountLineDetail") or {}
        if not isinstance(detail, dict):
            detail = {}
        account = rules.ref_value(detail, "DiscountAccountRef")
        if account is not None:
            books.resolve("Account", account, "Line.DiscountLineDetail.DiscountAccountRef")
        percent = rules.opt_dec(detail, "DiscountPercent", "DiscountLineDetail.DiscountPercent")
        if detail.get("PercentBased") and percent is not None:
            amount = cents(subtotal * percent / 100)
        elif line.get("Amount") is not None:
            amount = cents(rules.dec(line["Amount"], "Line.Amount"))
        else:
            raise faults.validation(
                "6090",
                "Discount line missing amount or percent",
                "Discount line needs Amount or DiscountPercent",
                "Line",
            )
        line["Amount"] = amount
        total += amount
    if total > subtotal:
        raise faults.business("The discount amount can't be greater than the subtotal", "Line.Amount")
    return total


def _tax_detail(
    doc: dict[str, Any],
    books: Books,
    computed: list[RateTotal],
    tax_override: bool,
    inclusive: bool,
    us_code: str | None,
) -> tuple[dict[str, Any], bool]:
    sent = doc.get("TxnTaxDetail") if isinstance(doc.get("TxnTaxDetail"), dict) else None
    overridden = False
    deltas: dict[str, Decimal] = {}
    code_ref: dict[str, str] | None = None
    if books.is_us:
        code = us_code
        code_ref = {"value": code} if code else None
        if tax_override and sent is not None and sent.get("TotalTax") is not None:
            wanted = cents(rules.dec(sent["TotalTax"], "TxnTaxDetail.TotalTax"))
            if wanted != sum((rt.tax for rt in computed), ZERO):
                if not computed and code:
                    computed = [RateTotal(r, ZERO, ZERO) for r in books.code_rates(code, "TxnTaxCodeRef")]
                if not computed and wanted:
                    raise faults.business(
                        "Tax cannot be applied: no taxable line and no tax code", "TxnTaxDetail.TotalTax"
                    )
                computed = prorate_tax(wanted, computed)
                overridden = True
    elif tax_override and sent is not None and isinstance(sent.get("TaxLine"), list):
        by_rate = {rt.rate.rate_id: rt for rt in computed}
        for tax_line in sent["TaxLine"]:
            tl_detail = tax_line.get("TaxLineDetail") if isinstance(tax_line, dict) else None
            if not isinstance(tl_detail, dict):
                continue
            rate_id = rules.ref_value(tl_detail, "TaxRateRef")
            if rate_id is None or tax_line.get("Amount") is None:
                continue
            if rate_id not in by_rate:
                raise faults.business(
                    f"TaxRate {rate_id} does not belong to a tax code used on a line", "TxnTaxDetail.TaxLine"
                )
            amount = cents(rules.dec(tax_line["Amount"], "TxnTaxDetail.TaxLine.Amount"))
            original = by_rate[rate_id]
            if amount != original.tax:
                deltas[rate_id] = amount - original.tax
                by_rate[rate_id] = RateTotal(original.rate, original.net_taxable, amount)
                overridden = True
        computed = list(by_rate.values())
    tax_lines = []
    for rt in computed:
        detail: dict[str, Any] = {
            "TaxRateRef": {"value": rt.rate.rate_id},
            "PercentBased": True,
            "TaxPercent": rt.rate.percent,
            "NetAmountTaxable": rt.net_taxable,
        }
        if inclusive:
            detail["TaxInclusiveAmount"] = rt.net_taxable + rt.tax
        if rt.rate.rate_id in deltas:
            detail["OverrideDeltaAmount"] = deltas[rt.rate.rate_id]
        tax_lines.append({"Amount": rt.tax, "DetailType": "TaxLineDetail", "TaxLineDetail": detail})
    out: dict[str, Any] = {"TotalTax": cents(sum((rt.tax for rt in computed), ZERO)), "TaxLine": tax_lines}
    if code_ref is not None:
        out = {"TxnTaxCodeRef": code_ref, **out}
    return out, overridden


def _number_lines(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Give new lines an Id after the highest existing one, and renumber LineNum."""
    used = [int(str(line["Id"])) for line in lines if str(line.get("Id", "")).isdigit()]
    next_id = max(used, default=0) + 1
    out = []
    for num, line in enumerate(lines, 1):
        if not str(line.get("Id", "")).isdigit() or int(str(line["Id"])) <= 0:
            line["Id"] = str(next_id)
            next_id += 1
        line["LineNum"] = num
        out.append(line)
    return out
