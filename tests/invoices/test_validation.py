"""Factures à valider (domain §9.6): an A9/A12 invoice goes to its validator first; Valider,
Refuser (with a motif), « erreur de valideur » and the supplier's correction, the second validator
of a cotraitant's sub-contractor, the tacit validation after 15 days, scope and notifications."""

import datetime
import threading
from types import SimpleNamespace

import pytest
import time_machine
from django.core import mail
from django.db import close_old_connections, connection

from invoices import selectors, services, workflow
from invoices.enums import InvoiceStatus, ValidationRefusal
from invoices.exceptions import ConcurrentChange, InvalidTransition, InvoiceError, InvoiceNotFound
from invoices.models import Notification
from structures import services as structure_services
from structures.enums import Role
from tests.conftest import require_or_skip
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
S = InvoiceStatus


def _decide(validator, invoice, decision="validate", capture=None, **kwargs):
    with capture(execute=True):
        services.decide_validation(
            actor=validator.gp, structure=validator, invoice_id=invoice.pk, decision=decision, **kwargs
        )
    invoice.refresh_from_db()
    return invoice


def _transitions(invoice):
    return list(invoice.status_changes.order_by("created_at", "pk").values_list("transition", flat=True))


def test_a9_invoice_goes_to_its_validator_not_to_the_recipient(send_a9, titulaire, recipient):
    invoice = send_a9(titulaire)
    assert invoice.status == S.TO_VALIDATE_1
    assert not selectors.received_by(recipient).filter(pk=invoice.pk).exists()
    assert list(selectors.awaiting_decision_of(titulaire)) == [invoice]
    # The validator is told in the portal and by e-mail, with the link to its space.
    assert Notification.objects.filter(user=titulaire.gp, invoice=invoice).count() == 1
    message = next(m for m in mail.outbox if m.to == [titulaire.gp.notification_email])
    assert f"/factures-a-valider/{invoice.pk}/" in message.body
    assert "15 jours" in message.body


def test_validation_routes_the_invoice_to_its_recipient(
    send_a9, titulaire, recipient, supplier, django_capture_on_commit_callbacks
):
    invoice = _decide(titulaire, send_a9(titulaire), capture=django_capture_on_commit_callbacks)
    assert invoice.status == S.MADE_AVAILABLE
    assert _transitions(invoice)[-4:] == ["to_validation", "validate_1", "route_validated", "make_available"]
    assert selectors.received_by(recipient).filter(pk=invoice.pk).exists()
    assert Notification.objects.filter(user=recipient.gp, invoice=invoice).exists()
    assert Notification.objects.filter(user=supplier.gp, change__to_status=S.VALIDATED_1).exists()


def test_refusal_needs_an_official_motif_and_returns_to_the_supplier(
    send_a9, titulaire, supplier, django_capture_on_commit_callbacks
):
    invoice = send_a9(titulaire)
    with pytest.raises(InvoiceError, match="Le motif est obligatoire"):
        services.decide_validation(
            actor=titulaire.gp, structure=titulaire, invoice_id=invoice.pk, decision="refuse", motif="INCONNU"
        )
    invoice = _decide(
        titulaire,
        invoice,
        "refuse",
        capture=django_capture_on_commit_callbacks,
        motif=ValidationRefusal.NOT_PERFORMED,
        comment="Lot 3 non livré",
    )
    assert invoice.status == S.REFUSED_1
    change = invoice.status_changes.get(to_status=S.REFUSED_1)
    assert change.reason == "Prestation non réalisée ou non conforme — Lot 3 non livré"
    assert change.payload == {"motif": "PRESTATION_NON_REALISEE"}
    assert selectors.returned_unacknowledged(supplier).filter(pk=invoice.pk).exists()
    assert Notification.objects.filter(user=supplier.gp, change=change).exists()


def test_wrong_validator_is_corrected_by_the_supplier_and_the_circuit_restarts(
    send_a9, titulaire, make_validator, supplier, django_capture_on_commit_callbacks
):
    invoice = _decide(
        titulaire,
        send_a9(titulaire),
        "refuse",
        capture=django_capture_on_commit_callbacks,
        motif=ValidationRefusal.WRONG_VALIDATOR,
    )
    assert invoice.status == S.WRONG_VALIDATOR
    with pytest.raises(InvoiceError, match="déjà refusé"):
        services.correct_validator(
            actor=supplier.gp, structure=supplier, invoice_id=invoice.pk, validator=titulaire
        )
    right = make_validator("Le Bon Titulaire")
    with django_capture_on_commit_callbacks(execute=True):
        services.correct_validator(
            actor=supplier.gp, structure=supplier, invoice_id=invoice.pk, validator=right
        )
    invoice.refresh_from_db()
    assert (invoice.status, invoice.validator) == (S.TO_VALIDATE_1, right)
    # The wrong validator no longer sees it; the right one is asked to decide.
    assert not selectors.validated_by(titulaire).filter(pk=invoice.pk).exists()
    assert list(selectors.awaiting_decision_of(right)) == [invoice]
    assert Notification.objects.filter(user=right.gp, invoice=invoice).exists()
    invoice = _decide(right, invoice, capture=django_capture_on_commit_callbacks)
    assert invoice.status == S.MADE_AVAILABLE


