"""Exact tax and allocation arithmetic on integer cents, rounding half-up as Wix does.

Rates are parts per million (``99_750`` = 9.975 %). Every function is exact: no float and no
Decimal context is involved, so the same input gives the same cent on every machine.
"""

from __future__ import annotations

from collections.abc import Sequence

MILLION = 1_000_000


def tax_on(net_cents: int, ppm: int) -> int:
    """Tax on a tax-exclusive amount, rounded half-up to the cent (amounts are never negative)."""
    return (net_cents * ppm + MILLION // 2) // MILLION


def tax_within(gross_cents: int, ppm: int, total_ppm: int) -> int:
    """The part of a tax-inclusive amount that is tax at ``ppm``, when all rates add to ``total_ppm``.

    ``gross * r / (1 + R)`` rounded half-up: for 14.90 at 10 % that is 1.35.
    """
    denominator = MILLION + total_ppm
    return (2 * gross_cents * ppm + denominator) // (2 * denominator)


def percent_of(cents: int, ppm: int) -> int:
    """``cents * ppm / 1e6`` rounded half-up (percentage discounts and fees)."""
    return tax_on(cents, ppm)


def prorate(cents: int, part: int, whole: int) -> int:
    """``cents * part / whole`` rounded half-up: the money of ``part`` units out of ``whole``."""
    return (2 * cents * part + whole) // (2 * whole)


def allocate(total: int, weights: Sequence[int]) -> list[int]:
    """Split ``total`` cents over ``weights`` by largest remainder; ties go to the earliest part.

    This is how an order-wide discount lands on lines with odd cents: 10.00 over three equal
    lines gives 3.34, 3.33, 3.33.
    """
    if not weights:
        return []
    wsum = sum(weights)
    if wsum <= 0:
        weights = [1] * len(weights)
        wsum = len(weights)
    floors = [total * w // wsum for w in weights]
    remainders = [total * w % wsum for w in weights]
    leftover = total - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for i in order[:leftover]:
        floors[i] += 1
    return floors
