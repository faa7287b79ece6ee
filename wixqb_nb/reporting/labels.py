"""Every label of the report (sheet names, headers, summary rows, statuses) in English and French."""

from __future__ import annotations

_LABELS: dict[str, tuple[str, str]] = {
    # sheets (Excel: at most 31 characters, no []:*?/\)
    "sheet.summary": ("Summary", "Résumé"),
    "sheet.documents": ("Documents", "Documents"),
    "sheet.discrepancies": ("Discrepancies", "Écarts"),
    "sheet.errors": ("Errors", "Erreurs"),
    "sheet.daily": ("Daily tie-out", "Rapprochement quotidien"),
    "sheet.tax": ("Tax tie-out", "Rapprochement des taxes"),
    "sheet.rounding": ("Rounding", "Arrondis"),
    # summary
    "summary.item": ("Item", "Élément"),
    "summary.value": ("Value", "Valeur"),
    "summary.title": ("Wix → QuickBooks reconciliation", "Rapprochement Wix → QuickBooks"),
    "summary.run_id": ("Run", "Exécution"),
    "summary.mode": ("Mode", "Mode"),
    "summary.company": ("QuickBooks company", "Entreprise QuickBooks"),
    "summary.period": ("Period", "Période"),
    "summary.generated": ("Generated (UTC)", "Produit le (UTC)"),
    "summary.config_hash": ("Settings hash", "Empreinte des réglages"),
    "summary.currency": ("Currency", "Devise"),
    "summary.result": ("Result", "Résultat"),
    "summary.planned": ("Documents planned", "Documents prévus"),
    "summary.errors": ("Orders in error", "Commandes en erreur"),
    "summary.discrepancies": ("Discrepancies (errors)", "Écarts (erreurs)"),
    "summary.rounding": ("Rounding absorbed (info)", "Arrondis absorbés (info)"),
    "summary.wix_sales": ("Wix sales total", "Total des ventes Wix"),
    "summary.qbo_sales": ("QuickBooks sales total", "Total des ventes QuickBooks"),
    "summary.daily_gaps": ("Daily tie-out gaps", "Écarts du rapprochement quotidien"),
    "summary.tax_gaps": ("Tax tie-out gaps", "Écarts du rapprochement des taxes"),
    "summary.chart": ("Sales per day: Wix vs QuickBooks", "Ventes par jour : Wix et QuickBooks"),
    "count.wix_orders": ("Wix orders in the period", "Commandes Wix de la période"),
    "count.wix_orders_synced": (
        "Wix orders the settings sync",
        "Commandes Wix synchronisées par les réglages",
    ),
    "count.qbo_sales_documents": ("QuickBooks sales documents", "Documents de vente QuickBooks"),
    "count.matched": ("Orders matched", "Commandes appariées"),
    "count.wix_payments": ("Wix payments", "Paiements Wix"),
    "count.qbo_payments": ("QuickBooks payments", "Paiements QuickBooks"),
    "count.wix_refunds": ("Wix refunds", "Remboursements Wix"),
    "count.qbo_refunds": ("QuickBooks credit notes", "Notes de crédit QuickBooks"),
    "result.pass": ("PASS: Wix and QuickBooks agree", "RÉUSSI : Wix et QuickBooks concordent"),
    "result.fail": ("FAIL: differences remain", "ÉCHEC : des écarts subsistent"),
    # columns
    "col.date": ("Date", "Date"),
    "col.module": ("Module", "Module"),
    "col.kind": ("Kind", "Type"),
    "col.order": ("Wix order", "Commande Wix"),
    "col.customer": ("Customer", "Client"),
    "col.qbo_type": ("QuickBooks type", "Type QuickBooks"),
    "col.doc_number": ("Doc number", "N° de document"),
    "col.qbo_id": ("QuickBooks Id", "Id QuickBooks"),
    "col.wix_total": ("Wix total", "Total Wix"),
    "col.qbo_total": ("QuickBooks total", "Total QuickBooks"),
    "col.difference": ("Difference", "Écart"),
    "col.status": ("Status", "Statut"),
    "col.category": ("Category", "Catégorie"),
    "col.severity": ("Severity", "Gravité"),
    "col.component": ("Component", "Composante"),
    "col.source": ("Wix payment / refund", "Paiement / remboursement Wix"),
    "col.wix_amount": ("Wix amount", "Montant Wix"),
    "col.qbo_amount": ("QuickBooks amount", "Montant QuickBooks"),
    "col.explanation": ("Explanation", "Explication"),
    "col.action": ("Suggested action", "Action suggérée"),
    "col.field": ("Field", "Champ"),
    "col.error": ("Error", "Erreur"),
    "col.message": ("Message", "Message"),
    "col.hint": ("How to fix", "Comment corriger"),
    "col.wix_count": ("Wix count", "Nombre Wix"),
    "col.qbo_count": ("QuickBooks count", "Nombre QuickBooks"),
    "col.count_gap": ("Count gap", "Écart de nombre"),
    "col.amount_gap": ("Amount gap", "Écart de montant"),
    "col.tax": ("Wix tax", "Taxe Wix"),
    "col.rate": ("Rate (%)", "Taux (%)"),
    "col.wix_tax": ("Wix tax collected", "Taxe perçue Wix"),
    "col.qbo_tax": ("QuickBooks TaxLines", "Lignes de taxe QuickBooks"),
    "col.gap": ("Gap", "Écart"),
    "col.absorbed": ("Absorbed by rounding", "Absorbé par l'arrondi"),
    "col.unexplained": ("Unexplained", "Inexpliqué"),
    "col.rounding": ("Rounding amount", "Montant d'arrondi"),
    "col.wix_sales": ("Wix sales", "Ventes Wix"),
    "col.qbo_sales": ("QuickBooks sales", "Ventes QuickBooks"),
    # statuses and kinds
    "status.ok": ("ok", "ok"),
    "status.missing": ("missing in QuickBooks", "absent de QuickBooks"),
    "status.not_synced": ("not synced (settings)", "non synchronisée (réglages)"),
    "status.not_in_wix": ("not in Wix", "absent de Wix"),
    "status.different": ("different", "différent"),
    "status.rounding": ("rounding absorbed", "arrondi absorbé"),
    "status.duplicate": ("duplicate", "doublon"),
    "kind.sales": ("sales", "ventes"),
    "kind.refunds": ("refunds", "remboursements"),
    "kind.payments": ("payments", "paiements"),
    "severity.error": ("error", "erreur"),
    "severity.info": ("info", "info"),
}


def label(key: str, language: str) -> str:
    """The label ``key`` in ``language`` (``"en"`` or ``"fr"``); unknown keys are returned as is."""
    pair = _LABELS.get(key)
    if pair is None:
        return key
    return pair[1] if language == "fr" else pair[0]


def keys() -> tuple[str, ...]:
    """Every label key (for tests)."""
    return tuple(_LABELS)
