"""The OpenAPI document describes the API as served: schemathesis sends generated requests to every
operation of the live test server (no 5xx, every answer matches the document)."""

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.api.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def credentials(live_server, supplier, connect):
    software = connect(supplier)
    token = requests.post(
        f"{live_server.url}/api/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": software.client_id,
            "client_secret": software.client_secret,
        },
        timeout=10,
    ).json()["access_token"]
    assert software.password == PASSWORD
    return {"Authorization": f"Bearer {token}", "cpro-account": software.cpro_account}


def test_every_operation_answers_as_documented(live_server, credentials):
    # Driven by hand rather than through schemathesis' pytest plugin, which pytest 9 breaks.
    schema = schemathesis.openapi.from_url(f"{live_server.url}/cpro/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 25

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case):
            # A valid shape may still name an invoice or a structure that does not exist (a 400):
            # what a document cannot say is left out of the checks.
            case.call_and_validate(
                base_url=live_server.url, headers=credentials, excluded_checks=[positive_data_acceptance]
            )

        check()


def test_the_documentation_page_lists_every_operation(client):
    from api.operations import OPERATIONS

    page = client.get("/raccordement/documentation/").content.decode()
    assert all(f"/cpro/{path}" in page for path in OPERATIONS)
    spec = client.get("/cpro/openapi.json").json()
    assert spec["openapi"].startswith("3.") and len(spec["paths"]) == len(OPERATIONS)
