"""Factures reçues screens: the list to process, Traiter one or several invoices, downloads."""

import pytest

from invoices import services
from invoices.enums import InvoiceStatus
from structures import services as structure_services
from structures.enums import Role, Space, SubscriptionMode
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def recipient_client(client, recipient):
    client.force_login(recipient.gp)
    return client


def test_summary_lists_the_invoices_to_process(recipient_client, recipient, make_invoice):
    waiting = make_invoice(number="A-1")
    done = make_invoice(number="B-2")
    services.process_invoice(actor=recipient.gp, structure=recipient, invoice_id=done.pk, transition="pay")
    make_invoice(number="C-3", send=False)
    page = recipient_client.get("/factures-recues/")
    assert [i.number for i in page.context["page_obj"]] == [waiting.number]
    assert "1 facture mise à disposition ou complétée attend votre traitement." in page.content.decode()


def test_reject_needs_a_motif_next_to_its_field(recipient_client, make_invoice):
    invoice = make_invoice()
    url = f"/factures-recues/{invoice.pk}/traiter/"
    response = recipient_client.post(
        url, {"transition": "reject", "reason": " ", "expected_status": invoice.status}
    )
    assert response.status_code == 422
    assert response.context["form"].errors["reason"] == ["Le motif est obligatoire pour cette action."]
    response = recipient_client.post(url, {"transition": "mandate", "expected_status": invoice.status})
    assert response.context["form"].errors["mandate_number"] == [
        "Le numéro de mandat est obligatoire pour mandater."
    ]
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.MADE_AVAILABLE
    recipient_client.post(
        url, {"transition": "reject", "reason": "Doublon", "expected_status": invoice.status}
    )
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.REJECTED


def test_second_person_is_told_the_invoice_changed(recipient_client, recipient, make_invoice):
    """Two people open the same invoice; the second one's action is refused with the new status."""
    invoice = make_invoice()
    seen = invoice.status
    services.process_invoice(
        actor=recipient.gp,
        structure=recipient,
        invoice_id=invoice.pk,
        transition="service_done",
        expected_status=seen,
    )
    response = recipient_client.post(
        f"/factures-recues/{invoice.pk}/traiter/",
        {"transition": "reject", "reason": "Erreur", "expected_status": seen},
        follow=True,
    )
    text = response.content.decode()
    assert "La facture a changé de statut entre-temps : elle est maintenant « Service fait »." in text
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.SERVICE_DONE
    assert invoice.status_changes.filter(to_status=InvoiceStatus.REJECTED).count() == 0


def test_bulk_processing_reports_each_outcome(recipient_client, recipient, make_invoice, make_structure):
    first, second, paid = make_invoice(number="A-1"), make_invoice(number="B-2"), make_invoice(number="C-3")
    services.process_invoice(actor=recipient.gp, structure=recipient, invoice_id=paid.pk, transition="pay")
    # An invoice sent to another public structure is outside the recipient's scope.
    foreign = make_invoice(number="D-4", recipient_id=make_structure(UserFactory(), public=True).pk)
    response = recipient_client.post(
        "/factures-recues/traiter/",
        {
            "ids": [first.pk, second.pk, paid.pk, foreign.pk, 999999],
            "transition": "mandate",
            "mandate_number": "M-77",
            "next": "/factures-recues/rechercher/",
        },
        follow=True,
    )
    text = response.content.decode()
    assert "2 factures traitées : A-1, B-2." in text
    assert "Facture C-3 non traitée : son statut actuel ne permet pas cette action." in text
    assert "Facture 999999 non traitée : Facture introuvable." in text
    assert f"Facture {foreign.pk} non traitée : Facture introuvable." in text
    foreign.refresh_from_db()
    assert (foreign.status, foreign.mandate_number) == (InvoiceStatus.MADE_AVAILABLE, "")
    first.refresh_from_db()
    assert (first.status, first.mandate_number) == (InvoiceStatus.MANDATED, "M-77")
    response = recipient_client.post("/factures-recues/traiter/", {"transition": "pay"}, follow=True)
    assert "Cochez au moins une facture." in response.content.decode()


def test_downloading_the_original_marks_the_invoice_downloaded(recipient_client, make_invoice):
    invoice = make_invoice()
    response = recipient_client.get(f"/factures-recues/{invoice.pk}/original/")
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    invoice.refresh_from_db()
    assert invoice.downloaded_by_recipient
    assert "Téléchargée par le destinataire" in [str(event.label) for event in invoice.events.all()]
    found = recipient_client.get("/factures-recues/rechercher/", {"downloaded": "OUI"})
    assert [i.pk for i in found.context["page_obj"]] == [invoice.pk]


