"""Factures émises screens: entering, saving, sending, and the supplier's actions, over HTTP."""

import csv
import datetime
import hashlib
import io
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from deposits import services as deposit_services
from deposits.exceptions import DepositError
from invoices import services
from invoices.enums import AttachmentKind, InvoiceStatus
from invoices.exceptions import InvoiceNotAllowed
from invoices.models import Invoice
from structures import services as structure_services
from structures.enums import Role, Space, SubscriptionMode
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def entry_data(recipient, **overrides):
    """The Saisir facture form as a browser posts it: one line, everything valid."""
    data = {
        "cadre": "A1_FACTURE_FOURNISSEUR",
        "recipient_is_state": "NON",
        "recipient_identifier": recipient.identifier,
        "recipient_service": "",
        "invoice_type": "FACTURE",
        "number": "F2026-100",
        "invoice_date": "2026-11-02",
        "currency": "EUR",
        "vat_type": "TVA_SUR_DEBIT",
        "operation_category": "SERVICES",
        "payment_mode": "CHEQUE",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-0-designation": "Fenêtre PVC",
        "lines-0-quantity": "2",
        "lines-0-unit_price": "1 245,30",
        "lines-0-vat_rate": "20",
        "action": "send",
    }
    data.update(overrides)
    return data


@pytest.fixture
def supplier_client(client, supplier):
    client.force_login(supplier.gp)
    return client


def test_enter_and_send_an_invoice(supplier_client, supplier, recipient, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = supplier_client.post("/factures-emises/saisir/", entry_data(recipient))
    invoice = Invoice.objects.get(supplier=supplier, number="F2026-100")
    assert response.status_code == 302 and response.url == f"/factures-emises/{invoice.pk}/"
    assert invoice.status == InvoiceStatus.MADE_AVAILABLE
    assert (invoice.total_ht, invoice.total_vat, invoice.total_ttc) == (
        D("2490.60"),
        D("498.12"),
        D("2988.72"),
    )
    original = invoice.attachments.get(kind=AttachmentKind.PRINCIPAL)
    with original.file.open("rb") as handle:
        data = handle.read()
    assert hashlib.sha256(data).hexdigest() == original.sha256
    page = supplier_client.get(response.url).content.decode()
    assert original.sha256 in page and "Mise à disposition du destinataire" in page


def test_refused_send_keeps_the_draft_and_shows_each_problem_next_to_its_field(
    supplier_client, supplier, recipient
):
    structure_services.update_structure(
        actor=recipient.gp, structure_id=recipient.pk, data={"engagement_required": True}
    )
    data = entry_data(recipient, payment_mode="", invoice_date="2099-01-01", comment="Typé à la main")
    response = supplier_client.post("/factures-emises/saisir/", data)
    draft = Invoice.objects.get(supplier=supplier, number="F2026-100")
    assert draft.status == InvoiceStatus.DRAFT and draft.lines.count() == 1
    # Redirected to the draft's page: a reload neither posts again nor creates another draft.
    assert response.status_code == 302 and response.url == f"/factures-emises/{draft.pk}/modifier/"
    response = supplier_client.get(response.url)
    form = response.context["form"]
    assert form.errors["numero_engagement"] == ["Le destinataire exige un numéro d'engagement."]
    assert form.errors["payment_mode"] == ["Le mode de règlement est obligatoire pour une facture."]
    assert form.errors["invoice_date"] == ["La date de facture ne peut pas être dans le futur."]
    html = response.content.decode()
    assert "Le formulaire contient 3 erreurs" in html and 'href="#id_payment_mode"' in html
    assert "Typé à la main" in html and 'value="2099-01-01"' in html
    assert "ne peut pas être envoyé" in html
    # Shown once: the page read again is the draft as saved.
    assert (
        "data-error-summary"
        not in supplier_client.get(f"/factures-emises/{draft.pk}/modifier/").content.decode()
    )
    assert f'action="/factures-emises/{draft.pk}/modifier/"' in html
    response = supplier_client.post(
        f"/factures-emises/{draft.pk}/modifier/",
        entry_data(recipient, numero_engagement="EJ-1", invoice_date="2026-11-02"),
    )
    assert response.status_code == 302
    assert Invoice.objects.filter(supplier=supplier).count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("number", "F 2026 é", "Lettres, chiffres et - _ / + uniquement, sans espace ni accent."),
        (
            "number",
            "X" * 21,
            "Assurez-vous que cette valeur comporte au plus 20 caractères (actuellement 21).",
        ),
        ("invoice_date", "31/02/2026", "Saisissez une date valide."),
        ("lines-0-quantity", "deux", "Saisissez un montant, par exemple 1 245,30."),
        ("global_discount", "-5", "Assurez-vous que cette valeur est supérieure ou égale à 0."),
        (
            "recipient_identifier",
            "99999999999999",
            "Aucune structure publique de l'annuaire n'a l'identifiant 99999999999999.",
        ),
        ("cadre", "A99", "Sélectionnez un choix valide. A99 n’en fait pas partie."),
    ],
)
def test_bad_input_gets_a_french_message_and_saves_nothing(
    supplier_client, supplier, recipient, field, value, message
):
    response = supplier_client.post("/factures-emises/saisir/", entry_data(recipient, **{field: value}))
    assert response.status_code == 422
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Invoice.objects.filter(supplier=supplier).exists()


