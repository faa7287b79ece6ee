"""API clients for Wix and QuickBooks Online, on one HTTP core (retries, limits, typed errors).

``WixClient`` (orders, transactions, products), ``QboClient`` (CRUD, void, query, batch, CDC),
``TokenStore`` (QBO OAuth tokens with rotation) and the connect flow live in their own modules;
import from there or from here.
"""

from wixqb_nb.clients._http import RetryPolicy
from wixqb_nb.clients._limits import Limits, RateLimiter
from wixqb_nb.clients.qbo import BatchItem, BatchResult, QboClient, StaticToken, request_id_for
from wixqb_nb.clients.qbo_auth import TokenSet, TokenStore
from wixqb_nb.clients.wix import WixAppToken, WixClient

__all__ = [
    "BatchItem",
    "BatchResult",
    "Limits",
    "QboClient",
    "RateLimiter",
    "RetryPolicy",
    "StaticToken",
    "TokenSet",
    "TokenStore",
    "WixAppToken",
    "WixClient",
    "request_id_for",
]
