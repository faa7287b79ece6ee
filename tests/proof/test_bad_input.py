"""Bad input: broken Wix orders and broken configs give clear, specific errors and break nothing else.

- Against the sandbox: a store mixing good orders with broken ones (totals that do not add up,
  negative, null or missing totals, an unmapped tax rate), a 2,000-line order, and names with
  control characters and right-to-left text. One sync: each broken order has its own error (field
  and message) in the ledger and in the workbook's Errors sheet, every other order posts, and QBO
  holds exactly the good orders' documents.
- Pure, with hypothesis: one leaf of a good order replaced by a bad value (null, missing, text,
  negative, huge, NaN, control characters, unknown enum...). Either the tolerant model refuses it
  naming the field, or planning it next to a good order neither raises nor changes the good
  order's plan, and a planned document lands on the Wix total.
- Configs: any set of options given a value of the wrong type is reported, each by its path.
"""

from __future__ import annotations

import copy
import datetime as dt
import random
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from proof_support import (
    BREAKS,
    MISSING,
    Company,
    clean_paid,
    demo_company,
    fresh_copy,
    leaves,
    many_lines,
    one_line,
    put,
)
from pydantic import ValidationError

from wixqb_nb import money
from wixqb_nb.clients.wix import WixClient
from wixqb_nb.config import validate_data
from wixqb_nb.config_file import read_data
from wixqb_nb.mapping import OrderPlan, plan
from wixqb_nb.mapping.markers import parse_marker
from wixqb_nb.models.wix import Order, OrderTransactions
from wixqb_nb.sandbox import SandboxServer
from wixqb_nb.sync.fetch import fetch_changes
from wixqb_nb.sync.ledger import Ledger
from wixqb_nb.sync.triage import list_errors

NOW = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
EXAMPLE_CONFIG = Path(__file__).parents[2] / "examples" / "config.example.toml"
EVIL_TEXT = "Caf\u00e9 \u202eevil\u202c \u05e9\u05dc\u05d5\u05dd \x00\x07\x1b[31m\u200f\ufeff=1+1"


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Company]:
    with SandboxServer(profile="ca-qc", orders=60, seed=7, limits=False) as sb:
        yield demo_company(sb, tmp_path_factory.mktemp("company"))


# --- against the sandbox: good and bad orders in one store, one sync ------------------------------


def _text_attack(order: dict[str, Any], record: dict[str, Any]) -> None:
    for line in order["lineItems"]:
        line["productName"] = {"original": EVIL_TEXT, "translated": EVIL_TEXT}
    contact = (order.get("billingInfo") or {}).get("contactDetails") or {}
    contact["firstName"], contact["lastName"] = "\u202e\u0623\u062d\u0645\u062f\x00", '=HYPERLINK("x")\r\n'


