"""Demo of Factures de travaux (issue 15 §2): the « Réhabilitation du gymnase » contract of the
Commune de Démoville (MOA and service financier), with Atelier Archi Démo as MOE, Menuiserie
Dupont as titulaire and mandataire, Peintures Roux cotraitant and Électricité Garnier
sous-traitant (demo/works.py creates these two). Its dossiers stand at every step of the monthly
cycle, of the validation of the partners' pieces and of the end-of-contract cycle; a second
contract without MOE (« Aménagement du parvis ») shows the variants A5/A6 and the tacit procedure.
Built through the real services; idempotent. Where a deadline must have passed, the dossier is
aged (its dates moved back) as if deposited that many days ago."""

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
from works.models import Contract, Dossier

PARVIS = "MARCHE-PARVIS-2026"
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
            "sous_traitants": [(subcontractor, None)],
        },
    )

    def projet(number, amount, action="deposit_projet", structure=supplier, on=contract):
        return services.deposit_initial(
            actor=actors.get(structure) or structure.memberships.first().user,
            structure=structure,
            contract_id=on.pk,
            action=action,
            data=_piece(number, amount),
            upload=_pdf(f"{number}.pdf"),
        )

    def follow(dossier, action, structure, number, amount):
        return services.deposit_next_piece(
            actor=actors.get(structure) or structure.memberships.first().user,
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
    services.sweep_deadlines(now=timezone.now() + datetime.timedelta(days=8))
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
    # The cotraitant's projet, left 16 days by the mandataire: validated tacitly, now the MOE's.
    projet("PDM-CO-2026-04", "6200.00", "deposit_projet_cotraitant", cotraitant)
    services.sweep_deadlines(now=timezone.now() + datetime.timedelta(days=16))
    # Mai: just deposited, the MOE has seven days.
    projet("PDM-2026-05", "16400.00")
    # The sous-traitant's projet waits for Menuiserie Dupont, its validator (15 days).
    projet("PDM-ST-2026-05", "4300.00", "deposit_projet_sous_traitant", subcontractor)
    # The end of the contract: the décompte général is notified, the titulaire signs it (A8).
    final = projet("PDF-2026", "212000.00", "deposit_projet_final")
    follow(final, "deposit_projet_decompte_general", moe, "PDG-2026", "210500.00")
    follow(final, "deposit_decompte_general", recipient, "DG-2026", "210500.00")
    return 8 + _parvis(supplier, supplier_gp, recipient, projet, follow)


def _age(dossier, days):
    """As if its current status had been reached `days` ago (the demo cannot wait)."""
    moved = datetime.timedelta(days=days)
    Dossier.objects.filter(pk=dossier.pk).update(
        status_changed_at=dossier.status_changed_at - moved, deadline=dossier.deadline - moved
    )


def _parvis(supplier, supplier_gp, recipient, projet, follow) -> int:
    """A contract without MOE: the titulaire deposits the état d'acompte (A5) or the validated one
    (A6); its end: a projet de décompte final left without décompte général for 31 days, so the
    titulaire started the tacit procedure (A22), and the MOA has ten days."""
    contract = services.declare_contract(
        actor=supplier_gp,
        structure=supplier,
        data={
            "number": PARVIS,
            "engagement_number": "EJ-PARVIS",
            "title": "Aménagement du parvis de la mairie",
            "titulaire": supplier,
            "moe": None,
            "moa": recipient,
            "financial_structure": recipient,
            "financial_service": None,
        },
    )
    projet("EA-PARVIS-01", "8400.00", "deposit_etat_acompte_titulaire", on=contract)
    projet("EAV-PARVIS-02", "5100.00", "deposit_etat_acompte_valide_titulaire", on=contract)
    final = projet("PDF-PARVIS", "31000.00", "deposit_projet_final_sans_moe", on=contract)
    _age(final, 31)
    services.sweep_deadlines()
    final.refresh_from_db()
    follow(final, "deposit_projet_decompte_general_tacite", supplier, "PDG-T-PARVIS", "31000.00")
    return 3
