"""The three desks and the public form, through HTTP: scope (another structure's sollicitation is
a 404), routing by catégorie, bad input answered next to the field, the public challenge."""

import re

import pytest
from captcha.models import CaptchaStore
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import User
from solicitations import selectors
from solicitations.enums import Addressee
from solicitations.enums import SolicitationStatus as S
from solicitations.models import Solicitation, SolicitationAttachment
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%test\n"


def _send(client, subcategory, invoice=None, **extra):
    data = {"subcategory": subcategory.pk, "subject": "Facture bloquée", "message": "Pourquoi ?", "send": "1"}
    if invoice is not None:
        data["invoice"] = invoice.pk
    data.update(extra)
    return client.post(reverse("solicitations:sent_create"), data)


def test_a_question_on_an_invoice_goes_to_its_recipient_service(
    client, supplier, entity, make_invoice, invoice_question, django_capture_on_commit_callbacks
):
    """Routing by catégorie: the recipient's service; its people are told (portal and e-mail)."""
    service = entity.services.create(code="FIN", libelle="Finances")
    invoice = make_invoice(recipient_service=service)
    client.force_login(supplier.gp)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = _send(client, invoice_question, invoice, attachments=SimpleUploadedFile("bon.pdf", PDF))
    solicitation = Solicitation.objects.get()
    assert response.status_code == 302
    assert (solicitation.status, solicitation.addressee) == (S.SENT, Addressee.SERVICE)
    assert (solicitation.addressee_structure, solicitation.addressee_service) == (entity, service)
    assert solicitation.attachments.get().name == "bon.pdf"
    assert [m.to for m in mail.outbox] == [[entity.gp.email]]
    assert solicitation.number in mail.outbox[0].subject
    page = client.get(reverse("invoices:supplier_detail", args=[invoice.pk]))
    assert solicitation.number in page.content.decode()


def test_other_categories_go_to_the_support(
    client, supplier, support_question, agent, django_capture_on_commit_callbacks
):
    client.force_login(supplier.gp)
    with django_capture_on_commit_callbacks(execute=True):
        _send(client, support_question)
    solicitation = Solicitation.objects.get()
    assert solicitation.addressee == Addressee.SUPPORT and solicitation.addressee_structure is None
    assert [m.to for m in mail.outbox] == [[agent.email]]


def test_an_invoice_question_needs_an_invoice_of_the_requester(client, supplier, invoice_question):
    client.force_login(supplier.gp)
    response = _send(client, invoice_question)
    assert response.status_code == 422
    assert "choisissez une facture émise" in response.content.decode()
    assert not Solicitation.objects.exists()


def test_empty_message_is_refused_next_to_the_field(client, supplier, invoice_question, make_invoice):
    client.force_login(supplier.gp)
    response = _send(client, invoice_question, make_invoice(), message="")
    assert response.status_code == 422
    assert "Ce champ est obligatoire" in response.content.decode()
    assert not Solicitation.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("facture.pdf", b"MZ\x90\x00 not a pdf", "ne correspond pas à son extension"),
        ("script.exe", b"MZ\x90\x00", "ne sont pas acceptés"),
        ("gros.pdf", PDF + b"0" * (10 * 1024 * 1024), "dépasse 10 Mo"),
    ],
)
def test_bad_attachments_are_refused_and_nothing_is_saved(
    client, supplier, invoice_question, make_invoice, name, content, problem
):
    client.force_login(supplier.gp)
    response = _send(client, invoice_question, make_invoice(), attachments=SimpleUploadedFile(name, content))
    assert response.status_code == 422
    assert problem in response.content.decode()
    assert not Solicitation.objects.exists() and not SolicitationAttachment.objects.exists()


def test_another_structures_sollicitation_is_a_404(client, ask, make_structure, supplier, entity, agent):
    solicitation = ask()
    stranger = UserFactory()
    make_structure(stranger, public=True, raison_sociale="Autre commune")
    client.force_login(stranger)
    for desk in ("sent", "received"):
        assert client.get(reverse(f"solicitations:{desk}_detail", args=[solicitation.pk])).status_code == 404
    assert client.get(reverse("solicitations:support_home")).status_code == 404
    response = client.post(
        reverse("solicitations:received_act", args=[solicitation.pk, "answer"]), {"answer-message": "x"}
    )
    assert response.status_code == 404
    # The supplier does not see it in the received desk; the entity not in the sent one.
    client.force_login(supplier.gp)
    assert client.get(reverse("solicitations:received_detail", args=[solicitation.pk])).status_code == 404
    client.force_login(entity.gp)
    assert client.get(reverse("solicitations:sent_detail", args=[solicitation.pk])).status_code == 404
    assert client.get(reverse("solicitations:received_detail", args=[solicitation.pk])).status_code == 200
    client.force_login(agent)
    assert client.get(reverse("solicitations:support_detail", args=[solicitation.pk])).status_code == 200


