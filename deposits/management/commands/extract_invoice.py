"""`manage.py extract_invoice [--json] FILE [FILE ...]`: what the portal reads in invoice files,
without writing anything."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand

from einvoice.extraction import ExtractionError, extract

# The fields the JSON always names (null when not found).
FIELDS = (
    "invoice_number",
    "issue_date",
    "document_type",
    "currency",
    "supplier_identifier",
    "supplier_vat_number",
    "recipient_identifier",
    "service_code",
    "engagement_number",
    "total_ht",
    "total_vat",
    "total_ttc",
    "amount_due",
    "iban",
)


class Command(BaseCommand):
    help = (
        "Lit des factures (PDF, Factur-X, CII, UBL) et affiche ce qui y est reconnu, sans rien enregistrer."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--json", action="store_true", help="une ligne JSON par fichier")

    def handle(self, *args, **options):
        failed = False
        for name in options["files"]:
            document = self._read(Path(name))
            failed |= not document["ok"]
            if options["json"]:
                self.stdout.write(json.dumps(document, ensure_ascii=False))
            else:
                self._summary(document)
        if failed:
            raise SystemExit(1)

    def _read(self, path: Path) -> dict:
        document = {
            "file": str(path),
            "ok": False,
            "error": None,
            "format": None,
            "profile": None,
            "fields": {},
        }
        document.update(lines=[], validation={"errors": [], "warnings": []})
        try:
            result = extract(path.read_bytes(), path.name)
        except OSError as error:
            document["error"] = f"Fichier illisible : {error.strerror or error}"
            return document
        except ExtractionError as error:
            document["error"] = error.message
            return document
        data = result.to_json()
        document.update(ok=True, format=data["format"], profile=data["profile"], lines=data["lines"])
        document["validation"] = data["validation"]
        document["fields"] = {name: data["fields"].get(name) for name in FIELDS} | {
            name: value for name, value in data["fields"].items() if name not in FIELDS
        }
        if result.no_text_layer:
            document["no_text_layer"] = True
        return document

    def _summary(self, document: dict) -> None:
        write = self.stdout.write
        write(self.style.MIGRATE_HEADING(document["file"]))
        if not document["ok"]:
            write(self.style.ERROR(f"  Refusé : {document['error']}"))
            return
        write(
            f"  Format : {document['format']}"
            + (f" (profil {document['profile']})" if document["profile"] else "")
        )
        for name, value in document["fields"].items():
            if value not in (None, ""):
                write(f"  {name} : {value}")
        write(f"  Lignes : {len(document['lines'])}")
        for kind, label, style in (
            ("errors", "Erreur", self.style.ERROR),
            ("warnings", "Avertissement", self.style.WARNING),
        ):
            for finding in document["validation"][kind]:
                write(style(f"  {label} {finding['rule']} : {finding['message']}"))
