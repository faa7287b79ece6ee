"""``Context``: what planning derives once from the configuration and the snapshot, not per order.

Planning thousands of orders reads the same settings over and over (modules, statuses, the time
zone, the tax mapping, tender accounts); a :class:`Context` holds them ready, with caches of the
lookups whose answer depends only on the configuration and the snapshot (tax code by Wix tax,
deposit account and payment method by Wix tender, existing QBO item by SKU). Build one per run with :meth:`Context.of`; it
must not outlive a change to either input.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from wixqb_nb.config import Config
from wixqb_nb.mapping.snapshot import QboSnapshot
from wixqb_nb.mapping.tax import CodeCache

Refs = tuple[dict[str, Any] | None, dict[str, Any] | None]


@dataclass(slots=True)
class Context:
    """Settings of one run, ready to use, and caches valid for that run (see the module docstring)."""

    config: Config
    snap: QboSnapshot
    is_us: bool
    modules: frozenset[str]
    payment_statuses: frozenset[str]
    unpaid_stores: bool
    tz: ZoneInfo
    start: dt.date | None
    codes: CodeCache = field(default_factory=dict)
    tenders: dict[tuple[str, str], Refs] = field(default_factory=dict)
    #: QBO items found by SKU (existing items only: new ones depend on the plan's pending writes).
    items: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, config: Config, snap: QboSnapshot) -> Context:
        """The context of ``config`` and ``snap``."""
        orders = config.orders
        return cls(
            config=config,
            snap=snap,
            is_us=snap.is_us,
            modules=frozenset(m.value for m in orders.modules),
            payment_statuses=frozenset(str(s) for s in orders.payment_statuses),
            unpaid_stores=orders.unpaid_stores_orders,
            tz=ZoneInfo(config.general.time_zone),
            start=config.general.start_date,
        )
