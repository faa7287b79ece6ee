"""The configuration wizard: one tab per connector step, over :class:`wixqb_nb.config.Config`.

``build_wizard(...)`` returns a :class:`Wizard` whose ``widget`` the notebook displays. Every
button callback goes through :meth:`Wizard._guard`, which writes any error into the ``log``
Output widget (STYLE.md G12) so nothing vanishes in JupyterLab; validation problems are shown
next to the field whose ``section.field`` path they name.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import io
import traceback
from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path
from typing import Any

import ipywidgets as w
from pydantic import BaseModel

from wixqb_nb.config import SECTIONS, Config, Connection, EmailReport, Items, validate_data
from wixqb_nb.config_file import read_data, save_config
from wixqb_nb.errors import WixQbError
from wixqb_nb.init.company import CompanyData
from wixqb_nb.init.suggest import Suggestion, suggest
from wixqb_nb.ui.fields import FieldView, Options, build_field, scalar_fields
from wixqb_nb.ui.labels import label, step_title, ui_text
from wixqb_nb.ui.options import options_for
from wixqb_nb.ui.skus import SkuList
from wixqb_nb.ui.sources import WizardSources
from wixqb_nb.ui.tables import ChoiceMap, Column, RowTable

Table = RowTable | ChoiceMap
_STATUSES = ("PAID", "PARTIALLY_PAID", "NOT_PAID", "PENDING", "PARTIALLY_REFUNDED", "FULLY_REFUNDED")


class Wizard:
    """The widgets of the wizard and what its buttons do (see :func:`build_wizard`)."""

    def __init__(
        self,
        *,
        path: str | Path,
        sources: WizardSources,
        language: str,
        today: Callable[[], dt.date] | None,
    ) -> None:
        self.language = language
        self.sources = sources
        self.today = today
        self.company: CompanyData | None = None
        self.suggestion: Suggestion | None = None
        self.fields: dict[str, FieldView] = {}
        self.tables: dict[str, Table] = {}
        self.section_errors: dict[str, w.HTML] = {}
        self.log = w.Output(layout=w.Layout(border="1px solid #ccc", min_height="2em"))
        self.status = w.HTML("")
        self.connection_status = w.HTML("")
        self.path = w.Text(value=str(path), description=self.t("file"), layout=w.Layout(width="520px"))
        self.path.style.description_width = "initial"
        self.skus = SkuList(self)
        self.buttons: dict[str, w.Button] = {}
        self.tabs = w.Tab(children=[self._step(name) for name in SECTIONS])
        for i, name in enumerate(SECTIONS):
            self.tabs.set_title(i, step_title(name, language))
        self.widget = w.VBox([self.tabs, self._nav(), self._file_bar(), self.status, self.log])

    # --- small helpers -------------------------------------------------------------------------

    def t(self, key: str) -> str:
        """A UI text in the wizard's language."""
        return ui_text(key, self.language)

    def options(self, path: str) -> Options | None:
        """Dropdown choices of a reference field, from the company read last (None before)."""
        return options_for(self.company, path)

    def button(self, key: str, action: Callable[[], object], *, enabled: bool = True) -> w.Button:
        """A button labelled ``ui_text(key)`` whose click runs ``action`` through :meth:`_guard`."""
        b = w.Button(description=self.t(key), disabled=not enabled, layout=w.Layout(width="auto"))
        b.on_click(lambda _b: self._guard(action))
        self.buttons[key] = b
        return b

    def _guard(self, action: Callable[[], object]) -> None:
        """Run a callback; show what it printed and any error in the log Output, never losing them."""
        self.log.outputs = ()
        printed = io.StringIO()
        try:
            with contextlib.redirect_stdout(printed):
                action()
        except WixQbError as exc:
            self.log.append_stderr(f"{type(exc).__name__}: {exc}\n")
            self.status.value = _red(f"{type(exc).__name__}: {exc}")
        except Exception as exc:  # a bug: keep the whole traceback where the user sees it
            self.log.append_stderr(traceback.format_exc())
            self.status.value = _red(f"{type(exc).__name__}: {exc}")
        finally:
            if printed.getvalue():
                self.log.append_stdout(printed.getvalue())

    # --- layout --------------------------------------------------------------------------------

    def _step(self, section: str) -> w.VBox:
        model = SECTIONS[section]
        rows: list[w.Widget] = [self._rows(section, model)]
        if section == "general":
            rows.append(self._rows("general.email", EmailReport))
        builder = _EXTRAS.get(section)
        if builder is not None:
            rows.extend(builder(self))
        self.section_errors[section] = w.HTML("")
        return w.VBox([*rows, self.section_errors[section]])

    def _rows(self, prefix: str, model: type[BaseModel]) -> w.VBox:
        views = []
        for name, info in scalar_fields(model):
            path = f"{prefix}.{name}"
            view = build_field(path, info, label(path, self.language), self.options, self.t("none"))
            self.fields[path] = view
            views.append(view.row)
        return w.VBox(views)

    def _nav(self) -> w.HBox:
        def move(step: int) -> None:
            n = len(self.tabs.children)
            self.tabs.selected_index = max(0, min(n - 1, (self.tabs.selected_index or 0) + step))

        return w.HBox([self.button("back", lambda: move(-1)), self.button("next", lambda: move(1))])

    def _file_bar(self) -> w.HBox:
        return w.HBox(
            [
                self.path,
                self.button("load", self.load),
                self.button("validate", self.check),
                self.button("save", self.save),
            ]
        )

    # --- data in and out ---------------------------------------------------------------------

    def fill(self, data: Mapping[str, Any]) -> None:
        """Show config ``data`` (as read from a file); options it lacks show their defaults."""
        merged = _merge(Config().to_data(), dict(data))
        for path, view in self.fields.items():
            view.set(_dig(merged, path))
        for path, table in self.tables.items():
            table.set(_dig(dict(data), path))

    def to_data(self) -> dict[str, Any]:
        """The wizard's values as config data (what :func:`validate_data` and the file take)."""
        data: dict[str, Any] = {name: {} for name in SECTIONS}
        for path, view in self.fields.items():
            value = view.get()
            if value is not None:
                _put(data, path, value)
        for path, table in self.tables.items():
            value = table.get()
            if value:
                _put(data, path, value)
        return data

    def section_data(self, section: str) -> dict[str, Any]:
        """One section's values."""
        return dict(self.to_data().get(section, {}))

    def connection(self) -> Connection:
        """The connection section as typed (raises a ``ValidationError`` on a bad URL)."""
        return Connection.model_validate(self.section_data("connection"))

    def items_section(self) -> Items:
        """The items section as typed."""
        return Items.model_validate(self.section_data("items"))

    def problems(self) -> list[str]:
        """Every validation problem of the current values, as ``path: message``."""
        today = self.today() if self.today is not None else None
        return validate_data(self.to_data(), today=today)[1]

    # --- actions -------------------------------------------------------------------------------

    def load(self) -> None:
        """Fill the wizard from the file named in the path box."""
        self.fill(read_data(self.path.value))
        self.show_problems([])
        self.status.value = _green(f"{self.t('loaded')}: {html.escape(self.path.value)}")

    def check(self) -> list[str]:
        """Validate and show each problem next to its field; returns the problems."""
        problems = self.problems()
        self.show_problems(problems)
        self.status.value = (
            _green(self.t("valid")) if not problems else _red(f"{len(problems)} {self.t('problems')}")
        )
        return problems

    def save(self) -> None:
        """Validate, then write the config file (keeping its comments) when there is no problem."""
        today = self.today() if self.today is not None else None
        config, problems = validate_data(self.to_data(), today=today)
        self.show_problems(problems)
        if config is None:
            self.status.value = _red(f"{self.t('not_saved')}: {len(problems)} {self.t('problems')}")
            return
        saved = save_config(config, self.path.value)
        self.status.value = _green(f"{self.t('saved')}: {html.escape(str(saved))}")

    def show_problems(self, problems: list[str]) -> None:
        """Put each ``path: message`` problem next to the field (or table row) it names."""
        per_field: dict[str, list[str]] = {}
        per_table: dict[str, list[tuple[str, str]]] = {}
        per_section: dict[str, list[str]] = {}
        for line in problems:
            path, _, message = line.partition(": ")
            target = _target(path, self.fields, self.tables)
            if target in self.fields:
                per_field.setdefault(target, []).append(message)
            elif target in self.tables:
                per_table.setdefault(target, []).append((path, message))
            else:
                per_section.setdefault(path.split(".")[0], []).append(line)
        for path, view in self.fields.items():
            view.show_errors(per_field.get(path, []))
        for path, table in self.tables.items():
            table.show_errors(per_table.get(path, []))
        for section, box in self.section_errors.items():
            msgs = per_section.get(section, [])
            box.value = _red("<br>".join(html.escape(m) for m in msgs)) if msgs else ""

    def read_sources(self) -> None:
        """Read the QBO company and the Wix store, refresh every dropdown and compute suggestions."""
        conn = self.connection()
        if self.sources.read_company is not None:
            self.company = self.sources.read_company(conn)
        orders, txs = self.sources.read_store(conn) if self.sources.read_store is not None else ((), ())
        for view in self.fields.values():
            if view.kind == "ref":
                view.set_options(self.options(view.path) or [], self.t("none"))
        for table in self.tables.values():
            if isinstance(table, RowTable):
                table.refresh_options()
        if self.company is not None:
            general = self.section_data("general")
            self.suggestion = suggest(
                self.company,
                list(orders),
                list(txs),
                time_zone=general.get("time_zone"),
                language=self.language,
            )
            self.skus.show(self.suggestion)
        n_orders = len(orders)
        self.connection_status.value = _green(f"QBO: {self._company_text()} · Wix: {n_orders} orders")

    def _company_text(self) -> str:
        if self.company is None:
            return "-"
        c = self.company
        name = c.company_info.company_name or "?"
        return f"{html.escape(name)} ({len(c.accounts)} accounts, {len(c.tax_codes)} tax codes, {len(c.items)} items)"

    def apply_suggestions(self) -> None:
        """Fill every empty field, and add the missing tax and payment-method rows, from the suggestion."""
        if self.suggestion is None:
            self.read_sources()
        if self.suggestion is None:
            raise WixQbError("no QuickBooks company was read: fill in the connection and read it first")
        data = self.suggestion.data
        for path, view in self.fields.items():
            if path.startswith("connection.") or view.get() not in (None, "", []):
                continue
            value = _dig(data, path)
            if value is not None:
                view.set(value)
        for path, key in (("taxes.mappings", ("name", "rate")), ("payments.methods", ("wix_method",))):
            table = self.tables[path]
            assert isinstance(table, RowTable)
            have = {tuple(str(r.get(k, "")).lower() for k in key) for r in table.get()}
            for entry in _dig(data, path) or []:
                if tuple(str(entry.get(k, "")).lower() for k in key) not in have:
                    table.add_row(entry)
        self.check()

    def run_connection(self, key: str) -> None:
        """Run one of the connection actions (``test_wix``, ``test_qbo``, ``connect_qbo``)."""
        action = getattr(self.sources, key)
        self.connection_status.value = _green(html.escape(str(action(self.connection()))))


