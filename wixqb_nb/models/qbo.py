"""Tolerant models of the QuickBooks Online entities we read, and of the sales documents we read back.

snake_case attributes with PascalCase wire aliases (``total_amt`` <-> ``TotalAmt``), money as
Decimal, unknown fields kept. What we SEND to QBO is not built from these models: the mapping
builds plain dicts holding only the fields it sets (serialised by :func:`wixqb_nb.money.dumps`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import ConfigDict, Field

from wixqb_nb.models._base import Measure, Money, QboModel, Text


class Ref(QboModel):
    """A reference ``{"value": id, "name": display}``; only ``value`` matters on write."""

    value: Text
    name: str | None = Field(default=None, alias="name")

    # The wire names are lowercase here, unlike everything else in QBO.
    model_config = ConfigDict(alias_generator=None)


class MetaData(QboModel):
    """Creation and last-update times as QBO sends them (strings kept verbatim)."""

    create_time: str | None = None
    last_updated_time: str | None = None


class Entity(QboModel):
    """Fields every QBO entity carries."""

    id: Text | None = None
    sync_token: Text | None = None
    meta_data: MetaData | None = None
    domain: str | None = Field(default=None, alias="domain")
    sparse: bool | None = Field(default=None, alias="sparse")


class EmailAddress(QboModel):
    """``{"Address": "a@b.com"}``."""

    address: str | None = None


class PhysicalAddress(QboModel):
    """``BillAddr`` / ``ShipAddr``."""

    id: Text | None = None
    line1: str | None = None
    line2: str | None = None
    line3: str | None = None
    city: str | None = None
    country: str | None = None
    country_sub_division_code: str | None = None
    postal_code: Text | None = None


class Item(Entity):
    """A product or service; matched by ``name`` or ``sku``."""

    name: str = ""
    sku: Text | None = None
    fully_qualified_name: str | None = None
    type: str | None = None
    active: bool | None = None
    taxable: bool | None = None
    unit_price: Money | None = None
    description: str | None = None
    income_account_ref: Ref | None = None
    expense_account_ref: Ref | None = None
    asset_account_ref: Ref | None = None
    sales_tax_code_ref: Ref | None = None
    track_qty_on_hand: bool | None = None
    qty_on_hand: Measure = None


class Customer(Entity):
    """A customer; ``display_name`` is unique across customers, vendors and employees."""

    display_name: str = ""
    given_name: str | None = None
    family_name: str | None = None
    company_name: str | None = None
    fully_qualified_name: str | None = None
    primary_email_addr: EmailAddress | None = None
    active: bool | None = None
    currency_ref: Ref | None = None
    bill_addr: PhysicalAddress | None = None
    notes: str | None = None
    taxable: bool | None = None

    @property
    def email(self) -> str | None:
        """The primary email, lower-cased for matching."""
        addr = self.primary_email_addr.address if self.primary_email_addr else None
        return addr.strip().lower() or None if addr else None


class TaxRateDetail(QboModel):
    """One rate inside a tax code's rate list."""

    tax_rate_ref: Ref | None = None
    tax_type_applicable: str | None = None
    tax_order: int | None = None


class TaxRateList(QboModel):
    """``{"TaxRateDetail": [...]}``."""

    tax_rate_detail: list[TaxRateDetail] = Field(default_factory=list)


class TaxCode(Entity):
    """A tax code (read-only through the API) and the sales rates it applies."""

    name: str = ""
    description: str | None = None
    active: bool | None = None
    taxable: bool | None = None
    tax_group: bool | None = None
    sales_tax_rate_list: TaxRateList | None = None

    @property
    def sales_rate_ids(self) -> list[str]:
        """Ids of the sales tax rates, in ``TaxOrder``."""
        if self.sales_tax_rate_list is None:
            return []
        details = sorted(self.sales_tax_rate_list.tax_rate_detail, key=lambda d: d.tax_order or 0)
        return [d.tax_rate_ref.value for d in details if d.tax_rate_ref is not None]


