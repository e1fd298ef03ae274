"""The Factures de travaux screens: each role's scope and actions, wrong inputs answered in French."""

import pytest
from django.core import mail
from django.urls import reverse

from tests.works.conftest import PDF, deposit_projet, next_piece, pdf
from works.enums import DossierStatus as S
from works.models import Contract, WorksNotification

pytestmark = pytest.mark.django_db


def as_user(client, structure):
    client.force_login(structure.gp)
    return client


def test_each_party_sees_its_contract_and_others_get_404(client, gym, other):
    dossier = deposit_projet(gym)
    for name in ("titulaire", "moe", "moa", "cotraitant", "sous_traitant"):
        as_user(client, getattr(gym, name))
        page = client.get(reverse("works:contracts")).content.decode()
        assert gym.contract.number in page and other.contract.number not in page
        assert client.get(reverse("works:contract", args=[gym.contract.pk])).status_code == 200
        assert client.get(reverse("works:dossier", args=[dossier.pk])).status_code == 200
    as_user(client, other.moe)
    piece = dossier.pieces.get()
    assert client.get(reverse("works:contract", args=[gym.contract.pk])).status_code == 404
    assert client.get(reverse("works:dossier", args=[dossier.pk])).status_code == 404
    assert client.get(reverse("works:download", args=[piece.pk])).status_code == 404
    response = client.post(reverse("works:act", args=[dossier.pk, "refuse_moe"]), {"motif": "AUTRE_MOTIF"})
    assert response.status_code == 404


def test_space_without_subscription_is_404(client, gym, make_structure):
    from tests.factories import UserFactory

    stranger = UserFactory()
    make_structure(stranger)
    client.force_login(stranger)
    assert client.get(reverse("works:home")).status_code == 404


def post_piece(client, dossier, action, number, amount):
    """The page's form for the next piece, filled as the user would."""
    dossier.refresh_from_db()
    data = {
        "number": number,
        "amount_ht": amount,
        "vat_rate": "20",
        "file": pdf(),
        "previous_piece": dossier.pieces.last().pk,
        "expected_status": dossier.status,
    }
    return client.post(reverse("works:act", args=[dossier.pk, action]), data)


def test_monthly_cycle_through_the_screens(client, gym, django_capture_on_commit_callbacks):
    as_user(client, gym.titulaire)
    contract_url = reverse("works:contract", args=[gym.contract.pk])
    assert "action-deposit_projet" in client.get(contract_url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("works:deposit_initial", args=[gym.contract.pk, "deposit_projet"]),
            {"number": "PDM-03", "amount_ht": "12000,00", "vat_rate": "20", "file": pdf()},
        )
    dossier = gym.contract.dossiers.get()
    assert response.status_code == 302 and dossier.status == S.MADE_AVAILABLE_MOE
    # The MOE is notified in the portal and by e-mail, and has it « à traiter » with its days left.
    assert WorksNotification.objects.filter(user=gym.moe.gp).exists()
    assert any(gym.moe.gp.email in m.to for m in mail.outbox)
    as_user(client, gym.moe)
    home = client.get(reverse("works:home")).content.decode()
    assert f'data-dossier="{dossier.pk}"' in home and "7 jours restants" in home
    page = client.get(reverse("works:dossier", args=[dossier.pk])).content.decode()
    assert "action-deposit_etat_acompte" in page and "action-refuse_moe" in page
    assert 'action-deposit_etat_acompte_valide"' not in page
    # « Erreur de montant » is answered next to the form, and nothing changes.
    response = client.post(
        reverse("works:act", args=[dossier.pk, "refuse_moe"]),
        {"motif": "ERREUR_MONTANT", "expected_status": dossier.status},
    )
    assert response.status_code == 400 and "n&#x27;est pas un motif de refus" in response.content.decode()
    response = post_piece(client, dossier, "deposit_etat_acompte", "EA-03", "11500,00")
    assert response.status_code == 302
    as_user(client, gym.moa)
    page = client.get(reverse("works:dossier", args=[dossier.pk])).content.decode()
    assert "-500,00 €" in page or "-500.00 €" in page
    assert "action-deposit_etat_acompte_valide" in page
    response = post_piece(client, dossier, "deposit_etat_acompte_valide", "EAV-03", "11500,00")
    assert response.status_code == 302
    dossier.refresh_from_db()
    # The service financier has it in Factures reçues.
    received = client.get(reverse("invoices:recipient_home")).content.decode()
    assert dossier.invoice.number in received


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"amount_ht": "abc"}, "Saisissez un nombre"),
        ({"file": None}, "Ce champ est obligatoire"),
        ({"file": "txt"}, "PDF, Factur-X ou XML"),
    ],
)
def test_wrong_inputs_are_answered_in_french(client, gym, data, message):
    as_user(client, gym.titulaire)
    values = {"number": "PDM-09", "amount_ht": "100", "vat_rate": "20", "file": pdf()}
    values.update(data)
    if values["file"] is None:
        del values["file"]
    elif values["file"] == "txt":
        values["file"] = pdf("decompte.txt", b"texte")
    response = client.post(reverse("works:deposit_initial", args=[gym.contract.pk, "deposit_projet"]), values)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not gym.contract.dossiers.exists()


