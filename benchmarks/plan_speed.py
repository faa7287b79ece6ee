"""Planning N orders vs a bare ``json.loads`` of the same order payloads.

Orders are synthesised (2-4 lines, GST+QST breakdowns, shipping, a card payment) in Wix's REST
shape. Figures: ``plan_vs_json_loads`` (planning already-parsed orders) and, for context,
``parse_and_plan_vs_json_loads`` (money.loads + model validation + planning).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from wixqb_nb import money
from wixqb_nb.config import Config
from wixqb_nb.mapping import QboSnapshot, plan
from wixqb_nb.models.wix import Order, OrderTransactions

N = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
STORES = "215238eb-22a5-4c36-9e7b-e7c08025e04e"


def _p(x: Decimal) -> dict[str, str]:
    return {"amount": str(x), "formattedAmount": f"${x}"}


def synth(i: int) -> tuple[dict[str, Any], dict[str, Any]]:
    lines, total = [], Decimal(0)
    for j in range(2 + i % 3):
        qty, unit = 1 + (i + j) % 3, Decimal(199 + (i * 7 + j * 13) % 5000) / 100
        net = unit * qty
        g, q = (
            (net * Decimal("0.05")).quantize(Decimal("0.01"), ROUND_HALF_UP),
            (net * Decimal("0.09975")).quantize(Decimal("0.01"), ROUND_HALF_UP),
        )
        total += net + g + q
        lines.append(
            {
                "id": f"l{j}",
                "productName": {"original": f"Product {j}", "translated": f"Product {j}"},
                "catalogReference": {"appId": STORES, "catalogItemId": f"c{j}"},
                "quantity": qty,
                "price": _p(unit),
                "totalDiscount": _p(Decimal(0)),
                "totalPriceBeforeTax": _p(net),
                "totalPriceAfterTax": _p(net + g + q),
                "physicalProperties": {"sku": f"SKU-{j}"},
                "taxInfo": {
                    "taxAmount": _p(g + q),
                    "taxRate": "0.14975",
                    "taxBreakdown": [
                        {"taxName": "GST", "rate": "0.05", "taxAmount": _p(g)},
                        {"taxName": "QST", "rate": "0.09975", "taxAmount": _p(q)},
                    ],
                },
            }
        )
    ship = Decimal("7.50")
    total += ship
    order = {
        "id": f"o{i}",
        "number": str(10000 + i),
        "createdDate": "2025-03-14T15:00:00.000Z",
        "status": "APPROVED",
        "paymentStatus": "PAID",
        "currency": "CAD",
        "taxIncludedInPrices": False,
        "lineItems": lines,
        "buyerInfo": {"email": f"buyer{i % 500}@example.com"},
        "billingInfo": {"contactDetails": {"firstName": "Buyer", "lastName": str(i % 500)}},
        "shippingInfo": {
            "title": "Post",
            "cost": {
                "price": _p(ship),
                "totalPriceBeforeTax": _p(ship),
                "taxDetails": {"taxRate": "", "totalTax": _p(Decimal(0))},
            },
        },
        "priceSummary": {"total": _p(total), "discount": _p(Decimal(0))},
    }
    txs = {
        "orderId": f"o{i}",
        "payments": [
            {
                "id": f"p{i}",
                "amount": _p(total),
                "regularPaymentDetails": {"paymentMethod": "CreditCard", "status": "APPROVED"},
            }
        ],
    }
    return order, txs


def main() -> None:
    pairs = [synth(i) for i in range(N)]
    texts = [json.dumps(o) for o, _ in pairs]
    tx_texts = [json.dumps(t) for _, t in pairs]
    t0 = time.perf_counter()
    for s in texts:
        json.loads(s)
    for s in tx_texts:
        json.loads(s)
    t_json = time.perf_counter() - t0
    t0 = time.perf_counter()
    orders = [Order.model_validate(money.loads(s)) for s in texts]
    txs = {t.order_id: t for t in (OrderTransactions.model_validate(money.loads(s)) for s in tx_texts)}
    t_parse = time.perf_counter() - t0
    rate = lambda i, n, v: {"Id": i, "Name": n, "RateValue": Decimal(v)}  # noqa: E731
    snap = QboSnapshot.from_entities(
        {
            "TaxRate": [rate("1", "GST", "5"), rate("2", "QST", "9.975")],
            "TaxCode": [
                {
                    "Id": "10",
                    "Name": "GST/QST",
                    "SalesTaxRateList": {
                        "TaxRateDetail": [
                            {"TaxRateRef": {"value": "1"}, "TaxOrder": 0},
                            {"TaxRateRef": {"value": "2"}, "TaxOrder": 1},
                        ]
                    },
                },
                {"Id": "12", "Name": "Exempt"},
            ],
            "Item": [{"Id": str(20 + j), "Name": f"SKU-{j}"} for j in range(5)],
        },
        company_info={"Country": "CA"},
        realm_id="R1",
    )
    config = Config.model_validate(
        {
            "general": {"start_date": "2025-01-01"},
            "orders": {"document_type": "invoice"},
            "advanced": {"order_prefix": "WX", "rounding_item": {"id": "90"}},
            "taxes": {
                "mappings": [{"name": "GST + QST", "rate": "0.14975", "qbo_tax_code": {"id": "10"}}],
                "untaxed_code": {"id": "12"},
            },
            "payments": {"default_deposit_account": {"id": "200"}},
        }
    )
    now = dt.datetime(2025, 3, 20, tzinfo=dt.UTC)
    t0 = time.perf_counter()
    result = plan(orders, txs, config, snap, now=now)
    t_plan = time.perf_counter() - t0
    planned = sum(1 for o in result.orders if o.status == "planned")
    print(
        f"orders: {N}, planned: {planned}, json.loads {t_json:.3f}s, parse {t_parse:.3f}s, plan {t_plan:.3f}s"
    )
    ratio = t_plan / t_json
    print(f"parse_and_plan_vs_json_loads: {(t_parse + t_plan) / t_json:.2f} (info)")
    print(f"plan_vs_json_loads: {ratio:.2f} (target <= 5) {'PASS' if ratio <= 5 else 'FAIL'}")


if __name__ == "__main__":
    main()
