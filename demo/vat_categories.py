"""Demo invoices of the EN 16931 VAT categories and the reform's cases, from the demo supplier to
the demo entity: an intra-community supply, a reverse charge, an export, a credit note and an
invoice in dollars, sent; and an intra-community draft left to send (its delivery to complete)."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from invoices import services
from invoices.models import Invoice

GERMAN_BUYER_VAT = "DE136695976"
LINE = {"designation": "Mobilier de bureau", "unit": "u", "quantity": "4", "unit_price": "310.00"}

# number → (header, VAT select of the line, sent)
INVOICES = {
    "DEMO-UE-001": (
        {
            "vat_type": "EXONERATION",
            "operation_category": "BIENS",
            "buyer_vat_number": GERMAN_BUYER_VAT,
            "delivery_country": "DE",
            "delivery_city": "Berlin",
            "delivery_date": 12,
        },
        ("K", "0"),
        True,
    ),
    "DEMO-AUTOLIQ-001": ({"vat_type": "EXONERATION", "buyer_vat_number": "{entity_vat}"}, ("AE", "0"), True),
    "DEMO-EXPORT-001": (
        {"vat_type": "EXONERATION", "operation_category": "BIENS", "delivery_country": "CH"},
        ("G", "0"),
        True,
    ),
    "DEMO-USD-001": ({"currency": "USD", "tax_total_eur": Decimal("228.17")}, ("S", "20"), True),
    "DEMO-AVOIR-001": (
        {"invoice_type": "AVOIR", "payment_mode": "", "origin_invoice_number": "DEMO-001", "origin_days": 40},
        ("S", "20"),
        True,
    ),
    "DEMO-UE-BROUILLON": (
        {"vat_type": "EXONERATION", "operation_category": "BIENS", "buyer_vat_number": GERMAN_BUYER_VAT},
        ("K", "0"),
        False,
    ),
}


def _french_vat_number(siren: str) -> str:
    return f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}"


def load_demo_vat_categories(*, supplier, supplier_gp, recipient, recipient_gp) -> int:
    """Idempotent: only the invoices whose number the demo supplier does not have yet."""
    today = timezone.localdate()
    created = 0
    with transaction.atomic():
        for number, (header, (category, rate), send) in INVOICES.items():
            if Invoice.objects.filter(supplier=supplier, number=number).exists():
                continue
            data = {
                "recipient_id": recipient.pk,
                "number": number,
                "invoice_date": today - datetime.timedelta(days=3),
                "payment_mode": "CHEQUE",
                "numero_engagement": "EJ-DEMO-2026",
                **header,
            }
            data["buyer_vat_number"] = data.get("buyer_vat_number", "").replace(
                "{entity_vat}", _french_vat_number(recipient.identifier[:9])
            )
            if "delivery_date" in data:
                data["delivery_date"] = today - datetime.timedelta(days=data["delivery_date"])
            if "origin_days" in data:
                data["origin_invoice_date"] = today - datetime.timedelta(days=data.pop("origin_days"))
            line = {**LINE, "vat_category": "" if category == "S" else category, "vat_rate": rate}
            invoice = services.save_draft(actor=supplier_gp, structure=supplier, data=data, lines=[line])
            if send:
                services.submit_invoice(actor=supplier_gp, structure=supplier, invoice_id=invoice.pk)
                services.route_invoice(invoice_id=invoice.pk)
            created += 1
    return created
