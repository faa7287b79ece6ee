"""Read what the suggestions need: the QBO company's reference lists and a Wix store sample.

Thin I/O over the clients; the suggestion itself (:mod:`wixqb_nb.init.suggest`) stays pure.
"""

from __future__ import annotations

from itertools import islice

from wixqb_nb.clients.qbo import QboClient
from wixqb_nb.clients.wix import WixClient
from wixqb_nb.init.company import CompanyData
from wixqb_nb.models.wix import Order, OrderTransactions

#: The entities the wizard's dropdowns and the suggestions use, with the query that reads them.
QUERIES = {
    "Account": "SELECT * FROM Account",
    "TaxCode": "SELECT * FROM TaxCode",
    "TaxRate": "SELECT * FROM TaxRate",
    "Item": "SELECT *, Sku FROM Item",  # Sku is left out of `SELECT *` answers (qbo_api.md 2.10)
    "Class": "SELECT * FROM Class",
    "Department": "SELECT * FROM Department",
    "PaymentMethod": "SELECT * FROM PaymentMethod",
}


def read_company(qbo: QboClient) -> CompanyData:
    """Every active account, tax code and rate, item, class, location and payment method, plus
    the preferences and company info (9 or more requests)."""
    entities = {name: list(qbo.query_iter(sql)) for name, sql in QUERIES.items()}
    return CompanyData.from_entities(entities, preferences=qbo.preferences(), company_info=qbo.company_info())


def read_store(wix: WixClient, *, limit: int | None = None) -> tuple[list[Order], list[OrderTransactions]]:
    """The store's orders (oldest change first; at most ``limit``) and their payments and refunds."""
    orders = list(islice(wix.iter_orders(), limit) if limit is not None else wix.iter_orders())
    transactions = wix.transactions_for([o.id for o in orders]) if orders else {}
    return orders, list(transactions.values())
