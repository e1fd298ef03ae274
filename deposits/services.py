"""Every write on deposits. A deposit's state changes only in `_set_status`, with its history
row; processing is a worker task that may be delivered twice: each file is read once, under a
row lock, and creates at most one invoice."""

import codecs
import datetime
import hashlib
import logging
import os
import socket

from django.core.files.base import ContentFile
from django.core.mail import mail_admins
from django.db import IntegrityError, transaction
from django.utils import timezone

from choruspro import translatable
from choruspro.outbox import enqueue_on_commit
from choruspro.translatable import gettext as _
from deposits import archives, workflow
from deposits.enums import DepositFormat, DepositKind, ItemOutcome
from deposits.exceptions import DepositError, DepositRefused
from deposits.models import Deposit, DepositItem, DepositStatusChange
from deposits.prefill import prefill
from invoices import attachments as attachment_rules
from invoices import services as invoice_services
from invoices.enums import CADRES_WITH_VALIDATOR, DepositMode
from invoices.exceptions import InvoiceError, SubmissionRefused
from structures import permissions as structure_permissions

logger = logging.getLogger(__name__)

MAX_UNIT_SIZE = 10 * 1024 * 1024
# A deposit left in processing longer than this (past CELERY_TASK_TIME_LIMIT) was dropped by its
# worker: it can be retried.
STUCK_AFTER = datetime.timedelta(minutes=2)
UNIT_EXTENSIONS = (".pdf", ".xml")
LOT_EXTENSIONS = (".zip", ".tar.gz", ".tgz")


def _set_status(deposit: Deposit, name: str, note: str = "") -> None:
    """The one place where a deposit's state is written, along the `workflow` transition `name`."""
    previous = deposit.status
    status = workflow.check(name, previous).target
    deposit.status = status
    deposit.status_changed_at = timezone.now()
    fields = ["status", "status_changed_at"]
    if workflow.is_finished(status):
        deposit.finished_at = deposit.status_changed_at
        fields.append("finished_at")
    deposit.save(update_fields=fields)
    DepositStatusChange.objects.create(deposit=deposit, from_status=previous, to_status=status, note=note)


def _queue(deposit_id: int) -> None:
    from deposits.tasks import process_deposit_task

    enqueue_on_commit(process_deposit_task, deposit_id)


# --- Deposit ------------------------------------------------------------------------------------


# Longest first: the UTF-32 LE mark starts like the UTF-16 LE one.
_XML_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _is_xml(data: bytes) -> bool:
    """Starts with `<` once its byte order mark (UTF-8, UTF-16 or UTF-32) and leading blank lines
    are skipped."""
    encoding = "utf-8"
    for bom, name in _XML_BOMS:
        if data.startswith(bom):
            data, encoding = data[len(bom) :], name
            break
    return data[:1024].decode(encoding, errors="ignore").lstrip()[:1] == "<"


def upload_problem(*, kind: str, declared_format: str, name: str, data: bytes) -> str | None:
    """Why this upload cannot be deposited (French, for the user), or None. Checked on content."""
    lowered = name.lower()
    if not data:
        return _("Le fichier est vide.")
    if kind == DepositKind.LOT:
        if not lowered.endswith(LOT_EXTENSIONS):
            return _("Un lot se dépose en .zip ou .tar.gz.")
        if len(data) > archives.MAX_LOT_SIZE:
            return _("Un lot ne peut pas dépasser 30 Mo.")
        expected = "zip" if lowered.endswith(".zip") else "tar.gz"
        if archives.lot_kind(data) != expected:
            return _(
                "Le contenu du fichier ne correspond pas à son extension : ce n'est pas une archive %(kind)s."
            ) % {"kind": expected}
        if declared_format not in (DepositFormat.MIXED, DepositFormat.STRUCTURED):
            return _(
                "Un lot ne contient que des factures Factur-X ou XML : "
                "choisissez « XML mixte » ou « XML structuré »."
            )
        return None
    if not lowered.endswith(UNIT_EXTENSIONS):
        return _("Une facture se dépose en .pdf ou .xml ; un lot en .zip ou .tar.gz.")
    if len(data) > MAX_UNIT_SIZE:
        return _("Le fichier dépasse 10 Mo.")
    if lowered.endswith(".pdf"):
        if not data.startswith(b"%PDF-"):
            return _("Le contenu du fichier ne correspond pas à son extension : ce n'est pas un PDF.")
        if declared_format == DepositFormat.STRUCTURED:
            return _("Ce fichier est un PDF : choisissez « PDF » ou « XML mixte (Factur-X) ».")
        # A signature dictionary is never compressed (its byte range must be readable as is): its
        # presence is checked here; the signature's validity is not.
        if declared_format == DepositFormat.PDF_SIGNED and not (b"/ByteRange" in data and b"/Sig" in data):
            return _("Ce PDF ne porte pas de signature électronique : choisissez « PDF non signé ».")
    else:
        if not _is_xml(data):
            return _("Le contenu du fichier ne correspond pas à son extension : ce n'est pas un XML.")
        if declared_format != DepositFormat.STRUCTURED:
            return _("Ce fichier est un XML : choisissez « XML structuré ».")
    return None


