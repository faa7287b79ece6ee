"""Customers and items: reuse what QBO has, plan what it lacks, or say precisely what is missing.

Names QBO stores are cleaned of ``:``, tab and newline (QBO rejects them) and cut to QBO's lengths;
when a name is cut, the full name is kept in ``Notes`` (customers) or ``Description`` (items).
New customers and items are remembered in a :class:`Pending` registry so that two orders of one
plan needing the same new customer create it once; the second depends on the first's write.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

from wixqb_nb.config import Config, CustomerMode, ItemType
from wixqb_nb.errors import MappingError
from wixqb_nb.mapping import markers
from wixqb_nb.mapping.snapshot import QboSnapshot
from wixqb_nb.mapping.types import PlannedWrite, ref
from wixqb_nb.models.wix import LineItem, Order

DISPLAY_NAME_MAX = 500
PERSON_NAME_MAX = 100
COMPANY_NAME_MAX = 100
ITEM_NAME_MAX = 100
_BAD = re.compile(r"[:\t\r\n]+")
_SPACES = re.compile(r" {2,}")
_ITEM_TYPES = {
    ItemType.INVENTORY: "Inventory",
    ItemType.NON_INVENTORY: "NonInventory",
    ItemType.SERVICE: "Service",
}


@lru_cache(maxsize=8192)
def clean_name(text: str, limit: int) -> str:
    """``text`` without ``:``/tab/newline (each run becomes one space), trimmed and cut to ``limit``.

    Cached: the same product and buyer names come back order after order.
    """
    cleaned = _SPACES.sub(" ", _BAD.sub(" ", text)).strip()
    return cleaned[:limit].rstrip()


@dataclass
class Pending:
    """New customers and items already planned in this plan (lower-cased name -> creating write key)."""

    customers: dict[str, str] = field(default_factory=dict)
    items: dict[str, str] = field(default_factory=dict)
    #: Customers by buyer identity (existing ones, and new ones without their create write).
    buyers: dict[tuple[str, str, str | None, str, str], EntityChoice] = field(default_factory=dict)
    #: The same by the order's raw buyer fields (see :func:`resolve_customer`).
    raw: dict[tuple[Any, ...], EntityChoice] = field(default_factory=dict)

    def mark(self) -> tuple[int, int, int, int]:
        """Where the registry stands, for :meth:`rollback`."""
        return len(self.customers), len(self.items), len(self.buyers), len(self.raw)

    def rollback(self, mark: tuple[int, int, int, int]) -> None:
        """Forget what was registered since ``mark``: an order that failed to plan owns no create.

        Its writes are dropped, so later orders must not reference them; the next order needing the
        same customer or item creates it itself. Entries are only ever added under new keys, so the
        newest ones (dicts keep insertion order, ``popitem`` takes the last) are exactly those.
        """
        registries: tuple[dict[Any, Any], ...] = (self.customers, self.items, self.buyers, self.raw)
        for registry, size in zip(registries, mark, strict=True):
            while len(registry) > size:
                registry.popitem()


class EntityChoice(NamedTuple):
    """A resolved reference: the QBO Id (or a ``$ref`` placeholder) and, when new, its create write."""

    value: Any
    name: str
    write: PlannedWrite | None = None
    depends_on: tuple[str, ...] = ()

    def as_ref(self) -> dict[str, Any]:
        """``{"value": ...}`` for a payload."""
        return {"value": self.value}


def resolve_customer(
    order: Order, config: Config, snap: QboSnapshot, pending: Pending
) -> EntityChoice | MappingError:
    """The customer the order's documents are booked to (see the module docstring)."""
    billing = order.billing_info.contact_details if order.billing_info else None
    buyer_info = order.buyer_info
    contact = buyer_info.contact_id if buyer_info else None
    # Everything the answer depends on besides the run's config and snapshot: a returning buyer
    # is answered from ``pending.raw`` without the name work.
    raw = (
        config.advanced.customer_mode,
        billing.first_name if billing else None,
        billing.last_name if billing else None,
        billing.company if billing else None,
        buyer_info.email if buyer_info else None,
        order.currency,
        contact or order.id,
    )
    known = pending.raw.get(raw)
    if known is not None:
        if known.depends_on:  # created earlier in this plan: a fresh placeholder for this payload
            return EntityChoice(ref(known.depends_on[0]), known.name, None, known.depends_on)
        return known
    got = _customer(order, config, snap, pending, billing)
    if not isinstance(got, MappingError):
        pending.raw[raw] = (
            got if got.write is None else EntityChoice(got.value, got.name, None, got.depends_on)
        )
    return got


