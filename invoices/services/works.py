"""Factures de travaux (domain §9.3): the état d'acompte validé the MOA deposits becomes a payable
invoice of the titulaire, available to the service financier in Factures reçues, and then follows
the ordinary lifecycle. Called by the works app's one status service, in its transaction."""

from decimal import Decimal

from django.utils import timezone

from invoices import events
from invoices.enums import DepositMode, InvoiceAction, PaymentMode
from invoices.models import Invoice
from invoices.services.core import _apply_transition
from invoices.services.drafts import _set_lines_and_totals
from invoices.services.files import _attach_principal
from invoices.services.routing import _route


def issue_works_invoice(
    *,
    actor,
    structure,
    supplier,
    recipient,
    recipient_service,
    cadre: str,
    number: str,
    designation: str,
    amount_ht: Decimal,
    vat_rate: Decimal,
    contract_number: str,
    engagement_number: str,
    original_name: str,
    original_data: bytes,
) -> Invoice:
    """The actor hands the payable piece (a `WorksPayableCadre`) over: the invoice is the
    dossier's supplier's (`supplier`: the titulaire, or a sous-traitant paid directly), deposited
    as a file (works pieces cannot be typed, domain §2), and made available
    to the service financier at once."""
    invoice = Invoice.objects.create(
        supplier=supplier,
        created_by=actor,
        cadre=cadre,
        recipient=recipient,
        recipient_service=recipient_service,
        number=number,
        invoice_date=timezone.localdate(),
        payment_mode=PaymentMode.TRANSFER,
        numero_engagement=engagement_number,
        contract_number=contract_number,
        deposit_mode=DepositMode.PDF,
    )
    _set_lines_and_totals(
        invoice,
        [
            {
                "designation": designation,
                "quantity": "1",
                "unit_price": str(amount_ht),
                "vat_rate": str(vat_rate),
            }
        ],
        new=True,
    )
    events.created(invoice, actor=actor, structure=structure)
    _attach_principal(invoice, original_name, original_data, actor=actor)
    events.deposited_file(invoice, original_name, actor)
    _apply_transition(invoice, "submit", actor=actor, structure=structure)
    events.action_recorded(invoice, InvoiceAction.SUBMIT, actor)
    _route(invoice)
    return invoice
