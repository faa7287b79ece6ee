"""The ledger: schema, migrations, runs, orders, documents, writes, frames."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from wixqb_nb.errors import LedgerError
from wixqb_nb.sync._schema import MIGRATIONS, TABLES
from wixqb_nb.sync.ledger import Ledger, WriteIntent, ledger_path, payload_hash, request_id_for

NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def ledger(tmp_path: Path) -> Ledger:
    with Ledger(tmp_path / "state" / "ledger.sqlite") as led:
        yield led


def test_new_file_is_migrated_to_the_latest_schema_in_wal_mode(ledger: Ledger) -> None:
    assert ledger.schema_version == len(MIGRATIONS)
    assert ledger.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    names = {r[0] for r in ledger.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert set(TABLES) <= names


def test_reopening_does_not_migrate_again_and_keeps_data(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite"
    with Ledger(path) as led:
        run = led.start_run(realm_id="r1", config_hash="abc", now=NOW)
    with Ledger(path) as led:
        assert led.run(run) is not None
        assert led.schema_version == len(MIGRATIONS)


def test_a_ledger_newer_than_the_code_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    db.close()
    with pytest.raises(LedgerError, match="newer"):
        Ledger(path)


def test_a_file_that_is_not_sqlite_is_a_ledger_error(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(LedgerError):
        Ledger(path)


def test_ledger_path_is_per_company_inside_the_state_dir(tmp_path: Path) -> None:
    assert ledger_path(tmp_path, "9130 35/x") == tmp_path / "ledger-9130_35_x.sqlite"


def test_runs_record_outcome_counts_and_watermark(ledger: Ledger) -> None:
    assert ledger.last_watermark() is None
    first = ledger.start_run(realm_id="r1", config_hash="h", now=NOW, order_ids=["a", "b"], pid=42)
    mark = NOW - dt.timedelta(minutes=5)
    ledger.finish_run(first, outcome="ok", now=NOW, watermark=mark, counts={"orders_seen": 3, "writes_ok": 7})
    dry = ledger.start_run(realm_id="r1", config_hash="h", now=NOW, dry_run=True)
    ledger.finish_run(dry, outcome="dry_run", now=NOW, watermark=NOW)  # dry runs never move it
    failed = ledger.start_run(realm_id="r1", config_hash="h", now=NOW)
    ledger.finish_run(failed, outcome="failed", now=NOW)
    row = ledger.run(first)
    assert row is not None
    assert (row.outcome, row.orders_seen, row.writes_ok, row.order_filter, row.pid) == ("ok", 3, 7, "a,b", 42)
    assert ledger.last_watermark() == mark
    assert [r.outcome for r in ledger.runs()] == ["ok", "dry_run", "failed"]
    with pytest.raises(LedgerError):
        ledger.finish_run(first, outcome="ok", now=NOW, counts={"bogus": 1})


def test_naive_datetimes_are_refused(ledger: Ledger) -> None:
    with pytest.raises(ValueError):
        ledger.start_run(realm_id="r", config_hash="h", now=dt.datetime(2026, 1, 1))


def test_orders_state_and_which_need_work(ledger: Ledger) -> None:
    run = ledger.start_run(realm_id="r", config_hash="h", now=NOW)
    ledger.set_order(
        "o1", number="1001", updated_date="2026-01-01T00:00:00.000Z", state="posted", run_id=run, now=NOW
    )
    ledger.set_order("o2", number="1002", updated_date="u", state="error", run_id=run, now=NOW)
    ledger.set_order("o3", number="1003", updated_date="u", state="partial", run_id=run, now=NOW)
    ledger.set_order("o1", number="1001", updated_date="later", state="posted", run_id=run + 1, now=NOW)
    o1 = ledger.order("o1")
    assert o1 is not None and (o1.updated_date, o1.first_run_id, o1.last_run_id) == ("later", run, run + 1)
    assert ledger.orders_needing_work() == ["o3"]
    assert ledger.orders_needing_work(include_open=True) == ["o2", "o3"]
    assert set(ledger.orders(["o1", "o3", "zz"])) == {"o1", "o3"}


def test_documents_upsert_by_entity_and_id(ledger: Ledger) -> None:
    run = ledger.start_run(realm_id="r", config_hash="h", now=NOW)
    common = {"order_id": "o1", "kind": "sale", "source_id": "o1", "entity": "SalesReceipt", "run_id": run}
    ledger.record_document(
        qbo_id="55", sync_token="0", now=NOW, doc_number="WX-1", total=Decimal("10.50"), **common
    )
    ledger.record_document(
        qbo_id="55", sync_token="1", now=NOW, doc_number="WX-1", total=Decimal("12.00"), **common
    )
    ledger.set_document_status("SalesReceipt", "55", status="voided", now=NOW, sync_token="2")
    docs = ledger.documents(order_ids=["o1"])
    assert len(docs) == 1
    assert (docs[0].sync_token, docs[0].total, docs[0].status) == ("2", "12.00", "voided")
    assert ledger.documents(run_id=run) == docs
    assert ledger.document("SalesReceipt", "55") == docs[0]


def test_intent_then_outcome_and_unknown_writes(ledger: Ledger) -> None:
    run = ledger.start_run(realm_id="r", config_hash="h", now=NOW)
    intents = [
        WriteIntent(
            f"r:o{i}:sale:o{i}:r1",
            f"o{i}",
            "sale",
            f"o{i}",
            "SalesReceipt",
            "create",
            "h",
            doc_number=f"WX-{i}",
        )
        for i in range(3)
    ]
    ids = ledger.record_intents(run, intents, now=NOW)
    assert len(ids) == 3
    assert [w.outcome for w in ledger.unknown_writes()] == ["unknown"] * 3
    ledger.record_outcome(ids[0], outcome="ok", now=NOW, qbo_id="9")
    ledger.record_outcome(ids[1], outcome="failed", now=NOW, fault_code="6000", fault_message="bad")
    left = ledger.unknown_writes()
    assert [w.id for w in left] == [ids[2]]
    assert left[0].request_id == request_id_for(intents[2].idempotency_key)
    assert re.fullmatch(r"[0-9a-f]{32}", left[0].request_id)
    with pytest.raises(LedgerError):
        ledger.record_outcome(ids[2], outcome="maybe", now=NOW)


def test_payload_hash_ignores_key_order_and_trailing_zeros() -> None:
    a = {"Line": [{"Amount": Decimal("10.5")}], "DocNumber": "1"}
    b = {"DocNumber": "1", "Line": [{"Amount": Decimal("10.50")}]}
    assert payload_hash(a) == payload_hash(b)
    assert payload_hash(a) != payload_hash({"DocNumber": "1", "Line": [{"Amount": Decimal("10.51")}]})


def test_frames_read_every_table_and_refuse_others(ledger: Ledger) -> None:
    run = ledger.start_run(realm_id="r", config_hash="h", now=NOW)
    ledger.record_notification(
        run_id=run, channel="email", recipients="a@b.co", status="sent", detail="", now=NOW
    )
    for table in TABLES:
        frame = ledger.frame(table)
        assert "id" in frame.columns or "order_id" in frame.columns
    assert list(ledger.frame("runs")["id"]) == [run]
    with pytest.raises(LedgerError):
        ledger.frame("sqlite_master")


def test_ledger_doc_lists_every_column() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "LEDGER.md").read_text(encoding="utf-8")
    with Ledger(":memory:") as led:
        for table in TABLES:
            assert f"### `{table}`" in doc, table
            for col in led.execute(f"PRAGMA table_info({table})"):
                assert f"`{col[1]}`" in doc, f"{table}.{col[1]} is not documented"
