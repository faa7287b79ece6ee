"""Shared building blocks of the tolerant API models (STYLE.md G6, G7).

API models keep every field they do not know (``extra="allow"``), accept both the wire names and
the snake_case names (``populate_by_name``), and never let a float near money: :data:`Money`
reads strings, ints and Decimals through :func:`wixqb_nb.money.parse_amount`, which refuses floats.
"""

from __future__ import annotations

import dataclasses
import sys
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Self, get_type_hints

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, GetCoreSchemaHandler, TypeAdapter
from pydantic.alias_generators import to_camel, to_pascal
from pydantic_core import CoreSchema, core_schema

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
        known = _MEASURES.get(value)
        if known is not None:
            return known
        text = value.strip()
        if not text:
            return None
        try:
            result = Decimal(text)
        except InvalidOperation:
            return None
        if not result.is_finite():
            return None
        if len(_MEASURES) < _MEASURES_MAX:
            _MEASURES[value] = result
        return result
    return None


#: Measures already read, by their text: the same few tax rates come back on every line of every
#: order, and one shared Decimal (immutable) per rate keeps the parsed orders smaller and the rate
#: that planning reads on each line in cache. Bounded: weights and odd values stop being added.
_MEASURES: dict[str, Decimal] = {}
_MEASURES_MAX = 4096


def _shared(value: str) -> str:
    return sys.intern(value)


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
#: A string that recurs across orders (a tax name, an app id, a status): interned, so every order
#: shares one object (smaller parsed orders; planning compares and hashes one hot string).
Shared = Annotated[str, AfterValidator(_shared)]
#: A :data:`Text` that recurs across orders (a SKU): interned like :data:`Shared`.
SharedText = Annotated[str, BeforeValidator(_to_str), AfterValidator(_shared)]


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


@dataclass(slots=True, kw_only=True)
class LightModel:
    """Base of the small, hot Wix models planning reads for every line: a slotted dataclass that
    pydantic validates and serialises like a :class:`WixModel`.

    Why: a pydantic model keeps its fields in a ``__dict__`` (plus fields-set, extras and private
    slots); reading one field of a model the parser left cold in memory touches the object, its
    dict and the dict's table. A slotted object holds its fields inline, so planning thousands of
    orders reads a fraction of the memory. Subclasses are ``@dataclass(slots=True, kw_only=True)``.

    Same contract as :class:`WixModel`: camelCase wire names and snake_case names are both accepted,
    fields are validated by pydantic-core (the same field types), unknown keys are kept in
    :attr:`model_extra` and dumped back, ``model_dump``/``model_copy``/``model_validate`` work. Not
    kept: the set of fields the payload gave (``exclude_unset`` dumps every field).
    """

    #: Keys the payload had that the model does not declare (``None`` when there were none).
    model_extra: dict[str, Any] | None = None

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        hints = get_type_hints(cls, include_extras=True)
        fields: dict[str, core_schema.TypedDictField] = {}
        names: list[str] = []
        for f in dataclasses.fields(cls):
            if f.name == "model_extra":
                continue
            schema = handler.generate_schema(hints[f.name])
            if f.default is not dataclasses.MISSING:
                schema = core_schema.with_default_schema(schema, default=f.default)
            elif f.default_factory is not dataclasses.MISSING:
                schema = core_schema.with_default_schema(schema, default_factory=f.default_factory)
            alias = to_camel(f.name)
            by_both: list[list[str | int]] | None = [[alias], [f.name]] if alias != f.name else None
            fields[f.name] = core_schema.typed_dict_field(
                schema, validation_alias=by_both, serialization_alias=alias
            )
            names.append(f.name)
        shape = core_schema.typed_dict_schema(fields, extra_behavior="allow")
        known = frozenset(names)
        count = len(names)
        field_names = tuple(names)

        def validate(value: Any, inner: core_schema.ValidatorFunctionWrapHandler) -> Any:
            if value.__class__ is cls:
                return value
            data = inner(value)
            if len(data) == count:
                return cls(**data)
            extra = {k: data.pop(k) for k in [k for k in data if k not in known]}
            return cls(**data, model_extra=extra)

        def dump(value: Any, inner: core_schema.SerializerFunctionWrapHandler) -> Any:
            data = {name: getattr(value, name) for name in field_names}
            if value.model_extra:
                data.update(value.model_extra)
            return inner(data)

        return core_schema.no_info_wrap_validator_function(
            validate, shape, serialization=core_schema.wrap_serializer_function_ser_schema(dump, schema=shape)
        )

    @classmethod
    def model_validate(cls, value: Any) -> Self:
        """Validate ``value`` (a dict in wire or snake_case names) like a pydantic model."""
        result: Self = _adapter(cls).validate_python(value)
        return result

    def model_dump(self, **kwargs: Any) -> dict[str, Any]:
        """Serialise like ``BaseModel.model_dump`` (same keyword arguments)."""
        result: dict[str, Any] = _adapter(type(self)).dump_python(self, **kwargs)
        return result

    def model_copy(self, *, update: dict[str, Any] | None = None) -> Self:
        """A shallow copy with some fields replaced (the pydantic model's spelling)."""
        return dataclasses.replace(self, **(update or {}))


_ADAPTERS: dict[type[Any], TypeAdapter[Any]] = {}


def _adapter(cls: type[Any]) -> TypeAdapter[Any]:
    adapter = _ADAPTERS.get(cls)
    if adapter is None:
        adapter = _ADAPTERS[cls] = TypeAdapter(cls)
    return adapter
