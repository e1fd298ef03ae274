"""Lots are read without trusting them: bombs, path traversal, nested archives, links."""

import os

import pytest

from deposits import archives
from deposits.archives import LotError, read_lot
from tests.deposits.conftest import tar_gz_of, zip_of

XML = b"<?xml version='1.0'?><rsm:CrossIndustryInvoice xmlns:rsm='urn:x'/>"


@pytest.mark.parametrize("build", [zip_of, tar_gz_of])
def test_members_are_read_in_order_with_refused_ones_explained(build):
    members = read_lot(
        build({"a/facture-1.xml": XML, "facture-2.pdf": b"%PDF-1.7", "notes.txt": b"x", "inner.zip": b"PK"})
    )
    assert [(m.name, m.data is not None) for m in members] == [
        ("a/facture-1.xml", True),
        ("facture-2.pdf", True),
        ("notes.txt", False),
        ("inner.zip", False),
    ]
    assert (
        members[2].problem
        == "Format non accepté dans un lot : seuls les fichiers PDF (Factur-X) et XML le sont."
    )
    assert members[3].problem.startswith("Archive imbriquée")


@pytest.mark.parametrize(
    "name", ["../../etc/cron.d/x.xml", "/etc/passwd.xml", "a/../../b.xml", "C:/windows/x.xml"]
)
@pytest.mark.parametrize("build", [zip_of, tar_gz_of])
def test_path_traversal_refuses_the_lot(build, name):
    with pytest.raises(LotError) as refused:
        read_lot(build({name: XML}))
    assert refused.value.code == "path_traversal"


def test_zip_bomb_is_refused_before_inflating():
    bomb = zip_of({f"f{n}.xml": b"0" * (9 * 1024 * 1024) for n in range(40)})
    assert len(bomb) < 2 * 1024 * 1024
    with pytest.raises(LotError) as refused:
        read_lot(bomb)
    assert refused.value.code == "too_large_uncompressed"


def test_tar_bomb_is_refused_before_inflating():
    bomb = tar_gz_of({f"f{n}.xml": b"0" * (9 * 1024 * 1024) for n in range(40)})
    with pytest.raises(LotError) as refused:
        read_lot(bomb)
    assert refused.value.code == "too_large_uncompressed"


def test_member_too_big_is_reported():
    lot = zip_of({"huge.xml": b"<" + os.urandom(11 * 1024 * 1024), "ok.xml": XML})
    huge, ok = read_lot(lot)
    assert huge.data is None and "10 Mo" in huge.problem and ok.data == XML


def test_links_in_tar_are_refused():
    members = read_lot(tar_gz_of({"ok.xml": XML}, links=[("lien.xml", "/etc/passwd")]))
    assert [(m.name, m.problem) for m in members] == [
        ("ok.xml", ""),
        ("lien.xml", "Lien ou fichier spécial : refusé dans un lot."),
    ]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (zip_of({}), "empty_archive"),
        (zip_of({"dossier/": b""}), "empty_archive"),
        (b"PK\x03\x04 truncated", "corrupt_archive"),
        (tar_gz_of({"a.xml": XML})[:40], "corrupt_archive"),
        (b"%PDF-1.7 not an archive", "not_an_archive"),
    ],
    ids=["empty-file", "empty-zip", "only-folders", "truncated-zip", "truncated-tar", "pdf"],
)
def test_broken_lots(data, code):
    with pytest.raises(LotError) as refused:
        read_lot(data)
    assert refused.value.code == code


def test_too_many_members(monkeypatch):
    monkeypatch.setattr(archives, "MAX_MEMBERS", 3)
    with pytest.raises(LotError) as refused:
        read_lot(zip_of({f"{n}.xml": XML for n in range(4)}))
    assert refused.value.code == "too_many_members"
