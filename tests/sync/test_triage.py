"""Errors like the seed's Fix / Retry / Ignore."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from wixqb_nb.errors import ConfigError
from wixqb_nb.sync.ledger import Ledger
from wixqb_nb.sync.triage import ignore_errors, list_errors, record_error, resolve_order_errors, retry_errors

NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(hours=1)


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    with Ledger(tmp_path / "l.sqlite") as led:
        yield led


def test_the_same_problem_is_one_row_reopened_and_counted(ledger: Ledger) -> None:
    first = record_error(ledger, order_id="o1", field="sku", message="no item", hint="map it", now=NOW)
    retry_errors(ledger, [first], now=NOW)
    again = record_error(ledger, order_id="o1", field="sku", message="no item", hint="map it", now=LATER)
    assert again == first
    (row,) = list_errors(ledger)
    assert (row.status, row.occurrences, row.last_seen) == ("open", 2, LATER.isoformat())


def test_open_and_retried_orders_are_replanned_ignored_never(ledger: Ledger) -> None:
    a = record_error(ledger, order_id="oa", message="tax not mapped", now=NOW)
    b = record_error(ledger, order_id="ob", message="tax not mapped", now=NOW)
    record_error(ledger, order_id="oc", message="no customer", now=NOW)
    retry_errors(ledger, [a], now=NOW)
    ignore_errors(ledger, [b], now=NOW)
    assert ledger.orders_needing_work() == ["oa"]  # retried: always
    assert ledger.orders_needing_work(include_open=True) == ["oa", "oc"]  # open: after a config change
    assert ledger.ignored_orders() == {"ob"}
    # seen again, an ignored error stays ignored
    record_error(ledger, order_id="ob", message="tax not mapped", now=LATER)
    assert [r.status for r in list_errors(ledger, status="ignored")] == ["ignored"]


def test_retry_all_never_takes_ignored_errors(ledger: Ledger) -> None:
    a = record_error(ledger, order_id="oa", message="m", now=NOW)
    b = record_error(ledger, order_id="ob", message="m", now=NOW)
    ignore_errors(ledger, [b], now=NOW)
    changed = retry_errors(ledger, "all", now=NOW)
    assert [r.id for r in changed] == [a]
    assert {r.id: r.status for r in list_errors(ledger)} == {a: "retried", b: "ignored"}
    # naming an ignored error by id un-ignores it: an explicit decision
    retry_errors(ledger, [b], now=NOW)
    assert ledger.ignored_orders() == set()


def test_ignore_all_takes_open_and_retried(ledger: Ledger) -> None:
    a = record_error(ledger, order_id="oa", message="m", now=NOW)
    record_error(ledger, order_id="ob", message="m", now=NOW)
    retry_errors(ledger, [a], now=NOW)
    assert len(ignore_errors(ledger, "all", now=NOW)) == 2
    assert ledger.orders_needing_work(include_open=True) == []


def test_posting_the_order_resolves_its_errors_except_the_kept(ledger: Ledger) -> None:
    a = record_error(ledger, order_id="oa", message="first", now=NOW)
    keep = record_error(ledger, order_id="oa", message="second", now=NOW)
    other = record_error(ledger, order_id="ob", message="first", now=NOW)
    assert resolve_order_errors(ledger, "oa", now=LATER, keep=[keep]) == 1
    assert {r.id: r.status for r in list_errors(ledger)} == {a: "resolved", keep: "open", other: "open"}
    assert resolve_order_errors(ledger, "oa", now=LATER) == 1  # with nothing to keep, all of them
    assert {r.id: r.status for r in list_errors(ledger)} == {a: "resolved", keep: "resolved", other: "open"}


def test_unknown_ids_and_bad_targets_are_config_errors(ledger: Ledger) -> None:
    record_error(ledger, order_id="oa", message="m", now=NOW)
    with pytest.raises(ConfigError, match="no such error id: 99"):
        retry_errors(ledger, [99], now=NOW)
    with pytest.raises(ConfigError):
        ignore_errors(ledger, "everything", now=NOW)
