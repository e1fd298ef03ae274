"""A /cpro/ call costs a fixed number of queries, whatever the number of invoices listed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def test_a_search_costs_the_same_for_one_or_many_invoices(cpro, supplier, recipient, connect, make_invoice):
    entity = connect(recipient)
    make_invoice()
    # The token and the credentials are checked once first (the password check is then cached).
    cpro(entity, "transverses/v1/health-check", method="GET")
    counts = []
    for _round in range(2):
        with CaptureQueriesContext(connection) as queries:
            answer = cpro(entity, "factures/v1/rechercher/recipiendaire", {}).json()
        counts.append(len(queries))
        make_invoice()
        make_invoice()
    assert answer["total"] == 3
    assert counts[0] == counts[1]
    # Token, account, connection, membership, services scope, count, page, call log.
    assert counts[1] <= 8
