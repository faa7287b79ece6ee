"""What one demo order is made of, before any amount is computed.

The scenario code (:mod:`._scenarios`) fills these plain records; :mod:`._order` turns one into
Wix's order JSON and :mod:`._txn` into its payments and refunds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ._data import Person, Region


@dataclass
class Line:
    """One order line as the buyer put it in the cart (unit price in cents)."""

    name: str
    translated: str
    cents: int
    qty: int
    item_type: dict[str, str]
    catalog: dict[str, Any] | None = None  # catalogReference; None for custom line items
    sku: str | None = None
    shippable: bool = False
    grams: int = 0
    taxable: bool = True
    tax_group: str = "standard"
    payment_option: str = "FULL_PAYMENT_ONLINE"
    description: tuple[tuple[str, str], ...] = ()
    subscription: dict[str, Any] | None = None


@dataclass
class Discount:
    """A coupon, merchant discount or discount rule; ``lines`` None means the whole order (GLOBAL)."""

    source: str  # coupon | merchant | rule
    cents: int = 0
    ppm: int = 0  # percentage discounts: 10 % = 100_000
    lines: tuple[int, ...] | None = None
    label: str = ""
    code: str = ""


@dataclass
class Refund:
    """One refund action: line indexes with quantities, and whether shipping goes back too."""

    items: tuple[tuple[int, int], ...]
    shipping: bool = False
    reason: str = ""
    full: bool = False  # refund everything still refundable (all items, shipping and fees)
    after_hours: int = 48


@dataclass
class OrderSpec:
    """Everything that decides one order; amounts are derived from it, never stored in it."""

    cases: tuple[str, ...]
    person: Person
    contact_id: str
    member_id: str | None
    region: Region
    lines: list[Line]
    discounts: list[Discount] = field(default_factory=list)
    shipping: tuple[str, int] | None = None  # (title, cents); None = nothing shipped
    pickup: bool = False
    fee_ppm: int = 0  # additional service fee as a share of the discounted subtotal
    inclusive: bool = False
    outcome: str = "paid"  # paid | unpaid | partial | pending | canceled | canceled_refunded
    method: str = "CreditCard"
    giftcard_cents: int = 0  # gift-card share of a split tender
    refunds: list[Refund] = field(default_factory=list)
    channel: str = "WEB"
    lang: str = "fr"
    note: str = ""
