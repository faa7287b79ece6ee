"""Payments and refunds: Wix transactions against the QBO Payments and credit notes that record them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from wixqb_nb.reconcile.keys import Numbers, SalesMatch, ints
from wixqb_nb.reconcile.result import Category
from wixqb_nb.reconcile.rows import Out, each
from wixqb_nb.reconcile.settings import INVOICE, ReconSettings

C = Category


def payments(
    out: Out, wp: pd.DataFrame, qp: pd.DataFrame, sm: SalesMatch, settings: ReconSettings
) -> set[str]:
    """Compare Wix payments of invoiced orders with QBO Payments; return the orders involved.

    A sales receipt already records its payment, so only orders booked as invoices expect a QBO
    Payment. A missing payment is reported only when the invoice itself exists (otherwise the
    missing sale says it all). The orders returned have a payment problem that explains their
    invoice balance, so no separate payment-status row is added for them.
    """
    is_inv = sm.is_invoice[sm.bq]
    iw, iq = sm.bw[is_inv], sm.bq[is_inv]
    invoiced = np.zeros(len(sm.ws), dtype=bool)
    invoiced[iw] = True
    left = wp[invoiced[ints(wp["sale_idx"])]] if settings.payments_enabled else wp.iloc[0:0]
    if left.empty and qp.empty:
        return set()
    inv_ids = sm.w("order_id")[iw]
    inv_of = pd.Series(sm.q("qbo_id")[iq], index=inv_ids)
    doc_of = pd.Series(sm.q("doc_number")[iq], index=inv_ids)
    order_of_invoice = pd.Series(inv_ids, index=sm.q("qbo_id")[iq])
    compared = np.zeros(len(sm.ws), dtype=bool)
    compared[sm.bw] = True
    number_of = Numbers(sm, compared)
    qp = qp.assign(key=qp["payment_id"])
    primary, extras = _dups(qp)
    involved: set[str] = set()
    for r in each(extras):
        involved.add(r.order_id)
        out.add(C.DUPLICATE, kind="payment", order_id=r.order_id, number=number_of.get(r.order_id, ""),
                source_id=r.payment_id, qbo_type="Payment", qbo_id=r.qbo_id, qbo=r.amount,
                extra=out.text("payment", "paiement"))  # fmt: skip
    m = left.merge(primary, on=["payment_id"], how="outer", indicator=True, validate="one_to_one",
                   suffixes=("_w", "_q"))  # fmt: skip
    ind = m["_merge"]
    for r in each(m[ind == "left_only"]):
        involved.add(r.order_id_w)
        out.add(C.PAYMENT_MISSING, kind="payment", order_id=r.order_id_w, number=number_of.get(r.order_id_w, ""),
                source_id=r.payment_id, qbo_type=INVOICE, qbo_id=inv_of[r.order_id_w],
                doc_number=doc_of[r.order_id_w], wix=r.amount_w)  # fmt: skip
    right = m[ind == "right_only"]
    receipt_payments = set(wp["payment_id"]) - set(left["payment_id"]) if len(right) else set()
    for r in each(right):
        involved.add(r.order_id_q)
        extra = out.text(" Its order was booked as a sales receipt, which already records the payment.",
                         " Sa commande est un reçu de vente, qui enregistre déjà le paiement.") \
            if r.payment_id in receipt_payments else ""  # fmt: skip
        out.add(C.PAYMENT_EXTRA, kind="payment", order_id=r.order_id_q, number=number_of.get(r.order_id_q, ""),
                source_id=r.payment_id, qbo_type="Payment", qbo_id=r.qbo_id, qbo=r.amount_q, extra=extra)  # fmt: skip
    both = m[ind == "both"]
    if both.empty:
        return involved
    for r in each(both[both["amount_w"] != both["amount_q"]]):
        involved.add(r.order_id_w)
        out.add(C.PAYMENT_DIFFERENT, kind="payment", order_id=r.order_id_w, number=number_of.get(r.order_id_w, ""),
                source_id=r.payment_id, qbo_type="Payment", qbo_id=r.qbo_id, wix=r.amount_w, qbo=r.amount_q)  # fmt: skip
    own = both["order_id_w"].map(inv_of)
    odd = both[both["linked_ids"] != own]
    for r, inv in zip(each(odd), own[odd.index], strict=True):
        linked = [x for x in r.linked_ids.split(",") if x]
        if inv in linked:
            continue
        others = {str(order_of_invoice[x]) for x in linked if x in order_of_invoice.index}
        involved.update({r.order_id_w, *others})
        where = ", ".join(_invoice_name(out, sm, x) for x in linked) or out.text("nothing", "rien")
        out.add(C.PAYMENT_MISAPPLIED, kind="payment", order_id=r.order_id_w,
                number=number_of.get(r.order_id_w, ""), source_id=r.payment_id, qbo_type=INVOICE, qbo_id=inv,
                doc_number=doc_of.get(r.order_id_w, ""), wix=r.amount_w, qbo=r.amount_q, extra=where)  # fmt: skip
    wanted = both["method"].map({m: settings.deposit_account_for(m) for m in both["method"].unique()})
    wrong = both[wanted.notna() & (wanted != both["deposit_account"])]
    for r, want in zip(each(wrong), wanted[wrong.index], strict=True):
        out.add(C.DEPOSIT_ACCOUNT, kind="payment", order_id=r.order_id_w, number=number_of.get(r.order_id_w, ""),
                source_id=r.payment_id, qbo_type="Payment", qbo_id=r.qbo_id, wix=want,
                qbo=r.deposit_account or "-", extra=r.method)  # fmt: skip
    return involved


def refunds(out: Out, wr: pd.DataFrame, qr: pd.DataFrame, sm: SalesMatch) -> None:
    """Compare Wix refunds with QBO credit memos / refund receipts (by Wix refund id)."""
    if wr.empty and qr.empty:
        return
    number_of = Numbers(sm)
    primary, extras = _dups(qr.assign(key=qr["refund_id"]))
    for r in each(extras):
        out.add(C.DUPLICATE, kind="refund", order_id=r.order_id, number=number_of.get(r.order_id, ""),
                source_id=r.refund_id, qbo_type=r.qbo_type, qbo_id=r.qbo_id, doc_number=r.doc_number, qbo=r.amount,
                extra=out.text("refund", "remboursement"))  # fmt: skip
    m = wr.merge(
        primary, on="refund_id", how="outer", indicator=True, validate="one_to_one", suffixes=("_w", "_q")
    )
    ind = m["_merge"]
    for r in each(m[ind == "left_only"]):
        out.add(C.REFUND_MISSING, kind="refund", order_id=r.order_id_w, number=number_of.get(r.order_id_w, ""),
                source_id=r.refund_id, wix=r.amount_w)  # fmt: skip
    for r in each(m[ind == "right_only"]):
        out.add(C.REFUND_EXTRA, kind="refund", order_id=r.order_id_q, number=number_of.get(r.order_id_q, ""),
                source_id=r.refund_id, qbo_type=r.qbo_type, qbo_id=r.qbo_id, doc_number=r.doc_number,
                qbo=r.amount_q)  # fmt: skip
    both = m[ind == "both"]
    for r in each(both[both["amount_w"] != both["amount_q"]]):
        out.add(C.REFUND_DIFFERENT, kind="refund", order_id=r.order_id_w, number=number_of.get(r.order_id_w, ""),
                source_id=r.refund_id, qbo_type=r.qbo_type, qbo_id=r.qbo_id, doc_number=r.doc_number,
                wix=r.amount_w, qbo=r.amount_q)  # fmt: skip


def _invoice_name(out: Out, sm: SalesMatch, qbo_id: str) -> str:
    """An invoice as the user finds it in QuickBooks: its number (and Wix order), else its QBO Id."""
    rows = np.flatnonzero((sm.q("qbo_id") == qbo_id) & (sm.q("qbo_type") == INVOICE))
    if not len(rows):
        return f"{INVOICE} #{qbo_id}"
    doc_number = str(sm.q("doc_number")[rows[0]] or "")
    name = f"{INVOICE} {doc_number}" if doc_number else f"{INVOICE} #{qbo_id}"
    at = int(sm.q_pos[rows[0]])  # the Wix order's row, -1 for a document of no known order
    number = str(sm.w("number")[at] or "") if at >= 0 else ""
    return name + out.text(" (order {0})", " (commande {0})", number) if number else name


def _dups(docs: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """First document per ``key`` (lowest QBO Id) and the extra ones; drops the ``key`` column."""
    dup = docs["key"].duplicated(keep=False)
    if not dup.any():
        return docs.drop(columns="key"), docs.iloc[0:0].drop(columns="key")
    d = docs[dup].assign(_n=pd.to_numeric(docs.loc[dup, "qbo_id"], errors="coerce"))
    d = d.sort_values(["key", "_n"], kind="stable")
    first = ~d["key"].duplicated(keep="first")
    primary = pd.concat([docs[~dup], d[first].drop(columns="_n")]).drop(columns="key")
    return primary, d[~first].drop(columns=["_n", "key"])