# --- extra widgets per step ---------------------------------------------------------------------


def _connection_extras(wz: Wizard) -> list[w.Widget]:
    src = wz.sources
    actions = [
        wz.button(key, partial(wz.run_connection, key), enabled=getattr(src, key) is not None)
        for key in ("test_wix", "test_qbo", "connect_qbo")
    ]
    read = wz.button("refresh", wz.read_sources, enabled=src.read_company is not None)
    apply = wz.button("suggest", wz.apply_suggestions, enabled=src.read_company is not None)
    return [w.HBox(actions), w.HBox([read, apply]), wz.connection_status]


def _orders_extras(wz: Wizard) -> list[w.Widget]:
    path = "orders.document_by_payment_status"
    cmap = ChoiceMap(path, label(path, wz.language), _STATUSES, ("sales_receipt", "invoice"), wz.t("default"))
    wz.tables[path] = cmap
    return [cmap.widget]


def _items_extras(wz: Wizard) -> list[w.Widget]:
    return [wz.skus.widget]


def _taxes_extras(wz: Wizard) -> list[w.Widget]:
    path = "taxes.mappings"
    cols = [
        Column("name", "text", "Wix", width="180px"),
        Column("rate", "text", "rate", width="90px"),
        Column("qbo_tax_code", "ref", "QBO", "taxes.mappings.qbo_tax_code", "260px"),
    ]
    table = RowTable(path, label(path, wz.language), cols, wz.options, wz.t("none"), wz.t("add"))
    wz.tables[path] = table
    return [table.widget]


