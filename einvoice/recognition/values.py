"""The shapes of the values a label may announce, read strictly: a cell is a value only when the
whole of it is one (a currency sign, a VAT rate or a colon around it aside), so that a number
inside a sentence is never taken for an amount, a date or a reference."""

import datetime
import re
from decimal import Decimal, InvalidOperation

from stdnum import bic as stdnum_bic
from stdnum import iban as stdnum_iban
from stdnum.eu import vat as stdnum_eu_vat
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

SPACES = " \u00a0\u202f"
# What may stand between a label and its value, or around an amount: a colon, a VAT rate, the
# currency ("TVA 20 % : 249,06 €", "Montant EUR HT", "Total (€)").
_AROUND = r"(?:\s*(?:[:=#]|n\s?[°o]|\(?\d{1,2}(?:[.,]\d{1,2})?\s?%\)?|\(?(?:eur|euros?|€)\)?))*\s*"
_LEAD = re.compile(r"^" + _AROUND, re.IGNORECASE)
_AMOUNT = re.compile(
    r"^"
    + _AROUND
    + r"(-?\s?(?:\d{1,3}(?:[ \u00a0\u202f.,]\d{3})+|\d+)[.,]\d{2})\s*(?:€|eur|euros?|ttc|ht)?\s*$",
    re.IGNORECASE,
)
MONTHS = {
    # French, English and German month names, without accents (the text is normalised).
    "janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7, "aout": 8,
    "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12,
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12,
    "januar": 1, "februar": 2, "marz": 3, "juli": 7, "oktober": 10, "dezember": 12,
}  # fmt: skip
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_DATE_LEAD = r"^\s*(?:[:=]\s*)?(?:(?:le|du|on|am|vom|dated)\s+)?"
_DATES = [
    (re.compile(_DATE_LEAD + r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\s*$"), "dmy"),
    (re.compile(_DATE_LEAD + r"(\d{4})-(\d{2})-(\d{2})\s*$"), "ymd"),
    (re.compile(_DATE_LEAD + r"(\d{1,2})(?:er|\.)?\s+(" + _MONTH + r")\.?\s+(\d{4})\s*$"), "dMy"),
    (re.compile(_DATE_LEAD + r"(" + _MONTH + r")\s+(\d{1,2}),?\s+(\d{4})\s*$"), "Mdy"),
]
_REFERENCE = re.compile(r"^\s*(?:[:#]\s*)*([A-Za-z0-9][A-Za-z0-9\-_/.+]*)\s*$")
_SIRET = re.compile(r"(?<![\d])(\d{3}[ \u00a0]?\d{3}[ \u00a0]?\d{3}[ \u00a0]?\d{5})(?![ \u00a0]?\d)")
_SIREN = re.compile(r"(?<![\d])(\d{3}[ \u00a0]?\d{3}[ \u00a0]?\d{3})(?![ \u00a0]?\d)")
_VAT = re.compile(r"\b((?:FR(?:[ \u00a0]?[0-9A-Z]){2}|[A-Z]{2})(?:[ \u00a0]?\d){8,12})\b")
_IBAN = re.compile(r"\b([A-Z]{2}\d{2}(?:[ \u00a0]?[A-Z0-9]){11,30})\b")
_BIC = re.compile(r"^\s*(?:[:]\s*)?([A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?)\s*$")


_RATE = re.compile(r"^\s*\(?\s*(\d{1,2}(?:[.,]\d{1,2})?)\s?%")


def rate(norm_after_label: str) -> Decimal | None:
    """The VAT rate right after a VAT label (« TVA 5,5 % : … » → 5.5), if it gives one."""
    match = _RATE.match(norm_after_label)
    return Decimal(match.group(1).replace(",", ".")) if match else None


def parse_amount(text: str) -> Decimal | None:
    """`1 245,30`, `1.245,30`, `1,245.30`, `-12,00` → Decimal; None when it is not an amount."""
    text = re.sub(r"[ \u00a0\u202f]", "", text)
    if "," in text and "." in text:
        text = (
            text.replace(".", "").replace(",", ".")
            if text.rfind(",") > text.rfind(".")
            else text.replace(",", "")
        )
    elif "," in text:
        text = text.replace(",", ".") if re.search(r",\d{1,2}$", text) else text.replace(",", "")
    elif re.fullmatch(r"-?\d{1,3}(\.\d{3})+", text):
        text = text.replace(".", "")  # 1.245 is a thousand, not one point something
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def is_empty(cell: str) -> bool:
    """Nothing but what may stand between a label and its value."""
    return _LEAD.sub("", cell) == ""


def amount(cell: str) -> Decimal | None:
    match = _AMOUNT.match(cell)
    if not match:
        return None
    digits = re.sub(r"\D", "", match.group(1))
    if len(digits) >= 9 and len(digits) in (9, 14):
        return None  # a SIREN or SIRET printed with a comma is not an amount
    return parse_amount(match.group(1))


def date(norm_cell: str) -> datetime.date | None:
    for pattern, order in _DATES:
        match = pattern.match(norm_cell)
        if not match:
            continue
        first, second, third = match.groups()
        if order == "dmy":
            parts = (int(third), int(second), int(first))
        elif order == "ymd":
            parts = (int(first), int(second), int(third))
        elif order == "dMy":
            parts = (int(third), MONTHS[second], int(first))
        else:
            parts = (int(third), MONTHS[first], int(second))
        try:
            return datetime.date(*parts)
        except ValueError:
            return None
    return None


def reference(cell: str, norm_cell: str) -> str | None:
    """An invoice, order or service reference: one token with a digit, not a date or an amount."""
    match = _REFERENCE.match(cell)
    if not match:
        return None
    token = match.group(1).rstrip(".")
    if not any(char.isdigit() for char in token) or len(token) > 35:
        return None
    if date(norm_cell) is not None or re.fullmatch(r"\d{1,3}(?:[.,]\d{3})*[.,]\d{2}", token):
        return None
    return token


def code(cell: str) -> str | None:
    """A service code: one token, letters allowed alone."""
    match = re.match(r"^\s*(?:[:]\s*)?([A-Za-z0-9][A-Za-z0-9\-_]{0,99})\s*$", cell)
    return match.group(1) if match else None


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def sirets(text: str) -> list[str]:
    return [digits(m) for m in _SIRET.findall(text) if stdnum_siret.is_valid(digits(m))]


def sirens(text: str) -> list[str]:
    return [digits(m) for m in _SIREN.findall(text) if stdnum_siren.is_valid(digits(m))]


def vat_numbers(text: str) -> list[str]:
    cleaned = [re.sub(r"[ \u00a0]", "", m) for m in _VAT.findall(text.upper())]
    return [number for number in cleaned if stdnum_eu_vat.is_valid(number)]


def ibans(text: str) -> list[str]:
    cleaned = [re.sub(r"[ \u00a0]", "", m) for m in _IBAN.findall(text.upper())]
    return [iban for iban in cleaned if stdnum_iban.is_valid(iban)]


def bic(cell: str) -> str | None:
    match = _BIC.match(cell)
    return match.group(1) if match and stdnum_bic.is_valid(match.group(1)) else None
