"""Query counts of the busiest invoice screens, pinned so that an N+1 or a repeated read shows.

Every request costs one query before the view, the user: the session, the current membership and
the space rights come from the cache (structures.cache). In these tests each atomic block adds a
SAVEPOINT and its RELEASE (the test runs inside a transaction)."""

import pytest

from invoices.enums import InvoiceStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice(make_invoice):
    return make_invoice()


def test_traiter_reads_the_invoice_once(client, recipient, invoice, django_assert_num_queries):
    """Traiter: the user, then the locked scoped read, the status update and the two history rows,
    each chained to the last one (read under the invoice's lock) — 7, and the savepoint's two
    (was 17: the membership read 4 times, the invoice 4 times)."""
    client.force_login(recipient.gp)
    client.get(f"/factures-recues/{invoice.pk}/")
    with django_assert_num_queries(9):
        response = client.post(
            f"/factures-recues/{invoice.pk}/traiter/",
            {"transition": "service_done", "expected_status": invoice.status},
        )
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.SERVICE_DONE


def test_recipient_invoice_page(client, recipient, invoice, django_assert_num_queries):
    client.force_login(recipient.gp)
    client.get(f"/factures-recues/{invoice.pk}/")
    # 9: and one for the invoice's sollicitations (solicitations' include).
    with django_assert_num_queries(9):
        response = client.get(f"/factures-recues/{invoice.pk}/")
    assert response.status_code == 200


def test_supplier_invoice_page(client, supplier, invoice, django_assert_num_queries):
    client.force_login(supplier.gp)
    client.get(f"/factures-emises/{invoice.pk}/")
    # 9: and one for the invoice's sollicitations (solicitations' include).
    with django_assert_num_queries(9):
        response = client.get(f"/factures-emises/{invoice.pk}/")
    assert response.status_code == 200


def test_entry_form(client, supplier, django_assert_num_queries):
    client.force_login(supplier.gp)
    client.get("/factures-emises/saisir/")
    with django_assert_num_queries(5):
        response = client.get("/factures-emises/saisir/")
    assert response.status_code == 200


def test_entry_form_failed_post(client, supplier, django_assert_num_queries):
    client.force_login(supplier.gp)
    client.get("/factures-emises/saisir/")
    data = {"action": "save", "lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "0"}
    with django_assert_num_queries(5):
        response = client.post("/factures-emises/saisir/", data)
    assert response.status_code == 422
