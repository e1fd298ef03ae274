"""factures/v1/* and facturesTravaux/v1/rechercher (api.md §3, §4, §7), on the screens' selectors
and services: the technical account's user acts for its structure."""

import base64
import binascii
from decimal import Decimal, InvalidOperation

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from api import selectors, services
from api.cpro import SUCCESS
from api.enums import FluxSyntax
from api.exceptions import CproError
from api.operations.common import (
    amount,
    day,
    integer,
    moment_iso,
    moment_minutes,
    obj,
    page,
    paging_block,
    period_end,
    period_start,
    search_answer,
    strings,
    text,
)
from api.pivot import pivot_xml
from deposits.exceptions import DepositError, DepositRefused
from invoices import selectors as invoice_selectors
from invoices import services as invoice_services
from invoices import workflow
from invoices.enums import InvoiceStatus, ValidationRefusal
from invoices.exceptions import InvoiceError, SubmissionRefused
from invoices.services.validation import REFUSE, VALIDATE
from structures.models import Structure, StructureService

_RELATED = ("deposit_item__deposit__api_flux",)


def _decoded(body, key: str) -> bytes:
    try:
        data = base64.b64decode(text(body, key, required=True), validate=True)
    except (binascii.Error, ValueError) as error:
        raise CproError(_("Le champ %(field)s n'est pas un base64 valide.") % {"field": key}) from error
    if not data:
        raise CproError(_("Le fichier est vide."))
    return data


def _refusal(error) -> CproError:
    if isinstance(error, DepositRefused | SubmissionRefused):
        messages = [message for values in error.errors.values() for message in values]
        return CproError(" ".join(str(message) for message in messages))
    return CproError(str(error))


# --- Supplier side --------------------------------------------------------------------------------


def deposer_flux(call, body):
    syntax = text(body, "syntaxeFlux", required=True)
    if syntax not in FluxSyntax.values:
        raise CproError(
            _("Syntaxe de flux non prise en charge : %(syntax)s (acceptées : %(known)s).")
            % {"syntax": syntax[:40], "known": ", ".join(FluxSyntax.values)}
        )
    name = text(body, "nomFichier", required=True)[:200]
    data = _decoded(body, "fichierFlux")
    try:
        flux = services.deposit_flux(account=call.account, syntax=syntax, name=name, data=data)
    except DepositError as error:
        raise _refusal(error) from error
    return {
        **SUCCESS,
        "numeroFluxDepot": selectors.flux_number(flux.deposit, syntax),
        "dateDepot": day(flux.deposit.created_at),
        "syntaxeFlux": syntax,
    }


def deposer_pdf(call, body):
    """A PDF kept for soumettre (`pieceJointeId`), with what could be read in it (domain §4.4)."""
    from einvoice.extraction import ExtractionError, extract

    name = text(body, "nomFichier", required=True)[:200]
    data = _decoded(body, "fichierFacture")
    try:
        piece = services.store_piece(
            account=call.account,
            name=name,
            data=data,
            signed=text(body, "formatDepot").startswith("PDF_SIGNE"),
        )
    except DepositError as error:
        raise _refusal(error) from error
    try:
        fields = extract(data, name, validate=False).fields
    except ExtractionError:
        fields = {}
    read = {key: value for key, value in fields.items() if value not in (None, "")}
    numbers = {
        "montantHtTotal": read.get("total_ht"),
        "montantTVA": read.get("total_vat"),
        "montantTtcAvantRemiseGlobalTTC": read.get("total_ttc"),
        "montantAPayer": read.get("amount_due"),
    }
    return {
        **SUCCESS,
        "pieceJointeId": piece.pk,
        "numeroFacture": str(read.get("invoice_number") or "")[:20],
        "dateFacture": str(read.get("issue_date") or "")[:10],
        "codeDestinataire": str(read.get("recipient_identifier") or ""),
        "codeServiceExecutant": str(read.get("service_code") or ""),
        "codeFournisseur": str(read.get("supplier_siret") or ""),
        "codeDeviseFacture": str(read.get("currency") or ""),
        "typeFacture": str(read.get("document_type") or ""),
        "numeroBonCommande": str(read.get("engagement_number") or ""),
        **{key: amount(value) for key, value in numbers.items() if value is not None},
    }


