import datetime
from decimal import Decimal as D

import facturx
import pytest
from django.core import mail

from invoices import selectors, services
from invoices.enums import AttachmentKind, InvoiceStatus, InvoiceType
from invoices.exceptions import ConcurrentChange, InvoiceError, InvoiceNotAllowed, SubmissionRefused
from invoices.models import InvoiceStatusChange
from invoices.workflow import InvalidTransition
from structures import services as structure_services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_draft_gets_a_temporary_number_and_computed_totals(make_invoice):
    invoice = make_invoice(send=False, number="")
    assert invoice.status == InvoiceStatus.DRAFT
    assert invoice.number == f"BROUILLON-{invoice.pk}"
    assert invoice.total_ht == D("1042.35") and invoice.total_ttc == D("1236.59")
    assert [(v.rate, v.base, v.vat) for v in invoice.vat_lines.all()] == [
        (D("20.00"), D("900.00"), D("180.00")),
        (D("10.00"), D("142.35"), D("14.24")),
    ]


def test_send_routes_to_the_recipient_through_the_worker_task(make_invoice, recipient):
    invoice = make_invoice()
    assert invoice.status == InvoiceStatus.MADE_AVAILABLE
    assert [c.to_status for c in invoice.status_changes.order_by("pk")] == [
        "BROUILLON",
        "DEPOSEE",
        "EN_COURS_ACHEMINEMENT",
        "MISE_A_DISPOSITION",
    ]
    assert invoice.made_available_at is not None
    assert selectors.recipient_to_handle(recipient).filter(pk=invoice.pk).exists()


def test_send_reports_every_problem_at_once(supplier):
    draft = services.save_draft(
        actor=supplier.gp, structure=supplier, data={"number": "", "invoice_type": "FACTURE"}, lines=[]
    )
    with pytest.raises(SubmissionRefused) as refused:
        services.submit_invoice(actor=supplier.gp, structure=supplier, invoice_id=draft.pk)
    assert {"recipient", "number", "invoice_date", "payment_mode", "lines"} <= set(refused.value.errors)
    draft.refresh_from_db()
    assert draft.status == InvoiceStatus.DRAFT


def test_recipient_requirements_service_engagement_either(make_invoice, recipient):
    service = structure_services.create_service(
        actor=recipient.gp,
        structure_id=recipient.pk,
        code="TECH",
        libelle="Technique",
        engagement_required=True,
    )
    structure_services.update_structure(
        actor=recipient.gp, structure_id=recipient.pk, data={"service_or_engagement_required": True}
    )
    draft = make_invoice(send=False)
    errors = services.submission_errors(draft)
    assert "numero_engagement" in errors  # either one required, none given
    draft = make_invoice(send=False, recipient_service_id=service.pk)
    assert services.submission_errors(draft)["numero_engagement"] == [
        "Le service choisi exige un numéro d'engagement."
    ]
    draft = make_invoice(send=False, recipient_service_id=service.pk, numero_engagement="EJ-1")
    assert services.submission_errors(draft) == {}


def test_future_date_duplicate_number_and_inactive_recipient(make_invoice, recipient):
    make_invoice(number="F-1")
    with pytest.raises(SubmissionRefused) as refused:
        make_invoice(send=False, number="F-1")
    assert "number" in refused.value.errors
    draft = make_invoice(send=False, invoice_date=datetime.date.today() + datetime.timedelta(days=2))
    assert "invoice_date" in services.submission_errors(draft)
    structure_services.inactivate_structure(actor=recipient.gp, structure_id=recipient.pk)
    draft = make_invoice(send=False)
    assert services.submission_errors(draft)["recipient"] == ["Destinataire non localisé ou inactif."]


def test_credit_note_rules(make_invoice):
    draft = make_invoice(send=False, invoice_type=InvoiceType.CREDIT_NOTE, origin_invoice_number="F2026-0001")
    assert services.submission_errors(draft)["payment_mode"] == [
        "Un avoir ne porte pas de mode de règlement."
    ]
    draft = make_invoice(send=False, invoice_type=InvoiceType.CREDIT_NOTE, payment_mode="")
    # BR-FR-CO-05: the credit note the portal issues cites the invoice it corrects, and its date.
    assert services.submission_errors(draft) == {
        "origin_invoice_number": ["Un avoir indique le numéro de la facture qu'il corrige."],
        "origin_invoice_date": ["Un avoir indique la date de la facture qu'il corrige."],
    }
    origin = {
        "invoice_type": InvoiceType.CREDIT_NOTE,
        "payment_mode": "",
        "origin_invoice_number": "F2026-0001",
    }
    for origin_date, errors in (
        (
            datetime.date(2026, 11, 3),
            {"origin_invoice_date": ["La facture d'origine ne peut pas être postérieure à l'avoir."]},
        ),
        (datetime.date(2026, 10, 1), {}),
    ):
        draft = make_invoice(send=False, origin_invoice_date=origin_date, **origin)
        assert services.submission_errors(draft) == errors


