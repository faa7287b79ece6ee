"""After a run: read the run's documents back from QBO, reconcile them with Wix, write the workbook.

The comparison is with what QBO *holds* (read back by Id, one query per entity and 100 ids), not
with what the ledger believes was posted, so a document someone edited or deleted in QBO shows up.
The period reconciled is the run's: the orders it planned.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from wixqb_nb.clients import qbo_query
from wixqb_nb.clients.qbo import QboClient
from wixqb_nb.config import Config
from wixqb_nb.models.wix import Order, OrderTransactions
from wixqb_nb.reconcile import ReconResult, reconcile
from wixqb_nb.reporting.data import ReportData, RunInfo, build_report
from wixqb_nb.reporting.xlsx import write_xlsx
from wixqb_nb.sync.ledger import DocumentRow

DOCUMENT_ENTITIES = ("Invoice", "SalesReceipt", "Payment", "CreditMemo", "RefundReceipt")
CHUNK = 100


def read_back(qbo: QboClient, documents: Iterable[DocumentRow]) -> dict[str, list[dict[str, Any]]]:
    """The sales documents among ``documents`` as QBO holds them now, keyed by entity."""
    ids: dict[str, list[str]] = {}
    for d in documents:
        if d.entity in DOCUMENT_ENTITIES and d.status != "deleted":
            ids.setdefault(d.entity, []).append(d.qbo_id)
    out: dict[str, list[dict[str, Any]]] = {e: [] for e in DOCUMENT_ENTITIES}
    for entity, wanted in ids.items():
        unique = sorted(set(wanted), key=lambda x: (len(x), x))
        for start in range(0, len(unique), CHUNK):
            cond = qbo_query.condition("Id", "IN", unique[start : start + CHUNK])
            out[entity] += list(qbo.query_iter(qbo_query.select(entity, [cond])))
    return out


def period_of(orders: Sequence[Order], time_zone: str) -> tuple[str, str]:
    """The first and last order dates (account time zone) of ``orders``, as ISO dates."""
    from zoneinfo import ZoneInfo

    days = sorted(
        (o.created_date if o.created_date.tzinfo else o.created_date.replace(tzinfo=dt.UTC))
        .astimezone(ZoneInfo(time_zone))
        .date()
        .isoformat()
        for o in orders
        if o.created_date is not None
    )
    return (days[0], days[-1]) if days else ("", "")


def reconcile_run(
    config: Config,
    qbo: QboClient,
    *,
    orders: Sequence[Order],
    transactions: Mapping[str, OrderTransactions],
    documents: Iterable[DocumentRow],
) -> ReconResult:
    """Reconcile the run's orders with their documents as read back from QBO."""
    period = period_of(orders, config.general.time_zone)
    held = read_back(qbo, documents)
    txs = [transactions[o.id] for o in orders if o.id in transactions]
    return reconcile(orders, txs, held, config, period=period)


def write_report(
    config: Config,
    *,
    run_id: int,
    started_at: dt.datetime,
    recon: ReconResult,
    plan_frame: pd.DataFrame | None,
    errors: Iterable[Mapping[str, Any]],
    report_dir: Path,
    dry_run: bool = False,
) -> tuple[ReportData, Path]:
    """Build the run's report and write ``{report_dir}/wixqb-run-{id}.xlsx``; return both."""
    info = RunInfo(
        run_id=str(run_id),
        started_at=started_at.astimezone(dt.UTC),
        period_start=recon.period_start,
        period_end=recon.period_end,
        config_hash=config.config_hash(),
        mode="dry run" if dry_run else "sync",
        company=config.connection.qbo_realm_id,
        currency=recon.currency,
    )
    report = build_report(info, plan_frame, recon, list(errors), language=config.general.language)
    report_dir.mkdir(parents=True, exist_ok=True)
    path = write_xlsx(report, report_dir / f"wixqb-run-{run_id}.xlsx")
    return report, path
