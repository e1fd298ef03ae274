"""Reading a lot (.zip or .tar.gz of invoice files) without trusting it: sizes and ratios are
checked while decompressing, names never reach the file system, nested archives and links are
refused. Pure functions: no Django."""

import io
import posixpath
import tarfile
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field

MAX_LOT_SIZE = 30 * 1024 * 1024  # the compressed file (Chorus Pro's limit for a lot)
MAX_MEMBER_SIZE = 10 * 1024 * 1024  # one invoice file
MAX_TOTAL_SIZE = 300 * 1024 * 1024  # everything once decompressed
MAX_RATIO = 100  # decompressed / compressed, for the whole lot
MAX_MEMBERS = 2000
# tarfile reads a long-name (GNU) or PAX header's data whole, before any size is checked: a few
# bytes declaring gigabytes took a worker past 7 GB. A real long name or PAX record is far smaller.
MAX_TAR_HEADER_SIZE = 4096
TAR_EXTENSION_TYPES = (
    tarfile.GNUTYPE_LONGNAME,
    tarfile.GNUTYPE_LONGLINK,
    tarfile.XHDTYPE,
    tarfile.XGLTYPE,
    tarfile.SOLARIS_XHDTYPE,
)
ACCEPTED_EXTENSIONS = (".pdf", ".xml")
ARCHIVE_EXTENSIONS = (".zip", ".tar.gz", ".tgz", ".tar", ".gz", ".7z", ".rar")
# Bidirectional controls make a name display as another one in the report (« fdp.xml » for
# « lmx.pdf » reversed).
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# What a damaged member raises while it is inflated or read.
READ_ERRORS = (
    zipfile.BadZipFile,
    tarfile.TarError,
    zlib.error,
    OSError,
    EOFError,
    ValueError,
    NotImplementedError,
)


class LotError(Exception):
    """The whole lot is refused; `message` is for the user (French); `msgid` and `params` let the
    portal show it in the reader's language (as `einvoice.result.ExtractionError`)."""

    def __init__(self, code: str, msgid: str, params: dict | None = None):
        self.code = code
        self.msgid = msgid
        self.params = params or {}
        self.message = msgid % self.params if params else msgid
        super().__init__(self.message)


@dataclass
class Member:
    name: str
    data: bytes | None  # None when the member is refused
    problem: str = ""  # French msgid, filled with `params`
    params: dict = field(default_factory=dict)


def lot_kind(data: bytes) -> str | None:
    """ "zip" or "tar.gz" by content, whatever the name says."""
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if data.startswith(b"\x1f\x8b"):
        return "tar.gz"
    return None


def _is_control(char: str) -> bool:
    return unicodedata.category(char) == "Cc" or char in BIDI_CONTROLS


def _check_name(name: str) -> str:
    """The member's path, normalised; a path that climbs out or is absolute, or a name with control
    characters (NUL, bidirectional controls) that no user types, refuses the lot."""
    shown = "".join("?" if _is_control(char) else char for char in name)
    if shown != name:
        raise LotError(
            "control_characters",
            "Le lot contient un nom de fichier avec des caractères de contrôle : « %(name)s ». "
            "Il est refusé.",
            {"name": shown[:100]},
        )
    name = name.replace("\\", "/")
    normalised = posixpath.normpath(name)
    if (
        name.startswith("/")
        or normalised.startswith("../")
        or normalised == ".."
        or ":" in name.split("/")[0]
    ):
        raise LotError(
            "path_traversal",
            "Le lot contient un chemin interdit : « %(name)s ». Il est refusé.",
            {"name": name},
        )
    return normalised


def _member_problem(name: str) -> str:
    lowered = name.lower()
    if lowered.endswith(ARCHIVE_EXTENSIONS):
        return "Archive imbriquée : un lot ne peut contenir que des fichiers PDF (Factur-X) ou XML."
    if not lowered.endswith(ACCEPTED_EXTENSIONS):
        return "Format non accepté dans un lot : seuls les fichiers PDF (Factur-X) et XML le sont."
    return ""


