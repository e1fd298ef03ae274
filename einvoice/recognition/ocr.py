"""Reading a scan: the pages Chorus Pro would read, rendered by pypdfium2 and read by Tesseract
(Debian packages `tesseract-ocr` and `tesseract-ocr-fra`), turned into the same lines as a text
layer gives, so that the same recogniser reads them.

Tesseract gives words with their boxes, grouped into lines; a line is cut into runs where the
gap between two words is wider than a few characters, as table cells are.

Where the time goes (a 300 dpi A4 page, 2 busy cores): Tesseract's recognition is nine tenths of
it and grows with the pixels it is given; rendering is a tenth. So a page is rendered once, in
grey, at no more than the resolution of the scanned image it holds (a 200 dpi scan rendered at
300 dpi gives Tesseract more pixels and no more detail), handed to one Tesseract run through a
pipe as uncompressed PGM (no temporary file, no PNG compression) which answers with TSV, and the
pages of a document are read side by side, one Tesseract process per core.
"""

import csv
import functools
import io
import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pypdfium2.raw as pdfium_c

from einvoice import pdf

DPI = 300  # at most: enough for 8 pt print, and the resolution scanners default to
MIN_DPI = 150  # a coarser scan is still rendered at this resolution: Tesseract misreads below it
LANGUAGE = "fra"
PAGE_TIMEOUT = 60  # seconds of a busy machine; the deposit task's own limit is 90 s
MIN_CONFIDENCE = 30  # Tesseract's own confidence in a word, 0–100: below it the word is noise
# One thread per Tesseract process: the pages and the worker's processes are the parallelism, and
# Tesseract's own threads fighting for two busy cores make a page three times slower.
ENVIRONMENT = {**os.environ, "OMP_THREAD_LIMIT": "1"}


class Unreadable(Exception):
    """Tesseract failed or took too long on a page: the scan is deposited to be typed."""


# A name on the PATH or a path (the environment's TESSERACT_COMMAND): missing, a scan is typed.
COMMAND = os.environ.get("TESSERACT_COMMAND", "tesseract")


def command() -> str:
    return COMMAND


def available() -> bool:
    """Tesseract and its French model are installed."""
    return _available(command())


@functools.cache
def _available(binary: str) -> bool:
    path = shutil.which(binary)
    if path is None:
        return False
    try:
        listed = subprocess.run(  # noqa: S603 - the binary is the setting's, the arguments ours
            [path, "--list-langs"], capture_output=True, text=True, timeout=PAGE_TIMEOUT, env=ENVIRONMENT
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return LANGUAGE in listed.stdout.split()


def _segments(rows: list[dict], height_pt: float, scale: float) -> list[pdf.Segment]:
    lines: dict = {}
    for row in rows:
        text = (row.get("text") or "").strip()
        if not text or float(row["conf"]) < MIN_CONFIDENCE:
            continue
        key = (row["block_num"], row["par_num"], row["line_num"])
        box = (int(row["left"]), int(row["top"]), int(row["width"]), int(row["height"]))
        lines.setdefault(key, []).append((*box, text))
    segments = []
    for line_words in lines.values():
        line_words.sort()
        height = max(word[3] for word in line_words)
        current = [line_words[0]]
        for word in line_words[1:]:
            previous = current[-1]
            if word[0] - (previous[0] + previous[2]) > 1.2 * height:
                segments.append(_segment(current, height_pt, scale))
                current = []
            current.append(word)
        segments.append(_segment(current, height_pt, scale))
    return segments


def _segment(words: list, height_pt: float, scale: float) -> pdf.Segment:
    left = words[0][0] / scale
    right = (words[-1][0] + words[-1][2]) / scale
    top = height_pt - min(word[1] for word in words) / scale
    return pdf.Segment(" ".join(word[4] for word in words), left, right, top)


def resolution(page) -> int:
    """The resolution to render a page at: its scanned image's own (the finest when there are
    several), within MIN_DPI–DPI; DPI for a page without an image."""
    finest = 0.0
    for image in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=1):
        left, _bottom, right, _top = image.get_bounds()
        width_px, _height_px = image.get_px_size()
        if right - left > 72:  # an inch wide at least: a logo or a stamp does not say
            finest = max(finest, width_px * 72 / (right - left))
    if not finest:
        return DPI
    return int(min(DPI, max(MIN_DPI, round(finest))))


def _tesseract(image: bytes, dpi: int) -> list[dict]:
    """One Tesseract run on one page image (PGM bytes): its words as TSV rows."""
    try:
        done = subprocess.run(  # noqa: S603 - the binary is the setting's, the arguments ours
            [command(), "stdin", "stdout", "-l", LANGUAGE, "--psm", "3", "--dpi", str(dpi), "tsv"],
            input=image,
            capture_output=True,
            timeout=PAGE_TIMEOUT,
            env=ENVIRONMENT,
            check=True,
        )
    except (OSError, subprocess.SubprocessError) as error:
        raise Unreadable(str(error)) from error
    text = done.stdout.decode("utf-8", errors="replace")
    return list(csv.DictReader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE))


def read_lines(document) -> list[pdf.Line]:
    """The lines of the pages read, as `pdf.read_lines` gives them for a text layer. Raises
    `Unreadable` when Tesseract fails on a page."""
    pages = []
    # pdfium is not thread-safe: the pages are rendered here, one after the other.
    for index in pdf.pages_to_read(len(document)):
        page = document[index]
        try:
            dpi = resolution(page)
            height_pt = page.get_height()
            image = page.render(scale=dpi / 72, grayscale=True).to_pil()
        finally:
            page.close()
        pgm = io.BytesIO()
        image.convert("L").save(pgm, "PPM")
        pages.append((index, height_pt, dpi, pgm.getvalue()))
    workers = max(1, min(len(pages), os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        words = list(pool.map(lambda page: _tesseract(page[3], page[2]), pages))
    lines = []
    for (index, height_pt, dpi, _image), rows in zip(pages, words, strict=True):
        lines.extend(pdf.group_lines(index, _segments(rows, height_pt, dpi / 72)))
    for position, line in enumerate(lines):
        line.index = position
    return lines
