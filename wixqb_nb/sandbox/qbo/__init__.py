"""QuickBooks Online side of the embedded sandbox (mounted under ``/qbo`` by the outer server)."""

from wixqb_nb.sandbox.qbo.app import build_qbo_app
from wixqb_nb.sandbox.qbo.company import QboCompany
from wixqb_nb.sandbox.qbo.limits import FaultConfig, LimitConfig
from wixqb_nb.sandbox.qbo.oauth import TokenSet
from wixqb_nb.sandbox.qbo.service import QboService

QboSettings = LimitConfig  # the name the brief used for the per-service limit settings

__all__ = [
    "FaultConfig",
    "LimitConfig",
    "QboCompany",
    "QboService",
    "QboSettings",
    "TokenSet",
    "build_qbo_app",
]
