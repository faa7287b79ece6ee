"""``wixqb reconcile`` against the embedded sandbox over real HTTP.

A sandbox store is synced with the real sync engine; the command then finds nothing. QBO is then
changed behind the tool's back through QBO's own API (a document deleted, one duplicated, an
unrelated invoice with our prefix added): each is found with the right category and nothing else,
and the command exits 1.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from wixqb_nb.cli import main
from wixqb_nb.clients import qbo_query
from wixqb_nb.config import Config, CustomerMode
from wixqb_nb.config_file import load_config, save_config
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


def _synced(
    fresh_sandbox: Callable[..., SandboxServer],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    *,
    generic_customer: bool = False,
) -> Company:
    """Sync a fresh ``ca-qc`` store with the config ``init`` suggests (optionally one generic customer)."""
    sb = fresh_sandbox(profile="ca-qc", orders=30)
    path = tmp_path / "wixqb.toml"
    init = init_sandbox(sb.url, path, now=dt.datetime.now(dt.UTC))
    env: dict[str, str] = {}
    load_secrets_env(init.secrets_file, env)
    for key, value in env.items():
        monkeypatch.setenv(key, value)  # the command reads its secrets from the environment
    config = init.config
    if generic_customer:
        advanced = config.advanced.model_copy(update={"customer_mode": CustomerMode.GENERIC})
        save_config(config.model_copy(update={"advanced": advanced}), path)
        config = load_config(path)  # validated, and the file the command reads says the same
    with build_clients(config, config_path=path, env=env) as c:
        run = sync_run(config, wix=c.wix, qbo=c.qbo, now=dt.datetime.now(dt.UTC),
                       state_dir=state_dir(config, path), env=env, notify=False)  # fmt: skip
    assert run.exit_code == 0 and run.counts["orders_posted"] > 20, run.counts
    tz = ZoneInfo(config.general.time_zone)
    days = sorted(
        dt.datetime.fromisoformat(o["createdDate"].replace("Z", "+00:00")).astimezone(tz).date()
        for o in sb.state.wix.store.orders.values()
    )
    return Company(sb, config, path, env, days[0], days[-1])


@pytest.fixture
def company(
    fresh_sandbox: Callable[..., SandboxServer], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Company:
    return _synced(fresh_sandbox, tmp_path, monkeypatch)


@pytest.fixture
def generic_company(
    fresh_sandbox: Callable[..., SandboxServer], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Company:
    """Every sale booked to one QBO customer, so its open invoices can take another invoice's payment.

    QBO (and the sandbox) refuse to apply a payment to another customer's invoice, so a payment can
    only be applied to the wrong invoice among one customer's invoices.
    """
    return _synced(fresh_sandbox, tmp_path, monkeypatch, generic_customer=True)


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


def test_payment_applied_to_another_invoice_is_misapplied_and_nothing_else(generic_company: Company) -> None:
    company = generic_company
    assert company.reconcile().errors == ()
    with company.clients() as c:
        invoices = {d["Id"]: d for d in c.qbo.query_iter(qbo_query.select("Invoice"))}
        ours = [
            p for p in c.qbo.query_iter(qbo_query.select("Payment")) if parse_marker(p.get("PrivateNote"))
        ]
        # A payment of one invoice and another open invoice of the same customer that can take it all.
        payment, own, other = next(
            (p, invoices[own_id], inv)
            for p in sorted(ours, key=lambda p: int(p["Id"]))
            if len(links := [x["TxnId"] for line in p["Line"] for x in line.get("LinkedTxn") or []]) == 1
            and (own_id := links[0]) in invoices
            for inv in invoices.values()
            if inv["Id"] != own_id
            and inv["CustomerRef"] == p["CustomerRef"]
            and inv["Balance"] >= p["TotalAmt"]
        )
        lines = copy.deepcopy(payment["Line"])
        for line in lines:
            line["LinkedTxn"] = [{"TxnId": other["Id"], "TxnType": "Invoice"}]
        c.qbo.update(
            "Payment", {"Id": payment["Id"], "SyncToken": payment["SyncToken"], "Line": lines}, "t-move"
        )
        after = {d["Id"]: d for d in c.qbo.query_iter(qbo_query.select("Invoice"))}
    amount = payment["TotalAmt"]
    assert after[own["Id"]]["Balance"] == own["Balance"] + amount  # QBO moved the money
    assert after[other["Id"]]["Balance"] == other["Balance"] - amount
    marker = parse_marker(payment["PrivateNote"])
    assert marker is not None
    number = _number_of(company, marker.order_id)
    result = company.reconcile()
    # Both invoices' balances now differ from Wix, but the one misapplied payment explains both: no
    # payment-status row for either invoice.
    assert _errors(result) == {("payment_misapplied", number)}
    (row,) = result.errors
    assert (row.kind, row.source_id, row.qbo_id, row.doc_number) == ("payment", marker.source_id, own["Id"],
                                                                      own["DocNumber"])  # fmt: skip
    assert row.wix_amount == row.qbo_amount == amount
    # Both invoices named as the user finds them in QuickBooks (their numbers, not QBO's internal Ids).
    assert row.explanation == (
        f"Payment {marker.source_id} of order {number} is applied to Invoice {other['DocNumber']} "
        f"(order {_number_of(company, parse_id(other))}) instead of its own invoice Invoice {own['DocNumber']}."
    )
    assert row.action == f"Edit the payment in QuickBooks and apply it to Invoice {own['DocNumber']}."
    assert company.cli() == 1


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
