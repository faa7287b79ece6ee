"""Pure mapping of Wix orders to QBO documents: ``plan``, ``plan_order``, ``explain``, ``QboSnapshot``.

No I/O and no clock: "now" and all QBO reference data come in as arguments.
"""

from wixqb_nb.mapping.explain import explain
from wixqb_nb.mapping.planner import PostedDoc, payload_hash, plan, plan_order
from wixqb_nb.mapping.snapshot import QboSnapshot, RateInfo, TaxCodeInfo
from wixqb_nb.mapping.types import OrderPlan, Plan, PlannedLine, PlannedWrite, Skip, resolve_refs

__all__ = [
    "OrderPlan",
    "Plan",
    "PlannedLine",
    "PlannedWrite",
    "PostedDoc",
    "QboSnapshot",
    "RateInfo",
    "Skip",
    "TaxCodeInfo",
    "explain",
    "payload_hash",
    "plan",
    "plan_order",
    "resolve_refs",
]
