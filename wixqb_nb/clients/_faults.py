"""QBO faults: parse every ``Fault.Error`` entry (JSON or XML) and pick the error class by code.

QBO answers errors as ``{"Fault": {"Error": [...], "type": ...}}``, sometimes with lower-case keys
(``fault``/``error``), sometimes (throttling) as XML ``<IntuitResponse><Fault><Error code=...>`` even
when JSON was asked for, and sometimes with HTTP 200. Every entry is kept: the first fault is rarely
the only one that matters.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from wixqb_nb import errors
from wixqb_nb.errors import QboFault

#: Fault code -> error class. Codes not listed fall back on the HTTP status (see :func:`fault_class`).
_BY_CODE: dict[str, type[errors.ApiStatusError]] = {
    "3200": errors.AuthenticationError,
    "100": errors.AuthenticationError,
    "110": errors.AuthenticationError,
    "120": errors.AuthenticationError,
    "3100": errors.PermissionDeniedError,
    "3001": errors.RateLimitError,
    "6140": errors.DuplicateDocNumberError,
    "6240": errors.DuplicateNameError,
    "5010": errors.StaleObjectError,
    "610": errors.ObjectNotFoundError,
    "2500": errors.InvalidReferenceError,
    "6210": errors.ClosedPeriodError,
    "1040": errors.BatchLimitError,
}

#: Codes whose first match wins over the others when a Fault carries several entries.
_PRIORITY = (
    "3200",
    "100",
    "110",
    "120",
    "3100",
    "3001",
    "1040",
    "5010",
    "6210",
    "6140",
    "6240",
    "2500",
    "610",
)


def _get(d: dict[str, Any], *names: str) -> Any:
    for n in names:
        if n in d:
            return d[n]
    return None


def _norm_code(code: Any) -> str:
    """QBO sends codes as strings, sometimes zero-padded inside messages; keep digits without leading zeros."""
    text = str(code if code is not None else "").strip()
    return text.lstrip("0") or text


def faults_from_json(body: Any) -> tuple[list[QboFault], str] | None:
    """Return ``(entries, fault_type)`` when ``body`` (a parsed JSON document) carries a Fault, else None."""
    if not isinstance(body, dict):
        return None
    fault = _get(body, "Fault", "fault")
    if not isinstance(fault, dict):
        return None
    fault_type = str(_get(fault, "type", "Type") or "")
    raw = _get(fault, "Error", "error") or []
    if isinstance(raw, dict):
        raw = [raw]
    entries = []
    for e in raw if isinstance(raw, list) else []:
        if not isinstance(e, dict):
            continue
        entries.append(
            QboFault(
                code=_norm_code(_get(e, "code", "Code")),
                message=str(_get(e, "Message", "message") or ""),
                detail=str(_get(e, "Detail", "detail") or ""),
                element=str(_get(e, "element", "Element") or ""),
                fault_type=fault_type,
            )
        )
    return entries, fault_type


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def faults_from_xml(text: str) -> tuple[list[QboFault], str] | None:
    """Parse ``<IntuitResponse><Fault type=..><Error code=..>`` (namespaced or not); None if not a Fault."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError:
        return None
    fault = root if _local(root.tag) == "Fault" else next((c for c in root if _local(c.tag) == "Fault"), None)
    if fault is None:
        return None
    fault_type = fault.get("type", "")
    entries = []
    for err in (c for c in fault if _local(c.tag) == "Error"):
        fields = {_local(c.tag): (c.text or "").strip() for c in err}
        entries.append(
            QboFault(
                code=_norm_code(err.get("code")),
                message=fields.get("Message", ""),
                detail=fields.get("Detail", ""),
                element=err.get("element", "") or fields.get("element", ""),
                fault_type=fault_type,
            )
        )
    return entries, fault_type


def faults_to_json(entries: list[QboFault], fault_type: str) -> dict[str, Any]:
    """The JSON shape of a Fault, used as the error ``body`` when QBO answered in XML."""
    return {
        "Fault": {
            "type": fault_type,
            "Error": [
                {"code": f.code, "Message": f.message, "Detail": f.detail, "element": f.element}
                for f in entries
            ],
        }
    }


def fault_class(entries: list[QboFault], status_code: int) -> type[errors.ApiStatusError]:
    """Pick the error class for a Fault: a known code wins, then the HTTP status, then validation."""
    codes = {f.code for f in entries}
    for code in _PRIORITY:
        if code in codes:
            return _BY_CODE[code]
    if status_code == 401:
        return errors.AuthenticationError
    if status_code == 429:
        return errors.RateLimitError
    if status_code >= 500:
        return errors.ServerError
    return errors.QboValidationError


def fault_message(entries: list[QboFault]) -> str:
    """One line naming every entry, for ``str(exc)``."""
    if not entries:
        return "QuickBooks Online returned an empty Fault"
    return "QuickBooks Online fault: " + "; ".join(str(f) for f in entries)
