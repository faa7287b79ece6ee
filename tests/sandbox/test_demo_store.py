"""The demo store: deterministic, every order adds up (re-added here independently), every case present."""

from __future__ import annotations

import io
import time
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest

from wixqb_nb import money
from wixqb_nb.sandbox.demo import advance_store, generate_store, known_cases, write_store

CENT = Decimal("0.01")


def _r(x: Decimal) -> Decimal:
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def _a(price: dict[str, str]) -> Decimal:
    return Decimal(price["amount"])


def _check_taxed(block_tax: list[dict[str, Any]], amount: Decimal, inclusive: bool) -> Decimal:
    """Each jurisdiction's tax is the half-up rounding of its rate on this amount; returns the sum."""
    total_rate = sum((Decimal(b["rate"]) for b in block_tax), Decimal(0))
    tax = Decimal(0)
    for b in block_tax:
        rate = Decimal(b["rate"])
        expected = _r(amount * rate / (1 + total_rate)) if inclusive else _r(amount * rate)
        assert _a(b["taxAmount"]) == expected, (b, amount)
        tax += expected
    return tax


def assert_adds_up(order: dict[str, Any], txn: dict[str, Any]) -> None:
    inclusive = order["taxIncludedInPrices"]
    subtotal = discount = tax = Decimal(0)
    for li in order["lineItems"]:
        gross = _a(li["price"]) * li["quantity"]
        assert _a(li["lineItemPrice"]) == gross
        net = gross - _a(li["totalDiscount"])
        assert _a(li["totalPriceBeforeTax"]) == net
        line_tax = _check_taxed(li["taxInfo"]["taxBreakdown"], net, inclusive)
        assert _a(li["taxInfo"]["taxAmount"]) == line_tax == _a(li["taxDetails"]["totalTax"])
        assert _a(li["totalPriceAfterTax"]) == (net if inclusive else net + line_tax)
        subtotal, discount, tax = subtotal + gross, discount + _a(li["totalDiscount"]), tax + line_tax
    shipping = Decimal(0)
    if "shippingInfo" in order:
        cost = order["shippingInfo"]["cost"]
        shipping = _a(cost["price"])
        ship_tax = _check_taxed(cost["taxInfo"]["taxBreakdown"], shipping, inclusive)
        assert _a(cost["taxDetails"]["totalTax"]) == ship_tax
        tax += ship_tax
    fees = Decimal(0)
    for fee in order["additionalFees"]:
        fees += _a(fee["priceBeforeTax"])
        tax += _a(fee["taxDetails"]["totalTax"])
        assert _a(fee["price"]) == _a(fee["priceBeforeTax"]) + _a(fee["taxDetails"]["totalTax"])
    ps = order["priceSummary"]
    assert _a(ps["subtotal"]) == subtotal
    assert _a(ps["discount"]) == discount
    assert (
        sum(
            (
                _a(d[k]["amount"])
                for d in order["appliedDiscounts"]
                for k in d
                if k in ("coupon", "merchantDiscount", "discountRule")
            ),
            Decimal(0),
        )
        == discount
    )
    assert _a(ps["shipping"]) == shipping
    assert _a(ps["totalAdditionalFees"]) == fees
    assert _a(ps["tax"]) == tax == _a(order["taxInfo"]["totalTax"]) == _a(order["taxSummary"]["totalTax"])
    total = subtotal - discount + shipping + fees + (0 if inclusive else tax)
    assert _a(ps["total"]) == total
    by_jurisdiction = sum(
        (_a(b["aggregatedTaxAmount"]) for b in order["taxInfo"]["taxBreakdown"]), Decimal(0)
    )
    assert by_jurisdiction == tax
    # Money movement agrees with the order's status and balance.
    ok = [p for p in txn["payments"] if (p.get("regularPaymentDetails") or {}).get("status") != "PENDING"]
    paid = sum((_a(p["amount"]) for p in ok), Decimal(0))
    refunded = sum((_a(t["amount"]) for r in txn["refunds"] for t in r["transactions"]), Decimal(0))
    bs = order["balanceSummary"]
    assert _a(bs["paid"]) == paid and _a(bs["refunded"]) == refunded
    assert refunded <= paid
    status = order["paymentStatus"]
    if status in ("PAID", "PARTIALLY_REFUNDED", "FULLY_REFUNDED"):
        assert paid == total
    assert (status == "FULLY_REFUNDED") == (refunded == paid > 0)
    assert _a(bs["balance"]) == (total - paid if status in ("NOT_PAID", "PARTIALLY_PAID") else 0)
    for r in txn["refunds"]:
        for item in r["details"]["items"]:
            line = next(li for li in order["lineItems"] if li["id"] == item["lineItemId"])
            assert 0 < item["quantity"] <= line["quantity"]
    for li in order["lineItems"]:
        assert li["refundQuantity"] == sum(
            it["quantity"]
            for r in txn["refunds"]
            for it in r["details"]["items"]
            if it["lineItemId"] == li["id"]
        )