class _Budget:
    """Counts decompressed bytes against the lot's limits."""

    def __init__(self, compressed_size: int):
        self.total = 0
        self.declared = 0
        self.limit = min(MAX_TOTAL_SIZE, max(compressed_size, 1) * MAX_RATIO)

    def declare(self, size: int) -> None:
        """The sizes the archive announces are counted before anything is decompressed: a bomb is
        refused without inflating it."""
        self.declared += size
        if self.declared > self.limit:
            self._refuse()

    def _refuse(self):
        raise LotError(
            "too_large_uncompressed",
            "Une fois décompressé, le lot dépasse la taille admise (archive anormalement compressée) : "
            "il est refusé.",
        )

    def read(self, handle) -> bytes | None:
        data = handle.read(MAX_MEMBER_SIZE + 1)
        if len(data) > MAX_MEMBER_SIZE:
            return None
        self.total += len(data)
        if self.total > self.limit:
            self._refuse()
        return data


def read_lot(data: bytes) -> list[Member]:
    """Every file of the lot, in archive order, with the reason of any member refused."""
    if not data:
        raise LotError("empty", "Le fichier est vide.")
    if len(data) > MAX_LOT_SIZE:
        raise LotError("too_large", "Un lot ne peut pas dépasser 30 Mo.")
    kind = lot_kind(data)
    if kind == "zip":
        members = _read_zip(data)
    elif kind == "tar.gz":
        members = _read_tar(data)
    else:
        raise LotError("not_an_archive", "Ce fichier n'est pas une archive .zip ou .tar.gz.")
    if not members:
        raise LotError("empty_archive", "L'archive ne contient aucun fichier.")
    return members


def _read_zip(data: bytes) -> list[Member]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = [info for info in archive.infolist() if not info.is_dir()]
    except READ_ERRORS as error:
        raise LotError(
            "corrupt_archive", "L'archive .zip est illisible (%(error)s).", {"error": str(error)}
        ) from error
    if len(infos) > MAX_MEMBERS:
        raise LotError(
            "too_many_members",
            "Un lot ne peut pas contenir plus de %(count)d fichiers.",
            {"count": MAX_MEMBERS},
        )
    budget = _Budget(len(data))
    for info in infos:
        budget.declare(info.file_size)
    members = []
    for info in infos:
        name = _check_name(info.filename)
        problem = _member_problem(name)
        if problem:
            members.append(Member(name, None, problem))
            continue
        if info.flag_bits & 0x1:
            members.append(Member(name, None, "Fichier chiffré dans l'archive : il ne peut pas être lu."))
            continue
        try:
            with archive.open(info) as handle:
                content = budget.read(handle)
        except READ_ERRORS as error:
            members.append(
                Member(name, None, "Fichier illisible dans l'archive (%(error)s).", {"error": str(error)})
            )
            continue
        if content is None:
            members.append(Member(name, None, "Le fichier dépasse 10 Mo une fois décompressé."))
            continue
        members.append(Member(name, content))
    return members


class _BoundedTarInfo(tarfile.TarInfo):
    """A tar header whose extension data (long name, PAX records) is refused over a small size
    before tarfile reads it."""

    def _proc_member(self, tarfile_):
        if self.type in TAR_EXTENSION_TYPES and self.size > MAX_TAR_HEADER_SIZE:
            raise LotError(
                "tar_header_too_large",
                "L'archive contient un en-tête de %(size)d octets (au plus %(max)d) : "
                "elle est anormale et refusée.",
                {"size": self.size, "max": MAX_TAR_HEADER_SIZE},
            )
        return super()._proc_member(tarfile_)


def _read_tar(data: bytes) -> list[Member]:
    members = []
    budget = _Budget(len(data))
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz", tarinfo=_BoundedTarInfo) as archive:
            count = 0
            for info in archive:
                if info.isdir():
                    continue
                count += 1
                if count > MAX_MEMBERS:
                    raise LotError(
                        "too_many_members",
                        "Un lot ne peut pas contenir plus de %(count)d fichiers.",
                        {"count": MAX_MEMBERS},
                    )
                name = _check_name(info.name)
                # Checked before tarfile skips (and so inflates) this member's data.
                budget.declare(info.size)
                if not info.isfile():
                    members.append(Member(name, None, "Lien ou fichier spécial : refusé dans un lot."))
                    continue
                problem = _member_problem(name)
                if problem:
                    members.append(Member(name, None, problem))
                    continue
                handle = archive.extractfile(info)
                content = budget.read(handle) if handle is not None else None
                if content is None:
                    members.append(Member(name, None, "Le fichier dépasse 10 Mo une fois décompressé."))
                    continue
                members.append(Member(name, content))
    except LotError:
        raise
    except READ_ERRORS as error:
        raise LotError(
            "corrupt_archive", "L'archive .tar.gz est illisible (%(error)s).", {"error": str(error)}
        ) from error
    return members
