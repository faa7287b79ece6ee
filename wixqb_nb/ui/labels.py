"""Labels of the configuration wizard, in English and French.

English labels default to the field name made readable and the model's field descriptions; the
French table covers every step and field the wizard shows. :func:`label` falls back to English
for anything missing, so a new config field shows up (in English) before it is translated.
"""

from __future__ import annotations

STEPS: dict[str, tuple[str, str]] = {
    "connection": ("1. Connection", "1. Connexion"),
    "general": ("2. General", "2. Général"),
    "orders": ("3. Orders", "3. Commandes"),
    "advanced": ("4. Advanced", "4. Avancé"),
    "items": ("5. Items", "5. Articles"),
    "matching": ("6. Matching", "6. Correspondance"),
    "refunds": ("7. Refunds", "7. Remboursements"),
    "taxes": ("8. Taxes", "8. Taxes"),
    "payments": ("9. Payments", "9. Paiements"),
    "schedule": ("10. Schedule", "10. Planification"),
}

_FR: dict[str, str] = {
    "connection.wix_site_id": "ID du site Wix",
    "connection.wix_base_url": "URL de l'API Wix",
    "connection.qbo_realm_id": "ID de l'entreprise QBO (realmId)",
    "connection.qbo_environment": "Environnement QBO",
    "connection.qbo_base_url": "URL de l'API QBO",
    "connection.qbo_token_url": "URL des jetons OAuth",
    "connection.qbo_authorize_url": "URL d'autorisation OAuth",
    "connection.qbo_redirect_uri": "URI de redirection",
    "connection.qbo_minor_version": "Version mineure QBO",
    "connection.token_file": "Fichier de jetons (0600)",
    "connection.state_dir": "Dossier d'état",
    "general.time_zone": "Fuseau horaire du compte",
    "general.start_date": "Date de début de l'intégration",
    "general.language": "Langue",
    "general.email.mode": "Courriel du rapport",
    "general.email.recipients": "Destinataires",
    "general.email.sender": "Expéditeur",
    "general.email.smtp_host": "Serveur SMTP",
    "general.email.smtp_port": "Port SMTP",
    "general.email.tls": "Chiffrement",
    "general.email.smtp_user": "Utilisateur SMTP",
    "orders.modules": "Modules Wix",
    "orders.payment_statuses": "Statuts de paiement",
    "orders.unpaid_stores_orders": "Commandes Wix Stores impayées",
    "orders.document_type": "Type de document",
    "orders.document_by_payment_status": "Document selon le statut",
    "advanced.order_prefix": "Préfixe des numéros",
    "advanced.order_separator": "Séparateur",
    "advanced.max_order_number_digits": "Chiffres du numéro de commande",
    "advanced.default_class": "Classe par défaut",
    "advanced.default_location": "Emplacement par défaut",
    "advanced.customer_mode": "Client",
    "advanced.generic_customer_name": "Nom du client générique",
    "advanced.auto_doc_numbers": "Numérotation automatique QBO",
    "advanced.discount_item": "Article de rabais",
    "advanced.rounding_item": "Article d'arrondi",
    "advanced.rounding_max": "Arrondi maximal",
    "advanced.shipping_item": "Article de livraison",
    "advanced.fees_item": "Article des frais",
    "advanced.use_qbo_customer_message": "Message client par défaut de QBO",
    "advanced.allow_online_card_payment": "Paiement par carte en ligne",
    "items.allow_create": "Créer les articles manquants",
    "items.new_item_type": "Type des nouveaux articles",
    "items.income_account": "Compte de revenus",
    "items.expense_account": "Compte de dépenses / CMV",
    "items.asset_account": "Compte d'actif (stocks)",
    "items.inventory_start_date": "Date de début des stocks",
    "items.skus": "SKU Wix sans article QBO",
    "matching.match_by": "Associer le SKU Wix au",
    "refunds.enabled": "Synchroniser les remboursements",
    "refunds.document": "Document de remboursement",
    "refunds.refund_from_account": "Rembourser depuis le compte",
    "refunds.prefix": "Préfixe des remboursements",
    "refunds.include_partial": "Inclure les remboursements partiels",
    "refunds.amount_item": "Article des remboursements non détaillés",
    "taxes.mappings": "Taxes Wix → codes de taxe QBO",
    "taxes.untaxed_code": "Code pour les lignes non taxées",
    "taxes.us_override_automated_tax": "Imposer la taxe Wix (É.-U.)",
    "taxes.qbo_rounding": "Arrondi de la taxe dans QBO",
    "taxes.qbo_keeps_sent_tax": "QBO garde les montants de taxe envoyés",
    "payments.enabled": "Enregistrer les paiements",
    "payments.default_deposit_account": "Compte de dépôt par défaut",
    "payments.methods": "Modes de paiement",
    "payments.gift_card_account": "Compte des cartes-cadeaux",
    "schedule.automatic": "Synchronisation automatique",
    "schedule.interval_minutes": "Intervalle (minutes)",
}