def _main_piece_id(body) -> int:
    """`pieceJointePrincipale`: an array for Pastell, an object for go-choruspro (api.md §3.5)."""
    main = body.get("pieceJointePrincipale")
    entry = main[0] if isinstance(main, list) and main else main
    if not isinstance(entry, dict):
        raise CproError(_("Le champ pieceJointePrincipale est obligatoire."))
    return integer(entry, "pieceJointePrincipaleId")


def _submitted_lines(body, total_ht, total_vat) -> list[dict]:
    lines = [line for line in body.get("lignePoste") or [] if isinstance(line, dict)]
    if lines:
        return [
            {
                "reference": text(line, "lignePosteReference"),
                "designation": text(line, "lignePosteDenomination") or _("Ligne %(n)d") % {"n": n},
                "quantity": text(line, "lignePosteQuantite") or "1",
                "unit_price": text(line, "lignePosteMontantUnitaireHT") or "0",
                "vat_rate": text(line, "lignePosteTauxTva") or text(line, "lignePosteTauxTvaManuel") or "0",
            }
            for n, line in enumerate(lines, start=1)
        ]
    # No lines given: one line carrying the totals, at the rate they imply.
    rate = round(float(total_vat) * 100 / float(total_ht), 2) if float(total_ht or 0) else 0
    return [
        {
            "designation": _("Facture"),
            "quantity": "1",
            "unit_price": str(total_ht or 0),
            "vat_rate": f"{rate:g}",
        }
    ]


def soumettre(call, body):
    """An invoice given as JSON with the PDF of deposer/pdf, sent with the checks of *Valider et envoyer*."""
    target, references, totals = obj(body, "destinataire"), obj(body, "references"), obj(body, "montantTotal")
    code = text(target, "codeDestinataire", required=True).replace(" ", "")
    recipient = Structure.objects.public().filter(identifier=code).first()
    if recipient is None:
        raise CproError(_("Destinataire introuvable : %(code)s.") % {"code": code[:40]})
    service = None
    if text(target, "codeServiceExecutant"):
        service = StructureService.objects.filter(
            structure=recipient, code=text(target, "codeServiceExecutant"), is_active=True
        ).first()
        if service is None:
            raise CproError(
                _("Service introuvable : %(code)s.") % {"code": text(target, "codeServiceExecutant")[:40]}
            )
    invoice_date = period_start(text(body, "dateFacture", required=True))
    data = {
        "cadre": text(obj(body, "cadreDeFacturation"), "codeCadreFacturation") or "A1_FACTURE_FOURNISSEUR",
        "recipient_id": recipient.pk,
        "recipient_service_id": service.pk if service else None,
        "number": text(body, "numeroFactureSaisi", required=True),
        "invoice_date": invoice_date.date(),
        "invoice_type": text(references, "typeFacture") or "FACTURE",
        "currency": text(references, "deviseFacture") or "EUR",
        "vat_type": text(references, "typeTva") or "TVA_SUR_DEBIT",
        "payment_mode": text(references, "modePaiement") or "VIREMENT",
        "numero_engagement": text(references, "numeroBonCommande"),
        "contract_number": text(references, "numeroMarche"),
        "origin_invoice_number": text(references, "numeroFactureOrigine"),
        "exemption_reason": text(references, "motifExonerationTva"),
        "comment": text(body, "commentaire")[:2000],
    }
    lines = _submitted_lines(body, totals.get("montantHtTotal"), totals.get("montantTVA"))
    due = totals.get("montantAPayer")
    try:
        invoice = services.submit_pdf_invoice(
            account=call.account,
            piece_id=_main_piece_id(body),
            data=data,
            lines=lines,
            amount_due=Decimal(str(due)) if isinstance(due, int | float | str) and str(due).strip() else None,
        )
    except (InvoiceError, InvalidOperation, ValueError) as error:
        raise _refusal(error) from error
    return {
        **SUCCESS,
        "identifiantFactureCPP": invoice.pk,
        "numeroFacture": invoice.number,
        "statutFacture": invoice.status,
        "dateDepot": day(invoice.deposited_at),
        "identifiantStructure": call.structure.identifier,
        "empreinteCertificatDepot": "",
    }