def test_save_a_draft_with_a_temporary_number_then_edit_it(supplier_client, supplier, recipient):
    response = supplier_client.post(
        "/factures-emises/saisir/", entry_data(recipient, number="", action="save")
    )
    draft = Invoice.objects.get(supplier=supplier)
    assert response.url == f"/factures-emises/{draft.pk}/modifier/"
    assert draft.number == f"BROUILLON-{draft.pk}" and draft.status == InvoiceStatus.DRAFT
    page = supplier_client.get(response.url).content.decode()
    assert 'value="Fenêtre PVC"' in page and 'value="1245,3"' in page.replace("\xa0", "")


def test_lines_are_added_and_removed_without_saving(supplier_client, supplier, recipient):
    data = entry_data(recipient, action="add_line")
    response = supplier_client.post("/factures-emises/saisir/", data)
    assert response.status_code == 200
    assert len(response.context["lines"].forms) == 2
    assert not Invoice.objects.exists()
    data.update(
        {
            "lines-TOTAL_FORMS": "2",
            "lines-1-designation": "Pose",
            "lines-1-quantity": "1",
            "lines-1-unit_price": "80",
            "lines-1-vat_rate": "10",
            "action": "remove_line:0",
        }
    )
    response = supplier_client.post("/factures-emises/saisir/", data)
    lines = response.context["lines"]
    assert [form["designation"].value() for form in lines.forms] == ["Pose"]


def test_live_totals_follow_the_typed_lines(supplier_client, recipient):
    data = entry_data(
        recipient,
        **{
            "lines-TOTAL_FORMS": "3",
            "lines-1-designation": "Pose",
            "lines-1-quantity": "3,5",
            "lines-1-unit_price": "42,10",
            "lines-1-discount": "5",
            "lines-1-vat_rate": "10",
            "lines-2-designation": "incomplète",
            "global_discount": "10",
        },
    )
    response = supplier_client.post("/factures-emises/saisir/totaux/", data, HTTP_HX_REQUEST="true")
    totals = response.context["totals"]
    assert totals.vat_summary == {
        ("S", D("20")): (D("2490.60"), D("498.12")),
        ("S", D("10")): (D("142.35"), D("14.24")),
    }
    assert totals.total_ttc == D("3135.31") and totals.amount_due == D("3135.31")
    assert 'id="line-amount-1" hx-swap-oob="true">142,35' in response.content.decode()


def test_net_to_pay_different_from_ttc_is_flagged(supplier_client, recipient):
    response = supplier_client.post(
        "/factures-emises/saisir/totaux/", entry_data(recipient, amount_due="1000")
    )
    assert response.context["totals"].amount_due_differs
    assert "diffère du montant TTC" in response.content.decode()


