"""Builds :class:`Discrepancy` rows: amounts from cents to Decimal, texts in the run's language."""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from wixqb_nb import money
from wixqb_nb.reconcile.result import Category, Discrepancy
from wixqb_nb.reconcile.texts import COMPONENTS, explain

_ORDER = {c: i for i, c in enumerate(Category)}


def each(rows: pd.DataFrame | Mapping[str, Any] | None) -> Iterator[Any]:
    """The rows of a frame or of a column table (name -> array) as named tuples; none for ``None``.

    Same rows as ``df.itertuples(index=False)`` (numbers as Python ints), but the named-tuple class
    is made once per set of columns: ``itertuples`` builds a new class on every call, which costs
    more than the few flagged rows it is used for.
    """
    if rows is None:
        return iter(())
    if isinstance(rows, pd.DataFrame):
        if rows.empty:
            return iter(())
        columns: list[Any] = [rows.iloc[:, k] for k in range(rows.shape[1])]
        fields = tuple(str(c) for c in rows.columns)
    else:
        fields = tuple(rows)
        columns = [np.asarray(v).tolist() for v in rows.values()]
        if not columns or not columns[0]:
            return iter(())
    row: Any = _ROW_TYPES.get(fields)
    if row is None:
        row = _ROW_TYPES[fields] = namedtuple("Pandas", fields, rename=True)  # noqa: PYI024
    return map(row._make, zip(*columns, strict=True))


_ROW_TYPES: dict[tuple[str, ...], Any] = {}


class Out:
    """Collects discrepancies for one reconciliation (a builder; the result is a frozen tuple)."""

    def __init__(self, language: str, currency: str) -> None:
        self.language = "fr" if language == "fr" else "en"
        self.currency = currency or None
        self._rows: list[Discrepancy] = []

    def amount(self, cents: Any) -> str:
        """Cents as text with the currency's decimals (``12.30``)."""
        return str(self.decimal(cents))

    def decimal(self, cents: Any) -> Decimal:
        """Cents as a Decimal."""
        return money.from_cents(int(cents), self.currency)

    def text(self, en: str, fr: str, *args: Any) -> str:
        """A detail sentence in the run's language."""
        return (fr if self.language == "fr" else en).format(*args)

    def add(
        self,
        category: Category,
        *,
        kind: str,
        order_id: Any = "",
        number: Any = "",
        source_id: Any = "",
        qbo_type: Any = "",
        qbo_id: Any = "",
        doc_number: Any = "",
        component: str = "",
        wix: Any = None,
        qbo: Any = None,
        diff: Any = None,
        extra: str = "",
        severity: str = "error",
    ) -> None:
        """Add one row; ``wix``/``qbo``/``diff`` are cents (int) or, for ids, text."""
        w = self._value(wix)
        q = self._value(qbo)
        if diff is not None:
            d: Decimal | None = self.decimal(diff)
        elif isinstance(w, Decimal) and isinstance(q, Decimal):
            d = q - w
        else:
            d = None
        doc = f"{qbo_type} {doc_number or '#' + str(qbo_id)}".strip() if qbo_type or qbo_id else ""
        comp = COMPONENTS[self.language].get(component, component)
        explanation, action = explain(
            category, self.language, number=_s(number), doc=doc, source=_s(source_id), wix=_show(w),
            qbo=_show(q), diff=_show(d), component=comp, extra=extra,
        )  # fmt: skip
        self._rows.append(
            Discrepancy(
                category=category,
                severity=severity,
                kind=kind,
                order_id=_s(order_id),
                order_number=_s(number),
                source_id=_s(source_id),
                qbo_type=_s(qbo_type),
                qbo_id=_s(qbo_id),
                doc_number=_s(doc_number),
                component=component,
                wix_amount=w if isinstance(w, Decimal) else None,
                qbo_amount=q if isinstance(q, Decimal) else None,
                difference=d,
                explanation=explanation,
                action=action,
            )
        )

    def result(self) -> tuple[Discrepancy, ...]:
        """The rows in a stable order: category, then order number, document and component."""
        return tuple(
            sorted(
                self._rows,
                key=lambda d: (
                    _ORDER[d.category],
                    d.order_number,
                    d.order_id,
                    d.source_id,
                    d.qbo_id,
                    d.component,
                ),
            )
        )

    def _value(self, value: Any) -> Decimal | str | None:
        if value is None:
            return None
        if isinstance(value, str):
            return value
        if isinstance(value, Decimal):
            return value
        return self.decimal(value)


def _s(value: Any) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _show(value: Decimal | str | None) -> str:
    return "" if value is None else str(value)
