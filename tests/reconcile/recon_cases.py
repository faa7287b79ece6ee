"""Hand-built Wix orders and the QBO documents a correct sync of them gives.

``store()`` returns a small, consistent case (a paid sales receipt, an invoice with its payment, a
refunded order, a rounding-absorbed order) that reconciles with nothing flagged; each test then
changes one thing and checks that exactly the right category is reported.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from wixqb_nb.mapping.markers import format_marker
from wixqb_nb.reconcile import ReconSettings

STORES = "215238eb-22a5-4c36-9e7b-e7c08025e04e"
BOOKINGS = "13d21c63-b5ec-5912-8397-c3a5ddb27a97"
RATES = {"GST": Decimal("0.05"), "QST": Decimal("0.09975")}
RATE_IDS = {"GST": "3", "QST": "4"}
ROUNDING_ITEM = "99"
CLEARING = "40"


def price(value: Decimal | str) -> dict[str, str]:
    return {"amount": str(value)}


def cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def wix_order(
    number: int,
    *,
    lines: tuple[str, ...] = ("100.00",),
    shipping: str = "0",
    taxes: tuple[str, ...] = ("GST", "QST"),
    payment_status: str = "PAID",
    status: str = "APPROVED",
    created: str = "2024-03-01T15:00:00Z",
    app: str = STORES,
    name: str = "Ann Lee",
) -> dict[str, Any]:
    """A tax-exclusive Wix order in REST shape, tax per rate on lines + shipping."""
    net = sum((Decimal(x) for x in lines), Decimal(0)) + Decimal(shipping)
    per_rate = {t: cents(net * RATES[t]) for t in taxes}
    tax = sum(per_rate.values(), Decimal(0))
    subtotal = sum((Decimal(x) for x in lines), Decimal(0))
    total = subtotal + Decimal(shipping) + tax
    first, _, last = name.partition(" ")
    return {
        "id": f"order-{number}",
        "number": str(number),
        "createdDate": created,
        "status": status,
        "paymentStatus": payment_status,
        "currency": "CAD",
        "lineItems": [
            {
                "id": f"line-{i}",
                "productName": {"original": f"Product {i}"},
                "quantity": 1,
                "catalogReference": {"catalogItemId": f"p{i}", "appId": app},
                "price": price(x),
                "totalPriceBeforeTax": price(x),
                "totalDiscount": price("0"),
            }
            for i, x in enumerate(lines, 1)
        ],  # fmt: skip
        "priceSummary": {
            "subtotal": price(subtotal),
            "shipping": price(shipping),
            "tax": price(tax),
            "discount": price("0"),
            "total": price(total),
        },  # fmt: skip
        "taxInfo": {
            "totalTax": price(tax),
            "taxBreakdown": [
                {"taxName": t, "rate": str(RATES[t]), "aggregatedTaxAmount": price(a)}
                for t, a in per_rate.items()
            ],
        },
        "balanceSummary": {"balance": price("0" if payment_status == "PAID" else total)},
        "billingInfo": {"contactDetails": {"firstName": first, "lastName": last}},
        "buyerInfo": {"email": "ann@example.com"},
    }


def local_day(iso: str) -> str:
    """The day of a Wix timestamp in the test account's time zone (America/Toronto)."""
    when = dt.datetime.fromisoformat(iso.replace("Z", "+00:00"))
    return when.astimezone(ZoneInfo("America/Toronto")).date().isoformat()


def wix_total(order: dict[str, Any]) -> Decimal:
    return Decimal(order["priceSummary"]["total"]["amount"])


def qbo_sale(order: dict[str, Any], qbo_id: str, qbo_type: str = "SalesReceipt") -> dict[str, Any]:
    """The document a correct sync posts for ``order``."""
    ps = order["priceSummary"]
    lines: list[dict[str, Any]] = [
        {"DetailType": "SalesItemLineDetail", "Amount": Decimal(li["totalPriceBeforeTax"]["amount"]),
         "SalesItemLineDetail": {"ItemRef": {"value": "21"}, "Qty": 1}}
        for li in order["lineItems"]
    ]  # fmt: skip
    if Decimal(ps["shipping"]["amount"]):
        lines.append({"DetailType": "SalesItemLineDetail", "Amount": Decimal(ps["shipping"]["amount"]),
                      "SalesItemLineDetail": {"ItemRef": {"value": "SHIPPING_ITEM_ID"}}})  # fmt: skip
    tax_lines = [
        {"Amount": Decimal(b["aggregatedTaxAmount"]["amount"]), "DetailType": "TaxLineDetail",
         "TaxLineDetail": {"TaxRateRef": {"value": RATE_IDS[b["taxName"]]}, "PercentBased": True,
                           "TaxPercent": Decimal(b["rate"]) * 100}}
        for b in order["taxInfo"]["taxBreakdown"]
    ]  # fmt: skip
    doc: dict[str, Any] = {
        "Id": qbo_id,
        "DocNumber": f"WX-{order['number']}",
        "TxnDate": local_day(order["createdDate"]),
        "PrivateNote": "Wix order " + format_marker(order["id"], "sale", order["id"]),
        "CustomerRef": {"value": "5"},
        "Line": lines,
        "TxnTaxDetail": {"TotalTax": Decimal(ps["tax"]["amount"]), "TaxLine": tax_lines},
        "TotalAmt": Decimal(ps["total"]["amount"]),
    }
    if qbo_type == "Invoice":
        doc["Balance"] = Decimal(order["balanceSummary"]["balance"]["amount"])
    else:
        doc["DepositToAccountRef"] = {"value": CLEARING}
    return doc


