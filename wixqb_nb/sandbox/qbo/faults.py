"""QBO's error bodies, built the way the real service shapes them (qbo_api.md §6, §7.1).

Handlers raise :class:`QboFault`; the app turns it into ``{"Fault": {...}, "time": ...}`` with the
fault's HTTP status. This is control flow inside the emulator, not an error of the product, which
is why it does not live in :mod:`wixqb_nb.errors` (the product's client raises those on reading
these bodies).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


@dataclass(frozen=True)
class FaultError:
    """One ``Fault.Error`` entry."""

    code: str
    message: str
    detail: str = ""
    element: str = ""

    def to_json(self) -> dict[str, str]:
        return {"Message": self.message, "Detail": self.detail, "code": self.code, "element": self.element}


@dataclass
class QboFault(Exception):
    """A QBO Fault answer: HTTP ``status``, fault ``type`` and one or more errors."""

    errors: list[FaultError]
    fault_type: str = "ValidationFault"
    status: int = 400
    headers: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return "; ".join(f"{e.code} {e.message}: {e.detail}" for e in self.errors)

    def body(self, now: float) -> dict[str, Any]:
        return {
            "Fault": {"Error": [e.to_json() for e in self.errors], "type": self.fault_type},
            "time": qbo_time(now),
        }

    def fault_json(self) -> dict[str, Any]:
        """The ``Fault`` object alone, as a batch item carries it."""
        return {"Error": [e.to_json() for e in self.errors], "type": self.fault_type}


def qbo_time(now: float) -> str:
    """QBO's timestamp format with milliseconds and an offset, e.g. ``2025-03-14T10:35:00.123+00:00``."""
    return datetime.fromtimestamp(now, tz=UTC).isoformat(timespec="milliseconds")


def validation(code: str, message: str, detail: str = "", element: str = "") -> QboFault:
    """A 400 ValidationFault with one error."""
    return QboFault([FaultError(code, message, detail or message, element)])


# ---- the codes the sandbox emits, with QBO's own wording -------------------------------------


def required(element: str, what: str = "") -> QboFault:
    detail = f"Required parameter {what or element} is missing in the request"
    return validation(
        "2020", "Required param missing, need to supply the required value for the API", detail, element
    )


def invalid_reference(element: str, value: str, entity: str) -> QboFault:
    return validation(
        "2500",
        "Invalid Reference Id",
        f"Invalid Reference Id : {entity} assigned to this transaction has been deleted or does not exist: "
        f"Id={value}",
        element,
    )


def object_not_found(entity: str, ident: str, element: str = "") -> QboFault:
    return validation(
        "610",
        "Object Not Found",
        f"Object Not Found : Something you're trying to use has been made inactive. Check the fields with "
        f"accounts, customers, items, vendors or employees. {entity} Id={ident}",
        element,
    )


def string_length(element: str, maximum: int, supplied: int) -> QboFault:
    return validation(
        "6000",
        "String length is either shorter or longer than supported by specification",
        f"String length specified does not match the supported length. Min:0 Max:{maximum} supported. "
        f"Supplied length:{supplied}",
        element,
    )


def business(detail: str, element: str = "") -> QboFault:
    return validation(
        "6000", "A business validation error has occurred while processing your request", detail, element
    )


def stale(entity: str, ident: str) -> QboFault:
    return validation(
        "5010",
        "Stale Object Error",
        f"Stale Object Error : You and root were working on this at the same time. root finished before you "
        f"did, so your work was not saved. {entity} Id={ident}",
        "SyncToken",
    )


def duplicate_doc_number(doc: str, txn_type: str, txn_id: str) -> QboFault:
    return validation(
        "6140",
        "Duplicate Document Number Error",
        f"Duplicate Document Number Error : You must specify a different number. This number has already "
        f"been used. DocNumber={doc} is assigned to TxnType={txn_type} with TxnId={txn_id}",
        "DocNumber",
    )


def duplicate_name(element: str = "DisplayName") -> QboFault:
    return validation(
        "6240",
        "Duplicate Name Exists Error",
        "The name supplied already exists. : Another customer, vendor or employee is already using this "
        "\nname. Please use a different name.",
        element,
    )


def amount_mismatch(line_no: int) -> QboFault:
    return validation(
        "6070",
        "Amount calculation incorrect in the request",
        f"Amount is not equal to Qty * UnitPrice. Line {line_no}",
        "Line.Amount",
    )


def us_tax_code(value: str) -> QboFault:
    return validation(
        "6100",
        "Invalid Line TaxCode",
        f"Valid Line TaxCodes for US should be TAX or NON. Supplied: {value}",
        "TaxCodeRef",
    )


def period_closed(txn_date: str, close_date: str) -> QboFault:
    return validation(
        "6210",
        "Account Period Closed",
        f"The account period has closed and the books are locked: TxnDate {txn_date} is on or before the "
        f"closing date {close_date}",
        "TxnDate",
    )


def deposited(txn_type: str, txn_id: str) -> QboFault:
    return validation(
        "6540",
        "Deposited Transaction cannot be changed",
        f"This transaction has been deposited. {txn_type} Id={txn_id} cannot be changed or deleted.",
    )


def query_parser(detail: str) -> QboFault:
    return validation("4000", "Error parsing query", f"QueryParserError: {detail}")


def query_validation(detail: str) -> QboFault:
    return validation("4001", "Invalid query", f"QueryValidationError: {detail}")


def batch_too_large(count: int, limit: int) -> QboFault:
    return validation(
        "1040", "Batch size exceeds allowed limit", f"Batch size {count} exceeds the maximum of {limit} items"
    )


def unsupported(detail: str) -> QboFault:
    return QboFault([FaultError("500", "Unsupported Operation", detail)], "ValidationFault", 400)


def authentication() -> QboFault:
    return QboFault(
        [
            FaultError(
                "3200",
                "message=AuthenticationFailed; errorCode=003200; statusCode=401",
                "Token expired or invalid",
            )
        ],
        "AUTHENTICATION",
        401,
    )


def authorization() -> QboFault:
    return QboFault(
        [
            FaultError(
                "3100",
                "message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403",
                "The token is not authorised for this company",
            )
        ],
        "AUTHORIZATION",
        403,
    )


def throttled(retry_after: int) -> QboFault:
    return QboFault(
        [
            FaultError(
                "3001",
                "message=ThrottleExceeded; errorCode=003001; statusCode=429",
                "The request limit was reached.  Try again later",
            )
        ],
        "SERVICE",
        429,
        {"Retry-After": str(retry_after)},
    )


def system_failure() -> QboFault:
    return QboFault(
        [
            FaultError(
                "10000",
                "An application error has occurred while processing your request",
                "System Failure Error: An unexpected error occurred while accessing or saving your data. "
                "Please wait a few minutes and try again.",
            )
        ],
        "SystemFault",
        500,
    )


THROTTLE_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<IntuitResponse xmlns="http://schema.intuit.com/finance/v3" time="{time}">'
    '<Fault type="SERVICE"><Error code="3001">'
    "<Message>message=ThrottleExceeded; errorCode=003001; statusCode=429</Message>"
    "<Detail>The request limit was reached.  Try again later</Detail></Error></Fault></IntuitResponse>"
)