def _flux_number_of(invoice) -> str:
    item = getattr(invoice, "deposit_item", None)
    if item is None:
        return ""
    return selectors.flux_number(item.deposit, selectors.flux_syntax(item.deposit))


def _filtered(queryset, body):
    """The criteria both searches share (api.md §3.2, §4.1); unknown ones are ignored."""
    filters = Q()
    number = text(body, "numeroFacture")
    if number:
        filters &= Q(number=number)
    statuses = strings(body, "statutCourant")
    if statuses:
        filters &= Q(status__in=statuses)
    types = strings(body, "typeFacture") + strings(body, "listeTypeFacture")
    if types:
        filters &= Q(invoice_type__in=types)
    for key, field in (("numeroBonCommande", "numero_engagement"), ("numeroMarche", "contract_number")):
        if text(body, key):
            filters &= Q(**{field: text(body, key)})
    for key, field in (
        ("DateFacture", "invoice_date"),
        ("DateDepot", "deposited_at"),
        ("DateHeureEtatCourant", "status_changed_at"),
    ):
        start, end = period_start(body.get(f"periode{key}Du")), period_end(body.get(f"periode{key}Au"))
        if start:
            filters &= Q(**{f"{field}__gte": start.date() if field == "invoice_date" else start})
        if end:
            filters &= Q(**{f"{field}__lte": end.date() if field == "invoice_date" else end})
    return queryset.filter(filters).select_related(*_RELATED).order_by("-deposited_at", "-pk")


def _list_item(invoice) -> dict:
    return {
        "numeroFacture": invoice.number,
        "statut": invoice.status,
        "typeFacture": invoice.invoice_type,
        "typeDemandePaiement": "FACTURE",
        "numeroFluxDepot": _flux_number_of(invoice),
        "dateDepot": day(invoice.deposited_at),
        "dateFacture": day(invoice.invoice_date),
        "dateHeureEtatCourant": moment_iso(invoice.status_changed_at),
        "codeFournisseur": invoice.supplier.identifier,
        "typeIdentifiantFournisseur": invoice.supplier.identifier_type,
        "designationFournisseur": invoice.supplier.raison_sociale,
        "idDestinataire": invoice.recipient_id,
        "codeDestinataire": invoice.recipient.identifier if invoice.recipient_id else "",
        "designationDestinataire": invoice.recipient.raison_sociale if invoice.recipient_id else "",
        "idServiceExecutant": invoice.recipient_service_id,
        "codeServiceExecutant": invoice.recipient_service.code if invoice.recipient_service_id else "",
        "nomServiceExecutant": invoice.recipient_service.libelle if invoice.recipient_service_id else "",
        "montantHT": amount(invoice.total_ht),
        "montantTTC": amount(invoice.total_ttc),
        "montantAPayer": amount(invoice.amount_due),
        "devise": invoice.currency,
        "modeDepot": invoice.deposit_mode,
        "numeroBonCommande": invoice.numero_engagement,
        "numeroMarche": invoice.contract_number,
        "numeroFactureOrigine": invoice.origin_invoice_number,
        "factureTelechargeeParDestinataire": invoice.downloaded_by_recipient,
        "rejetTraite": invoice.return_acknowledged,
        "commentaireEtatCourant": "",
    }


def rechercher_fournisseur(call, body):
    queryset = invoice_selectors.sent_by(call.structure)
    flux = text(body, "numeroFluxDepot")
    if flux:
        deposit = selectors.deposit_of_flux(call.structure, flux)
        queryset = queryset.filter(deposit_item__deposit=deposit) if deposit else queryset.none()
    rows, *paging = page(_filtered(queryset, body), obj(body, "rechercheFactureParFournisseur"))
    items = [{"identifiantFactureCPP": invoice.pk, **_list_item(invoice)} for invoice in rows]
    return search_answer("listeFactures", items, *paging)


