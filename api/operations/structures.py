"""structures/v1/* and engagementsJuridiques/v1/rechercher (api.md §5), read through the annuaire's
and the structures' selectors: a structure is visible when it is public or the caller's own."""

from django.db.models import Q
from django.utils.translation import gettext as _

from annuaire import selectors as annuaire_selectors
from api.cpro import NO_RESULT, SUCCESS
from api.exceptions import CproError
from api.operations.common import integer, moment_minutes, obj, page, search_answer, text
from structures.models import Structure, StructureService


def _visible(call):
    return Structure.objects.filter(
        Q(pk__in=annuaire_selectors.public_structures()) | Q(pk=call.structure.pk)
    )


def _structure(call, body) -> Structure:
    structure_id = integer(body, "idStructureCPP", "idStructure")
    structure = _visible(call).filter(pk=structure_id).first()
    if structure is None:
        raise CproError(_("Structure introuvable."), code_retour=20002)
    return structure


def rechercher(call, body):
    criteria = obj(body, "structure")
    queryset = _visible(call)
    filters = {
        "identifier": text(criteria, "identifiantStructure").replace(" ", ""),
        "identifier_type": text(criteria, "typeIdentifiantStructure"),
        "raison_sociale__icontains": text(criteria, "raisonSocialeStructure")
        or text(criteria, "nomStructure"),
        "libelle__icontains": text(criteria, "libelleStructure"),
        "code_postal": text(criteria, "adresseCodePostal"),
        "ville__icontains": text(criteria, "adresseVille"),
        "pays": text(criteria, "adresseCodePays"),
        "status": text(criteria, "statutStructure"),
    }
    queryset = queryset.filter(**{key: value for key, value in filters.items() if value}).order_by(
        "raison_sociale", "pk"
    )
    rows, *paging = page(queryset, obj(body, "parametres"))
    items = [
        {
            "idStructureCPP": structure.pk,
            "identifiantStructure": structure.identifier,
            "typeIdentifiantStructure": structure.identifier_type,
            "designationStructure": structure.raison_sociale,
            "statut": structure.status,
        }
        for structure in rows
    ]
    return search_answer("listeStructures", items, *paging)


def consulter(call, body):
    structure = _structure(call, body)
    own = structure.pk == call.structure.pk
    return {
        **SUCCESS,
        "adressePostaleDuSiege": {
            "adresse": structure.adresse,
            "codePostal": structure.code_postal,
            "complementAdresse1": structure.complement_adresse_1,
            "complementAdresse2": structure.complement_adresse_2,
            "fax": "",
            "indicatifFax": "",
            "indicatifTelephone": "",
            "pays": structure.pays,
            "telephone": structure.telephone,
            "ville": structure.ville,
        },
        "informationGenerales": {
            "idStructureCPP": structure.pk,
            "idStructureOrigine": structure.pk,
            "identifiantStructure": structure.identifier,
            "typeIdentifiantStructure": structure.identifier_type,
            "libelleStructure": structure.libelle,
            "raisonSocialeStructure": structure.raison_sociale,
            "nomStructure": "",
            "prenomStructure": "",
            "emailStructure": structure.email,
            "numeroRcsStructure": "",
            "numeroTVA": structure.numero_tva,
            "structurePriveePublique": structure.kind,
            "estValideurDeleguee": False,
            "listeStructureDupliquees": [],
            # Only the caller's own account has an expiry to tell.
            "dateExpirationMotPasseCompteTech": (
                call.account.password_expires_at.date().isoformat() if own else ""
            ),
        },
        "parametres": {
            "codeServiceDoitEtreRenseigne": structure.code_service_required,
            "numeroEJDoitEtreRenseigne": structure.engagement_required,
            "gestionNumeroEJOuCodeService": structure.service_or_engagement_required,
            "statutMiseEnPaiementNestPasRemonte": not structure.reports_mise_en_paiement,
            "connexionEDI": structure.emetteur_edi,
            "recevoirDonneesViaEDI": structure.recepteur_edi,
            "estMoaUniquement": structure.is_moa_only,
            "estValideurDelegue": False,
            "nonDiffusibleInsee": False,
            # chorus-api reads aMoa, go-choruspro getaMoa (api.md §5.2).
            "aMoa": structure.is_moa,
            "getaMoa": structure.is_moa,
        },
    }


def _service_item(service: StructureService) -> dict:
    return {
        "idService": service.pk,
        "codeService": service.code,
        "libelleService": service.libelle,
        "estActif": service.is_active,
        "statutService": "ACTIF" if service.is_active else "INACTIF",
        "dateDbtService": moment_minutes(service.created_at),
        "dateFinService": "",
    }


def rechercher_services(call, body):
    structure = _structure(call, body)
    queryset = annuaire_selectors.active_services_of(structure)
    rows, *paging = page(queryset, obj(body, "parametresRechercherServicesStructure"))
    return search_answer("listeServices", [_service_item(service) for service in rows], *paging)


def consulter_service(call, body):
    structure = _structure(call, body)
    service = annuaire_selectors.active_services_of(structure).filter(pk=integer(body, "idService")).first()
    if service is None:
        raise CproError(_("Service introuvable."), code_retour=20003)
    return {
        **SUCCESS,
        "adressePostale": {
            "adresse": structure.adresse,
            "codePostal": structure.code_postal,
            "pays": structure.pays,
            "ville": structure.ville,
        },
        "informationsGenerales": {
            "codeService": service.code,
            "nomService": service.libelle,
            "descriptionService": service.libelle,
        },
        "parametres": {
            "numeroEngagement": service.engagement_required,
            "miseEnPaiement": structure.reports_mise_en_paiement,
            "dateCreation": moment_minutes(service.created_at),
            "dateDebutValidite": moment_minutes(service.created_at),
            "dateFinValidite": "",
            "dateModification": "",
        },
    }


def rechercher_engagements(call, body):
    """The portal keeps no legal commitments yet: every search answers « not found » (api.md §5.5)."""
    return {**NO_RESULT, "listeEngagementJuridique": []}
