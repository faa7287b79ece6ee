"""QboClient against the sandbox over real HTTP: CRUD, faults by code, query paging, batch, CDC."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import pytest

from wixqb_nb import errors
from wixqb_nb.clients import BatchItem, qbo_query


def unique(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:8]}"


def key(label: str) -> str:
    return f"test:{label}:{uuid.uuid4().hex}"


@pytest.fixture
def qbo(kit: Any) -> Any:
    return kit.client()


def _refs(qbo: Any) -> dict[str, str]:
    """An active item and a sales tax code usable on a line, whatever the company's country."""
    country = qbo.company_info().get("Country")
    item = next(
        i for i in qbo.query_iter("SELECT * FROM Item") if i.get("Type") in {"Service", "NonInventory"}
    )
    if country == "US":
        code = "NON"
    else:
        code = next(
            t["Id"]
            for t in qbo.query_iter("SELECT * FROM TaxCode")
            if t.get("Active", True) and t.get("SalesTaxRateList")
        )
    return {"item": item["Id"], "tax": code}


def _receipt(qbo: Any, customer_id: str, **extra: Any) -> dict[str, Any]:
    refs = _refs(qbo)
    line = {
        "DetailType": "SalesItemLineDetail",
        "Amount": Decimal("10.00"),
        "SalesItemLineDetail": {
            "ItemRef": {"value": refs["item"]},
            "Qty": 1,
            "UnitPrice": Decimal("10.00"),
            "TaxCodeRef": {"value": refs["tax"]},
        },
    }
    return {"CustomerRef": {"value": customer_id}, "Line": [line], **extra}


def test_company_info_and_preferences(qbo: Any) -> None:
    info = qbo.company_info()
    assert info["Country"] in {"CA", "US"}
    prefs = qbo.preferences()
    assert "SalesFormsPrefs" in prefs


def test_create_read_sparse_update_stale_token(qbo: Any) -> None:
    name = unique("Jane O'Brien")
    created = qbo.create("Customer", {"DisplayName": name}, key("c"))
    assert created["DisplayName"] == name
    read = qbo.read("Customer", created["Id"])
    assert read["SyncToken"] == created["SyncToken"]
    updated = qbo.update(
        "Customer", {"Id": read["Id"], "SyncToken": read["SyncToken"], "Notes": "vip"}, key("u")
    )
    assert updated["Notes"] == "vip" and updated["DisplayName"] == name
    assert updated["SyncToken"] != read["SyncToken"]
    with pytest.raises(errors.StaleObjectError) as info:
        qbo.update("Customer", {"Id": read["Id"], "SyncToken": read["SyncToken"], "Notes": "x"}, key("u2"))
    assert info.value.codes == ["5010"]


def test_duplicate_name_and_same_key_replays_instead(qbo: Any) -> None:
    name = unique("Dup")
    k = key("dup")
    first = qbo.create("Customer", {"DisplayName": name}, k)
    again = qbo.create("Customer", {"DisplayName": name}, k)  # same idempotency key: QBO replays
    assert again["Id"] == first["Id"]
    with pytest.raises(errors.DuplicateNameError) as info:
        qbo.create("Customer", {"DisplayName": name}, key("dup2"))
    assert info.value.codes == ["6240"] and info.value.status_code == 400
    assert len(qbo.select_where("Customer", DisplayName=name)) == 1


def test_fault_codes_from_business_rules(qbo: Any) -> None:
    cust = qbo.create("Customer", {"DisplayName": unique("Buyer")}, key("b"))
    number = uuid.uuid4().hex[:12]
    qbo.create("SalesReceipt", _receipt(qbo, cust["Id"], DocNumber=number), key("r1"))
    if qbo.preferences().get("SalesFormsPrefs", {}).get("CustomTxnNumbers"):
        with pytest.raises(errors.DuplicateDocNumberError) as dup:
            qbo.create("SalesReceipt", _receipt(qbo, cust["Id"], DocNumber=number), key("r2"))
        assert "6140" in dup.value.codes
    bad = _receipt(qbo, cust["Id"])
    bad["Line"][0]["SalesItemLineDetail"]["ItemRef"] = {"value": "987654321"}
    with pytest.raises(errors.InvalidReferenceError) as ref:
        qbo.create("SalesReceipt", bad, key("r3"))
    assert ref.value.errors[0].code == "2500"
    close = (qbo.preferences().get("AccountingInfoPrefs") or {}).get("BookCloseDate")
    if close:
        with pytest.raises(errors.ClosedPeriodError):
            qbo.create("SalesReceipt", _receipt(qbo, cust["Id"], TxnDate=close), key("r4"))
    with pytest.raises((errors.ObjectNotFoundError, errors.NotFoundError)):
        qbo.read("SalesReceipt", "987654321")


