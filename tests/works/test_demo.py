import pytest

from demo.structures import load_demo_structures
from demo.works import load_demo_works
from demo.works_contracts import load_demo_works_contracts
from invoices.enums import InvoiceStatus
from works.enums import DossierStatus as S
from works.enums import WorksCadre
from works.models import Contract, Dossier

pytestmark = pytest.mark.django_db


def test_demo_contract_has_dossiers_at_every_step(client):
    """The loader's works part alone (tests/demo loads the whole demo and reads its printed accounts)."""
    parties = load_demo_structures()._asdict()
    load_demo_works(**parties)
    assert load_demo_works_contracts(**parties) == 11
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
        S.TO_VALIDATE_1,
        S.TO_ASSOCIATE_SUPPLIER,
    }
    parvis = set(Dossier.objects.exclude(contract=contract).values_list("status", flat=True))
    assert parvis == {S.MADE_AVAILABLE_MOA, S.MADE_AVAILABLE, S.REPLACED_BY_A22}
    # The cotraitant's projet was validated tacitly, then made available to the MOE.
    tacit = Dossier.objects.get(contract=contract, pieces__cadre=WorksCadre.A13)
    assert S.TACITLY_VALIDATED_1 in tacit.events.values_list("to_status", flat=True)
    paid = Dossier.objects.get(contract=contract, status=S.MADE_AVAILABLE).invoice
    assert paid.status == InvoiceStatus.MADE_AVAILABLE
    # The MOE logs in and has its dossier to handle, with its days left.
    assert client.login(email="moe@demo.chorus.fr", password="Demo-Chorus-2026!")
    page = client.get("/factures-travaux/").content.decode()
    assert "7 jours restants" in page
    # The titulaire validates the sous-traitant's projet: it is in his list.
    assert client.login(email=parties["supplier_gp"].email, password="Demo-Chorus-2026!")
    assert "En tant que Valideur" in client.get("/factures-travaux/").content.decode()
