"""``QboSnapshot``: the QBO company as the mapping sees it, built once per run from QBO JSON.

Everything the mapping needs to know about QBO comes in through this value, with lookups
precomputed (items by lower-cased Name and Sku, customers by DisplayName and email, tax codes with
their rates) so planning thousands of orders never scans a list.

Two behaviours QBO does not publish per company are inputs here: ``tax_rounding`` (``"line"``: QBO
rounds each line's tax and sums, ``"total"``: it rounds each rate's tax on the summed base) and
``honours_tax_override`` (whether QBO keeps the per-rate TaxLine / TotalTax amounts we send).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any, Literal, TypeVar

from pydantic import BaseModel

from wixqb_nb.models.qbo import (
    Account,
    Class,
    CompanyInfo,
    Customer,
    Department,
    Item,
    PaymentMethod,
    Preferences,
    TaxCode,
    TaxRate,
)

TaxRounding = Literal["line", "total"]
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class RateInfo:
    """A QBO sales tax rate: id, name and percent (``9.975``)."""

    id: str
    name: str
    percent: Decimal

    @cached_property
    def fraction(self) -> Decimal:
        """The rate as a fraction (``0.09975``)."""
        return self.percent / 100


@dataclass(frozen=True)
class TaxCodeInfo:
    """A QBO tax code with the sales rates it applies, in tax order."""

    id: str
    name: str
    rates: tuple[RateInfo, ...]

    @cached_property
    def percent(self) -> Decimal:
        """Sum of the code's rates in percent."""
        return sum((r.percent for r in self.rates), Decimal(0))


@dataclass(frozen=True)
class QboSnapshot:
    """Reference data of one QBO company (see the module docstring)."""

    realm_id: str = ""
    country: str = ""
    automated_sales_tax: bool = False
    custom_txn_numbers: bool = True
    multicurrency: bool = False
    home_currency: str = ""
    tax_rounding: TaxRounding = "line"
    honours_tax_override: bool = True
    default_customer_message: str | None = None
    items_by_name: Mapping[str, Item] = field(default_factory=dict)
    items_by_sku: Mapping[str, Item] = field(default_factory=dict)
    customers_by_name: Mapping[str, Customer] = field(default_factory=dict)
    customers_by_email: Mapping[str, tuple[Customer, ...]] = field(default_factory=dict)
    reserved_names: frozenset[str] = frozenset()
    tax_codes: Mapping[str, TaxCodeInfo] = field(default_factory=dict)
    accounts: Mapping[str, Account] = field(default_factory=dict)
    classes: Mapping[str, Class] = field(default_factory=dict)
    departments: Mapping[str, Department] = field(default_factory=dict)
    payment_methods: Mapping[str, PaymentMethod] = field(default_factory=dict)

    @cached_property
    def is_us(self) -> bool:
        """US tax model (TAX/NON line codes and one TotalTax)."""
        return self.country.upper() in ("US", "USA")

    @classmethod
    def from_entities(
        cls,
        entities: Mapping[str, Iterable[Any]],
        *,
        preferences: Mapping[str, Any] | Preferences | None = None,
        company_info: Mapping[str, Any] | CompanyInfo | None = None,
        realm_id: str = "",
        tax_rounding: TaxRounding = "line",
        honours_tax_override: bool = True,
        reserved_names: Iterable[str] = (),
    ) -> QboSnapshot:
        """Build a snapshot from QBO JSON (dicts as QBO sends them, or models).

        Parameters
        ----------
        entities
            ``{"Item": [...], "Customer": [...], "TaxCode": [...], "TaxRate": [...], "Account": [...],
            "Class": [...], "Department": [...], "PaymentMethod": [...]}``; missing keys are empty.
            Inactive objects are left out.
        preferences, company_info
            QBO Preferences and CompanyInfo (country, AST, custom numbers, currencies).
        tax_rounding, honours_tax_override
            How this company's QBO computes tax (see the module docstring).
        reserved_names
            Vendor and employee display names (they share the namespace with customers).
        """
        prefs = _one(Preferences, preferences) or Preferences()
        info = _one(CompanyInfo, company_info) or CompanyInfo()
        items = _active(Item, entities.get("Item", ()))
        customers = _active(Customer, entities.get("Customer", ()))
        rates = {r.id: r for r in _active(TaxRate, entities.get("TaxRate", ())) if r.id}
        by_email: dict[str, list[Customer]] = {}
        for c in customers:
            if c.email:
                by_email.setdefault(c.email, []).append(c)
        return cls(
            realm_id=realm_id,
            country=(info.country or "").upper(),
            automated_sales_tax=prefs.partner_tax_enabled,
            custom_txn_numbers=prefs.custom_txn_numbers,
            multicurrency=prefs.multi_currency_enabled,
            home_currency=prefs.home_currency or "",
            tax_rounding=tax_rounding,
            honours_tax_override=honours_tax_override,
            default_customer_message=prefs.default_customer_message,
            items_by_name={i.name.strip().lower(): i for i in items if i.name},
            items_by_sku={i.sku.strip().lower(): i for i in items if i.sku and i.sku.strip()},
            customers_by_name={c.display_name.strip().lower(): c for c in customers if c.display_name},
            customers_by_email={k: tuple(v) for k, v in by_email.items()},
            reserved_names=frozenset(n.strip().lower() for n in reserved_names),
            tax_codes={
                tc.id: _code_info(tc, rates) for tc in _active(TaxCode, entities.get("TaxCode", ())) if tc.id
            },
            accounts=_by_id(_active(Account, entities.get("Account", ()))),
            classes=_by_id(_active(Class, entities.get("Class", ()))),
            departments=_by_id(_active(Department, entities.get("Department", ()))),
            payment_methods=_by_id(_active(PaymentMethod, entities.get("PaymentMethod", ()))),
        )

    def name_taken(self, name: str) -> bool:
        """Whether a customer, vendor or employee already uses ``name`` (case-insensitive)."""
        key = name.strip().lower()
        return key in self.customers_by_name or key in self.reserved_names


def _one(model: type[M], value: Any) -> M | None:
    if value is None:
        return None
    return value if isinstance(value, model) else model.model_validate(value)


def _active(model: type[M], values: Iterable[Any]) -> list[M]:
    out = [v if isinstance(v, model) else model.model_validate(v) for v in values]
    return [v for v in out if getattr(v, "active", None) is not False]


def _by_id(values: list[Any]) -> dict[str, Any]:
    return {v.id: v for v in values if v.id}


def _code_info(code: TaxCode, rates: Mapping[str, TaxRate]) -> TaxCodeInfo:
    infos = []
    for rid in code.sales_rate_ids:
        rate = rates.get(rid)
        if rate is not None and rate.rate_value is not None:
            infos.append(RateInfo(id=rid, name=rate.name, percent=rate.rate_value))
    return TaxCodeInfo(id=code.id or "", name=code.name, rates=tuple(infos))
