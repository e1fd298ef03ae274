"""The deposit result names the rules the official validator reports, each explained in French."""

import pytest
from django.urls import reverse
from lxml import etree

from choruspro.translatable import render
from deposits.enums import DepositFormat, ItemOutcome
from einvoice import cdar
from tests.deposits.conftest import deposit
from tests.factories import UserFactory
from tests.invoices.test_cdar import CdarValidator


def br_co_10_cii(corpus) -> bytes:
    """A public XRechnung CII whose BT-106, the header's sum of the lines, is one euro off."""
    data = (corpus / "xml-rechnung/CII/EN16931_Einfach.cii.xml").read_text(encoding="utf-8")
    header = "<ram:LineTotalAmount>473.00</ram:LineTotalAmount>\n        <ram:ChargeTotalAmount>"
    assert header in data
    return data.replace(header, header.replace("473.00", "474.00")).encode()


def test_a_cii_failing_br_co_10_is_refused_with_that_rule_explained(
    corpus, supplier, client, django_capture_on_commit_callbacks
):
    data = br_co_10_cii(corpus)
    made = deposit(
        supplier,
        "f.xml",
        data,
        fmt=DepositFormat.STRUCTURED,
        callbacks=django_capture_on_commit_callbacks,
    )
    item = made.items.get()
    assert item.outcome == ItemOutcome.REJECTED
    rules = {error["rule"]: error for error in item.errors}
    assert "BR-CO-10" in rules
    explanation = render(rules["BR-CO-10"]["message"])
    assert explanation.startswith("Le total des lignes HT (BT-106) n'est pas la somme")
    assert rules["BR-CO-10"]["text"].startswith("[BR-CO-10]")  # the CEN validator's own words
    assert any(warning["rule"].startswith("BR-FR-") for warning in item.warnings)
    client.force_login(supplier.gp)
    page = client.get(reverse("deposits:detail", args=[made.pk])).content.decode()
    errors = page[page.index('data-testid="validation-errors"') :]
    assert "<code>BR-CO-10</code> Le total des lignes HT (BT-106)" in errors
    assert "Texte officiel : [BR-CO-10]" in errors
    assert 'data-testid="validation-warnings"' in page and "<code>BR-FR-" in page


@pytest.mark.parametrize(
    "name", ["xml-rechnung/CII/EN16931_Einfach.cii.xml", "cen-en16931/cii/examples/CII_example1.xml"]
)
def test_an_xrechnung_cii_and_a_cen_example_are_accepted(
    corpus, supplier, name, django_capture_on_commit_callbacks
):
    made = deposit(
        supplier,
        "f.xml",
        (corpus / name).read_bytes(),
        fmt=DepositFormat.STRUCTURED,
        callbacks=django_capture_on_commit_callbacks,
    )
    item = made.items.get()
    assert (item.outcome, item.errors, item.profile) == (ItemOutcome.DRAFT, [], "EN16931")
    assert item.invoice is not None


def test_a_refused_file_is_told_as_the_reforms_rejetee(
    corpus, supplier, client, make_structure, django_capture_on_commit_callbacks
):
    """The platform's refusal at its EN 16931 checks is the reform's 213 Rejetée: a CDAR message
    naming the file's invoice, with the reason code REJ_SEMAN and the rules it breaks."""
    made = deposit(
        supplier, "f.xml", br_co_10_cii(corpus), fmt=DepositFormat.STRUCTURED,
        callbacks=django_capture_on_commit_callbacks,
    )  # fmt: skip
    item = made.items.get()
    client.force_login(supplier.gp)
    page = client.get(reverse("deposits:detail", args=[made.pk])).content.decode()
    url = reverse("deposits:rejection_message", args=[made.pk, item.pk])
    assert f'href="{url}"' in page
    response = client.get(url)
    assert response["Content-Type"] == "application/xml"
    assert CdarValidator().errors(response.content) == []
    message = etree.fromstring(response.content)
    reference = message.find(".//ram:ReferenceReferencedDocument", namespaces=cdar.NSMAP)
    assert reference.findtext("ram:ProcessConditionCode", namespaces=cdar.NSMAP) == "213"
    assert reference.findtext("ram:IssuerAssignedID", namespaces=cdar.NSMAP) == item.fields["invoice_number"]
    status = reference.find("ram:SpecifiedDocumentStatus", namespaces=cdar.NSMAP)
    assert status.findtext("ram:ReasonCode", namespaces=cdar.NSMAP) == "REJ_SEMAN"
    assert "BR-CO-10" in status.findtext("ram:Reason", namespaces=cdar.NSMAP)
    # Another structure's deposit answers 404.
    other = UserFactory()
    make_structure(other)
    client.force_login(other)
    assert client.get(url).status_code == 404


def test_an_accepted_file_has_no_rejection_message(
    corpus, supplier, client, django_capture_on_commit_callbacks
):
    made = deposit(
        supplier, "f.xml", (corpus / "xml-rechnung/CII/EN16931_Einfach.cii.xml").read_bytes(),
        fmt=DepositFormat.STRUCTURED, callbacks=django_capture_on_commit_callbacks,
    )  # fmt: skip
    client.force_login(supplier.gp)
    url = reverse("deposits:rejection_message", args=[made.pk, made.items.get().pk])
    assert url not in client.get(reverse("deposits:detail", args=[made.pk])).content.decode()
    assert client.get(url).status_code == 404
