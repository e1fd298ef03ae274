"""The portal judges with the official artefacts, and agrees with the CEN standard's own unit
tests: each test case of cen-en16931/test/ names a rule and says whether it must fire."""

from pathlib import Path

import pytest
from lxml import etree

from einvoice import structured, validation
from tests.einvoice.conftest import CORPUS

VEFA = "{http://difi.no/xsd/vefa/validator/1.0}"
UNIT_FOLDERS = ("Invoice-unit-UBL", "CreditNote-unit-UBL", "cii")


def test_the_vendored_artefacts_are_the_official_files_unchanged(standards):
    vendored = [path for path in Path(validation.STANDARDS).rglob("*") if path.is_file()]
    assert len(vendored) > 20
    for path in vendored:
        relative = path.relative_to(validation.STANDARDS)
        assert path.read_bytes() == (standards / relative).read_bytes(), relative


def _unit_cases():
    """(id, document, expectations) of every <test> of every CEN unit test file."""
    cases = []
    for folder in UNIT_FOLDERS:
        for path in sorted((CORPUS / "cen-en16931" / "test" / folder).glob("*.xml")):
            tree = etree.parse(str(path))  # noqa: S320 -- the standard's own files
            for number, test in enumerate(tree.getroot().iter(f"{VEFA}test"), 1):
                expected = [
                    (etree.QName(element).localname, element.text.strip())
                    for element in test.find(f"{VEFA}assert")
                    if etree.QName(element).localname in ("success", "error", "warning")
                ]
                document = next(child for child in test if etree.QName(child).localname != "assert")
                cases.append(
                    pytest.param(etree.tostring(document), expected, id=f"{folder}/{path.stem}#{number}")
                )
    return cases


UNIT_CASES = _unit_cases() if CORPUS.is_dir() else []


def test_every_cen_unit_test_file_is_collected(corpus):
    files = sum(
        len(list((corpus / "cen-en16931" / "test" / folder).glob("*.xml"))) for folder in UNIT_FOLDERS
    )
    assert files > 250 and len(UNIT_CASES) > 1000


@pytest.mark.parametrize(("document", "expected"), UNIT_CASES)
def test_cen_unit_test_case_gives_the_outcome_it_states(corpus, document, expected):
    # The cases are fragments (no schema would accept them): only the business rules are tested,
    # as the standard's own test runner does. They carry no BT-24 either: judged by CEN.
    root = etree.fromstring(document)  # noqa: S320 -- the standard's own files
    report, profile = validation.validate(
        root, structured.syntax_of(root), layers={"rules": validation.FATAL}
    )
    assert profile == "EN16931"
    errors = {finding.rule for finding in report.errors}
    warnings = {finding.rule for finding in report.warnings}
    assert "VALIDATOR" not in errors
    for outcome, rule in expected:
        if outcome == "success":
            assert rule not in errors | warnings, f"{rule} must pass"
        elif outcome == "error":
            assert rule in errors, f"{rule} must fail: {sorted(errors)}"
        else:
            assert rule in warnings, f"{rule} must warn: {sorted(warnings)}"
