"""QBO's SQL subset (qbo_api.md §4.1): parse a statement, then filter, sort and page entities.

Grammar::

    SELECT ( * [, Field]* | COUNT(*) ) FROM Entity
      [WHERE cond (AND cond)*] [ORDERBY|ORDER BY field [ASC|DESC] (, ...)*]
      [STARTPOSITION n] [MAXRESULTS n]
    cond := field (= | < | > | <= | >= ) literal | field IN (literal, ...) | field LIKE 'pat%'

Keywords, entity and field names are case-insensitive; strings use single quotes with ``\\'``
escapes; there is no OR, NOT, JOIN or projection (only ``*, Sku`` on Item). Errors are code 4000.
String comparisons with ``=``/``IN``/``LIKE`` ignore case, as QBO's do. A reference field (e.g.
``CustomerRef``) compares by its ``value``; ``MetaData.LastUpdatedTime`` compares as a datetime.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from wixqb_nb.sandbox.qbo import faults

MAX_RESULTS = 1000
DEFAULT_RESULTS = 100

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<str>'(?:\\.|[^'\\])*')
    | (?P<num>-?\d+(?:\.\d+)?)
    | (?P<op><=|>=|!=|<>|=|<|>)
    | (?P<punct>[(),*])
    | (?P<word>[A-Za-z_][A-Za-z0-9_.]*)
    )""",
    re.VERBOSE,
)
Literal = str | Decimal | bool


@dataclass(frozen=True)
class Condition:
    path: tuple[str, ...]
    op: str  # = < > <= >= IN LIKE
    values: tuple[Literal, ...]


@dataclass(frozen=True)
class Query:
    entity: str
    count: bool = False
    extra: tuple[str, ...] = ()
    where: tuple[Condition, ...] = ()
    order: tuple[tuple[tuple[str, ...], bool], ...] = ()  # (path, descending)
    start: int = 1
    max_results: int = DEFAULT_RESULTS
    fields: frozenset[str] = field(default_factory=frozenset)

    def mentions(self, name: str) -> bool:
        """Whether a condition is on the top-level field ``name`` (case-insensitive)."""
        return any(c.path[0].lower() == name.lower() for c in self.where)


