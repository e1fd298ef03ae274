"""The cycles added to the monthly one: sub-/co-contractors' pieces through their validator first,
the end-of-contract cycle and its tacit procedure, the variants without MOE, and the deadline sweep
(reminder before, record when passed) — through the real services, with a frozen clock."""

import datetime
from types import SimpleNamespace

import pytest
import time_machine
from django.core import mail

from choruspro.history import verify
from invoices.enums import InvoiceStatus
from tests.works.conftest import deposit_projet, next_piece
from works import services, workflow
from works.enums import DossierKind, RefusalMotif
from works.enums import DossierStatus as S
from works.exceptions import InvalidTransition, WorksError
from works.models import DossierEvent, WorksNotification

pytestmark = pytest.mark.django_db
START = datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC)


def decide(parties, dossier, action, *, by, **kwargs):
    structure = getattr(parties, by)
    if action.startswith("refuse"):
        return services.refuse_dossier(
            actor=structure.gp,
            structure=structure,
            dossier_id=dossier.pk,
            action=action,
            motif=RefusalMotif.NOT_PERFORMED,
        )
    return services.validate_piece(
        actor=structure.gp, structure=structure, dossier_id=dossier.pk, action=action, **kwargs
    )


def statuses(dossier):
    return [e.to_status for e in dossier.events.all()]


def test_sous_traitant_piece_goes_to_the_titulaire_first_then_into_the_cycle(gym):
    dossier = deposit_projet(gym, by="sous_traitant", action="deposit_projet_sous_traitant")
    assert (dossier.status, dossier.validator, dossier.supplier) == (
        S.TO_VALIDATE_1,
        gym.titulaire,
        gym.sous_traitant,
    )
    assert dossier.deadline == dossier.status_changed_at + datetime.timedelta(days=15)
    # Not yet the MOE's: it cannot deposit its état d'acompte, and the titulaire alone validates.
    with pytest.raises(InvalidTransition):
        next_piece(gym, dossier, "deposit_etat_acompte", by="moe")
    with pytest.raises(InvalidTransition, match="Valideur"):
        decide(gym, dossier, "validate_1", by="moe")
    decide(gym, dossier, "validate_1", by="titulaire", expected_status=S.TO_VALIDATE_1)
    dossier.refresh_from_db()
    assert dossier.status == S.MADE_AVAILABLE_MOE
    assert dossier.deadline == dossier.status_changed_at + datetime.timedelta(days=7)
    next_piece(gym, dossier, "deposit_etat_acompte", by="moe", amount="9500.00")
    next_piece(gym, dossier, "deposit_etat_acompte_valide", by="moa", amount="9500.00", number="EAV-1")
    dossier.refresh_from_db()
    # Paid directly: the payable invoice is the sous-traitant's.
    assert dossier.invoice.supplier == gym.sous_traitant
    assert dossier.pieces.first().cadre == "A10_PROJET_DECOMPTE_MENSUEL_SOUSTRAITANT"
    assert statuses(dossier) == [
        S.TO_VALIDATE_1,
        S.VALIDATED_1,
        S.MADE_AVAILABLE_MOE,
        S.MADE_AVAILABLE_MOA,
        S.MADE_AVAILABLE,
    ]
    assert verify(DossierEvent).breaks == []


