"""Read one period of a store for the read-only notebooks (preview, rounding): no write to QBO.

:func:`load_period` loads the config, builds the clients the way a sync does
(:func:`wixqb_nb.sync.connect.build_clients`), reads the Wix orders changed in the period with
their transactions and the QBO reference snapshot (:func:`wixqb_nb.sync.snapshot.load_snapshot`), and returns them as one value the views use.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wixqb_nb.clients.wix import InvalidOrder
from wixqb_nb.config import Config
from wixqb_nb.config_file import load_config
from wixqb_nb.mapping import PostedDoc, QboSnapshot
from wixqb_nb.models.wix import Order, OrderTransactions
from wixqb_nb.notebook_run import RunParams


@dataclass(frozen=True)
class Period:
    """A store period with what planning it needs."""

    config: Config
    orders: tuple[Order, ...]
    transactions: Mapping[str, OrderTransactions]
    snapshot: QboSnapshot
    since: dt.datetime | None
    until: dt.datetime | None
    now: dt.datetime
    posted: Mapping[str, Mapping[tuple[str, str], PostedDoc]] = field(default_factory=dict)
    #: orders Wix returned that the models refuse (shown as errors naming the field)
    refused: tuple[InvalidOrder, ...] = ()


def read_posted(config: Config, config_path: str | Path, order_ids: list[str]) -> dict[str, Any]:
    """What the ledger says was already posted for these orders (empty when no run happened yet).

    The preview plans against it, so orders already in QBO show as unchanged (or as updates).
    """
    from wixqb_nb.sync.connect import state_dir
    from wixqb_nb.sync.ledger import Ledger, ledger_path
    from wixqb_nb.sync.run import posted_by_order

    path = ledger_path(state_dir(config, config_path), config.connection.qbo_realm_id)
    if not path.is_file():
        return {}
    with Ledger(path) as ledger:
        return posted_by_order(ledger, order_ids)


def load_period(
    config_path: str | Path,
    *,
    since: str = "",
    until: str = "",
    now: dt.datetime,
    order_id: str = "",
    env: Mapping[str, str] | None = None,
) -> Period:
    """Read the period ``[since, until)`` (by Wix ``updatedDate``; default from the start date to now).

    With ``order_id``, only that order is read.
    """
    config = load_config(config_path)
    window = RunParams(config=str(config_path), since=since, until=until).window(config.general.time_zone)
    start = window[0]
    if start is None and config.general.start_date is not None:
        start = RunParams(config=str(config_path), since=config.general.start_date.isoformat()).window(
            config.general.time_zone
        )[0]
    from wixqb_nb.sync.connect import build_clients
    from wixqb_nb.sync.snapshot import load_snapshot, tax_options

    refused: list[InvalidOrder] = []
    with build_clients(config, config_path=config_path, env=os.environ if env is None else env) as clients:
        wix = clients.wix
        if order_id:
            orders: list[Order] = [wix.get_order(order_id)]
        else:
            orders = list(
                wix.iter_orders(updated_since=start, updated_until=window[1], on_invalid=refused.append)
            )
        transactions = wix.transactions_for([o.id for o in orders]) if orders else {}
        snapshot = load_snapshot(clients.qbo, nonce=f"preview:{now.isoformat()}", **tax_options(config))
    posted = read_posted(config, config_path, [o.id for o in orders])
    return Period(
        config, tuple(orders), transactions, snapshot, start, window[1], now, posted, tuple(refused)
    )
