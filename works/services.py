"""Every write on Factures de travaux. A dossier's status changes only in `_apply_transition`,
under the dossier's lock, with its chained history row in the same transaction and its
notifications queued after commit."""

from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from choruspro.outbox import enqueue_on_commit
from invoices import attachments as attachment_rules
from invoices import services as invoice_services
from works import permissions, selectors, workflow
from works.enums import PartyRole
from works.exceptions import WorksError, WorksNotAllowed, WorksNotFound
from works.models import Contract, ContractParty, Dossier, DossierEvent, Piece

# Works pieces are deposited files: PDF, Factur-X (a PDF) or XML (domain §2 notes).
PIECE_EXTENSIONS = frozenset({"pdf", "xml"})


def _require_writer(actor, structure, membership=None) -> None:
    if not permissions.can_write(actor, structure, membership):
        raise WorksNotAllowed(
            _("Vous n'avez pas le droit de modifier les factures de travaux de cette structure.")
        )


def _apply_transition(dossier, transition, *, role, actor, structure, piece=None, motif="", comment=""):
    """The one place where a dossier's status is written (house style §C)."""
    previous = dossier.status
    dossier.status = transition.target
    dossier.status_changed_at = timezone.now()
    dossier.moe_deadline = (
        workflow.moe_deadline(dossier.status_changed_at)
        if dossier.status in workflow.MOE_DEADLINE_STATUSES
        else None
    )
    dossier.save(update_fields=["status", "status_changed_at", "moe_deadline", "invoice"])
    event = DossierEvent.objects.create(
        dossier=dossier,
        transition=transition.name,
        from_status=previous,
        to_status=dossier.status,
        role=role,
        actor=actor,
        structure=structure,
        piece=piece,
        motif=motif,
        comment=comment,
        created_at=dossier.status_changed_at,
    )
    from works.tasks import notify_event_task

    enqueue_on_commit(notify_event_task, event.pk)
    return event


# --- Marchés --------------------------------------------------------------------------------------


@transaction.atomic
def declare_contract(*, actor, structure, data: dict, membership=None) -> Contract:
    """Déclarer un marché with its fiche d'identité. `data`: number, engagement_number, title,
    titulaire, moe (or None), moa, financial_structure, financial_service (or None), cotraitants
    [(structure, is_mandataire)], sous_traitants [structure]. The declaring structure is the
    titulaire or the MOA."""
    _require_writer(actor, structure, membership)
    if structure.pk not in (data["titulaire"].pk, data["moa"].pk):
        raise WorksError(_("Un marché est déclaré par son titulaire ou par sa maîtrise d'ouvrage."))
    for field in ("moa", "financial_structure"):
        if not data[field].is_public:
            raise WorksError(
                _("La maîtrise d'ouvrage et le service financier sont des structures publiques.")
            )
    service = data.get("financial_service")
    if service is not None and service.structure_id != data["financial_structure"].pk:
        raise WorksError(_("Ce service n'appartient pas à la structure du service financier."))
    mandataires = [s for s, is_mandataire in data.get("cotraitants", ()) if is_mandataire]
    if len(mandataires) + bool(data.get("titulaire_is_mandataire")) > 1:
        raise WorksError(_("Un groupement n'a qu'un mandataire."))
    contract = Contract.objects.create(
        number=data["number"].strip(),
        engagement_number=data["engagement_number"].strip(),
        title=data["title"].strip(),
        financial_service=service,
        declared_by=actor,
        declared_by_structure=structure,
    )
    parties = [
        (data["titulaire"], PartyRole.TITULAIRE, bool(data.get("titulaire_is_mandataire"))),
        (data["moa"], PartyRole.MOA, False),
        (data["financial_structure"], PartyRole.SERVICE_FINANCIER, False),
    ]
    if data.get("moe") is not None:
        parties.append((data["moe"], PartyRole.MOE, False))
    parties += [(s, PartyRole.COTRAITANT, is_mandataire) for s, is_mandataire in data.get("cotraitants", ())]
    parties += [(s, PartyRole.SOUS_TRAITANT, False) for s in data.get("sous_traitants", ())]
    for party, role, is_mandataire in parties:
        ContractParty.objects.get_or_create(
            contract=contract, structure=party, role=role, defaults={"is_mandataire": is_mandataire}
        )
    return contract