def test_sous_traitant_of_a_cotraitant_is_validated_by_that_cotraitant_then_the_mandataire(party):
    parties = SimpleNamespace(
        titulaire=party(name="Mandataire"),
        moe=party(name="MOE"),
        moa=party(public=True, name="Commune"),
        cotraitant=party(name="Cotraitant"),
        sous_traitant=party(name="Sous-traitant du cotraitant"),
    )
    parties.contract = services.declare_contract(
        actor=parties.titulaire.gp,
        structure=parties.titulaire,
        data={
            "number": "M-2",
            "engagement_number": "EJ",
            "title": "Gymnase",
            "titulaire": parties.titulaire,
            "titulaire_is_mandataire": True,
            "moe": parties.moe,
            "moa": parties.moa,
            "financial_structure": parties.moa,
            "cotraitants": [(parties.cotraitant, False)],
            "sous_traitants": [(parties.sous_traitant, parties.cotraitant)],
        },
    )
    dossier = deposit_projet(parties, by="sous_traitant", action="deposit_projet_sous_traitant")
    assert dossier.validator == parties.cotraitant
    with pytest.raises(InvalidTransition):
        decide(parties, dossier, "validate_1", by="titulaire")
    decide(parties, dossier, "validate_1", by="cotraitant")
    dossier.refresh_from_db()
    assert (dossier.status, dossier.validator) == (S.TO_VALIDATE_2, parties.titulaire)
    decide(parties, dossier, "validate_2", by="titulaire")
    dossier.refresh_from_db()
    assert dossier.status == S.MADE_AVAILABLE_MOE
    assert statuses(dossier) == [
        S.TO_VALIDATE_1,
        S.VALIDATED_1,
        S.TO_VALIDATE_2,
        S.VALIDATED_2,
        S.MADE_AVAILABLE_MOE,
    ]


def test_a_sous_traitant_contractor_must_be_a_cotraitant(gym, party):
    with pytest.raises(WorksError, match="donneur d'ordre"):
        services.declare_contract(
            actor=gym.titulaire.gp,
            structure=gym.titulaire,
            data={
                "number": "M-3",
                "engagement_number": "EJ",
                "title": "Gymnase",
                "titulaire": gym.titulaire,
                "moe": gym.moe,
                "moa": gym.moa,
                "financial_structure": gym.moa,
                "sous_traitants": [(gym.sous_traitant, gym.moe)],
            },
        )


def test_cotraitant_piece_is_validated_by_the_mandataire_and_a_refusal_stops_it(gym):
    dossier = deposit_projet(gym, by="cotraitant", action="deposit_projet_cotraitant")
    assert dossier.validator == gym.titulaire
    decide(gym, dossier, "refuse_1", by="titulaire")
    dossier.refresh_from_db()
    assert dossier.status == S.REFUSED_1 and dossier.deadline is None
    with pytest.raises(InvalidTransition):
        decide(gym, dossier, "validate_1", by="titulaire")


def test_wrong_cadre_for_the_actor_is_refused(gym):
    # A titulaire's cadre for a sous-traitant, a sous-traitant's for the titulaire.
    with pytest.raises(InvalidTransition, match="Titulaire"):
        deposit_projet(gym, by="sous_traitant", action="deposit_projet")
    with pytest.raises(InvalidTransition, match="Sous-traitant"):
        deposit_projet(gym, by="titulaire", action="deposit_projet_sous_traitant")
    # A piece that follows another cannot open a dossier.
    with pytest.raises(InvalidTransition):
        deposit_projet(gym, by="moe", action="deposit_etat_acompte")
    assert not gym.contract.dossiers.exists()