def _issued(call, body, *keys):
    invoice = invoice_selectors.sent_by(call.structure).filter(pk=integer(body, *keys)).first()
    if invoice is None:
        raise CproError(_("Facture introuvable."), code_retour=20006)
    return invoice


def _supplier_action(function, call, body, **arguments):
    invoice = _issued(call, body, "identifiantFactureCPP", "idFacture")
    try:
        invoice = function(actor=call.user, structure=call.structure, invoice_id=invoice.pk, **arguments)
    except InvoiceError as error:
        raise _refusal(error) from error
    return {
        **SUCCESS,
        "identifiantFactureCPP": invoice.pk,
        "numeroFacture": invoice.number,
        "statutFacture": invoice.status,
        "dateDepot": day(invoice.deposited_at),
        "dateTraitement": day(timezone.now()),
    }


def recycler(call, body):
    """A TO_RECYCLE invoice re-routed to the recipient and service given (or its current ones)."""
    invoice = _issued(call, body, "identifiantFactureCPP", "idFacture")
    target = obj(body, "destinataire")
    recipient = invoice.recipient
    code = text(target, "codeDestinataire").replace(" ", "")
    if code:
        recipient = Structure.objects.public().filter(identifier=code).first()
        if recipient is None:
            raise CproError(_("Destinataire introuvable : %(code)s.") % {"code": code[:40]})
    service = invoice.recipient_service if recipient == invoice.recipient else None
    service_code = text(target, "codeServiceExecutant")
    if service_code:
        service = StructureService.objects.filter(
            structure=recipient, code=service_code, is_active=True
        ).first()
        if service is None:
            raise CproError(_("Service introuvable : %(code)s.") % {"code": service_code[:40]})
    engagement = text(obj(body, "reference"), "numeroBonCommande") or invoice.numero_engagement
    return _supplier_action(
        invoice_services.recycle_invoice,
        call,
        body,
        recipient=recipient,
        recipient_service=service,
        numero_engagement=engagement,
        comment=text(body, "commentaire"),
    )


def _complementary_piece_ids(body) -> list[int]:
    entries = body.get("pieceJointeComplementaire") or []
    if isinstance(entries, dict):
        entries = [entries]
    if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
        raise CproError(_("Le champ pieceJointeComplementaire doit être une liste d'objets."))
    return list(dict.fromkeys(integer(entry, "pieceJointeComplementaireId") for entry in entries))


def completer(call, body):
    """A SUSPENDED invoice completed with a comment and the files sent with ajouter/fichier."""
    piece_ids = _complementary_piece_ids(body)
    account = call.account
    return _supplier_action(
        lambda actor, structure, invoice_id, **arguments: services.complete_with_pieces(
            account=account, invoice_id=invoice_id, **arguments
        ),
        call,
        body,
        comment=text(body, "commentaire")[:2000],
        piece_ids=piece_ids,
    )


def traiter_rejet(call, body):
    """Prendre connaissance of returned invoices (`rejetTraite`), as the supplier's screens do."""
    wanted = body.get("listeDemandePaiement")
    if not isinstance(wanted, list) or not wanted or not all(isinstance(entry, dict) for entry in wanted):
        raise CproError(_("Indiquez les factures dans listeDemandePaiement."))
    invoices = [_issued(call, entry, "idDemandePaiement", "idFacture") for entry in wanted]
    # All or none: every invoice is checked before the first is acknowledged.
    for invoice in invoices:
        if not workflow.can("acknowledge", invoice.status):
            raise CproError(f"{invoice.number} : {workflow.refusal('acknowledge')}")
    for invoice in invoices:
        try:
            invoice_services.acknowledge_return(
                actor=call.user, structure=call.structure, invoice_id=invoice.pk
            )
        except InvoiceError as error:
            raise CproError(f"{invoice.number} : {_refusal(error).libelle}") from error
    return {**SUCCESS}


