"""CSV cells a spreadsheet cannot run: every CSV export of the portal writes through here."""

import csv
import re

# A spreadsheet reads a cell starting with one of these as a formula (OWASP « CSV injection »).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A plain French number (« -12,50 ») is no formula: left as is so that amounts stay numbers.
_NUMBER = re.compile(r"-?\d+(,\d+)?")


def safe_cell(value):
    """The value, quoted with a leading « ' » when a spreadsheet would take it for a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(value):
        return f"'{value}"
    return value


class _SafeWriter:
    def __init__(self, stream):
        self._writer = csv.writer(stream, delimiter=";")

    def writerow(self, row):
        return self._writer.writerow([safe_cell(value) for value in row])


def csv_writer(stream) -> _SafeWriter:
    """A `;`-separated writer (French spreadsheets) whose cells are never formulas."""
    return _SafeWriter(stream)
