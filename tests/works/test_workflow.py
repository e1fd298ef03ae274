"""The monthly cycle's table: every transition, allowed and forbidden, through the real services."""

import datetime

import pytest
import time_machine

from choruspro.history import verify
from invoices.enums import InvoiceStatus
from tests.works.conftest import deposit_projet, next_piece, pdf, piece_data
from works import services, workflow
from works.enums import DossierKind, PartyRole, RefusalMotif
from works.enums import DossierStatus as S
from works.exceptions import InvalidTransition, WorksError, WorksNotFound
from works.models import DossierEvent

pytestmark = pytest.mark.django_db


def refuse(parties, dossier, action, *, by, motif=RefusalMotif.NOT_PERFORMED):
    structure = getattr(parties, by)
    return services.refuse_dossier(
        actor=structure.gp, structure=structure, dossier_id=dossier.pk, action=action, motif=motif
    )


def test_monthly_cycle_reaches_the_service_financier(gym, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dossier = deposit_projet(gym, amount="10000.00")
    assert dossier.status == S.MADE_AVAILABLE_MOE
    assert dossier.deadline == dossier.status_changed_at + datetime.timedelta(days=7)
    next_piece(gym, dossier, "deposit_etat_acompte", by="moe", amount="9500.00")
    dossier.refresh_from_db()
    assert dossier.status == S.MADE_AVAILABLE_MOA and dossier.deadline is None
    next_piece(gym, dossier, "deposit_etat_acompte_valide", by="moa", amount="9400.00", number="EAV-01")
    dossier.refresh_from_db()
    assert dossier.status == S.MADE_AVAILABLE
    invoice = dossier.invoice
    # The titulaire's payable invoice, in the service financier's Factures reçues.
    assert (invoice.supplier, invoice.recipient, invoice.status) == (
        gym.titulaire,
        gym.moa,
        InvoiceStatus.MADE_AVAILABLE,
    )
    assert invoice.total_ht == 9400 and invoice.total_ttc == 11280
    assert invoice.attachments.get().sha256 == dossier.pieces.last().sha256
    # Every piece chained to the one before; the history chained and complete.
    pieces = list(dossier.pieces.all())
    assert [p.previous_id for p in pieces] == [None, pieces[0].pk, pieces[1].pk]
    assert [e.to_status for e in dossier.events.all()] == [
        S.MADE_AVAILABLE_MOE,
        S.MADE_AVAILABLE_MOA,
        S.MADE_AVAILABLE,
    ]
    assert verify(DossierEvent).breaks == []


@pytest.mark.parametrize(
    ("status", "name", "allowed"),
    [
        (status, t.name, status in t.sources)
        for t in workflow.TRANSITIONS
        for status in [workflow.NEW, *S.values]
    ],
)
def test_table_allows_exactly_its_sources(status, name, allowed):
    transition = workflow.BY_NAME[name]
    kind = transition.kind or DossierKind.MONTHLY
    if allowed:
        assert workflow.check(name, status, {transition.role}, kind) is transition
    else:
        with pytest.raises(InvalidTransition):
            workflow.check(name, status, {transition.role}, kind)


@pytest.mark.parametrize("transition", [t for t in workflow.TRANSITIONS if t.kind])
def test_table_refuses_the_other_kind(transition):
    other = next(k for k in DossierKind if k != transition.kind)
    with pytest.raises(InvalidTransition):
        workflow.check(transition.name, next(iter(transition.sources)), {transition.role}, other)


@pytest.mark.parametrize("transition", [t for t in workflow.TRANSITIONS if t.role != workflow.SYSTEM])
def test_table_refuses_the_other_roles(transition):
    others = set(PartyRole) - {transition.role}
    source = next(iter(transition.sources))
    with pytest.raises(InvalidTransition, match="revient au rôle"):
        workflow.check(transition.name, source, others)


def test_moe_refusal_stops_the_circuit(gym):
    dossier = deposit_projet(gym)
    refuse(gym, dossier, "refuse_moe", by="moe")
    dossier.refresh_from_db()
    assert dossier.status == S.REFUSED_MOE
    with pytest.raises(InvalidTransition, match="ne permet pas"):
        next_piece(gym, dossier, "deposit_etat_acompte", by="moe")


def test_moa_refusal(gym):
    dossier = deposit_projet(gym)
    next_piece(gym, dossier, "deposit_etat_acompte", by="moe")
    refuse(gym, dossier, "refuse_moa", by="moa", motif=RefusalMotif.WRONG_AMOUNT)
    dossier.refresh_from_db()
    assert dossier.status == S.REFUSED_MOA and dossier.invoice is None
    assert dossier.events.last().motif == RefusalMotif.WRONG_AMOUNT


def test_amount_error_is_no_refusal_motive_for_the_moe(gym):
    dossier = deposit_projet(gym)
    with pytest.raises(WorksError, match="n'est pas un motif de refus"):
        refuse(gym, dossier, "refuse_moe", by="moe", motif=RefusalMotif.WRONG_AMOUNT)
    dossier.refresh_from_db()
    assert dossier.status == S.MADE_AVAILABLE_MOE


@pytest.mark.parametrize(
    ("by", "action"),
    [
        ("titulaire", "deposit_etat_acompte"),
        ("moa", "deposit_etat_acompte"),
        ("cotraitant", "deposit_etat_acompte"),
        ("moe", "deposit_etat_acompte_valide"),
        ("titulaire", "refuse_moe"),
    ],
)
def test_wrong_actor_is_refused_in_french(gym, by, action):
    dossier = deposit_projet(gym)
    with pytest.raises(InvalidTransition):
        if action.startswith("refuse"):
            refuse(gym, dossier, action, by=by)
        else:
            next_piece(gym, dossier, action, by=by)
    dossier.refresh_from_db()
    assert dossier.status == S.MADE_AVAILABLE_MOE and dossier.pieces.count() == 1


def test_only_the_titulaire_deposits_the_projet(gym):
    with pytest.raises(InvalidTransition, match="Titulaire"):
        deposit_projet(gym, by="moe")


def test_party_of_another_contract_finds_nothing(gym, other):
    dossier = deposit_projet(gym)
    with pytest.raises(WorksNotFound):
        next_piece(other, dossier, "deposit_etat_acompte", by="moe")
    with pytest.raises(WorksNotFound):
        services.deposit_initial(
            actor=other.titulaire.gp,
            structure=other.titulaire,
            contract_id=gym.contract.pk,
            action="deposit_projet",
            data=piece_data(),
            upload=pdf(),
        )


def test_association_to_a_piece_of_another_dossier_is_refused(gym, other):
    dossier = deposit_projet(gym)
    elsewhere = deposit_projet(other)
    with pytest.raises(WorksError, match="dernière pièce de ce dossier"):
        services.deposit_next_piece(
            actor=gym.moe.gp,
            structure=gym.moe,
            dossier_id=dossier.pk,
            action="deposit_etat_acompte",
            previous_piece_id=elsewhere.pieces.get().pk,
            data=piece_data(),
            upload=pdf(),
        )


def test_a_piece_is_a_pdf_or_xml_file(gym):
    with pytest.raises(WorksError, match="PDF, Factur-X ou XML"):
        services.deposit_initial(
            actor=gym.titulaire.gp,
            structure=gym.titulaire,
            contract_id=gym.contract.pk,
            action="deposit_projet",
            data=piece_data(),
            upload=pdf("decompte.txt", b"Bonjour"),
        )
    assert not gym.contract.dossiers.exists()


def test_two_actors_on_one_dossier_second_is_told(gym):
    dossier = deposit_projet(gym)
    seen = dossier.status
    refuse(gym, dossier, "refuse_moe", by="moe")
    with pytest.raises(WorksError, match="changé de statut entre-temps"):
        next_piece(gym, dossier, "deposit_etat_acompte", by="moe", expected_status=seen)


def test_moe_deadline_with_a_frozen_clock(gym):
    start = datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        dossier = deposit_projet(gym)
        assert dossier.days_left == 7 and not dossier.is_overdue
    with time_machine.travel(start + datetime.timedelta(days=6, hours=23), tick=False):
        dossier.refresh_from_db()
        assert dossier.days_left in (0, 1) and not dossier.is_overdue
        assert services.sweep_deadlines()["recorded"] == 0
    with time_machine.travel(start + datetime.timedelta(days=7, minutes=1), tick=False):
        dossier.refresh_from_db()
        assert dossier.is_overdue
        # A late deposit is refused with the date, and nothing is saved.
        with pytest.raises(WorksError, match="délai pour cette action a expiré le 09/03/2026"):
            next_piece(gym, dossier, "deposit_etat_acompte", by="moe")
        assert dossier.pieces.count() == 1
        assert services.sweep_deadlines()["recorded"] == 1
        assert services.sweep_deadlines()["recorded"] == 0
    dossier.refresh_from_db()
    assert dossier.status == S.MOE_DEADLINE_PASSED
    assert dossier.events.last().transition == "moe_deadline_passed"
    # The MOA decides on the titulaire's projet.
    next_piece(gym, dossier, "deposit_etat_acompte_valide", by="moa", amount="10000.00")
    dossier.refresh_from_db()
    assert dossier.status == S.MADE_AVAILABLE and dossier.invoice.status == InvoiceStatus.MADE_AVAILABLE
