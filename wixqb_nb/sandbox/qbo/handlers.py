"""The ``/v3/company/{realm}/...`` operations on one company, free of HTTP plumbing.

``handle`` returns ``(status, payload)`` or raises :class:`QboFault`; the app adds ``time``,
serialises with ``money.dumps`` and takes care of auth, throttles, faults and ``requestid``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from wixqb_nb import money
from wixqb_nb.sandbox.qbo import faults
from wixqb_nb.sandbox.qbo.company import ALL_TYPES, QboCompany
from wixqb_nb.sandbox.qbo.faults import QboFault

URL_NAMES = {t.lower(): t for t in ALL_TYPES}
BATCH_LIMIT = 30
CDC_LIMIT = 1000


def handle(
    company: QboCompany, method: str, rest: str, params: dict[str, str], body: bytes
) -> tuple[int, dict[str, Any]]:
    parts = [p for p in rest.split("/") if p]
    if not parts:
        raise faults.unsupported("no operation in the URL")
    name = parts[0].lower()
    if name == "query":
        text = params.get("query", "") if method == "GET" else body.decode("utf-8", "replace")
        return 200, {"QueryResponse": company.run_query(text)}
    if name == "batch" and method == "POST":
        return 200, batch(company, _json(body))
    if name == "cdc" and method == "GET":
        return 200, cdc(company, params)
    if name == "companyinfo" and method == "GET":
        return 200, {"CompanyInfo": {**company.company_info, "domain": "QBO", "SyncToken": "0"}}
    if name == "preferences" and method == "GET":
        return 200, {"Preferences": {**company.preferences, "domain": "QBO", "SyncToken": "0"}}
    kind = URL_NAMES.get(name)
    if kind is None:
        raise faults.unsupported(f"Unsupported Operation: {parts[0]} is not a supported entity")
    if method == "GET":
        if len(parts) < 2:
            raise faults.unsupported(f"GET /{name} needs an Id")
        return 200, {kind: company.read(kind, parts[1])}
    payload = _json(body)
    inner = payload.get(kind)
    obj: dict[str, Any] = inner if isinstance(inner, dict) else payload
    return 200, {kind: _write(company, kind, obj, params.get("operation"), params.get("include"))}


def _write(
    company: QboCompany,
    kind: str,
    obj: dict[str, Any],
    operation: str | None,
    include: str | None,
    hidden: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    op = (operation or "").lower()
    if op == "delete":
        return company.delete(kind, obj)
    if op == "void" or (op == "update" and (include or "").lower() == "void"):
        return company.void(kind, obj)
    if op not in ("", "create", "update"):
        raise faults.unsupported(f"Operation {operation} is not supported")
    if obj.get("Id") not in (None, ""):
        return company.update(kind, obj, hidden)
    return company.create(kind, obj, hidden)


def _json(body: bytes) -> dict[str, Any]:
    try:
        payload = money.loads(body or b"{}")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise faults.validation(
            "2010",
            "Request has invalid or unsupported property",
            f"The request body is not valid JSON: {exc}",
        ) from exc
    if not isinstance(payload, dict):
        raise faults.validation(
            "2010", "Request has invalid or unsupported property", "The body must be an object"
        )
    return payload


def batch(company: QboCompany, payload: dict[str, Any]) -> dict[str, Any]:
    """Run up to 30 items; each succeeds or fails alone, and none sees the others' creates."""
    items = payload.get("BatchItemRequest")
    if not isinstance(items, list):
        raise faults.required("BatchItemRequest")
    if len(items) > BATCH_LIMIT:
        raise faults.batch_too_large(len(items), BATCH_LIMIT)
    created: set[str] = set()
    out = []
    for item in items:
        bid = item.get("bId") if isinstance(item, dict) else None
        try:
            if not isinstance(item, dict):
                raise faults.validation(
                    "2010", "Request has invalid or unsupported property", "item is not an object"
                )
            if "Query" in item:
                result: dict[str, Any] = {"QueryResponse": company.run_query(str(item["Query"]))}
            else:
                kind = next((k for k in item if k in ALL_TYPES), None)
                if kind is None or not isinstance(item[kind], dict):
                    raise faults.validation(
                        "2010", "Request has invalid or unsupported property", "no entity in the batch item"
                    )
                operation = str(item.get("operation") or "create")
                include = "void" if operation == "void" else None
                doc = _write(company, kind, item[kind], operation, include, frozenset(created))
                if operation == "create":
                    created.add(f"{kind}:{doc['Id']}")
                result = {kind: doc}
        except QboFault as fault:
            result = {"Fault": fault.fault_json()}
        out.append({**result, "bId": bid})
    return {"BatchItemResponse": out}


def cdc(company: QboCompany, params: dict[str, str]) -> dict[str, Any]:
    names = [n.strip() for n in params.get("entities", "").split(",") if n.strip()]
    if not names:
        raise faults.required("entities")
    kinds = []
    for n in names:
        if n.lower() not in URL_NAMES:
            raise faults.query_parser(f"Invalid entity name {n!r} in entities")
        kinds.append(URL_NAMES[n.lower()])
    since_text = params.get("changedSince", "")
    if not since_text:
        raise faults.required("changedSince")
    try:
        since = datetime.fromisoformat(since_text if len(since_text) > 10 else since_text + "T00:00:00+00:00")
    except ValueError as exc:
        raise faults.validation(
            "2010", "Invalid changedSince", f"changedSince {since_text!r}", "changedSince"
        ) from exc
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    responses = []
    for kind, rows in company.changes(kinds, since.timestamp(), CDC_LIMIT):
        responses.append({kind: rows, "startPosition": 1, "maxResults": len(rows)} if rows else {})
    return {"CDCResponse": [{"QueryResponse": responses}]}
