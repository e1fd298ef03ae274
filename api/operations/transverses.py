"""transverses/v1/* (api.md §6, §8): health check, flux reports, reference lists, SIRET."""

import base64

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from django_countries import countries

from annuaire import selectors as annuaire_selectors
from api import selectors, services
from api.cpro import SUCCESS
from api.enums import FluxSyntax
from api.exceptions import CproError
from api.models import ApiFlux
from api.operations.common import integer, moment_iso, obj, page, search_answer, text
from deposits.enums import FluxStatus, ItemOutcome
from invoices import workflow
from invoices.enums import (
    CURRENCIES,
    VAT_RATES,
    AttachmentKind,
    Cadre,
    DepositMode,
    ExemptionReason,
    InvoiceStatus,
    PaymentMode,
)
from structures import selectors as structure_selectors
from structures.enums import BankAccountStatus, IdentifierType, StructureKind
from structures.models import Structure

# A deposit given up after its retries is, for a client, a flux refused as a whole (never
# IN_INCIDENTE, which OCA polls forever: api.md §8.3).
_FLUX_STATES = {FluxStatus.TECHNICAL_ERROR: FluxStatus.REJECTED}


def health_check(call, body):
    return {"body": "Le service est disponible.", "statusCode": "OK", "statusCodeValue": 200}


def _language(body) -> str:
    return "en" if text(body, "codeLangue").lower() == "en" else "fr"


def _listed(body, key: str, items) -> dict:
    with override(_language(body)):
        # Labels are lazy translations, read in the language asked; identifiers stay integers.
        return {
            **SUCCESS,
            key: [
                {name: value if isinstance(value, int) else str(value) for name, value in item.items()}
                for item in items
            ],
        }


def devises(call, body):
    return _listed(
        body, "listeDevises", ({"codeDevise": code, "libelleDevise": label} for code, label in CURRENCIES)
    )


def taux_tva(call, body):
    items = [
        {
            "codeTauxTva": f"TVA{rate.normalize():f}",
            "libelleTauxTva": f"{rate.normalize():f} %",
            "valeurTauxTva": float(rate),
        }
        for rate in VAT_RATES
    ]
    return {**SUCCESS, "listeTauxTva": items}


def cadres(call, body):
    return {**SUCCESS, "listeCadreFacturation": [{"codeCadreFacturation": code} for code in Cadre.values]}


def motifs_exoneration(call, body):
    return _listed(
        body,
        "listeMotifsExonerationTva",
        (
            {"codeMotifExonerationTva": code, "libelleMotifExonerationTva": label}
            for code, label in ExemptionReason.choices
        ),
    )


def modes_reglement(call, body):
    return {**SUCCESS, "listeModePaiement": [{"modePaiement": code} for code in PaymentMode.values]}


def types_identifiant(call, body):
    return {
        **SUCCESS,
        "listeTypeIdentifiant": [{"typeIdentifiantStructure": code} for code in IdentifierType.values],
    }


# The attachment rules' limit, answered with the code api.md §6.8 gives.
TOO_LARGE = 20003


def ajouter_fichier(call, body):
    """A file kept for completer (`pieceJointeComplementaireId`), checked as the screens check it."""
    from invoices import attachments as attachment_rules
    from invoices.exceptions import InvoiceError

    name = text(body, "pieceJointeNom", required=True)
    extension = text(body, "pieceJointeExtension").lstrip(".").lower()
    if extension and not name.lower().endswith(f".{extension}"):
        name = f"{name}.{extension}"
    name = attachment_rules.clean_name(name)
    try:
        data = base64.b64decode(text(body, "pieceJointeFichier", required=True), validate=True)
    except (ValueError, TypeError) as error:
        raise CproError(_("Le champ pieceJointeFichier n'est pas un base64 valide.")) from error
    if len(data) > attachment_rules.MAX_FILE_SIZE:
        raise CproError(_("Le fichier dépasse 10 Mo."), code_retour=TOO_LARGE)
    try:
        piece = services.store_attachment(account=call.account, name=name, data=data)
    except InvoiceError as error:
        raise CproError(str(error)) from error
    return {**SUCCESS, "pieceJointeId": piece.pk}


