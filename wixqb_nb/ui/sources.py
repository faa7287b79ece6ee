"""Where the wizard gets its data and does its actions: plain callables, passed in (G1, G12).

The wizard never builds a client itself. :class:`WizardSources` bundles what it may call; each
callable receives the connection section as the user typed it. Tests and the notebook build it
against the sandbox or a live company with :func:`wixqb_nb.ui.live.live_sources`; any callable
left ``None`` disables its button.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from wixqb_nb.config import Connection, Items, QboRef
from wixqb_nb.init.company import CompanyData
from wixqb_nb.models.wix import Order, OrderTransactions

StoreSample = tuple[Sequence[Order], Sequence[OrderTransactions]]


@dataclass(frozen=True)
class WizardSources:
    """The wizard's data sources and actions.

    Attributes
    ----------
    read_company
        Reads the QBO company's reference data (fills the dropdowns).
    read_store
        Reads Wix orders and their transactions (Wix taxes, SKUs, payment methods).
    test_wix, test_qbo
        Check a connection; return a one-line message, raise a ``WixQbError`` when it fails.
    connect_qbo
        Runs the QuickBooks OAuth flow and stores the tokens; returns a message.
    create_item
        Creates a QBO item for a Wix SKU (``items`` section gives type and accounts).
    set_item_sku
        Writes a Wix SKU into an existing QBO item's Sku field ("map to").
    """

    read_company: Callable[[Connection], CompanyData] | None = None
    read_store: Callable[[Connection], StoreSample] | None = None
    test_wix: Callable[[Connection], str] | None = None
    test_qbo: Callable[[Connection], str] | None = None
    connect_qbo: Callable[[Connection], str] | None = None
    create_item: Callable[[Connection, Items, str, str], QboRef] | None = None
    set_item_sku: Callable[[Connection, str, str], QboRef] | None = None