@transaction.atomic
def create_deposit(
    *, actor, structure, kind: str, declared_format: str, cadre: str, validator, upload
) -> Deposit:
    """Dépôt facture: stores the file once (SHA-256 recorded) and hands it to a worker."""
    refusal = invoice_services.new_invoice_refusal(actor, structure)
    if refusal:
        raise DepositError(refusal)
    if cadre in CADRES_WITH_VALIDATOR and validator is None:
        raise DepositRefused(
            {"validator_identifier": [_("Pour A9 et A12, la structure valideur est obligatoire.")]}
        )
    name = attachment_rules.clean_name(upload.name)
    limit = archives.MAX_LOT_SIZE if kind == DepositKind.LOT else MAX_UNIT_SIZE
    if upload.size > limit:
        raise DepositRefused(
            {"file": [_("Le fichier dépasse la taille admise (%(size)d Mo).") % {"size": limit >> 20}]}
        )
    data = upload.read()
    problem = upload_problem(kind=kind, declared_format=declared_format, name=name, data=data)
    if problem:
        raise DepositRefused({"file": [problem]})
    sha256 = hashlib.sha256(data).hexdigest()
    deposit = Deposit(
        structure=structure,
        created_by=actor,
        kind=kind,
        format=declared_format,
        cadre=cadre,
        validator=validator,
        file_name=name,
        size=len(data),
        sha256=sha256,
        duplicate_of=Deposit.objects.filter(structure=structure, sha256=sha256)
        .exclude(status__in=workflow.IGNORED_AS_DUPLICATE)
        .order_by("pk")
        .first(),
    )
    deposit.file.save(name, ContentFile(data), save=False)
    deposit.save()
    DepositStatusChange.objects.create(deposit=deposit, to_status=workflow.INITIAL)
    _queue(deposit.pk)
    return deposit


# --- Processing (worker) ---------------------------------------------------------------------------


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


@transaction.atomic
def _start(deposit_id: int) -> Deposit | None:
    deposit = Deposit.objects.select_for_update(of=("self",)).filter(pk=deposit_id).first()
    if deposit is None or workflow.is_finished(deposit.status):
        return None
    deposit.attempts += 1
    deposit.processing_by = _worker_name()
    deposit.processing_started_at = timezone.now()
    deposit.save(update_fields=["attempts", "processing_by", "processing_started_at"])
    if workflow.can("start", deposit.status):
        _set_status(deposit, "start")
    return deposit


def process_deposit(*, deposit_id: int) -> None:
    """Reads the deposit: a unit file becomes a draft; a lot is opened and each of its files goes
    to its own task. Safe to re-run after a crash at any point."""
    deposit = _start(deposit_id)
    if deposit is None:
        return
    with deposit.file.open("rb") as handle:
        data = handle.read()
    if deposit.kind == DepositKind.UNIT:
        _add_items(deposit, [archives.Member(deposit.file_name, data)])
    else:
        try:
            members = archives.read_lot(data)
        except archives.LotError as error:
            _reject(deposit_id, _extraction_message(error))
            return
        _add_items(deposit, members)
    pending = list(deposit.items.filter(outcome=ItemOutcome.PENDING).values_list("pk", flat=True))
    if deposit.kind == DepositKind.UNIT or len(pending) == 1:
        # One file (a unit deposit, a flux of one invoice): read here, one task less.
        for item_id in pending:
            process_item(item_id=item_id)
    else:
        # Each file of a lot is its own task: several workers share a big lot.
        from deposits.tasks import process_deposit_item_task

        for item_id in pending:
            process_deposit_item_task.delay(item_id)
    finish_deposit(deposit_id=deposit_id)