# --- The monthly cycle ---------------------------------------------------------------------------


def _read_file(upload) -> tuple[str, bytes]:
    if upload is None:
        raise WorksError(_("Déposez le fichier de la pièce (PDF, Factur-X ou XML)."))
    accepted, errors = attachment_rules.read_uploads([upload])
    if errors:
        name, problem = next(iter(errors.items()))
        raise WorksError(f"{name} : {problem}")
    name, data = accepted[0]
    if attachment_rules.extension(name) not in PIECE_EXTENSIONS:
        raise WorksError(_("Une pièce de facture de travaux est un fichier PDF, Factur-X ou XML."))
    return name, data


def _lock_dossier(structure, dossier_id) -> Dossier:
    dossier = selectors.dossiers_of(structure).select_for_update(of=("self",)).filter(pk=dossier_id).first()
    if dossier is None:
        raise WorksNotFound(_("Dossier de facturation introuvable."))
    return dossier


def _begin(actor, structure, dossier_id, action, expected_status, membership):
    """The dossier locked through the actor's scope, and the transition its role may take now."""
    _require_writer(actor, structure, membership)
    dossier = _lock_dossier(structure, dossier_id)
    _check_expected(dossier, expected_status)
    return dossier, workflow.check(action, dossier.status, selectors.roles_in(dossier.contract, structure))


def _check_expected(dossier, expected_status) -> None:
    """The status the user saw: if another actor acted meanwhile, the action is refused."""
    if expected_status is not None and dossier.status != expected_status:
        raise WorksError(
            _("Le dossier a changé de statut entre-temps : il est maintenant « %(status)s ».")
            % {"status": dossier.get_status_display()}
        )


def _check_moe_delay(dossier, transition) -> None:
    if transition.role == PartyRole.MOE and dossier.moe_deadline and timezone.now() > dossier.moe_deadline:
        raise WorksError(
            _(
                "Le délai de 7 jours de la maîtrise d'œuvre a expiré le %(date)s : le dossier est "
                "désormais traité par la maîtrise d'ouvrage."
            )
            % {"date": formats.date_format(timezone.localtime(dossier.moe_deadline), "SHORT_DATETIME_FORMAT")}
        )


def _store_piece(dossier, transition, *, actor, structure, previous, data: dict, upload) -> Piece:
    name, content = _read_file(upload)
    piece = Piece(
        dossier=dossier,
        previous=previous,
        cadre=transition.cadre,
        number=data["number"].strip(),
        amount_ht=data["amount_ht"],
        vat_rate=Decimal(data["vat_rate"]),
        role=transition.role,
        structure=structure,
        deposited_by=actor,
        comment=data.get("comment", "").strip(),
        **attachment_rules.stored_facts(name, content),
    )
    piece.file.save(name, ContentFile(content), save=False)
    piece.save()
    return piece


@transaction.atomic
def deposit_projet(*, actor, structure, contract_id: int, data: dict, upload, membership=None) -> Dossier:
    """Dépôt initial of the projet de décompte mensuel (A4): a new dossier, made available to the
    MOE for seven days. `data`: number, amount_ht, vat_rate, comment."""
    _require_writer(actor, structure, membership)
    contract = (
        selectors.contracts_of(structure).select_for_update(of=("self",)).filter(pk=contract_id).first()
    )
    if contract is None:
        raise WorksNotFound(_("Marché introuvable."))
    transition = workflow.check("deposit_projet", workflow.NEW, selectors.roles_in(contract, structure))
    if contract.party(PartyRole.MOE) is None:
        raise WorksError(
            _("Ce marché n'a pas de maîtrise d'œuvre : le projet de décompte ne peut pas lui être remis.")
        )
    number = (contract.dossiers.aggregate(last=Max("number"))["last"] or 0) + 1
    dossier = Dossier.objects.create(contract=contract, number=number, status=workflow.NEW)
    piece = _store_piece(
        dossier, transition, actor=actor, structure=structure, previous=None, data=data, upload=upload
    )
    _apply_transition(
        dossier, transition, role=transition.role, actor=actor, structure=structure, piece=piece
    )
    return dossier


