"""Dropdown choices for the config's QBO references, from the company the wizard read.

Accounts are filtered to the types their field allows (:data:`wixqb_nb.init.company.ACCOUNT_TYPES`),
tax codes show their combined rate, and US companies get the pseudo codes TAX and NON.
"""

from __future__ import annotations

from wixqb_nb.init.company import ACCOUNT_TYPES, CompanyData
from wixqb_nb.ui.fields import Options

_ITEM_FIELDS = (
    "advanced.discount_item",
    "advanced.rounding_item",
    "advanced.shipping_item",
    "advanced.fees_item",
    "refunds.amount_item",
)
_TAX_FIELDS = ("taxes.untaxed_code", "taxes.mappings.qbo_tax_code")


def options_for(company: CompanyData | None, path: str) -> Options | None:
    """``(label, id, name)`` choices for reference field ``path``; None when nothing was read."""
    if company is None:
        return None
    if path in ACCOUNT_TYPES:
        return [
            (
                f"{a.fully_qualified_name or a.name} · {a.account_type}",
                str(a.id),
                a.fully_qualified_name or a.name,
            )
            for a in company.accounts_for(path)
        ]
    if path in _ITEM_FIELDS:
        return _named(company.items)
    if path == "advanced.default_class":
        return _named(company.classes)
    if path == "advanced.default_location":
        return _named(company.departments)
    if path == "payments.methods.qbo_payment_method":
        return _named(company.payment_methods)
    if path in _TAX_FIELDS:
        if company.is_us:
            return [("TAX", "TAX", "TAX"), ("NON", "NON", "NON")]
        return [
            (o.label, o.id, o.name) for o in sorted(company.tax_code_options(), key=lambda o: o.name.lower())
        ]
    return None


def _named(entities: tuple[object, ...]) -> Options:
    out = []
    for e in entities:
        name = str(getattr(e, "fully_qualified_name", None) or getattr(e, "name", ""))
        out.append((name, str(getattr(e, "id", "")), name))
    return sorted(out, key=lambda o: o[0].lower())