def process_lot_item(*, item_id: int) -> None:
    deposit_id = process_item(item_id=item_id)
    # The deposit row is locked only once no file is left to read: the files of a lot are read
    # side by side, each committed before this question, so the last one to commit sees none
    # pending (and two last ones are serialised by finish_deposit's lock).
    if deposit_id is not None and not _has_pending(deposit_id):
        finish_deposit(deposit_id=deposit_id)


def _has_pending(deposit_id: int) -> bool:
    return DepositItem.objects.filter(deposit_id=deposit_id, outcome=ItemOutcome.PENDING).exists()


@transaction.atomic
def _reject(deposit_id: int, message: str) -> None:
    deposit = Deposit.objects.select_for_update(of=("self",)).get(pk=deposit_id)
    if workflow.is_finished(deposit.status):
        return
    deposit.error = message
    deposit.save(update_fields=["error"])
    _set_status(deposit, "reject", message)


@transaction.atomic
def _add_items(deposit: Deposit, members: list) -> None:
    """One row per file; positions already stored (an earlier run) are kept as they are."""
    existing = set(deposit.items.values_list("position", flat=True))
    for position, member in enumerate(members):
        if position in existing:
            continue
        item = DepositItem(deposit=deposit, position=position, file_name=member.name[:255])
        if member.data is None:
            item.outcome = ItemOutcome.REJECTED
            item.message = _(member.problem) % member.params
            item.processed_at = timezone.now()
        else:
            item.size = len(member.data)
            item.sha256 = hashlib.sha256(member.data).hexdigest()
            base = attachment_rules.clean_name(member.name, max_bytes=100) or f"fichier-{position}"
            item.file.save(base, ContentFile(member.data), save=False)
        item.save()


def process_item(*, item_id: int) -> int | None:
    """Reads one file and makes its invoice: a draft to complete (unit deposit) or, for a lot, an
    invoice sent at once when it is complete (reported otherwise). Returns the file's deposit id
    (None when the file was not found)."""
    from einvoice.extraction import ExtractionError, extract

    with transaction.atomic():
        item = (
            DepositItem.objects.select_for_update(of=("self",))
            .select_related("deposit__structure", "deposit__created_by", "deposit__validator")
            .filter(pk=item_id)
            .first()
        )
        if item is None:
            return None
        if item.outcome != ItemOutcome.PENDING:
            return item.deposit_id
        with item.file.open("rb") as handle:
            data = handle.read()
        try:
            # The French rules only give warnings, which a lot's report does not show.
            # A scan is read by OCR only for a unit deposit: a lot takes structured invoices only.
            unit = item.deposit.kind == DepositKind.UNIT
            result = extract(data, item.file_name, french_rules=unit, ocr=unit)
        except ExtractionError as error:
            _close(item, ItemOutcome.REJECTED, _extraction_message(error))
            return item.deposit_id
        _record(item, result)
        if item.deposit.kind == DepositKind.UNIT:
            _make_draft(item, result, data)
        else:
            _integrate(item, result, data)
    return item.deposit_id


def _findings(entries) -> list[dict]:
    """The validation findings as stored: an explanation of the portal's is kept as a translatable
    message (`translatable.dump`), any other as its text."""
    from einvoice.messages import explain

    def as_dict(entry):
        if isinstance(entry, dict):
            found = {key: str(entry.get(key) or "") for key in ("rule", "message", "layer", "text")}
        else:
            found = {key: str(getattr(entry, key, "") or "") for key in ("rule", "message", "layer", "text")}
        sentence, params = explain(found["rule"], found["text"])
        if (sentence % params if params else sentence) == found["message"]:
            found["message"] = translatable.dump(_(sentence) % params)
        return found

    return [as_dict(entry) for entry in entries or []]


