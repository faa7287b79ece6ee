"""Build QBO query statements with every value escaped (no injection, whatever the value holds).

QBO's SQL subset takes string literals in single quotes with ``\\'`` for a quote (qbo_api.md §4.1).
Backslashes are escaped first so a value ending in ``\\`` cannot swallow the closing quote. Unicode is
kept as is (the statement travels as UTF-8). Field and entity names are checked against a strict
pattern: they come from code, never from data.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from wixqb_nb.errors import ConfigError

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$")
_OPS = {"=", "<", ">", "<=", ">=", "IN", "LIKE"}


def quote(value: Any) -> str:
    """Render ``value`` as a QBO literal: strings quoted and escaped; numbers, booleans and dates plain."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, float):
        raise TypeError("refusing a float in a query; use Decimal")
    if isinstance(value, dt.datetime):
        return quote(value.isoformat())
    if isinstance(value, dt.date):
        return quote(value.isoformat())
    if isinstance(value, str):
        # QBO rejects NUL and other control characters; a value holding them cannot match anything legal.
        cleaned = "".join(ch for ch in value if ch >= " " or ch in "\t")
        escaped = cleaned.replace("\\", "\\\\").replace("'", "\\'")
        return f"'{escaped}'"
    raise TypeError(f"cannot use {type(value).__name__} in a QBO query")


def name(field: str) -> str:
    """Validate an entity or field name (``MetaData.LastUpdatedTime`` is fine, ``x'--`` is not)."""
    if not _NAME.match(field):
        raise ConfigError(f"not a QBO field or entity name: {field!r}")
    return field


def condition(field: str, op: str, value: Any) -> str:
    """One ``field op value`` term; ``IN`` takes an iterable of values."""
    op_u = op.upper()
    if op_u not in _OPS:
        raise ConfigError(f"unsupported QBO query operator {op!r}")
    if op_u == "IN":
        values = list(value) if not isinstance(value, str) else [value]
        if not values:
            raise ConfigError(f"IN on {field} needs at least one value")
        return f"{name(field)} IN ({', '.join(quote(v) for v in values)})"
    return f"{name(field)} {op_u} {quote(value)}"


def select(
    entity: str,
    conditions: Iterable[str] = (),
    *,
    order_by: str | None = None,
    descending: bool = False,
    extra_fields: Iterable[str] = (),
) -> str:
    """``SELECT * FROM entity WHERE c1 AND c2 [ORDERBY f]`` from conditions built by :func:`condition`."""
    fields = ", ".join(["*", *(name(f) for f in extra_fields)])
    sql = f"SELECT {fields} FROM {name(entity)}"
    conds = list(conditions)
    if conds:
        sql += " WHERE " + " AND ".join(conds)
    if order_by:
        sql += f" ORDERBY {name(order_by)}{' DESC' if descending else ''}"
    return sql


def select_where(entity: str, *, order_by: str | None = None, **equals: Any) -> str:
    """``select_where("Customer", DisplayName="O'Brien")``: equality on each keyword (lists become IN).

    ``Item`` queries add ``Sku``, which QBO returns only when asked for.
    """
    conds = [condition(f, "IN" if isinstance(v, list | tuple | set) else "=", v) for f, v in equals.items()]
    extra = ["Sku"] if entity == "Item" else []
    return select(entity, conds, order_by=order_by, extra_fields=extra)


_TAIL = re.compile(r"(\s+(STARTPOSITION|MAXRESULTS)\s+\d+)+\s*$", re.IGNORECASE)


def paged(sql: str, start: int, page_size: int) -> str:
    """``sql`` with its own STARTPOSITION/MAXRESULTS replaced by ``start`` and ``page_size``."""
    return f"{_TAIL.sub('', sql).rstrip()} STARTPOSITION {start} MAXRESULTS {page_size}"