@pytest.fixture(scope="module", params=["ca-qc", "us"])
def store(request: pytest.FixtureRequest) -> dict[str, Any]:
    return generate_store(400, seed=7, profile=request.param)


def test_every_order_adds_up(store: dict[str, Any]) -> None:
    txns = {t["orderId"]: t for t in store["transactions"]}
    assert len(store["orders"]) == len(txns) == 400
    for order in store["orders"]:
        assert_adds_up(order, txns[order["id"]])


def test_shapes_follow_wix(store: dict[str, Any]) -> None:
    numbers = [o["number"] for o in store["orders"]]
    assert all(isinstance(n, str) for n in numbers) and len(set(numbers)) == len(numbers)
    assert len({o["id"] for o in store["orders"]}) == 400
    assert {o["status"] for o in store["orders"]} <= {"APPROVED", "CANCELED"}
    created = [o["createdDate"] for o in store["orders"]]
    assert created == sorted(created) and all(c.endswith("Z") for c in created)
    precisions = {
        len(li["price"]["amount"].partition(".")[2]) for o in store["orders"] for li in o["lineItems"]
    }
    assert {1, 2} <= precisions  # "60.00" and "67.6" styles both occur
    skus = {li["physicalProperties"].get("sku") for o in store["orders"] for li in o["lineItems"]}
    catalog = {p["sku"] for p in store["products"]} | {
        v["variant"]["sku"] for p in store["products"] for v in p["variants"]
    }
    assert skus - {None} <= catalog


def test_every_special_case_is_present(store: dict[str, Any]) -> None:
    cases = known_cases(store)
    assert [name for name, ids in cases.items() if not ids] == []
    assert len(cases["duplicate_buyer_name"]) >= 2


@pytest.mark.parametrize("profile", ["ca-qc", "us"])
def test_small_store_gets_the_special_cases_first(profile: str) -> None:
    small = generate_store(29, seed=3, profile=profile)
    assert [name for name, ids in known_cases(small).items() if not ids] == []
    tiny = generate_store(1, seed=3, profile=profile)
    assert known_cases(tiny)["penny_inclusive_14_90_at_10pct"] == [tiny["orders"][0]["id"]]


def _only(store: dict[str, Any], case: str) -> dict[str, Any]:
    ids = known_cases(store)[case]
    assert len(ids) == 1
    return next(o for o in store["orders"] if o["id"] == ids[0])


@pytest.mark.parametrize("profile", ["ca-qc", "us"])
def test_published_penny_cases(profile: str) -> None:
    store = generate_store(3, seed=11, profile=profile)
    # Tax-inclusive 14.90 at 10 %: Wix's tax is 1.35; QBO's net 14.90/1.1 = 13.545... rounds to 13.55,
    # and 13.55 * 1.1 = 14.905 -> 14.91 (DESIGN.md).
    incl = _only(store, "penny_inclusive_14_90_at_10pct")
    assert _a(incl["priceSummary"]["total"]) == Decimal("14.90")
    assert _a(incl["priceSummary"]["tax"]) == Decimal("1.35")
    assert _r(_r(Decimal("14.90") / Decimal("1.1")) * Decimal("1.1")) == Decimal("14.91")
    # QST 9.975 % on 4495.16: 448.40 summed per line, 448.39 on the total.
    qst_order = _only(store, "penny_qst_on_4495_16")
    (qst,) = [b for b in qst_order["taxInfo"]["taxBreakdown"] if b["taxName"] == "QST"]
    assert _a(qst["aggregatedTaxableAmount"]) == Decimal("4495.16")
    assert _a(qst["aggregatedTaxAmount"]) == Decimal("448.40")
    assert _r(Decimal("4495.16") * Decimal("0.09975")) == Decimal("448.39")
    # 12 % over many lines totalling 81.09: 9.71 per line, 9.73 on the total.
    twelve = _only(store, "penny_12pct_many_lines_81_09")
    assert len(twelve["lineItems"]) == 31
    assert _a(twelve["priceSummary"]["subtotal"]) == Decimal("81.09")
    assert _a(twelve["priceSummary"]["tax"]) == Decimal("9.71")
    assert _r(Decimal("81.09") * Decimal("0.12")) == Decimal("9.73")


