"""Factures à valider screens: Synthèse with the days left, the invoice page's decision, several at
once, Rechercher and its export, the supplier's « Corriger le valideur », and the space's menu."""

import datetime

import pytest
import time_machine

from invoices.enums import InvoiceStatus, ValidationRefusal

pytestmark = pytest.mark.django_db
S = InvoiceStatus


@pytest.fixture
def validator_client(client, titulaire):
    client.force_login(titulaire.gp)
    return client


def test_the_menu_offers_the_space_once_opened(validator_client, titulaire):
    page = validator_client.get("/factures-a-valider/")
    assert page.status_code == 200
    assert {
        "label": "Factures à valider",
        "url": "/factures-a-valider/",
        "space": "FACTURES_A_VALIDER",
    } in page.context["space_menu"]


def test_synthese_lists_the_invoices_to_validate_with_the_days_left(validator_client, send_a9, titulaire):
    start = datetime.datetime(2026, 11, 3, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        late = send_a9(titulaire, number="A9-LATE")
    with time_machine.travel(start + datetime.timedelta(days=10), tick=False):
        fresh = send_a9(titulaire, number="A9-FRESH")
    with time_machine.travel(start + datetime.timedelta(days=13, hours=1), tick=False):
        page = validator_client.get("/factures-a-valider/")
    assert [invoice.number for invoice in page.context["page_obj"]] == [late.number, fresh.number]
    html = page.content.decode()
    assert "1 jour restant" in html and "11 jours restants" in html
    assert "2 factures attendent votre décision." in html


def test_validator_validates_from_the_invoice_page(
    validator_client, send_a9, titulaire, django_capture_on_commit_callbacks
):
    invoice = send_a9(titulaire)
    page = validator_client.get(f"/factures-a-valider/{invoice.pk}/")
    assert page.context["awaiting"] and "Valider ou refuser la facture" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = validator_client.post(
            f"/factures-a-valider/{invoice.pk}/traiter/",
            {"decision": "validate", "expected_status": invoice.status},
        )
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == S.MADE_AVAILABLE


def test_refusal_without_motif_is_told_next_to_the_field(validator_client, send_a9, titulaire):
    invoice = send_a9(titulaire)
    response = validator_client.post(
        f"/factures-a-valider/{invoice.pk}/traiter/",
        {"decision": "refuse", "expected_status": invoice.status},
    )
    assert response.status_code == 422
    assert response.context["form"].errors["motif"] == ["Le motif est obligatoire pour cette action."]
    # A second validator that is not a structure of the portal is refused too, nothing changes.
    response = validator_client.post(
        f"/factures-a-valider/{invoice.pk}/traiter/",
        {"decision": "validate", "expected_status": invoice.status, "second_validator_identifier": "123"},
    )
    assert response.context["form"].errors["second_validator_identifier"]
    invoice.refresh_from_db()
    assert invoice.status == S.TO_VALIDATE_1


def test_a_stale_page_is_told_the_invoice_moved(validator_client, send_a9, titulaire):
    invoice = send_a9(titulaire)
    response = validator_client.post(
        f"/factures-a-valider/{invoice.pk}/traiter/",
        {"decision": "validate", "expected_status": S.TO_VALIDATE_2},
        follow=True,
    )
    assert "a changé de statut entre-temps" in response.content.decode()
    invoice.refresh_from_db()
    assert invoice.status == S.TO_VALIDATE_1


def test_several_at_once(validator_client, send_a9, titulaire):
    first, second = send_a9(titulaire, number="A9-1"), send_a9(titulaire, number="A9-2")
    response = validator_client.post(
        "/factures-a-valider/traiter/",
        {"ids": [first.pk, second.pk, 999999], "decision": "refuse", "motif": ValidationRefusal.DUPLICATE},
        follow=True,
    )
    html = response.content.decode()
    assert "2 factures traitées : A9-1, A9-2." in html
    assert "Facture 999999 non traitée : Facture introuvable." in html
    first.refresh_from_db()
    assert first.status == S.REFUSED_1


def test_search_and_csv_export(validator_client, send_a9, titulaire):
    invoice = send_a9(titulaire, number="A9-CSV")
    page = validator_client.get("/factures-a-valider/rechercher/", {"number": "A9"})
    assert [i.number for i in page.context["page_obj"]] == [invoice.number]
    export = validator_client.get("/factures-a-valider/rechercher/", {"number": "A9", "format": "csv"})
    assert "A9-CSV" in b"".join(export.streaming_content).decode("utf-8-sig")


def test_supplier_corrects_the_validator_on_its_page(client, send_a9, titulaire, make_validator, supplier):
    invoice = send_a9(titulaire)
    client.force_login(titulaire.gp)
    client.post(
        f"/factures-a-valider/{invoice.pk}/traiter/",
        {"decision": "refuse", "motif": ValidationRefusal.WRONG_VALIDATOR, "expected_status": invoice.status},
    )
    client.force_login(supplier.gp)
    page = client.get(f"/factures-emises/{invoice.pk}/")
    assert "Corriger le valideur" in page.content.decode()
    url = f"/factures-emises/{invoice.pk}/corriger-valideur/"
    response = client.post(url, {"validator_identifier": "00000000000000"})
    assert response.status_code == 422
    assert response.context["form"].errors["validator_identifier"] == [
        "Aucune structure active du portail n'a cet identifiant."
    ]
    right = make_validator("Le Bon Titulaire")
    response = client.post(url, {"validator_identifier": right.identifier})
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert (invoice.status, invoice.validator) == (S.TO_VALIDATE_1, right)
    # Nothing left to correct: the page says so instead of an error.
    response = client.get(url, follow=True)
    assert "Le valideur de cette facture ne peut plus être corrigé." in response.content.decode()


def test_space_lists_offer_only_spaces_with_screens(titulaire):
    """Factures à valider and Factures de travaux have their screens and are offered."""
    from accounts.forms import CreationSpacesForm, SubscriptionRequestForm
    from structures.forms import OpenSpaceForm

    for choices in (
        OpenSpaceForm(structure=titulaire).fields["space"].choices,
        SubscriptionRequestForm(structures=[titulaire]).fields["space"].choices,
        CreationSpacesForm().fields["extra_spaces"].choices,
    ):
        offered = {value for value, _label in choices}
        assert {"FACTURES_A_VALIDER", "FACTURES_TRAVAUX"} <= offered
