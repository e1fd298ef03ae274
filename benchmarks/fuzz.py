"""Seeded mutational fuzzer of the readers the portal exposes: `python -m benchmarks.fuzz
--mutants N --seed S` (make fuzz). tests/test_fuzz.py runs it with a small budget.

Every mutant is a corpus file (../shared/corpus) changed by one mutator, byte-level or aware of
the file's structure (XML, PDF, zip, tar.gz), and given to one target:
- `extract`: einvoice.extraction.extract (PDF, Factur-X, CII, UBL);
- `read_lot`: deposits.archives.read_lot (lots);
- `attachment`: invoices.attachments.attachment_problem (attachments).
Oracle: the target returns, or raises its package's own error (ExtractionError, LotError);
anything else is a crash, a call over 10 s a hang. Calls run in a child process, so that a hang
in C code can be killed and a segfault is seen; each crash is saved in var/fuzz-crashes/ with
the seed, target and mutator that made it. Same seed, same mutants.
"""

import argparse
import collections
import gzip
import importlib
import io
import multiprocessing
import os
import random
import re
import sys
import tarfile
import time
import traceback
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("CHORUS_CORPUS") or ROOT.parent / "shared" / "corpus")
CRASHES = ROOT / "var" / "fuzz-crashes"
TIME_LIMIT = 10.0
START_LIMIT = 120.0
# Large seeds make slow mutants without finding more: the corpus has enough small ones.
MAX_SEED_SIZE = 1 << 20

INTERESTING_BYTES = (b"\x00", b"\xff", b"\x7f", b"\x80", b"\xfe\xff", b"\xff\xfe\x00\x00", b"%", b"<", b"&")
INTERESTING_TEXTS = (
    "1E+400",
    "-1E+400",
    "NaN",
    "Infinity",
    "-0",
    "9" * 40,
    "0." + "0" * 39 + "1",
    "",
    " ",
    "\u202e",
    "\x00",
    "2026-02-30",
    "99999999",
    "é" * 5000,
    "&amp;" * 100,
)
BAD_NAMES = (
    "a\x00b.pdf",
    "\u202efdp.exe",
    "../../etc/passwd",
    "/absolu.pdf",
    "dossier/../../x.xml",
    "a" * 300 + ".pdf",
    "é" * 120 + ".xml",
    "CON.pdf",
    "",
    ".",
    "nom\r\n.pdf",
    "..\\windows.pdf",
)
ATTACHMENT_EXTENSIONS = ("pdf", "xml", "zip", "csv", "txt", "jpg", "png", "tif", "docx", "xlsx", "odt", "p7s")


@dataclass
class Case:
    index: int
    target: str
    mutator: str
    seed_name: str
    name: str
    data: bytes


# Byte-level mutators: any file.


def bit_flip(rng, data):
    data = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if data:
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    return bytes(data)


def byte_insert(rng, data):
    at = rng.randint(0, len(data))
    return data[:at] + rng.randbytes(rng.randint(1, 64)) + data[at:]


def byte_delete(rng, data):
    at = rng.randint(0, len(data))
    return data[:at] + data[at + rng.randint(1, 256) :]


def truncate(rng, data):
    return data[: rng.randint(0, len(data))]


def chunk_duplicate(rng, data):
    start = rng.randint(0, len(data))
    chunk = data[start : start + rng.randint(1, 4096)]
    at = rng.randint(0, len(data))
    return data[:at] + chunk * rng.randint(1, 16) + data[at:]


def interesting_value(rng, data):
    at = rng.randint(0, len(data))
    value = rng.choice(INTERESTING_BYTES) * rng.randint(1, 4)
    return data[:at] + value + data[at + len(value) :]


BYTE_MUTATORS = (bit_flip, byte_insert, byte_delete, truncate, chunk_duplicate, interesting_value)

# XML-aware mutators: on the text, so that the result stays close to well-formed.

_TEXT_NODE = re.compile(rb">([^<>]{1,200})</")
_ELEMENT = re.compile(rb"<([A-Za-z][\w.:-]*)\b[^<>]*>[^<]*</\1>")
_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*\?>")


def xml_text(rng, data):
    nodes = list(_TEXT_NODE.finditer(data))
    if not nodes:
        return interesting_value(rng, data)
    node = rng.choice(nodes)
    value = rng.choice(INTERESTING_TEXTS).encode()
    return data[: node.start(1)] + value + data[node.end(1) :]


