"""Demo invoices for `make run`: every status between the demo supplier and the demo public
entity, and a few hundred more across other structures. Built through the real services."""

import datetime
import random
from contextlib import contextmanager

from celery import current_app as celery_app
from django.db import transaction
from django.utils import timezone
from stdnum import luhn

from accounts.enums import UserStatus
from accounts.models import User
from demo.structures import create_demo_user
from invoices import services, workflow
from invoices.models import Invoice
from structures import services as structure_services
from structures.enums import IdentifierType, StructureKind
from structures.models import Structure

DESIGNATIONS = [
    ("Fenêtre PVC double vitrage", "u", "450.00", "20"),
    ("Pose et réglage", "h", "42.10", "20"),
    ("Porte d'entrée chêne", "u", "1280.00", "20"),
    ("Travaux de rénovation énergétique", "forfait", "3150.00", "5.5"),
    ("Fournitures de quincaillerie", "lot", "86.40", "20"),
    ("Déplacement", "km", "0.62", "20"),
    ("Repas de cantine", "u", "3.85", "10"),
]

# (transitions after sending, motif) — one demo invoice per resulting status.
SCENARIOS = [
    ([], ""),
    ([("service_done", "")], ""),
    ([("mandate", "")], ""),
    ([("service_done", ""), ("mandate", ""), ("send_to_accountant", "")], ""),
    ([("mandate", ""), ("account", "")], ""),
    ([("service_done", ""), ("pay", "")], ""),
    ([("reject", "Le montant ne correspond pas au bon de commande.")], ""),
    ([("suspend", "Merci de joindre le procès-verbal de réception.")], ""),
    ([("to_recycle", "Le code service indiqué n'est pas le bon.")], ""),
    ([("suspend", "Bon de livraison manquant."), ("complete", "")], ""),
]


def _lines(rng):
    chosen = rng.sample(DESIGNATIONS, rng.randint(1, 4))
    return [
        {
            "designation": d,
            "unit": u,
            "quantity": str(rng.choice([1, 2, 3, 5, 10, 12.5])),
            "unit_price": p,
            "vat_rate": r,
        }
        for d, u, p, r in chosen
    ]


def _make(rng, *, supplier, gp, recipient, number, days_ago, send=True):
    data = {
        "recipient_id": recipient.pk,
        "number": number,
        "invoice_date": timezone.localdate() - datetime.timedelta(days=days_ago),
        "payment_mode": "CHEQUE",
        "numero_engagement": f"EJ{days_ago:03d}{number[-4:]}",
    }
    invoice = services.save_draft(actor=gp, structure=supplier, data=data, lines=_lines(rng))
    if send:
        services.submit_invoice(actor=gp, structure=supplier, invoice_id=invoice.pk)
        services.route_invoice(invoice_id=invoice.pk)
    return invoice


def _play(invoice, steps, *, supplier, supplier_gp, recipient, recipient_gp):
    for name, reason in steps:
        if name == "complete":
            services.complete_invoice(
                actor=supplier_gp, structure=supplier, invoice_id=invoice.pk, comment="Procès-verbal joint."
            )
        else:
            services.process_invoice(
                actor=recipient_gp,
                structure=recipient,
                invoice_id=invoice.pk,
                transition=name,
                reason=reason,
                mandate_number=f"M-2026-{invoice.pk:04d}" if name == "mandate" else "",
            )


