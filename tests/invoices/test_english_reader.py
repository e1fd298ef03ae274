"""A validator's refusal is stored as its motif's msgid: the supplier reads it in his own
language on the invoice page, in the notifications and in the e-mail (issue 17 §3)."""

import pytest
from django.core import mail
from django.urls import reverse

from invoices import services
from invoices.enums import InvoiceStatus, ValidationRefusal

pytestmark = pytest.mark.django_db


def test_a_refusal_reads_in_the_supplier_s_language(
    send_a9, titulaire, supplier, client, django_capture_on_commit_callbacks
):
    supplier.gp.language = "en"
    supplier.gp.save(update_fields=["language"])
    invoice = send_a9(titulaire)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_validation(
            actor=titulaire.gp,
            structure=titulaire,
            invoice_id=invoice.pk,
            decision="refuse",
            motif=ValidationRefusal.NOT_PERFORMED,
            comment="Lot 3 non livré",
        )
    change = invoice.status_changes.get(to_status=InvoiceStatus.REFUSED_1)
    # The French text stays what the API answers with.
    assert change.reason == "Prestation non réalisée ou non conforme — Lot 3 non livré"
    english = "Service not performed or not compliant — Lot 3 non livré"
    (message,) = [m for m in mail.outbox if m.to == [supplier.gp.notification_email]]
    assert english in message.body and "Prestation non réalisée" not in message.body
    client.force_login(supplier.gp)
    page = client.get(reverse("invoices:supplier_detail", args=[invoice.pk])).content.decode()
    assert english in page and "Prestation non réalisée" not in page
    notifications = client.get(reverse("invoices:notifications")).content.decode()
    assert english in notifications and "Prestation non réalisée" not in notifications