def corriger_valideur(call, body):
    """After « erreur de valideur », the supplier names the right validator (by id or identifier)."""
    structure_id = integer(body, "idStructure", required=False)
    identifier = text(body, "identifiantStructure").replace(" ", "")
    validators = Structure.objects.all()
    if structure_id is not None:
        validator = validators.filter(pk=structure_id).first()
    elif identifier:
        validator = validators.filter(
            identifier=identifier, identifier_type=text(body, "typeIdentifiantStructure") or "SIRET"
        ).first()
    else:
        raise CproError(_("Indiquez le valideur : idStructure ou identifiantStructure."))
    if validator is None:
        raise CproError(_("Structure valideur introuvable."), code_retour=20005)
    invoice = _issued(call, body, "idFacture", "identifiantFactureCPP")
    try:
        invoice = invoice_services.correct_validator(
            actor=call.user, structure=call.structure, invoice_id=invoice.pk, validator=validator
        )
    except InvoiceError as error:
        raise _refusal(error) from error
    return {**SUCCESS, "idFacture": invoice.pk}


# --- Validator side (Factures à valider) ----------------------------------------------------------


def rechercher_valideur(call, body):
    """The invoices the structure validates (first or second validator), as its space lists them."""
    rows, *paging = page(
        _filtered(invoice_selectors.validated_by(call.structure), body), obj(body, "pagination")
    )
    items = [
        {"idFacture": invoice.pk, "identifiantFactureCPP": invoice.pk, **_list_item(invoice)}
        for invoice in rows
    ]
    return search_answer("listeFactures", items, *paging)


def _to_validate(call, body):
    invoice = (
        invoice_selectors.validated_by(call.structure)
        .filter(pk=integer(body, "identifiantFactureCPP", "idFacture"))
        .first()
    )
    if invoice is None:
        raise CproError(_("Facture introuvable."), code_retour=20006)
    return invoice


def consulter_valideur(call, body):
    return {**SUCCESS, "facture": _detail(_to_validate(call, body))}


# api.md §3.7 `action` → the decision of decide_validation.
_DECISIONS = {"VALIDATION": VALIDATE, "REFUS": REFUSE}


def traiter_facture_a_valider(call, body):
    """Valider or Refuser (with a motif of recuperer/motifs/refus/Facture/AValider)."""
    action = text(body, "action", required=True).upper()
    if action not in _DECISIONS:
        raise CproError(_("Action inconnue : %(action)s (VALIDATION ou REFUS).") % {"action": action[:20]})
    invoice = _to_validate(call, body)
    try:
        invoice = invoice_services.decide_validation(
            actor=call.user,
            structure=call.structure,
            invoice_id=invoice.pk,
            decision=_DECISIONS[action],
            motif=text(body, "motifRefus"),
            comment=text(body, "complementInfo")[:2000],
        )
    except InvoiceError as error:
        raise _refusal(error) from error
    return {
        **SUCCESS,
        "idFacture": invoice.pk,
        "numeroFacture": invoice.number,
        "statutFacture": invoice.status,
        "dateTraitement": day(timezone.now()),
    }


def motifs_refus_a_valider(call, body):
    return {
        **SUCCESS,
        "listeMotifRefusFactureAValider": [
            {"idMotif": position, "codeMotif": code, "libelleMotif": str(label)}
            for position, (code, label) in enumerate(ValidationRefusal.choices, start=1)
        ],
    }


def statuts_visibles_valideur(call, body):
    return {
        **SUCCESS,
        "listeStatutFacture": [
            {"codeStatutFacture": status}
            for status in InvoiceStatus.values
            if status not in workflow.NOT_SENT_TO_VALIDATOR
        ],
    }


# --- Both sides -----------------------------------------------------------------------------------


