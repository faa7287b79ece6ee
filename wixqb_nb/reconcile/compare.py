"""The comparison core: normalised Wix frames against normalised QBO frames -> :class:`ReconResult`.

Vectorised on integer cents: one outer merge per kind of document (sales, payments, refunds, tax
rates) with ``indicator=True`` and ``validate="one_to_one"`` after duplicates are set aside; the
Python objects of the result are built only for the rows that were flagged. Inputs are never
modified: every step derives new frames.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

import numpy as np
import pandas as pd

from wixqb_nb import money
from wixqb_nb.reconcile import compare_tx, tieout
from wixqb_nb.reconcile.qbo_frames import QboFrames
from wixqb_nb.reconcile.result import Category, ReconResult
from wixqb_nb.reconcile.rows import Out, each
from wixqb_nb.reconcile.settings import INVOICE, SALES_RECEIPT, Expectation, ReconSettings
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
    qs = _resolve_order_ids(qbo.sales, wix.sales)
    primary, extras = _split_duplicates(qs)
    for r in each(extras):
        out.add(C.DUPLICATE, kind="sale", order_id=r.order_id, number=r.order_number, qbo_type=r.qbo_type,
                qbo_id=r.qbo_id, doc_number=r.doc_number, qbo=r.total, extra="order")  # fmt: skip
    orphans = primary[primary["order_id"] == ""]
    keyed = primary[primary["order_id"] != ""]
    m = wix.sales.merge(
        keyed, on="order_id", how="outer", indicator=True, validate="one_to_one", suffixes=("_w", "_q")
    )
    ind = m["_merge"]
    elig = m["eligible"].eq(True)
    both = m[(ind == "both") & elig]
    _missing_and_extra(out, m[(ind == "left_only") & elig], m[ind == "right_only"], orphans,
                       m[(ind == "both") & ~elig])  # fmt: skip
    absorbed = _totals(out, both, settings, {e.order_id: e for e in expectations if e.rounding is not None})
    wix_taxes = _taxes_as_booked(wix.taxes, both)
    tax_pairs = _tax_pairs(wix_taxes, qbo.taxes, both)
    _taxes(out, tax_pairs, absorbed)
    _mapping(out, both, settings, expectations)
    involved = compare_tx.payments(out, wix.payments, qbo.payments, both, settings)
    _payment_status(out, both, involved)
    compare_tx.refunds(out, wix.refunds, qbo.refunds, wix.sales)
    invoiced = pd.concat([
        both.loc[both["qbo_type"] == INVOICE, "order_id"],
        m.loc[(ind == "left_only") & elig & (m["expected_doc"] == INVOICE), "order_id"],
    ])  # fmt: skip
    daily = tieout.daily(wix.sales, wix.payments, wix.refunds, qs, qbo.payments, qbo.refunds, invoiced)
    taxes = tieout.taxes(wix_taxes, qbo.taxes, tax_pairs, absorbed)
    counts = (
        ("wix_orders", len(wix.sales)),
        ("wix_orders_synced", int(wix.sales["eligible"].sum())),
        ("qbo_sales_documents", len(qbo.sales)),
        ("matched", len(both)),
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
        tax_tieouts=taxes,
        counts=counts,
        _documents=_documents(m, extras, orphans, set(absorbed)),
    )


def _resolve_order_ids(qs: pd.DataFrame, ws: pd.DataFrame) -> pd.DataFrame:
    """Give documents found only by DocNumber the id of the Wix order with that number."""
    need = (qs["order_id"] == "") & (qs["order_number"] != "")
    if not need.any():
        return qs
    numbers = ws.drop_duplicates("number", keep=False).set_index("number")["order_id"]
    found = qs.loc[need, "order_number"].map(numbers)
    ids = qs["order_id"].copy()
    ids[need] = found.where(found.notna(), "")
    return qs.assign(order_id=ids)


def _split_duplicates(docs: pd.DataFrame, key: str = "order_id") -> tuple[pd.DataFrame, pd.DataFrame]:
    """The first document per key (lowest QBO Id) and the extra ones."""
    keyed = docs[key] != ""
    dup = docs[key].duplicated(keep=False) & keyed
    if not dup.any():
        return docs, docs.iloc[0:0]
    d = docs[dup]
    order = np.lexsort((pd.to_numeric(d["qbo_id"], errors="coerce").fillna(0).to_numpy(), d[key].to_numpy()))
    d = d.iloc[order]
    first = ~d[key].duplicated(keep="first")
    return pd.concat([docs[~dup], d[first]]), d[~first]


def _missing_and_extra(
    out: Out, missing: pd.DataFrame, right: pd.DataFrame, orphans: pd.DataFrame, unexpected: pd.DataFrame
) -> None:
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


def _totals(out: Out, b: pd.DataFrame, settings: ReconSettings, expected: dict[str, Expectation]) -> set[str]:
    """Split total differences into components; report rounding the rounding item absorbed.

    Components are defined so that they add up to the total difference: shipping, discount
    (lines of QBO's discount item against Wix's order-level discount), rounding (the rounding
    item, zero on the Wix side), tax (reported per rate by :func:`_taxes`) and lines, the rest.
    Returns the orders whose only difference is absorbed rounding.
    """
    tot_d = b["total_q"] - b["total_w"]
    rounding = b["rounding"]
    absorbed_mask = (tot_d == 0) & (rounding != 0)
    limit = money.to_cents(money.quantize(settings.rounding_max))
    absorbed: set[str] = set()
    for r in each(b[absorbed_mask]):
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
    bad = b[tot_d != 0]
    if bad.empty:
        return absorbed
    w_lines = bad["total_w"] - bad["shipping_w"] - bad["tax_w"] + bad["discount_w"]
    q_lines = bad["total_q"] - bad["shipping_q"] - bad["tax_q"] + bad["discount_q"] - bad["rounding"]
    parts = {
        "lines": (w_lines, q_lines),
        "discount": (bad["discount_w"], bad["discount_q"]),
        "shipping": (bad["shipping_w"], bad["shipping_q"]),
        "rounding": (bad["rounding"] * 0, bad["rounding"]),
    }
    for i, r in enumerate(each(bad)):
        flagged = False
        for comp in _COMPONENTS:
            w, q = int(parts[comp][0].iloc[i]), int(parts[comp][1].iloc[i])
            if w != q:
                flagged = True
                out.add(C.TOTAL_MISMATCH, kind="sale", order_id=r.order_id, number=r.number, qbo_type=r.qbo_type,
                        qbo_id=r.qbo_id, doc_number=r.doc_number, component=comp, wix=w, qbo=q)  # fmt: skip
        if not flagged and r.tax_w == r.tax_q:
            out.add(C.TOTAL_MISMATCH, kind="sale", order_id=r.order_id, number=r.number, qbo_type=r.qbo_type,
                    qbo_id=r.qbo_id, doc_number=r.doc_number, component="total", wix=r.total_w, qbo=r.total_q)  # fmt: skip
    return absorbed


def _taxes_as_booked(wix_taxes: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """Wix taxes keyed as QBO books them: one total when QBO holds no TaxLines for the order.

    (US automated sales tax takes Wix's total tax as ``TotalTax`` without per-rate lines.)
    """
    no_lines = b.loc[~b["has_tax_lines"].eq(True), "order_id"]
    if no_lines.empty:
        return wix_taxes
    to_total = wix_taxes["order_id"].isin(no_lines)
    if not to_total.any():
        return wix_taxes
    return wix_taxes.assign(
        tax_key=wix_taxes["tax_key"].where(~to_total, TOTAL_TAX_KEY),
        tax_name=wix_taxes["tax_name"].where(~to_total, TOTAL_TAX_KEY),
    )


def _tax_pairs(wix_taxes: pd.DataFrame, qbo_taxes: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """Tax per (order, rate) on both sides for the matched orders, outer-merged (amounts in cents)."""
    wt = wix_taxes[wix_taxes["order_id"].isin(b["order_id"])]
    doc_order = pd.Series(b["order_id"].to_numpy(), index=b["doc_idx"].to_numpy())
    qt = qbo_taxes[qbo_taxes["doc_idx"].isin(doc_order.index)]
    qt = qt.assign(order_id=qt["doc_idx"].map(doc_order))
    wsum = wt.groupby(["order_id", "tax_key"], sort=False, as_index=False)["amount"].sum()
    qsum = qt.groupby(["order_id", "tax_key"], sort=False, as_index=False)["amount"].sum()
    pairs = wsum.merge(
        qsum, on=["order_id", "tax_key"], how="outer", validate="one_to_one", suffixes=("_w", "_q")
    )
    info = b.set_index("order_id")[["number", "qbo_type", "qbo_id", "doc_number"]]
    return pd.DataFrame({
        "order_id": pairs["order_id"], "tax_key": pairs["tax_key"],
        "wix": pairs["amount_w"].fillna(0), "qbo": pairs["amount_q"].fillna(0),
    }).join(info, on="order_id")  # fmt: skip


def _taxes(out: Out, pairs: pd.DataFrame, absorbed: set[str]) -> None:
    diff = pairs[(pairs["wix"] != pairs["qbo"]) & ~pairs["order_id"].isin(absorbed)]
    for r in each(diff):
        rate = r.tax_key if r.tax_key == TOTAL_TAX_KEY else f"{r.tax_key}%"
        out.add(C.TAX_MISMATCH, kind="sale", order_id=r.order_id, number=r.number, qbo_type=r.qbo_type,
                qbo_id=r.qbo_id, doc_number=r.doc_number, component=rate, wix=r.wix, qbo=r.qbo)  # fmt: skip


def _mapping(out: Out, b: pd.DataFrame, settings: ReconSettings, expectations: Iterable[Expectation]) -> None:
    """Customer, item and (sales receipts) deposit account against the current settings."""
    exp = {e.order_id: e for e in expectations}
    if exp or settings.generic_customer_id:
        for r in each(b):
            e = exp.get(r.order_id)
            want = e.customer_id if e is not None and e.customer_id else settings.generic_customer_id
            if want and r.customer_id != want:
                out.add(C.CUSTOMER_MAPPING, kind="sale", order_id=r.order_id, number=r.number, qbo_type=r.qbo_type,
                        qbo_id=r.qbo_id, doc_number=r.doc_number, wix=want, qbo=r.customer_id or "-")  # fmt: skip
            if e is not None and e.item_ids is not None and r.item_ids != ",".join(sorted(e.item_ids)):
                out.add(C.ITEM_MAPPING, kind="sale", order_id=r.order_id, number=r.number, qbo_type=r.qbo_type,
                        qbo_id=r.qbo_id, doc_number=r.doc_number, wix=", ".join(sorted(e.item_ids)),
                        qbo=r.item_ids.replace(",", ", ") or "-")  # fmt: skip
    receipts = b[(b["qbo_type"] == SALES_RECEIPT) & (b["method"] != "")]
    if receipts.empty:
        return
    wanted = receipts["method"].map({m: settings.deposit_account_for(m) for m in receipts["method"].unique()})
    wrong = receipts[wanted.notna() & (wanted != receipts["deposit_account"])]
    for r, want in zip(each(wrong), wanted[wrong.index], strict=True):
        out.add(C.DEPOSIT_ACCOUNT, kind="sale", order_id=r.order_id, number=r.number, qbo_type=r.qbo_type,
                qbo_id=r.qbo_id, doc_number=r.doc_number, wix=want, qbo=r.deposit_account or "-", extra=r.method)  # fmt: skip


def _payment_status(out: Out, b: pd.DataFrame, involved: set[str]) -> None:
    """Invoices whose open balance differs from what the buyer still owes in Wix."""
    inv = b[(b["qbo_type"] == INVOICE) & (b["balance_q"] != b["balance_w"]) & ~b["order_id"].isin(involved)]
    for r in each(inv):
        extra = out.text("Wix says {0} but the invoice is open in QuickBooks;",
                         "Wix indique {0} mais la facture est ouverte dans QuickBooks ;", r.payment_status) \
            if r.balance_q > r.balance_w else out.text(
                "Wix says {0} but QuickBooks shows the invoice paid;",
                "Wix indique {0} mais QuickBooks montre la facture payée ;", r.payment_status)  # fmt: skip
        out.add(C.PAYMENT_STATUS, kind="sale", order_id=r.order_id, number=r.number, qbo_type=r.qbo_type,
                qbo_id=r.qbo_id, doc_number=r.doc_number, wix=r.balance_w, qbo=r.balance_q, extra=extra)  # fmt: skip


def _documents(
    m: pd.DataFrame, extras: pd.DataFrame, orphans: pd.DataFrame, absorbed: set[str]
) -> pd.DataFrame:
    """One row per Wix order (with its QBO document) plus the extra QBO documents."""
    ind = m["_merge"].astype(str).to_numpy()
    elig = m["eligible"].eq(True).to_numpy()
    diff = m["total_q"] - m["total_w"]
    status = np.select(
        [(ind == "left_only") & elig, ind == "left_only", ind == "right_only", ~elig,
         diff.fillna(0).to_numpy() != 0, m["order_id"].isin(absorbed).to_numpy()],
        ["missing", "not_synced", "not_in_wix", "not_in_wix", "different", "rounding"],
        default="ok",
    )  # fmt: skip
    docs = pd.DataFrame({
        "order_number": m["number"].fillna(m["order_number"]), "date": m["date_w"].fillna(m["date_q"]),
        "module": m["module"].fillna(""), "customer": m["customer"].fillna(""),
        "qbo_type": m["qbo_type"].fillna(""), "doc_number": m["doc_number"].fillna(""),
        "qbo_id": m["qbo_id"].fillna(""), "wix_total": m["total_w"], "qbo_total": m["total_q"],
        "difference": diff, "status": status,
    })  # fmt: skip
    more = pd.concat([extras.assign(status="duplicate"), orphans.assign(status="not_in_wix")])
    if more.empty:
        return docs
    extra_docs = pd.DataFrame({
        "order_number": more["order_number"], "date": more["date"], "module": "", "customer": "",
        "qbo_type": more["qbo_type"], "doc_number": more["doc_number"], "qbo_id": more["qbo_id"],
        "wix_total": pd.array([pd.NA] * len(more), dtype="Int64"), "qbo_total": more["total"],
        "difference": pd.array([pd.NA] * len(more), dtype="Int64"), "status": more["status"],
    })  # fmt: skip
    return pd.concat([docs, extra_docs], ignore_index=True)


def _decimal(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)