def test_a_cotraitants_subcontractor_is_validated_by_the_cotraitant_then_the_mandataire(
    send_a9, make_validator, django_capture_on_commit_callbacks
):
    cotraitant, mandataire = make_validator("Cotraitant Électricité"), make_validator("Mandataire Gros Œuvre")
    invoice = _decide(
        cotraitant,
        send_a9(cotraitant),
        capture=django_capture_on_commit_callbacks,
        second_validator=mandataire,
    )
    assert (invoice.status, invoice.second_validator) == (S.TO_VALIDATE_2, mandataire)
    assert list(selectors.awaiting_decision_of(mandataire)) == [invoice]
    assert not selectors.awaiting_decision_of(cotraitant).exists()
    with pytest.raises(InvalidTransition, match="n'attend pas votre décision"):
        services.decide_validation(
            actor=cotraitant.gp, structure=cotraitant, invoice_id=invoice.pk, decision="validate"
        )
    with pytest.raises(InvoiceError, match="premier valideur"):
        services.decide_validation(
            actor=mandataire.gp,
            structure=mandataire,
            invoice_id=invoice.pk,
            decision="refuse",
            motif=ValidationRefusal.WRONG_VALIDATOR,
        )
    invoice = _decide(mandataire, invoice, capture=django_capture_on_commit_callbacks)
    assert invoice.status == S.MADE_AVAILABLE
    assert "validate_2" in _transitions(invoice)


@pytest.mark.parametrize("status", list(InvoiceStatus))
def test_only_the_validation_steps_await_a_validator(status):
    """The one rule the service applies before any decision: which validator the status waits for."""
    invoice = SimpleNamespace(status=status, validator_id=1, second_validator_id=2)
    expected = {S.TO_VALIDATE_1: 1, S.TO_VALIDATE_2: 2}.get(status)
    assert workflow.deciding_validator_id(invoice) == expected


def test_a_validated_invoice_takes_no_second_decision(send_a9, titulaire, django_capture_on_commit_callbacks):
    invoice = _decide(titulaire, send_a9(titulaire), capture=django_capture_on_commit_callbacks)
    with pytest.raises(InvalidTransition):
        services.decide_validation(
            actor=titulaire.gp,
            structure=titulaire,
            invoice_id=invoice.pk,
            decision="refuse",
            motif="AUT_MOTIF",
        )


def test_another_structure_sees_nothing(send_a9, titulaire, make_validator, client, recipient):
    invoice = send_a9(titulaire)
    stranger = make_validator("Autre Entreprise")
    client.force_login(stranger.gp)
    assert client.get(f"/factures-a-valider/{invoice.pk}/").status_code == 404
    response = client.post(f"/factures-a-valider/{invoice.pk}/traiter/", {"decision": "validate"})
    assert response.status_code == 404
    with pytest.raises(InvoiceNotFound):
        services.decide_validation(
            actor=stranger.gp, structure=stranger, invoice_id=invoice.pk, decision="validate"
        )
    # The recipient does not see it either while it awaits validation.
    client.force_login(recipient.gp)
    assert client.get(f"/factures-recues/{invoice.pk}/").status_code == 404


def test_tacit_validation_after_fifteen_days(
    send_a9, titulaire, recipient, django_capture_on_commit_callbacks
):
    start = datetime.datetime(2026, 11, 3, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        invoice = send_a9(titulaire)
    with time_machine.travel(start + datetime.timedelta(days=14, hours=23), tick=False):
        assert services.validate_tacitly() == 0
    with time_machine.travel(start + datetime.timedelta(days=15, minutes=1), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert services.validate_tacitly() == 1
        assert services.validate_tacitly() == 0
    invoice.refresh_from_db()
    assert invoice.status == S.MADE_AVAILABLE
    tacit = invoice.status_changes.get(to_status=S.TACITLY_VALIDATED_1)
    assert tacit.actor is None and tacit.transition == "tacit_validation_1"
    assert Notification.objects.filter(user=titulaire.gp, change=tacit).exists()
    assert selectors.received_by(recipient).filter(pk=invoice.pk).exists()


def test_the_beat_schedule_runs_the_tacit_validation():
    from choruspro.celery import app

    schedules = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert "invoices.tasks.validate_tacitly_task" in schedules


@pytest.mark.django_db(transaction=True)
def test_two_validators_deciding_at_once_on_postgresql(send_a9, titulaire):
    """Two people of the validator decide on one invoice at the same moment: one decision wins, the
    other is told the invoice changed; a single decision row is written."""
    require_or_skip(connection.vendor == "postgresql", "needs PostgreSQL (DATABASE_URL)")
    invoice = send_a9(titulaire)
    colleague = UserFactory()
    structure_services.attach_user(
        actor=titulaire.gp, structure_id=titulaire.pk, user=colleague, role=Role.SECONDARY_MANAGER
    )
    barrier = threading.Barrier(2)
    outcomes = []

    def act(actor, decision):
        close_old_connections()
        barrier.wait()
        try:
            services.decide_validation(
                actor=actor,
                structure=titulaire,
                invoice_id=invoice.pk,
                decision=decision,
                motif=ValidationRefusal.OTHER if decision == "refuse" else "",
                expected_status=S.TO_VALIDATE_1,
            )
            outcomes.append(decision)
        except ConcurrentChange as error:
            outcomes.append(str(error))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=act, args=(titulaire.gp, "validate")),
        threading.Thread(target=act, args=(colleague, "refuse")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    invoice.refresh_from_db()
    decided = invoice.status_changes.filter(from_status=S.TO_VALIDATE_1)
    assert decided.count() == 1
    winner = "validate" if decided.get().to_status == S.VALIDATED_1 else "refuse"
    assert sorted(outcomes, key=len)[0] == winner and len(outcomes) == 2
    loser = next(outcome for outcome in outcomes if outcome != winner)
    assert loser.startswith("La facture a changé de statut entre-temps")