def _readable(call, body, *keys):
    """An invoice the caller issued (sent) or received; another structure's answers « not found »."""
    invoice_id = integer(body, *keys)
    invoice = (
        invoice_selectors.sent_by(call.structure).filter(pk=invoice_id).first()
        or invoice_selectors.received_by(call.structure, call.user).filter(pk=invoice_id).first()
    )
    if invoice is None:
        raise CproError(_("Facture introuvable."), code_retour=20006)
    return invoice


def _person(user) -> dict:
    return {
        "Nom": getattr(user, "nom", "") or "",
        "Prenom": getattr(user, "prenom", "") or "",
        "Email": getattr(user, "email", "") or "",
        "Telephone": getattr(user, "telephone", "") or "",
    }


def consulter_historique(call, body):
    invoice = _readable(call, body, "idFacture")
    changes = list(invoice.status_changes.select_related("actor").order_by("-created_at", "-pk"))
    actions = list(invoice.user_actions.select_related("actor").order_by("-created_at", "-pk"))
    events = list(invoice.events.order_by("-created_at", "-pk"))
    return {
        **SUCCESS,
        # OCA ignores an answer whose idFacture differs from its request (api.md §3.3).
        "idFacture": invoice.pk,
        "numeroFacture": invoice.number,
        "statutCourantCode": invoice.status,
        "modeDepot": invoice.deposit_mode,
        "derniereAction": (
            {"derniereActionCode": actions[0].action, "derniereActionId": actions[0].pk} if actions else {}
        ),
        "historiquesDesStatuts": {
            "histoStatut": [
                {
                    "histoStatutId": change.pk,
                    "histoStatutCode": change.to_status,
                    "histoStatutDatePassage": moment_minutes(change.created_at),
                    "histoStatutCommentaire": change.reason,
                    **{f"histoStatutUtilisateur{k}": v for k, v in _person(change.actor).items()},
                }
                for change in changes
            ],
            "nbResultatsParPageHistoStatut": len(changes),
            "pageCouranteHistoStatut": 1,
            "pagesHistoStatut": 1,
            "totalHistoStatut": len(changes),
        },
        "historiquesDesActionsUtilisateurs": {
            "histoAction": [
                {
                    "histoActionId": action.pk,
                    "histoActionCode": action.action,
                    "histoActionDateHeure": moment_minutes(action.created_at),
                    **{f"histoActionUtilisateur{k}": v for k, v in _person(action.actor).items()},
                }
                for action in actions
            ],
            "nbResultatsParPageHistoAction": len(actions),
            "pageCouranteHistoAction": 1,
            "pagesHistoAction": 1,
            "totalHistoAction": len(actions),
        },
        "historiquesDesEvenementsComplementaires": {
            "evenement": [
                {
                    "evenementId": event.pk,
                    "evenementDateHeure": moment_minutes(event.created_at),
                    "evenementLibelle": event.label,
                    "evenementQui": event.who,
                }
                for event in events
            ],
            "nbResultatsParPageEvenement": len(events),
            "pageCouranteEvenement": 1,
            "pagesEvenement": 1,
            "totalEvenement": len(events),
        },
    }


def _downloaded(call, invoice) -> bytes:
    """The legal original's bytes; the recipient's download is recorded as in the screens."""
    original = invoice_services.ensure_original(invoice_id=invoice.pk)
    if original is None:
        raise CproError(_("Le document de cette facture n'est pas encore disponible."))
    if invoice.recipient_id == call.structure.pk:
        invoice_services.mark_downloaded(actor=call.user, structure=call.structure, invoice_id=invoice.pk)
    with original.file.open("rb") as handle:
        return handle.read()


