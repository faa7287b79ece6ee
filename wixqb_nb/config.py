"""The configuration of a sync: every option of the seed connector's ten steps, and nothing secret.

The model is strict (``extra="forbid"``): a misspelt option is an error, not a silently ignored
line. Sections follow the connector's setup steps. Secrets (the Wix API key, the QBO client id and
secret, tokens) never live here: they come from ``WIXQB_...`` environment variables or from the
0600 token file that ``connection.token_file`` names (see :mod:`wixqb_nb.credentials`).

Validation happens in two layers so that ``wixqb config validate`` can list *every* problem:
field rules (types, ranges, formats) run per section, then the cross-field rules in
:func:`rule_problems` run on whatever sections parsed. :func:`validate_data` combines both.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from wixqb_nb.errors import ConfigError

#: QBO's limit on DocNumber (sales forms, credit memos, refund receipts).
QBO_DOC_NUMBER_MAX = 21


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True, use_enum_values=False)


class QboRef(_Strict):
    """A reference to a QBO object: its Id (what QBO needs) and its name (for the humans reading the file)."""

    id: Annotated[str, Field(min_length=1, description="QBO Id of the object")]
    name: str = Field("", description="display name, informational only")


# --- step 1: connection -------------------------------------------------------------------------


class Connection(_Strict):
    """Where Wix and QBO live. No secrets: those come from the environment or the token file."""

    wix_site_id: str = Field("", description="Wix site id (the segment after /dashboard/ in the site's URL)")
    wix_base_url: str = Field("https://www.wixapis.com", description="Wix REST base URL")
    qbo_realm_id: str = Field("", description="QBO company id (realmId)")
    qbo_environment: Literal["production", "sandbox"] = Field(
        "production", description="QBO environment (selects the default base URL)"
    )
    qbo_base_url: str = Field(
        "https://quickbooks.api.intuit.com",
        description="QBO Accounting API base URL (entity URLs are {base}/v3/company/{realm}/...)",
    )
    qbo_token_url: str = Field(
        "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer", description="OAuth 2.0 token endpoint"
    )
    qbo_authorize_url: str = Field(
        "https://appcenter.intuit.com/connect/oauth2", description="OAuth 2.0 authorization endpoint"
    )
    qbo_redirect_uri: str = Field(
        "http://localhost:8765/callback", description="redirect URI registered for the QBO app"
    )
    qbo_minor_version: int = Field(75, ge=75, description="QBO minorversion (75 is the lowest QBO honours)")
    token_file: str = Field(
        "", description="path of the 0600 JSON token file; empty: tokens only from the environment"
    )
    state_dir: str = Field(".wixqb", description="folder for the ledger, locks and run state")

    @field_validator("wix_base_url", "qbo_base_url", "qbo_token_url", "qbo_authorize_url", "qbo_redirect_uri")
    @classmethod
    def _url(cls, value: str) -> str:
        if not re.match(r"^https?://[^\s/]+", value):
            raise ValueError(f"{value!r} is not an http(s) URL")
        return value.rstrip("/") if not value.endswith("://") else value


# --- step 2: general ----------------------------------------------------------------------------


class EmailMode(StrEnum):
    """When the sync-report email is sent."""

    NEVER = "never"
    ALWAYS = "always"
    ON_FAILURE = "on_failure"


class EmailReport(_Strict):
    """The sync-report email (seed step 2)."""

    mode: EmailMode = Field(EmailMode.NEVER, description="never / always / on_failure")
    recipients: list[str] = Field(default_factory=list, description="addresses that receive the report")
    sender: str = Field("", description="From: address")
    smtp_host: str = Field("localhost", description="SMTP server")
    smtp_port: int = Field(587, ge=1, le=65535, description="SMTP port")
    tls: Literal["starttls", "tls", "none"] = Field(
        "starttls", description="starttls, tls (implicit) or none"
    )
    smtp_user: str = Field("", description="SMTP login (the password comes from WIXQB_SMTP_PASSWORD)")

    @field_validator("recipients")
    @classmethod
    def _addresses(cls, value: list[str]) -> list[str]:
        bad = [a for a in value if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", a)]
        if bad:
            raise ValueError(f"not an email address: {', '.join(bad)}")
        return value


class General(_Strict):
    """Account time zone, integration start date, report language and the sync-report email."""

    time_zone: str = Field("UTC", description="IANA time zone of the books (e.g. America/Toronto)")
    start_date: dt.date | None = Field(
        None, description="integration start date: orders created before it are never synced"
    )
    language: Literal["en", "fr"] = Field("en", description="language of reports and the wizard")
    email: EmailReport = Field(default_factory=EmailReport)

    @field_validator("time_zone")
    @classmethod
    def _tz(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            hint = _closest_time_zone(value)
            raise ValueError(
                f"unknown time zone {value!r}" + (f" (did you mean {hint!r}?)" if hint else "")
            ) from exc
        return value


def _closest_time_zone(value: str) -> str:
    wanted = value.lower().replace(" ", "_")
    for name in sorted(available_timezones()):
        if name.lower().endswith("/" + wanted) or name.lower() == wanted:
            return name
    return ""


# --- step 3: orders -----------------------------------------------------------------------------


class WixModule(StrEnum):
    """Wix business apps whose orders can be synced (classified by ``catalogReference.appId``)."""

    STORES = "stores"
    BOOKINGS = "bookings"
    EVENTS = "events"
    PRICING_PLANS = "pricing_plans"
    RESTAURANTS = "restaurants"
    OTHER = "other"  # other apps and custom line items (no catalogReference)


class DocumentType(StrEnum):
    """The QBO document a Wix sale becomes."""

    SALES_RECEIPT = "sales_receipt"
    INVOICE = "invoice"


#: Wix payment statuses, as the Orders API spells them.
PaymentStatus = Literal[
    "PAID",
    "NOT_PAID",
    "PARTIALLY_PAID",
    "PENDING",
    "PARTIALLY_REFUNDED",
    "FULLY_REFUNDED",
]
_DEFAULT_STATUSES: tuple[PaymentStatus, ...] = ("PAID", "PARTIALLY_REFUNDED", "FULLY_REFUNDED")
UNPAID_STATUSES: frozenset[str] = frozenset({"NOT_PAID", "PARTIALLY_PAID", "PENDING"})


class Orders(_Strict):
    """Which Wix orders are fetched and what they become (seed step 3)."""

    modules: list[WixModule] = Field(
        default_factory=lambda: list(WixModule), description="Wix modules whose orders are synced"
    )
    payment_statuses: list[PaymentStatus] = Field(
        default_factory=lambda: list(_DEFAULT_STATUSES),
        description="payment statuses fetched (add FULLY/PARTIALLY_REFUNDED to sync credit notes)",
    )
    unpaid_stores_orders: bool = Field(
        False, description="also sync unpaid Wix Stores orders (only Stores may; as invoices)"
    )
    document_type: DocumentType = Field(DocumentType.SALES_RECEIPT, description="sales_receipt or invoice")
    document_by_payment_status: dict[PaymentStatus, DocumentType] = Field(
        default_factory=dict, description="per payment status override, e.g. NOT_PAID = 'invoice'"
    )

    def document_for(self, payment_status: str) -> DocumentType:
        """The document type for an order in ``payment_status``."""
        for status, document in self.document_by_payment_status.items():
            if status == payment_status:
                return document
        return self.document_type


# --- step 4: advanced ---------------------------------------------------------------------------


class CustomerMode(StrEnum):
    """Which QBO customer a sale is booked to."""

    ORIGINAL = "original"
    ORGANISATION = "organisation"
    GENERIC = "generic"


class Advanced(_Strict):
    """Numbering, class/location, customers and the special items (seed step 4)."""

    order_prefix: str = Field("", max_length=20, description="prefix of QBO document numbers (WX -> WX-1234)")
    order_separator: str = Field("-", max_length=3, description="between prefix and Wix number")
    max_order_number_digits: int = Field(
        8, ge=1, le=19, description="digits of the store's largest order number (checks the 21-char limit)"
    )
    default_class: QboRef | None = Field(None, description="QBO class put on every line")
    default_location: QboRef | None = Field(None, description="QBO location (department) of every document")
    customer_mode: CustomerMode = Field(
        CustomerMode.ORIGINAL, description="original / organisation / generic"
    )
    generic_customer_name: str = Field("WIX", description="the one customer used in generic mode")
    auto_doc_numbers: bool = Field(
        False, description="let QBO number documents (Wix number kept in the memo)"
    )
    discount_item: QboRef | None = Field(None, description="item for discounts not already spread into lines")
    rounding_item: QboRef | None = Field(None, description="item that absorbs a grand-total rounding gap")
    rounding_max: Decimal = Field(
        Decimal("0.05"), ge=0, le=Decimal("1.00"), description="largest residual the rounding item may absorb"
    )
    shipping_item: QboRef | None = Field(
        None, description="item for shipping; empty: QBO's built-in shipping line (SHIPPING_ITEM_ID)"
    )
    fees_item: QboRef | None = Field(
        None, description="item for Wix additional fees; empty: a QBO item named like the fee"
    )
    use_qbo_customer_message: bool = Field(
        False, description="QBO's default customer message instead of Wix notes"
    )
    allow_online_card_payment: bool = Field(False, description="allow online credit-card payment on invoices")

    @field_validator("order_prefix", "generic_customer_name")
    @classmethod
    def _no_control(cls, value: str) -> str:
        if any(c in value for c in ":\t\n\r"):
            raise ValueError("must not contain ':', tab or newline (QBO rejects them)")
        return value


# --- steps 5 and 6: items and matching ----------------------------------------------------------


class ItemType(StrEnum):
    """The QBO type of items the sync creates."""

    INVENTORY = "inventory"
    NON_INVENTORY = "non_inventory"
    SERVICE = "service"


class Items(_Strict):
    """Creating missing items in QBO (seed step 5). Cost is never synced."""

    allow_create: bool = Field(False, description="create QBO items for unmatched Wix SKUs")
    new_item_type: ItemType = Field(ItemType.NON_INVENTORY, description="inventory / non_inventory / service")
    income_account: QboRef | None = Field(None, description="income account of created items")
    expense_account: QboRef | None = Field(
        None, description="expense (non-inventory) or COGS (inventory) account"
    )
    asset_account: QboRef | None = Field(None, description="inventory asset account (inventory items)")
    inventory_start_date: dt.date | None = Field(
        None, description="InvStartDate of created inventory items (default: general.start_date)"
    )


class Matching(_Strict):
    """How a Wix SKU finds its QBO item (seed step 6)."""

    match_by: Literal["name", "sku"] = Field(
        "name", description="Wix SKU to QBO item Name, or to QBO item SKU"
    )


# --- step 7: refunds ----------------------------------------------------------------------------


class RefundDocument(StrEnum):
    """The QBO document a Wix refund becomes."""

    CREDIT_MEMO = "credit_memo"
    REFUND_RECEIPT = "refund_receipt"


class Refunds(_Strict):
    """Refunds as credit notes (seed step 7). Only Stores and Bookings orders are refunded."""

    enabled: bool = Field(True, description="sync Wix refunds")
    document: RefundDocument = Field(
        RefundDocument.REFUND_RECEIPT, description="credit_memo or refund_receipt"
    )
    refund_from_account: QboRef | None = Field(None, description="account the refunded money is paid from")
    prefix: str = Field("C", max_length=10, description="prefix of refund document numbers")
    amount_item: QboRef | None = Field(
        None,
        description="item for a refund that cannot be itemised by quantity; empty: the order's first item",
    )
    include_partial: bool = Field(True, description="also sync partial refunds")


# --- step 8: taxes ------------------------------------------------------------------------------


class TaxMapping(_Strict):
    """One Wix tax (by name and rate) and the QBO tax code it becomes.

    A line taxed by several Wix taxes (GST and QST) is matched by their names joined with " + " in
    Wix's order and the sum of their rates (``name = "GST + QST"``, ``rate = "0.14975"``).
    """

    name: str = Field(min_length=1, description="Wix tax name (several joined with ' + ')")
    rate: Decimal = Field(ge=0, le=1, description="rate as a fraction, e.g. 0.05 for 5%")
    qbo_tax_code: QboRef


class Taxes(_Strict):
    """Tax mapping (seed step 8)."""

    mappings: list[TaxMapping] = Field(default_factory=list, description="each Wix tax to its QBO tax code")
    untaxed_code: QboRef | None = Field(None, description="QBO code for untaxed lines (non-US; US uses NON)")
    us_override_automated_tax: bool = Field(
        True, description="US companies: send Wix's tax as TotalTax so QBO's automated tax matches Wix"
    )
    qbo_rounding: Literal["auto", "line", "total"] = Field(
        "auto",
        description="how the QBO company rounds tax: per line, per rate on the total, or auto (US total, else line)",
    )
    qbo_keeps_sent_tax: bool = Field(
        True,
        description="QBO keeps the per-rate tax amounts (TaxLine / TotalTax) we send; false: QBO recomputes, the rounding item absorbs the gap",
    )


# --- step 9: payments ---------------------------------------------------------------------------


class PaymentMethodMapping(_Strict):
    """Where one Wix payment method's money goes."""

    wix_method: str = Field(
        min_length=1, description="Wix paymentMethod (CreditCard, PayPal, Cash, Offline...)"
    )
    deposit_account: QboRef | None = Field(None, description="clearing/deposit account")
    qbo_payment_method: QboRef | None = Field(None, description="QBO payment method")