def test_odd_cent_allocation_is_largest_remainder() -> None:
    store = generate_store(29, seed=5)
    odd = [o for o in store["orders"] if o["id"] in known_cases(store)["discount_odd_cents"]]
    coupon = next(
        o for o in odd if any(d.get("coupon", {}).get("code") == "MERCI10" for d in o["appliedDiscounts"])
    )
    shares = [_a(x["totalDiscount"]) for x in coupon["appliedDiscounts"][0]["lineItemDiscounts"]]
    assert shares == [Decimal("3.34"), Decimal("3.33"), Decimal("3.33")]


def test_same_arguments_same_bytes_and_seed_matters() -> None:
    a = money.dumps(generate_store(250, seed=42, profile="ca-qc"))
    b = money.dumps(generate_store(250, seed=42, profile="ca-qc"))
    assert a == b
    assert money.dumps(generate_store(250, seed=43, profile="ca-qc")) != a
    out = io.StringIO()
    assert write_store(out, 250, seed=42, profile="ca-qc") == 250
    assert out.getvalue() == a


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"orders": 0}, "between 1"),
        ({"orders": 1_000_001}, "between 1"),
        ({"orders": 5, "profile": "fr"}, "unknown profile"),
        ({"orders": 5, "days": 0}, "days"),
    ],
)
def test_bad_arguments_are_refused(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        generate_store(**kwargs)


def test_advance_store_moves_the_store_on() -> None:
    store = generate_store(120, seed=9)
    before = money.dumps(store)
    now = datetime(2025, 4, 2, 15, 0, tzinfo=UTC)
    changes = advance_store(store, seed=9, hours=1.0, now=now)
    assert money.dumps(store) == before  # never mutated
    assert money.dumps(changes) == money.dumps(advance_store(store, seed=9, hours=1.0, now=now))
    assert changes["new_orders"]
    numbers = [int(o["number"]) for o in store["orders"]]
    assert [int(o["number"]) for o in changes["new_orders"]][0] == max(numbers) + 1
    txns = {t["orderId"]: t for t in changes["transactions"]}
    for order in changes["new_orders"] + changes["updated_orders"]:
        assert_adds_up(order, txns[order["id"]])
        assert order["updatedDate"] <= "2025-04-02T15:00:00.000Z"
    old = {o["id"]: o for o in store["orders"]}
    statuses = {(old[o["id"]]["paymentStatus"], o["paymentStatus"]) for o in changes["updated_orders"]}
    assert ("NOT_PAID", "PAID") in statuses
    assert ("PAID", "PARTIALLY_REFUNDED") in statuses or ("PAID", "FULLY_REFUNDED") in statuses
    with pytest.raises(ValueError):
        advance_store(store, seed=9, now=datetime(2025, 4, 2, 15, 0))


@pytest.mark.soak  # 20 s of generation; benchmarks/sandbox_speed.py times it in `make bench`
def test_a_100k_store_has_unique_orders_and_numbers() -> None:
    began = time.perf_counter()
    store = generate_store(100_000, seed=1)
    elapsed = time.perf_counter() - began
    orders = store["orders"]
    assert len(orders) == 100_000
    assert len({o["id"] for o in orders}) == len({o["number"] for o in orders}) == 100_000
    print(f"\ndemo store: 100,000 orders generated in {elapsed:.1f} s ({100_000 / elapsed:,.0f} orders/s)")