def test_late_moe_and_wrong_actor_get_a_french_page(client, gym):
    import datetime

    import time_machine

    dossier = deposit_projet(gym)
    piece = dossier.pieces.get()
    values = {"number": "EA", "amount_ht": "1", "vat_rate": "20", "file": pdf(), "previous_piece": piece.pk}
    as_user(client, gym.titulaire)
    response = client.post(reverse("works:act", args=[dossier.pk, "deposit_etat_acompte"]), values)
    assert response.status_code == 400 and "Maîtrise d&#x27;œuvre" in response.content.decode()
    as_user(client, gym.moe)
    with time_machine.travel(dossier.deadline + datetime.timedelta(hours=1), tick=False):
        page = client.get(reverse("works:dossier", args=[dossier.pk])).content.decode()
        assert 'data-testid="overdue"' in page
        values["file"] = pdf()
        response = client.post(reverse("works:act", args=[dossier.pk, "deposit_etat_acompte"]), values)
    assert response.status_code == 400 and "a expiré le" in response.content.decode()
    assert dossier.pieces.count() == 1


def test_projet_by_another_role_is_told_why(client, gym):
    as_user(client, gym.moe)
    values = {"number": "PDM", "amount_ht": "1", "vat_rate": "20", "file": pdf()}
    response = client.post(reverse("works:deposit_initial", args=[gym.contract.pk, "deposit_projet"]), values)
    assert response.status_code == 400 and "rôle « Titulaire »" in response.content.decode()
    assert not gym.contract.dossiers.exists()


def test_declare_a_contract(client, gym, party):
    moe = party(name="Bureau Neuf")
    as_user(client, gym.titulaire)
    fiche = {
        "number": "MARCHE-NEUF",
        "engagement_number": "EJ-9",
        "title": "École",
        "titulaire": gym.titulaire.identifier,
        "moe": moe.identifier,
        "moa": gym.moa.identifier,
        "financial_structure": gym.moa.identifier,
    }
    response = client.post(reverse("works:contract_create"), {**fiche, "sous_traitants": "12345678900000"})
    assert response.status_code == 400
    assert (
        "Aucune structure active du portail n&#x27;a l&#x27;identifiant 12345678900000"
        in response.content.decode()
    )
    # The MOA must be a public structure.
    response = client.post(reverse("works:contract_create"), {**fiche, "moa": gym.titulaire.identifier})
    assert response.status_code == 400 and "structures publiques" in response.content.decode()
    response = client.post(
        reverse("works:contract_create"), {**fiche, "cotraitants": f"{gym.cotraitant.identifier} mandataire"}
    )
    assert response.status_code == 302
    contract = Contract.objects.get(number="MARCHE-NEUF")
    assert contract.parties.get(structure=gym.cotraitant).is_mandataire
    as_user(client, moe)
    assert "MARCHE-NEUF" in client.get(reverse("works:contracts")).content.decode()
    as_user(client, gym.sous_traitant)
    assert "MARCHE-NEUF" not in client.get(reverse("works:contracts")).content.decode()


