"""Demo of Factures de travaux (issue 15 §2): the « Réhabilitation du gymnase » contract of the
Commune de Démoville (MOA and service financier), with Atelier Archi Démo as MOE, Menuiserie
Dupont as titulaire and mandataire, Peintures Roux cotraitant and Électricité Garnier
sous-traitant (demo/works.py creates these two). Its dossiers stand at every step of the monthly
cycle. Built through the real services; idempotent."""

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from demo.structures import _structure, _user
from demo.works import CONTRACT, COTRAITANT, SUBCONTRACTOR, open_space_for
from structures.enums import Space, StructureKind
from structures.models import Structure
from works import services
from works.enums import RefusalMotif
from works.models import Contract

USERS = {"moe@demo.chorus.fr": ("Lefèvre", "Claire", "Maîtrise d'œuvre du marché du gymnase (architecte)")}
MOE = {
    "identifier": "54345678400016",
    "raison_sociale": "Atelier Archi Démo",
    "numero_tva": "FR86543456784",
    "adresse": "21 quai de l'Isère",
    "code_postal": "38000",
    "ville": "Grenoble",
}
# A one-page PDF: the pieces are deposited files.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _pdf(name):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _piece(number, amount):
    return {"number": number, "amount_ht": Decimal(amount), "vat_rate": "20", "comment": ""}


@transaction.atomic
def load_demo_works_contracts(*, supplier, supplier_gp, recipient, recipient_gp) -> int:
    """Returns the number of dossiers created."""
    if Contract.objects.filter(number=CONTRACT).exists():
        return 0
    nom, prenom, _role = USERS["moe@demo.chorus.fr"]
    moe_gp = _user("moe@demo.chorus.fr", nom, prenom)
    moe = _structure(moe_gp, MOE, StructureKind.PRIVATE)
    cotraitant = Structure.objects.get(identifier=COTRAITANT["identifier"])
    subcontractor = Structure.objects.get(identifier=SUBCONTRACTOR["identifier"])
    actors = {supplier: supplier_gp, recipient: recipient_gp, moe: moe_gp}
    for structure in (supplier, recipient, moe, cotraitant, subcontractor):
        gp = actors.get(structure) or structure.memberships.first().user
        open_space_for(structure, gp, Space.FACTURES_TRAVAUX)
    contract = services.declare_contract(
        actor=supplier_gp,
        structure=supplier,
        data={
            "number": CONTRACT,
            "engagement_number": "EJ-GYMNASE",
            "title": "Réhabilitation du gymnase",
            "titulaire": supplier,
            "titulaire_is_mandataire": True,
            "moe": moe,
            "moa": recipient,
            "financial_structure": recipient,
            "financial_service": None,
            "cotraitants": [(cotraitant, False)],
            "sous_traitants": [subcontractor],
        },
    )

    def projet(number, amount):
        return services.deposit_projet(
            actor=supplier_gp,
            structure=supplier,
            contract_id=contract.pk,
            data=_piece(number, amount),
            upload=_pdf(f"{number}.pdf"),
        )

    def follow(dossier, action, structure, number, amount):
        return services.deposit_next_piece(
            actor=actors[structure],
            structure=structure,
            dossier_id=dossier.pk,
            action=action,
            previous_piece_id=dossier.pieces.order_by("-pk").first().pk,
            data=_piece(number, amount),
            upload=_pdf(f"{number}.pdf"),
        )

    # Janvier: the whole cycle, the payable invoice is in the Commune's Factures reçues.
    january = projet("PDM-2026-01", "18500.00")
    follow(january, "deposit_etat_acompte", moe, "EA-2026-01", "18200.00")
    follow(january, "deposit_etat_acompte_valide", recipient, "EAV-2026-01", "18200.00")
    # Février: the MOE let its seven days pass; the MOA decides on the projet.
    projet("PDM-2026-02", "15000.00")
    services.record_moe_deadlines(now=timezone.now() + datetime.timedelta(days=8))
    # Mars: refused by the MOE (works not performed).
    march = projet("PDM-2026-03", "12000.00")
    services.refuse_dossier(
        actor=moe_gp,
        structure=moe,
        dossier_id=march.pk,
        action="refuse_moe",
        motif=RefusalMotif.NOT_PERFORMED,
    )
    # Avril: the MOE rectified the amount; waits for the MOA.
    april = projet("PDM-2026-04", "21000.00")
    follow(april, "deposit_etat_acompte", moe, "EA-2026-04", "19750.00")
    # Mai: just deposited, the MOE has seven days.
    projet("PDM-2026-05", "16400.00")
    return 5
