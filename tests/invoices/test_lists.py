"""The invoice lists of both sides: rows, the folded search criteria, and what a page costs."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from invoices import services
from invoices.enums import InvoiceStatus
from invoices.models import Invoice
from structures import services as structure_services
from structures.enums import Role, Space, SubscriptionMode
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SUPPLIER_SEARCH = "/factures-emises/rechercher/"
RECIPIENT_SEARCH = "/factures-recues/rechercher/"


def _queries(client, path, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, params or {})
        assert response.status_code == 200
        if response.streaming:
            b"".join(response.streaming_content)
    return len(captured.captured_queries)


def test_a_list_page_costs_the_same_queries_for_one_row_or_many(client, supplier, recipient, make_invoice):
    """The lists load only their columns: a column read from a field left out would cost a query
    a row, here and in the CSV export."""
    pages = {
        supplier: ("/factures-emises/", SUPPLIER_SEARCH, SUPPLIER_SEARCH + "?format=csv"),
        recipient: ("/factures-recues/", RECIPIENT_SEARCH, RECIPIENT_SEARCH + "?format=csv"),
    }

    def costs():
        result = {}
        for who, paths in pages.items():
            client.force_login(who.gp)
            result[who.pk] = [_queries(client, path) for path in paths]
        return result

    costs()  # fills the header's cache (structures.cache), which rows do not change
    make_invoice(numero_engagement="EJ-1")
    with_one = costs()
    for _ in range(3):
        make_invoice()
    assert costs() == with_one
    assert len(client.get(RECIPIENT_SEARCH).context["page_obj"]) == 4


def test_rows_show_the_columns_and_escape_what_users_typed(client, supplier, recipient, make_invoice):
    supplier.raison_sociale = "<b>Dupont & Fils</b>"
    supplier.save()
    invoice = make_invoice(numero_engagement="EJ-42")
    client.force_login(recipient.gp)
    page = client.get(RECIPIENT_SEARCH).content.decode()
    row = page[page.index(f'<tr data-invoice="{invoice.number}">') :]
    row = row[: row.index("</tr>")]
    assert "&lt;b&gt;Dupont &amp; Fils&lt;/b&gt;" in row and "<b>" not in row
    assert f'href="/factures-recues/{invoice.pk}/"' in row
    assert f'value="{invoice.pk}"' in row  # the recipient manager may process it: a checkbox
    assert 'data-status="MISE_A_DISPOSITION"' in row and "Mise à disposition" in row
    assert invoice.deposited_at.astimezone().strftime("%d/%m/%Y") in row
    assert "02/11/2026" in row and "EJ-42" in row and "EUR" in row
    assert f"{invoice.total_ttc:.2f}".replace(".", ",") in row.replace("\u202f", "").replace("\xa0", "")
    client.force_login(supplier.gp)
    page = client.get(SUPPLIER_SEARCH).content.decode()
    assert recipient.raison_sociale in page and f'href="/factures-emises/{invoice.pk}/"' in page


def test_folded_criteria_are_loaded_when_opened_unless_one_is_in_use(client, supplier, make_invoice):
    make_invoice()
    client.force_login(supplier.gp)
    page = client.get(SUPPLIER_SEARCH).content.decode()
    assert 'name="amount_min"' not in page and 'aria-expanded="false"' in page
    assert f'hx-get="{SUPPLIER_SEARCH}?criteres=plus"' in page
    # What the accordion asks when opened: the folded fields alone, no result list.
    fragment = client.get(SUPPLIER_SEARCH, {"criteres": "plus"}, headers={"HX-Request": "true"})
    body = fragment.content.decode()
    assert 'name="amount_min"' in body and 'name="per_page"' in body and 'name="supplier_service"' in body
    assert "<table" not in body and 'name="number"' not in body
    # The choices made stay chosen (the portal writes a select's options itself).
    page = client.get(SUPPLIER_SEARCH, {"statuses": ["REJETEE", "SUSPENDUE"]}).content.decode()
    assert '<option value="REJETEE" selected>' in page and '<option value="SUSPENDUE" selected>' in page
    assert '<option value="MISE_EN_PAIEMENT">' in page
    # The page size shown is the one the list uses, also when the query names none.
    for query in ({}, {"sort": "numero"}, {"per_page": "50"}):
        page = client.get(SUPPLIER_SEARCH, {**query, "amount_min": "1"}).content.decode()
        select = page[page.index('<select name="per_page"') :]
        select = select[: select.index("</select>")]
        assert re.findall(r'<option value="(\d+)" selected>', select) == [query.get("per_page", "20")]
    # The neutral values a submitted form carries keep the part folded.
    page = client.get(SUPPLIER_SEARCH, {"amount_kind": "TTC", "per_page": "20", "cadre": ""}).content.decode()
    assert 'name="amount_min"' not in page
    # A criterion in use, or in error, is shown open with its value.
    page = client.get(SUPPLIER_SEARCH, {"amount_min": "150,5"}).content.decode()
    assert 'aria-expanded="true"' in page and 'value="150,5"' in page and "criteres=plus" not in page
    response = client.get(SUPPLIER_SEARCH, {"invoice_date_from": "31/02/2026"})
    assert response.status_code == 422
    assert 'aria-expanded="true"' in response.content.decode()


def test_a_service_user_is_offered_only_their_services(client, recipient, make_invoice):
    finances = structure_services.create_service(
        actor=recipient.gp, structure_id=recipient.pk, code="FIN", libelle="Finances"
    )
    structure_services.create_service(
        actor=recipient.gp, structure_id=recipient.pk, code="TECH", libelle="Technique"
    )
    clerk = UserFactory()
    structure_services.attach_user(
        actor=recipient.gp, structure_id=recipient.pk, user=clerk, role=Role.USER, service_ids=[finances.pk]
    )
    subscription = structure_services.request_subscription(
        user=clerk, structure_id=recipient.pk, space=Space.FACTURES_RECUES, mode=SubscriptionMode.CONSULTATION
    )
    structure_services.decide_subscription(
        actor=recipient.gp, structure_id=recipient.pk, subscription_id=subscription.pk, approve=True
    )
    client.force_login(clerk)
    fragment = client.get(RECIPIENT_SEARCH, {"criteres": "plus"}).content.decode()
    assert "FIN" in fragment and "TECH" not in fragment
    # A consultation user has no checkbox to process with.
    make_invoice(recipient_service_id=finances.pk)
    page = client.get(RECIPIENT_SEARCH).content.decode()
    assert 'name="ids"' not in page and "data-invoice=" in page


def test_summary_shows_the_latest_returned_invoices_and_links_to_all(
    client, supplier, recipient, make_invoice
):
    invoice = make_invoice()
    services.process_invoice(
        actor=recipient.gp, structure=recipient, invoice_id=invoice.pk, transition="reject", reason="Doublon"
    )
    client.force_login(supplier.gp)
    page = client.get("/factures-emises/").content.decode()
    assert "1 facture renvoyée à prendre en compte" in page and 'data-testid="all-returned"' not in page
    # Twenty more returned invoices, copies of the real one.
    returned = Invoice.objects.get(pk=invoice.pk)
    for n in range(20):
        returned.pk = None
        returned.number = f"R-{n:02d}"
        returned.save()
    response = client.get("/factures-emises/")
    page = response.content.decode()
    assert "21 factures renvoyées à prendre en compte" in page
    assert page.count('name="ids"') == 20
    link = response.context["all_returned_url"]
    assert 'data-testid="all-returned"' in page and "Voir les 21 factures renvoyées" in page
    found = client.get(link)
    assert found.context["page_obj"].paginator.count == 21
    assert {i.status for i in found.context["page_obj"]} == {InvoiceStatus.REJECTED}
