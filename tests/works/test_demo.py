import pytest
from django.core.management import call_command

from invoices.enums import InvoiceStatus
from works.enums import DossierStatus as S
from works.models import Contract, Dossier

pytestmark = pytest.mark.django_db


def test_demo_contract_has_dossiers_at_every_step(capsys, client):
    call_command("load_demo_data")
    contract = Contract.objects.get(title="Réhabilitation du gymnase")
    assert {p.structure.raison_sociale for p in contract.parties.all()} >= {
        "Atelier Archi Démo",
        "Peintures Roux",
        "Électricité Garnier",
    }
    statuses = set(Dossier.objects.filter(contract=contract).values_list("status", flat=True))
    assert statuses == {
        S.MADE_AVAILABLE,
        S.MOE_DEADLINE_PASSED,
        S.REFUSED_MOE,
        S.MADE_AVAILABLE_MOA,
        S.MADE_AVAILABLE_MOE,
    }
    paid = Dossier.objects.get(contract=contract, status=S.MADE_AVAILABLE).invoice
    assert paid.status == InvoiceStatus.MADE_AVAILABLE
    assert "moe@demo.chorus.fr" in capsys.readouterr().out
    # The MOE logs in and has its dossier to handle, with its days left.
    assert client.login(email="moe@demo.chorus.fr", password="Demo-Chorus-2026!")
    page = client.get("/factures-travaux/").content.decode()
    assert "7 jours restants" in page