def test_user_of_a_service_sees_only_that_services_invoices(client, recipient, make_invoice):
    finances = structure_services.create_service(
        actor=recipient.gp, structure_id=recipient.pk, code="FIN", libelle="Finances"
    )
    technique = structure_services.create_service(
        actor=recipient.gp, structure_id=recipient.pk, code="TECH", libelle="Technique"
    )
    mine = make_invoice(recipient_service_id=finances.pk)
    other = make_invoice(recipient_service_id=technique.pk)
    clerk = UserFactory()
    structure_services.attach_user(
        actor=recipient.gp, structure_id=recipient.pk, user=clerk, role=Role.USER, service_ids=[finances.pk]
    )
    structure_services.request_subscription(
        user=clerk, structure_id=recipient.pk, space=Space.FACTURES_RECUES, mode=SubscriptionMode.MODIFICATION
    )
    subscription = clerk.subscriptions.get(space=Space.FACTURES_RECUES)
    structure_services.decide_subscription(
        actor=recipient.gp, structure_id=recipient.pk, subscription_id=subscription.pk, approve=True
    )
    client.force_login(clerk)
    assert [i.pk for i in client.get("/factures-recues/").context["page_obj"]] == [mine.pk]
    assert client.get(f"/factures-recues/{other.pk}/").status_code == 404
    client.post(
        f"/factures-recues/{other.pk}/traiter/", {"transition": "pay", "expected_status": other.status}
    )
    other.refresh_from_db()
    assert other.status == InvoiceStatus.MADE_AVAILABLE
    client.force_login(recipient.gp)
    assert {i.pk for i in client.get("/factures-recues/").context["page_obj"]} == {mine.pk, other.pk}


def test_another_structures_invoice_answers_404(client, make_invoice, make_structure):
    invoice = make_invoice()
    stranger = UserFactory()
    make_structure(stranger, public=True)
    client.force_login(stranger)
    assert client.get(f"/factures-recues/{invoice.pk}/").status_code == 404
    assert client.get(f"/factures-recues/{invoice.pk}/original/").status_code == 404
    response = client.post(
        f"/factures-recues/{invoice.pk}/traiter/", {"transition": "pay", "expected_status": invoice.status}
    )
    assert response.status_code == 404


def test_drafts_are_never_seen_by_the_recipient(recipient_client, make_invoice):
    draft = make_invoice(send=False)
    assert recipient_client.get(f"/factures-recues/{draft.pk}/").status_code == 404


def test_consultation_user_sees_no_processing(client, recipient, make_invoice):
    reader = UserFactory()
    structure_services.attach_user(actor=recipient.gp, structure_id=recipient.pk, user=reader, role=Role.USER)
    structure_services.request_subscription(
        user=reader,
        structure_id=recipient.pk,
        space=Space.FACTURES_RECUES,
        mode=SubscriptionMode.CONSULTATION,
    )
    subscription = reader.subscriptions.get(space=Space.FACTURES_RECUES)
    structure_services.decide_subscription(
        actor=recipient.gp, structure_id=recipient.pk, subscription_id=subscription.pk, approve=True
    )
    invoice = make_invoice()
    client.force_login(reader)
    page = client.get(f"/factures-recues/{invoice.pk}/")
    assert page.status_code == 200 and 'data-testid="process-form"' not in page.content.decode()
    response = client.post(
        f"/factures-recues/{invoice.pk}/traiter/",
        {"transition": "pay", "expected_status": invoice.status},
        follow=True,
    )
    assert (
        "Vous n'avez pas le droit de traiter les factures reçues de cette structure."
        in response.content.decode().replace("&#x27;", "'")
    )
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.MADE_AVAILABLE


def test_traiter_offers_the_workflow_table_with_verbs_and_their_result(recipient_client, make_invoice):
    """The choices are the table's recipient transitions from the current status, each « verb →
    resulting status »; « Prendre en compte » is one of them and leads to its status."""
    from invoices import workflow
    from invoices.forms.processing import PROCESS_LABELS

    invoice = make_invoice()
    page = recipient_client.get(f"/factures-recues/{invoice.pk}/")
    choices = dict(page.context["form"].fields["transition"].choices[1:])
    offered = workflow.allowed(invoice.status, workflow.Side.RECIPIENT)
    assert set(choices) == {t.name for t in offered}
    for transition in offered:
        assert choices[transition.name] == f"{PROCESS_LABELS[transition.name]} → {transition.target.label}"
    html = page.content.decode()
    assert "Prendre en compte → Prise en compte par le destinataire" in html
    assert "Renvoyer à recycler → À recycler" in html
    assert "Suspendre → Suspendue" in html
    recipient_client.post(
        f"/factures-recues/{invoice.pk}/traiter/",
        {"transition": "take_in_charge", "expected_status": invoice.status},
    )
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.TAKEN_IN_CHARGE
    # Taken in charge, it is still processed the usual way, but not taken in charge twice.
    choices = dict(
        recipient_client.get(f"/factures-recues/{invoice.pk}/").context["form"].fields["transition"].choices
    )
    assert "take_in_charge" not in choices and "service_done" in choices