def test_already_paid_cadre_defaults_the_net_to_pay_to_zero(supplier_client, supplier, recipient):
    data = entry_data(recipient, cadre="A2_FACTURE_FOURNISSEUR_DEJA_PAYEE", action="save")
    supplier_client.post("/factures-emises/saisir/", data)
    draft = Invoice.objects.get(supplier=supplier)
    assert (draft.total_ttc, draft.amount_due) == (D("2988.72"), D("0.00"))


def test_recipient_block_shows_requirements_and_services(supplier_client, recipient):
    structure_services.create_service(
        actor=recipient.gp,
        structure_id=recipient.pk,
        code="TECH",
        libelle="Technique",
        engagement_required=True,
    )
    structure_services.update_structure(
        actor=recipient.gp, structure_id=recipient.pk, data={"code_service_required": True}
    )
    spaced = f"{recipient.identifier[:3]} {recipient.identifier[3:6]} {recipient.identifier[6:]}"
    page = supplier_client.get("/factures-emises/saisir/destinataire/", {"recipient_identifier": spaced})
    text = page.content.decode()
    assert recipient.raison_sociale in text
    assert "Ce destinataire exige un code service." in text
    assert "Le service TECH exige un numéro d'engagement." in text
    results = supplier_client.get("/factures-emises/saisir/annuaire/", {"q": "Recevoir"}).content.decode()
    assert recipient.identifier in results and "Choisir" in results


def test_attachments_are_checked_on_their_content(supplier_client, supplier, recipient):
    fake = SimpleUploadedFile("bon-de-livraison.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = supplier_client.post(
        "/factures-emises/saisir/", {**entry_data(recipient, action="save"), "attachments": [fake]}
    )
    assert response.status_code == 422
    assert "bon-de-livraison.pdf : Le contenu du fichier ne correspond pas à son extension .pdf." in (
        response.content.decode().replace("&#x27;", "'")
    )
    assert not Invoice.objects.exists()
    good = SimpleUploadedFile("bon-de-livraison.pdf", PDF, content_type="application/pdf")
    supplier_client.post(
        "/factures-emises/saisir/", {**entry_data(recipient, action="save"), "attachments": [good]}
    )
    attachment = Invoice.objects.get().attachments.get()
    assert (attachment.kind, attachment.size, attachment.sha256) == (
        AttachmentKind.COMPLEMENTARY,
        len(PDF),
        hashlib.sha256(PDF).hexdigest(),
    )


def test_duplicate_and_delete_a_draft(supplier_client, supplier, make_invoice):
    sent = make_invoice()
    response = supplier_client.post(f"/factures-emises/{sent.pk}/dupliquer/")
    copy = Invoice.objects.exclude(pk=sent.pk).get()
    assert response.url == f"/factures-emises/{copy.pk}/modifier/"
    assert copy.status == InvoiceStatus.DRAFT and copy.lines.count() == sent.lines.count()
    assert copy.total_ttc == sent.total_ttc and copy.number == f"BROUILLON-{copy.pk}"
    confirm = supplier_client.post(f"/factures-emises/{copy.pk}/supprimer/")
    assert "Supprimer le brouillon" in confirm.content.decode()
    supplier_client.post(f"/factures-emises/{copy.pk}/supprimer/", {"confirm": "1"})
    copy.refresh_from_db()
    assert copy.status == InvoiceStatus.DELETED
    assert supplier_client.get(f"/factures-emises/{copy.pk}/").status_code == 404
    supplier_client.post(f"/factures-emises/{sent.pk}/supprimer/", {"confirm": "1"})
    sent.refresh_from_db()
    assert sent.status == InvoiceStatus.MADE_AVAILABLE