def _piece_item(piece) -> dict:
    from invoices import attachments as attachment_rules

    return {
        "pieceJointeId": piece.pk,
        "pieceJointeDesignation": piece.name,
        "pieceJointeExtension": attachment_rules.extension(piece.name).upper(),
        "pieceJointeTypeCode": AttachmentKind.COMPLEMENTARY.value,
        "pieceJointeTypeLibelle": str(AttachmentKind.COMPLEMENTARY.label),
        "pieceJointeObjetId": 0,
    }


def _pieces(queryset, body) -> dict:
    name = text(body, "pieceJointeDesignation")
    if name:
        queryset = queryset.filter(name__icontains=name)
    rows, *paging = page(queryset, obj(body, "parametresRecherche"))
    return search_answer("listePiecesJointes", [_piece_item(piece) for piece in rows], *paging)


def pieces_mon_compte(call, body):
    """The files this technical account sent and did not attach yet."""
    return _pieces(selectors.pieces_of(call.structure).filter(account=call.account), body)


def pieces_structure(call, body):
    """The files the structure's accounts sent and did not attach yet; only the caller's own."""
    structure_id = integer(body, "idStructureCPP", "idStructure", required=False)
    if structure_id is not None and structure_id != call.structure.pk:
        raise CproError(_("Structure introuvable."), code_retour=20005)
    return _pieces(selectors.pieces_of(call.structure), body)


# --- Sollicitations (reference data) --------------------------------------------------------------


def _active_filter(queryset, body):
    active = body.get("estActif")
    return queryset.filter(is_active=active) if isinstance(active, bool) else queryset


def categories_sollicitation(call, body):
    from solicitations.models import SolicitationCategory

    queryset = _active_filter(SolicitationCategory.objects.order_by("label", "pk"), body)
    if text(body, "codeCategorie"):
        queryset = queryset.filter(code=text(body, "codeCategorie"))
    if text(body, "libelleCategorie"):
        queryset = queryset.filter(label__icontains=text(body, "libelleCategorie"))
    rows, *paging = page(queryset, obj(body, "pagination"))
    items = [
        {"codeCategorie": row.code, "libelleCategorie": row.label, "idTechniqueCategorie": row.pk}
        for row in rows
    ]
    return search_answer("listeCategories", items, *paging)


def sous_categories_sollicitation(call, body):
    """One entry per category: the category and its sub-categories that match."""
    from solicitations.models import SolicitationSubcategory

    queryset = _active_filter(SolicitationSubcategory.objects.select_related("category"), body)
    queryset = queryset.order_by("category__label", "category_id", "label", "pk")
    category_id = integer(body, "idTechniqueCategorie", required=False)
    if category_id is not None:
        queryset = queryset.filter(category_id=category_id)
    if text(body, "code"):
        queryset = queryset.filter(code=text(body, "code"))
    if text(body, "libelle"):
        queryset = queryset.filter(label__icontains=text(body, "libelle"))
    rows, *paging = page(queryset, obj(body, "pagination"))
    groups = {}
    for row in rows:
        group = groups.setdefault(
            row.category_id,
            {
                "categorie": [
                    {
                        "code": row.category.code,
                        "libelle": row.category.label,
                        "estActif": row.category.is_active,
                        "idTechniqueCategorie": row.category_id,
                    }
                ],
                "ssCategorie": [],
            },
        )
        group["ssCategorie"].append(
            {
                "code": row.code,
                "libelle": row.label,
                "estActif": row.is_active,
                "idTechniqueCategorie": row.category_id,
                "dateCreation": moment_iso(row.created_at),
                "dateDerniereModification": moment_iso(row.updated_at),
            }
        )
    return search_answer("listeSousCategories", list(groups.values()), *paging)


def pays(call, body):
    return _listed(body, "listePays", ({"codePays": code, "libellePays": name} for code, name in countries))


def modes_depot(call, body):
    return {**SUCCESS, "listeModeDepot": [{"modeDepot": code} for code in DepositMode.values]}


# Payment requests of the portal: invoices, and the works invoices of Factures de travaux.
PAYMENT_REQUEST_TYPES = ("FACTURE", "FACTURE_TRAVAUX")


def types_demande_paiement(call, body):
    return {
        **SUCCESS,
        "listeTypeDemandePaiement": [{"typeDemandePaiement": kind} for kind in PAYMENT_REQUEST_TYPES],
    }


