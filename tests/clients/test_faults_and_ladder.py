"""QBO faults (JSON and XML, every entry kept) and the status -> exception ladder."""

from __future__ import annotations

import email.utils

import httpx
import pytest

from wixqb_nb import errors
from wixqb_nb.clients._http import make_status_error, parse_retry_after

CODES = [
    ("3200", 401, errors.AuthenticationError),
    ("3100", 403, errors.PermissionDeniedError),
    ("3001", 429, errors.RateLimitError),
    ("3001", 403, errors.RateLimitError),  # older throttles came as 403
    ("6140", 400, errors.DuplicateDocNumberError),
    ("6240", 400, errors.DuplicateNameError),
    ("5010", 400, errors.StaleObjectError),
    ("610", 400, errors.ObjectNotFoundError),
    ("2500", 400, errors.InvalidReferenceError),
    ("6210", 400, errors.ClosedPeriodError),
    ("1040", 400, errors.BatchLimitError),
    ("6070", 400, errors.QboValidationError),
    ("6000", 400, errors.QboValidationError),
    ("10000", 500, errors.ServerError),
]


def _json_fault(code: str, lower: bool = False) -> dict[str, object]:
    entries = [
        {"Message": f"first {code}", "Detail": "detail one", "code": code, "element": "Line.Amount"},
        {"Message": "second", "Detail": "detail two", "code": "6000", "element": ""},
    ]
    if lower:
        return {
            "fault": {
                "error": [{k.lower(): v for k, v in e.items()} for e in entries],
                "type": "ValidationFault",
            }
        }
    return {"Fault": {"Error": entries, "type": "ValidationFault"}, "time": "2025-01-01T00:00:00.000-08:00"}


def _xml_fault(code: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<IntuitResponse xmlns="http://schema.intuit.com/finance/v3" time="2025-01-01T00:00:00.000-08:00">'
        f'<Fault type="SERVICE"><Error code="{code}" element="Line.Amount"><Message>first {code}</Message>'
        "<Detail>detail one</Detail></Error>"
        '<Error code="6000"><Message>second</Message><Detail>detail two</Detail></Error></Fault></IntuitResponse>'
    )


def _build(status: int, **kwargs: object) -> errors.ApiStatusError:
    request = httpx.Request("POST", "http://qbo.test/v3/company/1/invoice")
    response = httpx.Response(status, request=request, **kwargs)  # type: ignore[arg-type]
    return make_status_error(response, service="qbo", method="POST", url=str(request.url), now=0.0)


@pytest.mark.parametrize(("code", "status", "cls"), CODES)
@pytest.mark.parametrize("wire", ["json", "json-lower", "xml"])
def test_every_fault_code_maps_to_its_class_with_all_entries(
    code: str, status: int, cls: type[errors.ApiStatusError], wire: str
) -> None:
    if wire == "xml":
        exc = _build(status, text=_xml_fault(code), headers={"Content-Type": "application/xml"})
    else:
        exc = _build(status, json=_json_fault(code, lower=wire == "json-lower"))
    assert type(exc) is cls
    assert exc.status_code == status
    # Every entry is kept: for fault classes on .errors, for auth/throttle in the JSON-shaped body.
    body = exc.body
    assert isinstance(body, dict)
    fault = body.get("Fault") or body.get("fault")
    assert isinstance(fault, dict)
    assert len(fault.get("Error") or fault.get("error")) == 2
    if isinstance(exc, errors.QboFaultError):
        assert exc.codes == [code, "6000"]
        assert exc.errors[0].element == "Line.Amount"
        assert exc.errors[1].detail == "detail two"
        assert "detail one" in str(exc) and "detail two" in str(exc)


def test_most_specific_code_wins_whatever_its_position() -> None:
    body = {"Fault": {"Error": [{"code": "6000", "Message": "x"}, {"code": "6140", "Message": "dup"}]}}
    exc = _build(400, json=body)
    assert isinstance(exc, errors.DuplicateDocNumberError)
    assert exc.codes == ["6000", "6140"]


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (401, errors.AuthenticationError),
        (403, errors.PermissionDeniedError),
        (404, errors.NotFoundError),
        (429, errors.RateLimitError),
        (500, errors.ServerError),
        (503, errors.ServerError),
        (409, errors.ApiStatusError),
    ],
)
def test_status_ladder_without_fault(status: int, cls: type[errors.ApiStatusError]) -> None:
    body = {"message": "nope", "details": {"applicationError": {"code": "X", "description": "why"}}}
    exc = _build(status, json=body)
    assert type(exc) is cls
    assert "nope" in str(exc) and "X" in str(exc)


def test_unreadable_error_body_still_maps_by_status() -> None:
    exc = _build(502, text="<html>bad gateway</html>")
    assert type(exc) is errors.ServerError
    assert exc.body == "<html>bad gateway</html>"


def test_retry_after_header_is_kept_on_the_error() -> None:
    exc = _build(429, json={"message": "slow down"}, headers={"Retry-After": "7"})
    assert exc.retry_after == 7.0


def test_parse_retry_after_seconds_and_http_date() -> None:
    now = 1_700_000_000.0
    assert parse_retry_after("3", now) == 3.0
    assert parse_retry_after("0.5", now) == 0.5
    assert parse_retry_after("-4", now) == 0.0
    date = email.utils.formatdate(now + 42, usegmt=True)
    assert parse_retry_after(date, now) == 42.0
    past = email.utils.formatdate(now - 42, usegmt=True)
    assert parse_retry_after(past, now) == 0.0
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after(None, now) is None