def test_recycle_a_returned_invoice(
    supplier_client, supplier, recipient, make_invoice, make_structure, django_capture_on_commit_callbacks
):
    invoice = make_invoice()
    services.process_invoice(
        actor=recipient.gp,
        structure=recipient,
        invoice_id=invoice.pk,
        transition="to_recycle",
        reason="Mauvais SIRET",
    )
    page = supplier_client.get(f"/factures-emises/{invoice.pk}/").content.decode()
    assert "Mauvais SIRET" in page and "Recycler" in page
    other = make_structure(UserFactory(), public=True, raison_sociale="Commune de Corrigée")
    response = supplier_client.post(
        f"/factures-emises/{invoice.pk}/recycler/", {"recipient_identifier": "123", "comment": ""}
    )
    assert response.status_code == 422
    with django_capture_on_commit_callbacks(execute=True):
        response = supplier_client.post(
            f"/factures-emises/{invoice.pk}/recycler/",
            {"recipient_identifier": other.identifier, "numero_engagement": "EJ-9", "comment": "Corrigé"},
        )
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert (invoice.status, invoice.recipient, invoice.numero_engagement) == (
        InvoiceStatus.MADE_AVAILABLE,
        other,
        "EJ-9",
    )


def test_complete_a_suspended_invoice_with_a_document(supplier_client, recipient, make_invoice):
    invoice = make_invoice()
    services.process_invoice(
        actor=recipient.gp,
        structure=recipient,
        invoice_id=invoice.pk,
        transition="suspend",
        reason="PV manquant",
    )
    response = supplier_client.post(f"/factures-emises/{invoice.pk}/completer/", {"comment": ""})
    assert response.status_code == 422
    assert "Ajoutez une pièce jointe ou un commentaire" in response.content.decode()
    pv = SimpleUploadedFile("pv-reception.pdf", PDF, content_type="application/pdf")
    response = supplier_client.post(f"/factures-emises/{invoice.pk}/completer/", {"attachments": [pv]})
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.COMPLETED
    assert list(
        invoice.attachments.filter(kind=AttachmentKind.COMPLEMENTARY).values_list("name", flat=True)
    ) == ["pv-reception.pdf"]
    assert invoice.status_changes.first().payload == {"attachments": ["pv-reception.pdf"]}


def test_acknowledge_returned_invoices_from_the_summary(supplier_client, recipient, make_invoice):
    first, second = make_invoice(), make_invoice()
    for invoice in (first, second):
        services.process_invoice(
            actor=recipient.gp,
            structure=recipient,
            invoice_id=invoice.pk,
            transition="reject",
            reason="Doublon",
        )
    page = supplier_client.get("/factures-emises/").content.decode()
    assert "2 factures renvoyées à prendre en compte" in page
    supplier_client.post("/factures-emises/prendre-connaissance/", {"ids": [first.pk, "x", second.pk]})
    page = supplier_client.get("/factures-emises/").content.decode()
    assert "renvoyées à prendre en compte" not in page


def test_certificate_and_original_downloads(supplier_client, make_invoice):
    invoice = make_invoice()
    response = supplier_client.get(f"/factures-emises/{invoice.pk}/certificat-de-depot/")
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    response = supplier_client.get(f"/factures-emises/{invoice.pk}/original/")
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == invoice.attachments.get(kind=AttachmentKind.PRINCIPAL).sha256


