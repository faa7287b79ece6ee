"""QBO's tax arithmetic as small pure functions (qbo_api.md §3).

Written from QBO's documented behaviour, independently of ``wixqb_nb.mapping`` (the sandbox is the
oracle the mapping is tested against, so the two must not share a formula):

- amounts are rounded half-up to cents; rates are percentages (``9.975`` means 9.975 %);
- a multi-rate code (GST + QST) is taxed rate by rate, each rate rounded on its own;
- ``rounding="line"``: each line's tax per rate is rounded, then summed (QBO Canada, manual codes);
  ``rounding="total"``: the taxable amounts per rate are summed, then taxed and rounded once;
- a tax-inclusive amount is turned into a net amount rounded to cents, and tax is then computed on
  that net as usual, so the gross can move by a cent (14.90 at 10 % becomes 13.55 + 1.36 = 14.91);
- an explicit total tax (US automated sales tax) is prorated over the code's rates by rate value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from wixqb_nb import money

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
Rounding = Literal["line", "total"]


@dataclass(frozen=True)
class Rate:
    """One tax rate: its TaxRate id and percentage."""

    rate_id: str
    percent: Decimal


@dataclass(frozen=True)
class TaxableLine:
    """A line's net amount (after any discount share) and the rates its tax code applies."""

    net: Decimal
    rates: tuple[Rate, ...]


@dataclass(frozen=True)
class RateTotal:
    """One ``TaxLine``: the rate, the taxable amount summed over the lines using it, and the tax."""

    rate: Rate
    net_taxable: Decimal
    tax: Decimal


def cents(amount: Decimal) -> Decimal:
    """Round half-up to cents."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def line_tax(net: Decimal, percent: Decimal) -> Decimal:
    """Tax of one amount at one rate, rounded to cents."""
    return cents(net * percent / HUNDRED)


def inclusive_net(gross: Decimal, percents: Sequence[Decimal]) -> Decimal:
    """Net amount, rounded to cents, of a tax-inclusive ``gross`` taxed at the sum of ``percents``."""
    total = sum(percents, Decimal(0))
    return cents(gross * HUNDRED / (HUNDRED + total))


def tax_by_rate(lines: Sequence[TaxableLine], rounding: Rounding) -> list[RateTotal]:
    """Tax per rate over ``lines``, in order of first use, rounded the company's way."""
    nets: dict[str, Decimal] = {}
    taxes: dict[str, Decimal] = {}
    rates: dict[str, Rate] = {}
    for line in lines:
        for rate in line.rates:
            rates.setdefault(rate.rate_id, rate)
            nets[rate.rate_id] = nets.get(rate.rate_id, Decimal(0)) + line.net
            if rounding == "line":
                taxes[rate.rate_id] = taxes.get(rate.rate_id, Decimal(0)) + line_tax(line.net, rate.percent)
    out: list[RateTotal] = []
    for rate_id, rate in rates.items():
        net = cents(nets[rate_id])
        tax = cents(taxes[rate_id]) if rounding == "line" else line_tax(net, rate.percent)
        out.append(RateTotal(rate, net, tax))
    return out


def prorate_tax(total_tax: Decimal, computed: Sequence[RateTotal]) -> list[RateTotal]:
    """Spread an explicit ``total_tax`` over the rates in proportion to their rate values.

    This is how QBO's automated sales tax "honors the amount and prorates it across tax rates"
    (qbo_api.md §3.1). With no rate to carry it (all lines NON), the amount cannot be placed and
    the caller reports an error.
    """
    if not computed:
        return []
    weights = [rt.rate.percent for rt in computed]
    parts = money.split(cents(total_tax), weights)
    return [RateTotal(rt.rate, rt.net_taxable, part) for rt, part in zip(computed, parts, strict=True)]


def allocate(amount: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Split a discount over lines by their amounts, to the cent, summing exactly to ``amount``."""
    if not weights:
        return []
    return money.split(cents(amount), [abs(w) for w in weights])
