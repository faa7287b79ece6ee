"""One widget per config field, built from the pydantic model, with its label and error slot.

A :class:`FieldView` turns a field's annotation into a widget (text, number, checkbox, date,
dropdown, multi-select, or a QBO reference dropdown), reads it back as plain config data
(``get``) and fills it from config data (``set``). Every view has an ``error`` HTML next to the
widget where the wizard writes the validation problems whose path is the field's.
"""

from __future__ import annotations

import datetime as dt
import enum
import html
import types
import typing
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import ipywidgets as w
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from wixqb_nb.config import QboRef

#: A reference dropdown's choices: ``(label, id, name)``; the label may add a rate or a type.
Options = list[tuple[str, str, str]]
OptionsFor = Callable[[str], Options | None]
NONE = ""
_LABEL_LAYOUT = w.Layout(width="260px")
_WIDGET_LAYOUT = w.Layout(width="420px")


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """``X | None`` -> ``(X, True)``."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return annotation, False


def _choices(annotation: Any) -> list[str] | None:
    if typing.get_origin(annotation) is typing.Literal:
        return [str(a) for a in typing.get_args(annotation)]
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return [str(m.value) for m in annotation]
    return None


class FieldView:
    """A labelled widget for one config field, with an error slot."""

    def __init__(self, path: str, title: str, widget: w.Widget, kind: str, help_text: str = "") -> None:
        self.path = path
        self.kind = kind
        self.widget = widget
        self.names: dict[str, str] = {}  # QBO reference id -> name, for ref dropdowns
        self.label = w.HTML(f"<b>{html.escape(title)}</b>", layout=_LABEL_LAYOUT, tooltip=help_text)
        self.error = w.HTML("", layout=w.Layout(min_width="200px"))
        self.row = w.HBox([self.label, widget, self.error])

    # --- reading and writing -------------------------------------------------------------------

    def get(self) -> Any:
        """The field's value as plain config data (``None``: leave the option out)."""
        value = self.widget.value
        if self.kind == "ref":
            return {"id": value, "name": self.names.get(value, "")} if value else None
        if self.kind == "decimal":
            return value.strip() or None
        if self.kind == "list_text":
            return [p.strip() for p in str(value).split(",") if p.strip()]
        if self.kind == "multi":
            return list(value)
        if self.kind == "date":
            return value
        return value

    def set(self, value: Any) -> None:
        """Show ``value`` (plain config data as read from the file)."""
        if self.kind == "ref":
            ref = value if isinstance(value, dict) else None
            if ref and ref.get("id"):
                self.ensure_option(str(ref["id"]), str(ref.get("name", "")))
                self.widget.value = str(ref["id"])
            else:
                self.widget.value = NONE
        elif self.kind == "decimal":
            self.widget.value = "" if value is None else str(value)
        elif self.kind == "list_text":
            self.widget.value = ", ".join(value or [])
        elif self.kind == "multi":
            self.widget.value = tuple(str(v) for v in (value or ()) if str(v) in self.widget.options)
        elif self.kind == "date":
            self.widget.value = dt.date.fromisoformat(value) if isinstance(value, str) else value
        elif self.kind == "choice":
            if value is not None and str(value) in self.widget.options:
                self.widget.value = str(value)
        elif value is not None:
            self.widget.value = value

    # --- reference dropdowns -------------------------------------------------------------------

    def set_options(self, options: Options, none_label: str) -> None:
        """Replace a reference dropdown's choices, keeping the current value."""
        current = self.widget.value
        self.names = {i: name for _, i, name in options}
        pairs = [(none_label, NONE), *((lbl, i) for lbl, i, _ in options)]
        if current and current not in self.names:
            pairs.append((f"{current} (?)", current))
            self.names[current] = ""
        self.widget.options = pairs
        self.widget.value = current if current in {i for _, i in pairs} else NONE

    def ensure_option(self, ref_id: str, name: str) -> None:
        """Add ``ref_id`` to the choices when the company has not been read (a loaded file)."""
        if ref_id in {i for _, i in self.widget.options}:
            if name and not self.names.get(ref_id):
                self.names[ref_id] = name
            return
        self.names[ref_id] = name
        self.widget.options = [*self.widget.options, (f"{name or ref_id} [{ref_id}]", ref_id)]

    def show_errors(self, messages: Sequence[str]) -> None:
        """Show ``messages`` next to the widget (empty: clear)."""
        text = "<br>".join(html.escape(m) for m in messages)
        self.error.value = f"<span style='color:#b00020'>{text}</span>" if messages else ""


def build_field(
    path: str, info: FieldInfo, title: str, options_for: OptionsFor, none_label: str
) -> FieldView:
    """The view of one scalar config field (nested models and lists of models are built elsewhere)."""
    annotation, optional = _unwrap(info.annotation)
    help_text = info.description or ""
    layout = _WIDGET_LAYOUT
    if annotation is QboRef:
        view = FieldView(
            path, title, w.Dropdown(options=[(none_label, NONE)], value=NONE, layout=layout), "ref", help_text
        )
        view.set_options(options_for(path) or [], none_label)
        return view
    choices = _choices(annotation)
    if choices is not None:
        return FieldView(path, title, w.Dropdown(options=choices, layout=layout), "choice", help_text)
    if typing.get_origin(annotation) is list:
        inner = typing.get_args(annotation)[0]
        inner_choices = _choices(inner)
        if inner_choices is not None:
            widget = w.SelectMultiple(options=inner_choices, rows=min(len(inner_choices), 6), layout=layout)
            return FieldView(path, title, widget, "multi", help_text)
        return FieldView(
            path, title, w.Text(layout=layout, placeholder="a@b.ca, c@d.ca"), "list_text", help_text
        )
    if annotation is bool:
        return FieldView(path, title, w.Checkbox(indent=False), "bool", help_text)
    if annotation is int:
        return FieldView(path, title, w.IntText(layout=w.Layout(width="160px")), "int", help_text)
    if annotation is Decimal:
        return FieldView(path, title, w.Text(layout=w.Layout(width="160px")), "decimal", help_text)
    if annotation is dt.date:
        return FieldView(path, title, w.DatePicker(), "date", help_text)
    return FieldView(path, title, w.Text(layout=layout, placeholder=help_text[:60]), "text", help_text)


def scalar_fields(model: type[BaseModel]) -> list[tuple[str, FieldInfo]]:
    """Fields of ``model`` the generic builder handles (not nested models or lists of models)."""
    out = []
    for name, info in model.model_fields.items():
        annotation, _ = _unwrap(info.annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel) and annotation is not QboRef:
            continue
        if typing.get_origin(annotation) is list:
            inner = typing.get_args(annotation)[0]
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                continue
        if typing.get_origin(annotation) is dict:
            continue
        out.append((name, info))
    return out