def test_search_criteria_sorting_and_csv_export(supplier_client, make_invoice):
    small = make_invoice(
        number="A-1", lines=[{"designation": "x", "quantity": "1", "unit_price": "10", "vat_rate": "20"}]
    )
    big = make_invoice(
        number="B-2", lines=[{"designation": "y", "quantity": "1", "unit_price": "900", "vat_rate": "20"}]
    )
    make_invoice(number="C-3", send=False)
    response = supplier_client.get(
        "/factures-emises/rechercher/", {"statuses": ["MISE_A_DISPOSITION"], "sort": "-montant_ttc"}
    )
    assert [i.number for i in response.context["page_obj"]] == ["B-2", "A-1"]
    response = supplier_client.get(
        "/factures-emises/rechercher/", {"amount_min": "100", "amount_kind": "TTC"}
    )
    assert [i.number for i in response.context["page_obj"]] == [
        "C-3",
        "B-2",
    ]  # drafts (no deposit date) come first
    response = supplier_client.get("/factures-emises/rechercher/", {"number": "c-"})
    assert [i.number for i in response.context["page_obj"]] == ["C-3"]
    # The number is searched from its start (an index serves it on PostgreSQL).
    response = supplier_client.get("/factures-emises/rechercher/", {"number": "-3"})
    assert list(response.context["page_obj"]) == []
    response = supplier_client.get(
        "/factures-emises/rechercher/", {"invoice_date_from": "2026-12-01", "invoice_date_to": "2026-11-01"}
    )
    assert response.status_code == 422
    assert "La fin de la période précède son début." in response.content.decode()
    export = supplier_client.get("/factures-emises/rechercher/", {"sort": "numero", "format": "csv"})
    rows = list(
        csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig")), delimiter=";")
    )
    assert rows[0][:3] == ["Identifiant portail", "Numéro de facture", "Type"]
    assert [row[1] for row in rows[1:]] == ["A-1", "B-2", "C-3"]
    assert rows[2][17] == "1080,00" and str(big.total_ttc) == "1080.00" and small.pk


def test_dashboard_counts_and_amounts_per_status_and_month(supplier_client, make_invoice):
    make_invoice(invoice_date=datetime.date.today())
    make_invoice(invoice_date=datetime.date.today())
    make_invoice(send=False)
    response = supplier_client.get("/factures-emises/tableau-de-bord/")
    by_status = {row["status"]: row["count"] for row in response.context["by_status"]}
    assert by_status == {InvoiceStatus.MADE_AVAILABLE: 2}
    assert response.context["by_month"][-1]["count"] == 2
    assert "<svg" in response.content.decode()


def test_another_structures_invoice_answers_404(client, make_invoice, make_structure):
    invoice = make_invoice()
    stranger = UserFactory()
    make_structure(stranger)
    client.force_login(stranger)
    for path in ("", "modifier/", "recycler/", "completer/", "original/", "certificat-de-depot/"):
        assert client.get(f"/factures-emises/{invoice.pk}/{path}").status_code == 404
    assert client.post(f"/factures-emises/{invoice.pk}/dupliquer/").status_code == 404


def test_consultation_user_reads_but_cannot_enter(client, supplier, make_invoice):
    reader = UserFactory()
    structure_services.attach_user(actor=supplier.gp, structure_id=supplier.pk, user=reader, role=Role.USER)
    structure_services.request_subscription(
        user=reader, structure_id=supplier.pk, space=Space.FACTURES_EMISES, mode=SubscriptionMode.CONSULTATION
    )
    invoice = make_invoice()
    client.force_login(reader)
    assert client.get(f"/factures-emises/{invoice.pk}/").status_code == 200
    response = client.get("/factures-emises/saisir/")
    assert response.status_code == 302
    assert "Saisir facture" not in client.get("/factures-emises/").content.decode()
    assert client.post(f"/factures-emises/{invoice.pk}/dupliquer/").status_code == 302
    assert Invoice.objects.count() == 1


def test_user_without_the_space_gets_404(client, supplier):
    outsider = UserFactory()
    structure_services.attach_user(actor=supplier.gp, structure_id=supplier.pk, user=outsider, role=Role.USER)
    subscription = outsider.subscriptions.get(space=Space.FACTURES_EMISES)
    structure_services.end_subscription(user=outsider, subscription_id=subscription.pk)
    client.force_login(outsider)
    assert client.get("/factures-emises/").status_code == 404