def _customer(
    order: Order, config: Config, snap: QboSnapshot, pending: Pending, billing: Any
) -> EntityChoice | MappingError:
    currency = (order.currency or snap.home_currency or "").upper()
    foreign = snap.multicurrency and bool(currency) and currency != (snap.home_currency or "").upper()
    mode = config.advanced.customer_mode
    person = (billing.full_name if billing else "") or (order.email or "")
    company = (billing.company or "").strip() if billing else ""
    email = (order.email or "").lower() or None
    if mode is CustomerMode.GENERIC:
        base, match_email = config.advanced.generic_customer_name, None
    elif mode is CustomerMode.ORGANISATION and company:
        base, match_email = company, None
    else:
        base, match_email = person, email
    if not base.strip():
        return MappingError(
            "the order has no buyer name or email to name a QBO customer",
            source_id=order.id,
            field="billingInfo.contactDetails",
            hint="use advanced.customer_mode = 'generic', or complete the buyer's details in Wix",
        )
    tag = match_email or (order.buyer_info.contact_id if order.buyer_info else None) or order.id
    buyer = (mode.value, base, match_email, currency, tag)
    known = pending.buyers.get(buyer)
    if known is not None:
        if known.depends_on:  # created earlier in this plan: a fresh placeholder for this payload
            return EntityChoice(ref(known.depends_on[0]), known.name, None, known.depends_on)
        return known
    got = _resolve_customer(order, snap, pending, base, match_email, currency, foreign, company, tag)
    pending.buyers[buyer] = (
        got if got.write is None else EntityChoice(got.value, got.name, None, got.depends_on)
    )
    return got


def _resolve_customer(
    order: Order,
    snap: QboSnapshot,
    pending: Pending,
    base: str,
    match_email: str | None,
    currency: str,
    foreign: bool,
    company: str,
    tag: str,
) -> EntityChoice:
    full = base.strip()
    name = clean_name(full, DISPLAY_NAME_MAX - 8)
    if foreign:
        name = f"{name} - {currency}"

    def currency_ok(cust: Any) -> bool:
        cur = cust.currency_ref.value.upper() if cust.currency_ref else (snap.home_currency or "").upper()
        return not snap.multicurrency or not currency or cur == currency

    if match_email:
        for cust in snap.customers_by_email.get(match_email, ()):
            if currency_ok(cust):
                return EntityChoice(value=cust.id, name=cust.display_name)
    candidate = name
    existing = snap.customers_by_name.get(candidate.lower())
    if (
        existing is not None
        and currency_ok(existing)
        and (match_email is None or existing.email in (None, match_email))
    ):
        return EntityChoice(value=existing.id, name=existing.display_name)
    if existing is not None or candidate.lower() in snap.reserved_names:
        # The name belongs to someone else: a deterministic suffix from the buyer's identity.
        candidate = f"{clean_name(full, DISPLAY_NAME_MAX - len(tag) - 12)} ({tag})"
        if foreign:
            candidate = f"{candidate} - {currency}"
        again = snap.customers_by_name.get(candidate.lower())
        if again is not None and currency_ok(again):
            return EntityChoice(value=again.id, name=again.display_name)
    key_name = candidate.lower()
    if key_name in pending.customers:
        key = pending.customers[key_name]
        return EntityChoice(value=ref(key), name=candidate, depends_on=(key,))
    key = markers.idempotency_key(snap.realm_id, order.id, "customer", _slug(candidate), 1)
    payload = _customer_payload(order, candidate, full, company, currency if snap.multicurrency else "")
    pending.customers[key_name] = key
    write = PlannedWrite(
        kind="customer",
        entity="Customer",
        operation="create",
        payload=payload,
        idempotency_key=key,
        source_id=candidate,
    )
    return EntityChoice(value=ref(key), name=candidate, write=write, depends_on=(key,))


def _slug(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "-", text.lower()).strip("-")[:60] or "x"


def _customer_payload(order: Order, display: str, full: str, company: str, currency: str) -> dict[str, Any]:
    billing = order.billing_info.contact_details if order.billing_info else None
    payload: dict[str, Any] = {"DisplayName": display}
    if billing and billing.first_name:
        payload["GivenName"] = clean_name(billing.first_name, PERSON_NAME_MAX)
    if billing and billing.last_name:
        payload["FamilyName"] = clean_name(billing.last_name, PERSON_NAME_MAX)
    if company:
        payload["CompanyName"] = clean_name(company, COMPANY_NAME_MAX)
    if order.email and "@" in order.email:
        payload["PrimaryEmailAddr"] = {"Address": order.email[:100]}
    if billing and billing.phone:
        payload["PrimaryPhone"] = {"FreeFormNumber": str(billing.phone)[:30]}
    addr = order.billing_info.address if order.billing_info else None
    if addr is not None:
        bill = {
            "Line1": addr.address_line,
            "Line2": addr.address_line2,
            "City": addr.city,
            "CountrySubDivisionCode": (addr.subdivision or "").split("-")[-1] or None,
            "PostalCode": addr.postal_code,
            "Country": addr.country,
        }
        payload["BillAddr"] = {k: v for k, v in bill.items() if v}
    if currency:
        payload["CurrencyRef"] = {"value": currency}
    if clean_name(full, 10_000) != display.split(" (")[0].split(" - ")[0]:
        payload["Notes"] = f"Full name in Wix: {full}"[:2000]
    return payload