def test_void_and_delete(qbo: Any) -> None:
    cust = qbo.create("Customer", {"DisplayName": unique("Voider")}, key("v"))
    r = qbo.create("SalesReceipt", _receipt(qbo, cust["Id"]), key("v1"))
    voided = qbo.void("SalesReceipt", r["Id"], r["SyncToken"], key("v2"))
    assert Decimal(voided.get("TotalAmt", 0)) == 0
    r2 = qbo.create("SalesReceipt", _receipt(qbo, cust["Id"]), key("d1"))
    qbo.delete("SalesReceipt", r2["Id"], r2["SyncToken"], key("d2"))
    with pytest.raises((errors.ObjectNotFoundError, errors.NotFoundError)):
        qbo.read("SalesReceipt", r2["Id"])


def test_query_iter_follows_startposition_to_the_end(kit: Any, qbo: Any) -> None:
    tag = uuid.uuid4().hex[:6]
    names = [f"Pager {tag} {n:02d}" for n in range(23)]
    for n in names:
        qbo.create("Customer", {"DisplayName": n}, key(n))
    sql = qbo_query.select("Customer", [qbo_query.condition("DisplayName", "LIKE", f"Pager {tag}%")])
    kit.recorder.requests.clear()
    ticks: list[int] = []
    rows = list(qbo.query_iter(sql, page_size=10, on_progress=ticks.append))
    assert sorted(r["DisplayName"] for r in rows) == names
    assert sum(ticks) == 23
    queries = [r.content.decode() for r in kit.recorder.requests if r.url.path.endswith("/query")]
    assert [q.split("STARTPOSITION")[1].strip() for q in queries] == [
        "1 MAXRESULTS 10",
        "11 MAXRESULTS 10",
        "21 MAXRESULTS 10",
    ]
    assert qbo.count("Customer", qbo_query.condition("DisplayName", "LIKE", f"Pager {tag}%")) == 23


def test_select_where_finds_quotes_backslashes_and_unicode(qbo: Any) -> None:
    name = unique("Zoë O'Brien-\\ 東京")
    qbo.create("Customer", {"DisplayName": name}, key("u"))
    found = qbo.select_where("Customer", DisplayName=name)
    assert [c["DisplayName"] for c in found] == [name]
    assert qbo.select_where("Customer", DisplayName=name + "' OR DisplayName LIKE '%") == []


def test_batch_items_succeed_or_fail_alone_and_big_lists_split(kit: Any, qbo: Any) -> None:
    taken = unique("Taken")
    qbo.create("Customer", {"DisplayName": taken}, key("t"))
    items = [
        BatchItem("create", "Customer", {"DisplayName": unique(f"B{n}")}, key(f"b{n}")) for n in range(34)
    ]
    items.insert(5, BatchItem("create", "Customer", {"DisplayName": taken}, key("dup")))
    items.append(
        BatchItem("query", "Customer", qbo_query.select_where("Customer", DisplayName=taken), key("q"))
    )
    kit.recorder.requests.clear()
    results = qbo.batch(items)
    assert [r.key for r in results] == [i.key for i in items]
    assert [r.ok for r in results].count(False) == 1
    failed = results[5]
    assert isinstance(failed.error, errors.DuplicateNameError) and [f.code for f in failed.faults] == ["6240"]
    assert results[0].data is not None and results[0].data["DisplayName"] == items[0].payload["DisplayName"]
    assert results[-1].data is not None and results[-1].data["Customer"][0]["DisplayName"] == taken
    posts = [r for r in kit.recorder.requests if r.url.path.endswith("/batch")]
    assert len(posts) == 2
    assert all(len(r.url.params["requestid"]) == 32 for r in posts)
    assert all(b'"bId": "' in r.content for r in posts)


def test_more_than_30_items_in_one_request_is_batch_limit_error(qbo: Any) -> None:
    body = {"BatchItemRequest": [{"bId": str(n), "Query": "SELECT * FROM Customer"} for n in range(31)]}
    with pytest.raises(errors.BatchLimitError) as info:
        qbo.call("POST", "batch", body=body, request_id="x" * 32)
    assert "1040" in info.value.codes


def test_cdc_returns_changes_since(qbo: Any) -> None:
    since = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    c = qbo.create("Customer", {"DisplayName": unique("Cdc")}, key("cdc"))
    changes = qbo.cdc(["Customer"], since)
    assert c["Id"] in {x["Id"] for x in changes["Customer"]}


def test_a_batch_of_queries_only_sends_no_requestid_and_reads_fresh_data(kit: Any, qbo: Any) -> None:
    tag = unique("Fresh")
    query = BatchItem(
        "query", "Customer", qbo_query.select_where("Customer", DisplayName=tag), key("fresh-q")
    )
    kit.recorder.requests.clear()
    assert qbo.batch([query])[0].data == {}
    qbo.create("Customer", {"DisplayName": tag}, key("fresh-c"))
    again = qbo.batch([query])[0].data
    assert again is not None and [c["DisplayName"] for c in again["Customer"]] == [tag]
    posts = [r for r in kit.recorder.requests if r.url.path.endswith("/batch")]
    assert len(posts) == 2 and all("requestid" not in r.url.params for r in posts)
