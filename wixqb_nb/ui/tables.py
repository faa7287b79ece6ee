"""Editable tables for the config's lists: tax mappings, payment methods, documents per status.

A :class:`RowTable` shows one row per list entry (text cells and QBO reference dropdowns), reads
back as a list of plain dicts, and shows each entry's validation problems on its own row
(``taxes.mappings.2: ...`` lands on the third row).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import ipywidgets as w

from wixqb_nb.ui.fields import NONE, Options

ERROR_STYLE = "color:#b00020"


@dataclass(frozen=True)
class Column:
    """One column: the dict key, ``text`` or ``ref``, its header and (refs) the options path."""

    key: str
    kind: str
    header: str
    options_path: str = ""
    width: str = "200px"


class _Row:
    def __init__(self, table: RowTable) -> None:
        self.cells: dict[str, w.Widget] = {}
        self.names: dict[str, dict[str, str]] = {}
        for col in table.columns:
            if col.kind == "ref":
                opts = table.options_for(col.options_path) or []
                self.names[col.key] = {i: n for _, i, n in opts}
                pairs = [(table.none_label, NONE), *((lbl, i) for lbl, i, _ in opts)]
                self.cells[col.key] = w.Dropdown(options=pairs, value=NONE, layout=w.Layout(width=col.width))
            else:
                self.cells[col.key] = w.Text(layout=w.Layout(width=col.width))
        self.remove = w.Button(description="✕", layout=w.Layout(width="36px"), tooltip="remove")
        self.error = w.HTML("")
        self.box = w.HBox([*self.cells.values(), self.remove, self.error])

    def get(self, columns: Sequence[Column]) -> dict[str, Any] | None:
        out: dict[str, Any] = {}
        for col in columns:
            value = self.cells[col.key].value
            if col.kind == "ref":
                if value:
                    out[col.key] = {"id": value, "name": self.names[col.key].get(value, "")}
            elif str(value).strip():
                out[col.key] = str(value).strip()
        return out or None

    def set(self, columns: Sequence[Column], data: dict[str, Any]) -> None:
        for col in columns:
            cell = self.cells[col.key]
            value = data.get(col.key)
            if col.kind == "ref":
                ref_id = str(value["id"]) if isinstance(value, dict) and value.get("id") else NONE
                if ref_id and ref_id not in {i for _, i in cell.options}:
                    name = str(value.get("name", "")) if isinstance(value, dict) else ""
                    cell.options = [*cell.options, (f"{name or ref_id} [{ref_id}]", ref_id)]
                    self.names[col.key][ref_id] = name
                cell.value = ref_id
            else:
                cell.value = "" if value is None else str(value)


class RowTable:
    """A list of dicts edited as rows; ``path`` is the config list it fills (``taxes.mappings``)."""

    def __init__(
        self,
        path: str,
        title: str,
        columns: Sequence[Column],
        options_for: Callable[[str], Options | None],
        none_label: str,
        add_label: str,
    ) -> None:
        self.path = path
        self.columns = list(columns)
        self.options_for = options_for
        self.none_label = none_label
        self.rows: list[_Row] = []
        self.header = w.HBox(
            [w.HTML(f"<i>{html.escape(c.header)}</i>", layout=w.Layout(width=c.width)) for c in columns]
        )
        self.body = w.VBox([])
        self.add_button = w.Button(description=add_label, icon="plus")
        self.add_button.on_click(lambda _b: self.add_row({}))
        self.error = w.HTML("")
        self.widget = w.VBox(
            [w.HTML(f"<b>{html.escape(title)}</b>"), self.header, self.body, self.add_button, self.error]
        )

    def add_row(self, data: dict[str, Any]) -> None:
        """Append a row showing ``data``."""
        row = _Row(self)
        row.set(self.columns, data)
        row.remove.on_click(lambda _b, r=row: self._remove(r))
        self.rows.append(row)
        self.body.children = [r.box for r in self.rows]

    def _remove(self, row: _Row) -> None:
        self.rows.remove(row)
        self.body.children = [r.box for r in self.rows]

    def get(self) -> list[dict[str, Any]]:
        """The non-empty rows as dicts."""
        return [d for d in (r.get(self.columns) for r in self.rows) if d is not None]

    def set(self, entries: Sequence[dict[str, Any]] | None) -> None:
        """Replace every row."""
        self.rows = []
        self.body.children = []
        for entry in entries or ():
            self.add_row(entry)

    def refresh_options(self) -> None:
        """Reload the reference dropdowns' choices (after the company was read), keeping values."""
        data = [r.get(self.columns) or {} for r in self.rows]
        self.set(data)

    def show_errors(self, problems: Sequence[tuple[str, str]]) -> None:
        """Show ``(path, message)`` problems on their rows (``path`` starts with ``self.path``)."""
        by_row: dict[int, list[str]] = {}
        loose: list[str] = []
        for path, message in problems:
            rest = path[len(self.path) :].lstrip(".").split(".")
            if rest and rest[0].isdigit() and int(rest[0]) < len(self.rows):
                where = ".".join(rest[1:])
                by_row.setdefault(int(rest[0]), []).append(f"{where}: {message}" if where else message)
            else:
                loose.append(message)
        for i, row in enumerate(self.rows):
            msgs = by_row.get(i, [])
            row.error.value = (
                f"<span style='{ERROR_STYLE}'>{html.escape('; '.join(msgs))}</span>" if msgs else ""
            )
        self.error.value = (
            f"<span style='{ERROR_STYLE}'>{html.escape('; '.join(loose))}</span>" if loose else ""
        )


class ChoiceMap:
    """A dict of fixed keys to choices (``orders.document_by_payment_status``); blank = not set."""

    def __init__(
        self, path: str, title: str, keys: Sequence[str], choices: Sequence[str], default_label: str
    ) -> None:
        self.path = path
        self.dropdowns = {
            k: w.Dropdown(
                options=[(default_label, NONE), *((c, c) for c in choices)], value=NONE, description=k
            )
            for k in keys
        }
        self.error = w.HTML("")
        self.widget = w.VBox([w.HTML(f"<b>{html.escape(title)}</b>"), *self.dropdowns.values(), self.error])

    def get(self) -> dict[str, str]:
        """Only the keys given a choice."""
        return {k: d.value for k, d in self.dropdowns.items() if d.value}

    def set(self, data: dict[str, Any] | None) -> None:
        """Show ``data``; keys it lacks go back to the default."""
        for k, d in self.dropdowns.items():
            value = str((data or {}).get(k) or NONE)
            d.value = value if value in {v for _, v in d.options} else NONE

    def show_errors(self, problems: Sequence[tuple[str, str]]) -> None:
        """Show the problems under the map."""
        text = "; ".join(f"{p[len(self.path) :].lstrip('.')}: {m}".lstrip(": ") for p, m in problems)
        self.error.value = f"<span style='{ERROR_STYLE}'>{html.escape(text)}</span>" if text else ""
