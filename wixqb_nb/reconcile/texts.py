"""Plain-language explanations and suggested actions, in English and French.

Each template is formatted with ``number`` (Wix order number), ``doc`` (QBO type and number),
``source`` (Wix payment/refund id), ``wix``, ``qbo``, ``diff`` (amounts), ``component`` and
``extra`` (a category-specific detail).
"""

from __future__ import annotations

from typing import Any

from wixqb_nb.reconcile.result import Category

C = Category

_EN: dict[Category, tuple[str, str]] = {
    C.MISSING_IN_QBO: (
        "Wix order {number} ({wix}) should be in QuickBooks but no document was found.{extra}",
        "Run the sync again, or fix the error listed for this order on the Errors sheet.",
    ),
    C.IN_QBO_NOT_WIX: (
        "{doc} ({qbo}) carries our prefix or marker but matches no Wix order in the period.{extra}",
        "Check whether it was entered by hand; void it in QuickBooks if it should not be there.",
    ),
    C.DUPLICATE: (
        "{doc} ({qbo}) is a second QuickBooks document for the same Wix {extra}.",
        "Void or delete the duplicate in QuickBooks and keep the first one.",
    ),
    C.TOTAL_MISMATCH: (
        "Order {number}: the {component} amount is {wix} in Wix but {qbo} in {doc} (difference {diff}).",
        "Open {doc} in QuickBooks and correct the {component}, or undo and re-sync the order.",
    ),
    C.TAX_MISMATCH: (
        "Order {number}: tax at {component} is {wix} in Wix but {qbo} in {doc} (difference {diff}).",
        "Check the tax code mapped to this Wix tax, then correct the tax amount in {doc}.",
    ),
    C.PAYMENT_STATUS: (
        "Order {number}: {extra} Wix balance due {wix}, QuickBooks open balance {qbo}.",
        "Record or remove the payment in QuickBooks so that the balance matches Wix.",
    ),
    C.PAYMENT_MISSING: (
        "Payment {source} of order {number} ({wix}) is not in QuickBooks.",
        "Run the sync again so the payment is recorded and linked to {doc}.",
    ),
    C.PAYMENT_EXTRA: (
        "QuickBooks payment {doc} ({qbo}) refers to Wix payment {source}, which Wix does not have "
        "for a synced invoice.{extra}",
        "Check the payment in QuickBooks and void it if it was not received.",
    ),
    C.PAYMENT_DIFFERENT: (
        "Payment {source} of order {number} is {wix} in Wix but {qbo} in QuickBooks (difference {diff}).",
        "Correct the payment amount in QuickBooks.",
    ),
    C.PAYMENT_MISAPPLIED: (
        "Payment {source} of order {number} is applied to {extra} instead of its own invoice {doc}.",
        "Edit the payment in QuickBooks and apply it to {doc}.",
    ),
    C.DEPOSIT_ACCOUNT: (
        "{doc}: money deposited to account {qbo} but the settings send {extra} payments to account {wix}.",
        "Change the deposit account in QuickBooks, or update the payment method mapping.",
    ),
    C.REFUND_MISSING: (
        "Refund {source} of order {number} ({wix}) is not in QuickBooks.",
        "Run the sync again so the credit note is created.",
    ),
    C.REFUND_DIFFERENT: (
        "Refund {source} of order {number} is {wix} in Wix but {qbo} in {doc} (difference {diff}).",
        "Correct the credit note in QuickBooks, or undo and re-sync the refund.",
    ),
    C.REFUND_EXTRA: (
        "{doc} ({qbo}) refers to Wix refund {source}, which Wix does not have.{extra}",
        "Check the credit note in QuickBooks and void it if no refund was made.",
    ),
    C.CUSTOMER_MAPPING: (
        "Order {number}: {doc} is booked to customer {qbo}, the current settings give customer {wix}.",
        "Change the customer on {doc}, or undo and re-sync the order.",
    ),
    C.ITEM_MAPPING: (
        "Order {number}: {doc} uses items {qbo}, the current settings give items {wix}.",
        "Change the items on {doc}, or undo and re-sync the order.",
    ),
    C.ROUNDING_ABSORBED: (
        "Order {number}: the rounding item absorbed {diff} so that {doc} equals the Wix total {wix}.{extra}",
        "Nothing to do: this is QuickBooks rounding tax differently from Wix.",
    ),
}

