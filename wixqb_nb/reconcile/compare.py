"""The comparison core: normalised Wix frames against normalised QBO frames -> :class:`ReconResult`.

Vectorised on integer cents. Sales are matched to documents once by row number
(:class:`~wixqb_nb.reconcile.keys.SalesMatch`: the outer join on the order id after duplicates are
set aside); every rule is then a NumPy expression over the matched pairs, and the Python objects of
the result are built only for the rows that were flagged. Payments and refunds, keyed by Wix's
transaction ids, use an outer merge with ``indicator=True`` and ``validate="one_to_one"``. Inputs
are never modified: every step derives new arrays and frames.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from wixqb_nb import money
from wixqb_nb.reconcile import compare_tx, tieout
from wixqb_nb.reconcile.keys import Mask, Rows, SalesMatch, Table, take
from wixqb_nb.reconcile.qbo_frames import QboFrames
from wixqb_nb.reconcile.result import Category, ReconResult
from wixqb_nb.reconcile.rows import Out, each
from wixqb_nb.reconcile.settings import INVOICE, Expectation, ReconSettings
from wixqb_nb.reconcile.taxes import TaxGrid
from wixqb_nb.reconcile.wix_frames import TOTAL_TAX_KEY, WixFrames

C = Category
_COMPONENTS = ("lines", "discount", "shipping", "rounding")


def compare(
    wix: WixFrames,
    qbo: QboFrames,
    settings: ReconSettings,
    expectations: Iterable[Expectation] = (),
    *,
    period: tuple[str, str] = ("", ""),
    currency: str = "",
) -> ReconResult:
    """Compare the two sides; see :func:`wixqb_nb.reconcile.reconcile` for the categories."""
    out = Out(settings.language, currency)
    expectations = tuple(expectations)
    sm = SalesMatch(wix.sales, _resolve_order_ids(qbo.sales, wix.sales))
    # A duplicate names its Wix order's number even when its DocNumber was cleared or changed.
    extra_numbers = take(sm.w("number"), sm.q_pos[sm.extras], "")
    for r, number in zip(each(sm.qbo_rows(sm.extras)), extra_numbers, strict=True):
        out.add(C.DUPLICATE, kind="sale", order_id=r.order_id, number=number or r.order_number, qbo_type=r.qbo_type,
                qbo_id=r.qbo_id, doc_number=r.doc_number, qbo=r.total, extra="order")  # fmt: skip
    unmatched = np.flatnonzero(sm.q_of_w < 0)
    _missing_and_extra(out, sm, unmatched[sm.eligible[unmatched]])
    expected = {e.order_id: e for e in expectations if e.rounding is not None}
    absorbed_ids = _totals(out, sm, settings, expected)
    absorbed_w = np.zeros(len(sm.ws), dtype=bool)
    absorbed_w[sm.index.get_indexer(pd.Index(sorted(absorbed_ids), dtype=object))] = True
    absorbed = absorbed_w[sm.bw]
    grid = TaxGrid(wix.taxes, qbo.taxes, sm)
    _taxes(out, grid.differences(absorbed))
    _mapping(out, sm, settings, expectations)
    involved = compare_tx.payments(out, wix.payments, qbo.payments, sm, settings)
    _payment_status(out, sm, involved)
    compare_tx.refunds(out, wix.refunds, qbo.refunds, sm)
    invoiced = np.zeros(len(sm.ws), dtype=bool)
    invoiced[sm.bw[sm.is_invoice[sm.bq]]] = True
    invoiced[unmatched[sm.eligible[unmatched] & (sm.w("expected_doc")[unmatched] == INVOICE)]] = True
    daily = tieout.daily(sm, wix.payments, wix.refunds, qbo.payments, qbo.refunds, invoiced)
    counts = (
        ("wix_orders", len(sm.ws)),
        ("wix_orders_synced", int(sm.eligible.sum())),
        ("qbo_sales_documents", len(sm.qs)),
        ("matched", len(sm.bw)),
        ("wix_payments", len(wix.payments)),
        ("qbo_payments", len(qbo.payments)),
        ("wix_refunds", len(wix.refunds)),
        ("qbo_refunds", len(qbo.refunds)),
    )
    return ReconResult(
        period_start=period[0],
        period_end=period[1],
        currency=currency,
        discrepancies=out.result(),
        daily_tieouts=daily,
        tax_tieouts=grid.tieouts(absorbed),
        counts=counts,
        _documents=_documents(sm, absorbed_w),
    )


def _resolve_order_ids(qs: pd.DataFrame, ws: pd.DataFrame) -> pd.DataFrame:
    """Give documents found only by DocNumber the id of the Wix order with that number."""
    need = qs["order_id"].to_numpy(dtype=object) == ""
    if not need.any():
        return qs
    need &= qs["order_number"].to_numpy(dtype=object) != ""
    if not need.any():
        return qs
    numbers = ws.drop_duplicates("number", keep=False).set_index("number")["order_id"]
    found = qs.loc[need, "order_number"].map(numbers)
    ids = qs["order_id"].copy()
    ids[need] = found.where(found.notna(), "")
    return qs.assign(order_id=ids)


def _missing_and_extra(out: Out, sm: SalesMatch, missing_rows: Rows) -> None:
    """Orders with no document; documents of unknown, orphan or not-synced orders."""
    missing = sm.wix_rows(missing_rows, suffix=True) if len(missing_rows) else None
    right = sm.qbo_rows(sm.unknown, suffix=True) if len(sm.unknown) else None
    orphans = sm.qbo_rows(sm.orphans) if len(sm.orphans) else None
    unexpected = sm.pairs(sm.uw, sm.uq) if len(sm.uw) else None
    for r in each(missing):
        out.add(C.MISSING_IN_QBO, kind="sale", order_id=r.order_id, number=r.number, wix=r.total_w)
    for r in each(right):
        out.add(C.IN_QBO_NOT_WIX, kind="sale", order_id=r.order_id, number=r.order_number, qbo_type=r.qbo_type,
                qbo_id=r.qbo_id, doc_number=r.doc_number, qbo=r.total_q,
                extra=out.text(" Its marker names order id {0}.", " Son marqueur désigne la commande {0}.",
                               r.order_id))  # fmt: skip
    for r in each(orphans):
        out.add(C.IN_QBO_NOT_WIX, kind="sale", number=r.order_number, qbo_type=r.qbo_type, qbo_id=r.qbo_id,
                doc_number=r.doc_number, qbo=r.total,
                extra=out.text(" No Wix order has number {0}.", " Aucune commande Wix ne porte le numéro {0}.",
                               r.order_number))  # fmt: skip
    for r in each(unexpected):
        out.add(C.IN_QBO_NOT_WIX, kind="sale", order_id=r.order_id, number=r.number, qbo_type=r.qbo_type,
                qbo_id=r.qbo_id, doc_number=r.doc_number, wix=r.total_w, qbo=r.total_q,
                extra=out.text(" The Wix order is {0} / {1}, which the current settings do not sync.",
                               " La commande Wix est {0} / {1}, que les réglages actuels ne synchronisent pas.",
                               r.status, r.payment_status))  # fmt: skip


def _totals(out: Out, sm: SalesMatch, settings: ReconSettings, expected: dict[str, Expectation]) -> set[str]:
    """Split total differences into components; report rounding the rounding item absorbed.

    Components are defined so that they add up to the total difference: shipping, discount
    (lines of QBO's discount item against Wix's order-level discount), rounding (the rounding
    item, zero on the Wix side), tax (reported per rate by :func:`_taxes`) and lines, the rest.
    Returns the orders whose only difference is absorbed rounding. Only the orders whose total
    differs or that carry a rounding line are looked at row by row.
    """
    tw, tq, rnd = sm.w("total")[sm.bw], sm.q("total")[sm.bq], sm.q("rounding")[sm.bq]
    absorbed: set[str] = set()
    limit = money.to_cents(money.quantize(settings.rounding_max))
    ab = (tq == tw) & (rnd != 0)
    for r in each(sm.pairs(sm.bw[ab], sm.bq[ab]) if ab.any() else None):
        if abs(r.rounding) > limit:
            out.add(C.TOTAL_MISMATCH, kind="sale", order_id=r.order_id, number=r.number, qbo_type=r.qbo_type,
                    qbo_id=r.qbo_id, doc_number=r.doc_number, component="rounding", wix=0, qbo=r.rounding)  # fmt: skip
            continue
        absorbed.add(r.order_id)
        extra = out.text(" QuickBooks computed tax {1}, Wix {0}.", " Taxe calculée par QuickBooks {1}, Wix {0}.",
                         out.amount(r.tax_w), out.amount(r.tax_q)) if r.tax_q != r.tax_w else ""  # fmt: skip
        exp = expected.get(r.order_id)
        if exp is not None and exp.rounding is not None and money.to_cents(exp.rounding) != r.rounding:
            extra += out.text(" The plan predicted {0}.", " Le plan prévoyait {0}.", str(exp.rounding))
        out.add(C.ROUNDING_ABSORBED, kind="sale", order_id=r.order_id, number=r.number, qbo_type=r.qbo_type,
                qbo_id=r.qbo_id, doc_number=r.doc_number, component="rounding", wix=r.total_w, qbo=r.total_q,
                diff=r.rounding, extra=extra, severity="info")  # fmt: skip
    hit = tq != tw
    if not hit.any():
        return absorbed
    bw, bq = sm.bw[hit], sm.bq[hit]
    bad = sm.pairs(bw, bq)
    w_ = {col: sm.w(col)[bw] for col in ("total", "shipping", "tax", "discount")}
    q_ = {col: sm.q(col)[bq] for col in ("total", "shipping", "tax", "discount", "rounding")}
    w_lines = w_["total"] - w_["shipping"] - w_["tax"] + w_["discount"]
    q_lines = q_["total"] - q_["shipping"] - q_["tax"] + q_["discount"] - q_["rounding"]
    parts = {
        "lines": (w_lines, q_lines),
        "discount": (w_["discount"], q_["discount"]),
        "shipping": (w_["shipping"], q_["shipping"]),
        "rounding": (q_["rounding"] * 0, q_["rounding"]),
    }
    for i, r in enumerate(each(bad)):
        flagged = False
        for comp in _COMPONENTS:
            w, q = int(parts[comp][0][i]), int(parts[comp][1][i])
            if w != q:
                flagged = True
                out.add(C.TOTAL_MISMATCH, kind="sale", order_id=r.order_id, number=r.number, qbo_type=r.qbo_type,
                        qbo_id=r.qbo_id, doc_number=r.doc_number, component=comp, wix=w, qbo=q)  # fmt: skip
        if not flagged and r.tax_w == r.tax_q:
            out.add(C.TOTAL_MISMATCH, kind="sale", order_id=r.order_id, number=r.number, qbo_type=r.qbo_type,
                    qbo_id=r.qbo_id, doc_number=r.doc_number, component="total", wix=r.total_w, qbo=r.total_q)  # fmt: skip
    return absorbed


def _taxes(out: Out, diff: Table) -> None:
    """One row per (order, rate) whose tax differs (see :meth:`TaxGrid.differences`)."""
    for r in each(diff):
        rate = r.tax_key if r.tax_key == TOTAL_TAX_KEY else f"{r.tax_key}%"
        out.add(C.TAX_MISMATCH, kind="sale", order_id=r.order_id, number=r.number, qbo_type=r.qbo_type,
                qbo_id=r.qbo_id, doc_number=r.doc_number, component=rate, wix=r.wix, qbo=r.qbo)  # fmt: skip


def _mapping(out: Out, sm: SalesMatch, settings: ReconSettings, expectations: Iterable[Expectation]) -> None:
    """Customer, item and (sales receipts) deposit account against the current settings."""
    exp = {e.order_id: e for e in expectations}
    if exp or settings.generic_customer_id:
        ids = pd.Series(sm.w("order_id")[sm.bw], dtype=object)
        customers = {k: e.customer_id for k, e in exp.items() if e.customer_id}
        want_c = (ids.map(customers) if customers else ids.map({})).fillna(settings.generic_customer_id or "")
        hit = (want_c.to_numpy(dtype=object) != "") & (
            want_c.to_numpy(dtype=object) != sm.q("customer_id")[sm.bq]
        )
        items = {k: ",".join(sorted(e.item_ids)) for k, e in exp.items() if e.item_ids is not None}
        if items:
            want_i = ids.map(items)
            hit |= want_i.notna().to_numpy() & (want_i.to_numpy(dtype=object) != sm.q("item_ids")[sm.bq])
        for r in each(sm.pairs(sm.bw[hit], sm.bq[hit])):
            e = exp.get(r.order_id)
            want = e.customer_id if e is not None and e.customer_id else settings.generic_customer_id
            if want and r.customer_id != want:
                out.add(C.CUSTOMER_MAPPING, kind="sale", order_id=r.order_id, number=r.number, qbo_type=r.qbo_type,
                        qbo_id=r.qbo_id, doc_number=r.doc_number, wix=want, qbo=r.customer_id or "-")  # fmt: skip
            if e is not None and e.item_ids is not None and r.item_ids != ",".join(sorted(e.item_ids)):
                out.add(C.ITEM_MAPPING, kind="sale", order_id=r.order_id, number=r.number, qbo_type=r.qbo_type,
                        qbo_id=r.qbo_id, doc_number=r.doc_number, wix=", ".join(sorted(e.item_ids)),
                        qbo=r.item_ids.replace(",", ", ") or "-")  # fmt: skip
    method = sm.w("method")[sm.bw]
    rest = np.flatnonzero(sm.is_receipt[sm.bq] & (method != ""))
    deposit = sm.q("deposit_account")
    wanted: dict[str, str] = {}
    wrong: list[Rows] = []
    while len(rest):  # one pass per payment method (a handful), no hashing of 100,000 texts
        m = method[rest[0]]
        same = method[rest] == m
        rows, rest = rest[same], rest[~same]
        want = settings.deposit_account_for(m)
        if want is not None:
            wanted[m] = want
            wrong.append(rows[deposit[sm.bq[rows]] != want])
    bad = np.sort(np.concatenate(wrong)) if wrong else np.zeros(0, dtype=np.int64)
    for r in each(sm.pairs(sm.bw[bad], sm.bq[bad]) if len(bad) else None):
        out.add(C.DEPOSIT_ACCOUNT, kind="sale", order_id=r.order_id, number=r.number, qbo_type=r.qbo_type,
                qbo_id=r.qbo_id, doc_number=r.doc_number, wix=wanted[r.method], qbo=r.deposit_account or "-",
                extra=r.method)  # fmt: skip


def _payment_status(out: Out, sm: SalesMatch, involved: set[str]) -> None:
    """Invoices whose open balance differs from what the buyer still owes in Wix."""
    hit = sm.is_invoice[sm.bq] & (sm.q("balance")[sm.bq] != sm.w("balance")[sm.bw])
    if not hit.any():
        return
    bw, bq = sm.bw[hit], sm.bq[hit]
    keep = np.array([oid not in involved for oid in sm.w("order_id")[bw]], dtype=bool)
    for r in each(sm.pairs(bw[keep], bq[keep])):
        extra = out.text("Wix says {0} but the invoice is open in QuickBooks;",
                         "Wix indique {0} mais la facture est ouverte dans QuickBooks ;", r.payment_status) \
            if r.balance_q > r.balance_w else out.text(
                "Wix says {0} but QuickBooks shows the invoice paid;",
                "Wix indique {0} mais QuickBooks montre la facture payée ;", r.payment_status)  # fmt: skip
        out.add(C.PAYMENT_STATUS, kind="sale", order_id=r.order_id, number=r.number, qbo_type=r.qbo_type,
                qbo_id=r.qbo_id, doc_number=r.doc_number, wix=r.balance_w, qbo=r.balance_q, extra=extra)  # fmt: skip


_STATUSES = np.array(
    ["ok", "missing", "not_synced", "not_in_wix", "different", "rounding", "duplicate"], dtype=object
)
_TEXT_DOC_COLUMNS = ("order_number", "date", "module", "customer", "qbo_type", "doc_number", "qbo_id")


def _documents(sm: SalesMatch, absorbed: npt.NDArray[np.bool_]) -> pd.DataFrame:
    """One row per Wix order (with its QBO document, in order id order), then the extra QBO documents.

    ``absorbed`` marks the Wix rows whose only difference the rounding item absorbed. The text
    columns are written straight into one 2-D object block (no per-column frame assembly).
    """
    wrow, qrow = sm.merged_rows()
    n_m, n_x = len(wrow), len(sm.extras)
    wrow = np.concatenate([wrow, np.full(n_x + len(sm.orphans), -1, dtype=np.int64)])
    qrow = np.concatenate([qrow, sm.extras, sm.orphans])
    has_w, has_q = wrow >= 0, qrow >= 0
    elig = take(sm.eligible, wrow, False).astype(bool)
    w_total, q_total = take(sm.w("total"), wrow, 0), take(sm.q("total"), qrow, 0)
    both = has_w & has_q
    code = np.select(
        [has_w & ~has_q & elig, has_w & ~has_q, ~has_w, ~elig, w_total != q_total,
         take(absorbed, wrow, False).astype(bool)],
        [1, 2, 3, 3, 4, 5],
        default=0,
    )  # fmt: skip
    code[n_m : n_m + n_x] = 6
    code[n_m + n_x :] = 3
    block = np.empty((len(_TEXT_DOC_COLUMNS), len(wrow)), dtype=object)
    sources = (("number", "order_number"), ("date", "date"), ("module", None), ("customer", None),
               (None, "qbo_type"), (None, "doc_number"), (None, "qbo_id"))  # fmt: skip
    all_w, all_q = bool(has_w.all()), bool(has_q.all())
    for out, (w_col, q_col) in zip(block, sources, strict=True):
        if w_col is None:
            _take_into(out, sm.q(str(q_col)), qrow, has_q, all_q)
            continue
        _take_into(out, sm.w(w_col), wrow, has_w, all_w)
        if q_col is not None and not all_w:
            fallback = np.empty(int((~has_w).sum()), dtype=object)
            _take_into(fallback, sm.q(q_col), qrow[~has_w], has_q[~has_w], False)
            out[~has_w] = fallback
    docs = pd.DataFrame(block.T, columns=list(_TEXT_DOC_COLUMNS))
    docs["wix_total"] = pd.arrays.IntegerArray(w_total, ~has_w)
    docs["qbo_total"] = pd.arrays.IntegerArray(q_total, ~has_q)
    docs["difference"] = pd.arrays.IntegerArray(q_total - w_total, ~both)
    docs["status"] = _STATUSES[code]
    return docs


def _take_into(out: npt.NDArray[Any], values: npt.NDArray[Any], rows: Rows, has: Mask, all_in: bool) -> None:
    """``out[:] = values[rows]``, ``""`` where ``has`` is false, without an intermediate array."""
    if len(values) == 0:
        out[:] = ""
        return
    np.take(values, rows, out=out, mode="clip")
    if not all_in:
        out[~has] = ""
