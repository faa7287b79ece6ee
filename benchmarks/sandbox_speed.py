"""How fast the sandbox is, so it never bounds a client benchmark.

Two figures (the last lines of the output):

- ``sandbox_creates_per_s``: single QBO creates (SalesReceipt) per second, faults and limits off,
  sent by a plain httpx client from a few threads (target >= 300 on 2 cores);
- ``store_load_100k_s``: seconds to load a 100,000-order store file into a sandbox state and answer
  the first search page (target <= 10).
"""

from __future__ import annotations

import copy
import os
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from wixqb_nb import money
from wixqb_nb.sandbox import SandboxServer
from wixqb_nb.sandbox.state import Options, SandboxState, doc_store, generate_store
from wixqb_nb.sandbox.wix.app import search_orders

CREATES = int(os.environ.get("SANDBOX_BENCH_CREATES", "1500"))
THREADS = 4
STORE_ORDERS = 100_000


def big_store(n: int) -> dict[str, Any]:
    """The demo generator's store, or Wix's examples cloned to ``n`` orders when it is absent."""
    generated = generate_store(n, 1, "ca-qc")
    if generated is not None:
        return generated
    base = [o for o in doc_store()["orders"] if o.get("status") != "INITIALIZED"]
    start = datetime(2023, 1, 1, tzinfo=UTC)
    orders = []
    for i in range(n):
        o = copy.deepcopy(base[i % len(base)])
        o["id"] = str(uuid.UUID(int=i + 1))
        o["number"] = str(100000 + i)
        stamp = (start + timedelta(minutes=5 * i)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        o["createdDate"] = o["updatedDate"] = stamp
        orders.append(o)
    return {"orders": orders, "transactions": [], "products": []}


def store_load_seconds() -> float:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "store.json"
        path.write_text(money.dumps(big_store(STORE_ORDERS)))
        size_mb = path.stat().st_size / 1e6
        t0 = time.perf_counter()
        state = SandboxState.create(Options(store_path=str(path), limits=False))
        search_orders(state.wix, {"search": {"cursorPaging": {"limit": 100}}})
        elapsed = time.perf_counter() - t0
    print(
        f"loaded {len(state.wix.store.orders)} orders ({size_mb:.0f} MB) in {elapsed:.2f} s", file=sys.stderr
    )
    return elapsed


def _receipt(i: int, seed: dict[str, Any]) -> dict[str, Any]:
    return {
        "CustomerRef": {"value": seed["customer"]},
        "Line": [
            {
                "DetailType": "SalesItemLineDetail",
                "Amount": money.parse_amount("10.00"),
                "SalesItemLineDetail": {
                    "ItemRef": {"value": seed["item"]},
                    "Qty": 1,
                    "UnitPrice": money.parse_amount("10.00"),
                    "TaxCodeRef": {"value": seed["tax_code"]},
                },
            }
        ],
        "PrivateNote": f"bench {i}",
    }


def creates_per_second() -> float:
    with SandboxServer(limits=False) as sb:
        creds = sb.credentials
        company = sb.dump_qbo()
        refs = {
            "customer": company["Customer"][0]["Id"],
            "item": next(i["Id"] for i in company["Item"] if i.get("Type") != "Category"),
            "tax_code": next(c["Id"] for c in company["TaxCode"] if c.get("Active", True)),
        }
        url = f"{sb.qbo_base_url}/v3/company/{creds.realm_id}/salesreceipt?minorversion=75"
        headers = {
            "Authorization": f"Bearer {creds.access_token}",
            "Content-Type": "application/json",
            "Accept": "application/json",
        }
        failures: list[str] = []
        per_thread = CREATES // THREADS

        def worker(k: int) -> None:
            with httpx.Client(headers=headers, timeout=30) as client:
                for i in range(per_thread):
                    r = client.post(url, content=money.dumps(_receipt(k * per_thread + i, refs)))
                    if r.status_code != 200:
                        failures.append(r.text[:300])
                        return

        # warm up (connection set-up, first-use code paths), then measure
        worker(THREADS)
        threads = [threading.Thread(target=worker, args=(k,)) for k in range(THREADS)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - t0
        if failures:
            raise SystemExit(f"creates failed: {failures[0]}")
    return per_thread * THREADS / elapsed


def main() -> int:
    rate = creates_per_second()
    load = store_load_seconds()
    print(f"sandbox_creates_per_s: {rate:.0f} (target >= 300) {'PASS' if rate >= 300 else 'FAIL'}")
    print(f"store_load_100k_s: {load:.2f} (target <= 10) {'PASS' if load <= 10 else 'FAIL'}")
    return 0 if rate >= 300 and load <= 10 else 1


if __name__ == "__main__":
    sys.exit(main())