_FR: dict[Category, tuple[str, str]] = {
    C.MISSING_IN_QBO: (
        "La commande Wix {number} ({wix}) devrait être dans QuickBooks mais aucun document n'a été trouvé.{extra}",
        "Relancez la synchronisation ou corrigez l'erreur indiquée pour cette commande (feuille Erreurs).",
    ),
    C.IN_QBO_NOT_WIX: (
        "{doc} ({qbo}) porte notre préfixe ou marqueur mais ne correspond à aucune commande Wix de la période.{extra}",
        "Vérifiez s'il a été saisi à la main ; annulez-le dans QuickBooks s'il ne devrait pas y être.",
    ),
    C.DUPLICATE: (
        "{doc} ({qbo}) est un second document QuickBooks pour le même élément Wix ({extra}).",
        "Annulez ou supprimez le doublon dans QuickBooks et gardez le premier.",
    ),
    C.TOTAL_MISMATCH: (
        "Commande {number} : le montant {component} est {wix} dans Wix mais {qbo} dans {doc} (écart {diff}).",
        "Ouvrez {doc} dans QuickBooks et corrigez {component}, ou annulez et resynchronisez la commande.",
    ),
    C.TAX_MISMATCH: (
        "Commande {number} : la taxe à {component} est {wix} dans Wix mais {qbo} dans {doc} (écart {diff}).",
        "Vérifiez le code de taxe associé à cette taxe Wix, puis corrigez la taxe dans {doc}.",
    ),
    C.PAYMENT_STATUS: (
        "Commande {number} : {extra} solde dû Wix {wix}, solde ouvert QuickBooks {qbo}.",
        "Enregistrez ou supprimez le paiement dans QuickBooks pour que le solde corresponde à Wix.",
    ),
    C.PAYMENT_MISSING: (
        "Le paiement {source} de la commande {number} ({wix}) n'est pas dans QuickBooks.",
        "Relancez la synchronisation pour enregistrer le paiement et le lier à {doc}.",
    ),
    C.PAYMENT_EXTRA: (
        "Le paiement QuickBooks {doc} ({qbo}) renvoie au paiement Wix {source}, que Wix n'a pas pour une "
        "facture synchronisée.{extra}",
        "Vérifiez le paiement dans QuickBooks et annulez-le s'il n'a pas été reçu.",
    ),
    C.PAYMENT_DIFFERENT: (
        "Le paiement {source} de la commande {number} est de {wix} dans Wix mais {qbo} dans QuickBooks "
        "(écart {diff}).",
        "Corrigez le montant du paiement dans QuickBooks.",
    ),
    C.PAYMENT_MISAPPLIED: (
        "Le paiement {source} de la commande {number} est appliqué à {extra} au lieu de sa facture {doc}.",
        "Modifiez le paiement dans QuickBooks et appliquez-le à {doc}.",
    ),
    C.DEPOSIT_ACCOUNT: (
        "{doc} : argent déposé au compte {qbo} alors que les réglages envoient les paiements {extra} "
        "au compte {wix}.",
        "Changez le compte de dépôt dans QuickBooks ou mettez à jour l'association du mode de paiement.",
    ),
    C.REFUND_MISSING: (
        "Le remboursement {source} de la commande {number} ({wix}) n'est pas dans QuickBooks.",
        "Relancez la synchronisation pour créer la note de crédit.",
    ),
    C.REFUND_DIFFERENT: (
        "Le remboursement {source} de la commande {number} est de {wix} dans Wix mais {qbo} dans {doc} "
        "(écart {diff}).",
        "Corrigez la note de crédit dans QuickBooks, ou annulez et resynchronisez le remboursement.",
    ),
    C.REFUND_EXTRA: (
        "{doc} ({qbo}) renvoie au remboursement Wix {source}, que Wix n'a pas.{extra}",
        "Vérifiez la note de crédit dans QuickBooks et annulez-la si aucun remboursement n'a eu lieu.",
    ),
    C.CUSTOMER_MAPPING: (
        "Commande {number} : {doc} est au client {qbo}, les réglages actuels donnent le client {wix}.",
        "Changez le client de {doc}, ou annulez et resynchronisez la commande.",
    ),
    C.ITEM_MAPPING: (
        "Commande {number} : {doc} utilise les articles {qbo}, les réglages actuels donnent {wix}.",
        "Changez les articles de {doc}, ou annulez et resynchronisez la commande.",
    ),
    C.ROUNDING_ABSORBED: (
        "Commande {number} : l'article d'arrondi a absorbé {diff} pour que {doc} égale le total Wix {wix}.{extra}",
        "Rien à faire : QuickBooks arrondit la taxe autrement que Wix.",
    ),
}

#: Component names as shown inside explanations.
COMPONENTS: dict[str, dict[str, str]] = {
    "en": {"lines": "line items (after discounts)", "discount": "discount", "shipping": "shipping",
           "rounding": "rounding", "total": "total"},
    "fr": {"lines": "des lignes (après remises)", "discount": "de la remise", "shipping": "de la livraison",
           "rounding": "d'arrondi", "total": "total"},
}  # fmt: skip


def explain(category: Category, language: str, **fields: Any) -> tuple[str, str]:
    """The explanation and the suggested action for one discrepancy."""
    table = _FR if language == "fr" else _EN
    explanation, action = table[category]
    values = {"number": "", "doc": "", "source": "", "wix": "", "qbo": "", "diff": "", "component": "",
              "extra": ""} | {k: ("" if v is None else v) for k, v in fields.items()}  # fmt: skip
    return explanation.format(**values), action.format(**values)
