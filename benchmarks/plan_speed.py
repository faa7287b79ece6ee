"""Planning N orders vs a bare ``json.loads`` of the same order payloads.

Orders are synthesised (2-4 lines, GST+QST breakdowns, shipping, a card payment) in Wix's REST
shape. Figures: ``plan_vs_json_loads`` (planning already-parsed orders) and, for context,
``parse_and_plan_vs_json_loads`` (money.loads + model validation + planning). Both timed figures are
the best of ``REPEAT`` interleaved runs with the garbage collector on (see ``_best``).
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import sys
import time
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from wixqb_nb import money
from wixqb_nb.config import Config
from wixqb_nb.mapping import Plan, QboSnapshot, plan
from wixqb_nb.models.wix import Order, OrderTransactions

N = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
REPEAT = 5
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


def snapshot_and_config() -> tuple[QboSnapshot, Config]:
    """The QBO company (GST/QST, items SKU-0..4) and the configuration the orders are planned with."""
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
    return snap, config


def parse(texts: list[str], tx_texts: list[str]) -> tuple[list[Order], dict[str, OrderTransactions]]:
    """``money.loads`` + model validation of every payload."""
    orders = [Order.model_validate(money.loads(s)) for s in texts]
    txs = {t.order_id: t for t in (OrderTransactions.model_validate(money.loads(s)) for s in tx_texts)}
    return orders, txs


NOW = dt.datetime(2025, 3, 20, tzinfo=dt.UTC)


def _best(fns: list[Callable[[], object]], repeat: int) -> list[tuple[float, int]]:
    """Best wall time of each function over ``repeat`` interleaved rounds, with the full GC
    collections of that best run.

    The garbage collector stays ON while timing (it is part of what planning costs); each run starts
    after a ``gc.collect()`` so all figures start from the same heap state. Interleaving the
    functions round by round keeps a busy machine from favouring one figure over another.
    """
    best = [(float("inf"), 0)] * len(fns)
    for _ in range(repeat):
        for i, fn in enumerate(fns):
            gc.collect()
            before = gc.get_stats()[2]["collections"]
            t0 = time.perf_counter()
            fn()
            took = time.perf_counter() - t0
            if took < best[i][0]:
                best[i] = (took, gc.get_stats()[2]["collections"] - before)
    return best


def main() -> None:
    pairs = [synth(i) for i in range(N)]
    texts = [json.dumps(o) for o, _ in pairs]
    tx_texts = [json.dumps(t) for _, t in pairs]

    def loads_all() -> None:
        for s in texts:
            json.loads(s)
        for s in tx_texts:
            json.loads(s)

    t0 = time.perf_counter()
    orders, txs = parse(texts, tx_texts)
    t_parse = time.perf_counter() - t0
    snap, config = snapshot_and_config()
    results: list[Plan] = []

    def plan_all() -> None:
        results[:] = [plan(orders, txs, config, snap, now=NOW)]

    (t_json, _), (t_plan, full_gcs) = _best([loads_all, plan_all], REPEAT)
    planned = sum(1 for o in results[-1].orders if o.status == "planned")
    print(
        f"orders: {N}, planned: {planned}, json.loads {t_json:.3f}s, parse {t_parse:.3f}s, "
        f"plan {t_plan:.3f}s (best of {REPEAT} interleaved, gc on, {full_gcs} full collections)"
    )
    ratio = t_plan / t_json
    print(f"parse_and_plan_vs_json_loads: {(t_parse + t_plan) / t_json:.2f} (info)")
    print(f"plan_vs_json_loads: {ratio:.2f} (target <= 5) {'PASS' if ratio <= 5 else 'FAIL'}")


if __name__ == "__main__":
    main()
