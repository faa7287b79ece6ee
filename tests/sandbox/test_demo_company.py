"""The QBO company seed: QBO shapes, references that resolve, and items laid out for product matching."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from wixqb_nb import money
from wixqb_nb.sandbox.demo import company_seed, generate_store

PROFILES = ["ca-qc", "us"]


@pytest.fixture(scope="module", params=PROFILES)
def seed(request: pytest.FixtureRequest) -> dict[str, Any]:
    return company_seed(request.param)


def _by_id(seed: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {e["Id"]: e for e in seed["entities"][kind]}


def test_contract_shape(seed: dict[str, Any]) -> None:
    assert set(seed) == {
        "profile",
        "country",
        "home_currency",
        "settings",
        "preferences",
        "company_info",
        "entities",
    }
    assert set(seed["entities"]) == {
        "Account",
        "TaxCode",
        "TaxRate",
        "Item",
        "Class",
        "Department",
        "PaymentMethod",
        "Term",
        "Customer",
    }
    assert seed["settings"]["tax_rounding"] in ("line", "total")
    assert seed["company_info"]["Country"] == seed["country"]
    assert seed["preferences"]["CurrencyPrefs"]["HomeCurrency"]["value"] == seed["home_currency"]
    sales = seed["preferences"]["SalesFormsPrefs"]
    assert sales["CustomTxnNumbers"] is True and sales["AllowShipping"] and sales["AllowDiscount"]
    assert seed["preferences"]["AccountingInfoPrefs"]["BookCloseDate"] < "2025-01-01"
    for kind, entities in seed["entities"].items():
        ids = [e["Id"] for e in entities]
        assert all(isinstance(i, str) for i in ids) and len(set(ids)) == len(ids), kind
        assert all(e["SyncToken"] == "0" for e in entities)
    assert money.dumps(seed) == money.dumps(company_seed(seed["profile"]))


def test_references_resolve(seed: dict[str, Any]) -> None:
    accounts = _by_id(seed, "Account")
    rates = _by_id(seed, "TaxRate")
    codes = _by_id(seed, "TaxCode")
    for code in codes.values():
        for detail in code.get("SalesTaxRateList", {}).get("TaxRateDetail", []):
            assert detail["TaxRateRef"]["value"] in rates
    for item in seed["entities"]["Item"]:
        assert accounts[item["IncomeAccountRef"]["value"]]["Name"] == item["IncomeAccountRef"]["name"]
        if item["Type"] == "Inventory":
            assert accounts[item["AssetAccountRef"]["value"]]["AccountSubType"] == "Inventory"
            assert accounts[item["ExpenseAccountRef"]["value"]]["AccountType"] == "Cost of Goods Sold"
        if "SalesTaxCodeRef" in item:
            assert item["SalesTaxCodeRef"]["value"] in codes
    terms = _by_id(seed, "Term")
    for customer in seed["entities"]["Customer"]:
        assert customer["SalesTermRef"]["value"] in terms
    sales = seed["preferences"]["SalesFormsPrefs"]
    assert accounts[sales["DefaultShippingAccount"]]["Name"] == "Shipping Income"
    assert accounts[sales["DefaultDiscountAccount"]]["AccountSubType"] == "DiscountsRefundsGiven"


def test_chart_of_accounts_and_lists(seed: dict[str, Any]) -> None:
    names = {a["Name"] for a in seed["entities"]["Account"]}
    assert {
        "Undeposited Funds",
        "Wix Payments Clearing",
        "PayPal Clearing",
        "Stripe Clearing",
        "Gift Card Clearing",
        "Sales of Product Income",
        "Services",
        "Shipping Income",
        "Discounts given",
        "Cost of Goods Sold",
        "Inventory Asset",
        "Rounding",
    } <= names
    assert all(len(m["Name"]) <= 15 for m in seed["entities"]["PaymentMethod"])
    assert all(len(c["Name"]) <= 10 and len(c["Description"]) <= 31 for c in seed["entities"]["TaxCode"])
    items = {i["Name"] for i in seed["entities"]["Item"]}
    assert {"Shipping", "Discount", "Rounding", "Gift card"} <= items
    assert len({i["Name"] for i in seed["entities"]["Item"]}) == len(seed["entities"]["Item"])


def test_tax_codes_per_profile() -> None:
    ca = company_seed("ca-qc")
    rates = _by_id(ca, "TaxRate")
    codes = {c["Name"]: c for c in ca["entities"]["TaxCode"]}
    qc = [
        rates[d["TaxRateRef"]["value"]]["RateValue"]
        for d in codes["GST/QST QC"]["SalesTaxRateList"]["TaxRateDetail"]
    ]
    assert qc == [Decimal(5), Decimal("9.975")]
    assert {"HST ON", "GST", "Exempt", "Zero-rated", "GST AU 10", "HST BC 12"} <= set(codes)
    assert ca["preferences"]["TaxPrefs"] == {"UsingSalesTax": True, "PartnerTaxEnabled": False}
    us = company_seed("us")
    assert [c["Id"] for c in us["entities"]["TaxCode"]][:2] == ["TAX", "NON"]
    assert us["preferences"]["TaxPrefs"]["PartnerTaxEnabled"] is True
    assert us["country"] == "US" and us["home_currency"] == "USD"


@pytest.mark.parametrize("profile", PROFILES)
def test_items_cover_every_matching_case(profile: str) -> None:
    seed = company_seed(profile)
    store = generate_store(200, seed=2, profile=profile)
    names = {i["Name"] for i in seed["entities"]["Item"]}
    skus = {i["Sku"] for i in seed["entities"]["Item"] if "Sku" in i}
    line_skus = {
        li["physicalProperties"]["sku"]
        for o in store["orders"]
        for li in o["lineItems"]
        if "sku" in li.get("physicalProperties", {})
    }
    by_name = line_skus & names
    by_sku_only = (line_skus & skus) - names
    missing = line_skus - names - skus
    assert by_name and by_sku_only and missing
    # A buyer of the store already exists as a QBO customer (DisplayName collision).
    buyers = {
        f"{o['billingInfo']['contactDetails']['firstName']} {o['billingInfo']['contactDetails']['lastName']}"
        for o in store["orders"]
    }
    assert buyers & {c["DisplayName"] for c in seed["entities"]["Customer"]}


def test_every_store_tax_region_has_a_code() -> None:
    for profile in PROFILES:
        seed = company_seed(profile)
        rates = {r["Name"]: r["RateValue"] for r in seed["entities"]["TaxRate"]}
        store = generate_store(300, seed=4, profile=profile)
        charged = {(b["taxName"], b["rate"]) for o in store["orders"] for b in o["taxInfo"]["taxBreakdown"]}
        percents = {Decimal(rate) * 100 for _, rate in charged}
        assert percents <= set(rates.values()), (profile, percents - set(rates.values()))


def test_unknown_profile() -> None:
    with pytest.raises(ValueError, match="unknown profile"):
        company_seed("uk")
