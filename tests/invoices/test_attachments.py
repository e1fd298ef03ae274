"""Attachment rules of domain §4.3, on real file contents."""

import io
import zipfile

import pytest

from invoices.attachments import attachment_problem, clean_name

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF"


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("facture.pdf", PDF),
        ("photo.JPG", b"\xff\xd8\xff\xe0\x00\x10JFIF"),
        ("plan.png", b"\x89PNG\r\n\x1a\n\x00\x00"),
        ("releve.csv", b"date;montant\n01/02/2026;1 245,30\n"),
        ("notes.txt", "Bon de livraison n° 12 – reçu".encode("latin-1", "replace")),
        ("rapport.docx", _docx()),
        ("flux.xml", b"\xef\xbb\xbf<?xml version='1.0'?><a/>"),
        ("signature.p7s", b"\x30\x82\x05\x00"),
    ],
)
def test_accepted_files(name, data):
    assert attachment_problem(name, data) is None


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("sans-extension", PDF, "Le nom du fichier doit comporter une extension (par exemple .pdf)."),
        (
            "x" * 47 + ".pdf",
            PDF,
            "Le nom du fichier dépasse 50 caractères, extension comprise ; renommez-le.",
        ),
        ("programme.exe", b"MZ\x90\x00", "Les fichiers .exe ne sont pas acceptés en pièce jointe."),
        ("vide.pdf", b"", "Le fichier est vide."),
        ("faux.pdf", b"MZ\x90\x00", "Le contenu du fichier ne correspond pas à son extension .pdf."),
        ("faux.docx", PDF, "Le contenu du fichier ne correspond pas à son extension .docx."),
        ("binaire.txt", b"abc\x00\x01def", "Le contenu du fichier ne correspond pas à son extension .txt."),
        ("gros.pdf", PDF + b"0" * (10 * 1024 * 1024), "Le fichier dépasse 10 Mo."),
    ],
)
def test_refused_files(name, data, problem):
    assert attachment_problem(name, data) == problem


def test_a_path_sent_by_the_browser_keeps_only_the_name():
    assert clean_name("C:\\Users\\moi\\Documents\\bon.pdf") == "bon.pdf"
    assert clean_name("../../etc/passwd") == "passwd"