def _record(item: DepositItem, result) -> None:
    document = result.to_json()
    item.format = result.format or ""
    item.profile = (result.profile or "")[:100]
    item.fields = {
        key: value for key, value in (document.get("fields") or {}).items() if value not in (None, "")
    }
    item.sources = {key: str(value)[:300] for key, value in (result.sources or {}).items()}
    item.to_check = {
        key: {"value": str(entry["value"])[:100], "source": str(entry["source"])[:300]}
        for key, entry in (getattr(result, "to_check", None) or {}).items()
    }
    item.read_by_ocr = bool(getattr(result, "ocr", False))
    item.errors = _findings(result.validation.errors) if result.validation else []
    item.warnings = _findings(result.validation.warnings) if result.validation else []


def _extraction_message(error) -> str:
    """The reader's-language message of a file that cannot be read (einvoice and the lot reader
    speak French only; they give the sentence's msgid and parameters)."""
    return _(error.msgid) % error.params


def _error_message(error: Exception) -> str:
    """An invoice service's refusal as it was raised (a translatable message), not rendered."""
    return error.args[0] if error.args and isinstance(error.args[0], str) else str(error)


def _close(item: DepositItem, outcome: str, message: str, invoice=None) -> None:
    item.outcome = outcome
    item.message = message
    item.invoice = invoice
    item.processed_at = timezone.now()
    item.save()


def _structured(item: DepositItem, result) -> bool:
    return result.format in ("facturx", "cii", "ubl") and not item.errors


def _draft_arguments(item: DepositItem, filled, data: bytes, *, structured: bool) -> dict:
    """What `create_deposited_draft` needs for this file; a structured invoice keeps its own totals
    to compare with the portal's, and the file stays attached under its name (≤ 50 characters,
    extension kept)."""
    return {
        "actor": item.deposit.created_by,
        "structure": item.deposit.structure,
        "data": filled.data,
        "lines": filled.lines,
        "amount_due": filled.amount_due,
        "deposit_mode": DepositMode.STRUCTURED if structured else DepositMode.PDF,
        "original_name": attachment_rules.clean_name(item.file_name)[-50:],
        "original_data": data,
        "original_totals": filled.original_totals if structured else None,
    }


def _make_draft(item: DepositItem, result, data: bytes) -> None:
    deposit = item.deposit
    if result.format in ("cii", "ubl") and item.errors:
        _close(
            item,
            ItemOutcome.REJECTED,
            _(
                "Ce XML ne respecte pas la norme EN 16931 : il ne peut pas être transmis. "
                "Voir le rapport ci-dessous."
            ),
        )
        return
    structured = _structured(item, result)
    filled = prefill(
        result,
        structure=deposit.structure,
        cadre=deposit.cadre,
        validator=deposit.validator,
        structured=structured,
    )
    messages = list(filled.warnings)
    if result.format == "facturx" and not structured:
        messages.insert(
            0,
            _(
                "Les données XML de ce Factur-X ne respectent pas la norme EN 16931 : "
                "la facture sera transmise comme un PDF, complétez-la."
            ),
        )
    if item.read_by_ocr:
        messages.insert(
            0,
            _(
                "Ce PDF est un document numérisé : ses données ont été lues par reconnaissance de "
                "caractères (OCR), vérifiez chacune. Le document numérisé reste l'original de la facture."
            ),
        )
    elif getattr(result, "no_text_layer", False):
        messages.insert(
            0,
            _(
                "Ce PDF ne contient pas de texte (document numérisé ?) : rien n'a pu être lu, "
                "saisissez les données de la facture."
            ),
        )
    messages += filled.blocking
    arguments = _draft_arguments(item, filled, data, structured=structured)
    try:
        with transaction.atomic():
            invoice = invoice_services.create_deposited_draft(**arguments)
    except (SubmissionRefused, IntegrityError):
        # The number is already used by another invoice of the structure: most likely this one
        # (the database refuses it when another worker took the number since the check).
        messages.append(
            _(
                "Le numéro %(number)s est déjà utilisé par une autre facture de votre structure : "
                "ce fichier a peut-être déjà été déposé."
            )
            % {"number": filled.data.get("number")}
        )
        if "number" in filled.recognised:
            filled.recognised.remove("number")
        arguments["data"] = {**filled.data, "number": ""}
        try:
            invoice = invoice_services.create_deposited_draft(**arguments)
        except InvoiceError as error:
            _close(item, ItemOutcome.REJECTED, _error_message(error))
            return
    except InvoiceError as error:
        _close(item, ItemOutcome.REJECTED, _error_message(error))
        return
    item.derived = filled.derived
    item.recognised = filled.recognised
    _close(item, ItemOutcome.DRAFT, translatable.join("\n", messages), invoice)


