"""A QBO client library this project did not write, pointed at the sandbox, works unchanged.

The libraries are the public ``python-quickbooks`` (imports as ``quickbooks``) and Intuit's own
``intuit-oauth`` (imports as ``intuitlib``). Only URLs change:

- ``AuthClient(environment=...)`` takes a discovery-document URL in place of ``"sandbox"`` or
  ``"production"`` (``intuitlib.utils.get_discovery_doc`` fetches whatever URL it is given), so it
  reads the sandbox's ``/qbo/.well-known/openid_configuration`` and every endpoint (token, revoke,
  authorize) comes from there; nothing reaches Intuit.
- ``QuickBooks.api_url_v3`` is a class attribute; a subclass sets it to ``{qbo_base_url}/v3``.
- ``requests_oauthlib`` (under python-quickbooks) refuses bearer tokens over plain http unless
  ``OAUTHLIB_INSECURE_TRANSPORT`` is set, oauthlib's documented switch for local servers; the sandbox
  serves http on 127.0.0.1, so the test sets it (``monkeypatch``, this test only).

Everything else goes through the libraries' own API: ``AuthClient.refresh()``, the entity classes'
``save``/``filter``/``where``/``query``/``count``, ``quickbooks.batch.batch_create`` and the
library's exception classes carrying QBO's fault codes.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from intuitlib.client import AuthClient
from intuitlib.exceptions import AuthClientError
from quickbooks import QuickBooks
from quickbooks.batch import batch_create
from quickbooks.exceptions import QuickbooksException
from quickbooks.objects.base import Ref
from quickbooks.objects.company_info import CompanyInfo
from quickbooks.objects.customer import Customer
from quickbooks.objects.detailline import SalesItemLine, SalesItemLineDetail
from quickbooks.objects.invoice import Invoice
from quickbooks.objects.item import Item
from quickbooks.objects.payment import Payment, PaymentLine
from quickbooks.objects.preferences import Preferences
from quickbooks.objects.salesreceipt import SalesReceipt
from quickbooks.objects.taxcode import TaxCode

from wixqb_nb.sandbox import SandboxServer

MINOR_VERSION = 75
REDIRECT_URI = "http://localhost/callback"


@pytest.fixture(scope="module")
def sb() -> Iterator[SandboxServer]:
    with SandboxServer(orders=20, seed=3, limits=False) as server:
        yield server


@pytest.fixture
def auth(sb: SandboxServer, monkeypatch: pytest.MonkeyPatch) -> AuthClient:
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    creds = sb.issue_tokens()
    client = AuthClient(
        client_id=creds.client_id,
        client_secret=creds.client_secret,
        redirect_uri=REDIRECT_URI,
        environment=f"{sb.qbo_base_url}/.well-known/openid_configuration",
        refresh_token=creds.refresh_token,
        realm_id=creds.realm_id,
    )
    return client


def _qb(sb: SandboxServer, auth: AuthClient) -> QuickBooks:
    """A python-quickbooks client whose only change is the API base URL."""

    class SandboxQuickBooks(QuickBooks):
        api_url_v3 = f"{sb.qbo_base_url}/v3"
        sandbox_api_url_v3 = f"{sb.qbo_base_url}/v3"

    return SandboxQuickBooks(
        auth_client=auth,
        refresh_token=auth.refresh_token,
        company_id=auth.realm_id,
        minorversion=MINOR_VERSION,
        use_decimal=True,
    )


@pytest.fixture
def qb(sb: SandboxServer, auth: AuthClient) -> QuickBooks:
    return _qb(sb, auth)


def _ref(value: str, name: str = "") -> Ref:
    ref = Ref()
    ref.value, ref.name = value, name
    return ref


def _line(item: Item, qty: int, unit_price: str, tax_code: str) -> SalesItemLine:
    detail = SalesItemLineDetail()
    detail.ItemRef = item.to_ref()
    detail.Qty = qty
    detail.UnitPrice = Decimal(unit_price)
    detail.TaxCodeRef = _ref(tax_code)
    line = SalesItemLine()
    line.Amount = Decimal(unit_price) * qty
    line.SalesItemLineDetail = detail
    return line


def _customer(name: str) -> Customer:
    customer = Customer()
    customer.DisplayName = name
    return customer


def _tax_code(qb: QuickBooks, name: str) -> str:
    codes = TaxCode.filter(Name=name, qb=qb)
    assert len(codes) == 1, codes
    return str(codes[0].Id)


def _service_item(qb: QuickBooks, name: str, price: str) -> Item:
    income = qb.query("select * from Account where AccountType = 'Income' maxresults 1")
    account = income["QueryResponse"]["Account"][0]
    item = Item()
    item.Name = name
    item.Type = "Service"
    item.UnitPrice = Decimal(price)
    item.IncomeAccountRef = _ref(account["Id"], account["Name"])
    saved: Item = item.save(qb=qb)
    return saved


def test_refresh_rotates_and_the_old_refresh_token_is_used_up(sb: SandboxServer, auth: AuthClient) -> None:
    first = auth.refresh_token
    assert auth.token_endpoint == sb.token_url
    auth.refresh()
    assert auth.access_token and auth.refresh_token and auth.refresh_token != first
    assert int(auth.expires_in) == 3600
    second = auth.refresh_token
    auth.refresh()
    assert auth.refresh_token not in (first, second)
    with pytest.raises(AuthClientError) as err:
        auth.refresh(refresh_token=first)
    assert err.value.status_code == 400
    assert b"invalid_grant" in err.value.content


def test_query_filter_where_and_count(qb: QuickBooks) -> None:
    codes = TaxCode.all(qb=qb)
    assert {"Exempt", "GST/QST QC"} <= {code.Name for code in codes}
    items = Item.all(max_results=5, qb=qb)
    assert 0 < len(items) <= 5
    assert all(isinstance(item.UnitPrice, Decimal | int) for item in items)
    total = Item.count(qb=qb)
    assert total >= len(items)
    active = Item.where("Active = true", order_by="Name", max_results=1000, qb=qb)
    assert [i.Name for i in active] == sorted((i.Name for i in active), key=str.casefold)
    one = Item.filter(Name=items[0].Name, qb=qb)
    assert [i.Id for i in one] == [items[0].Id]
    assert Item.get(items[0].Id, qb=qb).Name == items[0].Name
    assert CompanyInfo.get(qb.company_id, qb=qb).Country == "CA"
    assert Preferences.get(qb=qb).SalesFormsPrefs.CustomTxnNumbers is True  # needed for 6140 below


def test_create_customer_item_receipt_invoice_payment(qb: QuickBooks) -> None:
    gst_qst = _tax_code(qb, "GST/QST QC")
    customer = _customer("Third-Party O'Neil Café").save(qb=qb)
    assert customer.Id and Customer.filter(DisplayName="Third-Party O'Neil Café", qb=qb)[0].Id == customer.Id
    item = _service_item(qb, "Third-Party Consulting", "40.00")
    assert item.Id and item.UnitPrice == Decimal("40.00")

    receipt = SalesReceipt()
    receipt.CustomerRef = customer.to_ref()
    receipt.Line = [_line(item, 2, "40.00", gst_qst)]
    saved = receipt.save(qb=qb)
    # GST 5% + QST 9.975% on 80.00 = 4.00 + 7.98
    assert saved.TotalAmt == Decimal("91.98")
    assert isinstance(saved.TotalAmt, Decimal)

    invoice = Invoice()
    invoice.CustomerRef = customer.to_ref()
    invoice.Line = [_line(item, 1, "40.00", gst_qst)]
    inv = invoice.save(qb=qb)
    assert inv.TotalAmt == Decimal("45.99") and inv.Balance == Decimal("45.99")

    payment = Payment()
    payment.CustomerRef = customer.to_ref()
    payment.TotalAmt = Decimal("20.00")
    pline = PaymentLine()
    pline.Amount = Decimal("20.00")
    pline.LinkedTxn = [inv.to_linked_txn()]
    payment.Line = [pline]
    paid = payment.save(qb=qb)
    assert paid.Id and paid.TotalAmt == Decimal("20.00")
    assert Invoice.get(inv.Id, qb=qb).Balance == Decimal("25.99")


def test_batch_create(qb: QuickBooks) -> None:
    names = [f"Batch Third-Party {i}" for i in range(5)]
    customers = [_customer(n) for n in names] + [_customer(names[0])]
    result = batch_create(customers, qb=qb)
    assert sorted(c.DisplayName for c in result.successes) == sorted(names)
    assert len(result.faults) == 1
    assert [e.code for e in result.faults[0].Error] == ["6240"]
    assert Customer.count("DisplayName LIKE 'Batch Third-Party%'", qb=qb) == 5


def test_documented_fault_codes(qb: QuickBooks) -> None:
    _customer("Dup Name Third-Party").save(qb=qb)
    with pytest.raises(QuickbooksException) as dup_name:
        _customer("Dup Name Third-Party").save(qb=qb)
    assert dup_name.value.error_code == 6240

    customer = _customer("Stale Third-Party").save(qb=qb)
    stale = Customer.get(customer.Id, qb=qb)
    customer.CompanyName = "First Writer Ltd"
    customer.save(qb=qb)
    stale.CompanyName = "Second Writer Ltd"
    with pytest.raises(QuickbooksException) as stale_err:
        stale.save(qb=qb)
    assert stale_err.value.error_code == 5010

    item = Item.all(max_results=1, qb=qb)[0]
    exempt = _tax_code(qb, "Exempt")
    for attempt in range(2):
        receipt = SalesReceipt()
        receipt.CustomerRef = customer.to_ref()
        receipt.DocNumber = "TP-DUP-1"
        receipt.Line = [_line(item, 1, "10.00", exempt)]
        if attempt == 0:
            assert receipt.save(qb=qb).DocNumber == "TP-DUP-1"
        else:
            with pytest.raises(QuickbooksException) as dup_number:
                receipt.save(qb=qb)
            assert dup_number.value.error_code == 6140


def test_access_token_from_before_a_refresh_stays_valid(sb: SandboxServer, auth: AuthClient) -> None:
    qb = _qb(sb, auth)
    auth.refresh()
    assert Item.count(qb=qb) > 0  # the old access token stays valid until it expires, as in QBO