class Payments(_Strict):
    """Recording Wix payments in QBO (seed step 9)."""

    enabled: bool = Field(True, description="record Wix payments and link them to their sales")
    default_deposit_account: QboRef | None = Field(
        None, description="clearing account; empty: Undeposited Funds"
    )
    methods: list[PaymentMethodMapping] = Field(default_factory=list, description="per payment method")
    gift_card_account: QboRef | None = Field(None, description="account for gift-card tenders")

    def for_method(self, wix_method: str) -> PaymentMethodMapping | None:
        """The mapping of ``wix_method`` (case-insensitive), if any."""
        wanted = wix_method.lower()
        return next((m for m in self.methods if m.wix_method.lower() == wanted), None)


# --- step 10: schedule --------------------------------------------------------------------------


class Schedule(_Strict):
    """Automatic sync every interval, or manual only (seed step 10)."""

    automatic: bool = Field(True, description="sync automatically every interval")
    interval_minutes: int = Field(60, ge=5, le=1440, description="minutes between automatic syncs")


SECTIONS: dict[str, type[_Strict]] = {
    "connection": Connection,
    "general": General,
    "orders": Orders,
    "advanced": Advanced,
    "items": Items,
    "matching": Matching,
    "refunds": Refunds,
    "taxes": Taxes,
    "payments": Payments,
    "schedule": Schedule,
}