def test_bad_orders_fail_alone_with_their_field_and_every_good_order_posts(
    sync_env: Callable[..., Any],
) -> None:
    env = sync_env(orders=40, seed=7)
    store = env.sb.state.wix.store
    base = clean_paid(list(store.orders.values()), dict(store.transactions))
    number = 90_000
    # Fetched (sorted by updatedDate) after the store's own orders, so a customer or item both share is
    # created by the good order: see test_a_good_order_never_waits_on_a_write_of_a_failed_order.
    later = (dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    bad: dict[str, tuple[str, str]] = {}  # order id -> (break, field)
    orders, records = [], []
    for k, (name, (breaks, field)) in enumerate(sorted(BREAKS.items())):
        o, r = fresh_copy(*base[k % len(base)], number + k, later)
        breaks(o, r)
        bad[o["id"]] = (name, field)
        orders.append(o)
        records.append(r)
    big, big_record = fresh_copy(*next(p for p in base if one_line(p[0])), number + 50, later)
    many_lines(big, big_record, 2000)
    evil, evil_record = fresh_copy(*base[-1], number + 51, later)
    _text_attack(evil, evil_record)
    env.sb.add_orders([*orders, big, evil], [*records, big_record, evil_record])

    result = env.run()

    assert result.exit_code == 1 and result.outcome == "partial", result.message
    with env.ledger() as ledger:
        states = {o.order_id: o.state for o in ledger.orders().values()}
        errors = list_errors(ledger)
    assert {oid for oid, s in states.items() if s == "error"} == set(bad)
    assert (states[big["id"]], states[evil["id"]]) == ("posted", "posted"), [
        e for e in result.errors if big["id"] in str(e) or big["number"] in str(e)
    ]
    by_order: dict[str, list[Any]] = {}
    for e in errors:
        by_order.setdefault(e.order_id, []).append(e)
    for oid, (name, field) in bad.items():
        assert oid in by_order, f"{name}: no error recorded"
        assert all(e.field == field and e.message for e in by_order[oid]), (name, by_order[oid])
    # the workbook's Errors sheet names the same orders and fields
    assert result.workbook is not None
    sheet = load_workbook(result.workbook, read_only=True)["Errors"]
    rows = [r for r in sheet.iter_rows(min_row=2, values_only=True) if any(r)]
    numbers = {str(o["number"]): field for o in orders for _, field in [bad[o["id"]]]}
    assert {(str(r[0]), r[1]) for r in rows} == set(numbers.items()), [
        r for r in rows if r[1].startswith("qbo")
    ]
    # QBO holds a document for every posted order and none for the broken ones, each exactly once
    marked = env.marked()
    assert max(marked.values()) == 1
    sold = {m[0] for m in marked if m[1] == "sale"}
    assert not sold & set(bad)
    assert {oid for oid, s in states.items() if s == "posted"} <= sold
    big_doc = next(
        d
        for docs in env.qbo_docs().values()
        for d in docs
        if getattr(parse_marker(d.get("PrivateNote")), "order_id", None) == big["id"]
        and getattr(parse_marker(d.get("PrivateNote")), "kind", None) == "sale"
    )
    assert Decimal(str(big_doc["TotalAmt"])) == Decimal(big["priceSummary"]["total"]["amount"])


def test_an_order_the_models_refuse_is_an_error_of_that_order_only(sync_env: Callable[..., Any]) -> None:
    env = sync_env(orders=20, seed=7)
    store = env.sb.state.wix.store
    base = clean_paid(list(store.orders.values()), dict(store.transactions))
    o, r = fresh_copy(*base[0], 91_000)
    o["priceSummary"]["total"]["amount"] = "abc"
    env.sb.add_orders([o], [r])
    result = env.run()
    assert result.exit_code == 1
    with env.ledger() as ledger:
        states = {row.order_id: row.state for row in ledger.orders().values()}
        errors = [e for e in list_errors(ledger) if e.order_id == o["id"]]
    assert states[o["id"]] == "error" and errors and "priceSummary.total" in errors[0].field
    assert sum(s == "posted" for s in states.values()) >= len(base) - 1


def test_an_order_in_a_foreign_currency_is_an_error_when_the_company_has_one_currency(
    company: Company,
) -> None:
    o, r = fresh_copy(*clean_paid(company.orders, company.transactions)[0], 92_000)
    o["currency"] = "USD"
    order, txs = Order.model_validate(o), OrderTransactions.model_validate(r)
    result = plan([order], {order.id: txs}, company.config, company.snapshot, now=NOW).orders[0]
    assert result.status == "error" and result.errors[0].field == "currency"
    assert "USD" in result.errors[0].message and "multicurrency" in (result.errors[0].hint or "")
    o["currency"] = company.snapshot.home_currency.lower()  # the home currency, however spelt: planned
    order = Order.model_validate(o)
    again = plan([order], {order.id: txs}, company.config, company.snapshot, now=NOW).orders[0]
    assert again.status == "planned", again.errors


def test_a_good_order_never_waits_on_a_write_of_a_failed_order(company: Company) -> None:
    good, record = clean_paid(company.orders, company.transactions)[0]
    bad, bad_record = fresh_copy(good, record, 94_000)  # same buyer, same products
    BREAKS["total_does_not_add_up"][0](bad, bad_record)
    orders = [Order.model_validate(bad), Order.model_validate(good)]
    txs = {
        o.id: OrderTransactions.model_validate(r) for o, r in zip(orders, (bad_record, record), strict=True)
    }
    the_plan = plan(orders, txs, company.config, company.snapshot, now=NOW)
    failed, ok = the_plan.orders
    assert failed.status == "error" and ok.status == "planned"
    own = {w.idempotency_key for w in ok.writes}
    assert [d for w in ok.writes for d in w.depends_on if d not in own] == []
    # the good order now owns the creates it needs; a third order of the same buyer still shares them
    third, third_record = fresh_copy(good, record, 94_001)
    orders.append(Order.model_validate(third))
    txs[third["id"]] = OrderTransactions.model_validate(third_record)
    again = plan(orders, txs, company.config, company.snapshot, now=NOW)
    assert [o.status for o in again.orders] == ["error", "planned", "planned"]
    creates = [w.source_id for w in again.writes if w.kind in ("customer", "item")]
    assert creates and len(creates) == len(set(creates))
    keys = {w.idempotency_key for w in again.writes}
    assert [d for w in again.writes for d in w.depends_on if d not in keys] == []


# --- pure: one leaf of a good order broken, with hypothesis ---------------------------------------

BAD_VALUES: list[Any] = [
    MISSING, None, "", "abc", "-1", "-0.01", "1e999999", "NaN", "Infinity", "0", 0, -5, 10**12, "9" * 40,
    [], {}, True, "UNKNOWN_ENUM_VALUE", EVIL_TEXT, "2025-13-45T99:99:99Z",
]  # fmt: skip


def _plan_one(company: Company, raw: dict[str, Any], record: dict[str, Any]) -> OrderPlan:
    order, txs = Order.model_validate(raw), OrderTransactions.model_validate(record)
    return plan([order], {order.id: txs}, company.config, company.snapshot, now=NOW).orders[0]


def _comparable(p: OrderPlan) -> list[tuple[str, str, str]]:
    return [(w.idempotency_key, money.dumps(w.payload), str(w.predicted_total)) for w in p.writes]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    picks=st.tuples(st.integers(0, 10**6), st.integers(0, 10**6), st.booleans(), st.integers(0, 10**6)),
    value=st.sampled_from(BAD_VALUES),
)
def test_one_broken_field_is_refused_or_planned_safely_and_never_touches_another_order(
    company: Company, picks: tuple[int, int, bool, int], value: Any
) -> None:
    pairs = clean_paid(company.orders, company.transactions)
    good, bad_base = pairs[picks[0] % len(pairs)], pairs[picks[1] % len(pairs)]
    raw, record = fresh_copy(*bad_base, 93_000)
    target = record if picks[2] and record.get("payments") else raw
    paths = sorted((p for p in leaves(target) if p and p[0] not in ("id", "orderId")), key=repr)
    path = paths[picks[3] % len(paths)]
    put(target, path, copy.deepcopy(value))
    try:
        order, txs = Order.model_validate(raw), OrderTransactions.model_validate(record)
    except ValidationError as exc:
        # refused: the error names where (the fetch must then turn it into that order's error)
        assert all(e["loc"] for e in exc.errors())
        return
    good_order, good_txs = Order.model_validate(good[0]), OrderTransactions.model_validate(good[1])
    alone = plan([good_order], {good_order.id: good_txs}, company.config, company.snapshot, now=NOW)
    # the good order first: a customer or item both need is then its own create (the other way round
    # is test_a_good_order_never_waits_on_a_write_of_a_failed_order)
    both = plan(
        [good_order, order],
        {order.id: txs, good_order.id: good_txs},
        company.config,
        company.snapshot,
        now=NOW,
    )
    assert _comparable(both.orders[0]) == _comparable(alone.orders[0])  # the good order is untouched
    mine = both.orders[1]
    known = {w.idempotency_key for o in both.orders for w in o.writes}
    assert [d for w in mine.writes for d in w.depends_on if d not in known] == []
    for e in mine.errors:
        assert e.field and e.message, (path, value, e)
    for w in mine.writes:
        money.loads(money.dumps(w.payload))  # sendable: no float, NaN or infinity anywhere
        if w.kind == "sale" and w.wix_total is not None and w.predicted_total is not None:
            gap = abs(w.wix_total - w.predicted_total)
            assert gap <= company.config.advanced.rounding_max, (path, value, gap)
            assert w.wix_total >= 0 and w.predicted_total.is_finite()


