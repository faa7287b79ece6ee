"""What the reconciliation needs to know from the configuration and from the run's plan.

The comparison core takes plain, frozen values rather than the whole :class:`~wixqb_nb.config.Config`
so that it stays pure and so that tests can state exactly the settings a case depends on.
:meth:`ReconSettings.from_config` is the one place that reads the config.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from wixqb_nb.config import Config

#: QBO's built-in shipping line (``SalesItemLineDetail.ItemRef.value``).
QBO_SHIPPING_ITEM = "SHIPPING_ITEM_ID"

INVOICE = "Invoice"
SALES_RECEIPT = "SalesReceipt"


@dataclass(frozen=True)
class ReconSettings:
    """The options that decide what QBO should hold for a set of Wix orders.

    Attributes mirror the config sections (see :meth:`from_config`); item and account values are
    QBO Ids. An empty ``deposit_accounts`` mapping and no ``default_deposit_account`` mean the
    deposit account is not checked.
    """

    time_zone: str = "UTC"
    language: Literal["en", "fr"] = "en"
    start_date: dt.date | None = None
    modules: frozenset[str] = frozenset(
        {"stores", "bookings", "events", "pricing_plans", "restaurants", "other"}
    )
    payment_statuses: frozenset[str] = frozenset({"PAID", "PARTIALLY_REFUNDED", "FULLY_REFUNDED"})
    unpaid_stores_orders: bool = False
    document_type: str = SALES_RECEIPT
    document_by_payment_status: Mapping[str, str] = field(default_factory=dict)
    order_prefix: str = ""
    order_separator: str = "-"
    auto_doc_numbers: bool = False
    shipping_item_id: str | None = None
    discount_item_id: str | None = None
    rounding_item_id: str | None = None
    rounding_max: Decimal = Decimal("0.05")
    generic_customer_id: str | None = None
    refunds_enabled: bool = True
    refund_modules: frozenset[str] = frozenset({"stores", "bookings"})
    payments_enabled: bool = True
    deposit_accounts: Mapping[str, str] = field(default_factory=dict)
    default_deposit_account: str | None = None
    gift_card_account: str | None = None

    @classmethod
    def from_config(cls, config: Config, *, generic_customer_id: str | None = None) -> ReconSettings:
        """Read the settings from a :class:`~wixqb_nb.config.Config`.

        ``generic_customer_id`` is the QBO Id of the generic customer when the config books every
        sale to one customer (the config only knows its name; the caller resolves it in QBO).
        """
        adv = config.advanced
        pay = config.payments
        deposit = {m.wix_method.lower(): m.deposit_account.id for m in pay.methods if m.deposit_account}
        return cls(
            time_zone=config.general.time_zone,
            language=config.general.language,
            start_date=config.general.start_date,
            modules=frozenset(str(m) for m in config.orders.modules),
            payment_statuses=frozenset(config.orders.payment_statuses),
            unpaid_stores_orders=config.orders.unpaid_stores_orders,
            document_type=_doc_type(str(config.orders.document_type)),
            document_by_payment_status={
                k: _doc_type(str(v)) for k, v in config.orders.document_by_payment_status.items()
            },
            order_prefix=adv.order_prefix,
            order_separator=adv.order_separator,
            auto_doc_numbers=adv.auto_doc_numbers,
            shipping_item_id=adv.shipping_item.id if adv.shipping_item else None,
            discount_item_id=adv.discount_item.id if adv.discount_item else None,
            rounding_item_id=adv.rounding_item.id if adv.rounding_item else None,
            rounding_max=adv.rounding_max,
            generic_customer_id=generic_customer_id if str(adv.customer_mode) == "generic" else None,
            refunds_enabled=config.refunds.enabled,
            payments_enabled=pay.enabled,
            deposit_accounts=deposit,
            default_deposit_account=pay.default_deposit_account.id if pay.default_deposit_account else None,
            gift_card_account=pay.gift_card_account.id if pay.gift_card_account else None,
        )

    def document_for(self, payment_status: str, module: str) -> str:
        """The QBO entity (``Invoice`` or ``SalesReceipt``) a Wix order should have become."""
        if payment_status in self.document_by_payment_status:
            return self.document_by_payment_status[payment_status]
        if module == "stores" and payment_status in _UNPAID:
            return INVOICE
        return self.document_type

    def wants(self, status: str, payment_status: str, module: str, day: dt.date | None) -> bool:
        """Whether the settings sync an order (so QBO must hold it)."""
        if status in {"CANCELED", "INITIALIZED"} or module not in self.modules:
            return False
        if self.start_date is not None and day is not None and day < self.start_date:
            return False
        # As the planner decides (mapping.planner.select): the status must be fetched, and an
        # unpaid order syncs only for Wix Stores with ``orders.unpaid_stores_orders``.
        if payment_status not in self.payment_statuses:
            return False
        return payment_status not in _UNPAID or (module == "stores" and self.unpaid_stores_orders)

    def deposit_account_for(self, method: str) -> str | None:
        """The QBO account a Wix payment method should be deposited to (``None``: not checked)."""
        if method == "GiftCard" and self.gift_card_account:
            return self.gift_card_account
        return self.deposit_accounts.get(method.lower(), self.default_deposit_account)


@dataclass(frozen=True)
class Expectation:
    """What the run's plan predicted for one order; every field is optional.

    The sync passes these so the reconciliation can tell a residual the rounding item was meant
    to absorb from a real mismatch, and a customer or item mapped differently from the plan.
    """

    order_id: str
    doc_type: str | None = None
    customer_id: str | None = None
    item_ids: frozenset[str] | None = None
    rounding: Decimal | None = None


_UNPAID = frozenset({"NOT_PAID", "PARTIALLY_PAID", "PENDING"})


def _doc_type(value: str) -> str:
    return INVOICE if value == "invoice" else SALES_RECEIPT