def resolve_item(
    line: LineItem, order: Order, config: Config, snap: QboSnapshot, pending: Pending
) -> EntityChoice | MappingError:
    """The QBO item of a Wix line: by SKU (to Name or Sku), else by product name; created when allowed."""
    sku = line.sku
    if not sku:
        return resolve_named_item(line.id, line.name, order, config, snap, pending)
    by_sku = config.matching.match_by == "sku"
    key_name = sku.lower()
    found = (snap.items_by_sku if by_sku else snap.items_by_name).get(key_name)
    if found is not None:
        return EntityChoice(value=found.id, name=found.name)
    return _missing_item(line.id, line.name, sku, key_name, order, config, snap, pending)


def resolve_named_item(
    line_id: str, name: str, order: Order, config: Config, snap: QboSnapshot, pending: Pending
) -> EntityChoice | MappingError:
    """The QBO item named like ``name`` (a line without SKU, an additional fee); created when allowed."""
    key_name = clean_name(name, ITEM_NAME_MAX).lower()
    found = snap.items_by_name.get(key_name)
    if found is not None:
        return EntityChoice(value=found.id, name=found.name)
    return _missing_item(line_id, name, None, key_name, order, config, snap, pending)


def _missing_item(
    line_id: str,
    name: str,
    sku: str | None,
    key_name: str,
    order: Order,
    config: Config,
    snap: QboSnapshot,
    pending: Pending,
) -> EntityChoice | MappingError:
    if key_name in pending.items:
        key = pending.items[key_name]
        return EntityChoice(value=ref(key), name=key_name, depends_on=(key,))
    what = f"SKU {sku!r}" if sku else f"product {name!r} (no SKU)"
    if not config.items.allow_create:
        where = "Sku" if (sku and config.matching.match_by == "sku") else "Name"
        return MappingError(
            f"no QBO item for {what} (line {line_id})",
            source_id=order.id,
            field=f"lineItems[{line_id}].physicalProperties.sku",
            hint=f"create an item with {where} {sku or name!r} in QBO, or set items.allow_create = true",
        )
    if not key_name:
        return MappingError(
            f"line {line_id} has neither SKU nor name",
            source_id=order.id,
            field=f"lineItems[{line_id}].productName",
            hint="give the product a SKU in Wix",
        )
    return _new_item(name, order, config, snap, pending, sku, key_name)


def _new_item(
    line_name: str,
    order: Order,
    config: Config,
    snap: QboSnapshot,
    pending: Pending,
    sku: str | None,
    key_name: str,
) -> EntityChoice | MappingError:
    items = config.items
    full = line_name or (sku or "")
    if sku and config.matching.match_by == "name":
        name = clean_name(sku, ITEM_NAME_MAX)
    else:
        name = clean_name(full, ITEM_NAME_MAX)
        if sku and name.lower() in snap.items_by_name:
            name = f"{clean_name(full, ITEM_NAME_MAX - len(sku) - 3)} ({clean_name(sku, ITEM_NAME_MAX)})"
    kind = items.new_item_type
    missing = [
        n
        for n, acc, need in (
            ("items.income_account", items.income_account, True),
            ("items.expense_account", items.expense_account, kind is not ItemType.SERVICE),
            ("items.asset_account", items.asset_account, kind is ItemType.INVENTORY),
        )
        if need and acc is None
    ]
    if missing:
        return MappingError(
            f"cannot create a QBO item for {sku or full!r}: {', '.join(missing)} not set",
            source_id=order.id,
            field=missing[0],
            hint="choose the accounts for new items in the configuration",
        )
    payload: dict[str, Any] = {"Name": name, "Type": _ITEM_TYPES[kind], "Description": full[:4000]}
    if sku:
        payload["Sku"] = sku[:100]
    if items.income_account:
        payload["IncomeAccountRef"] = {"value": items.income_account.id}
    if items.expense_account:
        payload["ExpenseAccountRef"] = {"value": items.expense_account.id}
    if kind is ItemType.INVENTORY and items.asset_account:
        start = items.inventory_start_date or config.general.start_date
        payload.update(
            AssetAccountRef={"value": items.asset_account.id},
            TrackQtyOnHand=True,
            QtyOnHand=0,
            InvStartDate=start.isoformat() if start else None,
        )
        if payload["InvStartDate"] is None:
            del payload["InvStartDate"]
    key = markers.idempotency_key(snap.realm_id, order.id, "item", _slug(key_name), 1)
    pending.items[key_name] = key
    write = PlannedWrite(
        kind="item", entity="Item", operation="create", payload=payload, idempotency_key=key, source_id=name
    )
    return EntityChoice(value=ref(key), name=name, write=write, depends_on=(key,))
