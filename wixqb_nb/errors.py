"""The one exception tree of wixqb-nb.

Every error the package raises on purpose is a :class:`WixQbError`, so callers (the CLI, the
notebooks, the scheduler) can tell "we know what went wrong" from a bug. One class per decision
a caller has to make::

    WixQbError
    ├─ ConfigError                    bad settings or parameters; never retried        (exit 2)
    ├─ ApiError(service, ...)         talking to Wix or QBO failed
    │  ├─ ApiConnectionError          no answer: DNS, refused, reset, dropped
    │  │  └─ ApiTimeoutError          no answer in time
    │  ├─ ApiDecodeError              an answer we cannot parse (malformed JSON, truncated)
    │  └─ ApiStatusError(status_code) the service answered 4xx/5xx
    │     ├─ AuthenticationError      401 / QBO 3200: credentials expired or wrong
    │     │  └─ ReconnectRequired     refresh token used up or revoked: the user must reconnect
    │     ├─ PermissionDeniedError    403
    │     ├─ NotFoundError            404
    │     ├─ RateLimitError           429 / QBO ThrottleExceeded (3001)
    │     ├─ ServerError              5xx
    │     └─ QboFaultError(errors)    a QBO Fault; every Fault.Error entry is kept
    │        ├─ QboValidationError    generic validation (2xxx, 6000, 6070, 6100, ...)
    │        ├─ DuplicateDocNumberError 6140
    │        ├─ DuplicateNameError    6240
    │        ├─ StaleObjectError      5010
    │        ├─ ObjectNotFoundError   610
    │        ├─ InvalidReferenceError 2500
    │        ├─ ClosedPeriodError     6210
    │        └─ BatchLimitError       1040
    ├─ MappingError(source_id, field) an order cannot be mapped; shown in the report
    ├─ LedgerError                    the local ledger is unreadable or inconsistent
    ├─ RunLockedError                 another run holds the company's lock          (exit 2)
    └─ ReconciliationFailed(result)   a run finished but the books do not agree     (exit 1)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class WixQbError(Exception):
    """Base class of every error raised on purpose by wixqb-nb."""

    exit_code: int = 2


class ConfigError(WixQbError):
    """Raised when the configuration or run parameters are invalid; carries every problem found."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        self.problems: list[str] = list(problems or [])
        super().__init__(message if not self.problems else message + "\n" + "\n".join(self.problems))


class ApiError(WixQbError):
    """Raised when a call to Wix or QuickBooks Online fails."""

    def __init__(
        self,
        message: str,
        *,
        service: str = "",
        method: str = "",
        url: str = "",
        body: Any = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.service = service
        self.method = method
        self.url = url
        self.body = body


class ApiConnectionError(ApiError):
    """Raised when the service could not be reached or the connection dropped before an answer."""


class ApiTimeoutError(ApiConnectionError):
    """Raised when the service did not answer within the timeout."""


class ApiDecodeError(ApiError):
    """Raised when the service answered with a body that cannot be parsed (malformed or truncated)."""


class ApiStatusError(ApiError):
    """Raised when the service answered with an HTTP error status (4xx or 5xx)."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        request_id: str | None = None,
        retry_after: float | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(message, **kwargs)
        self.status_code = status_code
        self.request_id = request_id
        self.retry_after = retry_after


class AuthenticationError(ApiStatusError):
    """Raised on 401 (QBO fault 3200): the access token or API key was refused."""


class ReconnectRequired(AuthenticationError):
    """Raised when the QBO refresh token is expired or revoked (invalid_grant): run `wixqb connect qbo`."""


class PermissionDeniedError(ApiStatusError):
    """Raised on 403: the credentials are valid but lack a permission."""


class NotFoundError(ApiStatusError):
    """Raised on 404: the resource does not exist."""


class RateLimitError(ApiStatusError):
    """Raised on 429 (or QBO ThrottleExceeded) once retries are exhausted."""


class ServerError(ApiStatusError):
    """Raised on 5xx once retries are exhausted."""


@dataclass(frozen=True)
class QboFault:
    """One entry of a QBO ``Fault.Error`` list."""

    code: str
    message: str
    detail: str = ""
    element: str = ""
    fault_type: str = ""

    def __str__(self) -> str:
        where = f" [{self.element}]" if self.element else ""
        return f"{self.code} {self.message}{where}: {self.detail}".rstrip(": ")


class QboFaultError(ApiStatusError):
    """Raised when QBO answers with a Fault; ``errors`` keeps every ``Fault.Error`` entry."""

    def __init__(self, message: str, *, errors: list[QboFault], **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.errors = errors

    @property
    def codes(self) -> list[str]:
        """The fault codes, in the order QBO gave them."""
        return [e.code for e in self.errors]


class QboValidationError(QboFaultError):
    """Raised for QBO validation faults without a more specific class (e.g. 6000, 6070, 6100, 2xxx)."""


class DuplicateDocNumberError(QboFaultError):
    """Raised on QBO 6140: the DocNumber is already used by another transaction."""


class DuplicateNameError(QboFaultError):
    """Raised on QBO 6240: the name is already used by a customer, vendor, employee or item."""


class StaleObjectError(QboFaultError):
    """Raised on QBO 5010: the SyncToken sent is not the current one."""


class ObjectNotFoundError(QboFaultError):
    """Raised on QBO 610: the object (or one it references) was deleted or made inactive."""


class InvalidReferenceError(QboFaultError):
    """Raised on QBO 2500: a reference id does not exist or is inactive."""


class ClosedPeriodError(QboFaultError):
    """Raised on QBO 6210: the transaction date is on or before the books' close date."""


class BatchLimitError(QboFaultError):
    """Raised on QBO 1040: a batch request carried more items than allowed."""


class MappingError(WixQbError):
    """Raised when a Wix order cannot be mapped; names the order, the field and what to do."""

    exit_code = 1

    def __init__(self, message: str, *, source_id: str = "", field: str = "", hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.source_id = source_id
        self.field = field
        self.hint = hint


class LedgerError(WixQbError):
    """Raised when the local ledger cannot be read, migrated or is inconsistent."""


class RunLockedError(WixQbError):
    """Raised when another run already holds the lock for this QBO company."""


class ReconciliationFailed(WixQbError):
    """Raised at the end of a run when Wix and QBO do not agree (exit code 1)."""

    exit_code = 1

    def __init__(self, message: str, result: Any = None) -> None:
        super().__init__(message)
        self.result = result