_EN_OVERRIDES: dict[str, str] = {
    "connection.qbo_realm_id": "QBO company id (realmId)",
    "connection.token_file": "Token file (0600)",
    "general.email.mode": "Report email",
    "advanced.customer_mode": "Customer",
    "advanced.auto_doc_numbers": "QBO automatic numbers",
    "items.skus": "Wix SKUs without a QBO item",
    "matching.match_by": "Match the Wix SKU to the QBO item's",
    "taxes.mappings": "Wix taxes → QBO tax codes",
    "payments.methods": "Payment methods",
}

_UI: dict[str, tuple[str, str]] = {
    "save": ("Save", "Enregistrer"),
    "load": ("Load", "Charger"),
    "validate": ("Check", "Vérifier"),
    "next": ("Next ›", "Suivant ›"),
    "back": ("‹ Back", "‹ Précédent"),
    "file": ("Config file", "Fichier de configuration"),
    "test_wix": ("Test Wix connection", "Tester la connexion Wix"),
    "test_qbo": ("Test QBO connection", "Tester la connexion QBO"),
    "connect_qbo": ("Connect QuickBooks", "Connecter QuickBooks"),
    "refresh": ("Read QuickBooks and Wix", "Lire QuickBooks et Wix"),
    "suggest": ("Apply suggestions", "Appliquer les suggestions"),
    "create_item": ("create item", "créer l'article"),
    "map_to": ("map to", "associer à"),
    "apply": ("Apply", "Appliquer"),
    "none": ("(none)", "(aucun)"),
    "default": ("(default)", "(par défaut)"),
    "saved": ("Saved", "Enregistré"),
    "loaded": ("Loaded", "Chargé"),
    "valid": ("No problem found.", "Aucun problème."),
    "problems": ("problem(s): see the fields marked in red.", "problème(s) : voir les champs en rouge."),
    "not_saved": ("Not saved", "Non enregistré"),
    "no_sku": ("Every Wix SKU finds a QBO item.", "Chaque SKU Wix trouve un article QBO."),
    "add": ("Add", "Ajouter"),
}


def label(path: str, language: str) -> str:
    """The label of config field ``path`` (``items.income_account``) in ``language``."""
    if language == "fr" and path in _FR:
        return _FR[path]
    if path in _EN_OVERRIDES:
        return _EN_OVERRIDES[path]
    name = path.rsplit(".", 1)[-1].replace("_", " ")
    name = (
        name.replace("qbo", "QBO")
        .replace("wix", "Wix")
        .replace("smtp", "SMTP")
        .replace(" url", " URL")
        .replace(" uri", " URI")
    )
    return name[:1].upper() + name[1:]


def step_title(section: str, language: str) -> str:
    """The tab title of a step."""
    en, fr = STEPS[section]
    return fr if language == "fr" else en


def ui_text(key: str, language: str) -> str:
    """A button or message text."""
    en, fr = _UI[key]
    return fr if language == "fr" else en
