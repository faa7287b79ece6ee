"""Suggest a configuration from what the QBO company holds and what the Wix store sold.

One pure function, :func:`suggest`, shared by ``wixqb init`` (which writes the suggestion as is)
and the wizard (which shows it for the user to confirm). It matches:

- each Wix tax seen on the orders (its names joined with `` + `` and its combined rate, see
  :func:`wix_taxes`) to the QBO tax code whose sales rates add up to the same rate, preferring a
  code whose rate names echo the Wix names (GST + QST -> "GST/QST QC");
- accounts by type and name (income, COGS, inventory asset, clearing accounts per gateway);
- the special items (rounding, discount, shipping) by name, in English or French;
- each Wix payment method to a QBO payment method and clearing account;
- item matching by whichever of Name or Sku finds more of the store's SKUs, listing the rest.

No I/O and no clock: orders, transactions and the company come in as values.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from wixqb_nb.config import Config, DocumentType, PaymentStatus, QboRef, WixModule, validate_data
from wixqb_nb.init.company import CompanyData, TaxCodeOption, ref_of
from wixqb_nb.mapping.sale import collect_charges
from wixqb_nb.models.wix import Order, OrderTransactions

ZERO = Decimal(0)
#: Every status but PENDING: a pending payment is not money received yet, and Wix already counts it
#: against the balance; the order syncs once its payment settles (its updatedDate moves).
SYNCED_STATUSES: tuple[PaymentStatus, ...] = (
    "PAID",
    "PARTIALLY_PAID",
    "NOT_PAID",
    "PARTIALLY_REFUNDED",
    "FULLY_REFUNDED",
)
_UNPAID: tuple[PaymentStatus, ...] = ("NOT_PAID", "PARTIALLY_PAID", "PENDING")

#: Names QBO companies give the special items, English and French.
_ITEM_WORDS = {
    "rounding_item": ("rounding", "arrondi"),
    "discount_item": ("discount", "rabais", "escompte", "remise"),
    "shipping_item": ("shipping", "livraison", "expédition", "expedition"),
}
#: What a Wix payment method is called in QBO companies.
_METHOD_WORDS = {
    "creditcard": ("credit card", "carte de crédit", "carte", "visa", "card"),
    "cash": ("cash", "comptant", "espèces"),
    "offline": ("cheque", "check", "offline", "hors ligne"),
}
#: The clearing account of the card gateway Wix calls "CreditCard".
_CARD_GATEWAY = ("wix payments", "paiements wix", "wix")
#: Province / state -> IANA zone, for a default account time zone.
_ZONES = {
    "QC": "America/Toronto",
    "ON": "America/Toronto",
    "NB": "America/Moncton",
    "NS": "America/Halifax",
    "PE": "America/Halifax",
    "NL": "America/St_Johns",
    "MB": "America/Winnipeg",
    "SK": "America/Regina",
    "AB": "America/Edmonton",
    "BC": "America/Vancouver",
    "NY": "America/New_York",
    "CA": "America/Los_Angeles",
    "TX": "America/Chicago",
    "IL": "America/Chicago",
    "WA": "America/Los_Angeles",
    "FL": "America/New_York",
}


@dataclass(frozen=True)
class WixTax:
    """A tax as Wix applies it to a line: ``name`` ("GST + QST"), combined ``rate`` (0.14975)."""

    name: str
    rate: Decimal
    lines: int = 0


@dataclass(frozen=True)
class TaxSuggestion:
    """A Wix tax and the QBO code suggested for it (``None``: nothing in QBO has that rate)."""

    wix: WixTax
    code: TaxCodeOption | None
    candidates: tuple[TaxCodeOption, ...] = ()


@dataclass(frozen=True)
class SkuStatus:
    """A Wix SKU sold in the store and the QBO item it finds (``None``: unmatched)."""

    sku: str
    product_name: str
    lines: int
    item: QboRef | None


@dataclass(frozen=True)
class Suggestion:
    """A suggested configuration (``data``, ready for :func:`wixqb_nb.config.validate_data`) and why."""

    data: dict[str, Any]
    taxes: tuple[TaxSuggestion, ...] = ()
    skus: tuple[SkuStatus, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def unmatched_skus(self) -> tuple[SkuStatus, ...]:
        """SKUs no QBO item matches (the wizard offers "create item" or "map to")."""
        return tuple(s for s in self.skus if s.item is None)

    def config(self, *, today: dt.date | None = None) -> Config:
        """The suggestion as a validated :class:`Config`.

        Raises
        ------
        ConfigError
            When the company lacks something a valid config needs (the problems say what).
        """
        from wixqb_nb.config import require_valid

        return require_valid(self.data, today=today, source="suggested config")

    def problems(self, *, today: dt.date | None = None) -> list[str]:
        """What still has to be filled in by hand (empty when the suggestion is complete)."""
        return validate_data(self.data, today=today)[1]


# --- Wix side ------------------------------------------------------------------------------------


def wix_taxes(orders: Iterable[Order]) -> list[WixTax]:
    """Every distinct taxed Wix charge (lines, shipping, fees) with its count, most used first.

    A charge's tax is read exactly as the mapping reads it (:func:`wixqb_nb.mapping.sale.collect_charges`):
    its breakdown names joined with " + " (``"Tax"`` when Wix gave none) and its combined rate.
    Charges taxed without a rate cannot be matched by rate and are left out.
    """
    counts: Counter[tuple[str, Decimal]] = Counter()
    for order in orders:
        for charge in collect_charges(order):
            tax = charge.tax
            if tax.rate is None or tax.rate == 0:
                continue
            counts[(tax.name or "Tax", tax.rate.normalize())] += 1
    return [WixTax(n, r, c) for (n, r), c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def match_tax(tax: WixTax, options: Sequence[TaxCodeOption]) -> TaxSuggestion:
    """The QBO code for ``tax``: same combined rate, then the most Wix names found in the code."""
    same = [o for o in options if o.rate == tax.rate and o.rate_names]
    words = [w.lower() for w in re.split(r"\s*\+\s*", tax.name) if w]

    def score(o: TaxCodeOption) -> tuple[int, int, str]:
        text = (o.name + " " + " ".join(o.rate_names)).lower()
        hits = sum(1 for w in words if w in text)
        return (-hits, abs(len(o.rate_names) - len(words)), o.name)

    ranked = tuple(sorted(same, key=score))
    return TaxSuggestion(tax, ranked[0] if ranked else None, ranked)


def _skus(orders: Iterable[Order]) -> dict[str, tuple[str, int]]:
    found: dict[str, tuple[str, int]] = {}
    for order in orders:
        for line in order.line_items:
            if line.sku:
                name, n = found.get(line.sku, (line.name, 0))
                found[line.sku] = (name, n + 1)
    return found


# --- QBO side ------------------------------------------------------------------------------------


def _norm(text: str) -> str:
    return re.sub(r"[^0-9a-zà-ÿ ]+", " ", text.lower()).strip()


def _named(entities: Iterable[Any], words: Iterable[str]) -> Any | None:
    """The first entity whose name contains one of ``words`` (in the order the words are given)."""
    pool = list(entities)
    for word in words:
        for e in pool:
            if _norm(word) in _norm(getattr(e, "fully_qualified_name", None) or e.name):
                return e
    return None


def _account(
    company: CompanyData, path: str, *, subtypes: Sequence[str] = (), words: Sequence[str] = ()
) -> Any:
    pool = company.accounts_for(path)
    for sub in subtypes:
        hit = next((a for a in pool if a.account_sub_type == sub), None)
        if hit is not None:
            return hit
    return _named(pool, words)


def _ref(entity: Any | None) -> dict[str, str] | None:
    return ref_of(entity).model_dump() if entity is not None else None


def _time_zone(company: CompanyData) -> str:
    addr = company.company_info.company_addr
    code = (addr.country_sub_division_code or "").upper() if addr else ""
    return _ZONES.get(code, "America/Toronto" if (company.company_info.country or "") == "CA" else "UTC")


def _payment_methods(
    company: CompanyData, transactions: Iterable[OrderTransactions]
) -> tuple[list[dict[str, Any]], Any | None]:
    """Per Wix method: QBO payment method and clearing account; and the gift-card account."""
    seen: Counter[str] = Counter()
    for tx in transactions:
        for p in tx.payments:
            seen[p.method] += 1
    methods: list[dict[str, Any]] = []
    gift = _account(
        company, "payments.gift_card_account", words=("gift card", "carte-cadeau", "cadeau", "gift")
    )
    for method in sorted(seen):
        if method in ("GiftCard", "Membership", "Unknown"):
            continue
        key = method.lower()
        qbo_method = _named(company.payment_methods, (method, *_METHOD_WORDS.get(key, ())))
        words = _CARD_GATEWAY if key == "creditcard" else (method,)
        account = _named(company.accounts_for("payments.methods.deposit_account"), words)
        entry: dict[str, Any] = {"wix_method": method}
        if account is not None:
            entry["deposit_account"] = _ref(account)
        if qbo_method is not None:
            entry["qbo_payment_method"] = _ref(qbo_method)
        methods.append(entry)
    return methods, gift


# --- the suggestion --------------------------------------------------------------------------------


def suggest(
    company: CompanyData,
    orders: Sequence[Order],
    transactions: Iterable[OrderTransactions] = (),
    *,
    connection: dict[str, Any] | None = None,
    time_zone: str | None = None,
    language: str = "en",
) -> Suggestion:
    """Suggest a whole configuration for syncing ``orders`` into ``company``.

    Parameters
    ----------
    company
        The QBO company's reference data.
    orders, transactions
        The Wix store (or a sample of it): taxes, SKUs and payment methods are read from them;
        the start date is the day of the first order in the account time zone.
    connection
        The ``[connection]`` section to write (site id, realm id, URLs, token file).
    time_zone
        The account time zone; by default guessed from the company address.
    language
        Report and wizard language (``en`` or ``fr``).

    Returns
    -------
    Suggestion
        The config data plus the tax matches, the SKU matches and notes on what was guessed.
    """
    tz = time_zone or _time_zone(company)
    notes: list[str] = []
    sections: dict[str, Any] = {
        "connection": dict(connection or {}),
        "general": {"time_zone": tz, "language": language},
        "orders": _orders_section(),
        "schedule": {"automatic": True, "interval_minutes": 60},
    }
    first = min((o.created_date for o in orders if o.created_date is not None), default=None)
    if first is not None:
        sections["general"]["start_date"] = first.astimezone(ZoneInfo(tz)).date()
    else:
        notes.append("general.start_date: no order found; set the integration start date by hand")

    skus = _skus(orders)
    by_name = sum(1 for s in skus if company.item_by_name(s))
    by_sku = sum(1 for s in skus if company.item_by_sku(s))
    match_by = "sku" if by_sku > by_name else "name"
    sections["matching"] = {"match_by": match_by}
    sku_status = tuple(
        SkuStatus(s, name, n, ref_of(hit) if (hit := company.find_item(s, match_by)) else None)
        for s, (name, n) in sorted(skus.items())
    )

    sections["advanced"] = _advanced_section(company)
    sections["items"] = _items_section(company)
    tax_matches = tuple(match_tax(t, company.tax_code_options()) for t in wix_taxes(orders))
    sections["taxes"] = _taxes_section(company, tax_matches, notes)
    methods, gift = _payment_methods(company, transactions)
    clearing = _account(
        company,
        "payments.default_deposit_account",
        subtypes=("UndepositedFunds",),
        words=("undeposited", "fonds non déposés"),
    )
    sections["payments"] = {"enabled": True, "methods": methods}
    if clearing is not None:
        sections["payments"]["default_deposit_account"] = _ref(clearing)
    if gift is not None:
        sections["payments"]["gift_card_account"] = _ref(gift)
    refund_from = _named(company.accounts_for("refunds.refund_from_account"), _CARD_GATEWAY) or clearing
    sections["refunds"] = {"enabled": True, "document": "refund_receipt", "prefix": "C"}
    if refund_from is not None:
        sections["refunds"]["refund_from_account"] = _ref(refund_from)
    return Suggestion(_drop_none(sections), tax_matches, sku_status, tuple(notes))


def _orders_section() -> dict[str, Any]:
    return {
        "modules": [m.value for m in WixModule],
        "payment_statuses": list(SYNCED_STATUSES),
        "unpaid_stores_orders": True,
        "document_type": DocumentType.SALES_RECEIPT.value,
        "document_by_payment_status": {s: DocumentType.INVOICE.value for s in _UNPAID},
    }


def _advanced_section(company: CompanyData) -> dict[str, Any]:
    items = {key: _named(company.items, words) for key, words in _ITEM_WORDS.items()}
    out: dict[str, Any] = {"order_prefix": "WX", "order_separator": "-", "customer_mode": "original"}
    out.update({k: _ref(v) for k, v in items.items()})
    out["rounding_max"] = "0.05" if items["rounding_item"] is not None else "0"
    return out


def _items_section(company: CompanyData) -> dict[str, Any]:
    income = _account(
        company, "items.income_account", subtypes=("SalesOfProductIncome",), words=("sales", "ventes")
    )
    cogs = _account(
        company,
        "items.expense_account",
        subtypes=("SuppliesMaterialsCogs", "CostOfLaborCos"),
        words=("cost of goods", "coût des marchandises", "cogs"),
    )
    asset = _account(company, "items.asset_account", subtypes=("Inventory",), words=("inventory", "stock"))
    return {
        "allow_create": True,
        "new_item_type": "non_inventory",
        "income_account": _ref(income),
        "expense_account": _ref(cogs),
        "asset_account": _ref(asset),
    }


def _taxes_section(
    company: CompanyData, matches: Sequence[TaxSuggestion], notes: list[str]
) -> dict[str, Any]:
    if company.is_us:
        # US lines carry the pseudo codes TAX/NON; every Wix tax maps to TAX.
        maps = [
            {"name": m.wix.name, "rate": str(m.wix.rate), "qbo_tax_code": {"id": "TAX", "name": "TAX"}}
            for m in matches
        ]
        return {"mappings": maps, "untaxed_code": {"id": "NON", "name": "NON"}}
    maps = []
    named = {(m.wix.rate, m.code.id) for m in matches if m.code is not None and m.wix.name != "Tax"}
    for m in matches:
        if m.code is not None and m.wix.name == "Tax" and (m.wix.rate, m.code.id) in named:
            continue  # an unnamed Wix tax at a rate a named mapping already sends to the same code
        if m.code is None:
            notes.append(
                f"taxes: no QBO tax code adds up to {m.wix.rate} for Wix tax {m.wix.name!r}; map it by hand"
            )
            continue
        maps.append({"name": m.wix.name, "rate": str(m.wix.rate), "qbo_tax_code": m.code.ref().model_dump()})
    zero = [o for o in company.tax_code_options() if o.rate == 0]
    untaxed = _named(zero, ("exempt", "exonéré", "zero", "détaxé")) or (zero[0] if zero else None)
    out: dict[str, Any] = {"mappings": maps}
    if untaxed is not None:
        out["untaxed_code"] = untaxed.ref().model_dump()
    return out


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    return value


__all__ = [
    "Suggestion",
    "SkuStatus",
    "TaxSuggestion",
    "WixTax",
    "match_tax",
    "suggest",
    "wix_taxes",
]
