"""Factories shared by every app's tests."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum import luhn

from accounts.enums import UserStatus
from accounts.models import User
from invoices import computations, workflow
from invoices.enums import Cadre, InvoiceAction, InvoiceStatus, PaymentMode
from invoices.models import (
    Invoice,
    InvoiceEvent,
    InvoiceLine,
    InvoiceStatusChange,
    InvoiceUserAction,
    InvoiceVatLine,
)
from structures.enums import MembershipStatus, Role, StructureKind
from structures.models import Membership, Structure, StructureService


def valid_siret(n: int) -> str:
    """A SIRET whose SIREN and SIRET both pass the Luhn check, unique per n."""
    base = f"{n:08d}"
    siren_number = base + luhn.calc_check_digit(base)
    body = siren_number + "0001"
    return body + luhn.calc_check_digit(body)


def french_vat_number(siren: str) -> str:
    """The intra-community VAT number of a French SIREN (its key is computed from the SIREN)."""
    return f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"utilisateur{n}@exemple.fr")
    nom = factory.Faker("last_name", locale="fr_FR")
    prenom = factory.Faker("first_name", locale="fr_FR")
    status = UserStatus.ACTIVE
    adresse = "1 rue de la Paix"
    code_postal = "75002"
    ville = "Paris"
    password = factory.PostGenerationMethodCall("set_password", "Motdepasse-Solide-1")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class StructureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Structure

    identifier = factory.Sequence(lambda n: valid_siret(10_000 + n))
    raison_sociale = factory.Sequence(lambda n: f"Société {n}")
    kind = StructureKind.PRIVATE
    adresse = "2 avenue de France"
    code_postal = "69002"
    ville = "Lyon"

    class Params:
        public = factory.Trait(
            kind=StructureKind.PUBLIC, raison_sociale=factory.Sequence(lambda n: f"Commune {n}")
        )


class StructureServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StructureService

    structure = factory.SubFactory(StructureFactory, public=True)
    code = factory.Sequence(lambda n: f"SERV{n:04d}")
    libelle = factory.Sequence(lambda n: f"Service {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    structure = factory.SubFactory(StructureFactory)
    role = Role.USER
    status = MembershipStatus.ACTIVE


# A draft's lines: two VAT rates, one discount.
INVOICE_LINES = [
    {"designation": "Fenêtre", "quantity": "2", "unit_price": "450.00", "vat_rate": "20"},
    {"designation": "Pose", "quantity": "3.5", "unit_price": "42.10", "discount": "5", "vat_rate": "10"},
]
_SENT = ("submit", "route", "make_available")
# The transitions that take a new draft to each status, in the workflow's order (domain §1.3).
PATHS = {
    InvoiceStatus.DRAFT: (),
    InvoiceStatus.DELETED: ("delete",),
    InvoiceStatus.DEPOSITED: ("submit",),
    InvoiceStatus.ROUTING: ("submit", "route"),
    InvoiceStatus.MADE_AVAILABLE: _SENT,
    InvoiceStatus.REJECTED: (*_SENT, "reject"),
    InvoiceStatus.SUSPENDED: (*_SENT, "suspend"),
    InvoiceStatus.TO_RECYCLE: (*_SENT, "to_recycle"),
    InvoiceStatus.COMPLETED: (*_SENT, "suspend", "complete"),
    InvoiceStatus.SERVICE_DONE: (*_SENT, "service_done"),
    InvoiceStatus.MANDATED: (*_SENT, "service_done", "mandate"),
    InvoiceStatus.SENT_TO_ACCOUNTANT: (*_SENT, "service_done", "mandate", "send_to_accountant"),
    InvoiceStatus.ACCOUNTED: (*_SENT, "service_done", "mandate", "send_to_accountant", "account"),
    InvoiceStatus.PAID: (*_SENT, "service_done", "mandate", "pay"),
    # The validation circuit of A9/A12 invoices (give the factory a `validator`).
    InvoiceStatus.TO_VALIDATE_1: ("submit", "to_validation"),
    InvoiceStatus.VALIDATED_1: ("submit", "to_validation", "validate_1"),
    InvoiceStatus.REFUSED_1: ("submit", "to_validation", "refuse_1"),
    InvoiceStatus.WRONG_VALIDATOR: ("submit", "to_validation", "wrong_validator"),
    InvoiceStatus.TACITLY_VALIDATED_1: ("submit", "to_validation", "tacit_validation_1"),
}
_USER_ACTIONS = {
    "submit": InvoiceAction.SUBMIT,
    "delete": InvoiceAction.DELETE,
    "recycle": InvoiceAction.RECYCLE,
    "complete": InvoiceAction.COMPLETE,
}


class InvoiceFactory(factory.django.DjangoModelFactory):
    """An entered invoice in any status, with its lines, VAT lines and the three histories the
    services would have written along the workflow — but no PDF: its legal original is generated
    on first download (`services.ensure_original`). `InvoiceFactory(rejected=True)`;
    `history__notify=True` also runs the notifications the services queue on each change."""

    class Meta:
        model = Invoice
        skip_postgeneration_save = True

    supplier = factory.SubFactory(StructureFactory)
    recipient = factory.SubFactory(StructureFactory, public=True)
    created_by = factory.SubFactory(UserFactory)
    status = InvoiceStatus.DRAFT
    number = factory.Sequence(lambda n: f"FAC-{n:06d}")
    invoice_date = datetime.date(2026, 11, 2)
    payment_mode = PaymentMode.CHEQUE
    mandate_number = factory.LazyAttribute(lambda o: "M-0001" if "mandate" in PATHS[o.status] else "")

    class Params:
        draft = factory.Trait(status=InvoiceStatus.DRAFT)
        deleted = factory.Trait(status=InvoiceStatus.DELETED)
        deposited = factory.Trait(status=InvoiceStatus.DEPOSITED)
        routing = factory.Trait(status=InvoiceStatus.ROUTING)
        made_available = factory.Trait(status=InvoiceStatus.MADE_AVAILABLE)
        rejected = factory.Trait(status=InvoiceStatus.REJECTED)
        suspended = factory.Trait(status=InvoiceStatus.SUSPENDED)
        to_recycle = factory.Trait(status=InvoiceStatus.TO_RECYCLE)
        completed = factory.Trait(status=InvoiceStatus.COMPLETED)
        service_done = factory.Trait(status=InvoiceStatus.SERVICE_DONE)
        mandated = factory.Trait(status=InvoiceStatus.MANDATED)
        sent_to_accountant = factory.Trait(status=InvoiceStatus.SENT_TO_ACCOUNTANT)
        accounted = factory.Trait(status=InvoiceStatus.ACCOUNTED)
        paid = factory.Trait(status=InvoiceStatus.PAID)
        to_validate_1 = factory.Trait(
            status=InvoiceStatus.TO_VALIDATE_1, cadre=Cadre.A9, validator=factory.SubFactory(StructureFactory)
        )
        validated_1 = factory.Trait(
            status=InvoiceStatus.VALIDATED_1, cadre=Cadre.A9, validator=factory.SubFactory(StructureFactory)
        )
        refused_1 = factory.Trait(
            status=InvoiceStatus.REFUSED_1, cadre=Cadre.A9, validator=factory.SubFactory(StructureFactory)
        )
        wrong_validator = factory.Trait(
            status=InvoiceStatus.WRONG_VALIDATOR,
            cadre=Cadre.A9,
            validator=factory.SubFactory(StructureFactory),
        )
        tacitly_validated_1 = factory.Trait(
            status=InvoiceStatus.TACITLY_VALIDATED_1,
            cadre=Cadre.A9,
            validator=factory.SubFactory(StructureFactory),
        )

    @factory.post_generation
    def lines(obj, create, extracted, **kwargs):
        lines = INVOICE_LINES if extracted is None else extracted
        inputs = [computations.LineInput.of(line) for line in lines]
        totals = computations.compute(inputs, global_discount=obj.global_discount or Decimal(0))
        InvoiceLine.objects.bulk_create(
            InvoiceLine(
                invoice=obj,
                position=position,
                designation=line["designation"],
                quantity=given.quantity,
                unit_price=given.unit_price,
                discount=given.discount,
                vat_category=given.category,
                vat_rate=given.vat_rate,
                amount_ht=amount,
            )
            for position, (line, given, amount) in enumerate(
                zip(lines, inputs, totals.line_amounts, strict=True), 1
            )
        )
        InvoiceVatLine.objects.bulk_create(
            InvoiceVatLine(invoice=obj, category=category, rate=rate, base=base, vat=vat)
            for (category, rate), (base, vat) in totals.vat_summary.items()
        )
        obj.total_ht, obj.total_vat = totals.total_ht, totals.total_vat
        obj.total_ttc_before_discount = totals.total_ttc_before_discount
        obj.total_ttc = obj.amount_due = totals.total_ttc

    @factory.post_generation
    def history(obj, create, extracted, *, recipient_actor=None, reason="Motif de test", notify=False):
        """`history__reason=…`, `history__recipient_actor=…` (default: the recipient's principal
        manager), `history__notify=True`."""
        if create:
            obj.save()
            _write_histories(obj, recipient_actor=recipient_actor, reason=reason, notify=notify)


def _write_histories(invoice, *, recipient_actor, reason, notify):
    """The rows `invoices.services` writes on the way from a new draft to `invoice.status`; each
    step is checked against the workflow table."""
    from invoices.notifications import notify_status_change

    if recipient_actor is None:
        recipient_actor = next(
            (m.user for m in invoice.recipient.memberships.filter(role=Role.PRINCIPAL_MANAGER)), None
        )
    by_side = {
        workflow.Side.SUPPLIER: (invoice.created_by, invoice.supplier),
        workflow.Side.SYSTEM: (None, None),
        workflow.Side.RECIPIENT: (recipient_actor, invoice.recipient),
        workflow.Side.VALIDATOR: (None, invoice.validator),
    }
    InvoiceStatusChange.objects.create(
        invoice=invoice,
        to_status=InvoiceStatus.DRAFT,
        transition="create",
        actor=invoice.created_by,
        structure=invoice.supplier,
    )
    InvoiceUserAction.objects.create(invoice=invoice, action=InvoiceAction.SAVE, actor=invoice.created_by)
    status, now = InvoiceStatus.DRAFT, timezone.now()
    for name in PATHS[invoice.status]:
        transition = workflow.check(name, status)
        actor, structure = by_side[transition.side]
        payload = {}
        if name == "make_available":
            target = (
                invoice.recipient_service.libelle
                if invoice.recipient_service
                else invoice.recipient.raison_sociale
            )
            payload = {"to": target}
            invoice.made_available_at = now
        if transition.needs_mandate_number:
            payload = {"mandate_number": invoice.mandate_number}
        if name == "complete":
            payload = {"attachments": []}
        if transition.target == InvoiceStatus.DEPOSITED:
            invoice.deposited_at = now
        change = InvoiceStatusChange.objects.create(
            invoice=invoice,
            from_status=status,
            to_status=transition.target,
            transition=name,
            actor=actor,
            structure=structure,
            # Returns carry the motif, the supplier's answers their comment.
            reason=reason if transition.needs_reason or name in ("recycle", "complete") else "",
            payload=payload,
        )
        if name == "make_available":
            InvoiceEvent.objects.create(
                invoice=invoice,
                label=_("Mise à disposition de %(target)s") % {"target": target},
                who=_("Portail"),
            )
        if transition.side == workflow.Side.RECIPIENT:
            InvoiceUserAction.objects.create(invoice=invoice, action=InvoiceAction.PROCESS, actor=actor)
        elif name in _USER_ACTIONS:
            InvoiceUserAction.objects.create(invoice=invoice, action=_USER_ACTIONS[name], actor=actor)
        if notify and (transition.side == workflow.Side.RECIPIENT or name == "make_available"):
            notify_status_change(change.pk)
        status = transition.target
    invoice.status_changed_at = now
    invoice.save()