def test_saisie_blocked_without_active_mandate(make_invoice, supplier):
    mandate = supplier.mandates.get()
    structure_services.revoke_mandate(actor=supplier.gp, structure_id=supplier.pk, mandate_id=mandate.pk)
    draft = make_invoice(send=False)
    assert None in services.submission_errors(draft)
    assert services.submission_errors(draft, require_mandate=False) == {}


def test_recipient_reject_needs_motif_and_is_terminal(make_invoice, recipient):
    invoice = make_invoice()
    with pytest.raises(InvoiceError):
        services.process_invoice(
            actor=recipient.gp, structure=recipient, invoice_id=invoice.pk, transition="reject"
        )
    services.process_invoice(
        actor=recipient.gp,
        structure=recipient,
        invoice_id=invoice.pk,
        transition="reject",
        reason="Montant erroné",
    )
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.REJECTED
    assert invoice.status_changes.first().reason == "Montant erroné"
    with pytest.raises(InvalidTransition):
        services.process_invoice(
            actor=recipient.gp, structure=recipient, invoice_id=invoice.pk, transition="pay"
        )


def test_mandate_then_pay(make_invoice, recipient):
    invoice = make_invoice()
    with pytest.raises(InvoiceError):
        services.process_invoice(
            actor=recipient.gp, structure=recipient, invoice_id=invoice.pk, transition="mandate"
        )
    services.process_invoice(
        actor=recipient.gp,
        structure=recipient,
        invoice_id=invoice.pk,
        transition="mandate",
        mandate_number="M-42",
    )
    services.process_invoice(actor=recipient.gp, structure=recipient, invoice_id=invoice.pk, transition="pay")
    invoice.refresh_from_db()
    assert (invoice.status, invoice.mandate_number) == (InvoiceStatus.PAID, "M-42")


def test_stale_status_is_refused(make_invoice, recipient):
    invoice = make_invoice()
    services.process_invoice(
        actor=recipient.gp,
        structure=recipient,
        invoice_id=invoice.pk,
        transition="service_done",
        expected_status=InvoiceStatus.MADE_AVAILABLE,
    )
    with pytest.raises(ConcurrentChange):
        services.process_invoice(
            actor=recipient.gp,
            structure=recipient,
            invoice_id=invoice.pk,
            transition="reject",
            reason="x",
            expected_status=InvoiceStatus.MADE_AVAILABLE,
        )


