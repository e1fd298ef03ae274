"""What the extraction returns, and how it says no."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal


class ExtractionError(Exception):
    """The file cannot be read as an invoice. `code` is stable, `message` is for the user (French);
    `msgid` and `params` let the portal show it in the reader's language."""

    def __init__(self, code: str, msgid: str, params: dict | None = None):
        self.code = code
        self.msgid = msgid
        self.params = params or {}
        self.message = msgid % self.params if params else msgid
        super().__init__(self.message)


@dataclass(frozen=True)
class Finding:
    rule: str  # the id the official validator reports (BR-CO-10, BR-FR-12…) or the portal's own
    message: str  # plain French, for the user
    layer: str  # XML, XSD, EN16931, FACTURX, BR-FR, VALIDATOR, PDF, PORTAIL
    text: str = ""  # the validator's own wording, shown beside the explanation


@dataclass
class ValidationReport:
    errors: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors


def _json(value):
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json(item) for item in value]
    return value


def _finding(finding: Finding) -> dict:
    return {"rule": finding.rule, "message": finding.message, "text": finding.text}


@dataclass
class ExtractionResult:
    format: str  # "pdf", "facturx", "cii" or "ubl"
    profile: str | None = None
    flavor: str | None = None
    fields: dict = field(default_factory=dict)
    lines: list = field(default_factory=list)
    vat_summary: list = field(default_factory=list)
    # PDF only: for each field, the text it was read from.
    sources: dict = field(default_factory=dict)
    # PDF only: how sure each field read is, and what was read but left for the user to check.
    confidence: dict = field(default_factory=dict)
    to_check: dict = field(default_factory=dict)
    ocr: bool = False  # the fields were read by OCR from a scan
    recipient_hint: dict = field(default_factory=dict)  # {"name", "postcode"} when no identifier
    validation: ValidationReport = field(default_factory=ValidationReport)
    text_layer_pages: int = 0
    no_text_layer: bool = False

    def to_json(self) -> dict:
        return {
            "format": self.format,
            "profile": self.profile,
            "fields": _json({key: value for key, value in self.fields.items() if value not in (None, "")}),
            "lines": _json(self.lines),
            "vat_summary": _json(self.vat_summary),
            "validation": {
                "errors": [_finding(finding) for finding in self.validation.errors],
                "warnings": [_finding(finding) for finding in self.validation.warnings],
            },
        }
