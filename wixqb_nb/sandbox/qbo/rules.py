"""Field-level business rules shared by every entity: numbers, lengths, names, dates, refs.

Each check raises the :class:`~wixqb_nb.sandbox.qbo.faults.QboFault` QBO would answer with.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from wixqb_nb.sandbox.qbo import faults

# QBO maximum lengths (qbo_api.md §6 cheat sheet).
TXN_LIMITS = {
    "DocNumber": 21,
    "PrivateNote": 4000,
    "PONumber": 15,
    "FOB": 15,
    "PaymentRefNum": 21,
    "TrackingNum": 31,
}
CUSTOMER_LIMITS = {
    "DisplayName": 500,
    "GivenName": 100,
    "MiddleName": 100,
    "FamilyName": 100,
    "Title": 16,
    "Suffix": 16,
    "CompanyName": 100,
    "PrintOnCheckName": 110,
    "Notes": 2000,
    "ResaleNum": 16,
}
ITEM_LIMITS = {"Name": 100, "Sku": 100, "Description": 4000, "PurchaseDesc": 4000}
ADDRESS_LIMITS = {
    "Line1": 500,
    "Line2": 500,
    "Line3": 500,
    "Line4": 500,
    "Line5": 500,
    "City": 255,
    "Country": 255,
    "CountrySubDivisionCode": 255,
    "PostalCode": 30,
}
NAME_FIELDS = ("DisplayName", "Title", "GivenName", "MiddleName", "FamilyName", "Suffix", "PrintOnCheckName")


def dec(value: Any, element: str) -> Decimal:
    """A JSON number (or numeric string) as Decimal; anything else is QBO's 2010-style rejection."""
    if isinstance(value, bool) or value is None:
        raise faults.validation(
            "2010", "Request has invalid or unsupported property", f"{element} is not a number", element
        )
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            pass
        else:
            if result.is_finite():
                return result
    raise faults.validation(
        "2010", "Request has invalid or unsupported property", f"{element} is not a number", element
    )


def opt_dec(obj: dict[str, Any], key: str, element: str) -> Decimal | None:
    value = obj.get(key)
    return None if value is None else dec(value, element)


def check_lengths(obj: dict[str, Any], limits: dict[str, int], prefix: str = "") -> None:
    for key, maximum in limits.items():
        value = obj.get(key)
        if isinstance(value, str) and len(value) > maximum:
            raise faults.string_length(prefix + key, maximum, len(value))


def check_address(obj: dict[str, Any], key: str) -> None:
    addr = obj.get(key)
    if isinstance(addr, dict):
        check_lengths(addr, ADDRESS_LIMITS, key + ".")


def check_name_chars(obj: dict[str, Any], fields: tuple[str, ...] = NAME_FIELDS) -> None:
    """Names must not contain ``:``, a tab or a newline (Customer reference)."""
    for key in fields:
        value = obj.get(key)
        if isinstance(value, str) and any(ch in value for ch in ":\t\n\r"):
            raise faults.validation(
                "6000",
                "A business validation error has occurred while processing your request",
                f"Invalid character in {key}: the name cannot contain a colon (:), a tab or a new line.",
                key,
            )


def ref_value(obj: dict[str, Any], key: str) -> str | None:
    """The ``value`` of a reference field, or None when absent; a malformed ref is a 2010."""
    ref = obj.get(key)
    if ref is None:
        return None
    if isinstance(ref, dict) and ref.get("value") not in (None, ""):
        return str(ref["value"])
    raise faults.validation(
        "2010", "Request has invalid or unsupported property", f"{key} needs a value", key
    )


def parse_date(value: Any, element: str) -> date:
    if not isinstance(value, str):
        raise faults.validation(
            "2010", "Request has invalid or unsupported property", f"{element} must be a date", element
        )
    try:
        return date.fromisoformat(value[:10])
    except ValueError as exc:
        raise faults.validation(
            "2010",
            "Request has invalid or unsupported property",
            f"{element}: invalid date {value!r}",
            element,
        ) from exc


def check_close_date(txn_date: str, close_date: Any) -> None:
    """Transactions dated on or before the books' close date are refused (6210)."""
    if not close_date:
        return
    if parse_date(txn_date, "TxnDate") <= parse_date(close_date, "BookCloseDate"):
        raise faults.period_closed(txn_date, str(close_date))


def check_email(obj: dict[str, Any], key: str) -> None:
    email = obj.get(key)
    if isinstance(email, dict) and email.get("Address"):
        address = str(email["Address"])
        if "@" not in address or "." not in address or len(address) > 100:
            raise faults.validation(
                "6000",
                "A business validation error has occurred while processing your request",
                "Invalid email address: the address must contain @ and . and be at most 100 characters",
                f"{key}.Address",
            )
