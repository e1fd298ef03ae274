"""A sollicitation in real browsers, each side in its own session: a supplier asks about a stuck
invoice, the entity asks for a complement, the supplier completes, the entity answers, the
supplier closes it."""

import pytest

from solicitations.enums import SolicitationStatus
from solicitations.management.commands.load_solicitation_categories import load_categories
from solicitations.models import Solicitation
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _act(page, action, message, file=None):
    block = page.locator(f"[data-testid=action-{action}]")
    block.locator("summary").click()
    block.locator("textarea").fill(message)
    if file:
        block.locator("input[type=file]").set_input_files(file)
    block.locator("button[type=submit]").click()


def test_a_question_about_a_stuck_invoice(
    page, browser, live_server, supplier, recipient, make_invoice, tmp_path
):
    load_categories()
    invoice = make_invoice()
    log_in(page, supplier.gp.email)
    page.goto(f"/factures-emises/{invoice.pk}/")
    page.get_by_role("link", name="Poser une question sur cette facture").click()
    page.fill("input[name=subject]", "Facture en attente depuis un mois")
    page.get_by_role("button", name="Envoyer").click()
    # An empty message is said next to its field; nothing is sent.
    assert "Ce champ est obligatoire" in page.inner_text("[data-testid=solicitation-form]")
    assert not Solicitation.objects.exists()
    page.fill("textarea[name=message]", "Notre facture est mise à disposition depuis un mois : pourquoi ?")
    page.get_by_role("button", name="Envoyer").click()
    assert "Émise" in page.text_content("[data-testid=solicitation-status]")
    assert invoice.number in page.inner_text("[data-testid=linked-invoice]")

    entity_context = browser.new_context(locale="fr-FR", base_url=live_server.url)
    entity = entity_context.new_page()
    try:
        log_in(entity, recipient.gp.email)
        entity.get_by_role("link", name="Sollicitations reçues").first.click()
        entity.locator("[data-testid=solicitation-list] a").first.click()
        _act(entity, "ask_complement", "Merci de joindre le bon de commande.")
        assert "Complément demandé" in entity.text_content("[data-testid=solicitation-status]")

        page.goto("/sollicitations-emises/")
        # The Synthèse shows the complement asked, and the new exchange.
        assert "Complément demandé" in page.text_content("[data-testid=notices]")
        page.locator("[data-testid=solicitation-list] a").first.click()
        assert "Merci de joindre le bon de commande." in page.inner_text("[data-testid=thread]")
        disguised = tmp_path / "bon.pdf"
        disguised.write_bytes(b"MZ\x90\x00 pas un PDF")
        _act(page, "complete", "Voici le bon de commande.", disguised)
        assert "ne correspond pas à son extension" in page.inner_text("[data-testid=action-complete]")
        genuine = tmp_path / "bon-de-commande.pdf"
        genuine.write_bytes(b"%PDF-1.4\n%bon\n")
        page.locator("[data-testid=action-complete] input[type=file]").set_input_files(genuine)
        page.locator("[data-testid=action-complete] button[type=submit]").click()
        assert "Complétée" in page.text_content("[data-testid=solicitation-status]")

        entity.reload()
        assert "bon-de-commande.pdf" in entity.inner_text("[data-testid=thread]")
        _act(entity, "answer", "La facture sera payée vendredi.")
        assert "Répondue" in entity.text_content("[data-testid=solicitation-status]")
    finally:
        entity_context.close()

    page.reload()
    assert "La facture sera payée vendredi." in page.inner_text("[data-testid=thread]")
    block = page.locator("[data-testid=action-close]")
    block.locator("summary").click()
    block.locator("button[type=submit]").click()
    assert "Clôturée" in page.text_content("[data-testid=solicitation-status]")
    assert Solicitation.objects.get().status == SolicitationStatus.CLOSED


def test_the_support_reassigns_through_the_structure_picker(
    page, supplier, recipient, make_structure, make_invoice, django_capture_on_commit_callbacks
):
    """No select of every service: the operator types a name without its accents, picks the
    structure among the suggestions, then one of its services."""
    from solicitations import services
    from tests.factories import UserFactory
    from tests.solicitations.conftest import act, ask_about

    agent = UserFactory(email="operateur@support.exemple.fr")
    services.grant_support_role(user=agent)
    solicitation = ask_about(make_invoice(), supplier)
    act(
        solicitation,
        "SERVICE_METIER",
        "transfer_to_support",
        recipient.gp,
        recipient,
        message="Pas chez nous.",
    )
    other = make_structure(public=True, raison_sociale="Département de l'Hérault")
    target = other.services.create(code="PAIE", libelle="Paiements")
    log_in(page, agent.email)
    page.goto(f"/support/{solicitation.pk}/")
    block = page.locator("[data-testid=action-reassign]")
    block.locator("summary").click()
    block.locator("button[type=submit]").click()
    assert "Cherchez une structure publique" in page.inner_text("[data-testid=action-reassign]")
    page.fill("[data-testid=reassign-query]", "departement herault")
    # The DSFR radio is drawn by its label, which takes the click.
    page.locator(f"label[for=reassign-structure-{other.pk}]").click()
    page.locator("[data-testid=reassign-services]").select_option(str(target.pk))
    page.locator("[data-testid=action-reassign] textarea").fill("Pour le service des paiements.")
    page.locator("[data-testid=action-reassign] button[type=submit]").click()
    page.wait_for_selector("text=C'est fait")
    solicitation.refresh_from_db()
    assert (solicitation.addressee_structure, solicitation.addressee_service) == (other, target)