@contextmanager
def _tasks_left_to_a_worker():
    """Bulk demo invoices do not wait for their side effects: their tasks go to the broker (a
    worker runs them when there is one); without one, originals are generated on first download
    (services.ensure_original) and no e-mail is sent."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = previous


def load_demo_invoices(
    *, supplier, supplier_gp, recipient, recipient_gp, extra_suppliers=12, per_supplier=12
):
    """Idempotent: does nothing when the demo supplier already has invoices."""
    if Invoice.objects.filter(supplier=supplier).exists():
        return 0
    rng = random.Random(2026)  # noqa: S311 -- reproducible demo data, not security
    with transaction.atomic():
        created = _load_scenarios(
            rng, supplier=supplier, supplier_gp=supplier_gp, recipient=recipient, recipient_gp=recipient_gp
        )
    # Committed inside the context manager, so that their on-commit tasks are queued, not run.
    with _tasks_left_to_a_worker(), transaction.atomic():
        created += _load_bulk(
            rng,
            recipient=recipient,
            recipient_gp=recipient_gp,
            extra_suppliers=extra_suppliers,
            per_supplier=per_supplier,
        )
    return created


def _load_scenarios(rng, *, supplier, supplier_gp, recipient, recipient_gp) -> int:
    """The demo supplier's invoices to the demo entity: one per status."""
    created = 0
    _make(
        rng,
        supplier=supplier,
        gp=supplier_gp,
        recipient=recipient,
        number="DEMO-BROUILLON",
        days_ago=1,
        send=False,
    )
    created += 1
    for index, (steps, _reason) in enumerate(SCENARIOS, 1):
        invoice = _make(
            rng,
            supplier=supplier,
            gp=supplier_gp,
            recipient=recipient,
            number=f"DEMO-{index:03d}",
            days_ago=rng.randint(2, 330),
        )
        _play(
            invoice,
            steps,
            supplier=supplier,
            supplier_gp=supplier_gp,
            recipient=recipient,
            recipient_gp=recipient_gp,
        )
        created += 1
    return created


def _load_bulk(rng, *, recipient, recipient_gp, extra_suppliers, per_supplier) -> int:
    """Other suppliers' invoices, a third of them to the demo entity, for the lists and charts."""
    created = 0
    public = list(
        Structure.objects.filter(
            kind=StructureKind.PUBLIC,
            status="ACTIF",
            code_service_required=False,
            engagement_required=False,
            service_or_engagement_required=False,
        )[:40]
    )
    for n in range(extra_suppliers):
        email = f"fournisseur{n + 1}@demo.chorus.fr"
        gp = User.objects.filter(email=email).first() or create_demo_user(
            email, nom=f"Fournisseur{n + 1}", prenom="Démo", status=UserStatus.ACTIVE
        )
        base = f"{70000000 + n:08d}"
        siren = base + luhn.calc_check_digit(base)
        siret = siren + "0001" + luhn.calc_check_digit(siren + "0001")
        other = Structure.objects.filter(identifier=siret).first() or structure_services.create_structure(
            actor=gp,
            data={
                "identifier_type": IdentifierType.SIRET,
                "identifier": siret,
                "raison_sociale": f"Entreprise démo {n + 1}",
                "numero_tva": f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}",
                "code_postal": "75001",
                "ville": "Paris",
            },
        )
        mandate = structure_services.subscribe_mandate(
            actor=gp,
            structure_id=other.pk,
            libelle="Mandat",
            signatory_nom="Démo",
            signatory_prenom="Fournisseur",
            signatory_qualite="Gérant",
        )
        structure_services.sign_mandate(actor=gp, mandate_id=mandate.pk)
        for k in range(per_supplier):
            target = recipient if k % 3 == 0 else rng.choice(public or [recipient])
            invoice = _make(
                rng,
                supplier=other,
                gp=gp,
                recipient=target,
                number=f"E{n + 1:02d}-{k + 1:04d}",
                days_ago=rng.randint(1, 360),
                send=k % 7 != 0,
            )
            if invoice.status in workflow.RECIPIENT_TO_HANDLE and target == recipient and k % 2:
                steps, _ = rng.choice(SCENARIOS)
                _play(
                    invoice,
                    steps,
                    supplier=other,
                    supplier_gp=gp,
                    recipient=recipient,
                    recipient_gp=recipient_gp,
                )
            created += 1
    return created
