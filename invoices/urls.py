from django.urls import path

from invoices.views import common, recipient, validation
from invoices.views.supplier import entry as supplier_entry
from invoices.views.supplier import invoice as supplier_invoice
from invoices.views.supplier import lists as supplier_lists
from invoices.views.supplier import returns as supplier_returns

app_name = "invoices"

urlpatterns = [
    # Factures émises
    path("factures-emises/", supplier_lists.home, name="supplier_home"),
    path("factures-emises/rechercher/", supplier_lists.search, name="supplier_search"),
    path("factures-emises/tableau-de-bord/", supplier_lists.dashboard, name="supplier_dashboard"),
    path("factures-emises/saisir/", supplier_entry.create, name="supplier_create"),
    path("factures-emises/saisir/totaux/", supplier_entry.totals, name="supplier_totals"),
    path(
        "factures-emises/saisir/annuaire/", supplier_entry.recipient_search, name="supplier_recipient_search"
    ),
    path(
        "factures-emises/saisir/destinataire/",
        supplier_entry.recipient_block,
        name="supplier_recipient_block",
    ),
    path("factures-emises/prendre-connaissance/", supplier_returns.acknowledge, name="supplier_acknowledge"),
    path("factures-emises/<int:invoice_id>/", supplier_invoice.detail, name="supplier_detail"),
    path("factures-emises/<int:invoice_id>/modifier/", supplier_entry.edit, name="supplier_edit"),
    path(
        "factures-emises/<int:invoice_id>/dupliquer/", supplier_invoice.duplicate, name="supplier_duplicate"
    ),
    path("factures-emises/<int:invoice_id>/supprimer/", supplier_invoice.delete, name="supplier_delete"),
    path("factures-emises/<int:invoice_id>/recycler/", supplier_returns.recycle, name="supplier_recycle"),
    path("factures-emises/<int:invoice_id>/completer/", supplier_returns.complete, name="supplier_complete"),
    path(
        "factures-emises/<int:invoice_id>/corriger-valideur/",
        supplier_returns.correct_validator,
        name="supplier_correct_validator",
    ),
    path(
        "factures-emises/<int:invoice_id>/certificat-de-depot/",
        supplier_invoice.certificate,
        name="supplier_certificate",
    ),
    path("factures-emises/<int:invoice_id>/original/", supplier_invoice.original, name="supplier_original"),
    path(
        "factures-emises/<int:invoice_id>/cycle-de-vie/",
        supplier_invoice.lifecycle,
        name="supplier_lifecycle",
    ),
    path(
        "factures-emises/<int:invoice_id>/cycle-de-vie/<int:change_id>/",
        supplier_invoice.lifecycle_message,
        name="supplier_lifecycle_message",
    ),
    path(
        "factures-emises/<int:invoice_id>/pieces-jointes/<int:attachment_id>/",
        supplier_invoice.download,
        name="supplier_download",
    ),
    path(
        "factures-emises/<int:invoice_id>/pieces-jointes/<int:attachment_id>/retirer/",
        supplier_invoice.remove_attachment,
        name="supplier_remove_attachment",
    ),
    # Factures reçues
    path("factures-recues/", recipient.home, name="recipient_home"),
    path("factures-recues/rechercher/", recipient.search, name="recipient_search"),
    path("factures-recues/tableau-de-bord/", recipient.dashboard, name="recipient_dashboard"),
    path("factures-recues/traiter/", recipient.bulk_process, name="recipient_bulk_process"),
    path("factures-recues/<int:invoice_id>/", recipient.detail, name="recipient_detail"),
    path("factures-recues/<int:invoice_id>/traiter/", recipient.process, name="recipient_process"),
    path("factures-recues/<int:invoice_id>/original/", recipient.original, name="recipient_original"),
    path("factures-recues/<int:invoice_id>/cycle-de-vie/", recipient.lifecycle, name="recipient_lifecycle"),
    path(
        "factures-recues/<int:invoice_id>/cycle-de-vie/<int:change_id>/",
        recipient.lifecycle_message,
        name="recipient_lifecycle_message",
    ),
    path(
        "factures-recues/<int:invoice_id>/pieces-jointes/<int:attachment_id>/",
        recipient.download,
        name="recipient_download",
    ),
    # Factures à valider
    path("factures-a-valider/", validation.home, name="validation_home"),
    path("factures-a-valider/rechercher/", validation.search, name="validation_search"),
    path("factures-a-valider/traiter/", validation.bulk_decide, name="validation_bulk_decide"),
    path("factures-a-valider/<int:invoice_id>/", validation.detail, name="validation_detail"),
    path("factures-a-valider/<int:invoice_id>/traiter/", validation.decide, name="validation_decide"),
    path("factures-a-valider/<int:invoice_id>/original/", validation.original, name="validation_original"),
    path(
        "factures-a-valider/<int:invoice_id>/pieces-jointes/<int:attachment_id>/",
        validation.download,
        name="validation_download",
    ),
    path("notifications/", common.notification_list, name="notifications"),
    path("notifications/lues/", common.notifications_read, name="notifications_read"),
]
