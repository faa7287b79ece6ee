"""Fix / Retry / Ignore over real runs, and undo of a run."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from wixqb_nb.sync.triage import ignore_errors, list_errors, retry_errors
from wixqb_nb.sync.undo import undo_run

NOW = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)


def _without_tax(env: Any, name: str) -> tuple[Any, Any]:
    """The env's config with one Wix tax unmapped, and the original config."""
    taxes = env.config.taxes
    kept = [m for m in taxes.mappings if m.name != name]
    assert len(kept) < len(taxes.mappings), f"no {name} mapping to remove"
    broken = env.config.model_copy(update={"taxes": taxes.model_copy(update={"mappings": kept})})
    return broken, env.config


def test_a_fixed_mapping_picks_the_order_up_and_an_ignored_one_stays_out(
    sync_env: Callable[..., Any],
) -> None:
    env = sync_env(orders=30)
    broken, fixed = _without_tax(env, "GST + QST")
    env.config = broken
    first = env.run()
    assert first.exit_code == 1
    with env.ledger() as ledger:
        errors = list_errors(ledger, status="open")
        assert errors and all("tax" in (e.message + e.field).lower() for e in errors)
        assert all(e.hint for e in errors)
        stuck = sorted({e.order_id for e in errors})
        ignore_errors(ledger, [errors[0].id], now=NOW)  # the user leaves this one out
        ignored = errors[0].order_id
    env.run()  # orders that waited on an item planned by a failed order go through now (see report)
    again = env.run()
    assert again.counts["writes_ok"] == 0  # same config: the errors wait, nothing is re-planned

    env.config = fixed  # the mapping is fixed: the next run picks the orders up by itself
    second = env.run()
    marked = {k[0] for k in env.marked() if k[1] == "sale"}
    assert set(stuck) - {ignored} <= marked
    assert ignored not in marked
    with env.ledger() as ledger:
        left = [
            (e.order_number, e.field, e.message, e.status)
            for e in list_errors(ledger)
            if e.order_id != ignored and e.status != "resolved"
        ]
        assert left == [], (left, second.counts, second.errors)
        assert [e.status for e in list_errors(ledger) if e.order_id == ignored] == ["ignored"]
        retry_errors(ledger, "all", now=NOW)  # 'all' never takes ignored errors
        assert ledger.ignored_orders() == {ignored}
        retry_errors(ledger, [e.id for e in list_errors(ledger, status="ignored")], now=NOW)  # by id it does
    env.run()
    assert ignored in {k[0] for k in env.marked() if k[1] == "sale"}
    assert second.exit_code in (0, 1)


def test_undo_dry_run_then_apply_removes_what_the_run_posted(sync_env: Callable[..., Any]) -> None:
    env = sync_env(orders=12)
    first = env.run()
    created_customers = {d.qbo_id for d in _docs(env) if d.kind == "customer" and d.run_id == first.run_id}
    assert created_customers and env.marked()
    with env.ledger() as ledger, _qbo(env) as qbo:
        preview = undo_run(qbo, ledger, first.run_id, clock=lambda: dt.datetime.now(dt.UTC))
    assert not preview.applied and {a.action for a in preview.actions} >= {"delete", "deactivate"}
    assert env.marked()  # a dry run changes nothing
    with env.ledger() as ledger, _qbo(env) as qbo:
        report = undo_run(qbo, ledger, first.run_id, apply=True, clock=lambda: dt.datetime.now(dt.UTC))
        states = {o.state for o in ledger.orders().values() if o.state != "skipped"}
    assert report.failed == [] and all(a.done for a in report.actions if a.action != "keep")
    assert not env.marked()  # every document the run posted is gone
    customers = {str(c["Id"]): c for c in env.sb.dump_qbo("Customer")["Customer"]}
    assert all(customers[i].get("Active") is False for i in created_customers)
    assert states <= {"undone", "error"}
    assert env.run().counts["writes_ok"] == 0  # the scheduled sync does not post them again


def test_undo_refuses_documents_in_a_closed_period(sync_env: Callable[..., Any]) -> None:
    env = sync_env(orders=10)
    first = env.run()
    company = env.sb.state.qbo.service.company(env.config.connection.qbo_realm_id)
    company.set_preferences({"AccountingInfoPrefs": {"BookCloseDate": "2099-12-31"}})
    with env.ledger() as ledger, _qbo(env) as qbo:
        report = undo_run(qbo, ledger, first.run_id, apply=True, clock=lambda: dt.datetime.now(dt.UTC))
    sales = [a for a in report.actions if a.entity in ("SalesReceipt", "Invoice")]
    assert sales and all(a.action == "refuse" and "closed" in a.reason and not a.done for a in sales)
    assert env.marked()  # still there


def _docs(env: Any) -> list[Any]:
    with env.ledger() as ledger:
        return ledger.documents()


def _qbo(env: Any) -> Any:
    from contextlib import contextmanager

    from wixqb_nb.sync.connect import build_clients

    @contextmanager
    def make() -> Any:
        with build_clients(
            env.config, config_path=env.config_path, env=env.env, qbo_limits=env.qbo_limits
        ) as clients:
            yield clients.qbo

    return make()
