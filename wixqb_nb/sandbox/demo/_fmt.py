"""Small formatters: Wix price objects from integer cents, ids, timestamps.

Amounts stay integer cents inside the generator (exact, fast) and become Wix's decimal strings
only here. Wix writes amounts with varying precision (``"60.00"``, ``"67.6"``, ``"2.0"``, ``"0"``);
each order picks one of the two styles so consumers meet both.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NBSP = "\u00a0"
_NS = uuid.UUID("6f1d2c1e-5b8a-4c3e-9a57-0e6d3c2b1a90")


@lru_cache(maxsize=65536)
def amount(cents: int, style: int) -> str:
    """Cents as a Wix amount string: style 0 always has two decimals, style 1 trims zeros."""
    sign = "-" if cents < 0 else ""
    units, rest = divmod(abs(cents), 100)
    if style == 0:
        return f"{sign}{units}.{rest:02d}"
    if cents == 0:
        return "0"
    if rest == 0:
        return f"{sign}{units}.0"
    if rest % 10 == 0:
        return f"{sign}{units}.{rest // 10}"
    return f"{sign}{units}.{rest:02d}"


@lru_cache(maxsize=65536)
def formatted(cents: int, locale: str) -> str:
    """Wix's display string (``formattedAmount``): ``C$1,234.56``, ``1 234,56 $`` or ``$1,234.56``."""
    sign = "-" if cents < 0 else ""
    units, rest = divmod(abs(cents), 100)
    grouped = f"{units:,}"
    if locale == "fr-CA":
        return sign + grouped.replace(",", _NBSP) + f",{rest:02d}" + _NBSP + "$"
    prefix = "C$" if locale == "en-CA" else "$"
    return f"{sign}{prefix}{grouped}.{rest:02d}"


class Money:
    """Builds ``{"amount", "formattedAmount"}`` price objects for one order's style and locale."""

    __slots__ = ("locale", "style")

    def __init__(self, style: int, locale: str) -> None:
        self.style = style
        self.locale = locale

    def __call__(self, cents: int) -> dict[str, str]:
        return {"amount": amount(cents, self.style), "formattedAmount": formatted(cents, self.locale)}


def rate(ppm: int) -> str:
    """A tax rate in parts per million as Wix's fraction string with at least 4 decimals: ``"0.0400"``."""
    if ppm == 0:
        return "0"
    text = f"{ppm // 1_000_000}.{ppm % 1_000_000:06d}".rstrip("0")
    whole, frac = text.split(".")
    return f"{whole}.{frac.ljust(4, '0')}"


def timestamp(ms: int) -> str:
    """Milliseconds since the epoch as Wix's ISO string ``2024-01-17T19:11:32.726Z``."""
    moment = _EPOCH + timedelta(milliseconds=ms)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def epoch_ms(moment: datetime) -> int:
    """An aware datetime as whole milliseconds since the epoch."""
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000


@lru_cache(maxsize=131072)
def fixed_id(*parts: Any) -> str:
    """A stable GUID for catalog objects, the same for every seed."""
    return str(uuid.uuid5(_NS, ":".join(str(p) for p in parts)))


def line_id(n: int) -> str:
    """Wix's sequential line-item id: ``00000000-0000-0000-0000-000000000001``."""
    return f"00000000-0000-0000-0000-{n:012d}"
