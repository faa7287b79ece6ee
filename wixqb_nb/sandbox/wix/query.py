"""Wix's API query language, evaluated over plain order dicts.

A filter such as ``{"$and": [{"updatedDate": {"$gte": "2024-01-01T00:00:00Z"}},
{"paymentStatus": {"$in": ["PAID"]}}]}`` is compiled once into a predicate. Values are compared
after normalising them by field kind (dates as UTC instants, order numbers as integers, money amounts
as Decimals), because Wix sends ``"number": "10135"`` and dates with or without milliseconds.

Dotted paths walk through lists: ``lineItems.catalogReference.appId`` yields one value per line, and
an operator matches when any value matches (``$ne`` / ``$nin`` when none does), which is how Wix
treats array fields.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

Predicate = Callable[[dict[str, Any]], bool]

EQ_NE_IN_NIN = frozenset({"$eq", "$ne", "$in", "$nin"})
RANGE = frozenset({"$eq", "$ne", "$gt", "$lt", "$gte", "$lte"})
ARRAY = frozenset({"$eq", "$ne", "$in", "$nin", "$hasSome", "$hasAll"})
TEXT = frozenset({"$eq", "$ne", "$in", "$exists", "$startsWith"})

#: Filterable order fields and their operators (wix_api.md §2.2, "supported filters and sorting").
ORDER_FILTERS: dict[str, frozenset[str]] = {
    "id": EQ_NE_IN_NIN,
    "number": RANGE,
    "status": EQ_NE_IN_NIN,
    "archived": frozenset({"$eq", "$ne", "$in", "$exists"}),
    "createdDate": frozenset({"$eq", "$ne", "$lt", "$lte", "$gte", "$gt", "$nin"}),
    "updatedDate": RANGE,
    "purchasedDate": RANGE,
    "lineItems.productName.original": ARRAY,
    "lineItems.catalogReference.appId": ARRAY,
    "lineItems.catalogReference.catalogItemId": ARRAY,
    "subscriptionInfo.id": EQ_NE_IN_NIN,
    "buyerInfo.contactId": EQ_NE_IN_NIN,
    "buyerInfo.memberId": EQ_NE_IN_NIN,
    "buyerInfo.email": TEXT,
    "paymentStatus": EQ_NE_IN_NIN,
    "fulfillmentStatus": EQ_NE_IN_NIN,
    "priceSummary.total.amount": RANGE,
    "billingInfo.contactDetails.fullName": TEXT,
    "shippingInfo.title": EQ_NE_IN_NIN,
    "shippingInfo.region.name": EQ_NE_IN_NIN,
    "createdBy.userId": EQ_NE_IN_NIN,
    "channelInfo.type": EQ_NE_IN_NIN,
    "channelInfo.externalOrderId": EQ_NE_IN_NIN,
    "checkoutId": EQ_NE_IN_NIN,
    "paymentMethods": ARRAY,
    "seenByAHuman": frozenset({"$eq", "$ne"}),
}

ORDER_SORTS = frozenset(
    {
        "number",
        "status",
        "createdDate",
        "updatedDate",
        "buyerInfo.email",
        "paymentStatus",
        "fulfillmentStatus",
    }
)

DATE_FIELDS = frozenset({"createdDate", "updatedDate", "purchasedDate", "lastUpdated"})
INT_FIELDS = frozenset({"number", "numericId"})
DECIMAL_FIELDS = frozenset({"priceSummary.total.amount"})

ALL_OPERATORS = frozenset(
    {
        "$eq",
        "$ne",
        "$in",
        "$nin",
        "$gt",
        "$gte",
        "$lt",
        "$lte",
        "$exists",
        "$startsWith",
        "$hasSome",
        "$hasAll",
    }
)


class QueryError(ValueError):
    """A filter, sort or cursor the API rejects (answered with 400 and Wix's validation error body)."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def normalize(field: str, value: Any) -> Any:
    """Return ``value`` in a form that compares correctly for ``field`` (dates, numbers, amounts)."""
    if value is None or isinstance(value, bool):
        return value
    last = field.rsplit(".", 1)[-1]
    try:
        if last in DATE_FIELDS and isinstance(value, str):
            return datetime.fromisoformat(value).astimezone(UTC)
        if last in INT_FIELDS or field in INT_FIELDS:
            return int(value)
        if field in DECIMAL_FIELDS:
            return Decimal(str(value))
    except (ValueError, InvalidOperation) as exc:
        raise QueryError(f"invalid value {value!r} for field {field}", field) from exc
    return value


def path_values(obj: Any, parts: list[str]) -> Iterator[Any]:
    """Yield every value at the dotted path ``parts`` in ``obj``, walking into lists."""
    if not parts:
        if isinstance(obj, list):
            yield from obj
        elif obj is not None:
            yield obj
        return
    if isinstance(obj, list):
        for item in obj:
            yield from path_values(item, parts)
    elif isinstance(obj, dict):
        if parts[0] in obj:
            yield from path_values(obj[parts[0]], parts[1:])


def _derived(order: dict[str, Any], field: str) -> list[Any] | None:
    """Fields Wix derives rather than stores: ``billingInfo.contactDetails.fullName``."""
    if field == "billingInfo.contactDetails.fullName":
        details = (order.get("billingInfo") or {}).get("contactDetails") or {}
        name = " ".join(p for p in (details.get("firstName"), details.get("lastName")) if p)
        return [name] if name else []
    return None


def field_values(order: dict[str, Any], field: str, extra: dict[str, list[Any]] | None = None) -> list[Any]:
    """Normalised values of ``field`` in ``order``; ``extra`` supplies fields computed elsewhere."""
    if extra is not None and field in extra:
        raw: list[Any] = extra[field]
    else:
        derived = _derived(order, field)
        raw = derived if derived is not None else list(path_values(order, field.split(".")))
    out = []
    for v in raw:
        try:
            out.append(normalize(field, v))
        except QueryError:
            out.append(v)
    return out


def _compare(op: str, have: Any, want: Any) -> bool:
    try:
        if op == "$gt":
            return bool(have > want)
        if op == "$gte":
            return bool(have >= want)
        if op == "$lt":
            return bool(have < want)
        return bool(have <= want)
    except TypeError:
        return False


def _operator(field: str, op: str, arg: Any) -> Callable[[list[Any]], bool]:
    """Return a test over a field's normalised values for one operator."""
    if op in ("$in", "$nin", "$hasSome", "$hasAll"):
        if not isinstance(arg, list):
            raise QueryError(f"{op} on {field} needs a list", field)
        wanted = [normalize(field, a) for a in arg]
        if op == "$in" or op == "$hasSome":
            return lambda vals: any(v in wanted for v in vals)
        if op == "$nin":
            return lambda vals: not any(v in wanted for v in vals)
        return lambda vals: all(w in vals for w in wanted)
    if op == "$exists":
        flag = bool(arg)
        return lambda vals: (len(vals) > 0) == flag
    if op == "$startsWith":
        if not isinstance(arg, str):
            raise QueryError(f"$startsWith on {field} needs a string", field)
        return lambda vals: any(isinstance(v, str) and v.startswith(arg) for v in vals)
    want = normalize(field, arg)
    if op == "$eq":
        return lambda vals: want in vals if want is not None else not vals
    if op == "$ne":
        return lambda vals: want not in vals if want is not None else bool(vals)
    return lambda vals: any(_compare(op, v, want) for v in vals)


def compile_filter(
    flt: Any,
    allowed: dict[str, frozenset[str]] | None = None,
    extra: Callable[[dict[str, Any]], dict[str, list[Any]]] | None = None,
) -> Predicate:
    """Compile a Wix filter object into a predicate over order dicts.

    ``allowed`` restricts fields and operators (orders: :data:`ORDER_FILTERS`); ``None`` allows any
    field (the Stores catalog). ``extra(order)`` provides derived multi-valued fields such as
    ``paymentMethods``, which Wix aggregates from the order's transactions.
    """
    if flt is None or flt == {}:
        return lambda _o: True
    if not isinstance(flt, dict):
        raise QueryError("filter must be an object")
    tests: list[Predicate] = []
    for key, value in flt.items():
        if key in ("$and", "$or"):
            if not isinstance(value, list) or not value:
                raise QueryError(f"{key} needs a non-empty list of filters")
            subs = [compile_filter(v, allowed, extra) for v in value]
            tests.append(_all_of(subs) if key == "$and" else _any_of(subs))
        elif key == "$not":
            tests.append(_none_of([compile_filter(value, allowed, extra)]))
        elif key.startswith("$"):
            raise QueryError(f"unknown operator {key}")
        else:
            tests.append(_field_test(key, value, allowed, extra))
    return lambda o: all(t(o) for t in tests)


def _all_of(subs: list[Predicate]) -> Predicate:
    return lambda o: all(s(o) for s in subs)


def _any_of(subs: list[Predicate]) -> Predicate:
    return lambda o: any(s(o) for s in subs)


def _none_of(subs: list[Predicate]) -> Predicate:
    return lambda o: not any(s(o) for s in subs)


def _field_test(
    field: str,
    cond: Any,
    allowed: dict[str, frozenset[str]] | None,
    extra: Callable[[dict[str, Any]], dict[str, list[Any]]] | None,
) -> Predicate:
    ops = cond if isinstance(cond, dict) and cond and all(k.startswith("$") for k in cond) else {"$eq": cond}
    if allowed is not None and field not in allowed:
        raise QueryError(f"field {field} is not filterable", field)
    checks = []
    for op, arg in ops.items():
        if op not in ALL_OPERATORS:
            raise QueryError(f"unknown operator {op} on {field}", field)
        if allowed is not None and op not in allowed[field]:
            raise QueryError(f"operator {op} is not supported on {field}", field)
        checks.append(_operator(field, op, arg))
    needs_extra = extra is not None

    def test(order: dict[str, Any]) -> bool:
        vals = field_values(order, field, extra(order) if needs_extra and extra is not None else None)
        return all(c(vals) for c in checks)

    return test


def parse_sort(sort: Any, allowed: frozenset[str] | None) -> list[tuple[str, bool]]:
    """Validate a Wix sort list ``[{"fieldName", "order"}]``; return ``[(field, descending)]``."""
    if sort is None:
        return []
    if not isinstance(sort, list):
        raise QueryError("sort must be a list")
    out: list[tuple[str, bool]] = []
    for item in sort:
        if not isinstance(item, dict) or not isinstance(item.get("fieldName"), str):
            raise QueryError("each sort entry needs a fieldName")
        name = item["fieldName"]
        order = str(item.get("order", "ASC")).upper()
        if order not in ("ASC", "DESC"):
            raise QueryError(f"sort order must be ASC or DESC, not {order}", name)
        if allowed is not None and name not in allowed:
            raise QueryError(f"field {name} is not sortable", name)
        out.append((name, order == "DESC"))
    return out


def sort_value(order: dict[str, Any], field: str) -> Any:
    """The single normalised value an order sorts by on ``field`` (None when missing)."""
    vals = field_values(order, field)
    return vals[0] if vals else None


class SortKey:
    """A comparable key over several fields with mixed directions; missing values sort first (ASC)."""

    __slots__ = ("values", "desc")

    def __init__(self, values: tuple[Any, ...], desc: tuple[bool, ...]) -> None:
        self.values = values
        self.desc = desc

    def _cmp(self, other: SortKey) -> int:
        for a, b, d in zip(self.values, other.values, self.desc, strict=True):
            if a == b:
                continue
            if a is None:
                c = -1
            elif b is None:
                c = 1
            else:
                try:
                    c = -1 if a < b else 1
                except TypeError:
                    c = -1 if str(a) < str(b) else 1
            return -c if d else c
        return 0

    def __lt__(self, other: SortKey) -> bool:
        return self._cmp(other) < 0

    def __gt__(self, other: SortKey) -> bool:
        return self._cmp(other) > 0

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SortKey) and self._cmp(other) == 0

    def __hash__(self) -> int:
        return hash(self.values)
