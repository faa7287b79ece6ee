"""Shared building blocks of the tolerant API models (STYLE.md G6, G7).

API models keep every field they do not know (``extra="allow"``), accept both the wire names and
the snake_case names (``populate_by_name``), and never let a float near money: :data:`Money`
reads strings, ints and Decimals through :func:`wixqb_nb.money.parse_amount`, which refuses floats.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict
from pydantic.alias_generators import to_camel, to_pascal

from wixqb_nb import money


def _money(value: Any) -> Decimal:
    return money.parse_amount(value)


def _optional_decimal(value: Any) -> Decimal | None:
    """Read a rate or a measure: ``""`` and ``None`` mean "not given" (Wix sends ``taxRate: ""``)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # Not money (a weight or a rate from a JSON parser without Decimal support): keep its text.
        return Decimal(repr(value))
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        try:
            result = Decimal(text)
        except InvalidOperation:
            return None
        return result if result.is_finite() else None
    return None


def _to_str(value: Any) -> Any:
    """Wix sends ids and order numbers sometimes as strings and sometimes as numbers."""
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return str(value)
    return value


#: An amount of money: Decimal, never float.
Money = Annotated[Decimal, BeforeValidator(_money)]
#: A rate, weight or other measure; ``""`` becomes ``None``.
Measure = Annotated[Decimal | None, BeforeValidator(_optional_decimal)]
#: A string that may arrive as a JSON number.
Text = Annotated[str, BeforeValidator(_to_str)]


class WixModel(BaseModel):
    """Base of every Wix payload model: camelCase wire names, unknown fields kept."""

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
        alias_generator=to_camel,
        arbitrary_types_allowed=False,
    )


def _qbo_alias(name: str) -> str:
    return to_pascal(name)


class QboModel(BaseModel):
    """Base of every QBO entity model: PascalCase wire names, unknown fields kept."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, alias_generator=_qbo_alias)
