"""Table tests of the sandbox's tax engine, including the three published penny cases."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from wixqb_nb.sandbox.qbo.tax import (
    Rate,
    TaxableLine,
    allocate,
    cents,
    inclusive_net,
    line_tax,
    prorate_tax,
    tax_by_rate,
)

GST = Rate("1", D("5"))
QST = Rate("2", D("9.975"))
R10 = Rate("5", D("10"))
R12 = Rate("6", D("12"))


@pytest.mark.parametrize(
    ("amount", "expected"),
    [("0.005", "0.01"), ("0.004", "0.00"), ("-0.005", "-0.01"), ("448.3922", "448.39"), ("2.675", "2.68")],
)
def test_cents_rounds_half_up(amount: str, expected: str) -> None:
    assert cents(D(amount)) == D(expected)


@pytest.mark.parametrize(
    ("net", "rate", "tax"),
    [("100.00", GST, "5.00"), ("100.00", QST, "9.98"), ("1.04", R12, "0.12"), ("2.54", R12, "0.30")],
)
def test_line_tax(net: str, rate: Rate, tax: str) -> None:
    assert line_tax(D(net), rate.percent) == D(tax)


def test_penny_case_tax_inclusive_14_90_at_10_percent_becomes_14_91() -> None:
    net = inclusive_net(D("14.90"), [D("10")])
    tax = tax_by_rate([TaxableLine(net, (R10,))], "line")[0].tax
    assert (net, tax, net + tax) == (D("13.55"), D("1.36"), D("14.91"))


def _qst_lines() -> list[TaxableLine]:
    # 4495.16 split so the per-line roundings add up one cent more than the total's.
    amounts = ["1000.06", "1000.06", "2495.04"]
    return [TaxableLine(D(a), (QST,)) for a in amounts]


def test_penny_case_qst_on_4495_16_total_vs_line() -> None:
    lines = _qst_lines()
    assert sum((ln.net for ln in lines), D(0)) == D("4495.16")
    assert tax_by_rate(lines, "total")[0].tax == D("448.39")
    assert tax_by_rate(lines, "line")[0].tax == D("448.40")


def test_penny_case_31_small_lines_at_12_percent() -> None:
    amounts = ["1.04"] * 4 + ["2.50"] * 26 + ["11.93"]
    lines = [TaxableLine(D(a), (R12,)) for a in amounts]
    assert len(lines) == 31
    per_line = tax_by_rate(lines, "line")[0]
    on_total = tax_by_rate(lines, "total")[0]
    assert per_line.net_taxable == on_total.net_taxable == D("81.09")
    assert (per_line.tax, on_total.tax) == (D("9.71"), D("9.73"))


def test_multi_rate_code_rounds_each_rate_separately() -> None:
    result = tax_by_rate([TaxableLine(D("19.99"), (GST, QST)), TaxableLine(D("5.01"), (GST,))], "line")
    assert [(r.rate.rate_id, r.net_taxable, r.tax) for r in result] == [
        ("1", D("25.00"), D("1.25")),  # 1.00 + 0.25
        ("2", D("19.99"), D("1.99")),  # 1.994...
    ]


def test_zero_rate_and_no_rates() -> None:
    zero = Rate("4", D("0"))
    assert tax_by_rate([TaxableLine(D("10"), (zero,))], "line")[0].tax == D("0.00")
    assert tax_by_rate([TaxableLine(D("10"), ())], "line") == []


@pytest.mark.parametrize(
    ("total", "expected"),
    [("8.30", ["6.29", "2.01"]), ("0.01", ["0.01", "0.00"]), ("0", ["0.00", "0.00"])],
)
def test_prorate_explicit_total_tax_by_rate_value(total: str, expected: list[str]) -> None:
    state, city = Rate("101", D("6.25")), Rate("102", D("2"))
    computed = tax_by_rate([TaxableLine(D("100"), (state, city))], "total")
    parts = prorate_tax(D(total), computed)
    assert [p.tax for p in parts] == [D(e) for e in expected]
    assert sum((p.tax for p in parts), D(0)) == D(total)


def test_allocate_discount_to_the_cent() -> None:
    shares = allocate(D("10.00"), [D("33.33"), D("33.33"), D("33.34")])
    assert sum(shares, D(0)) == D("10.00")
    assert shares == [D("3.33"), D("3.33"), D("3.34")]


@pytest.mark.parametrize(
    ("gross", "rates", "net"),
    [("114.98", ["5", "9.975"], "100.00"), ("14.90", ["10"], "13.55"), ("113.00", ["13"], "100.00")],
)
def test_inclusive_net(gross: str, rates: list[str], net: str) -> None:
    assert inclusive_net(D(gross), [D(r) for r in rates]) == D(net)
