"""The QBO models read QBO's JSON shapes: PascalCase aliases, Decimal money, unknown fields kept."""

from __future__ import annotations

from decimal import Decimal

from wixqb_nb import money
from wixqb_nb.models.qbo import ENTITY_MODELS, Customer, Invoice, Item, Preferences, TaxCode, TaxRate

INVOICE = """{"Id": "130", "SyncToken": "2", "DocNumber": "WX-1001", "TxnDate": "2025-03-14",
 "PrivateNote": "[wixqb:o1:sale:o1]", "CustomerRef": {"value": "58", "name": "Jane Doe"},
 "GlobalTaxCalculation": "TaxExcluded", "TotalAmt": 45.98, "Balance": 0,
 "Line": [{"Id": "1", "LineNum": 1, "Amount": 39.98, "DetailType": "SalesItemLineDetail",
           "SalesItemLineDetail": {"ItemRef": {"value": "21"}, "Qty": 2, "UnitPrice": 19.99,
                                   "TaxCodeRef": {"value": "3"}}},
          {"Amount": 39.98, "DetailType": "SubTotalLineDetail", "SubTotalLineDetail": {}}],
 "TxnTaxDetail": {"TotalTax": 6.00, "TaxLine": [{"Amount": 6.00, "DetailType": "TaxLineDetail",
   "TaxLineDetail": {"TaxRateRef": {"value": "8"}, "PercentBased": true, "TaxPercent": 15,
                     "NetAmountTaxable": 39.98}}]},
 "domain": "QBO", "MetaData": {"CreateTime": "2025-03-14T10:00:00-07:00"}, "EInvoiceStatus": "Sent"}"""


def test_invoice_reads_back_with_decimals() -> None:
    inv = Invoice.model_validate(money.loads(INVOICE))
    assert inv.total_amt == Decimal("45.98") and inv.balance == Decimal("0")
    assert inv.customer_ref is not None and inv.customer_ref.value == "58"
    detail = inv.line[0].sales_item_line_detail
    assert detail is not None and detail.unit_price == Decimal("19.99") and detail.qty == Decimal("2")
    assert inv.total_tax == Decimal("6.00")
    assert inv.txn_tax_detail is not None
    tl = inv.txn_tax_detail.tax_line[0].tax_line_detail
    assert tl is not None and tl.tax_rate_ref is not None and tl.tax_rate_ref.value == "8"
    assert inv.domain == "QBO" and inv.model_extra == {"EInvoiceStatus": "Sent"}
    assert inv.line[1].detail_type == "SubTotalLineDetail"


def test_reference_entities() -> None:
    item = Item.model_validate(
        {"Id": "5", "Name": "Mug", "Sku": "MUG-1", "Type": "NonInventory", "UnitPrice": 12}
    )
    assert (item.id, item.name, item.sku, item.unit_price) == ("5", "Mug", "MUG-1", Decimal(12))
    cust = Customer.model_validate(
        {"Id": "9", "DisplayName": "Jane", "PrimaryEmailAddr": {"Address": " J@X.com "}}
    )
    assert cust.email == "j@x.com"
    code = TaxCode.model_validate(
        {
            "Id": "7",
            "Name": "GST/QST",
            "SalesTaxRateList": {
                "TaxRateDetail": [
                    {"TaxRateRef": {"value": "11"}, "TaxOrder": 1},
                    {"TaxRateRef": {"value": "10"}, "TaxOrder": 0},
                ]
            },
        }
    )
    assert code.sales_rate_ids == ["10", "11"]
    rate = TaxRate.model_validate(money.loads('{"Id": "11", "Name": "QST", "RateValue": 9.975}'))
    assert rate.rate_value == Decimal("9.975")
    prefs = Preferences.model_validate(
        {
            "TaxPrefs": {"PartnerTaxEnabled": True},
            "CurrencyPrefs": {"MultiCurrencyEnabled": True, "HomeCurrency": {"value": "CAD"}},
            "SalesFormsPrefs": {"CustomTxnNumbers": False},
        }
    )
    assert prefs.partner_tax_enabled and prefs.multi_currency_enabled and prefs.home_currency == "CAD"
    assert not prefs.custom_txn_numbers
    assert set(ENTITY_MODELS) >= {"Item", "Customer", "Invoice", "Payment", "RefundReceipt"}
