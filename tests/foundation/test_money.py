"""Money parsing, quantizing and exact splitting (issue 2)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wixqb_nb import money
from wixqb_nb.money import MoneyParseError

D = Decimal


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2.0", D("2.0")),
        ("67.6", D("67.6")),
        ("0", D("0")),
        ("60.00", D("60.00")),
        (" 1.5 ", D("1.5")),
        ("-3.25", D("-3.25")),
        (12, D("12")),
        (D("4.10"), D("4.10")),
        ({"amount": "17.99", "formattedAmount": "17,99 €"}, D("17.99")),
    ],
)
def test_parse_amount_reads_wix_and_qbo_values(raw: object, expected: Decimal) -> None:
    assert money.parse_amount(raw) == expected
    assert isinstance(money.parse_amount(raw), Decimal)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (None, "not an amount"),
        ("", "empty amount"),
        ("abc", "not a decimal"),
        ("NaN", "not a finite"),
        ("Infinity", "not a finite"),
        (1.5, "refusing float"),
        (True, "not an amount"),
        ({"formattedAmount": "$1"}, "without 'amount'"),
        ([], "not an amount"),
    ],
)
def test_parse_amount_rejects_what_is_not_money(raw: object, message: str) -> None:
    with pytest.raises(MoneyParseError, match=message):
        money.parse_amount(raw)


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("2.005", "CAD", "2.01"),  # half-up, not banker's rounding
        ("2.004", "CAD", "2.00"),
        ("-2.005", "USD", "-2.01"),
        ("1234.5", "JPY", "1235"),
        ("1.2345", "KWD", "1.235"),
        ("7", None, "7.00"),
    ],
)
def test_to_money_rounds_half_up_to_the_minor_unit(amount: str, currency: str | None, expected: str) -> None:
    result = money.to_money(amount, currency)
    assert result == D(expected)
    assert str(result) == expected


def test_cents_round_trip_and_refuse_sub_cent_values() -> None:
    assert money.to_cents(D("12.34")) == 1234
    assert money.from_cents(1234) == D("12.34")
    assert money.to_cents(D("500"), "JPY") == 500
    with pytest.raises(MoneyParseError):
        money.to_cents(D("0.001"))


@pytest.mark.parametrize(
    ("total", "weights", "expected"),
    [
        ("10.00", ["1", "1", "1"], ["3.34", "3.33", "3.33"]),
        ("0.05", ["3", "1"], ["0.04", "0.01"]),
        ("-0.05", ["3", "1"], ["-0.04", "-0.01"]),
        ("1.00", ["0", "0"], ["0.50", "0.50"]),
        ("0.01", ["1", "1", "1"], ["0.01", "0.00", "0.00"]),
        ("10.81", ["70", "146.25"], ["3.50", "7.31"]),  # Wix's own allocation in the S1a example
        ("0", ["5", "2"], ["0.00", "0.00"]),
    ],
)
def test_split_allocates_by_largest_remainder(total: str, weights: list[str], expected: list[str]) -> None:
    parts = money.split(D(total), [D(w) for w in weights])
    assert parts == [D(e) for e in expected]


def test_split_refuses_bad_input() -> None:
    with pytest.raises(ValueError, match="zero parts"):
        money.split(D("1.00"), [])
    with pytest.raises(ValueError, match="negative"):
        money.split(D("1.00"), [D("-1"), D("2")])
    with pytest.raises(MoneyParseError):
        money.split(D("1.001"), [D("1")])


amounts = st.integers(min_value=-10_000_000, max_value=10_000_000).map(lambda c: D(c) / 100)
weights = st.lists(
    st.decimals(min_value=0, max_value=100_000, places=4, allow_nan=False, allow_infinity=False),
    min_size=1,
    max_size=40,
)


@given(total=amounts, ws=weights)
def test_split_parts_always_sum_to_the_whole(total: Decimal, ws: list[Decimal]) -> None:
    parts = money.split(total, ws)
    assert len(parts) == len(ws)
    assert sum(parts, D(0)) == total
    assert all(p == p.quantize(D("0.01")) for p in parts)
    # every part is within one cent of its exact proportional share
    wsum = sum(ws, D(0))
    for part, w in zip(parts, ws, strict=True):
        exact = total * w / wsum if wsum else total / len(ws)
        assert abs(part - exact) < D("0.01")


def test_loads_never_produces_a_float() -> None:
    data = money.loads('{"TotalAmt": 67.60, "Qty": 3, "Line": [{"Amount": 0.1}], "Rate": 1e-2}')
    assert data == {"TotalAmt": D("67.60"), "Qty": 3, "Line": [{"Amount": D("0.1")}], "Rate": D("0.01")}

    def walk(value: object) -> None:
        assert not isinstance(value, float)
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(data)


def test_dumps_writes_exact_digits_and_refuses_floats() -> None:
    text = money.dumps({"Amount": D("14.90"), "Tax": D("-0.005"), "Note": "1.0", "Qty": 2})
    assert text == '{"Amount": 14.90, "Tax": -0.005, "Note": "1.0", "Qty": 2}'
    assert money.loads(text)["Amount"] == D("14.90")
    with pytest.raises(TypeError, match="float"):
        money.dumps({"Amount": 1.5})
    with pytest.raises(ValueError, match="non-finite"):
        money.dumps({"Amount": D("NaN")})


@given(st.text())
def test_dumps_cannot_be_forged_by_text(text: str) -> None:
    assert money.loads(money.dumps({"note": text, "amount": D("1.10")})) == {
        "note": text,
        "amount": D("1.10"),
    }
