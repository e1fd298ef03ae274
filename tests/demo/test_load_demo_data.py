import pytest
from django.core.management import call_command

from accounts.models import User
from invoices.models import Invoice
from structures.enums import MandateStatus, MembershipStatus, Role
from structures.models import BillingMandate, Membership, Structure

pytestmark = pytest.mark.django_db


def test_demo_data_loads_twice_without_duplicates(capsys):
    """`make run` loads the demo data at every start: the second run changes nothing."""
    call_command("load_demo_data")
    counts = (User.objects.count(), Structure.objects.count(), Membership.objects.count())
    call_command("load_demo_data")
    assert (User.objects.count(), Structure.objects.count(), Membership.objects.count()) == counts
    assert Invoice.objects.filter(number="DEMO-UE-BROUILLON").count() == 1
    out = capsys.readouterr().out
    assert "gp.fournisseur@demo.chorus.fr" in out and "Demo-Chorus-2026!" in out
    assert "sous-traitant@demo.chorus.fr" in out and "cotraitant@demo.chorus.fr" in out
    gp = User.objects.get(email="gp.fournisseur@demo.chorus.fr")
    assert gp.check_password("Demo-Chorus-2026!") and gp.is_active
    supplier = Structure.objects.get(identifier="41816609600069")
    assert Membership.objects.get(user=gp, structure=supplier).role == Role.PRINCIPAL_MANAGER
    assert BillingMandate.objects.get(structure=supplier).status == MandateStatus.ACTIVE
    assert Membership.objects.get(user__email="candidat@demo.chorus.fr").status == MembershipStatus.PENDING


def test_demo_invoices_cover_every_status_between_the_demo_structures():
    from invoices import workflow
    from invoices.enums import InvoiceStatus

    call_command("load_demo_data")
    statuses = set(
        Invoice.objects.filter(
            supplier__identifier="41816609600069", recipient__identifier="21380000600016"
        ).values_list("status", flat=True)
    )
    expected = set(InvoiceStatus.values) - {
        InvoiceStatus.DEPOSITED,
        InvoiceStatus.ROUTING,
        InvoiceStatus.TAKEN_IN_CHARGE,
        InvoiceStatus.DELETED,
    }
    # The validation circuit's statuses are the contract partners' (tests/invoices/test_validation_demo.py).
    expected -= workflow.VALIDATION
    assert expected <= statuses
    assert Invoice.objects.count() > 150
    # The EN 16931 VAT categories and the reform's cases (demo/vat_categories.py).
    demo = Invoice.objects.filter(supplier__identifier="41816609600069")
    categories = set(demo.values_list("lines__vat_category", flat=True))
    assert {"S", "K", "AE", "G"} <= categories
    sent = demo.filter(number__in=["DEMO-UE-001", "DEMO-USD-001", "DEMO-AVOIR-001"])
    assert set(sent.values_list("status", flat=True)) == {InvoiceStatus.MADE_AVAILABLE}
    assert demo.get(number="DEMO-UE-BROUILLON").status == InvoiceStatus.DRAFT


def test_printed_accounts_stay_true_once_the_demo_request_is_approved():
    from io import StringIO

    from django.core.management import call_command

    from structures import services
    from structures.models import Membership

    call_command("load_demo_data", stdout=StringIO())
    request = Membership.objects.get(user__email="candidat@demo.chorus.fr")
    manager = Membership.objects.get(
        user__email="gp.fournisseur@demo.chorus.fr", structure=request.structure
    ).user
    services.decide_membership(
        actor=manager, structure_id=request.structure_id, membership_id=request.pk, approve=True
    )
    out = StringIO()
    call_command("load_demo_data", stdout=out)
    line = next(line for line in out.getvalue().splitlines() if "candidat@" in line)
    assert "acceptée" in line and "en attente" not in line
