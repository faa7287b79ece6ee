"""``wixqb reconcile`` against the embedded sandbox over real HTTP.

A sandbox store is synced with the real sync engine; the command then finds nothing. QBO is then
changed behind the tool's back through QBO's own API (a document deleted, one duplicated, an
unrelated invoice with our prefix added): each is found with the right category and nothing else,
and the command exits 1.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from wixqb_nb.cli import main
from wixqb_nb.clients import qbo_query
from wixqb_nb.config import Config
from wixqb_nb.init.sandbox import init_sandbox, load_secrets_env
from wixqb_nb.mapping.markers import parse_marker, sale_doc_number
from wixqb_nb.reconcile import ReconResult
from wixqb_nb.reconcile.wix_frames import rate_key
from wixqb_nb.reporting.cli import fetch_period, reconcile_period
from wixqb_nb.sandbox import SandboxServer
from wixqb_nb.sync.connect import Clients, build_clients, secrets_file_for, state_dir
from wixqb_nb.sync.run import sync_run


@dataclass
class Company:
    """A sandbox store synced once by the sync engine, and the config made for it."""

    sb: SandboxServer
    config: Config
    path: Path
    env: dict[str, str]
    since: dt.date
    until: dt.date

    def clients(self) -> Clients:
        return build_clients(self.config, config_path=self.path, env=self.env)

    def reconcile(self) -> ReconResult:
        with self.clients() as c:
            return reconcile_period(
                fetch_period(self.config, c.wix, c.qbo, self.since, self.until), self.config
            )

    def cli(self, *extra: str) -> int:
        args = [
            "reconcile",
            "--config",
            str(self.path),
            "--since",
            str(self.since),
            "--until",
            str(self.until),
        ]
        return main([*args, *extra])


@pytest.fixture
def company(
    fresh_sandbox: Callable[..., SandboxServer], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Company]:
    sb = fresh_sandbox(profile="ca-qc", orders=30)
    path = tmp_path / "wixqb.toml"
    init = init_sandbox(sb.url, path, now=dt.datetime.now(dt.UTC))
    env: dict[str, str] = {}
    load_secrets_env(init.secrets_file, env)
    for key, value in env.items():
        monkeypatch.setenv(key, value)  # the command reads its secrets from the environment
    config = init.config
    with build_clients(config, config_path=path, env=env) as c:
        run = sync_run(config, wix=c.wix, qbo=c.qbo, now=dt.datetime.now(dt.UTC),
                       state_dir=state_dir(config, path), env=env, notify=False)  # fmt: skip
    assert run.exit_code == 0 and run.counts["orders_posted"] > 20, run.counts
    tz = ZoneInfo(config.general.time_zone)
    days = sorted(
        dt.datetime.fromisoformat(o["createdDate"].replace("Z", "+00:00")).astimezone(tz).date()
        for o in sb.state.wix.store.orders.values()
    )
    yield Company(sb, config, path, env, days[0], days[-1])


def _receipts(c: Clients) -> list[dict[str, Any]]:
    return list(c.qbo.query_iter(qbo_query.select("SalesReceipt")))


def _errors(result: ReconResult) -> set[tuple[str, str]]:
    return {(str(d.category), d.order_number) for d in result.errors}


def _number_of(company: Company, order_id: str) -> str:
    return str(company.sb.state.wix.store.orders[order_id]["number"])


def test_clean_sync_reconciles_to_nothing_and_the_workbook_says_so(company: Company, tmp_path: Path) -> None:
    result = company.reconcile()
    assert result.errors == () and result.matches()
    counts = dict(result.counts)
    assert counts["matched"] == counts["wix_orders_synced"] > 20
    out = tmp_path / "out" / "recon.xlsx"
    assert company.cli("--out", str(out)) == 0
    wb = load_workbook(out)
    assert wb.sheetnames == ["Summary", "Documents", "Discrepancies", "Errors", "Daily tie-out", "Tax tie-out",
                             "Rounding"]  # fmt: skip
    summary = {row[0]: row[1] for row in wb["Summary"].iter_rows(values_only=True) if row and row[0]}
    assert summary["Result"] == "PASS: Wix and QuickBooks agree"
    assert wb["Documents"].max_row == counts["wix_orders"] + 1  # a header and one row per Wix order
    assert wb["Discrepancies"].max_row == len(result.discrepancies) + 1  # info rows only (rounding absorbed)


def test_deleted_document_is_missing_in_qbo_and_the_command_exits_1(company: Company) -> None:
    with company.clients() as c:
        receipt = next(
            d for d in _receipts(c)
            if not company.sb.state.wix.store.transactions.get(parse_id(d), {}).get("refunds")
        )  # fmt: skip
        c.qbo.delete("SalesReceipt", receipt["Id"], receipt["SyncToken"], "test-delete")
    number = _number_of(company, parse_id(receipt))
    assert _errors(company.reconcile()) == {("missing_in_qbo", number)}
    assert company.cli() == 1


def test_duplicate_and_unrelated_prefixed_invoice_are_found_and_nothing_else(company: Company) -> None:
    adv = company.config.advanced
    with company.clients() as c:
        receipt = _receipts(c)[0]
        copy_of = {k: v for k, v in copy.deepcopy(receipt).items()
                   if k not in ("Id", "SyncToken", "MetaData", "DocNumber", "domain", "sparse")}  # fmt: skip
        for line in copy_of.get("Line") or []:
            line.pop("Id", None)
        c.qbo.create("SalesReceipt", copy_of, "test-duplicate")
        line = next(x for x in receipt["Line"] if x.get("DetailType") == "SalesItemLineDetail")
        item = line["SalesItemLineDetail"]["ItemRef"]
        c.qbo.create("Invoice", {
            "CustomerRef": receipt["CustomerRef"], "TxnDate": str(company.since),
            "DocNumber": sale_doc_number(adv.order_prefix, adv.order_separator, "99999"),
            "Line": [{"DetailType": "SalesItemLineDetail", "Amount": 5,
                      "SalesItemLineDetail": {"ItemRef": item, "Qty": 1, "UnitPrice": 5}}],
        }, "test-unrelated")  # fmt: skip
    result = company.reconcile()
    assert _errors(result) == {
        ("duplicate", _number_of(company, parse_id(receipt))),
        ("in_qbo_not_wix", "99999"),
    }
    assert not result.matches()
    assert company.cli() == 1


def test_changed_line_amount_and_changed_tax_are_found_by_component_and_rate(company: Company) -> None:
    with company.clients() as c:
        receipts = [d for d in _receipts(c) if d["TxnTaxDetail"].get("TaxLine")]
        # A tax-exclusive receipt: QBO derives a tax-inclusive line's Amount from TaxInclusiveAmt.
        line_doc = next(d for d in receipts if not any("TaxInclusiveAmt" in (x.get("SalesItemLineDetail") or {})
                                                       for x in d["Line"]))  # fmt: skip
        tax_doc = next(d for d in receipts if d["Id"] != line_doc["Id"])
        lines = copy.deepcopy(line_doc["Line"])
        first = next(x for x in lines if x.get("DetailType") == "SalesItemLineDetail")
        first["Amount"] += 10
        detail = first["SalesItemLineDetail"]
        if detail.get("Qty"):
            detail["UnitPrice"] = first["Amount"] / detail["Qty"]
        c.qbo.update(
            "SalesReceipt", {"Id": line_doc["Id"], "SyncToken": line_doc["SyncToken"], "Line": lines}, "t1"
        )
        taxes = copy.deepcopy(tax_doc["TxnTaxDetail"])
        taxes["TaxLine"][-1]["Amount"] += 1
        taxes["TotalTax"] += 1
        c.qbo.update("SalesReceipt", {"Id": tax_doc["Id"], "SyncToken": tax_doc["SyncToken"], "TxnTaxDetail": taxes},
                     "t2")  # fmt: skip
    rate = rate_key(Decimal(str(taxes["TaxLine"][-1]["TaxLineDetail"]["TaxPercent"]))) + "%"
    found = {(str(d.category), d.order_number, d.component) for d in company.reconcile().errors}
    assert found == {
        ("total_mismatch", _number_of(company, parse_id(line_doc)), "lines"),
        ("tax_mismatch", _number_of(company, parse_id(tax_doc)), rate),
    }


def test_config_and_auth_problems_exit_2(
    company: Company, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["reconcile", "--config", str(tmp_path / "none.toml"), "--since", "2025-01-01",
                 "--until", "2025-01-31"]) == 2  # fmt: skip
    assert company.cli() == 0
    monkeypatch.delenv("WIXQB_WIX_API_KEY")
    assert company.cli() == 0  # the sandbox's 0600 secrets file next to the config still has it
    secrets = secrets_file_for(company.path)
    secrets.rename(secrets.with_suffix(".away"))
    try:
        assert company.cli() == 2
    finally:
        secrets.with_suffix(".away").rename(secrets)
    assert (
        main(["reconcile", "--config", str(company.path), "--since", "March", "--until", "2025-01-31"]) == 2
    )


def parse_id(doc: dict[str, Any]) -> str:
    found = parse_marker(doc.get("PrivateNote"))
    assert found is not None
    return found.order_id
