"""The one HTTP core both clients use: retries, backoff, ``Retry-After``, status -> error, JSON decoding.

Retry rules (STYLE.md G4): connection errors, 408, 429 and 5xx are retried with capped exponential
backoff and jitter, honouring ``Retry-After`` (seconds or an HTTP date). A request that may have reached
the server is retried only when it is safe to repeat (``retry_safe``): reads, and QBO writes that carry
a stable ``requestid`` so a replay returns the first answer instead of a second document. A 429 and a
failed connect are retried always (the server did nothing). ``sleep``, ``clock`` and ``rng`` are
injectable so tests run without waiting.

Status -> exception mapping lives in :func:`make_status_error`, one ladder (G3).
"""

from __future__ import annotations

import email.utils
import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from json import JSONDecodeError
from typing import Any

import httpx

from wixqb_nb import errors, money
from wixqb_nb.clients import _faults
from wixqb_nb.clients._limits import SlotGate
from wixqb_nb.clients._log import log_event, redact_url

#: Default timeouts: QBO cuts requests at 120 s; a connect that takes 10 s is a dead host.
DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry. ``jitter`` is the share of each backoff removed at random."""

    max_retries: int = 5
    backoff_base_s: float = 0.5
    backoff_max_s: float = 30.0
    retry_after_max_s: float = 120.0
    jitter: float = 0.25

    def backoff(self, attempt: int, rng: Callable[[], float]) -> float:
        """Delay before retry number ``attempt`` (0-based) when the server gave no ``Retry-After``."""
        capped: float = min(self.backoff_max_s, self.backoff_base_s * (2.0**attempt))
        return capped * (1.0 - self.jitter * rng())


@dataclass
class ApiResponse:
    """A decoded 2xx answer: ``data`` is the JSON document (Decimals for fractional numbers) or None."""

    status_code: int
    data: Any
    headers: httpx.Headers
    retries_taken: int = 0


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP date); None if absent/invalid."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - now)


def decode_body(response: httpx.Response) -> Any:
    """Parse a JSON body with :func:`wixqb_nb.money.loads`; None for an empty body."""
    if not response.content:
        return None
    return money.loads(response.content)


def _wix_message(body: Any) -> str:
    if isinstance(body, dict):
        details = body.get("details") or {}
        app = details.get("applicationError") if isinstance(details, dict) else None
        msg = str(body.get("message") or "")
        if isinstance(app, dict) and app.get("code"):
            msg = f"{msg} ({app.get('code')}: {app.get('description', '')})".strip()
        if msg:
            return msg
    return ""


def make_status_error(
    response: httpx.Response, *, service: str, method: str, url: str, now: float
) -> errors.ApiStatusError:
    """Build the exception for an HTTP error answer, or for a 2xx answer that carries a QBO Fault.

    The ladder: a QBO Fault (JSON or XML) picks its class by code (see ``_faults``) and keeps every
    entry; otherwise 401, 403, 404, 429, 5xx have their own class and anything else is
    :class:`~wixqb_nb.errors.ApiStatusError`.
    """
    status = response.status_code
    retry_after = parse_retry_after(response.headers.get("Retry-After"), now)
    request_id = response.headers.get("intuit_tid") or response.headers.get("x-wix-request-id")
    common: dict[str, Any] = {
        "status_code": status,
        "request_id": request_id,
        "retry_after": retry_after,
        "service": service,
        "method": method,
        "url": url,
    }
    body: Any = None
    parsed: tuple[list[errors.QboFault], str] | None = None
    text = response.text if response.content else ""
    try:
        body = decode_body(response)
        parsed = _faults.faults_from_json(body)
    except (JSONDecodeError, UnicodeDecodeError):
        parsed = _faults.faults_from_xml(text) if text.lstrip().startswith("<") else None
        body = _faults.faults_to_json(*parsed) if parsed else text[:2000]
    if parsed is not None:
        entries, _ = parsed
        cls = _faults.fault_class(entries, status)
        message = _faults.fault_message(entries)
        if issubclass(cls, errors.QboFaultError):
            return cls(message, errors=entries, body=body, **common)
        return cls(message, body=body, **common)
    message = _wix_message(body) or f"{service} answered HTTP {status} to {method} {url}"
    cls_by_status: type[errors.ApiStatusError]
    if status == 401:
        cls_by_status = errors.AuthenticationError
    elif status == 403:
        cls_by_status = errors.PermissionDeniedError
    elif status == 404:
        cls_by_status = errors.NotFoundError
    elif status == 429:
        cls_by_status = errors.RateLimitError
    elif status >= 500:
        cls_by_status = errors.ServerError
    else:
        cls_by_status = errors.ApiStatusError
    return cls_by_status(message, body=body, **common)


def is_retryable(exc: errors.ApiError, *, retry_safe: bool) -> bool:
    """Whether ``exc`` may be retried; requests that may have been processed need ``retry_safe``."""
    if isinstance(exc, errors.RateLimitError):
        return True
    if isinstance(exc, errors.ApiConnectionError):
        return retry_safe or isinstance(
            exc.__cause__, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout
        )
    if isinstance(exc, errors.ApiStatusError):
        return retry_safe and (exc.status_code == 408 or exc.status_code >= 500)
    return False


class HttpCore:
    """Send requests for one service (``"wix"`` or ``"qbo"``) through an ``httpx.Client`` it is given.

    Parameters
    ----------
    http
        The HTTP layer (STYLE.md G1); tests pass one with a ``MockTransport`` or point it at the sandbox.
    service
        Name used in errors and logs.
    retry
        The retry policy; ``retry.max_retries`` bounds every call.
    sleep, clock, rng
        Injectable ``time.sleep``, wall clock (``time.time``, for HTTP dates) and jitter source.
    """

    def __init__(
        self,
        http: httpx.Client,
        *,
        service: str,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.http = http
        self.service = service
        self.retry = retry or RetryPolicy()
        self.sleep = sleep
        self.clock = clock
        self.rng = rng
        self.retries_total = 0  # every retry this core made (benchmarks and tests read it)

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str | int] | None = None,
        content: str | bytes | None = None,
        headers: Mapping[str, str] | None = None,
        retry_safe: bool,
        auth: Callable[[], Mapping[str, str]] | None = None,
        on_auth_failure: Callable[[], bool] | None = None,
        limiter: SlotGate | None = None,
        batch: bool = False,
    ) -> ApiResponse:
        """Send one logical request, retrying per the policy; return the decoded 2xx answer.

        ``auth`` is called before every attempt, so a refreshed token is picked up. On a 401 (QBO 3200)
        ``on_auth_failure`` is called once; when it returns True (credentials renewed) the request is
        sent again without counting as a retry.

        Raises
        ------
        wixqb_nb.errors.ApiError
            A subclass chosen by :func:`make_status_error`, ``ApiConnectionError``/``ApiTimeoutError``
            when no answer came, ``ApiDecodeError`` when a 2xx body cannot be parsed.
        """
        attempt = 0
        auth_renewed = False
        while True:
            try:
                response = self._send_once(
                    method, url, params, content, headers, auth, limiter, batch, attempt
                )
                return ApiResponse(
                    response.status_code, self._decode_ok(response, method, url), response.headers, attempt
                )
            except errors.AuthenticationError:
                if on_auth_failure is None or auth_renewed or not on_auth_failure():
                    raise
                auth_renewed = True
                log_event(
                    logging.INFO,
                    "http.auth_renewed",
                    service=self.service,
                    method=method,
                    url=redact_url(url),
                )
            except errors.ApiError as exc:
                if attempt >= self.retry.max_retries or not is_retryable(exc, retry_safe=retry_safe):
                    raise
                retry_after = getattr(exc, "retry_after", None)
                delay = (
                    min(retry_after, self.retry.retry_after_max_s)
                    if retry_after is not None
                    else self.retry.backoff(attempt, self.rng)
                )
                log_event(
                    logging.WARNING,
                    "http.retry",
                    service=self.service,
                    method=method,
                    url=redact_url(url),
                    attempt=attempt + 1,
                    delay_s=round(delay, 3),
                    reason=type(exc).__name__,
                    status=getattr(exc, "status_code", None),
                )
                attempt += 1
                self.retries_total += 1
                self.sleep(delay)

    def _send_once(
        self,
        method: str,
        url: str,
        params: Mapping[str, str | int] | None,
        content: str | bytes | None,
        headers: Mapping[str, str] | None,
        auth: Callable[[], Mapping[str, str]] | None,
        limiter: SlotGate | None,
        batch: bool,
        attempt: int,
    ) -> httpx.Response:
        all_headers = dict(headers or {})
        if auth is not None:
            all_headers.update(auth())
        safe_url = redact_url(url)
        if limiter is not None:
            limiter.acquire(batch=batch)
        started = time.perf_counter()
        try:
            response = self.http.request(method, url, params=params, content=content, headers=all_headers)
        except httpx.TimeoutException as exc:
            raise errors.ApiTimeoutError(
                f"{self.service}: no answer in time for {method} {safe_url}",
                service=self.service,
                method=method,
                url=safe_url,
            ) from exc
        except httpx.TransportError as exc:
            raise errors.ApiConnectionError(
                f"{self.service}: connection failed for {method} {safe_url}: {type(exc).__name__}",
                service=self.service,
                method=method,
                url=safe_url,
            ) from exc
        finally:
            if limiter is not None:
                limiter.release()
        log_event(
            logging.DEBUG,
            "http.request",
            service=self.service,
            method=method,
            url=redact_url(str(response.request.url)),
            status=response.status_code,
            elapsed_ms=round((time.perf_counter() - started) * 1000, 1),
            attempt=attempt,
        )
        if response.status_code >= 400:
            raise make_status_error(
                response, service=self.service, method=method, url=safe_url, now=self.clock()
            )
        return response

    def _decode_ok(self, response: httpx.Response, method: str, url: str) -> Any:
        safe_url = redact_url(url)
        try:
            data = decode_body(response)
        except (JSONDecodeError, UnicodeDecodeError) as exc:
            text = response.text.lstrip() if response.content else ""
            if text.startswith("<") and _faults.faults_from_xml(text):
                raise make_status_error(
                    response, service=self.service, method=method, url=safe_url, now=self.clock()
                ) from exc
            raise errors.ApiDecodeError(
                f"{self.service}: unreadable JSON answer to {method} {safe_url} ({exc.msg} at {exc.pos})"
                if isinstance(exc, JSONDecodeError)
                else f"{self.service}: answer to {method} {safe_url} is not UTF-8",
                service=self.service,
                method=method,
                url=safe_url,
                body=response.content[:2000],
            ) from exc
        if _faults.faults_from_json(data) is not None:
            raise make_status_error(
                response, service=self.service, method=method, url=safe_url, now=self.clock()
            )
        return data