def test_download_of_a_piece(client, gym):
    dossier = deposit_projet(gym)
    next_piece(gym, dossier, "deposit_etat_acompte", by="moe")
    as_user(client, gym.sous_traitant)
    response = client.get(reverse("works:download", args=[dossier.pieces.first().pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF


def test_each_role_is_offered_its_own_first_pieces(client, gym):
    url = reverse("works:contract", args=[gym.contract.pk])
    as_user(client, gym.sous_traitant)
    page = client.get(url).content.decode()
    assert 'data-testid="action-deposit_projet_sous_traitant"' in page
    assert 'data-testid="action-deposit_projet_final_sous_traitant"' in page
    assert 'data-testid="action-deposit_projet"' not in page
    # The cadre of another role, posted anyway: a French message on the page, nothing saved.
    values = {"number": "PDM", "amount_ht": "1", "vat_rate": "20", "file": pdf()}
    response = client.post(reverse("works:deposit_initial", args=[gym.contract.pk, "deposit_projet"]), values)
    assert response.status_code == 400 and "rôle « Titulaire »" in response.content.decode()
    assert not gym.contract.dossiers.exists()
    assert (
        client.post(reverse("works:deposit_initial", args=[gym.contract.pk, "nope"]), values).status_code
        == 404
    )


def test_the_validator_validates_on_the_dossier_page(client, gym, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dossier = deposit_projet(gym, by="sous_traitant", action="deposit_projet_sous_traitant")
    assert WorksNotification.objects.filter(user=gym.titulaire.gp).exists()
    as_user(client, gym.titulaire)
    home = client.get(reverse("works:home")).content.decode()
    assert "En tant que Valideur" in home and "15 jours restants" in home
    page = client.get(reverse("works:dossier", args=[dossier.pk])).content.decode()
    assert 'data-testid="action-validate_1"' in page and 'data-testid="action-refuse_1"' in page
    # The MOE has nothing to do yet.
    as_user(client, gym.moe)
    page = client.get(reverse("works:dossier", args=[dossier.pk])).content.decode()
    assert "action-validate_1" not in page and "action-deposit_etat_acompte" not in page
    response = client.post(
        reverse("works:act", args=[dossier.pk, "validate_1"]), {"expected_status": dossier.status}
    )
    assert response.status_code == 400 and "Valideur" in response.content.decode()
    as_user(client, gym.titulaire)
    response = client.post(
        reverse("works:act", args=[dossier.pk, "validate_1"]), {"expected_status": dossier.status}
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == S.MADE_AVAILABLE_MOE


def test_search_with_filters_and_csv_export(client, gym, other):
    monthly = deposit_projet(gym)
    final = deposit_projet(gym, action="deposit_projet_final")
    deposit_projet(other)
    as_user(client, gym.moe)
    url = reverse("works:search")
    page = client.get(url).content.decode()
    assert f'data-dossier="{monthly.pk}"' in page and f'data-dossier="{final.pk}"' in page
    assert other.contract.number not in page
    page = client.get(url, {"kind": "FINAL"}).content.decode()
    assert f'data-dossier="{final.pk}"' in page and f'data-dossier="{monthly.pk}"' not in page
    assert "30 jours restants" in page
    assert "Aucun dossier" in client.get(url, {"text": "introuvable"}).content.decode()
    # A wrong filter value is told beside its field, not an error page.
    response = client.get(url, {"status": "PAS_UN_STATUT"})
    assert response.status_code == 400 and "choix valide" in response.content.decode()
    response = client.get(url, {"kind": "MENSUEL", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = response.content.decode("utf-8-sig").splitlines()
    assert rows[0].startswith("Marché;Objet du marché;Dossier") and len(rows) == 2
    assert rows[1].startswith(f"{gym.contract.number};") and ";7" in rows[1]
