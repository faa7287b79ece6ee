"""QBO entities and business rules over real HTTP: create/read/update/delete/void, totals, faults."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal as D
from typing import Any

import httpx
import pytest

from wixqb_nb import money
from wixqb_nb.sandbox.qbo import FaultConfig, LimitConfig, QboCompany, QboService
from wixqb_nb.sandbox.qbo.local import api_client, serve_qbo
from wixqb_nb.sandbox.qbo.sample_seed import ca_seed, us_seed

CLIENT = "client-1"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[tuple[QboService, str]]:
    service = QboService(limits=LimitConfig(enabled=False), faults=FaultConfig())
    service.register_client(CLIENT, "secret-1")
    with serve_qbo(service) as base:
        yield service, base


_realms = iter(range(1000, 9999))


def new_company(sandbox: tuple[QboService, str], seed: dict[str, Any]) -> tuple[QboCompany, httpx.Client]:
    service, base = sandbox
    company = service.add_company(QboCompany.from_seed(seed, f"9130{next(_realms)}"))
    return company, api_client(service, base, company.realm_id, CLIENT)


@pytest.fixture
def ca(sandbox: tuple[QboService, str]) -> Iterator[tuple[QboCompany, httpx.Client]]:
    company, client = new_company(sandbox, ca_seed())
    with client:
        yield company, client


@pytest.fixture
def us(sandbox: tuple[QboService, str]) -> Iterator[tuple[QboCompany, httpx.Client]]:
    company, client = new_company(sandbox, us_seed())
    with client:
        yield company, client


def post(client: httpx.Client, path: str, body: dict[str, Any], **params: str) -> httpx.Response:
    return client.post(
        path, content=money.dumps(body), headers={"Content-Type": "application/json"}, params=params
    )


def ok(resp: httpx.Response, kind: str) -> dict[str, Any]:
    assert resp.status_code == 200, resp.text
    doc: dict[str, Any] = money.loads(resp.content)[kind]
    return doc


def fault(resp: httpx.Response, status: int = 400) -> dict[str, Any]:
    assert resp.status_code == status, resp.text
    body = money.loads(resp.content)
    assert "time" in body
    error: dict[str, Any] = body["Fault"]["Error"][0]
    return error


def item_line(
    amount: str, code: str = "10", item: str = "20", qty: str | None = None, price: str | None = None
) -> dict[str, Any]:
    detail: dict[str, Any] = {"ItemRef": {"value": item}, "TaxCodeRef": {"value": code}}
    if qty is not None:
        detail["Qty"] = D(qty)
    if price is not None:
        detail["UnitPrice"] = D(price)
    return {"DetailType": "SalesItemLineDetail", "Amount": D(amount), "SalesItemLineDetail": detail}


def invoice(
    doc: str | None = "S-1", lines: list[dict[str, Any]] | None = None, **extra: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {"CustomerRef": {"value": "30"}, "Line": lines or [item_line("100.00")], **extra}
    if doc is not None:
        body["DocNumber"] = doc
    return body


# ---- create / read / update ---------------------------------------------------------------


def test_create_invoice_computes_totals_tax_lines_and_envelope(ca: tuple[QboCompany, httpx.Client]) -> None:
    _, client = ca
    resp = post(
        client,
        "/invoice",
        invoice(lines=[item_line("39.98", qty="2", price="19.99"), item_line("5.00", code="11")]),
    )
    inv = ok(resp, "Invoice")
    assert "time" in money.loads(resp.content)
    assert (inv["Id"], inv["SyncToken"], inv["domain"]) != ("", "", "")
    assert inv["SyncToken"] == "0" and set(inv["MetaData"]) == {"CreateTime", "LastUpdatedTime"}
    taxes = {t["TaxLineDetail"]["TaxRateRef"]["value"]: t for t in inv["TxnTaxDetail"]["TaxLine"]}
    assert taxes["1"]["Amount"] == D("2.25") and taxes["1"]["TaxLineDetail"]["NetAmountTaxable"] == D("44.98")
    assert taxes["2"]["Amount"] == D("3.99") and taxes["2"]["TaxLineDetail"]["TaxPercent"] == D("9.975")
    assert inv["TxnTaxDetail"]["TotalTax"] == D("6.24")
    assert inv["TotalAmt"] == inv["Balance"] == D("51.22")
    assert inv["Line"][-1] == {
        "Amount": D("44.98"),
        "DetailType": "SubTotalLineDetail",
        "SubTotalLineDetail": {},
    }
    assert [ln["Id"] for ln in inv["Line"][:2]] == ["1", "2"]
    read = ok(client.get(f"/invoice/{inv['Id']}"), "Invoice")
    assert read == inv


def test_sparse_update_bumps_sync_token_and_stale_token_is_5010(ca: tuple[QboCompany, httpx.Client]) -> None:
    _, client = ca
    inv = ok(post(client, "/invoice", invoice()), "Invoice")
    upd = ok(
        post(client, "/invoice", {"Id": inv["Id"], "SyncToken": "0", "sparse": True, "PrivateNote": "hi"}),
        "Invoice",
    )
    assert upd["SyncToken"] == "1" and upd["PrivateNote"] == "hi" and upd["TotalAmt"] == inv["TotalAmt"]
    assert upd["MetaData"]["CreateTime"] == inv["MetaData"]["CreateTime"]
    err = fault(
        post(client, "/invoice", {"Id": inv["Id"], "SyncToken": "0", "sparse": True, "PrivateNote": "x"})
    )
    assert err["code"] == "5010" and err["Message"] == "Stale Object Error"


def test_full_update_replaces_lines_and_recomputes(ca: tuple[QboCompany, httpx.Client]) -> None:
    _, client = ca
    inv = ok(post(client, "/invoice", invoice()), "Invoice")
    body = {
        "Id": inv["Id"],
        "SyncToken": "0",
        "CustomerRef": {"value": "30"},
        "DocNumber": "S-1",
        "Line": [item_line("10.00", code="12")],
    }
    upd = ok(post(client, "/invoice", body), "Invoice")
    assert upd["TotalAmt"] == D("11.30") and "PrivateNote" not in upd


def test_missing_entity_is_610_and_unknown_entity_is_unsupported(ca: tuple[QboCompany, httpx.Client]) -> None:
    _, client = ca
    assert fault(client.get("/invoice/999999"))["code"] == "610"
    assert fault(client.get("/widget/1"))["code"] == "500"
    assert fault(post(client, "/taxcode", {"Name": "X"}))["code"] == "500"


def test_read_only_lists_company_info_and_preferences(ca: tuple[QboCompany, httpx.Client]) -> None:
    company, client = ca
    assert ok(client.get("/taxcode/10"), "TaxCode")["Name"] == "GST/QST QC"
    assert ok(client.get("/account/1"), "Account")["AccountSubType"] == "UndepositedFunds"
    assert ok(client.get(f"/companyinfo/{company.realm_id}"), "CompanyInfo")["Country"] == "CA"
    prefs = ok(client.get("/preferences"), "Preferences")
    assert prefs["SalesFormsPrefs"]["CustomTxnNumbers"] is True


# ---- DocNumber --------------------------------------------------------------------------------


def test_duplicate_doc_number_is_6140_naming_type_and_id(ca: tuple[QboCompany, httpx.Client]) -> None:
    _, client = ca
    first = ok(post(client, "/invoice", invoice("WX-1001")), "Invoice")
    err = fault(post(client, "/invoice", invoice("wx-1001")))
    assert err["code"] == "6140"
    assert f"DocNumber=wx-1001 is assigned to TxnType=Invoice with TxnId={first['Id']}" in err["Detail"]
    # Per type: a sales receipt may reuse it.
    ok(post(client, "/salesreceipt", invoice("WX-1001")), "SalesReceipt")


def test_doc_number_longer_than_21_is_rejected(ca: tuple[QboCompany, httpx.Client]) -> None:
    _, client = ca
    err = fault(post(client, "/invoice", invoice("X" * 22)))
    assert (err["code"], err["element"]) == ("6000", "DocNumber") and "Max:21" in err["Detail"]
    ok(post(client, "/invoice", invoice("Y" * 21)), "Invoice")


def test_auto_numbering_when_custom_numbers_off_or_auto_generate(ca: tuple[QboCompany, httpx.Client]) -> None:
    company, client = ca
    no_number = ok(post(client, "/invoice", invoice(None)), "Invoice")
    assert "DocNumber" not in no_number  # custom numbers on: stays empty
    gen = ok(post(client, "/invoice", invoice("AUTO_GENERATE")), "Invoice")
    auto = ok(post(client, "/salesreceipt", {**invoice(None), "AutoDocNumber": True}), "SalesReceipt")
    assert int(auto["DocNumber"]) == int(gen["DocNumber"]) + 1
    company.set_preferences({"SalesFormsPrefs": {"CustomTxnNumbers": False}})
    nxt = ok(post(client, "/invoice", invoice(None)), "Invoice")
    assert int(nxt["DocNumber"]) == int(auto["DocNumber"]) + 1
    # With custom numbers off a supplied number is kept and duplicates are not checked.
    ok(post(client, "/invoice", invoice("DUP")), "Invoice")
    assert ok(post(client, "/invoice", invoice("DUP")), "Invoice")["DocNumber"] == "DUP"


# ---- names ----------------------------------------------------------------------------------


def test_customer_display_name_unique_across_customers_vendors_employees(
    ca: tuple[QboCompany, httpx.Client],
) -> None:
    _, client = ca
    created = ok(post(client, "/customer", {"DisplayName": "Zoë Ñandú 李"}), "Customer")
    assert created["FullyQualifiedName"] == "Zoë Ñandú 李" and created["Active"] is True
    for name in ("zoë ñandú 李", "Acme Supplies", "Sam Clerk", "Old Customer"):
        err = fault(post(client, "/customer", {"DisplayName": name}))
        assert (err["code"], err["Message"]) == ("6240", "Duplicate Name Exists Error"), name


def test_customer_name_rules(ca: tuple[QboCompany, httpx.Client]) -> None:
    _, client = ca
    for bad in ("A:B", "Tab\there", "New\nline"):
        assert fault(post(client, "/customer", {"DisplayName": bad}))["code"] == "6000"
    err = fault(post(client, "/customer", {"DisplayName": "x" * 501}))
    assert (err["code"], err["element"]) == ("6000", "DisplayName")
    assert (
        fault(post(client, "/customer", {"DisplayName": "ok", "GivenName": "g" * 101}))["element"]
        == "GivenName"
    )
    assert fault(post(client, "/customer", {"CompanyName": "only company"}))["code"] == "6080"
    built = ok(post(client, "/customer", {"GivenName": "Ada", "FamilyName": "Lovelace"}), "Customer")
    assert built["DisplayName"] == "Ada Lovelace"
    bad_mail = post(client, "/customer", {"DisplayName": "Mail", "PrimaryEmailAddr": {"Address": "nope"}})
    assert fault(bad_mail)["element"] == "PrimaryEmailAddr.Address"


def test_customer_sparse_update_cannot_remove_display_name_nor_change_currency(
    ca: tuple[QboCompany, httpx.Client],
) -> None:
    _, client = ca
    cust = ok(post(client, "/customer", {"DisplayName": "Keep Me"}), "Customer")
    assert (
        fault(
            post(client, "/customer", {"Id": cust["Id"], "SyncToken": "0", "sparse": True, "DisplayName": ""})
        )["code"]
        == "2020"
    )
    err = fault(
        post(
            client,
            "/customer",
            {"Id": cust["Id"], "SyncToken": "0", "sparse": True, "CurrencyRef": {"value": "USD"}},
        )
    )
    assert err["element"] == "CurrencyRef"


def test_item_name_unique_and_required_accounts(ca: tuple[QboCompany, httpx.Client]) -> None:
    _, client = ca
    assert (
        fault(
            post(client, "/item", {"Name": "t-shirt", "Type": "Service", "IncomeAccountRef": {"value": "3"}})
        )["code"]
        == "6240"
    )
    assert fault(post(client, "/item", {"Name": "Hat", "Type": "Service"}))["code"] == "2020"
    inv = {
        "Name": "Cap",
        "Type": "Inventory",
        "IncomeAccountRef": {"value": "3"},
        "ExpenseAccountRef": {"value": "6"},
    }
    assert fault(post(client, "/item", inv))["element"] == "AssetAccountRef"
    assert (
        fault(post(client, "/item", {"Name": "Bad", "Type": "Service", "IncomeAccountRef": {"value": "9"}}))[
            "code"
        ]
        == "6430"
    )
    assert (
        fault(
            post(client, "/item", {"Name": "Sub:Item", "Type": "Service", "IncomeAccountRef": {"value": "3"}})
        )["code"]
        == "6000"
    )
    made = ok(
        post(
            client,
            "/item",
            {
                "Name": "Hat",
                "Sku": "HAT-1",
                "Type": "Service",
                "IncomeAccountRef": {"value": "3"},
                "UnitPrice": D("9.50"),
            },
        ),
        "Item",
    )
    assert made["Sku"] == "HAT-1" and made["UnitPrice"] == D("9.50")


# ---- lines and references -----------------------------------------------------------------


def test_amount_must_equal_qty_times_unit_price(ca: tuple[QboCompany, httpx.Client]) -> None:
    _, client = ca
    err = fault(post(client, "/invoice", invoice(lines=[item_line("10.00", qty="3", price="3.33")])))
    assert err["code"] == "6070"
    ok(post(client, "/invoice", invoice("Q-1", lines=[item_line("9.99", qty="3", price="3.33")])), "Invoice")
    ok(
        post(client, "/invoice", invoice("Q-2", lines=[item_line("10.00", qty="3", price="3.3333333")])),
        "Invoice",
    )


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"CustomerRef": {"value": "999"}}, "2500"),
        ({"CustomerRef": {"value": "32"}}, "610"),
        ({"Line": [item_line("1.00", item="999")]}, "2500"),
        ({"Line": [item_line("1.00", item="23")]}, "610"),
        ({"Line": [item_line("1.00", code="999")]}, "2500"),
        ({"Line": [item_line("1.00", code="17")]}, "610"),
        ({"DepartmentRef": {"value": "404"}}, "2500"),
        ({"SalesTermRef": {"value": "404"}}, "2500"),
        (
            {
                "Line": [
                    {
                        **item_line("1.00"),
                        "SalesItemLineDetail": {
                            "ItemRef": {"value": "20"},
                            "TaxCodeRef": {"value": "10"},
                            "ClassRef": {"value": "42"},
                        },
                    }
                ]
            },
            "610",
        ),
    ],
)
def test_references_must_exist_and_be_active(
    ca: tuple[QboCompany, httpx.Client], change: dict[str, Any], code: str
) -> None:
    _, client = ca
    assert fault(post(client, "/invoice", {**invoice(None), **change}))["code"] == code


def test_invoice_requires_customer_and_lines(ca: tuple[QboCompany, httpx.Client]) -> None:
    _, client = ca
    assert fault(post(client, "/invoice", {"Line": [item_line("1.00")]}))["element"] == "CustomerRef"
    assert fault(post(client, "/invoice", {"CustomerRef": {"value": "30"}, "Line": []}))["element"] == "Line"
    # A sales receipt may go without a customer.
    ok(post(client, "/salesreceipt", {"Line": [item_line("1.00")]}), "SalesReceipt")


def test_close_date_refuses_transactions_on_or_before_it(ca: tuple[QboCompany, httpx.Client]) -> None:
    company, client = ca
    company.set_preferences({"AccountingInfoPrefs": {"BookCloseDate": "2025-01-31"}})
    assert fault(post(client, "/invoice", invoice("C-1", TxnDate="2025-01-31")))["code"] == "6210"
    ok(post(client, "/invoice", invoice("C-2", TxnDate="2025-02-01")), "Invoice")


def test_long_fields_rejected(ca: tuple[QboCompany, httpx.Client]) -> None:
    _, client = ca
    assert (
        fault(post(client, "/invoice", invoice("L-1", CustomerMemo={"value": "m" * 1001})))["element"]
        == "CustomerMemo"
    )
    assert (
        fault(post(client, "/invoice", invoice("L-2", ShipAddr={"PostalCode": "9" * 31})))["element"]
        == "ShipAddr.PostalCode"
    )


# ---- tax models ---------------------------------------------------------------------------


def test_non_us_client_tax_lines_are_honoured_with_override_delta(
    ca: tuple[QboCompany, httpx.Client],
) -> None:
    _, client = ca
    lines = [item_line("1000.06"), item_line("1000.06"), item_line("2495.04")]
    plain = ok(post(client, "/invoice", invoice("T-1", lines=lines)), "Invoice")
    qst = next(
        t for t in plain["TxnTaxDetail"]["TaxLine"] if t["TaxLineDetail"]["TaxRateRef"]["value"] == "2"
    )
    assert qst["Amount"] == D("448.40")  # this company rounds per line
    tax_lines = [
        {
            "Amount": D("448.39"),
            "DetailType": "TaxLineDetail",
            "TaxLineDetail": {"TaxRateRef": {"value": "2"}},
        }
    ]
    over = ok(
        post(client, "/invoice", invoice("T-2", lines=lines, TxnTaxDetail={"TaxLine": tax_lines})), "Invoice"
    )
    qst = next(t for t in over["TxnTaxDetail"]["TaxLine"] if t["TaxLineDetail"]["TaxRateRef"]["value"] == "2")
    assert qst["Amount"] == D("448.39") and qst["TaxLineDetail"]["OverrideDeltaAmount"] == D("-0.01")
    assert over["TotalAmt"] == plain["TotalAmt"] - D("0.01")
    # A sparse update that does not touch tax keeps the override.
    kept = ok(
        post(client, "/invoice", {"Id": over["Id"], "SyncToken": "0", "sparse": True, "PrivateNote": "n"}),
        "Invoice",
    )
    assert kept["TotalAmt"] == over["TotalAmt"]
    wrong_rate = [
        {"Amount": D("1"), "DetailType": "TaxLineDetail", "TaxLineDetail": {"TaxRateRef": {"value": "3"}}}
    ]
    assert (
        fault(post(client, "/invoice", invoice("T-3", lines=lines, TxnTaxDetail={"TaxLine": wrong_rate})))[
            "code"
        ]
        == "6000"
    )


def test_rounding_on_the_total_setting(ca: tuple[QboCompany, httpx.Client]) -> None:
    company, client = ca
    company.configure(tax_rounding="total")
    lines = [item_line(a, code="16") for a in ["1.04"] * 4 + ["2.50"] * 26 + ["11.93"]]
    inv = ok(post(client, "/invoice", invoice("R-1", lines=lines)), "Invoice")
    assert inv["TxnTaxDetail"]["TotalTax"] == D("9.73") and inv["TotalAmt"] == D("90.82")
    company.configure(tax_rounding="line")
    inv = ok(post(client, "/invoice", invoice("R-2", lines=lines)), "Invoice")
    assert inv["TxnTaxDetail"]["TotalTax"] == D("9.71") and inv["TotalAmt"] == D("90.80")


def test_tax_inclusive_amount_is_back_computed(ca: tuple[QboCompany, httpx.Client]) -> None:
    _, client = ca
    line = {
        "DetailType": "SalesItemLineDetail",
        "SalesItemLineDetail": {
            "ItemRef": {"value": "20"},
            "TaxCodeRef": {"value": "15"},
            "Qty": 1,
            "TaxInclusiveAmt": D("14.90"),
        },
    }
    rec = ok(
        post(client, "/salesreceipt", {"GlobalTaxCalculation": "TaxInclusive", "Line": [line]}),
        "SalesReceipt",
    )
    assert rec["Line"][0]["Amount"] == D("13.55") and rec["TotalAmt"] == D("14.91")
    assert rec["TxnTaxDetail"]["TaxLine"][0]["TaxLineDetail"]["TaxInclusiveAmount"] == D("14.91")


def test_non_us_line_without_tax_code_uses_item_default_else_fails(
    ca: tuple[QboCompany, httpx.Client],
) -> None:
    _, client = ca
    line = {
        "DetailType": "SalesItemLineDetail",
        "Amount": D("100"),
        "SalesItemLineDetail": {"ItemRef": {"value": "20"}},
    }
    inv = ok(post(client, "/invoice", invoice("D-1", lines=[line])), "Invoice")
    assert inv["TxnTaxDetail"]["TotalTax"] == D("14.98")
    no_item = {
        "DetailType": "SalesItemLineDetail",
        "Amount": D("1"),
        "SalesItemLineDetail": {"ItemRef": {"value": "SHIPPING_ITEM_ID"}},
    }
    assert fault(post(client, "/invoice", invoice("D-2", lines=[no_item])))["element"] == "TaxCodeRef"


def test_discount_and_shipping(ca: tuple[QboCompany, httpx.Client]) -> None:
    _, client = ca
    lines = [
        item_line("100.00", code="11"),
        {
            "DetailType": "DiscountLineDetail",
            "DiscountLineDetail": {"PercentBased": True, "DiscountPercent": D("10")},
        },
        item_line("10.00", code="11", item="SHIPPING_ITEM_ID"),
    ]
    inv = ok(post(client, "/invoice", invoice("X-1", lines=lines)), "Invoice")
    # 100 - 10 discount = 90 taxable goods + 10 shipping; GST 5% on 100 = 5.00.
    assert inv["Line"][1]["Amount"] == D("10.00")
    assert inv["TxnTaxDetail"]["TaxLine"][0]["TaxLineDetail"]["NetAmountTaxable"] == D("100.00")
    assert inv["TotalAmt"] == D("105.00")
    too_big = [
        item_line("5.00"),
        {"DetailType": "DiscountLineDetail", "Amount": D("6"), "DiscountLineDetail": {"PercentBased": False}},
    ]
    assert fault(post(client, "/invoice", invoice("X-2", lines=too_big)))["code"] == "6000"


def test_us_lines_only_tax_or_non_and_explicit_total_tax_prorated(
    us: tuple[QboCompany, httpx.Client],
) -> None:
    _, client = us
    assert (
        fault(post(client, "/invoice", invoice("U-1", lines=[item_line("10.00", code="10")])))["code"]
        == "6100"
    )
    lines = [item_line("100.00", code="TAX"), item_line("50.00", code="NON")]
    auto = ok(post(client, "/invoice", invoice("U-2", lines=lines)), "Invoice")
    assert auto["TxnTaxDetail"]["TotalTax"] == D("8.25") and auto["TotalAmt"] == D("158.25")
    assert auto["TxnTaxDetail"]["TxnTaxCodeRef"] == {"value": "110"}
    told = ok(
        post(
            client,
            "/invoice",
            invoice(
                "U-3", lines=lines, TxnTaxDetail={"TxnTaxCodeRef": {"value": "x"}, "TotalTax": D("8.30")}
            ),
        ),
        "Invoice",
    )
    assert [t["Amount"] for t in told["TxnTaxDetail"]["TaxLine"]] == [D("6.29"), D("2.01")]
    assert told["TotalAmt"] == D("158.30")
    assert "GlobalTaxCalculation" not in told


def test_us_discount_before_or_after_tax(us: tuple[QboCompany, httpx.Client]) -> None:
    _, client = us
    lines = [
        item_line("100.00", code="TAX"),
        {
            "DetailType": "DiscountLineDetail",
            "Amount": D("20.00"),
            "DiscountLineDetail": {"PercentBased": False},
        },
    ]
    before = ok(post(client, "/invoice", invoice("U-4", lines=lines)), "Invoice")
    after = ok(post(client, "/invoice", invoice("U-5", lines=lines, ApplyTaxAfterDiscount=True)), "Invoice")
    assert before["TxnTaxDetail"]["TotalTax"] == D("8.25") and after["TxnTaxDetail"]["TotalTax"] == D("6.60")


def test_multicurrency_customer_currency_fixed(ca: tuple[QboCompany, httpx.Client]) -> None:
    _, client = ca
    usd = ok(
        post(
            client,
            "/invoice",
            {"DocNumber": "M-1", "CustomerRef": {"value": "33"}, "Line": [item_line("100.00", code="14")]},
        ),
        "Invoice",
    )
    assert (
        usd["CurrencyRef"] == {"value": "USD"}
        and usd["ExchangeRate"] == D("1.35")
        and usd["HomeTotalAmt"] == D("135.00")
    )
    err = fault(
        post(
            client,
            "/invoice",
            {
                "DocNumber": "M-2",
                "CustomerRef": {"value": "30"},
                "CurrencyRef": {"value": "USD"},
                "Line": [item_line("1.00")],
            },
        )
    )
    assert err["element"] == "CurrencyRef"


def test_us_company_without_multicurrency_refuses_foreign_currency(
    us: tuple[QboCompany, httpx.Client],
) -> None:
    _, client = us
    err = fault(
        post(
            client,
            "/invoice",
            invoice("U-6", lines=[item_line("1.00", code="TAX")], CurrencyRef={"value": "CAD"}),
        )
    )
    assert err["element"] == "CurrencyRef"


# ---- payments, credit memos, deposits, delete and void ----------------------------------


def test_payments_and_credit_memos_reduce_balance_and_void_restores(
    ca: tuple[QboCompany, httpx.Client],
) -> None:
    _, client = ca
    inv = ok(post(client, "/invoice", invoice("P-1", lines=[item_line("100.00", code="14")])), "Invoice")
    cm = ok(post(client, "/creditmemo", invoice("CM-1", lines=[item_line("30.00", code="14")])), "CreditMemo")
    assert cm["Balance"] == cm["RemainingCredit"] == D("30.00")
    pay = ok(
        post(
            client,
            "/payment",
            {
                "CustomerRef": {"value": "30"},
                "TotalAmt": D("50.00"),
                "Line": [
                    {"Amount": D("80.00"), "LinkedTxn": [{"TxnId": inv["Id"], "TxnType": "Invoice"}]},
                    {"Amount": D("30.00"), "LinkedTxn": [{"TxnId": cm["Id"], "TxnType": "CreditMemo"}]},
                ],
            },
        ),
        "Payment",
    )
    assert pay["UnappliedAmt"] == D("0.00") and pay["DepositToAccountRef"] == {"value": "1"}
    inv_now = ok(client.get(f"/invoice/{inv['Id']}"), "Invoice")
    assert inv_now["Balance"] == D("20.00") and inv_now["LinkedTxn"] == [
        {"TxnId": pay["Id"], "TxnType": "Payment"}
    ]
    assert ok(client.get(f"/creditmemo/{cm['Id']}"), "CreditMemo")["Balance"] == D("0.00")
    over = {
        "CustomerRef": {"value": "30"},
        "TotalAmt": D("25"),
        "Line": [{"Amount": D("25"), "LinkedTxn": [{"TxnId": inv["Id"], "TxnType": "Invoice"}]}],
    }
    assert fault(post(client, "/payment", over))["code"] == "6000"
    assert (
        fault(
            post(client, "/invoice", {"Id": inv["Id"], "SyncToken": inv_now["SyncToken"]}, operation="delete")
        )["code"]
        == "6000"
    )
    voided = ok(
        post(
            client,
            "/payment",
            {"Id": pay["Id"], "SyncToken": "0", "sparse": True},
            operation="update",
            include="void",
        ),
        "Payment",
    )
    assert voided["TotalAmt"] == D("0") and voided["PrivateNote"].startswith("Voided")
    assert ok(client.get(f"/invoice/{inv['Id']}"), "Invoice")["Balance"] == D("100.00")


def test_payment_to_another_customers_invoice_is_refused(ca: tuple[QboCompany, httpx.Client]) -> None:
    _, client = ca
    inv = ok(post(client, "/invoice", invoice("P-2")), "Invoice")
    body = {
        "CustomerRef": {"value": "31"},
        "TotalAmt": D("1"),
        "Line": [{"Amount": D("1"), "LinkedTxn": [{"TxnId": inv["Id"], "TxnType": "Invoice"}]}],
    }
    assert fault(post(client, "/payment", body))["code"] == "6000"
    missing = {
        "CustomerRef": {"value": "30"},
        "TotalAmt": D("1"),
        "Line": [{"Amount": D("1"), "LinkedTxn": [{"TxnId": "99999", "TxnType": "Invoice"}]}],
    }
    assert fault(post(client, "/payment", missing))["code"] == "2500"


def test_delete_and_void_invoice_and_deleting_payment_restores_balance(
    ca: tuple[QboCompany, httpx.Client],
) -> None:
    _, client = ca
    inv = ok(post(client, "/invoice", invoice("V-1")), "Invoice")
    pay = ok(
        post(
            client,
            "/payment",
            {
                "CustomerRef": {"value": "30"},
                "TotalAmt": D("10"),
                "Line": [{"Amount": D("10"), "LinkedTxn": [{"TxnId": inv["Id"], "TxnType": "Invoice"}]}],
            },
        ),
        "Payment",
    )
    gone = ok(post(client, "/payment", {"Id": pay["Id"], "SyncToken": "0"}, operation="delete"), "Payment")
    assert gone == {"status": "Deleted", "domain": "QBO", "Id": pay["Id"]}
    cur = ok(client.get(f"/invoice/{inv['Id']}"), "Invoice")
    assert cur["Balance"] == cur["TotalAmt"]
    voided = ok(
        post(client, "/invoice", {"Id": inv["Id"], "SyncToken": cur["SyncToken"]}, operation="void"),
        "Invoice",
    )
    assert voided["TotalAmt"] == voided["Balance"] == D("0") and voided["Line"][0]["Amount"] == D("0")
    receipt = ok(post(client, "/salesreceipt", invoice("V-2")), "SalesReceipt")
    ok(
        post(client, "/salesreceipt", {"Id": receipt["Id"], "SyncToken": "0"}, operation="delete"),
        "SalesReceipt",
    )
    assert fault(client.get(f"/salesreceipt/{receipt['Id']}"))["code"] == "610"


def test_deleting_a_customer_makes_it_inactive(ca: tuple[QboCompany, httpx.Client]) -> None:
    _, client = ca
    cust = ok(post(client, "/customer", {"DisplayName": "Leaving Soon"}), "Customer")
    gone = ok(post(client, "/customer", {"Id": cust["Id"], "SyncToken": "0"}, operation="delete"), "Customer")
    assert gone["Active"] is False
    assert (
        fault(post(client, "/invoice", {**invoice(None), "CustomerRef": {"value": cust["Id"]}}))["code"]
        == "610"
    )


def test_deposit_locks_its_payments(ca: tuple[QboCompany, httpx.Client]) -> None:
    _, client = ca
    rec = ok(post(client, "/salesreceipt", invoice("DP-1")), "SalesReceipt")
    dep = ok(
        post(
            client,
            "/deposit",
            {
                "DepositToAccountRef": {"value": "2"},
                "Line": [
                    {
                        "Amount": rec["TotalAmt"],
                        "LinkedTxn": [{"TxnId": rec["Id"], "TxnType": "SalesReceipt"}],
                    },
                    {"Amount": D("-2.50"), "DepositLineDetail": {"AccountRef": {"value": "8"}}},
                ],
            },
        ),
        "Deposit",
    )
    assert dep["TotalAmt"] == rec["TotalAmt"] - D("2.50")
    err = fault(
        post(client, "/salesreceipt", {"Id": rec["Id"], "SyncToken": "0", "sparse": True, "PrivateNote": "x"})
    )
    assert err["code"] == "6540"
    again = {
        "DepositToAccountRef": {"value": "2"},
        "Line": [{"Amount": D("1"), "LinkedTxn": [{"TxnId": rec["Id"], "TxnType": "SalesReceipt"}]}],
    }
    assert fault(post(client, "/deposit", again))["code"] == "6000"
    ok(post(client, "/deposit", {"Id": dep["Id"], "SyncToken": "0"}, operation="delete"), "Deposit")
    ok(
        post(
            client, "/salesreceipt", {"Id": rec["Id"], "SyncToken": "0", "sparse": True, "PrivateNote": "x"}
        ),
        "SalesReceipt",
    )


def test_refund_receipt_and_malformed_body(ca: tuple[QboCompany, httpx.Client]) -> None:
    _, client = ca
    ref = ok(
        post(client, "/refundreceipt", invoice("RF-1", DepositToAccountRef={"value": "2"})), "RefundReceipt"
    )
    assert ref["Balance"] == D("0") and ref["TotalAmt"] == D("114.98")
    bad = client.post("/invoice", content=b"{not json", headers={"Content-Type": "application/json"})
    assert fault(bad)["code"] == "2010"


def test_company_round_trips_through_json(ca: tuple[QboCompany, httpx.Client]) -> None:
    company, client = ca
    inv = ok(post(client, "/invoice", invoice("J-1")), "Invoice")
    ok(
        post(
            client,
            "/payment",
            {
                "CustomerRef": {"value": "30"},
                "TotalAmt": D("10"),
                "Line": [{"Amount": D("10"), "LinkedTxn": [{"TxnId": inv["Id"], "TxnType": "Invoice"}]}],
            },
        ),
        "Payment",
    )
    text = money.dumps(company.to_json())
    again = QboCompany.from_json(money.loads(text))
    assert again.dump("Invoice") == money.loads(money.dumps(company.dump("Invoice")))
    assert again.open_balance(f"Invoice:{inv['Id']}") == D("104.98")
    assert again.create("Invoice", invoice("J-2"))["Id"] != inv["Id"]
    with pytest.raises(Exception, match="6140"):
        again.create("Invoice", invoice("J-1"))
