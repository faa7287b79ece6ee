"""The three published penny cases (DESIGN.md): the plan lands QBO on the Wix total; explain shows the cent."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from wixqb_nb.mapping import explain, plan_order

D = Decimal


def _rate_row(frame: Any) -> Any:
    rows = frame[frame.section == "rate"]
    assert len(rows) == 1
    return rows.iloc[0]


@pytest.mark.parametrize("honours", [True, False])
def test_tax_inclusive_1490_at_10_percent(h: Any, honours: bool) -> None:
    snap = h.make_snapshot(honours_tax_override=honours)
    o = h.order(
        [h.line("l1", unit="13.55", tax="1.35", taxes=[("GST", "0.10", "1.35")])],
        inclusive=True,
        total="14.90",
    )
    sale = plan_order(o, None, h.make_config(), snap, now=h.NOW).sale
    assert sale is not None
    assert sale.predicted_total == D("14.90") == sale.wix_total
    ln = sale.payload["Line"][0]
    assert sale.payload["GlobalTaxCalculation"] == "TaxInclusive"
    assert ln["Amount"] == D("13.55") and ln["SalesItemLineDetail"]["TaxInclusiveAmt"] == D("14.90")
    frame = explain(o, None, h.make_config(), snap, now=h.NOW)
    row = _rate_row(frame)
    assert row.qbo_tax_by_line == D("1.36")  # 13.55 x 10% = 1.355 -> 1.36: QBO would say 14.91
    if honours:
        assert sale.rounding == 0 and sale.payload["TxnTaxDetail"]["TaxLine"][0]["Amount"] == D("1.35")
        assert row.difference == D("-0.01")
    else:
        assert sale.rounding == D("-0.01") and "TxnTaxDetail" not in sale.payload
        assert sale.payload["Line"][-1]["Amount"] == D("-0.01")
    total = frame[frame.name == "QBO total"].iloc[0]
    assert total.qbo_amount == D("14.90") and total.difference == 0


@pytest.mark.parametrize("honours", [True, False])
def test_qst_on_4495_16_line_vs_total(h: Any, honours: bool) -> None:
    snap = h.make_snapshot(honours_tax_override=honours, tax_rounding="total")
    lines = [
        h.line("l1", unit="1500.00", tax="149.63", taxes=[("QST", "0.09975", "149.63")]),
        h.line("l2", unit="2995.16", tax="298.77", taxes=[("QST", "0.09975", "298.77")]),
    ]
    o = h.order(lines)  # Wix: 448.40 summed per line
    sale = plan_order(o, None, h.make_config(), snap, now=h.NOW).sale
    assert sale is not None and sale.wix_total == D("4943.56") == sale.predicted_total
    row = _rate_row(explain(o, None, h.make_config(), snap, now=h.NOW))
    assert (row.qbo_tax_by_line, row.qbo_tax_by_total, row.wix_tax) == (D("448.40"), D("448.39"), D("448.40"))
    assert sale.rounding == (0 if honours else D("0.01"))


@pytest.mark.parametrize("honours", [True, False])
def test_many_lines_at_12_percent(h: Any, honours: bool) -> None:
    snap = h.make_snapshot(honours_tax_override=honours, tax_rounding="line")
    lines = [h.line(f"l{i}", unit="1.59", tax="0.19", taxes=[("HST", "0.12", "0.19")]) for i in range(30)]
    lines.append(
        h.line("last", unit="33.39", tax="4.03", taxes=[("HST", "0.12", "4.03")])
    )  # Wix: 9.73 on 81.09
    o = h.order(lines)
    sale = plan_order(o, None, h.make_config(), snap, now=h.NOW).sale
    assert sale is not None and sale.predicted_total == sale.wix_total == D("90.82")
    row = _rate_row(explain(o, None, h.make_config(), snap, now=h.NOW))
    assert (row.wix_net, row.qbo_tax_by_line, row.qbo_tax_by_total, row.wix_tax) == (
        D("81.09"),
        D("9.71"),
        D("9.73"),
        D("9.73"),
    )
    assert sale.rounding == (0 if honours else D("0.02"))
