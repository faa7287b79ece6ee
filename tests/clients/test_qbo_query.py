"""The QBO query builder escapes every value: no injection, quotes/backslashes/unicode round-trip."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wixqb_nb.clients import qbo_query
from wixqb_nb.errors import ConfigError


def _read_literal(sql: str, start: int) -> tuple[str, int]:
    """A QBO-style string-literal reader (``\\'`` and ``\\\\`` escapes): returns (value, end index)."""
    assert sql[start] == "'"
    out, i = [], start + 1
    while sql[i] != "'":
        if sql[i] == "\\":
            i += 1
        out.append(sql[i])
        i += 1
    return "".join(out), i + 1


def test_obrien_example() -> None:
    assert qbo_query.select_where("Customer", DisplayName="O'Brien") == (
        "SELECT * FROM Customer WHERE DisplayName = 'O\\'Brien'"
    )


def test_item_queries_ask_for_sku_and_lists_become_in() -> None:
    sql = qbo_query.select_where("Item", Sku=["A-1", "B'2"])
    assert sql == "SELECT *, Sku FROM Item WHERE Sku IN ('A-1', 'B\\'2')"


@pytest.mark.parametrize(
    ("value", "literal"),
    [
        ("plain", "'plain'"),
        ("ends with \\", "'ends with \\\\'"),
        ("\\'; DROP", "'\\\\\\'; DROP'"),
        ("Café Émile 東京", "'Café Émile 東京'"),
        (True, "true"),
        (7, "7"),
        (Decimal("12.50"), "12.50"),
        (dt.date(2025, 3, 14), "'2025-03-14'"),
    ],
)
def test_literals(value: object, literal: str) -> None:
    assert qbo_query.quote(value) == literal


def test_float_and_bad_names_are_refused() -> None:
    with pytest.raises(TypeError):
        qbo_query.quote(1.5)
    with pytest.raises(ConfigError):
        qbo_query.condition("Name' OR 1=1 --", "=", "x")
    with pytest.raises(ConfigError):
        qbo_query.condition("Name", "OR", "x")


@given(st.text())
def test_any_string_reads_back_and_cannot_escape_its_literal(value: str) -> None:
    sql = qbo_query.select_where("Customer", DisplayName=value, Active=True)
    prefix = "SELECT * FROM Customer WHERE DisplayName = "
    assert sql.startswith(prefix)
    read, end = _read_literal(sql, len(prefix))
    expected = "".join(ch for ch in value if ch >= " " or ch == "\t")
    assert read == expected
    assert sql[end:] == " AND Active = true"  # the rest of the statement is untouched


def test_paged_replaces_only_a_trailing_paging_clause() -> None:
    base = qbo_query.select_where("Customer", DisplayName="x STARTPOSITION 5")
    assert qbo_query.paged(base + " STARTPOSITION 3 MAXRESULTS 10", 1001, 1000) == (
        base + " STARTPOSITION 1001 MAXRESULTS 1000"
    )
    assert re.search(r"'x STARTPOSITION 5'", qbo_query.paged(base, 1, 50))
