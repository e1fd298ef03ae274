"""Writing a Factur-X: the CII XML attached to the PDF/A-3 of the invoice."""

import facturx


def embed_cii(pdf: bytes, xml: bytes, *, metadata: dict) -> bytes:
    """The PDF/A-3b with its EN 16931 CII XML attached as factur-x.xml (Factur-X EN16931 level);
    the XML is checked against the XSD on the way."""
    return facturx.generate_from_binary(
        pdf, xml, flavor="factur-x", level="en16931", check_xsd=True, pdf_metadata=metadata, lang="fr-FR"
    )
