import pytest

from demo.structures import load_demo_structures
from demo.works import load_demo_works
from demo.works_contracts import load_demo_works_contracts
from invoices.enums import InvoiceStatus
from works.enums import DossierStatus as S
from works.models import Contract, Dossier

pytestmark = pytest.mark.django_db


def test_demo_contract_has_dossiers_at_every_step(client):
    """The loader's works part alone (tests/demo loads the whole demo and reads its printed accounts)."""
    parties = load_demo_structures()._asdict()
    load_demo_works(**parties)
    assert load_demo_works_contracts(**parties) == 5
    assert load_demo_works_contracts(**parties) == 0
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
    # The MOE logs in and has its dossier to handle, with its days left.
    assert client.login(email="moe@demo.chorus.fr", password="Demo-Chorus-2026!")
    page = client.get("/factures-travaux/").content.decode()
    assert "7 jours restants" in page
