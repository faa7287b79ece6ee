"""The QBO ASGI app: ``build_qbo_app(service)``, mounted by the outer server under ``/qbo``.

Routes (relative to the mount): ``/v3/company/{realm}/...`` (entities, query, batch, cdc,
companyinfo, preferences), ``/oauth2/v1/tokens/bearer``, ``/oauth2/v1/tokens/revoke`` and
``/v2/oauth2/tokens/revoke``, ``/connect/oauth2`` (authorize page) and
``/.well-known/openid_configuration``.

Each API request goes: bearer token (401/3200, 403/3100) -> realm throttles (429/3001, JSON or XML)
-> fault draw (latency; 5xx; dropped; or lost after commit) -> ``requestid`` replay -> handler.
"""

from __future__ import annotations

import asyncio
import base64
import html
import json
from typing import Any
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from wixqb_nb import money
from wixqb_nb.sandbox.qbo import faults
from wixqb_nb.sandbox.qbo.faults import QboFault, qbo_time
from wixqb_nb.sandbox.qbo.handlers import handle
from wixqb_nb.sandbox.qbo.oauth import OAuthError
from wixqb_nb.sandbox.qbo.service import QboService

JSON = "application/json"


class DroppedConnection(Response):
    """Starts a response and never finishes it: uvicorn then closes the connection mid-answer."""

    def __init__(self) -> None:
        super().__init__(b"", 200)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", JSON.encode()), (b"content-length", b"4096")],
            }
        )


def fault_response(fault: QboFault, now: float) -> Response:
    return Response(money.dumps(fault.body(now)), fault.status, headers=fault.headers, media_type=JSON)