def test_recycle_routes_again_to_the_corrected_recipient(
    make_invoice, recipient, make_structure, django_capture_on_commit_callbacks, supplier
):
    invoice = make_invoice()
    services.process_invoice(
        actor=recipient.gp,
        structure=recipient,
        invoice_id=invoice.pk,
        transition="to_recycle",
        reason="Mauvais destinataire",
    )
    other_gp = UserFactory()
    other = make_structure(other_gp, public=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.recycle_invoice(
            actor=supplier.gp,
            structure=supplier,
            invoice_id=invoice.pk,
            recipient=other,
            recipient_service=None,
            numero_engagement="",
            comment="Corrigé",
        )
    invoice.refresh_from_db()
    assert (invoice.status, invoice.recipient) == (InvoiceStatus.MADE_AVAILABLE, other)
    assert not selectors.received_by(recipient).filter(pk=invoice.pk).exists()


def test_suspend_then_complete(make_invoice, recipient, supplier):
    invoice = make_invoice()
    services.process_invoice(
        actor=recipient.gp,
        structure=recipient,
        invoice_id=invoice.pk,
        transition="suspend",
        reason="Bon de livraison manquant",
    )
    with pytest.raises(InvoiceError):
        services.complete_invoice(actor=supplier.gp, structure=supplier, invoice_id=invoice.pk, comment="")
    services.complete_invoice(
        actor=supplier.gp, structure=supplier, invoice_id=invoice.pk, comment="BL envoyé"
    )
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.COMPLETED
    assert selectors.recipient_to_handle(recipient).filter(pk=invoice.pk).exists()


def test_scopes_other_structures_cannot_act(make_invoice, recipient, make_structure, supplier):
    invoice = make_invoice()
    stranger = UserFactory()
    other_public = make_structure(stranger, public=True)
    with pytest.raises(InvoiceError):
        services.process_invoice(
            actor=stranger, structure=other_public, invoice_id=invoice.pk, transition="service_done"
        )
    with pytest.raises(InvoiceNotAllowed):
        services.process_invoice(
            actor=supplier.gp, structure=recipient, invoice_id=invoice.pk, transition="service_done"
        )
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.MADE_AVAILABLE
    assert not invoice.status_changes.filter(transition="service_done").exists()


def test_status_change_mail_is_queued_after_commit(
    make_invoice, recipient, supplier, django_capture_on_commit_callbacks
):
    invoice = make_invoice()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.process_invoice(
            actor=recipient.gp,
            structure=recipient,
            invoice_id=invoice.pk,
            transition="reject",
            reason="Doublon",
        )
    assert mail.outbox == [] and len(callbacks) == 1
    callbacks[0]()
    assert [m.to for m in mail.outbox] == [[supplier.gp.email]]
    assert "Rejetée" in mail.outbox[0].subject


def test_history_rows_are_append_only(make_invoice):
    change = make_invoice().status_changes.first()
    with pytest.raises(ValueError):
        change.save()
    with pytest.raises(ValueError):
        InvoiceStatusChange.objects.first().delete()


def test_connected_home_counts_invoices_to_handle(client, make_invoice, recipient, supplier):
    invoice = make_invoice()
    client.force_login(recipient.gp)
    assert "1 facture à traiter" in client.get("/").content.decode()
    services.process_invoice(
        actor=recipient.gp, structure=recipient, invoice_id=invoice.pk, transition="reject", reason="Doublon"
    )
    client.force_login(supplier.gp)
    assert "1 facture rejetée, suspendue ou à recycler" in client.get("/").content.decode()


@pytest.mark.documents
def test_credit_note_is_sent_with_positive_amounts_and_its_origin(
    make_invoice, django_capture_on_commit_callbacks
):
    """An avoir keeps positive amounts, cites the origin invoice, and its original is a 381."""
    invoice = make_invoice(
        invoice_type=InvoiceType.CREDIT_NOTE,
        payment_mode="",
        origin_invoice_number="F2026-0001",
        origin_invoice_date=datetime.date(2026, 10, 1),
    )
    assert invoice.status == InvoiceStatus.MADE_AVAILABLE and invoice.total_ttc == D("1236.59")
    original = invoice.attachments.get(kind=AttachmentKind.PRINCIPAL)
    with original.file.open("rb") as handle:
        _name, xml = facturx.get_xml_from_pdf(handle.read(), check_xsd=False)
    assert b"<ram:TypeCode>381</ram:TypeCode>" in xml and b"F2026-0001" in xml


def test_line_discount_larger_than_the_line_is_refused(make_invoice):
    lines = [
        {
            "designation": "Remise abusive",
            "quantity": "1",
            "unit_price": "10",
            "discount": "15",
            "vat_rate": "20",
        }
    ]
    draft = make_invoice(send=False, lines=lines)
    assert "Ligne 1 : la remise dépasse le montant de la ligne." in services.submission_errors(draft)["lines"]


def test_supplier_without_vat_number_is_told_where_to_enter_it(make_invoice, supplier):
    structure_services.update_structure(actor=supplier.gp, structure_id=supplier.pk, data={"numero_tva": ""})
    supplier.refresh_from_db()
    draft = make_invoice(send=False)
    assert "Ma structure" in services.submission_errors(draft)["vat_type"][0]
    draft = make_invoice(
        send=False,
        vat_type="SANS_TVA",
        lines=[
            {
                "designation": "Hors champ",
                "quantity": "1",
                "unit_price": "100",
                "vat_rate": "0",
                "vat_category": "O",
            }
        ],
    )
    assert services.submission_errors(draft) == {}


def test_batch_reports_a_bug_on_one_invoice_and_does_the_others(make_invoice, recipient, caplog):
    """run_batch: each invoice in its own transaction; an unexpected error is logged and reported
    « erreur technique » for that invoice only, and its partial writes are undone."""
    first, broken, last = make_invoice(number="A-1"), make_invoice(number="B-2"), make_invoice(number="C-3")

    def action(invoice_id):
        services.process_invoice(
            actor=recipient.gp, structure=recipient, invoice_id=invoice_id, transition="service_done"
        )
        if invoice_id == broken.pk:
            raise RuntimeError("boom")

    outcome = services.run_batch(
        selectors.received_by(recipient), [last.pk, broken.pk, first.pk, 999999], action
    )
    assert outcome.done == ["A-1", "C-3"]
    assert outcome.refused == [("B-2", "erreur technique"), ("999999", "Facture introuvable.")]
    assert "batch action on invoice" in caplog.text
    broken.refresh_from_db()
    assert broken.status == InvoiceStatus.MADE_AVAILABLE
    assert not broken.status_changes.filter(to_status=InvoiceStatus.SERVICE_DONE).exists()