def _payments_extras(wz: Wizard) -> list[w.Widget]:
    path = "payments.methods"
    cols = [
        Column("wix_method", "text", "Wix", width="140px"),
        Column("deposit_account", "ref", "deposit", "payments.methods.deposit_account", "240px"),
        Column("qbo_payment_method", "ref", "QBO", "payments.methods.qbo_payment_method", "180px"),
    ]
    table = RowTable(path, label(path, wz.language), cols, wz.options, wz.t("none"), wz.t("add"))
    wz.tables[path] = table
    return [table.widget]


_EXTRAS: dict[str, Callable[[Wizard], list[w.Widget]]] = {
    "connection": _connection_extras,
    "orders": _orders_extras,
    "items": _items_extras,
    "taxes": _taxes_extras,
    "payments": _payments_extras,
}


# --- the builder ----------------------------------------------------------------------------------


def build_wizard(
    config: str | Path | Config | Mapping[str, Any] | None = None,
    *,
    path: str | Path | None = None,
    sources: WizardSources | None = None,
    language: str | None = None,
    today: Callable[[], dt.date] | None = None,
) -> Wizard:
    """Build the configuration wizard.

    Parameters
    ----------
    config
        What to show first: a config file path (loaded when it exists), a :class:`Config`, raw
        config data, or nothing (defaults).
    path
        The file Save writes (default: ``config`` when it is a path, else ``config.toml``).
    sources
        Data sources and actions (:class:`WizardSources`); none: the buttons that need them are off.
    language
        ``en`` or ``fr``; default the config's ``general.language``.
    today
        Gives today's date for the start-date check (the notebook passes ``datetime.date.today``).

    Returns
    -------
    Wizard
        Display ``wizard.widget``.
    """
    data: dict[str, Any] = {}
    if isinstance(config, str | Path):
        path = path or config
        if Path(config).exists():
            data = read_data(config)
    elif isinstance(config, Config):
        data = config.to_data()
    elif config is not None:
        data = dict(config)
    lang = language or str(_dig(data, "general.language") or "en")
    wizard = Wizard(
        path=path or "config.toml", sources=sources or WizardSources(), language=lang, today=today
    )
    wizard.fill(data)
    return wizard


# --- plain-data helpers ---------------------------------------------------------------------------


def _dig(data: Mapping[str, Any], path: str) -> Any:
    node: Any = data
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def _put(data: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    node = data
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value


def _merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _target(path: str, fields: Mapping[str, Any], tables: Mapping[str, Any]) -> str:
    parts = path.split(".")
    for n in range(len(parts), 0, -1):
        candidate = ".".join(parts[:n])
        if candidate in fields or candidate in tables:
            return candidate
    return ""


def _red(text: str) -> str:
    return f"<span style='color:#b00020'>{text}</span>"


def _green(text: str) -> str:
    return f"<span style='color:#1b5e20'>{text}</span>"
