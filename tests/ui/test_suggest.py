"""The suggestion core of `wixqb init` and the wizard: QBO company + Wix orders -> config."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from wixqb_nb import money
from wixqb_nb.config import validate_data
from wixqb_nb.init.company import ACCOUNT_TYPES, CompanyData, TaxCodeOption
from wixqb_nb.init.suggest import Suggestion, WixTax, match_tax, suggest, wix_taxes
from wixqb_nb.models.wix import Order, OrderTransactions
from wixqb_nb.sandbox.demo import company_seed, generate_store

TODAY = dt.date(2031, 1, 1)


@cache
def _demo(profile: str) -> tuple[CompanyData, tuple[Order, ...], tuple[OrderTransactions, ...]]:
    seed = company_seed(profile)
    store = money.loads(money.dumps(generate_store(240, seed=11, profile=profile)))
    company = CompanyData.from_entities(
        seed["entities"], preferences=seed["preferences"], company_info=seed["company_info"]
    )
    orders = tuple(Order.model_validate(o) for o in store["orders"])
    txs = tuple(OrderTransactions.model_validate(t) for t in store["transactions"])
    return company, orders, txs


def _suggest(profile: str = "ca-qc", **kw: Any) -> Suggestion:
    company, orders, txs = _demo(profile)
    conn = {"wix_site_id": "site", "qbo_realm_id": "123"}
    return suggest(company, list(orders), list(txs), connection=conn, **kw)


def test_ca_suggestion_is_a_valid_config_mapping_every_wix_tax_by_rate() -> None:
    company, orders, _ = _demo("ca-qc")
    s = _suggest()
    assert s.problems(today=TODAY) == []
    config = s.config(today=TODAY)
    codes = {o.id: o for o in company.tax_code_options()}
    for tax in wix_taxes(orders):
        hits = [m for m in config.taxes.mappings if m.rate == tax.rate]
        assert hits, f"Wix tax {tax} is not mapped"
        assert {codes[m.qbo_tax_code.id].rate for m in hits} == {tax.rate}
    assert config.taxes.untaxed_code is not None
    assert codes[config.taxes.untaxed_code.id].rate == 0
    # GST + QST (Quebec) lands on the two-rate code, not on a single rate that happens to match
    qc = next(m for m in config.taxes.mappings if m.name == "GST + QST")
    assert codes[qc.qbo_tax_code.id].rate_names and len(codes[qc.qbo_tax_code.id].rate_names) == 2


def test_start_date_is_the_first_order_day_in_the_account_time_zone() -> None:
    _, orders, _ = _demo("ca-qc")
    s = _suggest(time_zone="America/Toronto")
    first = min(o.created_date for o in orders if o.created_date is not None)
    assert s.data["general"]["start_date"] == first.astimezone(ZoneInfo("America/Toronto")).date()
    assert s.data["general"]["time_zone"] == "America/Toronto"


def test_everything_needed_to_sync_the_whole_store_is_on() -> None:
    config = _suggest().config(today=TODAY)
    assert config.items.allow_create
    assert config.orders.unpaid_stores_orders
    assert set(config.orders.payment_statuses) >= {"PAID", "NOT_PAID", "PARTIALLY_REFUNDED", "FULLY_REFUNDED"}
    assert config.orders.document_for("NOT_PAID").value == "invoice"
    assert config.refunds.refund_from_account is not None
    assert config.advanced.rounding_item is not None and config.advanced.rounding_max > 0


@pytest.mark.parametrize("path", sorted(p for p in ACCOUNT_TYPES if "methods" not in p))
def test_suggested_accounts_have_a_type_their_field_allows(path: str) -> None:
    company, _, _ = _demo("ca-qc")
    section, field = path.split(".")
    ref = _suggest().data[section].get(field)
    if ref is None:
        pytest.skip(f"{path} has no suggestion in the demo company")
    account = next(a for a in company.accounts if a.id == ref["id"])
    assert account.account_type in ACCOUNT_TYPES[path]


def test_payment_methods_get_their_gateway_clearing_account() -> None:
    company, _, txs = _demo("ca-qc")
    methods = {m["wix_method"]: m for m in _suggest().data["payments"]["methods"]}
    seen = {p.method for t in txs for p in t.payments} - {"GiftCard", "Membership", "Unknown"}
    assert set(methods) == seen
    names = {a.id: a.name for a in company.accounts}
    assert "PayPal" in names[methods["PayPal"]["deposit_account"]["id"]]
    for entry in methods.values():
        if "deposit_account" in entry:
            acct = next(a for a in company.accounts if a.id == entry["deposit_account"]["id"])
            assert acct.account_type in ACCOUNT_TYPES["payments.methods.deposit_account"]


def test_matching_side_and_unmatched_skus_agree_with_the_company() -> None:
    company, orders, _ = _demo("ca-qc")
    s = _suggest()
    match_by = s.data["matching"]["match_by"]
    skus = {line.sku for o in orders for line in o.line_items if line.sku}
    by_name = sum(1 for k in skus if company.item_by_name(k))
    by_sku = sum(1 for k in skus if company.item_by_sku(k))
    assert match_by == ("sku" if by_sku > by_name else "name")
    assert {x.sku for x in s.skus} == skus
    assert {x.sku for x in s.unmatched_skus} == {k for k in skus if company.find_item(k, match_by) is None}
    assert s.unmatched_skus, "the demo company misses some items on purpose"


def test_us_company_maps_every_tax_to_the_pseudo_code_tax() -> None:
    config = _suggest("us").config(today=TODAY)
    assert config.taxes.mappings
    assert {m.qbo_tax_code.id for m in config.taxes.mappings} == {"TAX"}
    assert config.taxes.untaxed_code is not None and config.taxes.untaxed_code.id == "NON"


# Tax codes with equal rates: the Wix names decide (table: wix name, rate, expected code).
CODES = [
    TaxCodeOption("10", "HST NS", Decimal("0.15"), ("HST NS",)),
    TaxCodeOption("11", "GST/QST QC", Decimal("0.14975"), ("GST", "QST")),
    TaxCodeOption("12", "QC combined", Decimal("0.14975"), ("Combined",)),
    TaxCodeOption("13", "Exempt", Decimal("0"), ()),
]


@pytest.mark.parametrize(
    ("name", "rate", "expected"),
    [
        ("GST + QST", "0.14975", "11"),
        ("Tax", "0.15", "10"),
        ("Tax", "0.07", None),  # nothing in QBO adds up to 7 %
        ("Exempt", "0", None),  # zero-rate codes are for untaxed lines, never a Wix tax
    ],
)
def test_match_tax_by_rate_then_by_name(name: str, rate: str, expected: str | None) -> None:
    got = match_tax(WixTax(name, Decimal(rate)), CODES)
    assert (got.code.id if got.code else None) == expected


def test_no_rounding_item_means_no_rounding_allowance() -> None:
    company, orders, txs = _demo("ca-qc")
    bare = CompanyData(
        accounts=company.accounts,
        tax_codes=company.tax_codes,
        tax_rates=company.tax_rates,
        items=tuple(i for i in company.items if "round" not in i.name.lower()),
        preferences=company.preferences,
        company_info=company.company_info,
    )
    s = suggest(bare, list(orders), list(txs), connection={"wix_site_id": "s", "qbo_realm_id": "1"})
    assert "rounding_item" not in s.data["advanced"]
    assert s.data["advanced"]["rounding_max"] == "0"
    config, problems = validate_data(s.data, today=TODAY)
    assert problems == [] and config is not None