def test_asking_about_another_structures_invoice_is_a_404(client, supplier, make_structure, make_invoice):
    invoice = make_invoice()
    stranger = UserFactory()
    make_structure(stranger)
    client.force_login(stranger)
    assert client.get(reverse("solicitations:sent_create"), {"facture": invoice.pk}).status_code == 404
    client.force_login(supplier.gp)
    page = client.get(reverse("solicitations:sent_create"), {"facture": invoice.pk})
    assert page.status_code == 200 and invoice.number in page.content.decode()


def test_a_service_restricted_user_sees_only_that_services_ones(client, ask, entity, make_invoice):
    from structures import services as structure_services

    finances = entity.services.create(code="FIN", libelle="Finances")
    other = entity.services.create(code="TECH", libelle="Technique")
    solicitation = ask(invoice=make_invoice(recipient_service=other))
    clerk = UserFactory()
    structure_services.attach_user(
        actor=entity.gp, structure_id=entity.pk, user=clerk, service_ids=[finances.pk]
    )
    structure_services.request_subscription(
        user=clerk, structure_id=entity.pk, space="SOLLICITATIONS_RECUES", mode="MODIFICATION"
    )
    client.force_login(clerk)
    assert client.get(reverse("solicitations:received_detail", args=[solicitation.pk])).status_code == 404


def test_the_public_form_needs_the_challenge(client, categories, agent, django_capture_on_commit_callbacks):
    page = client.get(reverse("solicitations:public_create"))
    key = re.search(r'name="captcha_0" value="([^"]+)"', page.content.decode()).group(1)
    subcategory = page.context["form"].fields["subcategory"].queryset.first()
    data = {
        "email": "perdu@exemple.fr",
        "subcategory": subcategory.pk,
        "subject": "Lien d'activation",
        "message": "Je n'ai jamais reçu le lien.",
        "captcha_0": key,
        "captcha_1": "mauvais",
    }
    response = client.post(reverse("solicitations:public_create"), data)
    assert response.status_code == 422
    assert "ne correspondent pas" in response.content.decode()
    assert not Solicitation.objects.exists()

    # A new challenge, solved by reading the stored answer.
    page = client.get(reverse("solicitations:public_create"))
    key = re.search(r'name="captcha_0" value="([^"]+)"', page.content.decode()).group(1)
    data.update(captcha_0=key, captcha_1=CaptchaStore.objects.get(hashkey=key).response)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("solicitations:public_create"), data)
    assert response.status_code == 200
    solicitation = Solicitation.objects.get()
    assert (solicitation.requester_email, solicitation.addressee, solicitation.status) == (
        "perdu@exemple.fr",
        Addressee.SUPPORT,
        S.SENT,
    )

    # The support is told; the person gets the follow link, which a forger cannot make.
    to_person = next(m for m in mail.outbox if m.to == ["perdu@exemple.fr"])
    assert any(m.to == [agent.email] for m in mail.outbox)
    link = re.search(r"http://\S+/sollicitations/suivi/\S+/", to_person.body).group(0)
    path = link.split("testserver", 1)[-1] if "testserver" in link else "/" + link.split("/", 3)[3]
    assert client.get(path).status_code == 200
    assert client.get(path.replace("suivi/", "suivi/x")).status_code == 404


def test_demo_sollicitations_cover_every_status(supplier, recipient, make_invoice):
    """The demo loader (load_demo_data's part) plays one of each status; a second run adds none."""
    from demo.solicitations import SUPPORT_EMAIL, load_demo_solicitations

    make_invoice()
    make_invoice()
    UserFactory(email=SUPPORT_EMAIL)
    parties = {
        "supplier": supplier,
        "supplier_gp": supplier.gp,
        "recipient": recipient,
        "recipient_gp": recipient.gp,
    }
    assert load_demo_solicitations(**parties) == 11
    assert load_demo_solicitations(**parties) == 0
    assert set(Solicitation.objects.values_list("status", flat=True)) == set(S.values)
    assert selectors.is_support_agent(User.objects.get(email=SUPPORT_EMAIL))


def test_the_support_reassigns_a_transferred_one_to_a_service(client, ask, entity, agent, make_structure):
    """The service transfers it; the support, across structures, hands it to another service."""
    from tests.solicitations.conftest import act

    solicitation = ask()
    act(solicitation, "SERVICE_METIER", "transfer_to_support", entity.gp, entity, message="Pas chez nous.")
    client.force_login(entity.gp)
    assert client.get(reverse("solicitations:received_detail", args=[solicitation.pk])).status_code == 404
    other = make_structure(public=True, raison_sociale="Département du Test")
    service = other.services.create(code="PAIE", libelle="Paiements")
    client.force_login(agent)
    home = client.get(reverse("solicitations:support_home")).content.decode()
    assert solicitation.number in home
    url = reverse("solicitations:support_act", args=[solicitation.pk, "reassign"])
    assert client.post(url, {"reassign-service": ""}).status_code == 422
    response = client.post(url, {"reassign-service": service.pk, "reassign-message": "Pour vous."})
    assert response.status_code == 302
    solicitation.refresh_from_db()
    assert (solicitation.status, solicitation.addressee_structure, solicitation.addressee_service) == (
        S.SENT,
        other,
        service,
    )
    # Now with the service: the support reads it but no longer acts on it.
    page = client.get(reverse("solicitations:support_detail", args=[solicitation.pk])).content.decode()
    assert 'data-testid="action-answer"' not in page


