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
from works.enums import DossierStatus, PartyRole
from works.exceptions import WorksError, WorksNotAllowed, WorksNotFound
from works.models import Contract, ContractParty, Dossier, DossierEvent, Piece

# Works pieces are deposited files: PDF, Factur-X (a PDF) or XML (domain §2 notes).
PIECE_EXTENSIONS = frozenset({"pdf", "xml"})


def _require_writer(actor, structure, membership=None) -> None:
    if not permissions.can_write(actor, structure, membership):
        raise WorksNotAllowed(
            _("Vous n'avez pas le droit de modifier les factures de travaux de cette structure.")
        )


def _write_event(dossier, name, previous, *, role, actor, structure, piece=None, motif="", comment=""):
    """The dossier's chained history row, and its notices queued after commit."""
    event = DossierEvent.objects.create(
        dossier=dossier,
        transition=name,
        from_status=previous,
        to_status=dossier.status,
        role=role,
        actor=actor,
        structure=structure,
        piece=piece,
        motif=motif,
        comment=comment,
        created_at=timezone.now(),
    )
    from works.tasks import notify_event_task

    enqueue_on_commit(notify_event_task, event.pk)
    return event


def _apply_transition(dossier, transition, *, role, actor, structure, piece=None, motif="", comment=""):
    """The one place where a dossier's status is written (house style §C), with the deadline the
    new status starts (workflow.DEADLINES)."""
    previous = dossier.status
    dossier.status = transition.target
    dossier.status_changed_at = timezone.now()
    if not (transition.keeps_deadline and dossier.deadline):
        dossier.deadline = workflow.deadline_after(dossier.kind, dossier.status, dossier.status_changed_at)
        dossier.deadline_recorded_at = None
    # Whoever acts next gets its own reminder, even on a deadline kept from the step before.
    dossier.reminder_sent_at = None
    dossier.save()
    return _write_event(
        dossier,
        transition.name,
        previous,
        role=role,
        actor=actor,
        structure=structure,
        piece=piece,
        motif=motif,
        comment=comment,
    )


# --- Marchés --------------------------------------------------------------------------------------


@transaction.atomic
def declare_contract(*, actor, structure, data: dict, membership=None) -> Contract:
    """Déclarer un marché with its fiche d'identité. `data`: number, engagement_number, title,
    titulaire, moe (or None), moa, financial_structure, financial_service (or None), cotraitants
    [(structure, is_mandataire)], sous_traitants [(structure, its cotraitant or None)]. The
    declaring structure is the titulaire or the MOA."""
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
    cotraitants = {s.pk for s, _is_mandataire in data.get("cotraitants", ())}
    if any(c is not None and c.pk not in cotraitants for _s, c in data.get("sous_traitants", ())):
        raise WorksError(_("Le donneur d'ordre d'un sous-traitant doit être un cotraitant du marché."))
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
    contractors = {s.pk: c for s, c in data.get("sous_traitants", ())}
    parties += [(s, PartyRole.SOUS_TRAITANT, False) for s, _c in data.get("sous_traitants", ())]
    for party, role, is_mandataire in parties:
        ContractParty.objects.get_or_create(
            contract=contract,
            structure=party,
            role=role,
            defaults={
                "is_mandataire": is_mandataire,
                "contractor": contractors.get(party.pk) if role == PartyRole.SOUS_TRAITANT else None,
            },
        )
    return contract


# --- The cycles -----------------------------------------------------------------------------------


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
    """The dossier locked through the actor's scope, and the transition its roles may take now."""
    _require_writer(actor, structure, membership)
    dossier = _lock_dossier(structure, dossier_id)
    _check_expected(dossier, expected_status)
    transition = workflow.check(action, dossier.status, selectors.roles_on(dossier, structure), dossier.kind)
    _check_timing(dossier, transition)
    return dossier, transition


def _check_expected(dossier, expected_status) -> None:
    """The status the user saw: if another actor acted meanwhile, the action is refused."""
    if expected_status is not None and dossier.status != expected_status:
        raise WorksError(
            _("Le dossier a changé de statut entre-temps : il est maintenant « %(status)s ».")
            % {"status": dossier.get_status_display()}
        )


def _date(value) -> str:
    return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


