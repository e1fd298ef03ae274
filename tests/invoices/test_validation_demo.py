"""The demo's Factures à valider (demo/works.py): what a fresh `make run` shows the titulaire."""

import pytest

from demo.structures import load_demo_structures
from demo.works import load_demo_works
from invoices import selectors
from invoices.enums import InvoiceStatus
from invoices.models import Invoice

pytestmark = pytest.mark.django_db


def test_demo_titulaire_has_invoices_to_validate_and_one_validated_tacitly():
    parties = load_demo_structures()
    assert load_demo_works(**parties._asdict()) == 3
    waiting = selectors.awaiting_decision_of(parties.supplier)
    assert sorted(waiting.values_list("number", flat=True)) == ["CO-GYM-001", "ST-GYM-002"]
    tacit = Invoice.objects.get(number="ST-GYM-001")
    assert tacit.status == InvoiceStatus.MADE_AVAILABLE
    assert tacit.status_changes.filter(to_status=InvoiceStatus.TACITLY_VALIDATED_1).exists()
    assert load_demo_works(**parties._asdict()) == 0
