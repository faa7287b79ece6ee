"""Stores catalog v1 Query Products: filter and sort as JSON strings, offset paging (wix_api.md §5.2)."""

from __future__ import annotations

from typing import Any

from wixqb_nb import money
from wixqb_nb.sandbox.wix.query import QueryError, SortKey, compile_filter, sort_value

MAX_LIMIT = 100


def _parse_json_field(value: Any, name: str) -> Any:
    """Stores v1 sends ``filter`` and ``sort`` as JSON *strings*; objects are accepted too."""
    if isinstance(value, str):
        if not value.strip():
            return None
        try:
            return money.loads(value)
        except ValueError as exc:
            raise QueryError(f"query.{name} is not valid JSON", f"query.{name}") from exc
    return value


def _sort_spec(sort: Any) -> list[tuple[str, bool]]:
    """``[{"name": "asc"}]`` (Stores v1) or ``[{"fieldName", "order"}]`` to ``[(field, desc)]``."""
    if sort is None:
        return []
    if not isinstance(sort, list):
        raise QueryError("query.sort must be a list", "query.sort")
    out = []
    for item in sort:
        if not isinstance(item, dict) or not item:
            raise QueryError("bad sort entry", "query.sort")
        if "fieldName" in item:
            out.append((str(item["fieldName"]), str(item.get("order", "ASC")).upper() == "DESC"))
        else:
            for name, direction in item.items():
                out.append((str(name), str(direction).lower() == "desc"))
    return out


def query_products(products: list[dict[str, Any]], body: Any) -> dict[str, Any]:
    """Answer ``POST /stores/v1/products/query``: ``{"products", "metadata": {items, offset}, "totalResults"}``."""
    if not isinstance(body, dict):
        raise QueryError("body must be an object")
    query = body.get("query") or {}
    flt = _parse_json_field(query.get("filter"), "filter")
    sort = _sort_spec(_parse_json_field(query.get("sort"), "sort"))
    paging = query.get("paging") or {}
    limit, offset = paging.get("limit", MAX_LIMIT), paging.get("offset", 0)
    if not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise QueryError(f"paging.limit must be between 1 and {MAX_LIMIT}", "query.paging.limit")
    if not isinstance(offset, int) or offset < 0:
        raise QueryError("paging.offset must not be negative", "query.paging.offset")
    predicate = compile_filter(flt)
    hidden = bool(body.get("includeHiddenProducts"))
    matches = [p for p in products if (hidden or p.get("visible", True) is not False) and predicate(p)]
    if sort:
        desc = tuple(d for _, d in sort)
        matches.sort(key=lambda p: SortKey(tuple(sort_value(p, f) for f, _ in sort), desc))
    page = matches[offset : offset + limit]
    if not body.get("includeVariants"):
        page = [{k: v for k, v in p.items() if k != "variants"} for p in page]
    return {
        "products": page,
        "metadata": {"items": len(page), "offset": offset},
        "totalResults": len(matches),
    }