def test_a_person_without_account_completes_through_the_link(client, categories, agent):
    from solicitations import services
    from solicitations.models import SolicitationSubcategory
    from tests.solicitations.conftest import act

    solicitation = services.create_public_solicitation(
        email="perdu@exemple.fr",
        subcategory=SolicitationSubcategory.objects.get(code="COMPTE_ACTIVATION"),
        subject="Lien expiré",
        message="Mon lien a expiré.",
    )
    act(solicitation, "SUPPORT", "ask_complement", agent, message="Quelle est votre adresse de connexion ?")
    url = reverse("solicitations:public_follow", args=[services.public_token(solicitation)])
    assert client.post(url, {"action": "complete", "complete-message": ""}).status_code == 422
    response = client.post(url, {"action": "complete", "complete-message": "perdu@exemple.fr"})
    assert response.status_code == 302
    solicitation.refresh_from_db()
    assert solicitation.status == S.COMPLETED
    assert solicitation.exchanges.last().actor is None


def test_a_user_attached_to_services_asks_for_one_of_them(
    client, supplier, entity, make_invoice, invoice_question
):
    """The requester's service: offered from the user's own services, required for him, stored and
    shown to the recipient in the column « Structure et service émetteurs »."""
    from structures import services as structure_services

    purchases = supplier.services.create(code="ACHATS", libelle="Achats")
    supplier.services.create(code="DIRECTION", libelle="Direction")
    foreign = entity.services.create(code="FIN", libelle="Finances")
    clerk = UserFactory()
    structure_services.attach_user(
        actor=supplier.gp, structure_id=supplier.pk, user=clerk, service_ids=[purchases.pk]
    )
    invoice = make_invoice()
    client.force_login(clerk)
    form = client.get(reverse("solicitations:sent_create")).content.decode()
    assert "Votre service" in form and "ACHATS" in form and "DIRECTION" not in form
    refused = _send(client, invoice_question, invoice, requester_service="")
    assert refused.status_code == 422
    assert "Choisissez le service au nom duquel vous écrivez." in refused.content.decode()
    assert _send(client, invoice_question, invoice, requester_service=foreign.pk).status_code == 422
    assert not Solicitation.objects.exists()
    assert _send(client, invoice_question, invoice, requester_service=purchases.pk).status_code == 302
    solicitation = Solicitation.objects.get()
    assert solicitation.requester_service == purchases
    client.force_login(entity.gp)
    listing = client.get(reverse("solicitations:received_home")).content.decode()
    assert f"{supplier.raison_sociale} — ACHATS" in listing
    page = client.get(reverse("solicitations:received_detail", args=[solicitation.pk])).content.decode()
    assert "ACHATS" in page


def test_a_manager_may_name_a_service_or_none(client, supplier, make_invoice, invoice_question):
    supplier.services.create(code="ACHATS", libelle="Achats")
    client.force_login(supplier.gp)
    assert "Votre service" in client.get(reverse("solicitations:sent_create")).content.decode()
    assert _send(client, invoice_question, make_invoice()).status_code == 302
    assert Solicitation.objects.get().requester_service is None


def test_the_support_picks_the_structure_by_name_or_siret_then_its_service(
    client, agent, supplier, make_structure
):
    """The reassignment picker: the annuaire's search (accents ignored), suggestions only for
    the support, then the chosen structure's active services."""
    other = make_structure(public=True, raison_sociale="Département de l'Hérault")
    service = other.services.create(code="PAIE", libelle="Paiements")
    other.services.create(code="OLD", libelle="Ancien", is_active=False)
    url = reverse("solicitations:support_structures")
    client.force_login(supplier.gp)
    assert client.get(url, {"reassign-q": "herault"}).status_code == 404
    client.force_login(agent)
    by_name = client.get(url, {"reassign-q": "DEPARTEMENT HERAULT"}).content.decode()
    assert f'value="{other.pk}"' in by_name
    assert f'value="{other.pk}"' in client.get(url, {"reassign-q": other.identifier}).content.decode()
    assert f'value="{other.pk}"' not in client.get(url, {"reassign-q": "zzzz"}).content.decode()
    services = client.get(reverse("solicitations:support_services"), {"reassign-structure": other.pk})
    assert f'value="{service.pk}"' in services.content.decode() and "OLD" not in services.content.decode()
    assert (
        client.get(reverse("solicitations:support_services"), {"reassign-structure": supplier.pk}).status_code
        == 404
    )
    assert (
        client.get(reverse("solicitations:support_services"), {"reassign-structure": "abc"}).status_code
        == 404
    )
