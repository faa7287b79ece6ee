"""The config's assumptions about QBO's tax engine, checked against the sandbox's own tax engine.

QBO's rounding varies by region (qbo_api.md §3.3 marks it unconfirmed), so the sync can be told how
the company rounds and whether it keeps the tax amounts we send. The sandbox computes tax its own
way; when the assumption matches it, QBO lands on Wix's totals with the rounding item absorbing the
cents; when it does not, reconciliation says so instead of the books drifting silently.
"""

from __future__ import annotations

from typing import Any

from wixqb_nb.config import Config


def _with_taxes(config: Config, **taxes: Any) -> Config:
    return config.model_copy(update={"taxes": config.taxes.model_copy(update=taxes)})


def _rounding_lines(env: Any) -> int:
    rounding_id = env.config.advanced.rounding_item.id
    return sum(
        1
        for docs in env.qbo_docs().values()
        for d in docs
        for line in d.get("Line") or []
        if (line.get("SalesItemLineDetail") or {}).get("ItemRef", {}).get("value") == rounding_id
    )


def test_qbo_recomputing_tax_on_the_total_is_absorbed_by_the_rounding_item(sync_env: Any) -> None:
    env = sync_env(orders=40, seed=11)
    env.config = _with_taxes(env.config, qbo_rounding="total", qbo_keeps_sent_tax=False)
    result = env.run()
    assert result.exit_code == 0, result.message
    assert result.recon is not None and result.recon.matches()
    # QBO computed 448.39 of QST where Wix charged 448.40: the cent went on the rounding item
    assert _rounding_lines(env) >= 1


def test_a_wrong_rounding_assumption_is_caught_by_reconciliation(sync_env: Any) -> None:
    env = sync_env(orders=40, seed=11)
    env.config = _with_taxes(env.config, qbo_rounding="line", qbo_keeps_sent_tax=False)
    result = env.run()
    assert result.exit_code == 1
    assert result.recon is not None and not result.recon.matches()
    flagged = {row.category for row in result.recon.discrepancies}
    assert flagged & {"total_mismatch", "tax_mismatch"}
