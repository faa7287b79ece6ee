"""What each writable entity must satisfy before it is stored, and what QBO fills in.

Each ``prepare_*`` takes the incoming document (after sparse merging) and returns the document to
store; it raises the QBO fault for the first broken rule. Indexes, ids, SyncToken and MetaData
are the company's job (:mod:`.company`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from wixqb_nb.sandbox.qbo import faults, rules, totals
from wixqb_nb.sandbox.qbo.tax import cents

if TYPE_CHECKING:
    from wixqb_nb.sandbox.qbo.company import QboCompany

SALES_TYPES = ("Invoice", "SalesReceipt", "CreditMemo", "RefundReceipt")
ZERO = Decimal(0)


@dataclass
class Prepared:
    """A document ready to store, plus the links it makes to other transactions."""

    doc: dict[str, Any]
    applications: dict[str, Decimal] = field(default_factory=dict)  # "Invoice:12" -> amount
    deposits: set[str] = field(default_factory=set)  # "Payment:40"
    tax_override: bool = False


def _ref(company: QboCompany, doc: dict[str, Any], key: str, entity: str) -> dict[str, Any] | None:
    value = rules.ref_value(doc, key)
    return None if value is None else company.resolve(entity, value, key)


def today(company: QboCompany) -> str:
    return datetime.fromtimestamp(company.clock(), tz=UTC).date().isoformat()


def _default_txn_date(company: QboCompany, doc: dict[str, Any]) -> None:
    """A missing, null or empty TxnDate means today, as in QBO.

    QBO reads an empty string like an absent field; client libraries rely on that (python-quickbooks
    sends ``"TxnDate": ""`` for every transaction whose date the caller did not set).
    """
    if doc.get("TxnDate") in (None, ""):
        doc["TxnDate"] = today(company)


def _txn_header(company: QboCompany, doc: dict[str, Any]) -> dict[str, Any] | None:
    """Checks shared by every transaction; returns the customer when there is one."""
    _default_txn_date(company, doc)
    rules.parse_date(doc["TxnDate"], "TxnDate")
    rules.check_close_date(doc["TxnDate"], company.close_date)
    rules.check_lengths(doc, rules.TXN_LIMITS)
    memo = doc.get("CustomerMemo")
    if isinstance(memo, dict) and isinstance(memo.get("value"), str) and len(memo["value"]) > 1000:
        raise faults.string_length("CustomerMemo", 1000, len(memo["value"]))
    for key in ("BillAddr", "ShipAddr"):
        rules.check_address(doc, key)
    customer = _ref(company, doc, "CustomerRef", "Customer")
    _ref(company, doc, "DepartmentRef", "Department")
    _ref(company, doc, "PaymentMethodRef", "PaymentMethod")
    _ref(company, doc, "DepositToAccountRef", "Account")
    _ref(company, doc, "ClassRef", "Class")
    return customer


def _currency(company: QboCompany, doc: dict[str, Any], customer: dict[str, Any] | None) -> Decimal:
    """Set CurrencyRef/ExchangeRate under multicurrency; returns the rate to home currency."""
    home = company.home_currency
    customer_cur = rules.ref_value(customer, "CurrencyRef") if customer else None
    currency = rules.ref_value(doc, "CurrencyRef") or customer_cur or home
    if currency != home and not company.multicurrency:
        raise faults.business(
            f"Multicurrency is not enabled: the transaction must be in {home}", "CurrencyRef"
        )
    if customer is not None and currency != (customer_cur or home):
        raise faults.business(
            f"The transaction currency {currency} must match the customer's currency {customer_cur or home}",
            "CurrencyRef",
        )
    if not company.multicurrency:
        return Decimal(1)
    rate = rules.opt_dec(doc, "ExchangeRate", "ExchangeRate")
    if rate is None:
        rate = Decimal(1) if currency == home else Decimal(str(company.exchange_rates.get(currency, "1")))
    if currency == home:
        rate = Decimal(1)
    doc["CurrencyRef"] = {"value": currency}
    doc["ExchangeRate"] = rate
    return rate


def prepare_sales(company: QboCompany, kind: str, doc: dict[str, Any], *, tax_override: bool) -> Prepared:
    customer = _txn_header(company, doc)
    if kind == "Invoice" and customer is None:
        raise faults.required("CustomerRef")
    lines = doc.get("Line")
    if not isinstance(lines, list) or not lines:
        raise faults.required("Line")
    term = _ref(company, doc, "SalesTermRef", "Term")
    rate = _currency(company, doc, customer)
    out, overridden = totals.compute(doc, company, tax_override=tax_override)
    if kind == "Invoice":
        if not out.get("DueDate"):
            due = datetime.fromisoformat(out["TxnDate"][:10]) + timedelta(
                days=int((term or {}).get("DueDays", 0))
            )
            out["DueDate"] = due.date().isoformat()
        if customer is not None:
            for key in ("BillAddr", "ShipAddr"):
                if not out.get(key) and isinstance(customer.get(key), dict):
                    out[key] = dict(customer[key])
    if company.multicurrency:
        out["HomeTotalAmt"] = cents(out["TotalAmt"] * rate)
    out.setdefault("ApplyTaxAfterDiscount", False)
    if not company.is_us:
        out.setdefault("GlobalTaxCalculation", "TaxExcluded")
    return Prepared(out, tax_override=overridden)


def prepare_payment(company: QboCompany, doc: dict[str, Any], own_id: str | None) -> Prepared:
    customer = _txn_header(company, doc)
    if customer is None:
        raise faults.required("CustomerRef")
    if doc.get("TotalAmt") is None:
        raise faults.required("TotalAmt")
    total = cents(rules.dec(doc["TotalAmt"], "TotalAmt"))
    if total < 0:
        raise faults.business("The payment amount cannot be negative", "TotalAmt")
    _ref(company, doc, "ARAccountRef", "Account")
    if not doc.get("DepositToAccountRef") and company.undeposited_funds:
        doc["DepositToAccountRef"] = {"value": company.undeposited_funds}
    _currency(company, doc, customer)
    applications: dict[str, Decimal] = {}
    raw_lines = doc.get("Line")
    out_lines = []
    for position, raw in enumerate(raw_lines if isinstance(raw_lines, list) else [], 1):
        line = dict(raw)
        amount = cents(rules.dec(line.get("Amount"), "Line.Amount"))
        line["Amount"] = amount
        links = line.get("LinkedTxn")
        for link in links if isinstance(links, list) else []:
            txn_type, txn_id = str(link.get("TxnType", "")), str(link.get("TxnId", ""))
            if txn_type not in ("Invoice", "CreditMemo"):
                raise faults.validation(
                    "2010", "Invalid LinkedTxn", f"Line {position}: cannot link a {txn_type}", "LinkedTxn"
                )
            target = company.resolve(txn_type, txn_id, "Line.LinkedTxn.TxnId")
            if rules.ref_value(target, "CustomerRef") != rules.ref_value(doc, "CustomerRef"):
                raise faults.business(f"{txn_type} {txn_id} belongs to another customer", "Line.LinkedTxn")
            key = f"{txn_type}:{txn_id}"
            applications[key] = applications.get(key, ZERO) + amount
        out_lines.append(line)
    for key, amount in applications.items():
        open_balance = company.open_balance(key, exclude_payment=own_id)
        if amount > open_balance:
            raise faults.business(
                f"The amount applied to {key.replace(':', ' ')} ({amount}) exceeds its open balance ({open_balance})",
                "Line.Amount",
            )
    applied = sum((a for k, a in applications.items() if k.startswith("Invoice:")), ZERO) - sum(
        (a for k, a in applications.items() if k.startswith("CreditMemo:")), ZERO
    )
    if applied > total:
        raise faults.business(
            f"The amount received ({total}) must be at least the total applied ({applied})", "TotalAmt"
        )
    doc["Line"] = out_lines
    doc["TotalAmt"] = total
    doc["UnappliedAmt"] = total - applied
    return Prepared(doc, applications=applications)


def prepare_deposit(company: QboCompany, doc: dict[str, Any], own_id: str | None) -> Prepared:
    _default_txn_date(company, doc)
    rules.check_close_date(doc["TxnDate"], company.close_date)
    if not doc.get("DepositToAccountRef"):
        raise faults.required("DepositToAccountRef")
    _ref(company, doc, "DepositToAccountRef", "Account")
    lines = doc.get("Line")
    if not isinstance(lines, list) or not lines:
        raise faults.required("Line")
    deposits: set[str] = set()
    total = ZERO
    out_lines = []
    for raw in lines:
        line = dict(raw)
        amount = cents(rules.dec(line.get("Amount"), "Line.Amount"))
        line["Amount"] = amount
        total += amount
        for link in line.get("LinkedTxn") or []:
            txn_type, txn_id = str(link.get("TxnType", "")), str(link.get("TxnId", ""))
            if txn_type not in ("Payment", "SalesReceipt", "RefundReceipt"):
                raise faults.validation(
                    "2010", "Invalid LinkedTxn", f"cannot deposit a {txn_type}", "LinkedTxn"
                )
            company.resolve(txn_type, txn_id, "Line.LinkedTxn.TxnId")
            holder = company.deposited_in(f"{txn_type}:{txn_id}")
            if holder is not None and holder != own_id:
                raise faults.business(f"{txn_type} {txn_id} is already in deposit {holder}", "Line.LinkedTxn")
            deposits.add(f"{txn_type}:{txn_id}")
        detail = line.get("DepositLineDetail")
        if isinstance(detail, dict):
            _ref(company, detail, "AccountRef", "Account")
            _ref(company, detail, "PaymentMethodRef", "PaymentMethod")
            _ref(company, detail, "ClassRef", "Class")
        out_lines.append(line)
    doc["Line"] = out_lines
    doc["TotalAmt"] = cents(total)
    _currency(company, doc, None)
    return Prepared(doc, deposits=deposits)


def prepare_customer(company: QboCompany, doc: dict[str, Any], existing: dict[str, Any] | None) -> Prepared:
    if not doc.get("DisplayName"):
        if existing is not None and "DisplayName" in doc:
            raise faults.required("DisplayName", "DisplayName (it cannot be removed)")
        parts = [doc.get(k) for k in ("Title", "GivenName", "MiddleName", "FamilyName", "Suffix")]
        name = " ".join(str(p) for p in parts if p)
        if not name:
            raise faults.validation(
                "6080", "No name provided", "Provide a DisplayName or a name part", "DisplayName"
            )
        doc["DisplayName"] = name
    rules.check_name_chars(doc)
    rules.check_lengths(doc, rules.CUSTOMER_LIMITS)
    rules.check_email(doc, "PrimaryEmailAddr")
    for key in ("BillAddr", "ShipAddr"):
        rules.check_address(doc, key)
    _ref(company, doc, "ParentRef", "Customer")
    _ref(company, doc, "SalesTermRef", "Term")
    _ref(company, doc, "PaymentMethodRef", "PaymentMethod")
    currency = rules.ref_value(doc, "CurrencyRef") or company.home_currency
    if currency != company.home_currency and not company.multicurrency:
        raise faults.business("Multicurrency is not enabled", "CurrencyRef")
    if existing is not None:
        before = rules.ref_value(existing, "CurrencyRef") or company.home_currency
        if before != currency:
            raise faults.business("You can't change the currency of a customer once it is set", "CurrencyRef")
    if company.multicurrency:
        doc["CurrencyRef"] = {"value": currency}
    doc.setdefault("Active", True)
    doc.setdefault("Balance", ZERO)
    doc["FullyQualifiedName"] = doc["DisplayName"]
    return Prepared(doc)


ITEM_TYPES = ("Inventory", "NonInventory", "Service", "Group", "Category", "Bundle")


def prepare_item(company: QboCompany, doc: dict[str, Any], existing: dict[str, Any] | None) -> Prepared:
    if not doc.get("Name"):
        raise faults.required("Name")
    rules.check_name_chars(doc, ("Name",))
    rules.check_lengths(doc, rules.ITEM_LIMITS)
    kind = doc.setdefault("Type", "Service")
    if kind not in ITEM_TYPES:
        raise faults.validation("2170", "Invalid Enumeration", f"Invalid Item Type {kind!r}", "Type")
    if existing is not None and "Inventory" in (kind, existing.get("Type")) and kind != existing.get("Type"):
        raise faults.business("You can't change the type of an inventory item", "Type")
    if kind in ("Inventory", "NonInventory", "Service") and not doc.get("IncomeAccountRef"):
        raise faults.required("IncomeAccountRef")
    if kind == "Inventory":
        for key in ("AssetAccountRef", "InvStartDate", "QtyOnHand"):
            if doc.get(key) in (None, ""):
                raise faults.required(key)
    for key in ("IncomeAccountRef", "ExpenseAccountRef", "AssetAccountRef"):
        account = _ref(company, doc, key, "Account")
        if account is not None and account.get("AccountType") in ("Accounts Receivable", "Accounts Payable"):
            raise faults.validation(
                "6430", "Invalid account type", f"{key} cannot be an A/R or A/P account", key
            )
    for key, entity in (("SalesTaxCodeRef", "TaxCode"), ("ClassRef", "Class")):
        _ref(company, doc, key, entity)
    for key in ("UnitPrice", "PurchaseCost"):
        if doc.get(key) is not None:
            doc[key] = rules.dec(doc[key], key)
    doc.setdefault("Active", True)
    doc["FullyQualifiedName"] = doc["Name"]
    return Prepared(doc)