class TaxRate(Entity):
    """A tax rate; ``rate_value`` is a percent (``9.975``)."""

    name: str = ""
    rate_value: Measure = None
    active: bool | None = None
    agency_ref: Ref | None = None
    special_tax_type: str | None = None
    display_type: str | None = None


class Account(Entity):
    """A ledger account."""

    name: str = ""
    fully_qualified_name: str | None = None
    account_type: str | None = None
    account_sub_type: str | None = None
    acct_num: Text | None = None
    active: bool | None = None
    classification: str | None = None


class Class(Entity):
    """A class (applied per line)."""

    name: str = ""
    fully_qualified_name: str | None = None
    active: bool | None = None


class Department(Entity):
    """A location (applied to the whole document as ``DepartmentRef``)."""

    name: str = ""
    fully_qualified_name: str | None = None
    active: bool | None = None


class PaymentMethod(Entity):
    """A payment method (name at most 15 characters)."""

    name: str = ""
    type: str | None = None
    active: bool | None = None


class Term(Entity):
    """Payment terms."""

    name: str = ""
    due_days: int | None = None
    active: bool | None = None


class Preferences(Entity):
    """Company preferences; sections kept as dicts (QBO adds keys freely)."""

    tax_prefs: dict[str, Any] = Field(default_factory=dict)
    currency_prefs: dict[str, Any] = Field(default_factory=dict)
    sales_forms_prefs: dict[str, Any] = Field(default_factory=dict)
    accounting_info_prefs: dict[str, Any] = Field(default_factory=dict)

    @property
    def partner_tax_enabled(self) -> bool:
        """US automated sales tax (AST) is on."""
        return bool(self.tax_prefs.get("PartnerTaxEnabled"))

    @property
    def custom_txn_numbers(self) -> bool:
        """Custom transaction numbers: when on, an omitted DocNumber stays empty."""
        return bool(self.sales_forms_prefs.get("CustomTxnNumbers"))

    @property
    def multi_currency_enabled(self) -> bool:
        """Multicurrency is on."""
        return bool(self.currency_prefs.get("MultiCurrencyEnabled"))

    @property
    def home_currency(self) -> str | None:
        """Home currency code (``CAD``)."""
        home = self.currency_prefs.get("HomeCurrency")
        if isinstance(home, dict):
            value = home.get("value")
            return str(value) if value else None
        return str(home) if home else None

    @property
    def default_customer_message(self) -> str | None:
        """The sales-form default customer message, if set."""
        msg = self.sales_forms_prefs.get("CustomerMessage") or self.sales_forms_prefs.get(
            "DefaultCustomerMessage"
        )
        return str(msg) if msg else None


class CompanyInfo(Entity):
    """Company name and country (``US`` selects the US tax model)."""

    company_name: str | None = None
    legal_name: str | None = None
    country: str | None = None
    company_addr: PhysicalAddress | None = None


# --- Sales documents (read back) ---------------------------------------------------------------


class LinkedTxn(QboModel):
    """A link to another transaction."""

    txn_id: Text | None = None
    txn_type: str | None = None
    txn_line_id: Text | None = None


class SalesItemLineDetail(QboModel):
    """Item, quantity, unit price, tax code and class of a sales line."""

    item_ref: Ref | None = None
    class_ref: Ref | None = None
    unit_price: Measure = None
    qty: Measure = None
    tax_code_ref: Ref | None = None
    tax_inclusive_amt: Money | None = None
    service_date: str | None = None


class DiscountLineDetail(QboModel):
    """A transaction-level discount."""

    percent_based: bool | None = None
    discount_percent: Measure = None
    discount_account_ref: Ref | None = None
    tax_code_ref: Ref | None = None
    class_ref: Ref | None = None


class Line(QboModel):
    """One line of a sales document or payment."""

    id: Text | None = None
    line_num: int | None = None
    description: str | None = None
    amount: Money | None = None
    detail_type: str | None = None
    sales_item_line_detail: SalesItemLineDetail | None = None
    discount_line_detail: DiscountLineDetail | None = None
    linked_txn: list[LinkedTxn] = Field(default_factory=list)