def etats_type_demande_paiement(call, body):
    """The statuses a payment request of that type goes through (a payable works invoice is an
    invoice of the same cycle)."""
    kind = text(body, "typeDemandePaiement") or "FACTURE"
    if kind not in PAYMENT_REQUEST_TYPES:
        raise CproError(_("Type de demande de paiement inconnu : %(type)s.") % {"type": kind[:40]})
    return {
        **SUCCESS,
        "listeEtatDemandePaiement": [{"etatDemandePaiement": status} for status in InvoiceStatus.values],
    }


def types_piece_jointe(call, body):
    return _listed(
        body,
        "listeTypePieceJointe",
        (
            {
                "idTypePieceJointe": position,
                "codeTypePieceJointe": code,
                "libelleTypePieceJointe": label,
                "typeObjet": "DEMANDE_PAIEMENT",
            }
            for position, (code, label) in enumerate(AttachmentKind.choices, start=1)
        ),
    )


def formats_flux(call, body):
    return {**SUCCESS, "listeFormatFlux": [{"formatFlux": code} for code in FluxSyntax.values]}


def coordonnees_bancaires(call, body):
    """The valid bank details of the caller's own structure (another structure's are not given)."""
    structure_id = integer(body, "idStructure", required=False)
    if structure_id is not None and structure_id != call.structure.pk:
        raise CproError(_("Structure introuvable."), code_retour=20005)
    accounts = structure_selectors.bank_accounts_of(call.structure).filter(status=BankAccountStatus.VALID)
    return {
        **SUCCESS,
        "listeCoordonneeBancaire": [
            {"idCoordonneeBancaire": account.pk, "nomCoordonneeBancaire": account.libelle}
            for account in accounts.order_by("libelle", "pk")
        ],
    }


def etats_traitement(call, body):
    """The statuses a recipient may give an invoice in `statutCourant` (the §1.3 matrix)."""
    current = text(body, "statutCourant")
    targets = dict.fromkeys(t.target for t in workflow.allowed(current, workflow.Side.RECIPIENT))
    return {
        **SUCCESS,
        "listeStatutsPossiblesPourTraitement": [{"statutPossiblePourTraitement": t} for t in targets],
    }


# --- Flux reports (CR) ----------------------------------------------------------------------------


def _deposit(call, body):
    deposit = selectors.deposit_of_flux(call.structure, text(body, "numeroFluxDepot", required=True))
    if deposit is None:
        raise CproError(_("Flux introuvable."), code_retour=20004)
    return deposit


def _report(deposit) -> dict:
    number = selectors.flux_number(deposit, selectors.flux_syntax(deposit))
    interface = f"FSO{number[6:10]}A"
    return {
        "number": number,
        "interface": interface,
        "name": f"{interface}_CPP001_{number}",
        "deposited": moment_iso(deposit.created_at),
        "changed": moment_iso(deposit.status_changed_at),
        "state": _FLUX_STATES.get(deposit.status, deposit.status),
    }


def _rejected_items(deposit) -> list[dict]:
    return [
        {
            "identifiantFournisseur": str(item.fields.get("supplier_identifier") or ""),
            "identifiantDestinataire": str(item.fields.get("recipient_identifier") or ""),
            # BT-1: OCA detaches the invoice of that name so that it can be fixed and sent again.
            "numeroDP": str(item.fields.get("invoice_number") or item.file_name),
            "libelleErreurDP": item.message,
        }
        for item in deposit.items.all()
        if item.outcome == ItemOutcome.REJECTED
    ]


def _technical_errors(deposit) -> list[dict]:
    if not deposit.error or deposit.items.exists():
        return []
    return [{"codeErreur": "REJET_FLUX", "libelleErreur": deposit.error, "natureErreur": "TECHNIQUE"}]


def detailed_report(deposit) -> dict:
    """The flux report of consulterCRDetaille, also written to an EDI outbound folder."""
    report = _report(deposit)
    return {
        **SUCCESS,
        "numeroFluxDepot": report["number"],
        "nomFichier": report["name"],
        "codeInterfaceDepotFlux": report["interface"],
        "dateDepotFlux": report["deposited"],
        "dateHeureEtatCourantFlux": report["changed"],
        "etatCourantDepotFlux": report["state"],
        "listeErreurDP": _rejected_items(deposit),
        "listeErreurTechnique": _technical_errors(deposit),
    }