def _check_timing(dossier, transition) -> None:
    """A late deposit, or a tacit step taken too early, is refused with the date."""
    if transition.timing == workflow.BEFORE and dossier.is_overdue:
        raise WorksError(
            _(
                "Le délai pour cette action a expiré le %(date)s : la pièce ne peut plus être déposée "
                "dans ce dossier."
            )
            % {"date": _date(dossier.deadline)}
        )
    if transition.timing == workflow.AFTER and not dossier.is_overdue:
        raise WorksError(
            _("Cette action n'est possible qu'une fois le délai expiré, après le %(date)s.")
            % {"date": _date(dossier.deadline)}
            if dossier.deadline
            else workflow.refusal()
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
        role=selectors.contract_role(dossier.contract, structure, transition.role),
        structure=structure,
        deposited_by=actor,
        comment=data.get("comment", "").strip(),
        **attachment_rules.stored_facts(name, content),
    )
    piece.file.save(name, ContentFile(content), save=False)
    piece.save()
    return piece


def _validators(contract, structure, role) -> tuple:
    """Who validates a sub-/co-contractor's piece (domain §9.6): the titulaire for its
    sous-traitant, the mandataire for a cotraitant; a cotraitant's sous-traitant is validated by
    that cotraitant, then by the mandataire."""
    parties = list(contract.parties.all())
    mandataire = next(
        (p.structure for p in parties if p.is_mandataire and p.structure_id != structure.pk), None
    ) or contract.party(PartyRole.TITULAIRE)
    if role == PartyRole.SOUS_TRAITANT:
        party = next(p for p in parties if p.structure_id == structure.pk and p.role == role)
        if party.contractor_id:
            second = mandataire if mandataire.pk != party.contractor_id else None
            return party.contractor, second
        return contract.party(PartyRole.TITULAIRE), None
    return mandataire, None


def _settle(dossier, transition, piece, *, actor, structure) -> None:
    """The piece's consequences before its status is written: a payable piece becomes the
    supplier's invoice in the service financier's Factures reçues."""
    if transition.payable:
        dossier.invoice = _payable_invoice(dossier, piece, actor=actor, structure=structure)


@transaction.atomic
def deposit_initial(
    *, actor, structure, contract_id: int, action: str, data: dict, upload, membership=None
) -> Dossier:
    """Dépôt initial: a new dossier from its first piece (A4–A7, A10, A11, A13, A14). A
    sub-/co-contractor's piece waits for its validator first. `data`: number, amount_ht,
    vat_rate, comment."""
    _require_writer(actor, structure, membership)
    contract = (
        selectors.contracts_of(structure).select_for_update(of=("self",)).filter(pk=contract_id).first()
    )
    if contract is None:
        raise WorksNotFound(_("Marché introuvable."))
    transition = workflow.check(
        action, workflow.NEW, selectors.roles_in(contract, structure), workflow.get(action).kind
    )
    has_moe = contract.party(PartyRole.MOE) is not None
    if transition.with_moe is True and not has_moe:
        raise WorksError(
            _(
                "Ce marché n'a pas de maîtrise d'œuvre : déposez l'état d'acompte ou le projet de "
                "décompte final sans MOE."
            )
        )
    if transition.with_moe is False and has_moe:
        raise WorksError(_("Ce marché a une maîtrise d'œuvre : le projet de décompte lui est remis d'abord."))
    number = (contract.dossiers.aggregate(last=Max("number"))["last"] or 0) + 1
    dossier = Dossier.objects.create(
        contract=contract, number=number, kind=transition.kind, status=workflow.NEW, supplier=structure
    )
    if transition.target == DossierStatus.TO_VALIDATE_1:
        dossier.validator, dossier.second_validator = _validators(contract, structure, transition.role)
    piece = _store_piece(
        dossier, transition, actor=actor, structure=structure, previous=None, data=data, upload=upload
    )
    _settle(dossier, transition, piece, actor=actor, structure=structure)
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
    """« Déposer la pièce de facturation suivante »: by association to the dossier's last piece.
    A payable piece (A6, A8, A16, A19, A23–A25) reaches the service financier in Factures reçues."""
    dossier, transition = _begin(actor, structure, dossier_id, action, expected_status, membership)
    if transition.cadre is None:
        raise WorksError(workflow.refusal())
    last = dossier.pieces.order_by("-deposited_at", "-pk").first()
    if last is None or last.pk != previous_piece_id:
        raise WorksError(_("La pièce précédente doit être la dernière pièce de ce dossier de facturation."))
    piece = _store_piece(
        dossier, transition, actor=actor, structure=structure, previous=last, data=data, upload=upload
    )
    _settle(dossier, transition, piece, actor=actor, structure=structure)
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
        supplier=dossier.supplier or contract.party(PartyRole.TITULAIRE),
        recipient=contract.party(PartyRole.SERVICE_FINANCIER),
        recipient_service=contract.financial_service,
        cadre=piece.cadre,
        number=f"TRV-{dossier.pk}-{piece.number}"[:20],
        designation=_("%(cadre)s n° %(number)s — marché %(contract)s")
        % {"cadre": piece.get_cadre_display(), "number": piece.number, "contract": contract.number},
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
    """The validator, the MOE or the MOA refuses with a motif: the circuit stops. An amount
    difference is no refusal motive for the MOE (domain §9.3)."""
    dossier, transition = _begin(actor, structure, dossier_id, action, expected_status, membership)
    if not transition.needs_motif:
        raise WorksError(workflow.refusal())
    if not motif:
        raise WorksError(_("Le motif de refus est obligatoire."))
    if transition.role == PartyRole.MOE and motif in workflow.FORBIDDEN_MOE_MOTIFS:
        raise WorksError(str(workflow.AMOUNT_IS_NO_MOTIF))
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


