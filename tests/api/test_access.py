"""Access to /cpro/ (api.md §2): the token, the technical account, the structure it acts for,
and every refusal answered in JSON with a Content-Type."""

import base64

import pytest

from api import services
from api.models import ApiAuditLog, ApiCall
from tests.api.conftest import token_of

pytestmark = pytest.mark.django_db

HEALTH = "transverses/v1/health-check"


def test_the_token_has_the_shape_every_client_reads(client, supplier, connect):
    software = connect(supplier)
    assert set(software.client_secret) <= set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    )
    response = client.post(
        "/api/oauth/token",
        {
            "grant_type": "client_credentials",
            "client_id": software.client_id,
            "client_secret": software.client_secret,
            "scope": "openid",
        },
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    token = response.json()
    assert token["token_type"] == "Bearer"
    assert token["expires_in"] == 3600
    assert token["scope"] == "openid"
    assert len(token["access_token"]) >= 30


def test_a_wrong_secret_gets_no_token(client, supplier, connect):
    software = connect(supplier)
    response = client.post(
        "/api/oauth/token",
        {"grant_type": "client_credentials", "client_id": software.client_id, "client_secret": "faux"},
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_health_check_with_both_headers(cpro, supplier, connect):
    response = cpro(connect(supplier), HEALTH, method="GET")
    assert response.status_code == 200
    assert response.json() == {
        "body": "Le service est disponible.",
        "statusCode": "OK",
        "statusCodeValue": 200,
    }


@pytest.mark.parametrize(
    ("headers", "error"),
    [
        ({"HTTP_AUTHORIZATION": "Bearer nimportequoi"}, "invalid_token"),
        ({"HTTP_AUTHORIZATION": ""}, "invalid_token"),
        ({"HTTP_CPRO_ACCOUNT": base64.b64encode(b"inconnu@example.org:pw").decode()}, "Unauthorized"),
        ({"HTTP_CPRO_ACCOUNT": "pas du base64 !"}, "Unauthorized"),
    ],
)
def test_bad_credentials_are_a_json_401(cpro, supplier, connect, headers, error):
    response = cpro(connect(supplier), HEALTH, method="GET", headers=headers)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["codeRetour"] == 401
    assert f'error="{error}"' in response["WWW-Authenticate"]


def test_a_wrong_password_then_an_expired_then_a_revoked_account_are_refused(cpro, supplier, connect):
    software = connect(supplier)
    assert cpro(software, HEALTH, method="GET").status_code == 200
    software.password = "Mauvais-mot-de-passe-1"
    assert cpro(software, HEALTH, method="GET").status_code == 401
    software.password = "Tech-Chorus-2026!"
    account = software.account
    account.password_expires_at = account.created_at
    account.save(update_fields=["password_expires_at"])
    assert cpro(software, HEALTH, method="GET").status_code == 401
    services.reset_account_password(
        actor=supplier.gp, structure=supplier, account_id=account.pk, password="Nouveau-Chorus-2026!"
    )
    software.password = "Nouveau-Chorus-2026!"
    assert cpro(software, HEALTH, method="GET").status_code == 200
    services.revoke_account(actor=supplier.gp, structure=supplier, account_id=account.pk)
    assert cpro(software, HEALTH, method="GET").status_code == 401
    actions = list(ApiAuditLog.objects.filter(structure=supplier).values_list("action", flat=True))
    assert actions == [
        "COMPTE_TECHNIQUE_REVOQUE",
        "MOT_DE_PASSE_REINITIALISE",
        "COMPTE_TECHNIQUE_CREE",
        "RACCORDEMENT_DECLARE",
    ]


def test_an_account_of_another_structure_is_forbidden_with_json(cpro, supplier, recipient, connect):
    mine, theirs = connect(supplier), connect(recipient)
    mine.account, mine.password = theirs.account, theirs.password
    response = cpro(mine, HEALTH, method="GET")
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["codeRetour"] == 403


def test_one_application_serves_each_structure_connected_to_it(cpro, supplier, recipient, connect):
    software, entity = connect(supplier), connect(recipient)
    connection = services.declare_connection(
        actor=recipient.gp,
        structure=recipient,
        name="ERP partagé",
        usage_type="RECEPTION",
        contact_name="Contact",
        contact_email="contact@example.org",
        client_id=software.client_id,
    )[0]
    entity.client_id, entity.client_secret = software.client_id, software.client_secret
    assert cpro(entity, HEALTH, method="GET").status_code == 200
    services.close_connection(actor=recipient.gp, structure=recipient, connection_id=connection.pk)
    closed = cpro(entity, HEALTH, method="GET")
    assert closed.status_code == 403 and closed.json()["codeRetour"] == 403
    assert cpro(software, HEALTH, method="GET").status_code == 200


def test_unknown_operations_wrong_methods_and_bad_bodies_answer_json(client, cpro, supplier, connect):
    software = connect(supplier)
    unknown = cpro(software, "factures/v1/inconnue", {})
    assert (unknown.status_code, unknown.json()["codeRetour"]) == (404, 404)
    wrong = cpro(software, "structures/v1/rechercher", method="GET")
    assert wrong.status_code == 405 and wrong["Allow"] == "POST"
    token = token_of(client, software)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_CPRO_ACCOUNT": software.cpro_account}
    for raw in (b"{pas du json", b"[1, 2]"):
        response = client.post(
            "/cpro/structures/v1/rechercher", raw, content_type="application/json", **headers
        )
        assert response.status_code == 400
        assert response.json()["codeRetour"] == 20001


def test_every_call_is_logged_and_the_rate_limit_answers_429(cpro, supplier, connect, settings):
    software = connect(supplier)
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    statuses = [cpro(software, HEALTH, method="GET").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert cpro(software, HEALTH, method="GET").json()["codeRetour"] == 429
    calls = ApiCall.objects.filter(structure=supplier)
    assert [call.http_status for call in calls] == [429, 429, 200, 200, 200]
    assert {call.path for call in calls} == {HEALTH}
    assert all(call.account == software.account for call in calls)
    software.account.refresh_from_db()
    assert software.account.last_used_at is not None