def tokenize(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    text = text.strip().rstrip(";")
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            if text[pos:].strip() == "":
                break
            raise faults.query_parser(
                f"Encountered unexpected text at column {pos + 1}: {text[pos : pos + 20]!r}"
            )
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


class _Parser:
    def __init__(self, text: str, entities: Iterable[str]) -> None:
        self.tokens = tokenize(text)
        self.pos = 0
        self.entities = {e.lower(): e for e in entities}

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else ("eof", "")

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        self.pos += 1
        return tok

    def keyword(self, word: str) -> bool:
        kind, value = self.peek()
        if kind == "word" and value.upper() == word:
            self.pos += 1
            return True
        return False

    def expect_keyword(self, word: str) -> None:
        if not self.keyword(word):
            raise faults.query_parser(f"Encountered {self.peek()[1]!r}, expected {word}")

    def expect_punct(self, char: str) -> None:
        if self.take() != ("punct", char):
            raise faults.query_parser(f"expected {char!r}")

    def integer(self, what: str) -> int:
        kind, value = self.take()
        if kind != "num" or not value.isdigit():
            raise faults.query_parser(f"{what} needs a positive integer")
        return int(value)

    def parse(self) -> Query:
        self.expect_keyword("SELECT")
        count = False
        extra: list[str] = []
        if self.keyword("COUNT"):
            self.expect_punct("(")
            self.expect_punct("*")
            self.expect_punct(")")
            count = True
        else:
            self.expect_punct("*")
            while self.peek() == ("punct", ","):
                self.take()
                kind, value = self.take()
                if kind != "word":
                    raise faults.query_parser("expected a field name after ','")
                extra.append(value)
        self.expect_keyword("FROM")
        kind, name = self.take()
        entity = self.entities.get(name.lower()) if kind == "word" else None
        if entity is None:
            raise faults.query_parser(f"Invalid entity name {name!r}")
        if extra and (entity != "Item" or [e.lower() for e in extra] != ["sku"]):
            raise faults.query_parser("projections are not supported (only 'select *, Sku from Item')")
        where: list[Condition] = []
        if self.keyword("WHERE"):
            where.append(self.condition())
            while True:
                if self.keyword("AND"):
                    where.append(self.condition())
                elif self.peek()[0] == "word" and self.peek()[1].upper() in ("OR", "NOT"):
                    raise faults.query_parser(f"{self.peek()[1].upper()} is not supported; use AND or IN")
                else:
                    break
        order: list[tuple[tuple[str, ...], bool]] = []
        if self.keyword("ORDERBY") or (self.keyword("ORDER") and self._by()):
            while True:
                kind, value = self.take()
                if kind != "word":
                    raise faults.query_parser("ORDERBY needs a field")
                desc = False
                if self.keyword("DESC"):
                    desc = True
                else:
                    self.keyword("ASC")
                order.append((tuple(value.split(".")), desc))
                if self.peek() != ("punct", ","):
                    break
                self.take()
        start, maximum = 1, DEFAULT_RESULTS
        for _ in range(2):
            if self.keyword("STARTPOSITION"):
                start = self.integer("STARTPOSITION")
            elif self.keyword("MAXRESULTS"):
                maximum = self.integer("MAXRESULTS")
        if self.peek()[0] != "eof":
            raise faults.query_parser(f"Encountered unexpected {self.peek()[1]!r}")
        if start < 1:
            raise faults.query_parser("STARTPOSITION starts at 1")
        if maximum > MAX_RESULTS or maximum < 1:
            raise faults.query_parser(f"MAXRESULTS must be between 1 and {MAX_RESULTS}")
        return Query(entity, count, tuple(extra), tuple(where), tuple(order), start, maximum)

    def _by(self) -> bool:
        self.expect_keyword("BY")
        return True

    def condition(self) -> Condition:
        kind, name = self.take()
        if kind != "word" or name.upper() in ("AND", "OR", "NOT"):
            raise faults.query_parser(f"expected a field name, got {name!r}")
        path = tuple(name.split("."))
        kind, op = self.take()
        if kind == "op":
            if op in ("!=", "<>"):
                raise faults.query_parser("'!=' is not supported")
            return Condition(path, op, (self.literal(),))
        if kind == "word" and op.upper() == "IN":
            self.expect_punct("(")
            values = [self.literal()]
            while self.peek() == ("punct", ","):
                self.take()
                values.append(self.literal())
            self.expect_punct(")")
            return Condition(path, "IN", tuple(values))
        if kind == "word" and op.upper() == "LIKE":
            value = self.literal()
            if not isinstance(value, str):
                raise faults.query_parser("LIKE needs a string")
            return Condition(path, "LIKE", (value,))
        raise faults.query_parser(f"unsupported operator {op!r}")

    def literal(self) -> Literal:
        kind, value = self.take()
        if kind == "str":
            return re.sub(r"\\(.)", r"\1", value[1:-1])
        if kind == "num":
            return Decimal(value)
        if kind == "word" and value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise faults.query_parser(f"expected a value, got {value!r}")


def parse(text: str, entities: Iterable[str]) -> Query:
    """Parse ``text``; ``entities`` are the names that may follow FROM."""
    if not text or not text.strip():
        raise faults.query_parser("empty query")
    return _Parser(text, entities).parse()


# ---- evaluation ------------------------------------------------------------------------------


def get_path(entity: dict[str, Any], path: tuple[str, ...]) -> Any:
    """Value at a dotted path, with case-insensitive keys; refs and email objects give their value."""
    value: Any = entity
    for part in path:
        if not isinstance(value, dict):
            return None
        if part in value:
            value = value[part]
        else:
            lowered = part.lower()
            value = next((v for k, v in value.items() if k.lower() == lowered), None)
    if isinstance(value, dict):
        if "value" in value:
            return value["value"]
        if "Address" in value:
            return value["Address"]
        if "FreeFormNumber" in value:
            return value["FreeFormNumber"]
    return value


def _datetime(text: str) -> datetime | None:
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), datetime.min.time(), tzinfo=UTC)
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _coerce(actual: Any, literal: Literal) -> tuple[Any, Any] | None:
    """Bring a field value and a literal to comparable types, or None when they cannot match."""
    if actual is None:
        return None
    if isinstance(literal, bool) or isinstance(actual, bool):
        if isinstance(actual, bool) and isinstance(literal, bool):
            return actual, literal
        if isinstance(actual, bool) and isinstance(literal, str) and literal.lower() in ("true", "false"):
            return actual, literal.lower() == "true"
        return None
    if isinstance(actual, int | Decimal):
        try:
            return Decimal(actual), Decimal(str(literal))
        except InvalidOperation:
            return None
    text = str(actual)
    if isinstance(literal, Decimal):
        try:
            return Decimal(text), literal
        except InvalidOperation:
            return text, str(literal)
    if (
        len(text) >= 10
        and len(literal) >= 10
        and text[4:5] == "-"
        and literal[4:5] == "-"
        and "T" in text + literal
    ):
        a, b = _datetime(text), _datetime(literal)
        if a is not None and b is not None:
            return a, b
    return text.casefold(), literal.casefold()


def matches(entity: dict[str, Any], cond: Condition) -> bool:
    actual = get_path(entity, cond.path)
    if cond.op == "LIKE":
        if actual is None:
            return False
        pattern = "".join(".*" if ch == "%" else re.escape(ch) for ch in str(cond.values[0]))
        return re.fullmatch(pattern, str(actual), re.IGNORECASE | re.DOTALL) is not None
    if cond.op == "IN":
        return any(_compare(actual, "=", v) for v in cond.values)
    return _compare(actual, cond.op, cond.values[0])


def _compare(actual: Any, op: str, literal: Literal) -> bool:
    pair = _coerce(actual, literal)
    if pair is None:
        return False
    a, b = pair
    try:
        if op == "=":
            return bool(a == b)
        if op == "<":
            return bool(a < b)
        if op == ">":
            return bool(a > b)
        if op == "<=":
            return bool(a <= b)
        if op == ">=":
            return bool(a >= b)
    except TypeError:
        return False
    return False


def _sort_key(value: Any) -> tuple[int, Any]:
    if value is None:
        return (3, "")
    if isinstance(value, bool):
        return (0, Decimal(int(value)))
    if isinstance(value, int | Decimal):
        return (0, Decimal(value))
    text = str(value)
    if text.isdigit():
        return (0, Decimal(text))
    parsed = _datetime(text) if len(text) >= 10 and text[4:5] == "-" else None
    if parsed is not None:
        return (1, parsed.timestamp())
    return (2, text.casefold())


def run(query: Query, rows: Iterable[dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
    """Filter, sort and page ``rows`` (in Id order); returns the page and the full match count."""
    hits = [row for row in rows if all(matches(row, c) for c in query.where)]
    for path, desc in reversed(query.order):
        present = [r for r in hits if get_path(r, path) is not None]
        missing = [r for r in hits if get_path(r, path) is None]
        present.sort(key=lambda r, p=path: _sort_key(get_path(r, p)), reverse=desc)  # type: ignore[misc]
        hits = present + missing
    return hits[query.start - 1 : query.start - 1 + query.max_results], len(hits)
