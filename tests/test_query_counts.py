"""What the main pages cost in SQL queries, pinned: a new query on one of them fails here, and the
failure lists the queries.

Each page is asked once before it is counted, as a user browsing does: the header's data then come
from the cache (structures.cache) and the session from cached_db, leaving the user's row as the
only query a connected page makes before its own content.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import StructureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoices(make_invoice):
    """A few invoices from `supplier` to `recipient` (a page's cost must not depend on them)."""
    return [make_invoice(), make_invoice(), make_invoice(send=False)]


def _count(client, django_assert_num_queries, user, path, expected):
    if user is not None:
        client.force_login(user)
    assert client.get(path).status_code == 200
    with django_assert_num_queries(expected):
        response = client.get(path)
    assert response.status_code == 200


def test_an_anonymous_page_makes_no_query(client, django_assert_num_queries):
    _count(client, django_assert_num_queries, None, "/annuaire/", 0)


def test_an_empty_connected_page_reads_only_the_user(client, supplier, django_assert_num_queries):
    """The annuaire's empty search: header and menu, no content of its own (6 queries before
    the header's cache and cached_db sessions)."""
    _count(client, django_assert_num_queries, supplier.gp, "/annuaire/", 1)


def test_the_first_connected_page_fills_the_header_cache(client, supplier, django_assert_num_queries):
    """User, memberships with their structures, opened spaces, subscriptions, the unread counts of
    invoice and sollicitation notices, and the session saved once with the structure chosen by
    default (a savepoint, an update)."""
    client.force_login(supplier.gp)
    with django_assert_num_queries(9):
        assert client.get("/annuaire/").status_code == 200


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/", 7),  # was 13; 6 before the support role's check (link to the support's space)
        ("/compte/", 5),  # was 10
        ("/factures-emises/", 6),  # Synthèse, was 11
        ("/factures-emises/rechercher/", 3),  # was 8
        ("/factures-emises/tableau-de-bord/", 2),  # was 8
        ("/gestionnaire/utilisateurs/", 4),  # was 9
    ],
)
def test_supplier_pages(client, supplier, invoices, django_assert_num_queries, path, expected):
    _count(client, django_assert_num_queries, supplier.gp, path, expected)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/factures-recues/", 3),  # Synthèse, was 8
        ("/factures-recues/rechercher/", 3),  # was 8
        ("/factures-recues/tableau-de-bord/", 2),  # was 8
    ],
)
def test_recipient_pages(client, recipient, invoices, django_assert_num_queries, path, expected):
    _count(client, django_assert_num_queries, recipient.gp, path, expected)


def test_annuaire_search(client, supplier, django_assert_num_queries):
    """Count and page of results (was 8); on SQLite, first the candidates of its trigram index
    (structures/search_index.py), which PostgreSQL's own indexes make needless."""
    from django.db import connection

    for ville in ("Voiron", "Voiron", "Grenoble"):
        StructureFactory(public=True, raison_sociale=f"Commune de {ville}", ville=ville)
    expected = 4 if connection.vendor == "sqlite" else 3
    _count(client, django_assert_num_queries, supplier.gp, "/annuaire/?q=commune", expected)


def _lot_statements(supplier, structured_invoice, callbacks, first: int, count: int) -> int:
    """The statements of a lot of `count` valid CII invoices, from the deposit to IN_INTEGRE, its
    worker tasks (run on commit, as the worker runs them) and their notifications included."""
    from deposits.enums import DepositFormat, DepositKind
    from tests.deposits.conftest import deposit, zip_of

    lot = zip_of(
        {f"Q-{n}.xml": structured_invoice(f"Q-{n}", as_xml=True) for n in range(first, first + count)}
    )
    with CaptureQueriesContext(connection) as queries:
        made = deposit(
            supplier, "lot.zip", lot, kind=DepositKind.LOT, fmt=DepositFormat.STRUCTURED, callbacks=callbacks
        )
    assert made.status == "IN_INTEGRE" and made.items.filter(invoice__isnull=False).count() == count
    return len(queries)


# Per integrated invoice, as counted here (each atomic block is a savepoint inside the test's
# transaction): the file's row locked and read, the draft with its lines, VAT lines and original,
# the rights read once, every check of Valider et envoyer, its automatic statuses written in one
# update of the invoice with their chained history rows inserted together, the file closed, the
# pending question, and the notification task of its mise à disposition (was 61 on this count,
# with 5 updates of the invoice, 2 reads of the rights, one history statement pair per status and
# a lock and two reads of the deposit after each file).
PER_INVOICE = 44


def test_a_lot_costs_a_fixed_number_of_statements_per_invoice(
    supplier, recipient, structured_invoice, django_capture_on_commit_callbacks
):
    two = _lot_statements(supplier, structured_invoice, django_capture_on_commit_callbacks, 0, 2)
    five = _lot_statements(supplier, structured_invoice, django_capture_on_commit_callbacks, 2, 5)
    per_invoice = (five - two) / 3
    assert per_invoice <= PER_INVOICE, (two, five)
    # Nor does what is done once per lot.
    assert two - 2 * per_invoice <= 34, (two, five)