class TaxLineDetail(QboModel):
    """One rate's tax on a document."""

    tax_rate_ref: Ref | None = None
    percent_based: bool | None = None
    tax_percent: Measure = None
    net_amount_taxable: Money | None = None
    tax_inclusive_amount: Money | None = None
    override_delta_amount: Money | None = None


class TaxLine(QboModel):
    """``{"Amount", "DetailType": "TaxLineDetail", "TaxLineDetail": {...}}``."""

    amount: Money | None = None
    detail_type: str | None = None
    tax_line_detail: TaxLineDetail | None = None


class TxnTaxDetail(QboModel):
    """Document tax: code, total and per-rate lines."""

    txn_tax_code_ref: Ref | None = None
    total_tax: Money | None = None
    tax_line: list[TaxLine] = Field(default_factory=list)


class SalesDocument(Entity):
    """Fields shared by Invoice, SalesReceipt, CreditMemo and RefundReceipt."""

    doc_number: Text | None = None
    txn_date: str | None = None
    private_note: str | None = None
    customer_ref: Ref | None = None
    customer_memo: dict[str, Any] | None = None
    department_ref: Ref | None = None
    currency_ref: Ref | None = None
    exchange_rate: Measure = None
    global_tax_calculation: str | None = None
    line: list[Line] = Field(default_factory=list)
    txn_tax_detail: TxnTaxDetail | None = None
    total_amt: Money | None = None
    home_total_amt: Money | None = None
    bill_email: EmailAddress | None = None

    @property
    def total_tax(self) -> Decimal | None:
        """``TxnTaxDetail.TotalTax`` when present."""
        return self.txn_tax_detail.total_tax if self.txn_tax_detail else None


class Invoice(SalesDocument):
    """An invoice (open until paid)."""

    balance: Money | None = None
    due_date: str | None = None
    allow_online_credit_card_payment: bool | None = None


class SalesReceipt(SalesDocument):
    """A paid-at-sale document with its payment method and deposit account."""

    payment_method_ref: Ref | None = None
    deposit_to_account_ref: Ref | None = None
    payment_ref_num: str | None = None
    balance: Money | None = None


class CreditMemo(SalesDocument):
    """A customer credit."""

    remaining_credit: Money | None = None
    balance: Money | None = None


class RefundReceipt(SalesDocument):
    """Money paid back at once, from ``deposit_to_account_ref``."""

    payment_method_ref: Ref | None = None
    deposit_to_account_ref: Ref | None = None
    payment_ref_num: str | None = None


class Payment(Entity):
    """A payment applied to invoices (``Line[].LinkedTxn``)."""

    txn_date: str | None = None
    customer_ref: Ref | None = None
    total_amt: Money | None = None
    unapplied_amt: Money | None = None
    payment_method_ref: Ref | None = None
    deposit_to_account_ref: Ref | None = None
    payment_ref_num: str | None = None
    private_note: str | None = None
    currency_ref: Ref | None = None
    line: list[Line] = Field(default_factory=list)


#: Alias that reads unambiguously next to :class:`wixqb_nb.models.wix.Payment`.
QboPayment = Payment

#: QBO entity name -> model, for reading query and CDC results generically.
ENTITY_MODELS: dict[str, type[Entity]] = {
    "Item": Item,
    "Customer": Customer,
    "TaxCode": TaxCode,
    "TaxRate": TaxRate,
    "Account": Account,
    "Class": Class,
    "Department": Department,
    "PaymentMethod": PaymentMethod,
    "Term": Term,
    "Preferences": Preferences,
    "CompanyInfo": CompanyInfo,
    "Invoice": Invoice,
    "SalesReceipt": SalesReceipt,
    "CreditMemo": CreditMemo,
    "RefundReceipt": RefundReceipt,
    "Payment": Payment,
}