def telecharger_groupe(call, body):
    """PDF: one invoice's legal original; PIVOT: one XML with every invoice asked and its files."""
    kind = text(body, "format", required=True).upper()
    wanted = body.get("listeFacture")
    if not isinstance(wanted, list) or not wanted or not all(isinstance(entry, dict) for entry in wanted):
        raise CproError(_("Indiquez les factures dans listeFacture."))
    invoices = [_readable(call, entry, "idFacture") for entry in wanted]
    if kind == "PDF":
        if len(invoices) != 1:
            raise CproError(_("Le format PDF se télécharge une facture à la fois."))
        content = _downloaded(call, invoices[0])
    elif kind == "PIVOT":
        for invoice in invoices:
            _downloaded(call, invoice)
        content = pivot_xml(invoices)
    else:
        raise CproError(_("Format inconnu : %(format)s (PDF ou PIVOT).") % {"format": kind[:20]})
    return {**SUCCESS, "fichierResultat": base64.b64encode(content).decode()}


def telecharger_piece_jointe(call, body):
    """An attachment of an invoice the caller sent or received (`objetPieceJointe`
    DEMANDE_PAIEMENT; the invoice and the attachment ids also inside `pieceJointeDemandePaiement`)."""
    kind = text(body, "objetPieceJointe") or "DEMANDE_PAIEMENT"
    if kind != "DEMANDE_PAIEMENT":
        raise CproError(_("Seules les pièces jointes des factures (DEMANDE_PAIEMENT) se téléchargent ici."))
    detail = {**body, **obj(body, "pieceJointeDemandePaiement")}
    invoice = _readable(call, detail, "idDemandePaiement", "idFacture", "identifiantFactureCPP")
    attachment = invoice.attachments.filter(pk=integer(detail, "pieceJointeId", "idPieceJointe")).first()
    if attachment is None:
        raise CproError(_("Pièce jointe introuvable."), code_retour=20006)
    if invoice.recipient_id == call.structure.pk:
        invoice_services.mark_downloaded(actor=call.user, structure=call.structure, invoice_id=invoice.pk)
    with attachment.file.open("rb") as handle:
        content = handle.read()
    return {
        **SUCCESS,
        "pieceJointe": base64.b64encode(content).decode(),
        "pieceJointeNom": attachment.name,
        "pieceJointeTypeMime": attachment.content_type,
    }


def _detail(invoice) -> dict:
    """consulter/fournisseur and consulter/recipiendaire: the invoice as the recipient receives it."""
    return {
        "identifiantFactureCPP": invoice.pk,
        "numeroFacture": invoice.number,
        "statutFacture": invoice.status,
        "modeDepot": invoice.deposit_mode,
        "commentaire": "",
        "cadreDeFacturation": {"codeCadreFacturation": invoice.cadre},
        "destinataire": {
            "idDestinataire": invoice.recipient_id,
            "codeDestinataire": invoice.recipient.identifier,
            "libelleDestinataire": invoice.recipient.raison_sociale,
            "idServiceExecutant": invoice.recipient_service_id,
            "codeServiceExecutant": invoice.recipient_service.code if invoice.recipient_service_id else "",
            "libelleServiceExecutant": invoice.recipient_service.libelle
            if invoice.recipient_service_id
            else "",
        },
        "fournisseur": {
            "idFournisseur": invoice.supplier_id,
            "codeFournisseur": invoice.supplier.identifier,
            "typeIdentifiantFournisseur": invoice.supplier.identifier_type,
            "designationFournisseur": invoice.supplier.raison_sociale,
        },
        "references": {
            "typeFacture": invoice.invoice_type,
            "typeTva": invoice.vat_type,
            "codeDeviseFacture": invoice.currency,
            "dateFacture": day(invoice.invoice_date),
            "dateDepot": day(invoice.deposited_at),
            "dateEcheancePaiement": day(invoice.due_date),
            "modePaiement": invoice.payment_mode,
            "numeroBonCommande": invoice.numero_engagement,
            "numeroMarche": invoice.contract_number,
            "numeroFactureOrigine": invoice.origin_invoice_number,
            "motifExonerationTva": invoice.exemption_reason,
        },
        "montantTotal": {
            "montantHtTotal": amount(invoice.total_ht),
            "montantTVA": amount(invoice.total_vat),
            "montantTtcTotal": amount(invoice.total_ttc),
            "montantAPayer": amount(invoice.amount_due),
            "montantRemiseGlobaleTTC": amount(invoice.global_discount),
            "motifRemiseGlobaleTTC": invoice.global_discount_reason,
            "montantTtcAvantRemiseGlobalTTC": amount(invoice.total_ttc_before_discount),
        },
        "lignesDePoste": {
            "lignePoste": [
                {
                    "lignePosteNumero": line.position,
                    "lignePosteReference": line.reference,
                    "lignePosteDenomination": line.designation,
                    "lignePosteQuantite": amount(line.quantity),
                    "lignePosteMontantUnitaireHT": amount(line.unit_price),
                    "lignePosteTauxTva": amount(line.vat_rate),
                }
                for line in invoice.lines.order_by("position")
            ]
        },
        "listeDesPiecesJointes": {
            "pieceJointe": [
                {
                    "pieceJointeId": piece.pk,
                    "pieceJointeDesignation": piece.name,
                    "pieceJointeType": piece.kind,
                }
                for piece in invoice.attachments.all()
            ]
        },
    }


