"""Reconciliation and workbook speed against bare pandas / openpyxl baselines.

- ``reconcile_vs_merge``: :func:`wixqb_nb.reconcile.compare` on 100,000 Wix orders (with tax
  rates and payments) against 100,000 QBO documents, divided by a bare
  ``pd.merge(how="outer")`` of the same two sales frames. Target <= 3.
- ``xlsx_vs_raw_dump``: :func:`wixqb_nb.reporting.write_xlsx` of a report whose Documents sheet has
  100,000 rows, divided by an unformatted openpyxl write-only dump of the same cells. Target <= 1.5.

Both sides of a ratio are timed in the same process, interleaved (baseline, candidate, candidate,
baseline, ...), and each is the best of its runs: the minimum is the least noisy estimate of a cost,
and interleaving keeps a burst of load from other processes from landing on one side only. The
ratio is of CPU time (``time.process_time``: both sides are single-threaded, so on an idle machine
it equals the wall time, and on a shared one it does not count the time other processes took);
the wall-clock ratio is printed too.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook

from wixqb_nb.reconcile import QboFrames, ReconSettings, WixFrames, compare
from wixqb_nb.reconcile import qbo_frames as qf
from wixqb_nb.reconcile import wix_frames as wf

N = 100_000


def _frame(data: dict[str, Any], columns: tuple[str, ...]) -> pd.DataFrame:
    """A frame typed exactly as :func:`~wixqb_nb.reconcile.wix_frames.frame` types normalised rows."""
    return wf.typed(pd.DataFrame({c: data[c] for c in columns}))


def build(n: int = N, seed: int = 1) -> tuple[WixFrames, QboFrames]:
    """``n`` paid orders booked as sales receipts; a few QBO documents differ."""
    rng = np.random.default_rng(seed)
    ids = np.array([f"{i:08x}-5a1e-4c3b-9d2f-{i:012x}" for i in range(n)], dtype=object)
    numbers = np.array([str(10000 + i) for i in range(n)], dtype=object)
    days = np.array([f"2024-03-{1 + i % 28:02d}" for i in range(n)], dtype=object)
    modules = np.where(rng.random(n) < 0.8, "stores", "bookings").astype(object)
    lines = rng.integers(500, 50_000, n)
    shipping = rng.integers(0, 2_000, n)
    gst = (lines + shipping) * 5 // 100
    qst = (lines + shipping) * 9975 // 100_000
    total = lines + shipping + gst + qst
    zeros = np.zeros(n, dtype=np.int64)
    empty = np.full(n, "", dtype=object)
    wix_sales = _frame({
        "order_id": ids, "number": numbers, "date": days, "module": modules, "status": "APPROVED",
        "payment_status": "PAID", "eligible": True, "expected_doc": "SalesReceipt", "customer": "Ann Lee",
        "method": "CreditCard", "total": total, "subtotal": lines, "discount": zeros, "shipping": shipping,
        "tax": gst + qst, "fees": zeros, "balance": zeros,
    }, wf.SALE_COLUMNS)  # fmt: skip
    wix_taxes = _frame({
        "order_id": np.concatenate([ids, ids]), "sale_idx": np.concatenate([np.arange(n), np.arange(n)]),
        "tax_key": np.repeat(np.array(["5", "9.975"], dtype=object), n),
        "tax_name": np.repeat(np.array(["GST", "QST"], dtype=object), n), "amount": np.concatenate([gst, qst]),
    }, wf.TAX_COLUMNS)  # fmt: skip
    wix_pay = _frame({"order_id": ids, "sale_idx": np.arange(n), "payment_id": ids, "date": days, "module": modules, "method": "CreditCard",
                      "amount": total}, wf.PAYMENT_COLUMNS)  # fmt: skip
    wix = WixFrames(wix_sales, wix_pay, wf.frame([], wf.REFUND_COLUMNS), wix_taxes)
    q_total = total.copy()
    q_total[rng.integers(0, n, 20)] += 1  # a few mismatches
    doc_idx = np.arange(n)
    qbo_sales = _frame({
        "doc_idx": doc_idx, "qbo_type": "SalesReceipt", "qbo_id": (doc_idx + 1000).astype(str).astype(object),
        "doc_number": np.array(["WX-" + x for x in numbers], dtype=object), "order_id": ids, "order_number": numbers,
        "date": days, "total": q_total, "lines": lines, "discount": zeros, "shipping": shipping, "rounding": zeros,
        "tax": gst + qst, "balance": zeros, "customer_id": "5", "item_ids": "21", "deposit_account": "40",
        "has_tax_lines": True,
    }, qf.SALE_COLUMNS)  # fmt: skip
    qbo_taxes = _frame({
        "doc_idx": np.concatenate([doc_idx, doc_idx]), "order_id": np.concatenate([ids, ids]),
        "tax_key": np.repeat(np.array(["5", "9.975"], dtype=object), n), "rate_id": "3",
        "amount": np.concatenate([gst, qst]),
    }, qf.TAX_COLUMNS)  # fmt: skip
    del empty
    qbo = QboFrames(
        qbo_sales,
        wf.frame([], qf.PAYMENT_COLUMNS),
        wf.frame([], qf.REFUND_COLUMNS),
        qbo_taxes,
    )
    return wix, qbo


@dataclass
class Timing:
    """Best wall-clock and CPU seconds of one side."""

    wall: float = float("inf")
    cpu: float = float("inf")


def interleaved(
    baseline: Callable[[], object], candidate: Callable[[], object], runs: int
) -> tuple[Timing, Timing]:
    """Best times of ``baseline`` and ``candidate``, run alternately (ABBA order) ``runs`` times each."""
    best = (Timing(), Timing())
    fns = (baseline, candidate)
    for i in range(runs):
        for side in (0, 1) if i % 2 == 0 else (1, 0):
            w0, c0 = time.perf_counter(), time.process_time()
            fns[side]()
            c1, w1 = time.process_time(), time.perf_counter()
            best[side].wall = min(best[side].wall, w1 - w0)
            best[side].cpu = min(best[side].cpu, c1 - c0)
    return best


def reconcile_ratio() -> float:
    wix, qbo = build()
    settings = ReconSettings(deposit_accounts={"creditcard": "40"})
    result = compare(wix, qbo, settings)
    assert len(result.errors) >= 1
    merge, recon = interleaved(
        lambda: pd.merge(wix.sales, qbo.sales, on="order_id", how="outer"),
        lambda: compare(wix, qbo, settings),
        9,
    )
    print(
        f"  bare merge {merge.cpu * 1000:.0f} ms CPU ({merge.wall * 1000:.0f} ms wall), reconcile "
        f"{recon.cpu * 1000:.0f} ms CPU ({recon.wall * 1000:.0f} ms wall; wall ratio {recon.wall / merge.wall:.2f}), "
        f"{len(result.errors)} flagged"
    )
    return recon.cpu / merge.cpu


def sample_report(n: int) -> Any:
    """A report whose Documents sheet has ``n`` rows (other sheets small)."""
    import datetime as dt
    from decimal import Decimal

    from wixqb_nb.reporting import data as rd

    run = rd.RunInfo("bench", dt.datetime(2024, 3, 31), "2024-03-01", "2024-03-31", "0" * 12, currency="CAD")
    rows = tuple(
        (f"2024-03-{1 + i % 28:02d}", "stores", str(10000 + i), f"Customer {i}", "SalesReceipt", f"WX-{10000 + i}",
         str(1000 + i), Decimal(i % 9000 + 100).scaleb(-2), Decimal(i % 9000 + 100).scaleb(-2), Decimal("0.00"), "ok")
        for i in range(n)
    )  # fmt: skip
    empty = {k: rd.Table(k, cols, ()) for k, cols in (("discrepancies", rd._DISCREPANCIES), ("errors", rd._ERRORS),
             ("daily", rd._DAILY), ("tax", rd._TAX), ("rounding", rd._ROUNDING))}  # fmt: skip
    tables = (rd.Table("documents", rd._DOCUMENTS, rows), *empty.values())
    return rd.ReportData("en", run, True, (("summary.run_id", "bench"),), tables, ())


def raw_dump(report: Any, path: Path) -> None:
    """The same cells through openpyxl write-only, without any formatting."""
    wb = Workbook(write_only=True)
    for table in report.tables:
        ws = wb.create_sheet(table.key)
        ws.append([c.key for c in table.columns])
        for row in table.rows:
            ws.append(row)
    wb.save(path)


def xlsx_ratio() -> float:
    from wixqb_nb.reporting.xlsx import write_xlsx

    report = sample_report(N)
    with tempfile.TemporaryDirectory() as tmp:
        raw, fmt = interleaved(
            lambda: raw_dump(report, Path(tmp) / "raw.xlsx"),
            lambda: write_xlsx(report, Path(tmp) / "report.xlsx"),
            4,
        )
    print(
        f"  raw dump {raw.cpu:.2f} s CPU ({raw.wall:.2f} s wall), formatted workbook {fmt.cpu:.2f} s CPU "
        f"({fmt.wall:.2f} s wall; wall ratio {fmt.wall / raw.wall:.2f})"
    )
    return fmt.cpu / raw.cpu


def main(argv: list[str]) -> int:
    figures = [("reconcile_vs_merge", reconcile_ratio(), 3.0)]
    if "--no-xlsx" not in argv:
        figures.append(("xlsx_vs_raw_dump", xlsx_ratio(), 1.5))
    failed = False
    for name, ratio, target in figures:
        ok = ratio <= target
        failed |= not ok
        print(f"{name}: {ratio:.2f} (target <= {target:g}) {'PASS' if ok else 'FAIL'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
