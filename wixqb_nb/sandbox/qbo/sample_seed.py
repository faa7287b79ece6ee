"""Two small company seeds in the contract's shape (docs/CONTRACTS.md "Company seed").

The demo generator (``wixqb_nb.sandbox.demo``) produces the realistic ones; these are the minimum
that exercises every rule: a Quebec company (GST 5 % + QST 9.975 %, HST 13 %, zero-rated; CAD home
currency with multicurrency on) and a US company with automated sales tax (TAX/NON).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any


def _ref(value: str, name: str = "") -> dict[str, str]:
    return {"value": value, "name": name} if name else {"value": value}


def _accounts() -> list[dict[str, Any]]:
    rows = [
        ("1", "Undeposited Funds", "Other Current Asset", "UndepositedFunds"),
        ("2", "Chequing", "Bank", "Checking"),
        ("3", "Sales of Product Income", "Income", "SalesOfProductIncome"),
        ("4", "Shipping Income", "Income", "OtherPrimaryIncome"),
        ("5", "Discounts given", "Income", "DiscountsRefundsGiven"),
        ("6", "Cost of Goods Sold", "Cost of Goods Sold", "SuppliesMaterialsCogs"),
        ("7", "Inventory Asset", "Other Current Asset", "Inventory"),
        ("8", "Stripe Clearing", "Bank", "Checking"),
        ("9", "Accounts Receivable (A/R)", "Accounts Receivable", "AccountsReceivable"),
        ("10", "Old Bank", "Bank", "Checking"),
    ]
    return [
        {
            "Id": i,
            "Name": n,
            "AccountType": t,
            "AccountSubType": s,
            "Active": i != "10",
            "FullyQualifiedName": n,
        }
        for i, n, t, s in rows
    ]


def _common_lists() -> dict[str, list[dict[str, Any]]]:
    return {
        "Class": [
            {"Id": "40", "Name": "Online", "Active": True},
            {"Id": "42", "Name": "Retired", "Active": False},
        ],
        "Department": [{"Id": "41", "Name": "Web store", "Active": True}],
        "PaymentMethod": [
            {"Id": "50", "Name": "Visa", "Type": "CREDIT_CARD", "Active": True},
            {"Id": "51", "Name": "Cash", "Type": "NON_CREDIT_CARD", "Active": True},
        ],
        "Term": [{"Id": "60", "Name": "Net 30", "DueDays": 30, "Active": True}],
        "Vendor": [{"Id": "70", "DisplayName": "Acme Supplies", "Active": True}],
        "Employee": [{"Id": "71", "DisplayName": "Sam Clerk", "Active": True}],
    }


def _items(tax_code: str | None) -> list[dict[str, Any]]:
    def item(
        ident: str, name: str, sku: str | None, kind: str, price: str, active: bool = True
    ) -> dict[str, Any]:
        row: dict[str, Any] = {
            "Id": ident,
            "Name": name,
            "FullyQualifiedName": name,
            "Type": kind,
            "UnitPrice": Decimal(price),
            "IncomeAccountRef": _ref("3"),
            "Active": active,
            "Taxable": True,
        }
        if sku:
            row["Sku"] = sku
        if kind == "Inventory":
            row.update(
                ExpenseAccountRef=_ref("6"),
                AssetAccountRef=_ref("7"),
                QtyOnHand=10,
                InvStartDate="2025-01-01",
            )
        if tax_code:
            row["SalesTaxCodeRef"] = _ref(tax_code)
        return row

    return [
        item("20", "T-shirt", "TS-1", "NonInventory", "19.99"),
        item("21", "Mug", "MUG-1", "Inventory", "12.50"),
        item("22", "Consulting", None, "Service", "100.00"),
        item("23", "Discontinued", "OLD-1", "NonInventory", "5.00", active=False),
        item("24", "Shipping", "SHIP", "Service", "0"),
    ]


def _prefs(*, country_tax: bool, ast: bool, currency: str, multicurrency: bool) -> dict[str, Any]:
    return {
        "Id": "1",
        "SalesFormsPrefs": {
            "CustomTxnNumbers": True,
            "AllowShipping": True,
            "DefaultShippingAccount": "4",
            "AllowDiscount": True,
            "DefaultDiscountAccount": "5",
            "AllowServiceDate": True,
        },
        "AccountingInfoPrefs": {
            "TrackDepartments": True,
            "ClassTrackingPerTxnLine": True,
            "BookCloseDate": None,
        },
        "CurrencyPrefs": {"MultiCurrencyEnabled": multicurrency, "HomeCurrency": {"value": currency}},
        "TaxPrefs": {"UsingSalesTax": country_tax or ast, "PartnerTaxEnabled": ast},
    }


def ca_seed() -> dict[str, Any]:
    """A Quebec company: per-line tax codes, rounding per line, CAD with multicurrency."""
    rates = [
        {"Id": "1", "Name": "GST", "RateValue": Decimal("5"), "Active": True},
        {"Id": "2", "Name": "QST", "RateValue": Decimal("9.975"), "Active": True},
        {"Id": "3", "Name": "HST ON", "RateValue": Decimal("13"), "Active": True},
        {"Id": "4", "Name": "Zero-rated", "RateValue": Decimal("0"), "Active": True},
        {"Id": "5", "Name": "GST 10 test", "RateValue": Decimal("10"), "Active": True},
        {"Id": "6", "Name": "PST 12 test", "RateValue": Decimal("12"), "Active": True},
    ]

    def code(ident: str, name: str, rate_ids: list[str], active: bool = True) -> dict[str, Any]:
        detail = [
            {"TaxRateRef": _ref(r), "TaxTypeApplicable": "TaxOnAmount", "TaxOrder": 0} for r in rate_ids
        ]
        return {
            "Id": ident,
            "Name": name,
            "Active": active,
            "Taxable": bool(rate_ids),
            "TaxGroup": len(rate_ids) > 1,
            "SalesTaxRateList": {"TaxRateDetail": detail},
        }

    entities = {
        "Account": _accounts(),
        "TaxRate": rates,
        "TaxCode": [
            code("10", "GST/QST QC", ["1", "2"]),
            code("11", "GST", ["1"]),
            code("12", "HST ON", ["3"]),
            code("13", "Zero-rated", ["4"]),
            code("14", "Exempt", []),
            code("15", "GST10", ["5"]),
            code("16", "PST12", ["6"]),
            code("17", "Old code", ["1"], active=False),
        ],
        "Item": _items("10"),
        "Customer": [
            {"Id": "30", "DisplayName": "Jane Doe", "GivenName": "Jane", "FamilyName": "Doe", "Active": True},
            {"Id": "31", "DisplayName": "O'Brien Ltd", "CompanyName": "O'Brien Ltd", "Active": True},
            {"Id": "32", "DisplayName": "Old Customer", "Active": False},
            {"Id": "33", "DisplayName": "US Buyer", "CurrencyRef": _ref("USD"), "Active": True},
        ],
        **_common_lists(),
    }
    return {
        "profile": "ca-qc",
        "country": "CA",
        "home_currency": "CAD",
        "settings": {"tax_rounding": "line", "exchange_rates": {"USD": "1.35"}},
        "preferences": _prefs(country_tax=True, ast=False, currency="CAD", multicurrency=True),
        "company_info": {
            "Id": "1",
            "CompanyName": "Boutique Sandbox QC",
            "Country": "CA",
            "LegalAddr": {"City": "Montréal"},
        },
        "entities": entities,
    }


def us_seed() -> dict[str, Any]:
    """A US company with automated sales tax: lines TAX/NON, a state + city code chosen by AST."""
    entities = {
        "Account": _accounts(),
        "TaxRate": [
            {"Id": "101", "Name": "TX State", "RateValue": Decimal("6.25"), "Active": True},
            {"Id": "102", "Name": "Austin City", "RateValue": Decimal("2"), "Active": True},
        ],
        "TaxCode": [
            {
                "Id": "110",
                "Name": "Austin",
                "Active": True,
                "Taxable": True,
                "TaxGroup": True,
                "SalesTaxRateList": {
                    "TaxRateDetail": [{"TaxRateRef": _ref("101")}, {"TaxRateRef": _ref("102")}]
                },
            }
        ],
        "Item": _items(None),
        "Customer": [
            {"Id": "30", "DisplayName": "Jane Doe", "GivenName": "Jane", "FamilyName": "Doe", "Active": True},
            {"Id": "31", "DisplayName": "O'Brien Ltd", "Active": True},
        ],
        **_common_lists(),
    }
    return {
        "profile": "us",
        "country": "US",
        "home_currency": "USD",
        "settings": {"tax_rounding": "total", "ast_tax_code": "110"},
        "preferences": _prefs(country_tax=False, ast=True, currency="USD", multicurrency=False),
        "company_info": {"Id": "1", "CompanyName": "Sandbox Goods Inc", "Country": "US"},
        "entities": entities,
    }
