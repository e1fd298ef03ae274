import pytest

from tests.conftest import require_or_skip, shared_folder

CORPUS = shared_folder("corpus", "xml-rechnung")
STANDARDS = shared_folder("standards", "cen-en16931")


@pytest.fixture(scope="session")
def corpus():
    require_or_skip(CORPUS.is_dir(), f"needs the sample invoices of ../shared/corpus ({CORPUS})")
    return CORPUS


@pytest.fixture(scope="session")
def standards():
    require_or_skip(STANDARDS.is_dir(), f"needs the official artefacts of ../shared/standards ({STANDARDS})")
    return STANDARDS