def test_an_order_returned_twice_by_the_search_is_fetched_and_planned_once(
    company: Company, tmp_path: Path
) -> None:
    pairs = clean_paid(company.orders, company.transactions)[:3]
    orders = [o for o, _ in pairs]
    pages = [orders[:2], [orders[0], orders[2]]]  # order 0 again on the second page (updated meanwhile)

    def wix(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/orders/search"):
            cursor = money.loads(request.content)["search"]["cursorPaging"].get("cursor")
            page = 1 if cursor else 0
            meta = {"cursors": {"next": "p2"} if page == 0 else {}, "hasNext": page == 0}
            return httpx.Response(200, content=money.dumps({"orders": pages[page], "metadata": meta}))
        records = [r for _, r in pairs]
        return httpx.Response(200, content=money.dumps({"orderTransactions": records}))

    with (
        WixClient(
            "site", "key", "https://wix.test", http=httpx.Client(transport=httpx.MockTransport(wix))
        ) as client,
        Ledger(tmp_path / "ledger.sqlite") as ledger,
    ):
        fetched = fetch_changes(client, ledger, since=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    ids = [o.id for o in fetched.orders]
    assert sorted(ids) == sorted(o["id"] for o in orders), ids
    the_plan = plan(fetched.orders, fetched.transactions, company.config, company.snapshot, now=NOW)
    keys = [w.idempotency_key for w in the_plan.writes]
    assert len(keys) == len(set(keys))


# --- configs with every field wrong ---------------------------------------------------------------

WRONG = [["not", ["a", "value"]]]  # no option of any type accepts a nested list


def _config_leaves() -> list[tuple[Any, ...]]:
    return [p for p in leaves(read_data(EXAMPLE_CONFIG)) if p]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(_config_leaves()), min_size=1, max_size=8, unique=True))
