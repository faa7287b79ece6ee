"""The QBO company that goes with the demo store, in QBO's JSON shapes with string Ids.

Shape (docs/CONTRACTS.md): ``{"profile", "country", "home_currency", "settings", "preferences",
"company_info", "entities": {"Account", "TaxCode", "TaxRate", "Item", "Class", "Department",
"PaymentMethod", "Term", "Customer"}}``. Items are laid out so that product matching meets every
case: Name equal to the Wix SKU, a match only through the Sku field, a no-SKU product known by
name, and products missing on purpose.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ._data import PRODUCTS, PROFILES, SPECIAL_PEOPLE, regions

_META = {"CreateTime": "2024-06-01T09:00:00-04:00", "LastUpdatedTime": "2024-06-01T09:00:00-04:00"}
BOOK_CLOSE_DATE = "2024-12-31"


def _entity(id_: int | str, **fields: Any) -> dict[str, Any]:
    return {
        "Id": str(id_),
        **fields,
        "SyncToken": "0",
        "domain": "QBO",
        "sparse": False,
        "MetaData": dict(_META),
    }


def _ref(entity: dict[str, Any]) -> dict[str, str]:
    return {"value": entity["Id"], "name": entity.get("Name") or entity.get("DisplayName", "")}


# (key, name fr/en-ca, name us, AccountType, AccountSubType, Classification, AcctNum)
_ACCOUNTS: tuple[tuple[str, str, str, str, str, str, str], ...] = (
    (
        "undeposited",
        "Undeposited Funds",
        "Undeposited Funds",
        "Other Current Asset",
        "UndepositedFunds",
        "Asset",
        "1100",
    ),
    ("bank", "Desjardins Chequing", "Chase Checking", "Bank", "Checking", "Asset", "1000"),
    ("clear_wix", "Wix Payments Clearing", "Wix Payments Clearing", "Bank", "CashOnHand", "Asset", "1010"),
    ("clear_paypal", "PayPal Clearing", "PayPal Clearing", "Bank", "CashOnHand", "Asset", "1020"),
    ("clear_stripe", "Stripe Clearing", "Stripe Clearing", "Bank", "CashOnHand", "Asset", "1030"),
    (
        "clear_gift",
        "Gift Card Clearing",
        "Gift Card Clearing",
        "Other Current Asset",
        "OtherCurrentAssets",
        "Asset",
        "1040",
    ),
    (
        "ar",
        "Accounts Receivable (A/R)",
        "Accounts Receivable (A/R)",
        "Accounts Receivable",
        "AccountsReceivable",
        "Asset",
        "1200",
    ),
    ("inventory", "Inventory Asset", "Inventory Asset", "Other Current Asset", "Inventory", "Asset", "1300"),
    (
        "gift_liab",
        "Gift Cards Outstanding",
        "Gift Cards Outstanding",
        "Other Current Liability",
        "OtherCurrentLiabilities",
        "Liability",
        "2300",
    ),
    (
        "tax_gst",
        "GST/HST Payable",
        "Sales Tax Payable",
        "Other Current Liability",
        "GlobalTaxPayable",
        "Liability",
        "2200",
    ),
    (
        "tax_qst",
        "QST Payable",
        "Sales Tax Payable (foreign)",
        "Other Current Liability",
        "GlobalTaxPayable",
        "Liability",
        "2210",
    ),
    (
        "equity",
        "Opening Balance Equity",
        "Opening Balance Equity",
        "Equity",
        "OpeningBalanceEquity",
        "Equity",
        "3000",
    ),
    (
        "income_product",
        "Sales of Product Income",
        "Sales of Product Income",
        "Income",
        "SalesOfProductIncome",
        "Revenue",
        "4000",
    ),
    ("income_services", "Services", "Services", "Income", "ServiceFeeIncome", "Revenue", "4100"),
    (
        "income_shipping",
        "Shipping Income",
        "Shipping Income",
        "Income",
        "OtherPrimaryIncome",
        "Revenue",
        "4200",
    ),
    ("discounts", "Discounts given", "Discounts given", "Income", "DiscountsRefundsGiven", "Revenue", "4300"),
    ("refunds", "Refunds given", "Refunds given", "Income", "DiscountsRefundsGiven", "Revenue", "4310"),
    (
        "cogs",
        "Cost of Goods Sold",
        "Cost of Goods Sold",
        "Cost of Goods Sold",
        "SuppliesMaterialsCogs",
        "Expense",
        "5000",
    ),
    ("fees", "Merchant Fees", "Merchant Fees", "Expense", "BankCharges", "Expense", "6100"),
    ("rounding", "Rounding", "Rounding", "Other Income", "OtherMiscellaneousIncome", "Revenue", "7900"),
)


def _accounts(profile: str, currency: str) -> dict[str, dict[str, Any]]:
    out = {}
    for n, (key, ca_name, us_name, atype, subtype, classification, num) in enumerate(_ACCOUNTS, start=1):
        name = ca_name if profile == "ca-qc" else us_name
        out[key] = _entity(
            n,
            Name=name,
            SubAccount=False,
            FullyQualifiedName=name,
            Active=True,
            Classification=classification,
            AccountType=atype,
            AccountSubType=subtype,
            AcctNum=num,
            CurrentBalance=Decimal(0),
            CurrentBalanceWithSubAccounts=Decimal(0),
            CurrencyRef={"value": currency},
        )
    return out


def _percent(ppm: int) -> Decimal:
    """A rate in parts per million as QBO's RateValue percent: ``99_750`` -> ``9.975``, ``100_000`` -> ``10``."""
    value = Decimal(ppm) / 10_000
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def _tax(
    profile: str, accounts: dict[str, dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """TaxRate entities (one per distinct rate the store charges) and TaxCodes that group them."""
    rates: dict[str, dict[str, Any]] = {}
    codes: dict[str, dict[str, Any]] = {}

    def rate(name: str, ppm: int, special: str = "NONE") -> dict[str, Any]:
        if name not in rates:
            value = _percent(ppm)
            rates[name] = _entity(
                len(rates) + 1,
                Name=name,
                Description=name,
                Active=True,
                RateValue=value,
                AgencyRef={"value": "1" if name.startswith(("GST", "HST")) or profile == "us" else "2"},
                SpecialTaxType=special,
                DisplayType="ReadOnly",
                EffectiveTaxRate=[{"RateValue": value, "EffectiveDate": "2013-01-01T00:00:00-05:00"}],
            )
        return rates[name]

    def code(name: str, parts: list[dict[str, Any]], taxable: bool = True) -> None:
        if name in codes:
            return
        codes[name] = _entity(
            len(codes) + 1 if profile == "ca-qc" else len(codes) + 3,
            Name=name,
            Description=name[:31],
            Active=True,
            Hidden=False,
            Taxable=taxable,
            TaxGroup=len(parts) > 1,
            SalesTaxRateList={
                "TaxRateDetail": [
                    {"TaxRateRef": _ref(r), "TaxTypeApplicable": "TaxOnAmount", "TaxOrder": 0} for r in parts
                ]
            },
            PurchaseTaxRateList={"TaxRateDetail": []},
        )

    if profile == "ca-qc":
        code("Exempt", [rate("Exempt", 0, "ZERO_RATE")], taxable=False)
        code("Zero-rated", [rate("Zero-rated", 0, "ZERO_RATE")])
    for region in regions(profile):
        if region.parts:
            code(region.qbo_code, [rate(p.qbo_rate, p.ppm) for p in region.parts])
        elif profile == "ca-qc":
            code(region.qbo_code, [rate("Zero-rated", 0, "ZERO_RATE")])
    out_codes = list(codes.values())
    if profile == "us":
        # US companies answer TAX and NON as TaxCode entities with those literal Ids.
        out_codes = [
            _entity(
                "TAX", Name="TAX", Description="TAX", Active=True, Hidden=False, Taxable=True, TaxGroup=False
            ),
            _entity(
                "NON", Name="NON", Description="NON", Active=True, Hidden=False, Taxable=False, TaxGroup=False
            ),
            *out_codes,
        ]
    return list(rates.values()), out_codes


def _items(
    profile: str, acc: dict[str, dict[str, Any]], codes: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    standard = codes.get("GST/QST QC") if profile == "ca-qc" else None
    zero = codes.get("Zero-rated") if profile == "ca-qc" else None
    exempt = codes.get("Exempt") if profile == "ca-qc" else None

    def add(
        name: str,
        kind: str,
        income: str,
        cents: int = 0,
        sku: str | None = None,
        tax: dict[str, Any] | None = standard,
        desc: str = "",
        taxable: bool = True,
    ) -> None:
        fields: dict[str, Any] = {
            "Name": name,
            "FullyQualifiedName": name,
            "Active": True,
            "Type": kind,
            "Description": desc or name,
            "UnitPrice": Decimal(cents).scaleb(-2),
            "Taxable": taxable,
            "IncomeAccountRef": _ref(acc[income]),
        }
        if sku is not None:
            fields["Sku"] = sku
        if kind == "Inventory":
            fields.update(
                ExpenseAccountRef=_ref(acc["cogs"]),
                AssetAccountRef=_ref(acc["inventory"]),
                TrackQtyOnHand=True,
                QtyOnHand=Decimal(100),
                InvStartDate="2024-06-01",
                PurchaseCost=(Decimal(cents) * 2 / 500).quantize(Decimal("0.01")),
            )
        else:
            fields.update(TrackQtyOnHand=False, ExpenseAccountRef=_ref(acc["cogs"]))
        if tax is not None:
            fields["SalesTaxCodeRef"] = _ref(tax)
            fields["SalesTaxIncluded"] = False
        items.append(_entity(len(items) + 1, **fields))

    for p in PRODUCTS:
        en = p.name_en
        kind = "Inventory" if p.kind == "physical" else "Service"
        tax = zero if p.zero_rated else standard
        matches = (
            [(p.sku, p.qbo, en)] if not p.variants else [(sku, m, f"{en} {c}") for c, sku, m in p.variants]
        )
        for sku, match, label in matches:
            if match == "name" and sku:
                add(sku, kind, "income_product", p.cents, tax=tax, desc=label, taxable=not p.zero_rated)
            elif match == "sku" and sku:
                add(label, kind, "income_product", p.cents, sku=sku, tax=tax, taxable=not p.zero_rated)
            elif match == "byname":
                add(en, "NonInventory", "income_product", p.cents, tax=tax, taxable=not p.zero_rated)
    add("Shipping", "Service", "income_shipping", desc="Shipping and handling")
    add("Discount", "Service", "discounts", desc="Discounts given")
    add("Rounding", "Service", "rounding", tax=exempt, desc="Rounding adjustment", taxable=False)
    add("Gift card", "Service", "gift_liab", tax=exempt, desc="Gift card sold", taxable=False)
    add("Services", "Service", "income_services", desc="Bookings, events and memberships")
    add("Custom sale", "NonInventory", "income_product", desc="Custom line items")
    return items


def _customers(profile: str, currency: str, term: dict[str, Any]) -> list[dict[str, Any]]:
    dup = SPECIAL_PEOPLE[profile]["dup1"]
    if profile == "ca-qc":
        rows = [
            (f"{dup.first} {dup.last}", dup.first, dup.last, "", "marie@tremblay-design.example.ca"),
            (
                "Boulangerie St-Viateur inc.",
                "",
                "",
                "Boulangerie St-Viateur inc.",
                "compta@stviateur.example.ca",
            ),
            ("Jean-François Côté", "Jean-François", "Côté", "", "jf.cote@example.ca"),
            ("Ventes comptoir", "", "", "", ""),
        ]
    else:
        rows = [
            (f"{dup.first} {dup.last}", dup.first, dup.last, "", "jsmith@smith-hardware.example.com"),
            ("Acme Widgets LLC", "", "", "Acme Widgets LLC", "ap@acme-widgets.example.com"),
            ("Maria Garcia", "Maria", "Garcia", "", "maria.garcia@example.com"),
            ("Walk-in Customer", "", "", "", ""),
        ]
    out = []
    for n, (display, first, last, company, email) in enumerate(rows, start=1):
        fields: dict[str, Any] = {
            "DisplayName": display,
            "PrintOnCheckName": display,
            "Active": True,
            "Taxable": True,
            "Job": False,
            "BillWithParent": False,
            "Balance": Decimal(0),
            "BalanceWithJobs": Decimal(0),
            "CurrencyRef": {"value": currency},
            "PreferredDeliveryMethod": "Print",
            "SalesTermRef": _ref(term),
            "FullyQualifiedName": display,
        }
        if first:
            fields.update(GivenName=first, FamilyName=last)
        if company:
            fields["CompanyName"] = company
        if email:
            fields["PrimaryEmailAddr"] = {"Address": email}
        out.append(_entity(n, **fields))
    return out


_CLASSES = ("Online store", "Services", "Events", "Restaurant", "Wholesale")
_DEPARTMENTS = {
    "ca-qc": ("Boutique Mile-End", "Entrepôt Laval", "En ligne"),
    "us": ("Brooklyn Store", "Warehouse NJ", "Online"),
}
# (Name <= 15 chars, Type)
_METHODS = {
    "ca-qc": (
        ("Cash", "NON_CREDIT_CARD"),
        ("Cheque", "NON_CREDIT_CARD"),
        ("Visa", "CREDIT_CARD"),
        ("MasterCard", "CREDIT_CARD"),
        ("Amex", "CREDIT_CARD"),
        ("Interac", "NON_CREDIT_CARD"),
        ("PayPal", "NON_CREDIT_CARD"),
        ("Stripe", "CREDIT_CARD"),
        ("Wix Payments", "CREDIT_CARD"),
        ("Gift card", "NON_CREDIT_CARD"),
    ),
    "us": (
        ("Cash", "NON_CREDIT_CARD"),
        ("Check", "NON_CREDIT_CARD"),
        ("Visa", "CREDIT_CARD"),
        ("MasterCard", "CREDIT_CARD"),
        ("Amex", "CREDIT_CARD"),
        ("Discover", "CREDIT_CARD"),
        ("PayPal", "NON_CREDIT_CARD"),
        ("Stripe", "CREDIT_CARD"),
        ("Wix Payments", "CREDIT_CARD"),
        ("Gift card", "NON_CREDIT_CARD"),
    ),
}
_TERMS = (("Due on receipt", 0), ("Net 15", 15), ("Net 30", 30), ("Net 60", 60))


def company_seed(profile: str) -> dict[str, Any]:
    """The QBO company of the sandbox for ``profile`` (``"ca-qc"`` or ``"us"``).

    Serialise with :func:`wixqb_nb.money.dumps` (amounts and rates are ``Decimal``). The same
    profile always gives the same company.

    Raises
    ------
    ValueError
        For an unknown profile.
    """
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; expected one of {', '.join(PROFILES)}")
    ca = profile == "ca-qc"
    currency = "CAD" if ca else "USD"
    acc = _accounts(profile, currency)
    rates, codes = _tax(profile, acc)
    by_name = {c["Name"]: c for c in codes}
    terms = [
        _entity(n, Name=name, Active=True, Type="STANDARD", DueDays=days)
        for n, (name, days) in enumerate(_TERMS, start=1)
    ]
    entities = {
        "Account": list(acc.values()),
        "TaxCode": codes,
        "TaxRate": rates,
        "Item": _items(profile, acc, by_name),
        "Class": [
            _entity(n, Name=c, SubClass=False, FullyQualifiedName=c, Active=True)
            for n, c in enumerate(_CLASSES, start=1)
        ],
        "Department": [
            _entity(n, Name=d, SubDepartment=False, FullyQualifiedName=d, Active=True)
            for n, d in enumerate(_DEPARTMENTS[profile], start=1)
        ],
        "PaymentMethod": [
            _entity(n, Name=name, Active=True, Type=kind)
            for n, (name, kind) in enumerate(_METHODS[profile], start=1)
        ],
        "Term": terms,
        "Customer": _customers(profile, currency, terms[0]),
    }
    return {
        "profile": profile,
        "country": "CA" if ca else "US",
        "home_currency": currency,
        "settings": {
            # ruckus#547: QBO computed QST on the total (448.39) where per-line gives 448.40.
            "tax_rounding": "total" if ca else "line",
            "tax_inclusive_allowed": True,
            "automated_sales_tax": not ca,
            "multicurrency": False,
            "custom_txn_numbers": True,
        },
        "preferences": _preferences(ca, currency, acc, terms[0]),
        "company_info": _company_info(ca),
        "entities": entities,
    }


def _preferences(
    ca: bool, currency: str, acc: dict[str, dict[str, Any]], term: dict[str, Any]
) -> dict[str, Any]:
    return _entity(
        1,
        AccountingInfoPrefs={
            "TrackDepartments": True,
            "DepartmentTerminology": "Location",
            "ClassTrackingPerTxn": False,
            "ClassTrackingPerTxnLine": True,
            "CustomerTerminology": "Customers",
            "BookCloseDate": BOOK_CLOSE_DATE,
            "FirstMonthOfFiscalYear": "January",
            "UseAccountNumbers": True,
        },
        ProductAndServicesPrefs={
            "ForSales": True,
            "ForPurchase": True,
            "QuantityWithPriceAndRate": True,
            "QuantityOnHand": True,
        },
        SalesFormsPrefs={
            "CustomTxnNumbers": True,
            "AllowShipping": True,
            "DefaultShippingAccount": acc["income_shipping"]["Id"],
            "AllowDiscount": True,
            "DefaultDiscountAccount": acc["discounts"]["Id"],
            "AllowDeposit": True,
            "AllowServiceDate": True,
            "AllowEstimates": True,
            "AutoApplyCredit": True,
            "AutoApplyPayments": True,
            "UsingPriceLevels": False,
            "IPNSupportEnabled": False,
            "DefaultTerms": _ref(term),
            "DefaultCustomerMessage": "Merci de votre achat! / Thank you for your order!"
            if ca
            else "Thank you for your business!",
            "ETransactionEnabledStatus": "NotApplicable",
        },
        TaxPrefs={"UsingSalesTax": True, "PartnerTaxEnabled": not ca},
        CurrencyPrefs={"MultiCurrencyEnabled": False, "HomeCurrency": {"value": currency}},
        VendorAndPurchasesPrefs={"TrackingByCustomer": False, "BillableExpenseTracking": False},
    )


def _company_info(ca: bool) -> dict[str, Any]:
    if ca:
        addr = {
            "Id": "1",
            "Line1": "5550 boul. Saint-Laurent",
            "City": "Montréal",
            "CountrySubDivisionCode": "QC",
            "PostalCode": "H2T 1S6",
            "Country": "CA",
        }
        name, legal, email, phone = (
            "Café Boréal",
            "Café Boréal inc.",
            "compta@cafeboreal.example.ca",
            "514 555-0199",
        )
    else:
        addr = {
            "Id": "1",
            "Line1": "85 N 3rd St",
            "City": "Brooklyn",
            "CountrySubDivisionCode": "NY",
            "PostalCode": "11211",
            "Country": "US",
        }
        name, legal, email, phone = (
            "Boreal Coffee Co.",
            "Boreal Coffee Company LLC",
            "books@borealcoffee.example.com",
            "(718) 555-0199",
        )
    return _entity(
        1,
        CompanyName=name,
        LegalName=legal,
        CompanyAddr=dict(addr),
        LegalAddr=dict(addr),
        CustomerCommunicationAddr=dict(addr),
        PrimaryPhone={"FreeFormNumber": phone},
        Email={"Address": email},
        WebAddr={"URI": "https://www.example.com"},
        Country="CA" if ca else "US",
        SupportedLanguages="en",
        FiscalYearStartMonth="January",
        CompanyStartDate="2019-03-01",
        NameValue=[
            {"Name": "OfferingSku", "Value": "QuickBooks Online Plus"},
            {"Name": "NeoEnabled", "Value": "true"},
        ],
    )
