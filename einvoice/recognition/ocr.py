"""Reading a scan: the pages Chorus Pro would read, rendered by pypdfium2 and read by Tesseract
(Debian packages `tesseract-ocr` and `tesseract-ocr-fra`), turned into the same lines as a text
layer gives, so that the same recogniser reads them.

Tesseract gives words with their boxes, grouped into lines; a line is cut into runs where the
gap between two words is wider than a few characters, as table cells are.
"""

import functools
import os
import shutil

from einvoice import pdf

DPI = 300
LANGUAGE = "fra"
PAGE_TIMEOUT = 30  # seconds; the deposit task's own limit is 90 s
MIN_CONFIDENCE = 30  # Tesseract's own confidence in a word, 0–100: below it the word is noise
# One thread per page: the worker's processes are the parallelism, and Tesseract's own threads
# fighting for two busy cores make a page three times slower (11 s instead of 3 s measured).
os.environ.setdefault("OMP_THREAD_LIMIT", "1")


@functools.cache
def available() -> bool:
    """Tesseract and its French model are installed."""
    if shutil.which("tesseract") is None:
        return False
    import pytesseract

    try:
        return LANGUAGE in pytesseract.get_languages(config="")
    except (pytesseract.TesseractError, OSError):
        return False


def _segments(words: dict, height_pt: float, scale: float) -> list[pdf.Segment]:
    lines: dict = {}
    for index, text in enumerate(words["text"]):
        text = text.strip()
        if not text or float(words["conf"][index]) < MIN_CONFIDENCE:
            continue
        key = (words["block_num"][index], words["par_num"][index], words["line_num"][index])
        lines.setdefault(key, []).append(
            (words["left"][index], words["top"][index], words["width"][index], words["height"][index], text)
        )
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


def read_lines(document) -> list[pdf.Line]:
    """The lines of the pages read, as `pdf.read_lines` gives them for a text layer."""
    import pytesseract

    scale = DPI / 72
    lines = []
    for index in pdf.pages_to_read(len(document)):
        page = document[index]
        try:
            height_pt = page.get_height()
            image = page.render(scale=scale, grayscale=True).to_pil()
        finally:
            page.close()
        words = pytesseract.image_to_data(
            image,
            lang=LANGUAGE,
            config="--psm 3",
            output_type=pytesseract.Output.DICT,
            timeout=PAGE_TIMEOUT,
        )
        lines.extend(pdf.group_lines(index, _segments(words, height_pt, scale)))
    for position, line in enumerate(lines):
        line.index = position
    return lines