def test_every_wrong_option_is_reported_by_its_path(paths: list[tuple[Any, ...]]) -> None:
    data = read_data(EXAMPLE_CONFIG)
    for p in paths:
        put(data, p, copy.deepcopy(WRONG))
    config, problems = validate_data(data, today=dt.date(2025, 6, 1))
    assert config is None
    reported = [p.split(":")[0] for p in problems]
    for p in paths:
        dotted = ".".join(str(k) for k in p)
        # a list option reports the item (``orders.modules.0``), a table its own path
        assert any(r == dotted or r.startswith(dotted + ".") for r in reported), (dotted, problems)


def test_a_config_with_every_option_wrong_lists_them_all() -> None:
    data = read_data(EXAMPLE_CONFIG)
    paths = _config_leaves()
    for p in paths:
        put(data, p, copy.deepcopy(WRONG))
    config, problems = validate_data(data, today=dt.date(2025, 6, 1))
    assert config is None and len(problems) >= len({p[:2] for p in paths})
    assert all(": " in p for p in problems)


def test_random_garbage_configs_never_raise() -> None:
    rng = random.Random(9)
    junk: list[Any] = [None, 1, -1, "x", [], {}, True, "2025-02-30", "Europe/Nowhere", {"id": []}]
    for _ in range(300):
        data = read_data(EXAMPLE_CONFIG)
        for p in rng.sample(_config_leaves(), 5):
            put(data, p, copy.deepcopy(rng.choice(junk)))
        config, problems = validate_data(data, today=dt.date(2025, 6, 1))
        assert (config is None) == bool(problems)
