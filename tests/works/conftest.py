from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from demo.works import open_space_for
from structures.enums import Space
from tests.factories import UserFactory
from works import services

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="piece.pdf", data=PDF):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def piece_data(number="PDM-01", amount="10000.00", vat_rate="20"):
    from decimal import Decimal

    return {"number": number, "amount_ht": Decimal(amount), "vat_rate": vat_rate, "comment": ""}


def with_works_space(structure):
    """Opened on the structure, its manager subscribed: the space is in the manager's menu."""
    open_space_for(structure, structure.gp, Space.FACTURES_TRAVAUX)
    return structure


def new_party(make_structure, public=False, name="Entreprise"):
    """A structure with its manager (`.gp`) and Factures de travaux opened."""
    gp = UserFactory()
    structure = make_structure(gp, public=public, raison_sociale=name)
    structure.gp = gp
    return with_works_space(structure)


@pytest.fixture
def party(make_structure):
    """party(public=False, name=…) → new_party."""
    return lambda public=False, name="Entreprise": new_party(make_structure, public, name)


def declare(parties, *, by="titulaire", number="MARCHE-001"):
    return services.declare_contract(
        actor=getattr(parties, by).gp,
        structure=getattr(parties, by),
        data={
            "number": number,
            "engagement_number": "EJ-001",
            "title": "Réhabilitation du gymnase",
            "titulaire": parties.titulaire,
            "titulaire_is_mandataire": True,
            "moe": parties.moe,
            "moa": parties.moa,
            "financial_structure": parties.moa,
            "financial_service": None,
            "cotraitants": [(parties.cotraitant, False)],
            "sous_traitants": [(parties.sous_traitant, None)],
        },
    )


def make_gym(make_party):
    """A contract with its titulaire (mandataire), MOE, MOA (also service financier), a cotraitant
    and a sous-traitant, declared by the titulaire."""
    parties = SimpleNamespace(
        titulaire=make_party(name="Menuiserie Test"),
        moe=make_party(name="Atelier Archi Test"),
        moa=make_party(public=True, name="Commune de Testville"),
        cotraitant=make_party(name="Peintures Test"),
        sous_traitant=make_party(name="Électricité Test"),
    )
    parties.contract = declare(parties)
    return parties


@pytest.fixture
def gym(party):
    return make_gym(party)


@pytest.fixture
def other(party):
    """Another contract, whose parties are no party of `gym`'s."""
    parties = SimpleNamespace(
        titulaire=party(name="Maçonnerie Autre"),
        moe=party(name="Bureau Autre"),
        moa=party(public=True, name="Commune d'Ailleurs"),
        cotraitant=party(name="Cotraitant Autre"),
        sous_traitant=party(name="Sous-traitant Autre"),
    )
    parties.contract = declare(parties, number="MARCHE-AUTRE")
    return parties


def deposit_projet(parties, amount="10000.00", *, by="titulaire", action="deposit_projet"):
    structure = getattr(parties, by)
    return services.deposit_initial(
        actor=structure.gp,
        structure=structure,
        contract_id=parties.contract.pk,
        action=action,
        data=piece_data(amount=amount),
        upload=pdf(),
    )


def next_piece(parties, dossier, action, *, by, amount="9500.00", number="EA-01", **kwargs):
    structure = getattr(parties, by)
    return services.deposit_next_piece(
        actor=structure.gp,
        structure=structure,
        dossier_id=dossier.pk,
        action=action,
        previous_piece_id=dossier.pieces.order_by("-pk").first().pk,
        data=piece_data(number=number, amount=amount),
        upload=pdf(),
        **kwargs,
    )
