"""Tolerant models of the Wix eCom Order, OrderTransactions and Stores Product payloads.

Field names are snake_case with camelCase wire aliases; every amount is a :class:`~decimal.Decimal`
inside a :class:`Price`. Unknown fields are kept, unknown enum values stay plain strings, and both
the deprecated and the current tax blocks are read (``taxDetails``/``taxSummary`` and ``taxInfo``).
They accept every example Wix publishes (``tests/data/wix_doc_store.json``), quirks included: a
``priceSummary`` with only the deprecated ``totalPrice``, a tax rate ``""``, amounts like ``"2.0"``.

The order and transaction models are :class:`~wixqb_nb.models._base.LightModel` slotted dataclasses
(planning reads them for every line of every order; see that class for why), the catalog ones
pydantic models; both validate and dump the same way (unknown keys in ``model_extra``).

Parse JSON with :func:`wixqb_nb.money.loads` first, then ``Order.model_validate(obj)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import Field, GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema
from pydantic_core.core_schema import SerializationInfo

from wixqb_nb import money
from wixqb_nb.models._base import LightModel, Measure, Money, Shared, SharedText, Text, WixModel

ZERO = Decimal("0")

#: ``catalogReference.appId`` of each Wix business app that sells through eCom.
APP_IDS: dict[str, str] = {
    "215238eb-22a5-4c36-9e7b-e7c08025e04e": "stores",
    "1380b703-ce81-ff05-f115-39571d94dfcd": "stores",  # older Stores app def id seen in Wix examples
    "13d21c63-b5ec-5912-8397-c3a5ddb27a97": "bookings",
    "140603ad-af8d-84a5-2c80-a0f60cb47351": "events",
    "1522827f-c56c-a5c9-2ac9-00f9e6ae12d3": "pricing_plans",
    "9a5d83fd-8570-482e-81ab-cfa88942ee60": "restaurants",
}
#: Every module name :attr:`Order.module` can return.
MODULES = ("stores", "bookings", "events", "pricing_plans", "restaurants", "other")


class Price:
    """A Wix money value: ``{"amount": "12.5", "formattedAmount": "$12.50"}``; use ``amount`` only.

    Not a pydantic model: an order holds dozens of prices, and a two-slot object is several times
    smaller and quicker to build and to read than a model with its ``__dict__``, fields-set and
    extras (planning reads each order's prices once, from memory the parser left cold). Pydantic
    validates and serialises it like the model it replaces (``amount`` required, Decimal, never
    float; ``formattedAmount``; any other key kept in ``extra`` and dumped back).
    """

    __slots__ = ("amount", "formatted_amount", "extra")

    def __init__(
        self, amount: Decimal, formatted_amount: str | None = None, extra: dict[str, Any] | None = None
    ) -> None:
        self.amount = amount
        self.formatted_amount = formatted_amount
        self.extra = extra

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Price):
            return NotImplemented
        return (self.amount, self.formatted_amount, self.extra) == (
            other.amount,
            other.formatted_amount,
            other.extra,
        )

    __hash__ = None  # type: ignore[assignment]  # mutable, like the model it replaces

    def __repr__(self) -> str:
        return f"Price(amount={self.amount!r}, formatted_amount={self.formatted_amount!r})"

    def model_copy(self, *, update: dict[str, Any] | None = None) -> Price:
        """A copy with some attributes replaced (the pydantic model's spelling)."""
        out = Price(self.amount, self.formatted_amount, dict(self.extra) if self.extra else None)
        for key, value in (update or {}).items():
            setattr(out, key, value)
        return out

    @classmethod
    def model_validate(cls, value: Any) -> Price:
        """Read ``{"amount", "formattedAmount"}`` (or a :class:`Price`)."""
        return _price(value)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_plain_validator_function(
            _price,
            serialization=core_schema.plain_serializer_function_ser_schema(_price_dump, info_arg=True),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "type": "object",
            "properties": {"amount": {"type": "string"}, "formattedAmount": {"type": "string"}},
            "required": ["amount"],
        }


def _price(value: Any) -> Price:
    if isinstance(value, Price):
        return value
    if not isinstance(value, dict):
        raise ValueError(f"a price must be an object with an amount, got {type(value).__name__}")
    if "amount" not in value:
        raise ValueError("a price needs an amount")
    formatted = value.get("formattedAmount", value.get("formatted_amount"))
    if formatted is not None and not isinstance(formatted, str):
        raise ValueError("formattedAmount must be a string")
    extra = None
    if len(value) > 2 or (len(value) == 2 and formatted is None):
        extra = {k: v for k, v in value.items() if k not in _PRICE_KEYS}
    raw = value["amount"]
    if raw.__class__ is str:
        amount = _AMOUNTS.get(raw)
        if amount is None:
            amount = money.parse_amount(raw)
            if len(_AMOUNTS) < _AMOUNTS_MAX:
                _AMOUNTS[raw] = amount
    else:
        amount = money.parse_amount(raw)
    return Price(amount, formatted, extra or None)


_PRICE_KEYS = frozenset({"amount", "formattedAmount", "formatted_amount"})
#: Amounts already read, by their Wix text: zero discounts, catalog prices and shipping rates come
#: back order after order, and one shared Decimal (immutable) per text keeps the parsed orders
#: smaller and what planning reads in cache. Bounded: past it, amounts are parsed each time.
_AMOUNTS: dict[str, Decimal] = {}
_AMOUNTS_MAX = 16384


def _price_dump(price: Price, info: SerializationInfo) -> dict[str, Any]:
    amount: Any = price.amount if info.mode == "python" else str(price.amount)
    out: dict[str, Any] = {"amount": amount}
    if price.formatted_amount is not None or not info.exclude_none:
        out["formattedAmount" if info.by_alias else "formatted_amount"] = price.formatted_amount
    if price.extra:
        out.update(price.extra)
    return out


def _amount(price: Price | None) -> Decimal | None:
    return None if price is None else price.amount


@dataclass(slots=True, kw_only=True)
class TranslatedText(LightModel):
    """A ``{original, translated}`` pair (product names, description lines)."""

    original: Shared = ""
    translated: str | None = None


@dataclass(slots=True, kw_only=True)
class CatalogReference(LightModel):
    """Where a line item comes from; absent for custom line items."""

    catalog_item_id: Text | None = None
    app_id: Shared | None = None
    options: dict[str, Any] | None = None

    @property
    def variant_id(self) -> str | None:
        """The Stores variant id, when the line is a managed variant."""
        value = (self.options or {}).get("variantId")
        return str(value) if value else None


@dataclass(slots=True, kw_only=True)
class PhysicalProperties(LightModel):
    """``{weight, sku, shippable}``: the variant SKU at purchase time lives here."""

    weight: Measure = None
    sku: SharedText | None = None
    shippable: bool | None = None


@dataclass(slots=True, kw_only=True)
class ItemType(LightModel):
    """``{preset: PHYSICAL|DIGITAL|GIFT_CARD|SERVICE|UNRECOGNISED}`` or ``{custom: "..."}``."""

    preset: str | None = None
    custom: str | None = None


@dataclass(slots=True, kw_only=True)
class LineTaxDetails(LightModel):
    """Deprecated line tax block: ``{taxableAmount, taxRate: "0.0400", totalTax}``."""

    taxable_amount: Price | None = None
    tax_rate: Measure = None
    total_tax: Price | None = None
    tax_group_id: str | None = None


@dataclass(slots=True, kw_only=True)
class LineTaxBreakdown(LightModel):
    """One jurisdiction's tax on a line (current ``taxInfo.taxBreakdown[]``)."""

    jurisdiction: Shared | None = None
    rate: Measure = None
    tax_amount: Price | None = None
    tax_type: Shared | None = None
    tax_name: Shared | None = None
    jurisdiction_type: Shared | None = None
    non_taxable_amount: Price | None = None
    taxable_amount: Price | None = None


@dataclass(slots=True, kw_only=True)
class LineTaxInfo(LightModel):
    """Current line tax block (``lineItems[].taxInfo``)."""

    tax_amount: Price | None = None
    taxable_amount: Price | None = None
    tax_rate: Measure = None
    tax_group_id: str | None = None
    tax_included_in_price: bool | None = None
    tax_breakdown: list[LineTaxBreakdown] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class DescriptionLine(LightModel):
    """A line's option text (``Size: M``) or colour."""

    name: TranslatedText | None = None
    plain_text: TranslatedText | None = None
    color_info: dict[str, Any] | None = None
    plain_text_value: TranslatedText | None = None

    def text(self) -> str:
        """``"Size: M"``; empty when the line carries nothing printable."""
        label = self.name.original if self.name else ""
        value_src = self.plain_text or self.plain_text_value
        value = value_src.original if value_src else str((self.color_info or {}).get("original") or "")
        return f"{label}: {value}" if label and value else (label or value)


@dataclass(slots=True, kw_only=True)
class LineItem(LightModel):
    """One order line. ``price`` is the unit price; ``total_price_before_tax`` is the net line total
    after the discounts Wix spread into the line (``total_discount``)."""

    id: Text
    product_name: TranslatedText | None = None
    catalog_reference: CatalogReference | None = None
    quantity: int = 1
    price: Price | None = None
    price_before_discounts: Price | None = None
    line_item_price: Price | None = None
    total_discount: Price | None = None
    total_price_before_tax: Price | None = None
    total_price_after_tax: Price | None = None
    tax_details: LineTaxDetails | None = None
    tax_info: LineTaxInfo | None = None
    physical_properties: PhysicalProperties | None = None
    item_type: ItemType | None = None
    payment_option: str | None = None
    deposit_amount: Price | None = None
    description_lines: list[DescriptionLine] = field(default_factory=list)
    refund_quantity: int | None = None
    restock_quantity: int | None = None
    root_catalog_item_id: str | None = None
    subscription_info: dict[str, Any] | None = None

    @property
    def name(self) -> str:
        """The product name as the buyer saw it at purchase (original language)."""
        return self.product_name.original if self.product_name else ""

    @property
    def sku(self) -> str | None:
        """The variant SKU, or ``None`` when the line has none (bookings, custom items...)."""
        sku = self.physical_properties.sku if self.physical_properties else None
        return sku.strip() or None if sku else None

    @property
    def app_id(self) -> str | None:
        """The selling app's id; ``None`` for custom line items."""
        return self.catalog_reference.app_id if self.catalog_reference else None

    @property
    def module(self) -> str | None:
        """``stores``, ``bookings``... by app id; ``other`` for unknown apps; ``None`` for custom items."""
        app = self.app_id
        if not app:
            return None
        return APP_IDS.get(app, "other")

    @property
    def unit_price(self) -> Decimal:
        """Unit price (zero when Wix omitted it)."""
        return _amount(self.price) or ZERO

    @property
    def discount(self) -> Decimal:
        """Discount already spread into this line, for the whole quantity."""
        return _amount(self.total_discount) or ZERO

    @property
    def net_total(self) -> Decimal:
        """Line total after spread discounts; before tax on tax-exclusive sites (gross otherwise)."""
        before = _amount(self.total_price_before_tax)
        if before is not None:
            return before
        return self.unit_price * self.quantity - self.discount

    @property
    def tax_amount(self) -> Decimal:
        """The line's tax: ``taxInfo.taxAmount`` when present, else deprecated ``taxDetails.totalTax``."""
        if self.tax_info is not None and self.tax_info.tax_amount is not None:
            return self.tax_info.tax_amount.amount
        if self.tax_details is not None and self.tax_details.total_tax is not None:
            return self.tax_details.total_tax.amount
        return ZERO

    @property
    def tax_rate(self) -> Decimal | None:
        """The line's tax rate as a fraction (``0.0400``), ``None`` when not given."""
        if self.tax_info is not None and self.tax_info.tax_rate is not None:
            return self.tax_info.tax_rate
        return self.tax_details.tax_rate if self.tax_details is not None else None

    def options_text(self) -> str:
        """The description lines joined: ``"Size: M, Colour: Blue"``."""
        return ", ".join(t for t in (d.text() for d in self.description_lines) if t)


@dataclass(slots=True, kw_only=True)
class BuyerInfo(LightModel):
    """The buyer: ``buyerInfo.email`` is the only place the email lives."""

    contact_id: str | None = None
    email: str | None = None
    visitor_id: str | None = None
    member_id: str | None = None


@dataclass(slots=True, kw_only=True)
class StreetAddress(LightModel):
    """``{number, name}``."""

    number: Text | None = None
    name: str | None = None


@dataclass(slots=True, kw_only=True)
class Address(LightModel):
    """A Wix address (REST names: ``addressLine``, ``postalCode``, ISO country and subdivision)."""

    country: str | None = None
    subdivision: str | None = None
    city: str | None = None
    postal_code: Text | None = None
    address_line: str | None = None
    address_line2: str | None = None
    street_address: StreetAddress | None = None
    country_fullname: str | None = None
    subdivision_fullname: str | None = None


@dataclass(slots=True, kw_only=True)
class ContactDetails(LightModel):
    """Name, phone and company of a billing or shipping contact."""

    first_name: str | None = None
    last_name: str | None = None
    phone: Text | None = None
    company: str | None = None
    vat_id: dict[str, Any] | None = None

    @property
    def full_name(self) -> str:
        """``"First Last"`` with missing parts dropped."""
        return " ".join(p.strip() for p in (self.first_name, self.last_name) if p and p.strip())


@dataclass(slots=True, kw_only=True)
class AddressWithContact(LightModel):
    """``billingInfo`` / ``recipientInfo`` / a shipping destination."""

    address: Address | None = None
    contact_details: ContactDetails | None = None


@dataclass(slots=True, kw_only=True)
class ShippingCost(LightModel):
    """``shippingInfo.cost``: price, totals, its own tax (deprecated and current) and discount."""

    price: Price | None = None
    total_price_before_tax: Price | None = None
    total_price_after_tax: Price | None = None
    tax_details: LineTaxDetails | None = None
    tax_info: LineTaxInfo | None = None
    discount: Price | None = None

    @property
    def net_total(self) -> Decimal:
        """Shipping after its discount (before tax on tax-exclusive sites)."""
        before = _amount(self.total_price_before_tax)
        if before is not None:
            return before
        return (_amount(self.price) or ZERO) - (_amount(self.discount) or ZERO)

    @property
    def tax_amount(self) -> Decimal:
        """Tax on shipping, from ``taxInfo`` or the deprecated ``taxDetails``."""
        if self.tax_info is not None and self.tax_info.tax_amount is not None:
            return self.tax_info.tax_amount.amount
        if self.tax_details is not None and self.tax_details.total_tax is not None:
            return self.tax_details.total_tax.amount
        return ZERO

    @property
    def tax_rate(self) -> Decimal | None:
        """Shipping tax rate as a fraction, ``None`` when not given (Wix sends ``""``)."""
        if self.tax_info is not None and self.tax_info.tax_rate is not None:
            return self.tax_info.tax_rate
        return self.tax_details.tax_rate if self.tax_details is not None else None


@dataclass(slots=True, kw_only=True)
class ShippingInfo(LightModel):
    """``shippingInfo``: carrier, title, region, logistics (kept as a dict) and cost."""

    carrier_id: str | None = None
    code: str | None = None
    title: str | None = None
    region: dict[str, Any] | None = None
    logistics: dict[str, Any] | None = None
    cost: ShippingCost | None = None


@dataclass(slots=True, kw_only=True)
class PriceSummary(LightModel):
    """Order totals. ``total`` may be missing on old orders, which carry only ``totalPrice``."""

    subtotal: Price | None = None
    shipping: Price | None = None
    tax: Price | None = None
    discount: Price | None = None
    total: Price | None = None
    total_price: Price | None = None
    total_additional_fees: Price | None = None
    total_with_gift_card: Price | None = None
    total_without_gift_card: Price | None = None

    @property
    def grand_total(self) -> Decimal | None:
        """``total``, falling back to the deprecated ``totalPrice``; ``None`` when neither is given."""
        return _amount(self.total) if self.total is not None else _amount(self.total_price)


@dataclass(slots=True, kw_only=True)
class BalanceSummary(LightModel):
    """``balance`` (left to pay; negative = to refund), ``paid``, ``refunded``."""

    balance: Price | None = None
    paid: Price | None = None
    refunded: Price | None = None
    authorized: Price | None = None
    pending_refund: Price | None = None


@dataclass(slots=True, kw_only=True)
class TaxSummary(LightModel):
    """Deprecated order tax block ``{totalTax, manualTaxRate}``."""

    total_tax: Price | None = None
    manual_tax_rate: Measure = None


@dataclass(slots=True, kw_only=True)
class OrderTaxBreakdown(LightModel):
    """One tax (name, rate, jurisdiction) summed over the order."""

    tax_name: str | None = None
    tax_type: str | None = None
    jurisdiction: str | None = None
    jurisdiction_type: str | None = None
    rate: Measure = None
    aggregated_tax_amount: Price | None = None
    aggregated_taxable_amount: Price | None = None


@dataclass(slots=True, kw_only=True)
class OrderTaxInfo(LightModel):
    """Current order tax block ``{totalTax, taxBreakdown[], manualTaxRate, taxExempt}``."""

    total_tax: Price | None = None
    tax_breakdown: list[OrderTaxBreakdown] = field(default_factory=list)
    manual_tax_rate: Measure = None
    tax_exempt: bool | None = None


@dataclass(slots=True, kw_only=True)
class Coupon(LightModel):
    """A coupon discount."""

    id: str | None = None
    code: str | None = None
    name: str | None = None
    amount: Price | None = None


@dataclass(slots=True, kw_only=True)
class MerchantDiscount(LightModel):
    """A discount the merchant entered by hand."""

    amount: Price | None = None
    description: str | None = None
    discount_reason: str | None = None


@dataclass(slots=True, kw_only=True)
class DiscountRule(LightModel):
    """An automatic discount rule."""

    id: str | None = None
    name: TranslatedText | None = None
    amount: Price | None = None


@dataclass(slots=True, kw_only=True)
class LineItemDiscount(LightModel):
    """How much of an applied discount landed on one line."""

    id: Text
    total_discount: Price | None = None


@dataclass(slots=True, kw_only=True)
class AppliedDiscount(LightModel):
    """One discount on the order: a coupon, a merchant discount or a rule."""

    id: str | None = None
    discount_type: str | None = None
    line_item_ids: list[str] = field(default_factory=list)
    line_item_discounts: list[LineItemDiscount] = field(default_factory=list)
    coupon: Coupon | None = None
    merchant_discount: MerchantDiscount | None = None
    discount_rule: DiscountRule | None = None

    @property
    def amount(self) -> Decimal:
        """The discount's amount, from whichever source carries it (zero when none does)."""
        for src in (self.coupon, self.merchant_discount, self.discount_rule):
            if src is not None and src.amount is not None:
                return src.amount.amount
        return ZERO

    @property
    def label(self) -> str:
        """A human name: coupon code, merchant description or rule name."""
        if self.coupon is not None:
            return self.coupon.code or self.coupon.name or "Coupon"
        if self.merchant_discount is not None:
            return self.merchant_discount.description or "Discount"
        if self.discount_rule is not None and self.discount_rule.name is not None:
            return self.discount_rule.name.original or "Discount"
        return "Discount"


@dataclass(slots=True, kw_only=True)
class AdditionalFee(LightModel):
    """An extra fee on the order (handling, packaging...) with its own tax."""

    id: str | None = None
    code: str | None = None
    name: str | None = None
    price: Price | None = None
    price_before_tax: Price | None = None
    tax_details: LineTaxDetails | None = None
    tax_info: LineTaxInfo | None = None
    provider_app_id: str | None = None
    line_item_ids: list[str] = field(default_factory=list)

    @property
    def tax_amount(self) -> Decimal:
        """Tax on the fee."""
        if self.tax_info is not None and self.tax_info.tax_amount is not None:
            return self.tax_info.tax_amount.amount
        if self.tax_details is not None and self.tax_details.total_tax is not None:
            return self.tax_details.total_tax.amount
        return ZERO

    @property
    def tax_rate(self) -> Decimal | None:
        """The fee's tax rate as a fraction."""
        if self.tax_info is not None and self.tax_info.tax_rate is not None:
            return self.tax_info.tax_rate
        return self.tax_details.tax_rate if self.tax_details is not None else None

    @property
    def net_total(self) -> Decimal:
        """The fee before tax (``priceBeforeTax``, else ``price``)."""
        return _amount(self.price_before_tax) or _amount(self.price) or ZERO


@dataclass(slots=True, kw_only=True)
class Activity(LightModel):
    """An order history entry (``ORDER_PAID``, ``DRAFT_ORDER_CHANGES_APPLIED``...)."""

    id: str | None = None
    type: str | None = None
    created_date: datetime | None = None
    author_email: str | None = None


@dataclass(slots=True, kw_only=True)
class Order(LightModel):
    """A Wix eCom order. ``status`` and ``payment_status`` keep unknown values as strings."""

    id: Text
    number: Text | None = None
    created_date: datetime | None = None
    updated_date: datetime | None = None
    purchased_date: datetime | None = None
    line_items: list[LineItem] = field(default_factory=list)
    buyer_info: BuyerInfo | None = None
    payment_status: Shared | None = None
    fulfillment_status: Shared | None = None
    status: Shared | None = None
    currency: Shared | None = None
    tax_included_in_prices: bool = False
    price_summary: PriceSummary | None = None
    balance_summary: BalanceSummary | None = None
    billing_info: AddressWithContact | None = None
    shipping_info: ShippingInfo | None = None
    recipient_info: AddressWithContact | None = None
    buyer_note: str | None = None
    buyer_language: str | None = None
    tax_summary: TaxSummary | None = None
    tax_info: OrderTaxInfo | None = None
    applied_discounts: list[AppliedDiscount] = field(default_factory=list)
    additional_fees: list[AdditionalFee] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)
    channel_info: dict[str, Any] | None = None
    created_by: dict[str, Any] | None = None
    archived: bool | None = None
    checkout_id: str | None = None

    @property
    def modules(self) -> list[str]:
        """Modules of the lines, in line order, without repeats (custom lines contribute nothing)."""
        seen: list[str] = []
        for line in self.line_items:
            mod = line.module
            if mod is not None and mod not in seen:
                seen.append(mod)
        return seen

    @property
    def module(self) -> str:
        """The order's module: that of its first catalog line; ``other`` when every line is custom."""
        for line in self.line_items:
            ref = line.catalog_reference
            app = ref.app_id if ref is not None else None
            if app:
                return APP_IDS.get(app, "other")
        return "other"

    @property
    def total(self) -> Decimal | None:
        """The grand total (``priceSummary.total`` or deprecated ``totalPrice``), ``None`` if absent."""
        return self.price_summary.grand_total if self.price_summary is not None else None

    @property
    def total_tax(self) -> Decimal | None:
        """Order tax: ``priceSummary.tax``, else ``taxInfo.totalTax``, else ``taxSummary.totalTax``."""
        if self.price_summary is not None and self.price_summary.tax is not None:
            return self.price_summary.tax.amount
        if self.tax_info is not None and self.tax_info.total_tax is not None:
            return self.tax_info.total_tax.amount
        if self.tax_summary is not None and self.tax_summary.total_tax is not None:
            return self.tax_summary.total_tax.amount
        return None

    @property
    def email(self) -> str | None:
        """The buyer's email (only ``buyerInfo`` carries it)."""
        email = self.buyer_info.email if self.buyer_info else None
        return email.strip() or None if email else None


# --- Order transactions: payments and refunds ---------------------------------------------------


@dataclass(slots=True, kw_only=True)
class RegularPaymentDetails(LightModel):
    """A card, PayPal, offline... payment."""

    payment_order_id: str | None = None
    gateway_transaction_id: str | None = None
    payment_method: Shared | None = None
    provider_transaction_id: str | None = None
    offline_payment: bool | None = None
    status: Shared | None = None
    credit_card_details: dict[str, Any] | None = None
    payment_method_name: dict[str, Any] | str | None = None


@dataclass(slots=True, kw_only=True)
class GiftCardPaymentDetails(LightModel):
    """A gift-card redemption (a tender, not a discount)."""

    gift_card_payment_id: str | None = None
    gift_card_id: str | None = None
    app_id: str | None = None
    voided: bool | None = None


@dataclass(slots=True, kw_only=True)
class MembershipPaymentDetails(LightModel):
    """A line paid with a membership (price 0)."""

    membership_id: str | None = None
    line_item_id: str | None = None
    status: str | None = None
    name: TranslatedText | None = None
    external_transaction_id: str | None = None
    voided: bool | None = None
    provider_app_id: str | None = None


#: Regular payment statuses that mean the money was received (REFUNDED ones were received first).
SUCCESSFUL_PAYMENT_STATUSES = frozenset({"APPROVED", "REFUNDED", "PARTIALLY_REFUNDED"})


@dataclass(slots=True, kw_only=True)
class Payment(LightModel):
    """One payment on an order: exactly one of the three details blocks is set."""

    id: Text
    created_date: datetime | None = None
    updated_date: datetime | None = None
    amount: Price | None = None
    refund_disabled: bool | None = None
    regular_payment_details: RegularPaymentDetails | None = None
    giftcard_payment_details: GiftCardPaymentDetails | None = None
    membership_payment_details: MembershipPaymentDetails | None = None
    status: str | None = None

    @property
    def kind(self) -> str:
        """``regular``, ``gift_card``, ``membership`` or ``unknown``."""
        if self.giftcard_payment_details is not None:
            return "gift_card"
        if self.membership_payment_details is not None:
            return "membership"
        if self.regular_payment_details is not None:
            return "regular"
        return "unknown"

    @property
    def method(self) -> str:
        """The Wix payment method (``CreditCard``, ``PayPal``, ``GiftCard``, ``Membership``...)."""
        if self.giftcard_payment_details is not None:
            return "GiftCard"
        if self.membership_payment_details is not None:
            return "Membership"
        if self.regular_payment_details is not None:
            return self.regular_payment_details.payment_method or "Unknown"
        return "Unknown"

    @property
    def succeeded(self) -> bool:
        """Whether the money was received (voided gift cards and failed charges were not)."""
        if self.giftcard_payment_details is not None:
            return not self.giftcard_payment_details.voided
        if self.membership_payment_details is not None:
            m = self.membership_payment_details
            return not m.voided and (m.status or "CHARGED") == "CHARGED"
        status = self.regular_payment_details.status if self.regular_payment_details else self.status
        return (status or "").upper() in SUCCESSFUL_PAYMENT_STATUSES

    @property
    def value(self) -> Decimal:
        """The payment amount (zero when missing)."""
        return _amount(self.amount) or ZERO


@dataclass(slots=True, kw_only=True)
class RefundTransaction(LightModel):
    """The money refunded to one payment."""

    payment_id: str | None = None
    amount: Price | None = None
    refund_status: str | None = None
    gateway_refund_id: str | None = None
    provider_refund_id: str | None = None
    external_refund: bool | None = None


@dataclass(slots=True, kw_only=True)
class RefundItem(LightModel):
    """A refunded line and quantity (no amount: Wix refunds items by quantity only)."""

    line_item_id: Text
    quantity: int = 0


@dataclass(slots=True, kw_only=True)
class RefundShipping(LightModel):
    """Newer ``details.shipping {amount}``."""

    amount: Price | None = None


@dataclass(slots=True, kw_only=True)
class RefundDetails(LightModel):
    """What was refunded: ``items`` (older) or ``lineItems`` (newer), shipping, fees, reason."""

    items: list[RefundItem] = field(default_factory=list)
    line_items: list[RefundItem] = field(default_factory=list)
    shipping_included: bool | None = None
    shipping: RefundShipping | None = None
    additional_fees: list[dict[str, Any]] = field(default_factory=list)
    reason: str | None = None


@dataclass(slots=True, kw_only=True)
class Refund(LightModel):
    """One refund action; money per underlying payment in ``transactions``."""

    id: Text
    created_date: datetime | None = None
    transactions: list[RefundTransaction] = field(default_factory=list)
    details: RefundDetails | None = None
    summary: dict[str, Any] | None = None

    @property
    def succeeded_amount(self) -> Decimal:
        """Money actually refunded: the sum of SUCCEEDED transactions."""
        return sum(
            (
                t.amount.amount
                for t in self.transactions
                if t.amount is not None and (t.refund_status or "").upper() == "SUCCEEDED"
            ),
            ZERO,
        )

    @property
    def succeeded(self) -> bool:
        """True when at least one transaction succeeded."""
        return any((t.refund_status or "").upper() == "SUCCEEDED" for t in self.transactions)

    @property
    def items(self) -> list[RefundItem]:
        """Refunded lines from ``details.lineItems`` (newer) or ``details.items`` (older)."""
        if self.details is None:
            return []
        return self.details.line_items or self.details.items

    @property
    def shipping_included(self) -> bool:
        """Whether shipping was part of the refund (either shape)."""
        d = self.details
        if d is None:
            return False
        if d.shipping is not None and d.shipping.amount is not None:
            return d.shipping.amount.amount != 0
        return bool(d.shipping_included)

    @property
    def shipping_amount(self) -> Decimal | None:
        """The refunded shipping amount when the newer shape states it; ``None`` otherwise."""
        d = self.details
        if d is not None and d.shipping is not None and d.shipping.amount is not None:
            return d.shipping.amount.amount
        return None


@dataclass(slots=True, kw_only=True)
class OrderTransactions(LightModel):
    """``{orderId, payments[], refunds[]}`` from the Order Transactions API."""

    order_id: Text
    payments: list[Payment] = field(default_factory=list)
    refunds: list[Refund] = field(default_factory=list)


# --- Stores catalog ----------------------------------------------------------------------------


class ProductPriceData(WixModel):
    """Catalog price data (JSON numbers on the wire: parse with :func:`wixqb_nb.money.loads`)."""

    currency: str | None = None
    price: Money | None = None
    discounted_price: Money | None = None


class VariantData(WixModel):
    """The variant's own price, weight and SKU."""

    price_data: ProductPriceData | None = None
    weight: Measure = None
    sku: Text | None = None
    visible: bool | None = None


class Variant(WixModel):
    """A product variant: ``choices`` maps option name to choice."""

    id: Text
    choices: dict[str, Any] = Field(default_factory=dict)
    variant: VariantData | None = None
    stock: dict[str, Any] | None = None

    @property
    def sku(self) -> str | None:
        """The variant SKU, if set."""
        sku = self.variant.sku if self.variant else None
        return sku.strip() or None if sku else None


class Product(WixModel):
    """A Stores (catalog V1) product with its variants."""

    id: Text
    name: str = ""
    slug: str | None = None
    visible: bool | None = None
    product_type: str | None = None
    description: str | None = None
    sku: Text | None = None
    weight: Measure = None
    price_data: ProductPriceData | None = None
    manage_variants: bool | None = None
    product_options: list[dict[str, Any]] = Field(default_factory=list)
    variants: list[Variant] = Field(default_factory=list)
    numeric_id: Text | None = None
    inventory_item_id: str | None = None
    stock: dict[str, Any] | None = None

    def skus(self) -> list[str]:
        """Every distinct SKU of the product: its own and its variants', in order."""
        found: list[str] = []
        own = (self.sku or "").strip()
        if own:
            found.append(own)
        for v in self.variants:
            s = v.sku
            if s and s not in found:
                found.append(s)
        return found