def _integrate(item: DepositItem, result, data: bytes) -> None:
    """A lot's file is sent only if it is a valid structured invoice that needs nothing more."""
    deposit = item.deposit
    if result.format not in ("facturx", "cii", "ubl"):
        _close(item, ItemOutcome.REJECTED, _("Un lot n'accepte que des factures Factur-X ou XML (UBL, CII)."))
        return
    if item.errors:
        rules = ", ".join(dict.fromkeys(error["rule"] for error in item.errors[:5]))
        _close(
            item, ItemOutcome.REJECTED, _("Non conforme à la norme EN 16931 (%(rules)s).") % {"rules": rules}
        )
        return
    filled = prefill(
        result, structure=deposit.structure, cadre=deposit.cadre, validator=deposit.validator, structured=True
    )
    if filled.blocking:
        _close(item, ItemOutcome.REJECTED, translatable.join(" ", filled.blocking))
        return
    try:
        with transaction.atomic():
            invoice = invoice_services.issue_deposited_invoice(
                **_draft_arguments(item, filled, data, structured=True)
            )
    except SubmissionRefused as refused:
        reasons = [message for messages in refused.errors.values() for message in messages]
        _close(item, ItemOutcome.REJECTED, translatable.join(" ", dict.fromkeys(filled.warnings + reasons)))
        return
    except IntegrityError:
        # Another worker took the number since it was checked: the same invoice twice in the lot.
        _close(
            item,
            ItemOutcome.REJECTED,
            _("Le numéro %(number)s est déjà utilisé par une autre facture de votre structure.")
            % {"number": filled.data.get("number")},
        )
        return
    except InvoiceError as error:
        _close(item, ItemOutcome.REJECTED, _error_message(error))
        return
    _close(item, ItemOutcome.SENT, _("Facture %(number)s déposée.") % {"number": invoice.number}, invoice)


@transaction.atomic
def finish_deposit(*, deposit_id: int) -> Deposit | None:
    """Once every file is read, the deposit takes its final state (domain §4.2)."""
    deposit = Deposit.objects.select_for_update(of=("self",)).filter(pk=deposit_id).first()
    if deposit is None or workflow.is_finished(deposit.status):
        return deposit
    # Asked again under the lock (after a file of a lot, the question was asked without it).
    if deposit.items.filter(outcome=ItemOutcome.PENDING).exists():
        return deposit
    outcomes = list(deposit.items.values_list("outcome", flat=True))
    if not outcomes:
        return deposit
    done = sum(outcome in (ItemOutcome.SENT, ItemOutcome.DRAFT) for outcome in outcomes)
    if done == len(outcomes):
        _set_status(deposit, "integrate")
    elif done:
        _set_status(
            deposit,
            "integrate_partially",
            _("%(done)d sur %(total)d") % {"done": done, "total": len(outcomes)},
        )
    else:
        if deposit.kind == DepositKind.UNIT:
            deposit.error = deposit.items.get().message
        else:
            deposit.error = _("Aucune facture du lot n'a pu être intégrée.")
        deposit.save(update_fields=["error"])
        _set_status(deposit, "reject", deposit.error)
    return deposit


# --- Follow-up ------------------------------------------------------------------------------------


def is_stuck(deposit: Deposit, now=None) -> bool:
    """Received or in processing for too long: its worker was lost."""
    if not workflow.can("retry", deposit.status):
        return False
    since = (
        deposit.processing_started_at if workflow.is_processing(deposit.status) else deposit.status_changed_at
    )
    return (now or timezone.now()) - (since or deposit.created_at) > STUCK_AFTER


