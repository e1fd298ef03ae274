import pytest

from solicitations import services
from solicitations.management.commands.load_solicitation_categories import load_categories
from solicitations.models import SolicitationSubcategory
from structures import selectors as structure_selectors
from structures.enums import Space
from tests.factories import UserFactory


@pytest.fixture
def categories(db):
    load_categories()


@pytest.fixture
def invoice_question(categories):
    """The sous-catégorie routed to the invoice's recipient service."""
    return SolicitationSubcategory.objects.get(code="FACTURE_EN_ATTENTE")


@pytest.fixture
def support_question(categories):
    return SolicitationSubcategory.objects.get(code="STRUCTURE_TRANSFERT_GP")


@pytest.fixture
def entity(recipient):
    """The public recipient: Sollicitations reçues opens by default on public structures."""
    assert Space.SOLLICITATIONS_RECUES in structure_selectors.opened_spaces(recipient)
    return recipient


@pytest.fixture
def agent(db):
    user = UserFactory(email="operateur.support@exemple.fr")
    services.grant_support_role(user=user)
    return user


def ask_about(invoice, supplier, *, send=True, **data):
    """A sollicitation of the supplier about one of its invoices, routed to its recipient."""
    load_categories()
    values = {
        "subcategory": SolicitationSubcategory.objects.get(code="FACTURE_EN_ATTENTE"),
        "subject": "Facture en attente",
        "message": "Notre facture attend depuis trois semaines.",
        "invoice": invoice,
        **data,
    }
    return services.save_solicitation(actor=supplier.gp, structure=supplier, data=values, send=send)


@pytest.fixture
def ask(supplier, entity, make_invoice, invoice_question, django_capture_on_commit_callbacks):
    """ask(send=True, **data) → a sollicitation of the supplier about one of its invoices."""

    def make(send=True, **data):
        invoice = data.pop("invoice", None) or make_invoice()
        with django_capture_on_commit_callbacks(execute=True):
            return ask_about(invoice, supplier, send=send, **{"subcategory": invoice_question, **data})

    return make


def act(solicitation, side, action, actor, structure=None, message="Message", **kwargs):
    return services.act_on_solicitation(
        actor=actor,
        side=side,
        structure=structure,
        solicitation_id=solicitation.pk,
        action=action,
        message=message,
        **kwargs,
    )