class Config(_Strict):
    """A whole wixqb-nb configuration. Build it with :func:`load_config` or :func:`validate_data`."""

    connection: Connection = Field(default_factory=Connection)
    general: General = Field(default_factory=General)
    orders: Orders = Field(default_factory=Orders)
    advanced: Advanced = Field(default_factory=Advanced)
    items: Items = Field(default_factory=Items)
    matching: Matching = Field(default_factory=Matching)
    refunds: Refunds = Field(default_factory=Refunds)
    taxes: Taxes = Field(default_factory=Taxes)
    payments: Payments = Field(default_factory=Payments)
    schedule: Schedule = Field(default_factory=Schedule)

    def to_data(self) -> dict[str, Any]:
        """Plain data for the file: Decimals as strings, dates as dates, no None values."""
        data: dict[str, Any] = _drop_none(self.model_dump(mode="python"))
        return data

    def config_hash(self) -> str:
        """A short, stable hash of the settings (recorded with every run)."""
        text = json.dumps(self.model_dump(mode="json"), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:12]

    def document_number(self, number: str) -> str:
        """The DocNumber of Wix order ``number`` (without auto numbering)."""
        if not self.advanced.order_prefix:
            return str(number)
        return f"{self.advanced.order_prefix}{self.advanced.order_separator}{number}"


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    if isinstance(value, StrEnum):
        return str(value)
    if isinstance(value, Decimal):
        return str(value)
    return value


