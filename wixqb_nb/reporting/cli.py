"""``wixqb reconcile``: compare a period's Wix sales with what QBO holds, and write the workbook.

The period is a range of days in the account's time zone (``general.time_zone``), both included.
Wix's side is every order *created* in the period with its payments and refunds; QBO's side is
read back with queries (never trusted from the ledger):

- sales documents (invoices, sales receipts) dated a few days either side of the period, kept
  when their marker names one of the period's orders or, for documents of no known order (a
  DocNumber with our prefix, a marker of an order Wix does not have), when they are dated in the
  period;
- payments, credit memos and refund receipts dated from a few days before the period on (a
  refund can come weeks later), kept when their marker names one of the period's orders.

Exit codes: 0 the books match; 1 discrepancies or tie-out gaps remain; 2 the command could not
run (configuration, authentication, network).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import typer

from wixqb_nb.errors import ConfigError, WixQbError

if TYPE_CHECKING:  # the command is registered on ``wixqb``: keep its import light (no pandas)
    from wixqb_nb.clients.qbo import QboClient
    from wixqb_nb.clients.wix import WixClient
    from wixqb_nb.config import Config
    from wixqb_nb.models.wix import Order, OrderTransactions
    from wixqb_nb.reconcile import ReconResult

SALE_ENTITIES = ("Invoice", "SalesReceipt")
MOVEMENT_ENTITIES = ("Payment", "CreditMemo", "RefundReceipt")
#: Days either side of the period in which a sale's document may be dated (time-zone edges,
#: documents re-dated by hand); documents found there still have to name one of the period's orders.
SLACK_DAYS = 3


@dataclass(frozen=True)
class PeriodData:
    """What ``reconcile`` needs for a period: Wix orders, their transactions, QBO's documents."""

    since: dt.date
    until: dt.date
    orders: tuple[Order, ...]
    transactions: tuple[OrderTransactions, ...]
    documents: Mapping[str, tuple[dict[str, Any], ...]]


def day_bounds(since: dt.date, until: dt.date, time_zone: str) -> tuple[dt.datetime, dt.datetime]:
    """The period as UTC instants: the start of ``since`` and the end of ``until`` (exclusive)."""
    tz = ZoneInfo(time_zone)
    start = dt.datetime.combine(since, dt.time(0), tz).astimezone(dt.UTC)
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(0), tz).astimezone(dt.UTC)
    return start, end


