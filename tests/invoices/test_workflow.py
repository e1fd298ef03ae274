"""Every transition of the table, allowed and forbidden, through the one status service."""

import pytest

from invoices import workflow
from invoices.enums import InvoiceStatus
from invoices.workflow import TRANSITIONS, InvalidTransition, Side

PAIRS = [(t, status) for t in TRANSITIONS for status in InvoiceStatus.values]


@pytest.mark.parametrize(("transition", "status"), PAIRS, ids=[f"{t.name}-{s}" for t, s in PAIRS])
def test_check_allows_exactly_the_table(transition, status):
    if status in transition.sources:
        assert workflow.check(transition.name, status).target == transition.target
    else:
        with pytest.raises(InvalidTransition):
            workflow.check(transition.name, status)


def test_recipient_matrix_of_domain_1_3():
    """MISE_A_DISPOSITION offers every processing action; terminal and returned ones offer none."""
    targets = {t.target for t in workflow.allowed(InvoiceStatus.MADE_AVAILABLE, Side.RECIPIENT)}
    assert targets == {
        InvoiceStatus.TAKEN_IN_CHARGE,
        InvoiceStatus.TO_RECYCLE,
        InvoiceStatus.SUSPENDED,
        InvoiceStatus.REJECTED,
        InvoiceStatus.SERVICE_DONE,
        InvoiceStatus.MANDATED,
        InvoiceStatus.SENT_TO_ACCOUNTANT,
        InvoiceStatus.ACCOUNTED,
        InvoiceStatus.PAID,
    }
    assert {t.target for t in workflow.allowed(InvoiceStatus.MANDATED, Side.RECIPIENT)} == {
        InvoiceStatus.SENT_TO_ACCOUNTANT,
        InvoiceStatus.ACCOUNTED,
        InvoiceStatus.PAID,
    }
    for status in (
        InvoiceStatus.TO_RECYCLE,
        InvoiceStatus.SUSPENDED,
        InvoiceStatus.REJECTED,
        InvoiceStatus.PAID,
    ):
        assert workflow.allowed(status, Side.RECIPIENT) == []


def test_returns_need_a_motif_and_mandate_a_number():
    assert {t.name for t in TRANSITIONS if t.needs_reason} == {
        "to_recycle",
        "suspend",
        "reject",
        "refuse_1",
        "refuse_2",
    }
    assert {t.name for t in TRANSITIONS if t.needs_mandate_number} == {"mandate"}


def test_diagram_is_generated_from_the_table():
    diagram = workflow.mermaid_diagram()
    assert "MISE_A_DISPOSITION --> REJETEE: reject" in diagram


def test_named_rules_and_refusals_name_real_rules():
    """Every refusal message belongs to a transition or a named rule; rules say their statuses."""
    names = set(workflow.BY_NAME) | set(workflow.RULES)
    assert set(workflow.REFUSALS) <= names
    assert workflow.can("edit", InvoiceStatus.DRAFT)
    assert not workflow.can("edit", InvoiceStatus.DEPOSITED)
    assert not workflow.can("original", InvoiceStatus.DRAFT)
    assert workflow.can("original", InvoiceStatus.PAID)
    with pytest.raises(InvalidTransition, match="Seul un brouillon peut être modifié."):
        workflow.require("edit", InvoiceStatus.REJECTED)
    with pytest.raises(InvalidTransition, match="Le statut actuel de la facture ne permet pas cette action."):
        workflow.require("pay", InvoiceStatus.DRAFT)
