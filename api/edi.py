"""EDI: files dropped in a raccordement EDI's inbound folder are deposited exactly as deposer/flux
deposits them (same numbering, same worker, same report); the report and the status changes of
the structure's invoices are written to its outbound folder: each change that has a reform status
as its CDAR lifecycle message (the one the invoice page offers), the Chorus statuses the reform
has no code for (drafts, validation, the payment chain's internal steps) as a JSON line. Run by a
beat task every minute; safe to run twice at once: a file is claimed by renaming it before it is
read."""

import json
import logging
from pathlib import Path

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from api.enums import ConnectionStatus, FluxSyntax
from api.models import ApiFlux, EdiConnection
from deposits import workflow as deposit_workflow
from deposits.exceptions import DepositError
from invoices import cdar
from invoices import workflow as invoice_workflow
from invoices.models import InvoiceStatusChange

logger = logging.getLogger(__name__)

INBOUND, OUTBOUND, CLAIMED = "entrant", "sortant", ".en-cours"
# Beside the folders, out of every SFTP login's reach: `<login>.pub` (the login's key) and
# `<login>.dossier` (its folder), read by the sftp service (deploy/sftp/).
LOGINS = ".comptes-sftp"
STATUS_LINES = "statuts.jsonl"


def folders(connection: EdiConnection) -> tuple[Path, Path]:
    root = Path(settings.API_EDI_ROOT) / str(connection.folder)
    return root / INBOUND, root / OUTBOUND


def create_folders(connection: EdiConnection) -> None:
    for folder in folders(connection):
        folder.mkdir(parents=True, exist_ok=True)
    if connection.ssh_public_key:
        logins = Path(settings.API_EDI_ROOT) / LOGINS
        logins.mkdir(exist_ok=True)
        _write(logins, f"{connection.sftp_login}.pub", connection.ssh_public_key + "\n")
        _write(logins, f"{connection.sftp_login}.dossier", f"{connection.folder}\n")


def syntax_of(name: str, data: bytes) -> str:
    """What deposer/flux would be told: a PDF is a Factur-X, an XML a CII or a UBL by its root."""
    if data.startswith(b"%PDF-") or name.lower().endswith((".zip", ".tar.gz", ".tgz")):
        return FluxSyntax.FACTURX
    head = data[:2048]
    return FluxSyntax.UBL if b"urn:oasis:names:specification:ubl" in head else FluxSyntax.CII


def _write_bytes(folder: Path, name: str, content: bytes) -> None:
    """Written under a temporary name, then renamed: an SFTP client never reads half a file."""
    partial = folder / f".{name}.part"
    partial.write_bytes(content)
    partial.rename(folder / name)


def _write(folder: Path, name: str, content: str) -> None:
    _write_bytes(folder, name, content.encode())


def _deposit_inbound(connection: EdiConnection) -> int:
    from api import services

    inbound, outbound = folders(connection)
    claimed = inbound / CLAIMED
    claimed.mkdir(exist_ok=True)
    count = 0
    for path in sorted(p for p in inbound.iterdir() if p.is_file() and not p.name.startswith(".")):
        target = claimed / path.name
        try:
            path.rename(target)
        except FileNotFoundError:
            continue  # taken by another scan
        data = target.read_bytes()
        try:
            flux = services.deposit_flux(
                account=connection.account, syntax=syntax_of(path.name, data), name=path.name, data=data
            )
        except DepositError as error:
            refusal = {"nomFichier": path.name, "codeRetour": 20001, "libelle": str(error)}
            _write(outbound, f"{path.name}.refus.json", json.dumps(refusal, ensure_ascii=False))
        else:
            ApiFlux.objects.filter(pk=flux.pk).update(edi_connection=connection)
        target.unlink()
        count += 1
    return count


def _write_reports(connection: EdiConnection) -> None:
    from api.operations.transverses import detailed_report

    _inbound, outbound = folders(connection)
    pending = connection.fluxes.filter(report_written_at=None).select_related("deposit")
    for flux in pending:
        if not deposit_workflow.is_finished(flux.deposit.status):
            continue
        report = detailed_report(flux.deposit)
        _write(
            outbound, f"{report['numeroFluxDepot']}_CR.json", json.dumps(report, ensure_ascii=False, indent=2)
        )
        ApiFlux.objects.filter(pk=flux.pk).update(report_written_at=timezone.now())


def _status_line(change) -> str:
    return (
        json.dumps(
            {
                "idFacture": change.invoice_id,
                "numeroFacture": change.invoice.number,
                "statutPrecedent": change.from_status,
                "statut": change.to_status,
                "dateHeure": timezone.localtime(change.created_at).isoformat(timespec="milliseconds"),
                "motif": change.reason,
            },
            ensure_ascii=False,
            cls=DjangoJSONEncoder,
        )
        + "\n"
    )


def _write_status_changes(connection: EdiConnection) -> None:
    """The status changes of the invoices the structure issued or received, in order: a CDAR
    message each, or a JSON line when the reform has no status for it."""
    structure = connection.structure_id
    with transaction.atomic():
        locked = EdiConnection.objects.select_for_update().get(pk=connection.pk)
        changes = list(
            InvoiceStatusChange.objects.filter(pk__gt=locked.last_status_change_id)
            # A recipient hears of an invoice once it is made available, as its screens show it.
            .filter(
                Q(invoice__supplier_id=structure)
                | Q(invoice__recipient_id=structure, to_status__in=invoice_workflow.VISIBLE_TO_RECIPIENT)
            )
            .select_related("invoice__supplier", "invoice__recipient")
            .order_by("pk")[:5000]
        )
        if not changes:
            return
        _inbound, outbound = folders(locked)
        lines = []
        for change in changes:
            if cdar.has_message(change) and change.invoice.recipient_id:
                content = cdar.message(change.invoice, change)
                _write_bytes(outbound, cdar.file_name(change.invoice, change), content)
            else:
                lines.append(_status_line(change))
        if lines:
            with (outbound / STATUS_LINES).open("a", encoding="utf-8") as handle:
                handle.write("".join(lines))
        locked.last_status_change_id = changes[-1].pk
        locked.save(update_fields=["last_status_change_id"])


def scan_edi_folders() -> int:
    """Every active raccordement EDI: inbound files deposited, reports and status lines written."""
    deposited = 0
    for connection in EdiConnection.objects.filter(status=ConnectionStatus.ACTIVE).select_related(
        "account__structure", "account__user"
    ):
        create_folders(connection)
        if connection.account.is_usable:
            deposited += _deposit_inbound(connection)
        _write_reports(connection)
        _write_status_changes(connection)
    return deposited