def _iso(when: dt.datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def fetch_period(
    config: Config, wix: WixClient, qbo: QboClient, since: dt.date, until: dt.date
) -> PeriodData:
    """Read the period's Wix orders and transactions, and the QBO documents that record them."""
    from wixqb_nb.clients import qbo_query
    from wixqb_nb.models.wix import Order

    if until < since:
        raise ConfigError(f"--until {until} is before --since {since}")
    start, end = day_bounds(since, until, config.general.time_zone)
    search = {
        "filter": {"$and": [{"createdDate": {"$gte": _iso(start)}}, {"createdDate": {"$lt": _iso(end)}}]},
        "sort": [{"fieldName": "createdDate", "order": "ASC"}],
    }
    orders = tuple(Order.model_validate(raw) for raw in wix.iter_order_dicts(search))
    ids = {o.id for o in orders}
    found = wix.transactions_for([o.id for o in orders]) if orders else {}
    transactions = tuple(found[o.id] for o in orders if o.id in found)
    first = (since - dt.timedelta(days=SLACK_DAYS)).isoformat()
    last = (until + dt.timedelta(days=SLACK_DAYS)).isoformat()
    documents: dict[str, tuple[dict[str, Any], ...]] = {}
    for entity in SALE_ENTITIES:
        conds = [qbo_query.condition("TxnDate", ">=", first), qbo_query.condition("TxnDate", "<=", last)]
        rows = qbo.query_iter(qbo_query.select(entity, conds))
        documents[entity] = tuple(d for d in rows if _sale_in_period(d, ids, since, until))
    for entity in MOVEMENT_ENTITIES:
        rows = qbo.query_iter(qbo_query.select(entity, [qbo_query.condition("TxnDate", ">=", first)]))
        documents[entity] = tuple(d for d in rows if _order_of(d) in ids)
    return PeriodData(since, until, orders, transactions, documents)


def _order_of(doc: Mapping[str, Any]) -> str | None:
    from wixqb_nb.mapping import markers

    found = markers.parse_marker(doc.get("PrivateNote") or "")
    return found.order_id if found is not None else None


def _sale_in_period(doc: Mapping[str, Any], ids: set[str], since: dt.date, until: dt.date) -> bool:
    """A sales document of one of the period's orders, or of no known order but dated in the period."""
    order_id = _order_of(doc)
    if order_id in ids:
        return True
    day = str(doc.get("TxnDate") or "")[:10]
    return since.isoformat() <= day <= until.isoformat()


def reconcile_period(data: PeriodData, config: Config, *, currency: str = "") -> ReconResult:
    """Reconcile fetched period data (pure)."""
    from wixqb_nb.reconcile import reconcile

    return reconcile(
        data.orders,
        data.transactions,
        data.documents,
        config,
        period=(data.since.isoformat(), data.until.isoformat()),
        currency=currency,
    )


def home_currency(qbo: QboClient) -> str:
    """The company's home currency (``""`` when QBO does not say)."""
    prefs = qbo.preferences()
    value = ((prefs.get("CurrencyPrefs") or {}).get("HomeCurrency") or {}).get("value")
    return str(value) if value else ""


def write_workbook(config: Config, result: ReconResult, out: Path, *, now: dt.datetime) -> Path:
    """Build the report of a stand-alone reconciliation and write it to ``out``."""
    from wixqb_nb.reporting.data import RunInfo, build_report
    from wixqb_nb.reporting.xlsx import write_xlsx

    info = RunInfo(
        run_id=f"reconcile-{result.period_start}-{result.period_end}",
        started_at=now.astimezone(dt.UTC),
        period_start=result.period_start,
        period_end=result.period_end,
        config_hash=config.config_hash(),
        mode="reconcile",
        company=config.connection.qbo_realm_id,
        currency=result.currency,
    )
    report = build_report(info, None, result, (), language=config.general.language)
    out.parent.mkdir(parents=True, exist_ok=True)
    return write_xlsx(report, out)


def summary_lines(result: ReconResult) -> Iterable[str]:
    """A few lines for the terminal: counts, then each error (at most 20) and the tie-out gaps."""
    counts = dict(result.counts)
    yield (
        f"Period {result.period_start} .. {result.period_end}: {counts.get('wix_orders', 0)} Wix orders "
        f"({counts.get('wix_orders_synced', 0)} synced by the settings), "
        f"{counts.get('qbo_sales_documents', 0)} QBO sales documents, {counts.get('matched', 0)} matched."
    )
    errors = result.errors
    for d in errors[:20]:
        yield f"  {d.category}: {d.explanation}"
    if len(errors) > 20:
        yield f"  ... and {len(errors) - 20} more (see the workbook)"
    gaps = [t for t in result.daily_tieouts if not t.ok]
    for t in gaps[:10]:
        yield f"  gap {t.date} {t.module} {t.kind}: count {t.count_gap:+d}, amount {t.amount_gap}"
    for tax in result.tax_tieouts:
        if not tax.ok:
            yield f"  tax gap {tax.tax_name}: {tax.unexplained}"
    yield "The books match." if result.matches() else "Discrepancies remain."


def _day(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError as exc:
        raise typer.BadParameter(f"{value!r} is not an ISO date (YYYY-MM-DD)", param_hint=option) from exc


def reconcile_command(
    config: Path = typer.Option(..., "--config", help="the TOML configuration file"),
    since: str = typer.Option(..., "--since", help="first day of the period (YYYY-MM-DD, account time zone)"),
    until: str = typer.Option(..., "--until", help="last day of the period, included"),
    out: Path | None = typer.Option(None, "--out", help="write the Excel workbook here (FILE.xlsx)"),
) -> None:
    """Compare the period's Wix sales with what QuickBooks holds, explain each difference.

    Exit codes: 0 the books match; 1 discrepancies remain; 2 the command could not run.
    """
    from wixqb_nb.config_file import load_config
    from wixqb_nb.sync.connect import build_clients

    first, last = _day(since, "--since"), _day(until, "--until")
    try:
        cfg = load_config(config)
        with build_clients(cfg, config_path=config) as clients:
            data = fetch_period(cfg, clients.wix, clients.qbo, first, last)
            currency = home_currency(clients.qbo)
        result = reconcile_period(data, cfg, currency=currency)
        path = write_workbook(cfg, result, out, now=dt.datetime.now(dt.UTC)) if out is not None else None
    except WixQbError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(exc.exit_code) from exc
    for line in summary_lines(result):
        typer.echo(line)
    if path is not None:
        typer.echo(f"Excel workbook: {path}")
    raise typer.Exit(0 if result.matches() else 1)
