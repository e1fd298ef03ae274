"""Demo sollicitations: one in every status between the demo supplier, the demo entity and the
support, played through the real services; the support account gets its role. Idempotent."""

from django.db import transaction

from accounts.models import User
from invoices import selectors as invoice_selectors
from solicitations import reference, services
from solicitations.enums import Addressee, Side
from solicitations.management.commands.load_solicitation_categories import load_categories
from solicitations.models import Solicitation, SolicitationSubcategory
from structures import selectors as structure_selectors
from structures import services as structure_services
from structures.enums import Space

SUPPORT_EMAIL = "support@demo.chorus.fr"

# (sous-catégorie, objet, message, steps as (side, action, message)); None steps: a draft.
SCENARIOS = [
    ("FACTURE_EN_ATTENTE", "Facture en attente de traitement", "Brouillon à compléter avant envoi.", None),
    ("FACTURE_EN_ATTENTE", "Facture mise à disposition il y a un mois", "Où en est son traitement ?", []),
    (
        "FACTURE_PAIEMENT",
        "Date de paiement",
        "Quand sera-t-elle payée ?",
        [(Side.SERVICE, "take_in_charge", "")],
    ),
    (
        "FACTURE_EN_ATTENTE",
        "Facture sans bon de commande",
        "Pourquoi n'est-elle pas traitée ?",
        [(Side.SERVICE, "ask_complement", "Merci de nous transmettre le bon de commande.")],
    ),
    (
        "FACTURE_RETOUR",
        "Suspension de la facture",
        "Quelles pièces manquent ?",
        [
            (Side.SERVICE, "ask_complement", "Précisez le numéro du marché."),
            (Side.REQUESTER, "complete", "Marché 2026-017."),
        ],
    ),
    (
        "FACTURE_PAIEMENT",
        "Retard de paiement",
        "Le délai de paiement est dépassé.",
        [(Side.SERVICE, "answer", "Le mandat est émis, le paiement suit sous huit jours.")],
    ),
    (
        "FACTURE_RETOUR",
        "Rejet contesté",
        "Le motif de rejet ne nous semble pas fondé.",
        [
            (Side.SERVICE, "answer", "Le numéro d'engagement est erroné."),
            (Side.REQUESTER, "send_back", "Le numéro est celui du bon de commande reçu."),
        ],
    ),
    (
        "FACTURE_EN_ATTENTE",
        "Question sur le portail",
        "Comment déposer un avoir ?",
        [(Side.SERVICE, "transfer_to_support", "Question sur le portail, hors de notre compétence.")],
    ),
    (
        "FACTURE_PAIEMENT",
        "Paiement reçu ?",
        "Avez-vous payé la facture ?",
        [(Side.SERVICE, "answer", "Oui, le 3 novembre."), (Side.REQUESTER, "close", "")],
    ),
    (
        "STRUCTURE_TRANSFERT_GP",
        "Nouveau gestionnaire principal",
        "Notre gérante est partie sans transférer son rôle.",
        [],
    ),
    (
        "COMPTE_ACTIVATION",
        "Lien d'activation expiré",
        "Le lien reçu par un collègue a expiré.",
        [(Side.SUPPORT, "answer", "Un nouveau lien peut être envoyé depuis Activités du gestionnaire.")],
    ),
]


def load_demo_solicitations(*, supplier, supplier_gp, recipient, recipient_gp) -> int:
    load_categories()
    support = User.objects.get(email=SUPPORT_EMAIL)
    services.grant_support_role(user=support)
    # A demo database made before public structures opened this space by default.
    if Space.SOLLICITATIONS_RECUES not in structure_selectors.opened_spaces(recipient):
        structure_services.open_space(
            actor=recipient_gp, structure_id=recipient.pk, space=Space.SOLLICITATIONS_RECUES
        )
    if Solicitation.objects.filter(requester_structure=supplier).exists():
        return 0
    invoices = list(invoice_selectors.sent_by(supplier).filter(recipient=recipient).order_by("pk")[:20])
    people = {
        Side.REQUESTER: (supplier_gp, supplier),
        Side.SERVICE: (recipient_gp, recipient),
        Side.SUPPORT: (support, None),
    }
    with transaction.atomic():
        for position, (code, subject, message, steps) in enumerate(SCENARIOS):
            subcategory = SolicitationSubcategory.objects.select_related("category").get(code=code)
            # Questions to the entity are about one of its invoices; the support's need none.
            about_invoice = reference.route(subcategory.category.code) == Addressee.SERVICE
            invoice = invoices[position % len(invoices)] if about_invoice else None
            solicitation = services.save_solicitation(
                actor=supplier_gp,
                structure=supplier,
                data={"subcategory": subcategory, "subject": subject, "message": message, "invoice": invoice},
                send=steps is not None,
            )
            for side, action, text in steps or []:
                actor, structure = people[side]
                services.act_on_solicitation(
                    actor=actor,
                    side=side,
                    structure=structure,
                    solicitation_id=solicitation.pk,
                    action=action,
                    message=text,
                )
    return len(SCENARIOS)
