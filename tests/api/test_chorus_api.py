"""The real client: chorus-api (PyPI), unmodified, against the live test server and a real
Celery worker on Redis, with only its two base URLs changed (api.md §9.2). Then the recipient's
software processes the invoice the way Pastell does, over HTTP."""

import base64
import time

import pytest
import requests
from chorusapi.client import ChorusAPI

from tests.api.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def _client(live_server, software) -> ChorusAPI:
    client = ChorusAPI(
        software.client_id, software.client_secret, software.account.login, PASSWORD, sandbox=True
    )
    client.auth_url = f"{live_server.url}/api/oauth/token"
    client.api_url = live_server.url
    return client.auth()


def test_chorus_api_deposits_a_facturx_and_follows_it(
    live_server, redis_worker, supplier, recipient, connect, structured_invoice
):
    from structures import services as structure_services

    structure_services.create_service(
        actor=recipient.gp, structure_id=recipient.pk, code="SERV-1", libelle="Service 1"
    )
    client = _client(live_server, connect(supplier))

    health = client.health_check()
    assert (health.status_code, health.status_code_value) == ("OK", 200)

    found = client.rechercher_structure(recipient.identifier)
    assert found.code_retour == 0
    [structure] = found.liste_structures
    assert structure.id_structure_cpp == recipient.pk
    consulted = client.consulter_structure(structure.id_structure_cpp)
    assert consulted.information_generales.identifiant_structure == recipient.identifier
    assert consulted.parametres.get_amoa is False
    services = client.rechercher_services(structure.id_structure_cpp)
    assert [service.code_service for service in services.liste_structures] == ["SERV-1"]
    assert "EUR" in [devise.code_devise for devise in client.devises().liste_devises]

    pdf = structured_invoice("INV/2026/00042")
    deposited = client.deposer_flux(
        base64.b64encode(pdf).decode(), "factur-x_chorus_facture_INV-2026-00042.pdf"
    )
    assert deposited.code_retour == 0 and len(deposited.numero_flux_depot) == 25

    deadline = time.monotonic() + 60
    report = client.consulter_cr_detaille(deposited.numero_flux_depot)
    while report.etat_courant_depot_flux != "IN_INTEGRE" and time.monotonic() < deadline:
        assert report.etat_courant_depot_flux in ("IN_RECU", "IN_EN_COURS_TRAITEMENT_CPP"), (
            report.liste_erreur_dp
        )
        time.sleep(0.5)
        report = client.consulter_cr_detaille(deposited.numero_flux_depot)
    assert report.etat_courant_depot_flux == "IN_INTEGRE"
    assert report.liste_erreur_dp == [] and report.liste_erreur_technique == []

    [invoice] = client.rechercher_facture(deposited.numero_flux_depot).liste_factures
    assert invoice.numero_facture == "INV/2026/00042"
    assert invoice.statut == "MISE_A_DISPOSITION"

    # The recipient's software (Pastell's calls), on the same server; a base URL ending with a
    # slash reaches it too.
    entity = connect(recipient)
    token = requests.post(
        f"{live_server.url}/api/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": entity.client_id,
            "client_secret": entity.client_secret,
            "scope": "openid",
        },
        timeout=10,
    ).json()
    headers = {
        "Authorization": f"{token['token_type']} {token['access_token']}",
        "cpro-account": entity.cpro_account,
        "Accept-Charset": "utf-8",
    }

    def post(path, body):
        response = requests.post(f"{live_server.url}//cpro/{path}", json=body, headers=headers, timeout=10)
        assert response.headers["Content-Type"].startswith("application/json")
        return response.json()

    received = post(
        "factures/v1/rechercher/recipiendaire",
        {
            "typeDemandePaiement": "FACTURE",
            "paramRecherche": {"nbResultatsParPage": 1000, "pageResultatDemandee": 1},
        },
    )
    assert [row["idFacture"] for row in received["listeFactures"]] == [invoice.identifiant_facture_cpp]
    assert (
        post(
            "factures/v1/traiter/recue",
            {"idFacture": invoice.identifiant_facture_cpp, "nouveauStatut": "SERVICE_FAIT"},
        )["codeRetour"]
        == 0
    )
    history = post(
        "factures/v1/consulter/historique",
        {"idFacture": invoice.identifiant_facture_cpp, "nbResultatsMaximum": 50},
    )
    assert history["historiquesDesStatuts"]["histoStatut"][0]["histoStatutCode"] == "SERVICE_FAIT"
    [again] = client.rechercher_facture(deposited.numero_flux_depot).liste_factures
    assert again.statut == "SERVICE_FAIT"