# --- validation ---------------------------------------------------------------------------------


def _format_error(section: str, err: Any) -> str:
    loc = ".".join(str(p) for p in (section, *err["loc"]))
    msg = str(err["msg"])
    if err["type"] == "extra_forbidden":
        msg = "unknown option (check the spelling; see `wixqb config schema`)"
    elif msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    return f"{loc}: {msg}"


def rule_problems(sections: dict[str, Any], *, today: dt.date | None = None) -> list[str]:
    """Cross-field rules, as ``path: message`` lines, over the sections that parsed.

    ``today`` is the date in the account time zone; without it the start-date rule is skipped
    (the pure core never reads the clock).
    """
    out: list[str] = []
    general: General | None = sections.get("general")
    orders: Orders | None = sections.get("orders")
    advanced: Advanced | None = sections.get("advanced")
    items: Items | None = sections.get("items")
    refunds: Refunds | None = sections.get("refunds")
    taxes: Taxes | None = sections.get("taxes")
    payments: Payments | None = sections.get("payments")
    connection: Connection | None = sections.get("connection")

    if connection is not None:
        if not connection.wix_site_id:
            out.append("connection.wix_site_id: required (the Wix site id)")
        if not connection.qbo_realm_id:
            out.append("connection.qbo_realm_id: required (the QBO company id, realmId)")
    if general is not None:
        if general.start_date is None:
            out.append(
                "general.start_date: required (the integration start date; orders before it are skipped)"
            )
        elif today is not None and general.start_date > today:
            out.append(
                f"general.start_date: {general.start_date.isoformat()} is in the future "
                f"(today is {today.isoformat()} in {general.time_zone}); nothing would sync"
            )
        email = general.email
        if email.mode is not EmailMode.NEVER:
            if not email.recipients:
                out.append(f"general.email.recipients: required when general.email.mode is '{email.mode}'")
            if not email.sender:
                out.append(f"general.email.sender: required when general.email.mode is '{email.mode}'")
    if advanced is not None:
        out += _advanced_rules(advanced, refunds)
    if orders is not None:
        out += _orders_rules(orders)
    if items is not None and items.allow_create:
        out += _items_rules(items)
    if refunds is not None and refunds.enabled and refunds.refund_from_account is None:
        out.append(
            "refunds.refund_from_account: required when refunds are enabled (the account refunds are paid from)"
        )
    if taxes is not None:
        out += _taxes_rules(taxes)
    if payments is not None:
        seen: set[str] = set()
        for i, m in enumerate(payments.methods):
            key = m.wix_method.lower()
            if key in seen:
                out.append(f"payments.methods.{i}.wix_method: {m.wix_method!r} is mapped twice")
            seen.add(key)
    return out


