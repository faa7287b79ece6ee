"""Push throughput: 3,000 sales receipts with their customers against the sandbox at QBO's real limits.

The sandbox runs QBO's throttles (500 requests/minute, 10 in flight, 40 batches/minute per realm)
time-scaled, so a "minute" lasts ``60 / time_scale`` seconds. Two pushes of the same documents:

* ``QboClient.batch_create_many``: customers, then receipts, each request slot a 30-item batch while
  the window's batch budget lasts and a single create otherwise;
* one request per document in sequence (customer, then its receipt), the way a typical client
  library does it, with the same client-side limiter so it is not slowed further by 429s.

The ceiling: in one window the limits allow 40 batches of 30 plus 460 single requests, i.e. 1,660
documents, and the first window's budget is available at once; so N documents need at least
``(ceil(N / 1660) - 1)`` windows. ``push_vs_ceiling`` is that minimum over the measured time.

Run: ``.venv/bin/python benchmarks/push_throughput.py [--receipts 3000] [--time-scale 10]``.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
import uuid
from decimal import Decimal
from typing import Any

from wixqb_nb.clients import Limits, QboClient, TokenSet, TokenStore
from wixqb_nb.clients.qbo_batch import BatchResult


def ceiling_seconds(docs: int, limits: Limits) -> float:
    """Least time QBO's limits allow for ``docs`` single-document creates (batches of 30 + singles)."""
    per_window = limits.batches_per_window * 30 + (limits.requests_per_window - limits.batches_per_window)
    return max(0, math.ceil(docs / per_window) - 1) * limits.window_s


def sequential_ceiling_seconds(docs: int, limits: Limits) -> float:
    """Least time for ``docs`` requests of one document each."""
    return max(0, math.ceil(docs / limits.requests_per_window) - 1) * limits.window_s


def line_refs(qbo: QboClient) -> tuple[str, str]:
    """An item and a tax code every receipt line can use."""
    item = next(
        i for i in qbo.query_iter("SELECT * FROM Item") if i.get("Type") in {"Service", "NonInventory"}
    )
    if qbo.company_info().get("Country") == "US":
        return item["Id"], "NON"
    code = next(t for t in qbo.query_iter("SELECT * FROM TaxCode") if t.get("SalesTaxRateList"))
    return item["Id"], code["Id"]


def receipt(customer_id: str, n: int, tag: str, refs: tuple[str, str]) -> dict[str, Any]:
    amount = Decimal(10 + n % 90) + Decimal("0.99")
    detail = {"ItemRef": {"value": refs[0]}, "Qty": 1, "UnitPrice": amount, "TaxCodeRef": {"value": refs[1]}}
    return {
        "DocNumber": f"B{tag}-{n}",
        "CustomerRef": {"value": customer_id},
        "PrivateNote": f"[wixqb:bench-{tag}-{n}:sale:bench-{tag}-{n}]",
        "Line": [{"DetailType": "SalesItemLineDetail", "Amount": amount, "SalesItemLineDetail": detail}],
    }


def push_batched(qbo: QboClient, n: int, tag: str, refs: tuple[str, str]) -> tuple[float, int]:
    start = time.perf_counter()
    customers = [("Customer", {"DisplayName": f"Bench {tag} {i:05d}"}, f"bench:{tag}:c{i}") for i in range(n)]
    made = qbo.batch_create_many(customers)
    ids = [r.data["Id"] if r.ok and r.data else "" for r in made]
    sales = [("SalesReceipt", receipt(ids[i], i, tag, refs), f"bench:{tag}:s{i}") for i in range(n) if ids[i]]
    sold: list[BatchResult] = qbo.batch_create_many(sales)
    failed = sum(not r.ok for r in made) + sum(not r.ok for r in sold)
    return time.perf_counter() - start, failed


def push_sequential(qbo: QboClient, n: int, tag: str, refs: tuple[str, str]) -> tuple[float, int]:
    start = time.perf_counter()
    failed = 0
    for i in range(n):
        try:
            c = qbo.create("Customer", {"DisplayName": f"Seq {tag} {i:05d}"}, f"seq:{tag}:c{i}")
            qbo.create("SalesReceipt", receipt(c["Id"], i, "S" + tag, refs), f"seq:{tag}:s{i}")
        except Exception:  # noqa: BLE001 (count and go on, as the batched push does)
            failed += 1
    return time.perf_counter() - start, failed


def main(argv: list[str] | None = None) -> int:
    from wixqb_nb.sandbox import SandboxServer

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--receipts", type=int, default=3000)
    ap.add_argument("--time-scale", type=float, default=10.0)
    ap.add_argument("--skip-sequential", action="store_true")
    args = ap.parse_args(argv)
    n, scale = args.receipts, args.time_scale
    limits = Limits.scaled(scale)
    with SandboxServer(time_scale=scale, limits=True) as sb:
        c = sb.credentials
        initial = TokenSet(c.access_token, c.refresh_token, time.time() + 3600 / scale, realm_id=c.realm_id)
        with (
            TokenStore(
                None,
                client_id=c.client_id,
                client_secret=c.client_secret,
                token_url=sb.token_url,
                initial=initial,
            ) as tokens,
            QboClient(c.realm_id, sb.qbo_base_url, tokens, limits=limits) as qbo,
        ):
            refs = line_refs(qbo)
            time.sleep(limits.effective_window_s)  # start on an empty window
            tag = uuid.uuid4().hex[:5]
            batched_s, batched_failed = push_batched(qbo, n, tag, refs)
            docs = 2 * n
            ideal = ceiling_seconds(docs, limits)
            if ideal == 0:
                print("the push fits in one limit window: use more receipts to compare with the ceiling")
            ratio = ideal / batched_s
            print(
                f"batched push: {docs} documents in {batched_s:.2f} s ({batched_s * scale / 60:.2f} QBO minutes), "
                f"{batched_failed} failed, {qbo.core.retries_total} retries; ceiling {ideal:.2f} s"
            )
            seq_s = None
            if not args.skip_sequential:
                time.sleep(limits.effective_window_s)
                seq_s, seq_failed = push_sequential(qbo, n, tag, refs)
                print(
                    f"sequential push: {docs} documents in {seq_s:.2f} s ({seq_s * scale / 60:.2f} QBO minutes), "
                    f"{seq_failed} failed; vs ceiling {ideal / seq_s:.2f} (its own ceiling "
                    f"{sequential_ceiling_seconds(docs, limits):.2f} s)"
                )
    ok = ratio >= 0.90 and batched_failed == 0
    print(f"push_vs_ceiling: {ratio:.2f} (target >= 0.90) {'PASS' if ok else 'FAIL'}")
    if seq_s is not None:
        speedup = seq_s / batched_s
        print(f"push_vs_sequential: {speedup:.2f} (target >= 2.00) {'PASS' if speedup >= 2 else 'FAIL'}")
        ok = ok and speedup >= 2
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
