"""Money as :class:`~decimal.Decimal`, from the JSON parser to the Excel cell.

Wix sends amounts as strings with varying precision (``"2.0"``, ``"67.6"``, ``"60.00"``); QBO sends
JSON numbers. Both become ``Decimal`` here and nowhere else does a float come near money:
:func:`loads` parses every JSON number with a fractional part as ``Decimal``, and :func:`dumps`
writes ``Decimal`` back as a JSON number with exactly its digits.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

ZERO = Decimal("0")
CENT = Decimal("0.01")

#: ISO 4217 minor units for the currencies that differ from 2 (the default).
_MINOR_UNITS: dict[str, int] = {
    "BIF": 0,
    "CLP": 0,
    "DJF": 0,
    "GNF": 0,
    "ISK": 0,
    "JPY": 0,
    "KMF": 0,
    "KRW": 0,
    "PYG": 0,
    "RWF": 0,
    "UGX": 0,
    "UYI": 0,
    "VND": 0,
    "VUV": 0,
    "XAF": 0,
    "XOF": 0,
    "XPF": 0,
    "BHD": 3,
    "IQD": 3,
    "JOD": 3,
    "KWD": 3,
    "LYD": 3,
    "OMR": 3,
    "TND": 3,
}


class MoneyParseError(ValueError):
    """Raised when a value cannot be read as an amount of money."""


def minor_unit(currency: str | None) -> int:
    """Return the number of decimal places of ``currency`` (ISO 4217; 2 when unknown)."""
    return _MINOR_UNITS.get((currency or "").upper(), 2)


def quantum(currency: str | None = None) -> Decimal:
    """Return the smallest unit of ``currency`` as a Decimal (``Decimal("0.01")`` for CAD)."""
    return Decimal(1).scaleb(-minor_unit(currency))


def parse_amount(value: Any) -> Decimal:
    """Read an amount from a Wix string, a QBO number or a Wix ``{"amount": ...}`` price object.

    ``None`` and ``""`` are not amounts: they raise, so a missing field is never silently zero.
    Floats are refused: by the time money is a float it may already be wrong.

    Raises
    ------
    MoneyParseError
        When the value is missing, a float, not a finite number, or not a number at all.
    """
    if isinstance(value, dict):
        if "amount" not in value:
            raise MoneyParseError(f"price object without 'amount': {value!r}")
        value = value["amount"]
    if isinstance(value, bool) or value is None:
        raise MoneyParseError(f"not an amount: {value!r}")
    if isinstance(value, float):
        raise MoneyParseError(f"refusing float amount {value!r}: parse JSON with wixqb_nb.money.loads")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            raise MoneyParseError("empty amount string")
        try:
            result = Decimal(text)
        except InvalidOperation as exc:
            raise MoneyParseError(f"not a decimal number: {value!r}") from exc
    else:
        raise MoneyParseError(f"not an amount: {value!r}")
    if not result.is_finite():
        raise MoneyParseError(f"not a finite amount: {value!r}")
    return result


def to_money(value: Any, currency: str | None = None) -> Decimal:
    """Parse ``value`` (see :func:`parse_amount`) and round it half-up to ``currency``'s minor unit."""
    return quantize(parse_amount(value), currency)


def quantize(amount: Decimal, currency: str | None = None) -> Decimal:
    """Round ``amount`` half-up (as QBO and Wix do) to the minor unit of ``currency``."""
    return amount.quantize(quantum(currency), rounding=ROUND_HALF_UP)


def to_cents(amount: Decimal, currency: str | None = None) -> int:
    """Return ``amount`` as an integer count of minor units; raises if it has finer digits."""
    q = quantum(currency)
    scaled = amount / q
    if scaled != scaled.to_integral_value():
        raise MoneyParseError(f"{amount} has more precision than {currency or 'the currency'} allows")
    return int(scaled)


def from_cents(cents: int, currency: str | None = None) -> Decimal:
    """Inverse of :func:`to_cents`."""
    return (Decimal(cents) * quantum(currency)).quantize(quantum(currency))


def split(
    total: Decimal,
    weights: Sequence[Decimal],
    currency: str | None = None,
) -> list[Decimal]:
    """Split ``total`` into parts proportional to ``weights`` that sum to ``total`` exactly.

    Largest-remainder allocation in minor units: each part gets the floor of its exact share, and
    the leftover units go one each to the parts with the largest remainders (ties to the earliest).
    Used to spread a discount or a refund across lines. Negative totals are split by symmetry.
    With all weights zero the total is split evenly.

    Raises
    ------
    ValueError
        If there are no weights, a weight is negative, or ``total`` is finer than the minor unit.
    """
    if not weights:
        raise ValueError("cannot split an amount over zero parts")
    if any(w < 0 for w in weights):
        raise ValueError("weights must not be negative")
    q = quantum(currency)
    units = to_cents(total, currency)
    sign = -1 if units < 0 else 1
    units = abs(units)
    ws = list(weights) if any(w > 0 for w in weights) else [Decimal(1)] * len(weights)
    wsum = sum(ws, ZERO)
    exact = [Decimal(units) * w / wsum for w in ws]
    floors = [int(e) for e in exact]  # exact >= 0 so int() floors
    leftover = units - sum(floors)
    order = sorted(range(len(ws)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:leftover]:
        floors[i] += 1
    return [(Decimal(sign * f) * q).quantize(q) for f in floors]


def total(amounts: Iterable[Decimal]) -> Decimal:
    """Sum Decimals starting from a Decimal zero (``sum()`` starts from the int 0)."""
    return sum(amounts, ZERO)


def loads(text: str | bytes) -> Any:
    """Parse JSON with every non-integer number as ``Decimal`` (never a float)."""
    return json.loads(text, parse_float=Decimal)


def dumps(obj: Any, **kwargs: Any) -> str:
    """Serialise ``obj`` to JSON, writing ``Decimal`` as a number with exactly its digits.

    The standard encoder cannot emit a Decimal as a number, so each Decimal is first replaced by
    a string token carrying a per-call random nonce, and the quoted tokens are then swapped for
    the digits. No text from the data can forge the nonce.
    """
    nonce = uuid.uuid4().hex
    text = json.dumps(_prepare(obj, nonce), **kwargs)
    return re.sub(rf'"{nonce}([-0-9.E+]+)"', r"\1", text)


def _prepare(obj: Any, nonce: str) -> Any:
    if isinstance(obj, Decimal):
        if not obj.is_finite():
            raise ValueError(f"cannot serialise non-finite amount {obj}")
        return f"{nonce}{format(obj, 'f')}"
    if isinstance(obj, float):
        raise TypeError(f"refusing to serialise float {obj!r}; use Decimal")
    if isinstance(obj, dict):
        return {k: _prepare(v, nonce) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_prepare(v, nonce) for v in obj]
    return obj