def _advanced_rules(advanced: Advanced, refunds: Refunds | None) -> list[str]:
    out: list[str] = []
    digits = advanced.max_order_number_digits
    if not advanced.auto_doc_numbers and advanced.order_prefix:
        length = len(advanced.order_prefix) + len(advanced.order_separator) + digits
        if length > QBO_DOC_NUMBER_MAX:
            room = QBO_DOC_NUMBER_MAX - len(advanced.order_separator) - digits
            out.append(
                f"advanced.order_prefix: {advanced.order_prefix!r} + {advanced.order_separator!r} + a "
                f"{digits}-digit order number makes {length} characters; QBO allows {QBO_DOC_NUMBER_MAX} "
                f"(shorten the prefix to at most {max(room, 0)} characters)"
            )
    if refunds is not None and refunds.enabled:
        # refund numbers: prefix + order prefix-number + "-" + a 2-digit refund counter
        base = len(advanced.order_prefix) + len(advanced.order_separator) if advanced.order_prefix else 0
        length = len(refunds.prefix) + base + digits + 3
        if length > QBO_DOC_NUMBER_MAX:
            out.append(
                f"refunds.prefix: refund numbers ({refunds.prefix!r} + order number + '-NN') can reach "
                f"{length} characters; QBO allows {QBO_DOC_NUMBER_MAX} (shorten refunds.prefix or "
                f"advanced.order_prefix)"
            )
    if advanced.rounding_max > 0 and advanced.rounding_item is None:
        out.append(
            f"advanced.rounding_item: required when advanced.rounding_max is above zero "
            f'({advanced.rounding_max}); set an item or set rounding_max = "0"'
        )
    if advanced.customer_mode is CustomerMode.GENERIC and not advanced.generic_customer_name.strip():
        out.append("advanced.generic_customer_name: required when advanced.customer_mode is 'generic'")
    return out