def consulter_cr_detaille(call, body):
    return detailed_report(_deposit(call, body))


def report_pdf(deposit) -> bytes:
    """The printable processing report (`fichierCR`): the flux, its state and its rejections."""
    from invoices.documents import render_pdf

    report = detailed_report(deposit)
    try:
        file_name = deposit.api_flux.file_name
    except ApiFlux.DoesNotExist:
        file_name = deposit.file_name
    context = {
        "report": report,
        "file_name": file_name,
        "syntax": selectors.flux_syntax(deposit),
        "structure": deposit.structure,
        "deposited_at": timezone.localtime(deposit.created_at),
        "changed_at": timezone.localtime(deposit.status_changed_at),
        "integrated": sum(1 for item in deposit.items.all() if item.outcome == ItemOutcome.SENT),
        "issued_at": timezone.localtime(),
    }
    return render_pdf(
        "api/documents/flux_report.html", context, title=f"Compte rendu {report['numeroFluxDepot']}"
    )


def consulter_cr(call, body):
    deposit = _deposit(call, body)
    report = _report(deposit)
    return {
        **SUCCESS,
        "numeroFluxDepot": report["number"],
        "nomFichierFlux": report["name"],
        "codeInterfaceFlux": report["interface"],
        "codeAppliPartenaire": "",
        "designationPartenaire": call.structure.raison_sociale,
        "dateDepotFlux": report["deposited"],
        "dateHeureEtatCourantFlux": report["changed"],
        "etatCourantFlux": report["state"],
        "fichierCR": base64.b64encode(report_pdf(deposit)).decode(),
    }


# --- Structures ---------------------------------------------------------------------------------


def information_siret(call, body):
    siret = text(body, "siretStructure", required=True).replace(" ", "")
    structure = Structure.objects.filter(identifier_type=IdentifierType.SIRET, identifier=siret).first()
    if structure is None:
        raise CproError(_("SIRET inconnu du portail."), code_retour=20005)
    return {
        **SUCCESS,
        "siret": structure.identifier,
        "siren": structure.identifier[:9],
        "raisonSociale": structure.raison_sociale,
        "adresse": " ".join(filter(None, [structure.adresse, structure.code_postal, structure.ville])),
        "civilite": "",
        "categorieEntreprise": "",
        "categorieJuridique": "",
        "dateCreationEntreprise": "",
        "dateCreationEtablissement": "",
        "dateReactivationEtablissement": "",
        "estActif": structure.is_active,
        "localisationSiege": structure.ville,
        "siege": True,
        "nonDiffusibleInsee": False,
        "numeroInterneClassement": "",
        "siretPredecesseurSuccesseur": "",
    }


def rechercher_destinataire(call, body):
    queryset = annuaire_selectors.public_structures().order_by("raison_sociale", "pk")
    identifier = text(body, "identifiant").replace(" ", "")
    if identifier:
        queryset = queryset.filter(identifier__startswith=identifier)
    place = text(body, "nomVilleCodePostal")
    if place:
        queryset = queryset.filter(ville__icontains=place) | queryset.filter(code_postal__startswith=place)
    rows, *paging = page(queryset, obj(body, "parametresRecherche"))
    items = [
        {
            "idStructureCPP": structure.pk,
            "siret": structure.identifier,
            "nomDestinataire": structure.raison_sociale,
            "adresseCodePostal": structure.code_postal,
            "adresseVille": structure.ville,
        }
        for structure in rows
    ]
    return search_answer("listeDestinataires", items, *paging)


def _active_structures(call, *, recipient: bool) -> dict:
    structure = call.structure
    fits = structure.is_active and (structure.kind == StructureKind.PUBLIC or not recipient)
    items = (
        [
            {
                "idStructureCPP": structure.pk,
                "identifiant": structure.identifier,
                "designationStructure": structure.raison_sociale,
            }
        ]
        if fits
        else []
    )
    return {**SUCCESS, "listeStructures": items}


def structures_actives_destinataire(call, body):
    return _active_structures(call, recipient=True)


def structures_actives_fournisseur(call, body):
    return _active_structures(call, recipient=False)