def _after_validation(dossier) -> None:
    """A validated piece goes on by itself: to the mandataire, or into the works cycle."""
    second = dossier.status in (DossierStatus.VALIDATED_1, DossierStatus.TACITLY_VALIDATED_1) and (
        dossier.second_validator_id is not None
    )
    if second:
        dossier.validator = dossier.second_validator
    has_moe = dossier.contract.party(PartyRole.MOE) is not None
    transition = workflow.BY_NAME[workflow.forward(has_moe, second)]
    _apply_transition(dossier, transition, role=workflow.SYSTEM, actor=None, structure=None)


@transaction.atomic
def validate_piece(
    *, actor, structure, dossier_id: int, action: str, expected_status: str | None = None, membership=None
) -> Dossier:
    """The validator's « Valider » on a sub-/co-contractor's piece: it goes on to the mandataire
    or into the works cycle."""
    dossier, transition = _begin(actor, structure, dossier_id, action, expected_status, membership)
    if transition.cadre or transition.needs_motif:
        raise WorksError(workflow.refusal())
    _apply_transition(dossier, transition, role=transition.role, actor=actor, structure=structure)
    _after_validation(dossier)
    return dossier


# --- The deadline sweep ----------------------------------------------------------------------------


def sweep_deadlines(*, now=None) -> dict:
    """The beat task's work, safe to re-run: a notice to whoever must act once a deadline is near
    (workflow.REMINDER_BEFORE), and the deadline recorded in the history when it passes — the
    MOE's seven days hand the dossier to the MOA, a validator's fifteen days validate tacitly
    (`ABSENCE_VALIDATION_1_HORS_DELAI`), the others open the tacit steps."""
    now = now or timezone.now()
    done = {"reminded": 0, "recorded": 0}
    for dossier_id in selectors.deadline_near(now, workflow.REMINDER_BEFORE).values_list("pk", flat=True):
        with transaction.atomic():
            dossier = Dossier.objects.select_for_update(of=("self",)).get(pk=dossier_id)
            if dossier.reminder_sent_at is None and dossier.deadline and now < dossier.deadline:
                dossier.reminder_sent_at = now
                dossier.save(update_fields=["reminder_sent_at"])
                _write_event(
                    dossier,
                    workflow.REMINDER,
                    dossier.status,
                    role=workflow.SYSTEM,
                    actor=None,
                    structure=None,
                )
                done["reminded"] += 1
    for dossier_id in selectors.deadline_passed(now).values_list("pk", flat=True):
        with transaction.atomic():
            dossier = Dossier.objects.select_for_update(of=("self",)).get(pk=dossier_id)
            if dossier.deadline_recorded_at is not None or not dossier.deadline or dossier.deadline >= now:
                continue
            transition = workflow.system_transition(dossier.kind, dossier.status, workflow.DEADLINE_PASSED)
            if transition is None:
                dossier.deadline_recorded_at = now
                dossier.save(update_fields=["deadline_recorded_at"])
                _write_event(
                    dossier,
                    workflow.DEADLINE_RECORDED,
                    dossier.status,
                    role=workflow.SYSTEM,
                    actor=None,
                    structure=None,
                )
            else:
                _apply_transition(dossier, transition, role=workflow.SYSTEM, actor=None, structure=None)
                if dossier.status in workflow.VALIDATED:
                    _after_validation(dossier)
            done["recorded"] += 1
    return done
