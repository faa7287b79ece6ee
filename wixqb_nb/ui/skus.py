"""The unmatched Wix SKUs of the items step, each with "create item" or "map to" a QBO item.

"create item" creates the QBO item right away (Name and Sku = the Wix SKU, type and accounts
from the items step); "map to" writes the Wix SKU into an existing item's Sku field, which the
sync then finds when ``matching.match_by`` is ``sku``.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import ipywidgets as w

from wixqb_nb.errors import WixQbError
from wixqb_nb.init.suggest import SkuStatus, Suggestion

if TYPE_CHECKING:
    from wixqb_nb.ui.wizard import Wizard

CREATE = "__create__"


class SkuRow:
    """One unmatched SKU: its text, the action dropdown, Apply, and what happened."""

    def __init__(self, wizard: Wizard, sku: SkuStatus) -> None:
        self.wizard = wizard
        self.sku = sku
        items = wizard.options("advanced.discount_item") or []
        choices = [(wizard.t("create_item"), CREATE)] + [
            (f"{wizard.t('map_to')} {lbl}", i) for lbl, i, _ in items
        ]
        text = f"<code>{html.escape(sku.sku)}</code> {html.escape(sku.product_name)} ({sku.lines})"
        self.action = w.Dropdown(options=choices, value=CREATE, layout=w.Layout(width="300px"))
        self.apply = w.Button(description=wizard.t("apply"))
        self.apply.on_click(lambda _b: wizard._guard(self.run))
        self.result = w.HTML("")
        self.box = w.HBox(
            [w.HTML(text, layout=w.Layout(width="320px")), self.action, self.apply, self.result]
        )

    def run(self) -> None:
        """Create the item or map the SKU, through the wizard's sources."""
        src = self.wizard.sources
        conn = self.wizard.connection()
        if self.action.value == CREATE:
            if src.create_item is None:
                raise WixQbError("creating items needs a QuickBooks connection")
            ref = src.create_item(conn, self.wizard.items_section(), self.sku.sku, self.sku.product_name)
        else:
            if src.set_item_sku is None:
                raise WixQbError("mapping items needs a QuickBooks connection")
            ref = src.set_item_sku(conn, str(self.action.value), self.sku.sku)
        self.result.value = (
            f"<span style='color:#1b5e20'>✓ {html.escape(ref.name or ref.id)} [{html.escape(ref.id)}]</span>"
        )
        self.apply.disabled = True


class SkuList:
    """The list of unmatched SKUs (empty until the wizard reads the company and the store)."""

    def __init__(self, wizard: Wizard) -> None:
        self.wizard = wizard
        self.rows: list[SkuRow] = []
        self.title = w.HTML(
            f"<b>{html.escape(wizard.t('create_item'))} / {html.escape(wizard.t('map_to'))}</b>"
        )
        self.body = w.VBox([])
        self.widget = w.VBox([self.title, self.body])

    def show(self, suggestion: Suggestion) -> None:
        """List the suggestion's unmatched SKUs."""
        from wixqb_nb.ui.labels import label

        self.title.value = f"<b>{html.escape(label('items.skus', self.wizard.language))}</b>"
        self.rows = [SkuRow(self.wizard, s) for s in suggestion.unmatched_skus]
        if self.rows:
            self.body.children = [r.box for r in self.rows]
        else:
            self.body.children = [w.HTML(html.escape(self.wizard.t("no_sku")))]