@transaction.atomic
def deposit_next_piece(
    *,
    actor,
    structure,
    dossier_id: int,
    action: str,
    previous_piece_id: int,
    data: dict,
    upload,
    expected_status: str | None = None,
    membership=None,
) -> Piece:
    """« Déposer la pièce de facturation suivante »: the MOE's état d'acompte (A15) or the MOA's
    état d'acompte validé (A19), by association to the dossier's last piece. The A19 reaches the
    service financier in Factures reçues as a payable invoice of the titulaire."""
    dossier, transition = _begin(actor, structure, dossier_id, action, expected_status, membership)
    if transition.cadre is None:
        raise WorksError(workflow.refusal())
    last = dossier.pieces.order_by("-deposited_at", "-pk").first()
    if last is None or last.pk != previous_piece_id:
        raise WorksError(_("La pièce précédente doit être la dernière pièce de ce dossier de facturation."))
    _check_moe_delay(dossier, transition)
    piece = _store_piece(
        dossier, transition, actor=actor, structure=structure, previous=last, data=data, upload=upload
    )
    if transition.name == "deposit_etat_acompte_valide":
        dossier.invoice = _payable_invoice(dossier, piece, actor=actor, structure=structure)
    _apply_transition(
        dossier, transition, role=transition.role, actor=actor, structure=structure, piece=piece
    )
    return piece


def _payable_invoice(dossier, piece, *, actor, structure):
    contract = dossier.contract
    piece.file.open("rb")
    with piece.file:
        content = piece.file.read()
    return invoice_services.issue_works_invoice(
        actor=actor,
        structure=structure,
        supplier=contract.party(PartyRole.TITULAIRE),
        recipient=contract.party(PartyRole.SERVICE_FINANCIER),
        recipient_service=contract.financial_service,
        number=f"TRV-{dossier.pk}-{piece.number}"[:20],
        designation=_("État d'acompte validé n° %(number)s — marché %(contract)s")
        % {"number": piece.number, "contract": contract.number},
        amount_ht=piece.amount_ht,
        vat_rate=piece.vat_rate,
        contract_number=contract.number,
        engagement_number=contract.engagement_number,
        original_name=piece.name,
        original_data=content,
    )


@transaction.atomic
def refuse_dossier(
    *,
    actor,
    structure,
    dossier_id: int,
    action: str,
    motif: str,
    comment: str = "",
    expected_status: str | None = None,
    membership=None,
) -> Dossier:
    """The MOE refuses the projet, or the MOA the état d'acompte, with a motif: the circuit stops.
    An amount difference is no refusal motive for the MOE (domain §9.3)."""
    dossier, transition = _begin(actor, structure, dossier_id, action, expected_status, membership)
    if not transition.needs_motif:
        raise WorksError(workflow.refusal())
    if not motif:
        raise WorksError(_("Le motif de refus est obligatoire."))
    if transition.role == PartyRole.MOE and motif in workflow.FORBIDDEN_MOE_MOTIFS:
        raise WorksError(str(workflow.AMOUNT_IS_NO_MOTIF))
    _check_moe_delay(dossier, transition)
    _apply_transition(
        dossier,
        transition,
        role=transition.role,
        actor=actor,
        structure=structure,
        motif=motif,
        comment=comment.strip(),
    )
    return dossier


def record_moe_deadlines(*, now=None) -> int:
    """The sweep: a dossier whose MOE let its seven days pass goes to the MOA, recorded in its
    history (`ABSENCE_VALIDATION_MOE_DELAI_REGLEMENTAIRE`). Safe to re-run."""
    now = now or timezone.now()
    done = 0
    for dossier_id in selectors.moe_overdue(now).values_list("pk", flat=True):
        with transaction.atomic():
            dossier = Dossier.objects.select_for_update(of=("self",)).get(pk=dossier_id)
            transition = workflow.BY_NAME["moe_deadline_passed"]
            if dossier.status in transition.sources and dossier.moe_deadline < now:
                _apply_transition(dossier, transition, role=workflow.SYSTEM, actor=None, structure=None)
                done += 1
    return done