def consulter_fournisseur(call, body):
    return {**SUCCESS, "facture": _detail(_issued(call, body, "identifiantFactureCPP"))}


def consulter_recipiendaire(call, body):
    invoice = (
        invoice_selectors.received_by(call.structure, call.user)
        .filter(pk=integer(body, "identifiantFactureCPP"))
        .first()
    )
    if invoice is None:
        raise CproError(_("Facture introuvable."), code_retour=20006)
    return {**SUCCESS, "facture": _detail(invoice)}


# --- Recipient side -------------------------------------------------------------------------------


def rechercher_recipiendaire(call, body):
    if text(body, "typeDemandePaiement") == "FACTURE_TRAVAUX":
        queryset = invoice_selectors.received_by(call.structure, call.user).none()
    else:
        queryset = invoice_selectors.received_by(call.structure, call.user)
    suppliers = [
        entry.get("idFournisseur") for entry in body.get("listeFournisseurs") or [] if isinstance(entry, dict)
    ]
    if suppliers:
        queryset = queryset.filter(supplier_id__in=[s for s in suppliers if isinstance(s, int)])
    if isinstance(body.get("factureTelechargeeParDestinataire"), bool):
        queryset = queryset.filter(downloaded_by_recipient=body["factureTelechargeeParDestinataire"])
    rows, number, pages, size, total = page(_filtered(queryset, body), obj(body, "paramRecherche"))
    items = [{"idFacture": invoice.pk, **_list_item(invoice)} for invoice in rows]
    # Pastell reads the paging at the top level (api.md §1.7).
    return {
        **search_answer("listeFactures", items, number, pages, size, total),
        **paging_block(number, pages, size, total),
    }


def _transition_to(status: str) -> str:
    names = [t.name for t in workflow.TRANSITIONS if t.side == workflow.Side.RECIPIENT and t.target == status]
    if not names:
        raise CproError(_("Statut cible non autorisé : %(status)s.") % {"status": status[:40]})
    return names[0]


def traiter_recue(call, body):
    invoice_id = integer(body, "idFacture")
    status = text(body, "nouveauStatut", required=True)
    transition = _transition_to(status)
    try:
        invoice = invoice_services.process_invoice(
            actor=call.user,
            structure=call.structure,
            invoice_id=invoice_id,
            transition=transition,
            reason=text(body, "motif"),
            mandate_number=text(body, "numeroDPMandat"),
        )
    except InvoiceError as error:
        raise _refusal(error) from error
    return {
        **SUCCESS,
        "idFacture": invoice.pk,
        "numeroFacture": invoice.number,
        "dateTraitement": day(timezone.now()),
        "nouveauStatut": invoice.status,
    }


def rechercher_travaux(call, body):
    """No works invoices yet: « no result » as Pastell expects it (20007, api.md §7)."""
    return {
        "codeRetour": 20007,
        "libelle": "GFT_MSG_01.075 La recherche n'a retourné aucun résultat",
        "parametresRetour": paging_block(1, 0, 0, 0),
        "listeFacturesTravaux": [],
    }