@transaction.atomic
def retry_deposit(*, actor, structure, deposit_id: int) -> Deposit:
    """Relancer: a deposit dropped by its worker is processed again (what was done stays done)."""
    if not structure_permissions.can_issue(actor, structure):
        raise DepositError(_("Vous n'avez pas le droit de déposer des factures pour cette structure."))
    deposit = (
        Deposit.objects.select_for_update(of=("self",)).filter(pk=deposit_id, structure=structure).first()
    )
    if deposit is None:
        raise DepositError(_("Dépôt introuvable."))
    if not is_stuck(deposit):
        raise DepositError(_("Ce dépôt n'est pas bloqué : il n'y a rien à relancer."))
    _set_status(deposit, "retry", _("Relancé par %(user)s") % {"user": actor})
    _queue(deposit.pk)
    return deposit


def requeue_stuck_deposits() -> int:
    """Beat: deposits whose worker was lost are queued again without waiting for a user, until
    `MAX_ATTEMPTS` processings; then given up."""
    stuck = [deposit.pk for deposit in Deposit.objects.filter(status__in=workflow.OPEN) if is_stuck(deposit)]
    for deposit_id in stuck:
        with transaction.atomic():
            deposit = Deposit.objects.select_for_update(of=("self",)).get(pk=deposit_id)
            if not is_stuck(deposit):
                continue
            if not workflow.is_processing(deposit.status):
                # Its task was never taken: this round counts as well (a started one counted itself).
                deposit.attempts += 1
                deposit.save(update_fields=["attempts"])
            if deposit.attempts >= workflow.MAX_ATTEMPTS:
                _give_up(deposit)
            else:
                _set_status(deposit, "retry", _("Relancé automatiquement"))
                _queue(deposit.pk)
    return len(stuck)


def fail_deposit(*, deposit_id: int) -> Deposit | None:
    """An unforeseen error stopped the processing (logged with its traceback by the task): the
    deposit is processed again at once, or given up once it has been started `MAX_ATTEMPTS` times."""
    with transaction.atomic():
        deposit = Deposit.objects.select_for_update(of=("self",)).filter(pk=deposit_id).first()
        if deposit is None or workflow.is_finished(deposit.status):
            return deposit
        if deposit.attempts >= workflow.MAX_ATTEMPTS:
            _give_up(deposit)
        else:
            _set_status(deposit, "retry", _("Erreur technique : nouveau traitement"))
            _queue(deposit.pk)
    return deposit


def fail_deposit_item(*, item_id: int) -> None:
    """A file of a lot failed on an unforeseen error: its deposit is processed again (what was done
    stays done), within the same cap."""
    deposit_id = DepositItem.objects.filter(pk=item_id).values_list("deposit_id", flat=True).first()
    if deposit_id is not None:
        fail_deposit(deposit_id=deposit_id)


def _give_up(deposit: Deposit) -> None:
    """Final state « erreur technique »: the files not read yet are reported with the reason, and
    the operators alerted, since only they can tell what broke."""
    message = _(
        "Erreur technique : ce dépôt n'a pas pu être traité après %(count)d tentatives. "
        "L'équipe technique est prévenue ; vous pouvez déposer le fichier de nouveau."
    ) % {"count": deposit.attempts}
    deposit.items.filter(outcome=ItemOutcome.PENDING).update(
        outcome=ItemOutcome.REJECTED, message=message, processed_at=timezone.now()
    )
    deposit.error = message
    deposit.save(update_fields=["error"])
    _set_status(deposit, "fail", message)
    logger.error("Deposit %s given up after %d attempts", deposit.number, deposit.attempts)
    subject = f"Dépôt {deposit.number} en erreur technique"
    body = (
        f"Le dépôt {deposit.number} (structure {deposit.structure_id}, fichier « {deposit.file_name} ») "
        f"a échoué {deposit.attempts} fois : voir les journaux du worker."
    )
    transaction.on_commit(lambda: mail_admins(subject, body, fail_silently=True))
