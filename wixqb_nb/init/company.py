"""The QBO company as the wizard and ``wixqb init`` see it: reference lists and dropdown options.

:class:`CompanyData` holds the entities read once from QBO (accounts, tax codes and rates, items,
classes, locations, payment methods, preferences, company info) as the tolerant models of
:mod:`wixqb_nb.models.qbo`. It answers the questions a form asks: which accounts may go in this
field (:data:`ACCOUNT_TYPES`), what is the combined rate of this tax code, which item has this
name or SKU. It does no I/O: build it from QBO JSON with :meth:`CompanyData.from_entities`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from wixqb_nb.config import QboRef
from wixqb_nb.models import qbo

#: The QBO account types each account field of the config accepts (QBO ``AccountType`` values).
ACCOUNT_TYPES: dict[str, tuple[str, ...]] = {
    "items.income_account": ("Income", "Other Income"),
    "items.expense_account": ("Cost of Goods Sold", "Expense", "Other Expense"),
    "items.asset_account": ("Other Current Asset",),
    "refunds.refund_from_account": ("Bank", "Other Current Asset", "Credit Card"),
    "payments.default_deposit_account": ("Bank", "Other Current Asset"),
    "payments.methods.deposit_account": ("Bank", "Other Current Asset"),
    "payments.gift_card_account": ("Other Current Liability", "Other Current Asset", "Bank"),
}

_HUNDRED = Decimal(100)


@dataclass(frozen=True)
class TaxCodeOption:
    """A sales tax code with its rates: what a tax dropdown shows and what matching compares.

    ``rate`` is the sum of the code's sales rates as a fraction (GST 5 % + QST 9.975 % gives
    ``0.14975``); ``rate_names`` are the rates' names in ``TaxOrder``.
    """

    id: str
    name: str
    rate: Decimal
    rate_names: tuple[str, ...]

    @property
    def label(self) -> str:
        """``"GST/QST QC (14.975%)"``."""
        percent = (self.rate * _HUNDRED).normalize()
        return f"{self.name} ({percent:f}%)"

    def ref(self) -> QboRef:
        """The config reference to this code."""
        return QboRef(id=self.id, name=self.name)


@dataclass(frozen=True)
class CompanyData:
    """The reference data of one QBO company (read-only snapshot for forms and suggestions)."""

    accounts: tuple[qbo.Account, ...] = ()
    tax_codes: tuple[qbo.TaxCode, ...] = ()
    tax_rates: tuple[qbo.TaxRate, ...] = ()
    items: tuple[qbo.Item, ...] = ()
    classes: tuple[qbo.Class, ...] = ()
    departments: tuple[qbo.Department, ...] = ()
    payment_methods: tuple[qbo.PaymentMethod, ...] = ()
    preferences: qbo.Preferences = field(default_factory=qbo.Preferences)
    company_info: qbo.CompanyInfo = field(default_factory=qbo.CompanyInfo)

    @classmethod
    def from_entities(
        cls,
        entities: Mapping[str, Iterable[Mapping[str, Any]]],
        *,
        preferences: Mapping[str, Any] | None = None,
        company_info: Mapping[str, Any] | None = None,
    ) -> CompanyData:
        """Build from QBO JSON lists keyed by entity name (``{"Account": [...], "TaxCode": [...]}``).

        Inactive entities are dropped: nothing should be suggested or offered that QBO would
        refuse (fault 610/2500).
        """

        def active(name: str, model: Any) -> tuple[Any, ...]:
            out = [model.model_validate(dict(e)) for e in entities.get(name, ())]
            return tuple(e for e in out if e.active is not False)

        return cls(
            accounts=active("Account", qbo.Account),
            tax_codes=active("TaxCode", qbo.TaxCode),
            tax_rates=active("TaxRate", qbo.TaxRate),
            items=active("Item", qbo.Item),
            classes=active("Class", qbo.Class),
            departments=active("Department", qbo.Department),
            payment_methods=active("PaymentMethod", qbo.PaymentMethod),
            preferences=qbo.Preferences.model_validate(dict(preferences or {})),
            company_info=qbo.CompanyInfo.model_validate(dict(company_info or {})),
        )

    # --- questions a form asks --------------------------------------------------------------

    @property
    def is_us(self) -> bool:
        """The US tax model (TAX/NON line codes, automated sales tax)."""
        return (self.company_info.country or "").upper() == "US" or self.preferences.partner_tax_enabled

    def accounts_for(self, path: str) -> list[qbo.Account]:
        """Accounts allowed in config field ``path`` (``items.income_account``), by name.

        A path without a type rule (or an unknown one) gets every account.
        """
        key = _field_key(path)
        allowed = ACCOUNT_TYPES.get(key)
        out = [a for a in self.accounts if allowed is None or a.account_type in allowed]
        return sorted(out, key=lambda a: (a.fully_qualified_name or a.name).lower())

    def tax_code_options(self) -> list[TaxCodeOption]:
        """Every sales tax code with its combined rate (codes without sales rates count as 0 %)."""
        rates = {r.id: r for r in self.tax_rates if r.id is not None}
        out: list[TaxCodeOption] = []
        for code in self.tax_codes:
            if code.id is None:
                continue
            found = [rates[i] for i in code.sales_rate_ids if i in rates]
            total = sum(((r.rate_value or Decimal(0)) / _HUNDRED for r in found), Decimal(0))
            out.append(TaxCodeOption(code.id, code.name, total.normalize(), tuple(r.name for r in found)))
        return out

    def item_by_name(self, name: str) -> qbo.Item | None:
        """The item whose Name equals ``name`` (QBO names are unique, compared case-insensitively)."""
        wanted = name.strip().lower()
        return next((i for i in self.items if i.name.strip().lower() == wanted), None)

    def item_by_sku(self, sku: str) -> qbo.Item | None:
        """The item whose Sku equals ``sku``."""
        wanted = sku.strip().lower()
        return next((i for i in self.items if (i.sku or "").strip().lower() == wanted), None)

    def find_item(self, sku: str, match_by: str) -> qbo.Item | None:
        """The item a Wix SKU finds under ``matching.match_by`` (``name`` or ``sku``)."""
        return self.item_by_sku(sku) if match_by == "sku" else self.item_by_name(sku)


def ref_of(entity: Any) -> QboRef:
    """The config reference ``{id, name}`` of a QBO entity model."""
    name = getattr(entity, "fully_qualified_name", None) or getattr(entity, "name", "") or ""
    return QboRef(id=str(entity.id), name=name)


def _field_key(path: str) -> str:
    """``payments.methods.2.deposit_account`` -> ``payments.methods.deposit_account``."""
    return ".".join(p for p in path.split(".") if not p.isdigit())
