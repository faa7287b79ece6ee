"""Wire cases the sandbox cannot produce, on ``httpx.MockTransport``: malformed or truncated bodies,
an XML fault inside a 200, the Wix app token endpoint (the sandbox serves API keys only)."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal

import httpx
import pytest

from wixqb_nb import errors
from wixqb_nb.clients import RetryPolicy, StaticToken, WixAppToken, WixClient
from wixqb_nb.clients._http import HttpCore
from wixqb_nb.clients._limits import Limits, RateLimiter
from wixqb_nb.clients.qbo import QboClient


def _core(handler: Callable[[httpx.Request], httpx.Response]) -> HttpCore:
    return HttpCore(httpx.Client(transport=httpx.MockTransport(handler)), service="qbo", sleep=lambda s: None)


@pytest.mark.parametrize("body", [b'{"orders": [', b'{"orders": [1, 2,', b"not json", b"\xff\xfe{}"])
def test_malformed_or_truncated_json_is_a_decode_error_not_retried(body: bytes) -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(200, content=body, headers={"Content-Type": "application/json"})

    core = _core(handler)
    with pytest.raises(errors.ApiDecodeError):
        core.request("GET", "http://x.test/a", retry_safe=True)
    assert len(calls) == 1


def test_money_in_answers_is_decimal() -> None:
    core = _core(lambda r: httpx.Response(200, content=b'{"TotalAmt": 12.10, "Qty": 3}'))
    data = core.request("GET", "http://x.test/a", retry_safe=True).data
    assert data == {"TotalAmt": Decimal("12.10"), "Qty": 3}
    assert isinstance(data["TotalAmt"], Decimal)


def test_xml_throttle_fault_in_a_200_is_raised_and_retried() -> None:
    xml = (
        '<IntuitResponse xmlns="http://schema.intuit.com/finance/v3"><Fault type="SERVICE">'
        '<Error code="3001"><Message>message=ThrottleExceeded; errorCode=003001; statusCode=429</Message>'
        "<Detail>The request limit was reached.</Detail></Error></Fault></IntuitResponse>"
    )
    answers = [httpx.Response(200, text=xml), httpx.Response(200, json={"ok": True})]
    sleeps: list[float] = []
    core = HttpCore(
        httpx.Client(transport=httpx.MockTransport(lambda r: answers.pop(0))),
        service="qbo",
        sleep=sleeps.append,
        rng=lambda: 0.0,
    )
    assert core.request("POST", "http://x.test/invoice", retry_safe=False).data == {"ok": True}
    assert sleeps == [0.5]  # backoff base, no jitter with rng=0


def test_retry_after_date_and_cap_with_fake_clock() -> None:
    now = 1_700_000_000.0
    answers = [
        httpx.Response(429, headers={"Retry-After": "Tue, 14 Nov 2023 22:13:40 GMT"}),  # now + 20 s
        httpx.Response(503, headers={"Retry-After": "9999"}),
        httpx.Response(200, json={}),
    ]
    sleeps: list[float] = []
    core = HttpCore(
        httpx.Client(transport=httpx.MockTransport(lambda r: answers.pop(0))),
        service="wix",
        sleep=sleeps.append,
        clock=lambda: now,
        retry=RetryPolicy(retry_after_max_s=60.0),
    )
    resp = core.request("GET", "http://x.test/a", retry_safe=True)
    assert sleeps == [20.0, 60.0]
    assert resp.retries_taken == 2


def test_retries_are_bounded_and_unsafe_writes_are_not_repeated() -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(500, json={"message": ""})

    core = HttpCore(
        httpx.Client(transport=httpx.MockTransport(handler)),
        service="qbo",
        sleep=lambda s: None,
        retry=RetryPolicy(max_retries=3),
    )
    with pytest.raises(errors.ServerError):
        core.request("GET", "http://x.test/a", retry_safe=True)
    assert len(calls) == 4
    calls.clear()
    with pytest.raises(errors.ServerError):
        core.request("POST", "http://x.test/invoice", retry_safe=False)  # a write without requestid
    assert len(calls) == 1


def test_qbo_write_without_answer_is_retried_with_the_same_requestid() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.params["requestid"])
        if len(seen) == 1:
            raise httpx.ReadError("connection reset after the write")
        return httpx.Response(200, json={"Customer": {"Id": "7", "DisplayName": "A"}})

    http = httpx.Client(transport=httpx.MockTransport(handler))
    limiter = RateLimiter(Limits.unlimited())
    with QboClient(
        "1", "http://q.test", StaticToken("tok-abcdef"), http=http, limiter=limiter, sleep=lambda s: None
    ) as q:
        assert q.create("Customer", {"DisplayName": "A"}, "realm:o1:customer:o1:r0")["Id"] == "7"
    assert len(seen) == 2 and seen[0] == seen[1] and len(seen[0]) == 32
    http.close()


def test_wix_app_token_is_minted_once_and_cached() -> None:
    minted: list[dict[str, str]] = []
    now = [1000.0]

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth2/token":
            minted.append(json.loads(request.content))
            return httpx.Response(200, json={"access_token": f"app-token-{len(minted)}", "expires_in": 14400})
        assert request.headers["Authorization"] == f"app-token-{len(minted)}"
        return httpx.Response(200, json={"order": {"id": "o1"}})

    http = httpx.Client(transport=httpx.MockTransport(handler))
    token = WixAppToken(
        "app", "app-secret-xyz", "inst-1", "http://w.test/oauth2/token", http=http, clock=lambda: now[0]
    )
    with WixClient("site", None, "http://w.test", http=http, app_token=token) as wix:
        wix.get_order("o1")
        wix.get_order("o1")
        assert len(minted) == 1
        assert minted[0] == {
            "grant_type": "client_credentials",
            "client_id": "app",
            "client_secret": "app-secret-xyz",
            "instance_id": "inst-1",
        }
        now[0] += 14400 - 200  # inside the renewal margin of a 4-hour token
        wix.get_order("o1")
        assert len(minted) == 2
    http.close()