def test_tacit_validation_after_fifteen_days_with_a_reminder_before(gym, django_capture_on_commit_callbacks):
    with time_machine.travel(START, tick=False):
        dossier = deposit_projet(gym, by="sous_traitant", action="deposit_projet_sous_traitant")
    with time_machine.travel(START + datetime.timedelta(days=12), tick=False):
        assert services.sweep_deadlines() == {"reminded": 0, "recorded": 0}
    mail.outbox.clear()
    with (
        time_machine.travel(START + datetime.timedelta(days=13, hours=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.sweep_deadlines() == {"reminded": 1, "recorded": 0}
        assert services.sweep_deadlines() == {"reminded": 0, "recorded": 0}
    # The reminder goes to whoever must act: the titulaire, validator.
    reminder = dossier.events.get(transition=workflow.REMINDER)
    assert set(WorksNotification.objects.filter(event=reminder).values_list("user", flat=True)) == {
        gym.titulaire.gp.pk
    }
    assert [m.to for m in mail.outbox] == [[gym.titulaire.gp.email]]
    with time_machine.travel(START + datetime.timedelta(days=15, minutes=1), tick=False):
        with pytest.raises(WorksError, match="a expiré"):
            decide(gym, dossier, "validate_1", by="titulaire")
        assert services.sweep_deadlines() == {"reminded": 0, "recorded": 1}
        assert services.sweep_deadlines() == {"reminded": 0, "recorded": 0}
    dossier.refresh_from_db()
    assert dossier.status == S.MADE_AVAILABLE_MOE
    assert S.TACITLY_VALIDATED_1 in statuses(dossier)


def final_dossier(gym, **kwargs):
    return deposit_projet(gym, action="deposit_projet_final", **kwargs)


def test_end_of_contract_cycle_to_the_signed_dgd(gym):
    dossier = final_dossier(gym, amount="120000.00")
    assert (dossier.kind, dossier.status) == (DossierKind.FINAL, S.MADE_AVAILABLE_MOE)
    deadline = dossier.deadline
    assert deadline == dossier.status_changed_at + datetime.timedelta(days=30)
    # The monthly cycle's pieces do not belong to a final dossier.
    with pytest.raises(InvalidTransition):
        next_piece(gym, dossier, "deposit_etat_acompte", by="moe")
    next_piece(gym, dossier, "deposit_projet_decompte_general", by="moe", amount="118000.00", number="PDG-1")
    dossier.refresh_from_db()
    # One clock for the décompte général: the MOA's step keeps the thirty days.
    assert dossier.status == S.MADE_AVAILABLE_MOA and dossier.deadline == deadline
    next_piece(gym, dossier, "deposit_decompte_general", by="moa", amount="117500.00", number="DG-1")
    dossier.refresh_from_db()
    assert dossier.status == S.TO_ASSOCIATE_SUPPLIER and dossier.invoice is None
    with pytest.raises(InvalidTransition, match="Fournisseur du dossier"):
        next_piece(gym, dossier, "deposit_dgd", by="moa", number="DGD-1")
    next_piece(gym, dossier, "deposit_dgd", by="titulaire", amount="117500.00", number="DGD-1")
    dossier.refresh_from_db()
    assert dossier.status == S.MADE_AVAILABLE
    assert (dossier.invoice.cadre, dossier.invoice.status) == (
        "A8_DECOMPTE_GENERAL_DEFINITIF_FOURNISSEUR",
        InvoiceStatus.MADE_AVAILABLE,
    )
    assert dossier.invoice.total_ht == 117500


def test_the_moe_may_establish_the_decompte_general(gym):
    dossier = final_dossier(gym)
    next_piece(gym, dossier, "deposit_decompte_general_moe", by="moe", number="DG-MOE")
    dossier.refresh_from_db()
    assert dossier.status == S.TO_ASSOCIATE_SUPPLIER


def test_tacit_procedure_with_its_deadlines(gym):
    with time_machine.travel(START, tick=False):
        dossier = final_dossier(gym)
        with pytest.raises(WorksError, match="qu'une fois le délai expiré"):
            next_piece(gym, dossier, "deposit_projet_decompte_general_tacite", by="titulaire", number="A22")
    with time_machine.travel(START + datetime.timedelta(days=31), tick=False):
        assert services.sweep_deadlines()["recorded"] == 1
        dossier.refresh_from_db()
        assert (
            dossier.status == S.MADE_AVAILABLE_MOE
            and dossier.events.last().transition == workflow.DEADLINE_RECORDED
        )
        next_piece(gym, dossier, "deposit_projet_decompte_general_tacite", by="titulaire", number="A22")
        dossier.refresh_from_db()
        assert dossier.status == S.REPLACED_BY_A22
        assert dossier.deadline == dossier.status_changed_at + datetime.timedelta(days=10)
        with pytest.raises(WorksError, match="qu'une fois le délai expiré"):
            next_piece(gym, dossier, "deposit_dgd_tacite", by="titulaire", number="A23")
    with time_machine.travel(START + datetime.timedelta(days=42), tick=False):
        # Too late for the MOA's own DGD: the titulaire's DGD tacite goes to the service financier.
        with pytest.raises(WorksError, match="a expiré"):
            next_piece(gym, dossier, "deposit_dgd_procedure_tacite", by="moa", number="A25")
        next_piece(gym, dossier, "deposit_dgd_tacite", by="titulaire", number="A23")
    dossier.refresh_from_db()
    assert dossier.status == S.MADE_AVAILABLE and dossier.invoice.cadre.startswith("A23_")


def test_moa_answers_the_tacit_projet_in_time(gym):
    with time_machine.travel(START, tick=False):
        dossier = final_dossier(gym)
    with time_machine.travel(START + datetime.timedelta(days=31), tick=False):
        next_piece(gym, dossier, "deposit_projet_decompte_general_tacite", by="titulaire", number="A22")
        next_piece(gym, dossier, "deposit_dgd_procedure_tacite", by="moa", number="A25")
    dossier.refresh_from_db()
    assert dossier.status == S.MADE_AVAILABLE and dossier.invoice.cadre.startswith("A25_")


@pytest.fixture
def without_moe(party):
    parties = SimpleNamespace(
        titulaire=party(name="Titulaire sans MOE"), moa=party(public=True, name="Commune sans MOE")
    )
    parties.contract = services.declare_contract(
        actor=parties.titulaire.gp,
        structure=parties.titulaire,
        data={
            "number": "SANS-MOE",
            "engagement_number": "EJ",
            "title": "Petits travaux",
            "titulaire": parties.titulaire,
            "moe": None,
            "moa": parties.moa,
            "financial_structure": parties.moa,
        },
    )
    return parties


def test_without_moe_the_titulaire_deposits_the_etat_d_acompte(without_moe):
    with pytest.raises(WorksError, match="pas de maîtrise d'œuvre"):
        deposit_projet(without_moe)
    dossier = deposit_projet(without_moe, action="deposit_etat_acompte_titulaire")
    assert dossier.status == S.MADE_AVAILABLE_MOA
    next_piece(without_moe, dossier, "deposit_etat_acompte_valide", by="moa", number="EAV")
    dossier.refresh_from_db()
    assert dossier.status == S.MADE_AVAILABLE and dossier.invoice.cadre.startswith("A19_")


def test_without_moe_the_titulaire_may_deposit_the_etat_d_acompte_valide(without_moe, gym):
    dossier = deposit_projet(without_moe, action="deposit_etat_acompte_valide_titulaire")
    assert dossier.status == S.MADE_AVAILABLE and dossier.invoice.cadre.startswith("A6_")
    final = deposit_projet(without_moe, action="deposit_projet_final_sans_moe")
    assert final.status == S.MADE_AVAILABLE_MOA
    # With a MOE, these variants are refused.
    with pytest.raises(WorksError, match="a une maîtrise d'œuvre"):
        deposit_projet(gym, action="deposit_etat_acompte_valide_titulaire")


def test_the_moe_may_deposit_the_etat_d_acompte_valide(gym):
    dossier = deposit_projet(gym)
    next_piece(gym, dossier, "deposit_etat_acompte_valide_moe", by="moe", number="A16")
    dossier.refresh_from_db()
    assert dossier.status == S.MADE_AVAILABLE and dossier.invoice.cadre.startswith("A16_")


def test_a_deadline_without_an_automatic_step_is_recorded_once(gym):
    with time_machine.travel(START, tick=False):
        dossier = final_dossier(gym)
    with time_machine.travel(START + datetime.timedelta(days=40), tick=False):
        assert services.sweep_deadlines()["recorded"] == 1
        assert services.sweep_deadlines()["recorded"] == 0
    assert dossier.events.filter(transition=workflow.DEADLINE_RECORDED).count() == 1