def test_returns_older_than_seven_days_must_be_acknowledged_before_a_new_invoice(
    supplier_client, supplier, recipient, make_invoice, time_machine
):
    invoice = make_invoice()
    services.process_invoice(
        actor=recipient.gp, structure=recipient, invoice_id=invoice.pk, transition="reject", reason="Doublon"
    )
    assert supplier_client.get("/factures-emises/saisir/").status_code == 200
    time_machine.move_to(timezone.now() + datetime.timedelta(days=8))
    supplier_client.logout()  # eight idle days ended the session: log in again
    supplier_client.force_login(supplier.gp)
    for path in ("/factures-emises/saisir/", "/factures-emises/depot/"):
        response = supplier_client.get(path, follow=True)
        assert response.redirect_chain[-1][0] == "/factures-emises/"
        assert "plus de sept jours" in response.content.decode()
    # The services hold the rule, whatever calls them: a new draft, a copy, a deposit.
    with pytest.raises(InvoiceNotAllowed, match="plus de sept jours"):
        services.save_draft(actor=supplier.gp, structure=supplier, data={}, lines=[])
    with pytest.raises(InvoiceNotAllowed, match="plus de sept jours"):
        services.duplicate_invoice(actor=supplier.gp, structure=supplier, invoice_id=invoice.pk)
    with pytest.raises(DepositError, match="plus de sept jours"):
        deposit_services.create_deposit(
            actor=supplier.gp,
            structure=supplier,
            kind="UNITAIRE",
            declared_format="PDF_NON_SIGNE",
            cadre="A1_FACTURE_FOURNISSEUR",
            validator=None,
            upload=SimpleUploadedFile("facture.pdf", b"%PDF-1.7\n%%EOF"),
        )
    services.acknowledge_return(actor=supplier.gp, structure=supplier, invoice_id=invoice.pk)
    assert supplier_client.get("/factures-emises/saisir/").status_code == 200


@pytest.mark.parametrize("action", ["save", "send"])
def test_an_empty_form_creates_no_draft_and_says_what_is_missing(supplier_client, supplier, action):
    """Nothing typed: no empty draft, and the summary lists what an invoice needs."""
    data = {
        "cadre": "A1_FACTURE_FOURNISSEUR",
        "recipient_is_state": "NON",
        "invoice_type": "FACTURE",
        "currency": "EUR",
        "vat_type": "TVA_SUR_DEBIT",
        "operation_category": "SERVICES",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-0-unit": "C62",
        "lines-0-vat_rate": "20",
        "action": action,
    }
    response = supplier_client.post("/factures-emises/saisir/", data)
    assert response.status_code == 422
    assert not Invoice.objects.filter(supplier=supplier).exists()
    html = response.content.decode().replace("&#x27;", "'")
    assert "Rien n'est saisi : aucun brouillon n'est créé." in html
    for missing in (
        "Choisissez le destinataire de la facture dans l'annuaire.",
        "La date de facture est obligatoire.",
        "Le mode de règlement est obligatoire pour une facture.",
        "La facture doit comporter au moins une ligne.",
    ):
        assert missing in html
    assert 'href="#id_recipient_identifier"' in html


def test_format_errors_do_not_hide_what_the_send_refuses(supplier_client, supplier, recipient):
    """A date typed wrong and a missing payment mode: both at the first try, nothing saved."""
    response = supplier_client.post(
        "/factures-emises/saisir/", entry_data(recipient, invoice_date="31/02/2026", payment_mode="")
    )
    assert response.status_code == 422
    assert not Invoice.objects.filter(supplier=supplier).exists()
    form = response.context["form"]
    assert form.errors["invoice_date"] == ["Saisissez une date valide."]  # not also « obligatoire »
    assert form.errors["payment_mode"] == ["Le mode de règlement est obligatoire pour une facture."]
    summary = response.context["error_summary"]
    assert [item["anchor"] for item in summary] == ["id_invoice_date", "id_payment_mode"]
    # A line typed wrong is reported on its field, in the summary too.
    response = supplier_client.post(
        "/factures-emises/saisir/", entry_data(recipient, **{"lines-0-quantity": "deux"})
    )
    summary = response.context["error_summary"]
    assert summary == [
        {
            "anchor": "id_lines-0-quantity",
            "label": "Ligne 1 — Quantité",
            "message": "Saisissez un montant, par exemple 1 245,30.",
        }
    ]