def wix_payment(pid: str, amount: Decimal, when: str = "2024-03-01T15:01:00Z") -> dict[str, Any]:
    return {"id": pid, "createdDate": when, "amount": price(amount),
            "regularPaymentDetails": {"paymentMethod": "CreditCard", "status": "APPROVED"}}  # fmt: skip


def qbo_payment(
    order: dict[str, Any], pid: str, amount: Decimal, invoice_id: str, qbo_id: str
) -> dict[str, Any]:
    return {
        "Id": qbo_id, "TxnDate": "2024-03-01", "TotalAmt": amount, "CustomerRef": {"value": "5"},
        "PrivateNote": format_marker(order["id"], "payment", pid), "DepositToAccountRef": {"value": CLEARING},
        "Line": [{"Amount": amount, "LinkedTxn": [{"TxnId": invoice_id, "TxnType": "Invoice"}]}],
    }  # fmt: skip


def qbo_refund(order: dict[str, Any], rid: str, amount: Decimal, qbo_id: str) -> dict[str, Any]:
    return {
        "Id": qbo_id, "DocNumber": f"CWX-{order['number']}-01", "TxnDate": "2024-03-02", "TotalAmt": amount,
        "PrivateNote": format_marker(order["id"], "refund", rid),
    }  # fmt: skip


@dataclass
class Store:
    """Wix orders + transactions and the QBO documents; ``settings`` reconcile them cleanly."""

    orders: list[dict[str, Any]]
    transactions: list[dict[str, Any]]
    qbo: dict[str, list[dict[str, Any]]]
    settings: ReconSettings = field(
        default_factory=lambda: ReconSettings(
            time_zone="America/Toronto",
            order_prefix="WX",
            rounding_item_id=ROUNDING_ITEM,
            deposit_accounts={"creditcard": CLEARING},
        )  # fmt: skip
    )

    def copy(self) -> Store:
        return copy.deepcopy(self)

    def doc(self, qbo_type: str, qbo_id: str) -> dict[str, Any]:
        return next(d for d in self.qbo[qbo_type] if d["Id"] == qbo_id)


def build_store() -> Store:
    """1001 sales receipt; 1002 invoice + payment; 1003 refunded (stores); 1004 rounding absorbed."""
    o1 = wix_order(1001, lines=("100.00", "20.00"), shipping="10.00")
    o2 = wix_order(1002, lines=("50.00",), created="2024-03-02T02:00:00Z")  # 2024-03-01 in Toronto
    o3 = wix_order(
        1003, lines=("40.00",), payment_status="PARTIALLY_REFUNDED", created="2024-03-02T16:00:00Z"
    )
    o4 = wix_order(1004, lines=("4495.16",), taxes=("QST",), created="2024-03-02T17:00:00Z")
    # Wix summed QST per line (448.40); QBO computes it on the total (448.39).
    o4["priceSummary"]["tax"] = o4["taxInfo"]["totalTax"] = price("448.40")
    o4["taxInfo"]["taxBreakdown"][0]["aggregatedTaxAmount"] = price("448.40")
    o4["priceSummary"]["total"] = price("4943.56")
    t2 = wix_total(o2)
    orders = [o1, o2, o3, o4]
    transactions = [
        {"orderId": o["id"], "payments": [wix_payment(f"pay-{o['number']}", wix_total(o), o["createdDate"])],
         "refunds": []}
        for o in orders
    ]  # fmt: skip
    transactions[2]["refunds"] = [
        {"id": "ref-1003", "createdDate": "2024-03-02T18:00:00Z",
         "transactions": [{"paymentId": "pay-1003", "amount": price("10.00"), "refundStatus": "SUCCEEDED"}]}
    ]  # fmt: skip
    s4 = qbo_sale(o4, "104")
    # QBO's QST is 448.39: the rounding item adds the missing cent so the totals agree.
    s4["TxnTaxDetail"]["TotalTax"] = Decimal("448.39")
    s4["TxnTaxDetail"]["TaxLine"][0]["Amount"] = Decimal("448.39")
    s4["Line"].append({"DetailType": "SalesItemLineDetail", "Amount": Decimal("0.01"),
                       "SalesItemLineDetail": {"ItemRef": {"value": ROUNDING_ITEM}}})  # fmt: skip
    qbo = {
        "SalesReceipt": [qbo_sale(o1, "101"), qbo_sale(o3, "103"), s4],
        "Invoice": [qbo_sale(o2, "102", "Invoice")],
        "Payment": [qbo_payment(o2, "pay-1002", t2, "102", "201")],
        "RefundReceipt": [qbo_refund(o3, "ref-1003", Decimal("10.00"), "301")],
    }
    return Store(orders, transactions, qbo)