def xml_delete_element(rng, data):
    elements = list(_ELEMENT.finditer(data))
    if not elements:
        return byte_delete(rng, data)
    element = rng.choice(elements)
    return data[: element.start()] + data[element.end() :]


def xml_duplicate_element(rng, data):
    elements = list(_ELEMENT.finditer(data))
    if not elements:
        return chunk_duplicate(rng, data)
    element = rng.choice(elements)
    return data[: element.end()] + element.group() * rng.randint(1, 50) + data[element.end() :]


def xml_encoding(rng, data):
    encoding = rng.choice(("UTF-16", "ISO-8859-1", "EBCDIC", "x-nimporte", "UTF-32", "", "UTF-8\x00"))
    declaration = f'<?xml version="1.0" encoding="{encoding}"?>'.encode()
    body = _DECLARATION.sub(b"", data, count=1)
    if rng.random() < 0.5 and encoding.startswith("UTF-16"):
        return declaration.decode().encode("utf-16") + body  # declared and real encodings agree
    return declaration + body


def xml_bom(rng, data):
    bom = rng.choice((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff", b"\xef\xbb\xbf" * 3))
    return bom + data


def xml_entities(rng, data):
    # An internal DTD: entity expansion and external entities must stay refused.
    doctype = rng.choice(
        (
            b'<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
            b'<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
            b'<!DOCTYPE r SYSTEM "http://127.0.0.1:9/x.dtd">',
        )
    )
    match = _DECLARATION.match(data)
    at = match.end() if match else 0
    return data[:at] + doctype + data[at:]


XML_MUTATORS = (xml_text, xml_delete_element, xml_duplicate_element, xml_encoding, xml_bom, xml_entities)

# PDF-aware mutators: streams, cross-reference table, embedded files.

_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.S)
_XREF_OFFSET = re.compile(rb"startxref\s+(\d+)")
_NUMBER = re.compile(rb"(?<=[ /\[])\d{1,10}(?= 0 R| )")


def pdf_stream(rng, data):
    streams = list(_STREAM.finditer(data))
    if not streams:
        return bit_flip(rng, data)
    stream = rng.choice(streams)
    body = stream.group(1)
    mutated = rng.choice((b"", body[: len(body) // 2], bit_flip(rng, body), rng.randbytes(len(body))))
    return data[: stream.start(1)] + mutated + data[stream.end(1) :]


def pdf_xref(rng, data):
    matches = list(_XREF_OFFSET.finditer(data))
    if not matches:
        return truncate(rng, data)
    offset = rng.choice((b"0", b"99999999999", b"-1", str(rng.randint(0, len(data))).encode()))
    last = matches[-1]  # the one a reader follows
    return data[: last.start(1)] + offset + data[last.end(1) :]


def pdf_numbers(rng, data):
    numbers = list(_NUMBER.finditer(data))
    if not numbers:
        return interesting_value(rng, data)
    for number in rng.sample(numbers, min(len(numbers), rng.randint(1, 5))):
        value = rng.choice((b"0", b"4294967295", b"99999999999999999999", b"1"))
        data = (
            data[: number.start()]
            + value.ljust(len(number.group()))[: len(number.group())]
            + data[number.end() :]
        )
    return data


PDF_MUTATORS = (pdf_stream, pdf_xref, pdf_numbers)

# Lot mutators: archives built from corpus members.


def _zip(members, compression=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w", compression) as archive:
        warnings.simplefilter("ignore")  # duplicate names are one of the mutations
        for name, data in members:
            archive.writestr(zipfile.ZipInfo(name or "_"), data, compress_type=compression)
    return buffer.getvalue()


def _tar_gz(members):
    buffer = io.BytesIO()
    # No date in the gzip header: the same seed gives the same bytes.
    with (
        gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0) as compressed,
        tarfile.open(fileobj=compressed, mode="w", format=tarfile.PAX_FORMAT) as archive,
    ):
        for name, data in members:
            info = tarfile.TarInfo(name or "_")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _members(rng, seeds):
    chosen = rng.sample(seeds, min(len(seeds), rng.randint(1, 4)))
    return [(seed.name, seed.data) for seed in chosen]


def lot_names(rng, seeds):
    members = [
        (rng.choice(BAD_NAMES) if rng.random() < 0.6 else name, data) for name, data in _members(rng, seeds)
    ]
    return rng.choice((_zip, _tar_gz))(members)


def lot_contents(rng, seeds):
    members = [
        (name, rng.choice(BYTE_MUTATORS + XML_MUTATORS)(rng, data)) for name, data in _members(rng, seeds)
    ]
    return rng.choice((_zip, _tar_gz))(members)


def lot_compressed(rng, seeds):
    # Corrupted compressed data: the archive's own bytes mutated after it is built.
    archive = rng.choice((_zip, _tar_gz))(_members(rng, seeds))
    return rng.choice(BYTE_MUTATORS)(rng, archive)


def lot_many(rng, seeds):
    name, data = _members(rng, seeds)[0]
    members = [(f"{index}-{name}", data[: rng.randint(0, 64)]) for index in range(rng.randint(1, 1200))]
    return rng.choice((_zip, _tar_gz))(members)


def lot_bomb(rng, seeds):
    # Highly compressible members: the reader's size budget must refuse them, not read them.
    size = rng.choice((1 << 20, 12 << 20))  # over the ratio; over a member's 10 Mo
    if rng.random() < 0.5:
        return _zip([("bombe.xml", b"<" + b"a" * size)])
    return _tar_gz([("bombe.xml", b"\x00" * size)])


LOT_MUTATORS = (lot_names, lot_contents, lot_compressed, lot_many, lot_bomb)


@dataclass
class Seed:
    name: str
    kind: str  # pdf, xml
    data: bytes


def load_seeds(corpus: Path = CORPUS) -> list[Seed]:
    seeds = []
    for path in sorted(corpus.rglob("*")):
        kind = path.suffix.lower().lstrip(".")
        if kind in ("pdf", "xml") and path.is_file() and path.stat().st_size <= MAX_SEED_SIZE:
            seeds.append(Seed(path.name, kind, path.read_bytes()))
    return seeds


def generate(seed: int, count: int, seeds: list[Seed]):
    """`count` mutants, the same for the same seed; targets in turn, mutators drawn."""
    rng = random.Random(seed)  # noqa: S311 — reproducible on purpose, not a secret
    targets = ("extract", "read_lot", "attachment")
    for index in range(count):
        target = targets[index % len(targets)]
        if target == "read_lot":
            mutator = rng.choice(LOT_MUTATORS)
            data = mutator(rng, seeds)
            name, source = "lot.zip", "corpus"
        else:
            source_seed = rng.choice(seeds)
            structured = XML_MUTATORS if source_seed.kind == "xml" else PDF_MUTATORS
            mutator = rng.choice(BYTE_MUTATORS + structured)
            data = mutator(rng, source_seed.data)
            name, source = source_seed.name, source_seed.name
            if target == "attachment" and rng.random() < 0.3:
                stem = rng.choice(BAD_NAMES + ("piece",)).rsplit(".", 1)[0]
                name = f"{stem}.{rng.choice(ATTACHMENT_EXTENSIONS)}"
        yield Case(index, target, mutator.__name__, source, name, data)


# The child process: runs one case at a time and says how it ended.


def extract_target(name: str, data: bytes) -> str:
    from einvoice.extraction import ExtractionError, extract

    try:
        extract(data, name)
    except ExtractionError:
        return "refused"
    return "read"


def read_lot_target(name: str, data: bytes) -> str:
    from deposits.archives import LotError, read_lot

    try:
        read_lot(data)
    except LotError:
        return "refused"
    return "read"


def attachment_target(name: str, data: bytes) -> str:
    from invoices.attachments import attachment_problem

    return "refused" if attachment_problem(name, data) else "read"


# Named as "module:function", so that the child imports them (and a test can add its own).
TARGETS = {
    "extract": "benchmarks.fuzz:extract_target",
    "read_lot": "benchmarks.fuzz:read_lot_target",
    "attachment": "benchmarks.fuzz:attachment_target",
}


def _call(target: str, name: str, data: bytes) -> str:
    module, function = TARGETS.get(target, target).split(":")
    return getattr(importlib.import_module(module), function)(name, data)


def _child(connection) -> None:
    # attachment_problem speaks through Django's gettext: settings without a database suffice.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "choruspro.settings.test")
    # The PDF libraries print every oddity of a broken file; the pipe says what matters.
    silent = os.open(os.devnull, os.O_WRONLY)
    os.dup2(silent, 1)
    os.dup2(silent, 2)
    import django

    django.setup()
    connection.send("ready")
    while True:
        try:
            target, name, data = connection.recv()
        except EOFError:
            return
        try:
            outcome, detail = _call(target, name, data), ""
        except Exception:  # noqa: BLE001 — the oracle: any other exception is the finding
            outcome, detail = "crash", traceback.format_exc(limit=6)
        connection.send((outcome, detail))


class Runner:
    """A child process, started again after it hangs or dies."""

    def __init__(self):
        self.context = multiprocessing.get_context("spawn")
        self.process = None

    def start(self):
        self.connection, child_end = self.context.Pipe()
        self.process = self.context.Process(target=_child, args=(child_end,), daemon=True)
        self.process.start()
        child_end.close()
        # Its start-up (imports, Django) is not a call: wait for it before timing any.
        if not self.connection.poll(START_LIMIT) or self.connection.recv() != "ready":
            raise RuntimeError("the fuzzer's child process did not start")

    def stop(self):
        if self.process is not None:
            self.process.kill()
            self.process.join()
            self.process = None

    def run(self, case: Case, time_limit: float) -> tuple[str, str, float]:
        if self.process is None:
            self.start()
        started = time.monotonic()
        try:
            self.connection.send((case.target, case.name, case.data))
            if self.connection.poll(time_limit):
                outcome, detail = self.connection.recv()
                return outcome, detail, time.monotonic() - started
            self.stop()
            return "hang", f"over {time_limit:.0f} s", time.monotonic() - started
        except (EOFError, BrokenPipeError, ConnectionResetError):
            # The pipe closes a moment before the process is reaped: wait for its exit code.
            if self.process is not None:
                self.process.join(5)
            code = self.process.exitcode if self.process else None
            self.stop()
            return "crash", f"the child process died (exit code {code})", time.monotonic() - started


@dataclass
class Report:
    counts: collections.Counter  # (target, mutator, outcome) → number
    findings: list  # (case, outcome, detail)
    slowest: float

    def total(self, outcome: str) -> int:
        return sum(n for (_, _, o), n in self.counts.items() if o == outcome)


def fuzz(
    *, mutants: int, seed: int, time_limit: float = TIME_LIMIT, save_to: Path | None = CRASHES
) -> Report:
    seeds = load_seeds()
    if not seeds:
        raise SystemExit(f"no corpus in {CORPUS}")
    counts, findings, slowest = collections.Counter(), [], 0.0
    runner = Runner()
    try:
        for case in generate(seed, mutants, seeds):
            outcome, detail, elapsed = runner.run(case, time_limit)
            slowest = max(slowest, elapsed)
            counts[case.target, case.mutator, outcome] += 1
            if outcome in ("crash", "hang"):
                findings.append((case, outcome, detail))
                if save_to is not None:
                    save_to.mkdir(parents=True, exist_ok=True)
                    stem = f"seed{seed}-{case.index}-{case.target}-{case.mutator}"
                    (save_to / f"{stem}.bin").write_bytes(case.data)
                    (save_to / f"{stem}.txt").write_text(f"{case.seed_name} as {case.name!r}\n{detail}")
    finally:
        runner.stop()
    return Report(counts, findings, slowest)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mutants", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=TIME_LIMIT)
    args = parser.parse_args(argv)
    started = time.monotonic()
    report = fuzz(mutants=args.mutants, seed=args.seed, time_limit=args.time_limit)
    by_mutator = collections.defaultdict(collections.Counter)
    for (target, mutator, outcome), n in report.counts.items():
        by_mutator[target, mutator][outcome] += n
    out = sys.stdout
    out.write(f"{'target':<11} {'mutator':<22} {'read':>6} {'refused':>8} {'crash':>6} {'hang':>5}\n")
    for (target, mutator), outcomes in sorted(by_mutator.items()):
        out.write(
            f"{target:<11} {mutator:<22} {outcomes['read']:>6} {outcomes['refused']:>8} "
            f"{outcomes['crash']:>6} {outcomes['hang']:>5}\n"
        )
    for case, outcome, detail in report.findings:
        out.write(
            f"\n{outcome.upper()} #{case.index} {case.target}/{case.mutator} on {case.seed_name}\n{detail}\n"
        )
    out.write(
        f"\n{args.mutants} mutants (seed {args.seed}) in {time.monotonic() - started:.0f} s: "
        f"{report.total('crash')} crashes, {report.total('hang')} hangs, "
        f"slowest call {report.slowest:.2f} s\n"
    )
    return 1 if report.findings else 0


if __name__ == "__main__":
    sys.exit(main())
