"""Every pair of the transition table, through the one service: each allowed source moves to the
target with a chained exchange; every other status is refused."""

import pytest
from django.db import transaction

from choruspro import history
from solicitations import services, workflow
from solicitations.enums import Addressee, Side
from solicitations.enums import SolicitationStatus as S
from solicitations.exceptions import InvalidTransition, SolicitationError, SolicitationNotFound
from solicitations.models import Solicitation, SolicitationExchange
from tests.solicitations.conftest import act

pytestmark = pytest.mark.django_db

# How to bring a sent sollicitation to each status, as (side, action) steps.
PATHS = {
    S.SENT: [],
    S.IN_PROGRESS: [(Side.SERVICE, "take_in_charge")],
    S.COMPLEMENT_REQUESTED: [(Side.SERVICE, "ask_complement")],
    S.COMPLETED: [(Side.SERVICE, "ask_complement"), (Side.REQUESTER, "complete")],
    S.ANSWERED: [(Side.SERVICE, "answer")],
    S.SENT_BACK: [(Side.SERVICE, "answer"), (Side.REQUESTER, "send_back")],
    S.TRANSFERRED_TO_SUPPORT: [(Side.SERVICE, "transfer_to_support")],
    S.CLOSED: [(Side.REQUESTER, "close")],
}

SIDES = (Side.REQUESTER, Side.SERVICE, Side.SUPPORT)


class _Undo(Exception):
    """Rolls back one allowed transition, so that the next starts from the same status."""


def _bring(solicitation, status, people):
    for side, action in PATHS[status]:
        _run(solicitation, side, action, people)
    solicitation.refresh_from_db()
    assert solicitation.status == status


def _run(solicitation, side, action, people, **kwargs):
    actor, structure = people[side]
    return act(solicitation, side, action, actor, structure, message="Message de l'échange", **kwargs)


@pytest.fixture
def people(supplier, entity, agent):
    return {
        Side.REQUESTER: (supplier.gp, supplier),
        Side.SERVICE: (entity.gp, entity),
        Side.SUPPORT: (agent, None),
    }


@pytest.mark.parametrize("side", SIDES)
@pytest.mark.parametrize("status", [status for status in S if status != S.DRAFT])
def test_every_pair_of_the_table(ask, people, status, side):
    """From each status, each side's transitions of the table move to their target with a
    chained exchange; every other one is refused and changes nothing."""
    solicitation = ask()
    _bring(solicitation, status, people)
    if side == Side.SUPPORT:
        # The support acts on what is in its hands: hand it over, keeping the status.
        Solicitation.objects.filter(pk=solicitation.pk).update(addressee=Addressee.SUPPORT)
    service = people[Side.SERVICE][1].services.create(code="FIN", libelle="Finances")
    before = SolicitationExchange.objects.filter(solicitation=solicitation).count()
    for transition in workflow.TRANSITIONS:
        if transition.name == "submit":
            continue
        extra = {"service": service} if transition.name == "reassign" else {}
        if status in transition.sources.get(side, ()):
            with pytest.raises(_Undo), transaction.atomic():
                _run(solicitation, side, transition.name, people, **extra)
                solicitation.refresh_from_db()
                assert solicitation.status == transition.target
                last = solicitation.exchanges.last()
                assert (last.transition, last.from_status, last.to_status, last.side) == (
                    transition.name,
                    status,
                    transition.target,
                    side,
                )
                assert history.verify(SolicitationExchange).breaks == []
                raise _Undo
        else:
            # Once transferred, the sollicitation is out of the service's scope altogether.
            gone = side == Side.SERVICE and status == S.TRANSFERRED_TO_SUPPORT
            with pytest.raises(SolicitationNotFound if gone else InvalidTransition):
                _run(solicitation, side, transition.name, people, **extra)
        solicitation.refresh_from_db()
        assert solicitation.status == status
        assert SolicitationExchange.objects.filter(solicitation=solicitation).count() == before


def test_submit_only_from_a_draft(ask, supplier):
    """A draft is edited then sent; once sent it can no longer be edited."""
    draft = ask(send=False)
    assert draft.status == S.DRAFT

    def save(send):
        data = {
            "subcategory": draft.subcategory,
            "subject": "Objet",
            "message": "Texte",
            "invoice": draft.invoice,
        }
        services.save_solicitation(
            actor=supplier.gp, structure=supplier, solicitation_id=draft.pk, data=data, send=send
        )

    save(send=True)
    draft.refresh_from_db()
    assert draft.status == S.SENT and draft.sent_at is not None
    with pytest.raises(SolicitationError, match="brouillon"):
        save(send=False)


def test_the_diagram_is_generated_from_the_table():
    assert workflow.mermaid_diagram().count("-->") == sum(
        len(set().union(*t.sources.values())) for t in workflow.TRANSITIONS
    )
