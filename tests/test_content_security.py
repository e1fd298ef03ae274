"""Injection and content: what the portal sends back cannot run as a formula, a script or a page."""

import csv
import io
import re
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from choruspro.spreadsheet import safe_cell
from deposits.models import Deposit
from invoices.attachments import clean_name
from invoices.models import Invoice
from structures import services
from structures.enums import Role
from tests.factories import UserFactory
from tests.invoices.test_views_supplier import PDF, entry_data

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

# An engagement number holds 50 characters at most.
HYPERLINK = '=HYPERLINK("http://pirate.example/?x=1";"Cliquez")'


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


SANDBOX = "sandbox; default-src 'none'"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'


def assert_sandboxed(response):
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == SANDBOX
    if response.streaming:
        b"".join(response.streaming_content)


@pytest.mark.documents  # the original is rendered
def test_attachments_and_originals_are_downloaded_sandboxed(
    client, supplier, recipient, django_capture_on_commit_callbacks
):
    client.force_login(supplier.gp)
    svg = SimpleUploadedFile("plan.svg", SVG, content_type="image/svg+xml")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/factures-emises/saisir/", {**entry_data(recipient), "attachments": [svg]})
    invoice = Invoice.objects.get(supplier=supplier)
    attachment = invoice.attachments.get(name="plan.svg")
    assert_sandboxed(client.get(f"/factures-emises/{invoice.pk}/pieces-jointes/{attachment.pk}/"))
    assert_sandboxed(client.get(f"/factures-emises/{invoice.pk}/certificat-de-depot/"))
    client.force_login(recipient.gp)
    assert_sandboxed(client.get(f"/factures-recues/{invoice.pk}/pieces-jointes/{attachment.pk}/"))
    assert_sandboxed(client.get(f"/factures-recues/{invoice.pk}/original/"))


LONG_NAME = "é" * 126  # 126 characters, 252 bytes: with an extension, over the file systems' 255


def test_a_deposit_with_a_name_over_255_bytes_is_stored_shortened(client, supplier):
    client.force_login(supplier.gp)
    data = {"kind": "UNITAIRE", "format": "PDF_NON_SIGNE", "cadre": "A1_FACTURE_FOURNISSEUR"}
    data["file"] = SimpleUploadedFile(f"{LONG_NAME}.pdf", PDF, content_type="application/pdf")
    response = client.post("/factures-emises/depot/", data)
    deposit = Deposit.objects.get(structure=supplier)
    assert response.status_code == 302
    assert deposit.file_name == "é" * 98 + ".pdf" and len(deposit.file_name.encode()) == 200
    with deposit.file.open("rb") as stored:
        assert stored.read() == PDF
    assert_sandboxed(client.get(f"/factures-emises/depots/{deposit.pk}/fichier/"))


def test_an_attachment_with_a_name_over_255_bytes_is_refused_clearly(client, supplier, recipient):
    client.force_login(supplier.gp)
    upload = SimpleUploadedFile(f"{LONG_NAME}.pdf", PDF, content_type="application/pdf")
    response = client.post(
        "/factures-emises/saisir/", {**entry_data(recipient, action="save"), "attachments": [upload]}
    )
    assert response.status_code == 422
    assert "Le nom du fichier dépasse 50 caractères" in response.content.decode()
    assert not Invoice.objects.exists()


def test_plain_text_emails_are_not_html_escaped(make_structure, django_capture_on_commit_callbacks):
    name = "Bon d'achat & devis <Nord>"
    gp = UserFactory()
    structure = make_structure(gp, raison_sociale=name)
    colleague = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.attach_user(actor=gp, structure_id=structure.pk, user=colleague, role=Role.USER)
    sent = mail.outbox[-1]
    assert sent.to == [colleague.notification_email]
    assert name in sent.subject and name in sent.body
    assert "&amp;" not in sent.body and "&#x27;" not in sent.body and "&lt;" not in sent.body


@pytest.mark.parametrize("action", ["send", "add_line", "remove_line:0", "refresh"])
def test_a_huge_lines_total_builds_only_the_posted_rows(client, supplier, recipient, action):
    client.force_login(supplier.gp)
    data = entry_data(recipient, action=action, **{"lines-TOTAL_FORMS": "999999"})
    response = client.post("/factures-emises/saisir/", data)
    assert response.status_code in (200, 422)
    lines = response.context["lines"]
    assert lines.total_form_count() <= 2 and len(response.content) < 200_000
    if action == "send":
        assert "Une facture compte au plus 500 lignes." in lines.non_form_errors()
        assert not Invoice.objects.exists()


def test_adding_and_removing_a_line_still_works(client, supplier, recipient):
    client.force_login(supplier.gp)
    added = client.post("/factures-emises/saisir/", entry_data(recipient, action="add_line"))
    assert added.context["lines"].total_form_count() == 2
    removed = client.post("/factures-emises/saisir/", entry_data(recipient, action="remove_line:0"))
    assert removed.context["lines"].total_form_count() == 1
    junk = client.post("/factures-emises/saisir/", entry_data(recipient, **{"lines-TOTAL_FORMS": "abc"}))
    assert junk.status_code == 422


def test_the_too_many_lines_error_is_translated(client, supplier, recipient):
    client.force_login(supplier.gp)
    client.cookies["django_language"] = "en"
    data = entry_data(recipient, **{"lines-TOTAL_FORMS": "999999"})
    response = client.post("/factures-emises/saisir/", data)
    assert "An invoice has at most 500 lines." in response.content.decode()


def test_pages_carry_a_csp_without_inline_script_and_a_permissions_policy(client, manager):
    client.force_login(manager)
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    page = response.content.decode()
    assert "<script>" not in page and "<script src=" in page


def test_a_download_keeps_its_sandbox_policy(client, supplier):
    client.force_login(supplier.gp)
    data = {"kind": "UNITAIRE", "format": "PDF_NON_SIGNE", "cadre": "A1_FACTURE_FOURNISSEUR"}
    data["file"] = SimpleUploadedFile("facture.pdf", PDF, content_type="application/pdf")
    client.post("/factures-emises/depot/", data)
    response = client.get(f"/factures-emises/depots/{Deposit.objects.get().pk}/fichier/")
    assert response["Content-Security-Policy"] == SANDBOX
    b"".join(response.streaming_content)


def test_templates_have_no_inline_script_handler_or_evaluated_trigger():
    """What the Content-Security-Policy (script-src 'self', no eval) would refuse in the portal's
    own templates: an inline <script>, an on…= handler, an htmx trigger filter `[…]`."""
    forbidden = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+=\"|hx-trigger=\"[^\"]*\[|hx-on")
    found = [
        f"{path.relative_to(TEMPLATES)}: {match.group()}"
        for path in TEMPLATES.rglob("*.html")
        if "documents" not in path.parts  # the PDFs drawn by WeasyPrint run no script
        for match in forbidden.finditer(path.read_text())
    ]
    assert found == []


@pytest.mark.parametrize(
    ("name", "max_bytes", "cleaned"),
    [
        ("C:\\Users\\moi\\bon.pdf", 200, "bon.pdf"),
        ("é" * 126 + ".xml", 200, "é" * 98 + ".xml"),
        ("€" * 50 + ".pdf", 100, "€" * 32 + ".pdf"),  # never a multi-byte character cut in two
        ("a." + "b" * 300, 200, "a." + "b" * 198),  # a 300-byte « extension » is part of the name
    ],
)
def test_file_names_are_shortened_in_bytes_with_their_extension(name, max_bytes, cleaned):
    assert clean_name(name, max_bytes) == cleaned
    assert len(cleaned.encode()) <= max_bytes
