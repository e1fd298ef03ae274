"""Scoring a reader against known values: per field and overall, recall (right values / printed
values), wrong-value rate (wrong values / printed values, a value proposed for a field that is not
printed counting as wrong) and empty rate (printed values left empty)."""

import datetime
import io
import resource
import time
from dataclasses import dataclass, field
from decimal import Decimal

from einvoice import pdf
from einvoice.extraction import extract


@dataclass
class Score:
    printed: int = 0
    right: int = 0
    wrong: int = 0
    empty: int = 0

    def add(self, other: "Score") -> None:
        self.printed += other.printed
        self.right += other.right
        self.wrong += other.wrong
        self.empty += other.empty

    def rate(self, count: int) -> float:
        return count / self.printed if self.printed else 0.0


@dataclass
class Report:
    fields: dict = field(default_factory=dict)
    mistakes: list = field(default_factory=list)  # (sample, field, read, expected)
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # this process's and Tesseract's: the machine may be busy with others
    pages: int = 0

    @property
    def overall(self) -> Score:
        total = Score()
        for score in self.fields.values():
            total.add(score)
        return total


def _same(read, expected, name: str) -> bool:
    if isinstance(expected, Decimal):
        try:
            return Decimal(str(read)) == expected
        except ArithmeticError:
            return False
    if isinstance(expected, datetime.date):
        return read == expected
    if name == "supplier_siren":
        return str(read)[:9] == expected
    return str(read).replace(" ", "").upper() == str(expected).replace(" ", "").upper()


def score(report: Report, name: str, fields: dict, truth: dict) -> None:
    for key in sorted(set(truth) | set(fields)):
        got = report.fields.setdefault(key, Score())
        read, expected = fields.get(key), truth.get(key)
        if expected is None:
            if read not in (None, ""):
                got.wrong += 1
                report.mistakes.append((name, key, read, None))
            continue
        got.printed += 1
        if read in (None, ""):
            got.empty += 1
        elif _same(read, expected, key):
            got.right += 1
        else:
            got.wrong += 1
            report.mistakes.append((name, key, read, expected))


def cpu_seconds() -> float:
    """CPU time of this process and of the children it waited for (Tesseract)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def read_fields(data: bytes, filename: str = "facture.pdf") -> tuple[dict, float, float, int]:
    """The fields `extract` pre-fills, the seconds it took (wall clock, then CPU) and the pages it
    read."""
    started, cpu_started = time.perf_counter(), cpu_seconds()
    result = extract(data, filename, validate=False, ocr=True)
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu_started
    document = pdf.open_pdf(data)
    try:
        pages = len(pdf.pages_to_read(len(document)))
    finally:
        document.close()
    return result.fields, seconds, cpu, pages


def evaluate(items, fields_of=read_fields, *, known_only: bool = False) -> Report:
    """`items`: (name, pdf bytes, truth) triples; `known_only` scores only the fields the truth
    gives (a corpus whose truth lists some of the printed values)."""
    report = Report()
    for name, data, truth in items:
        fields, seconds, cpu, pages = fields_of(data)
        report.seconds += seconds
        report.cpu_seconds += cpu
        report.pages += pages
        if known_only:
            fields = {key: value for key, value in fields.items() if key in truth}
        score(report, name, fields, truth)
    return report


def rasterise(data: bytes, dpi: int) -> bytes:
    """The same PDF printed to images: one picture per page, no text layer, as a scanner makes."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        images = [page.render(scale=dpi / 72).to_pil().convert("L") for page in document]
    finally:
        document.close()
    out = io.BytesIO()
    images[0].save(out, "PDF", save_all=True, append_images=images[1:], resolution=dpi)
    return out.getvalue()