def build_qbo_app(service: QboService) -> Starlette:
    """The QBO emulator as a Starlette app serving ``service`` (see :class:`QboService`)."""

    async def api(request: Request) -> Response:
        now = service.clock()
        realm = request.path_params["realm"]
        rest = request.path_params["rest"]
        token = _bearer(request)
        token_realm = service.oauth.check_access(token, now) if token else None
        if token_realm is None:
            return fault_response(faults.authentication(), now)
        company = service.company(realm)
        if company is None or token_realm != realm:
            return fault_response(faults.authorization(), now)
        is_batch = rest.strip("/").lower() == "batch"
        is_write = request.method == "POST" and rest.strip("/").lower() != "query"
        limiter = service.limiter(realm)
        wait = limiter.acquire(service.limits, now, is_batch)
        if wait is not None:
            throttle = faults.throttled(wait)
            if service.faults.throttle_as_xml():
                xml = faults.THROTTLE_XML.format(time=qbo_time(now))
                return Response(xml, 429, headers=throttle.headers, media_type="application/xml")
            return fault_response(throttle, now)
        try:
            outcome, latency = service.faults.draw(is_write)
            if latency:
                await asyncio.sleep(latency)
            if outcome == "error":
                return fault_response(faults.system_failure(), service.clock())
            if outcome == "drop":
                return DroppedConnection()
            request_id = request.query_params.get("requestid") if request.method == "POST" else None
            if request_id:
                cached = service.recall(realm, request_id)
                if cached is not None:
                    return Response(cached, 200, media_type=JSON)
            body = await request.body()
            try:
                status, payload = handle(company, request.method, rest, dict(request.query_params), body)
            except QboFault as fault:
                return fault_response(fault, service.clock())
            payload["time"] = qbo_time(service.clock())
            text = money.dumps(payload).encode()
            if request_id and status == 200:
                service.remember(realm, request_id, text)
            if outcome == "lost":
                return DroppedConnection()
            return Response(text, status, media_type=JSON)
        finally:
            limiter.release()

    async def token(request: Request) -> Response:
        form = await request.form()
        client_id, secret = _basic(request)
        if not client_id:
            client_id, secret = str(form.get("client_id") or ""), str(form.get("client_secret") or "")
        now = service.clock()
        try:
            client = service.oauth.authenticate(client_id, secret)
            grant = form.get("grant_type")
            if grant == "authorization_code":
                tokens = service.oauth.exchange_code(
                    client, str(form.get("code") or ""), str(form.get("redirect_uri") or ""), now
                )
            elif grant == "refresh_token":
                tokens = service.oauth.use_refresh(client, str(form.get("refresh_token") or ""), now)
            else:
                raise OAuthError("unsupported_grant_type")
        except OAuthError as exc:
            return JSONResponse({"error": exc.error}, exc.status)
        return JSONResponse(tokens.to_json(), headers={"Cache-Control": "no-store"})

    async def revoke(request: Request) -> Response:
        client_id, secret = _basic(request)
        try:
            service.oauth.authenticate(client_id, secret)
        except OAuthError as exc:
            return JSONResponse({"error": exc.error}, exc.status)
        raw = await request.body()
        tok = ""
        if raw.strip().startswith(b"{"):
            tok = str(json.loads(raw).get("token") or "")
        else:
            tok = str((await request.form()).get("token") or "")
        if not tok:
            return JSONResponse({"error": "invalid_request"}, 400)
        service.revoke_refresh_token(tok)
        return Response(b"", 200)

    async def authorize(request: Request) -> Response:
        params: dict[str, Any] = dict(request.query_params)
        if request.method == "POST":
            params.update({k: str(v) for k, v in (await request.form()).items()})
        client_id = str(params.get("client_id") or "")
        redirect_uri = str(params.get("redirect_uri") or "")
        if params.get("response_type", "code") != "code" or not redirect_uri:
            return HTMLResponse("<h1>invalid_request</h1>", 400)
        realm = str(params.get("realm_id") or service.default_realm or "")
        approve = request.method == "POST" or str(params.get("auto_approve", "")).lower() in (
            "1",
            "true",
            "yes",
        )
        if approve:
            try:
                code = service.oauth.issue_code(client_id, redirect_uri, realm, service.clock())
            except OAuthError as exc:
                return HTMLResponse(f"<h1>{exc.error}</h1>", 400)
            sep = "&" if "?" in redirect_uri else "?"
            query = urlencode({"code": code, "state": params.get("state", ""), "realmId": realm})
            return RedirectResponse(f"{redirect_uri}{sep}{query}", 302)
        if client_id not in service.oauth.clients:
            return HTMLResponse("<h1>invalid_client</h1>", 400)
        return HTMLResponse(_authorize_page(params, list(service.companies)))

    async def discovery(request: Request) -> Response:
        base = str(request.url.replace(query="")).removesuffix("/.well-known/openid_configuration")
        return JSONResponse(
            {
                "issuer": "https://oauth.platform.intuit.com/op/v1",
                "authorization_endpoint": f"{base}/connect/oauth2",
                "token_endpoint": f"{base}/oauth2/v1/tokens/bearer",
                "revocation_endpoint": f"{base}/oauth2/v1/tokens/revoke",
                "userinfo_endpoint": f"{base}/v1/openid_connect/userinfo",
                "jwks_uri": f"{base}/oauth2/v1/keys",
            }
        )

    routes = [
        Route("/v3/company/{realm}/{rest:path}", api, methods=["GET", "POST"]),
        Route("/oauth2/v1/tokens/bearer", token, methods=["POST"]),
        Route("/oauth2/v1/tokens/revoke", revoke, methods=["POST"]),
        Route("/v2/oauth2/tokens/revoke", revoke, methods=["POST"]),
        Route("/connect/oauth2", authorize, methods=["GET", "POST"]),
        Route("/.well-known/openid_configuration", discovery, methods=["GET"]),
    ]
    return Starlette(routes=routes)


def _bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    return header[7:].strip() if header.lower().startswith("bearer ") else ""


def _basic(request: Request) -> tuple[str, str]:
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("basic "):
        return "", ""
    try:
        decoded = base64.b64decode(header[6:].strip()).decode()
    except (ValueError, UnicodeDecodeError):
        return "", ""
    client_id, _, secret = decoded.partition(":")
    return client_id, secret


def _authorize_page(params: dict[str, Any], realms: list[str]) -> str:
    hidden = "".join(
        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(str(params.get(k, "")))}">'
        for k in ("client_id", "redirect_uri", "response_type", "scope", "state")
    )
    options = "".join(f'<option value="{html.escape(r)}">{html.escape(r)}</option>' for r in realms)
    return (
        "<!doctype html><html><head><title>Connect to QuickBooks (sandbox)</title></head><body>"
        "<h1>Connect your app to QuickBooks Online (sandbox)</h1>"
        f"<p>App <b>{html.escape(str(params.get('client_id', '')))}</b> asks for "
        f"<code>{html.escape(str(params.get('scope', '')))}</code>.</p>"
        f'<form method="post">{hidden}<label>Company <select name="realm_id">{options}</select></label> '
        '<button type="submit" id="connect">Connect</button></form></body></html>'
    )