def _orders_rules(orders: Orders) -> list[str]:
    out: list[str] = []
    if not orders.modules:
        out.append("orders.modules: choose at least one Wix module")
    if not orders.payment_statuses:
        out.append("orders.payment_statuses: choose at least one payment status")
    unpaid = sorted(UNPAID_STATUSES & set(orders.payment_statuses))
    if unpaid and not orders.unpaid_stores_orders:
        out.append(
            f"orders.payment_statuses: {', '.join(unpaid)} fetches unpaid orders; set "
            "orders.unpaid_stores_orders = true (only Wix Stores orders sync unpaid) or remove them"
        )
    if orders.unpaid_stores_orders and WixModule.STORES not in orders.modules:
        out.append("orders.unpaid_stores_orders: Wix Stores is not among orders.modules")
    if orders.unpaid_stores_orders:
        for status in sorted(UNPAID_STATUSES):
            if orders.document_for(status) is DocumentType.SALES_RECEIPT:
                out.append(
                    f"orders.document_by_payment_status.{status}: a sales receipt records a paid sale; "
                    f"unpaid Stores orders need 'invoice' (set document_by_payment_status.{status} = 'invoice')"
                )
                break
    return out


def _items_rules(items: Items) -> list[str]:
    out: list[str] = []
    kind = items.new_item_type
    if items.income_account is None:
        out.append("items.income_account: required when items.allow_create is true")
    if kind in (ItemType.INVENTORY, ItemType.NON_INVENTORY) and items.expense_account is None:
        label = "COGS" if kind is ItemType.INVENTORY else "expense"
        out.append(f"items.expense_account: required ({label} account) for new {kind.value} items")
    if kind is ItemType.INVENTORY and items.asset_account is None:
        out.append("items.asset_account: required (inventory asset account) for new inventory items")
    return out


def _taxes_rules(taxes: Taxes) -> list[str]:
    out: list[str] = []
    seen: dict[tuple[str, Decimal], int] = {}
    for i, m in enumerate(taxes.mappings):
        key = (m.name.strip().lower(), m.rate.normalize())
        if key in seen:
            out.append(
                f"taxes.mappings.{i}: {m.name!r} at {m.rate} is already mapped by taxes.mappings.{seen[key]}"
            )
        seen[key] = i
    return out


def validate_data(data: dict[str, Any], *, today: dt.date | None = None) -> tuple[Config | None, list[str]]:
    """Validate raw config data; return the config (when valid) and every problem found.

    Each problem reads ``path: message`` (``orders.prefix: ...``).
    """
    problems: list[str] = []
    if not isinstance(data, dict):
        return None, ["(top): the configuration must be a table of sections"]
    for key in data:
        if key not in SECTIONS:
            problems.append(f"{key}: unknown section (known: {', '.join(SECTIONS)})")
    parsed: dict[str, Any] = {}
    for name, model in SECTIONS.items():
        raw = data.get(name, {})
        try:
            parsed[name] = model.model_validate(raw)
        except ValidationError as exc:
            problems += [_format_error(name, e) for e in exc.errors()]
    problems += rule_problems(parsed, today=today)
    if problems:
        return None, problems
    return Config(**parsed), []


def check(config: Config, *, today: dt.date | None = None) -> list[str]:
    """Every problem of an already-built ``config`` (for the wizard, before it saves)."""
    _, problems = validate_data(config.to_data(), today=today)
    return problems


def today_in(time_zone: str, now: dt.datetime) -> dt.date:
    """The date of ``now`` (aware) in ``time_zone``."""
    return now.astimezone(ZoneInfo(time_zone)).date()


def require_valid(data: dict[str, Any], *, today: dt.date | None = None, source: str = "config") -> Config:
    """Return the config or raise :class:`ConfigError` listing every problem."""
    config, problems = validate_data(data, today=today)
    if config is None:
        raise ConfigError(f"{source} has {len(problems)} problem(s):", problems)
    return config
