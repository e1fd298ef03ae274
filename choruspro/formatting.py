"""Numbers as the reader's language writes them, the one way pages and messages both use:
« 1 234,50 € », « 5,5 % » in French, « 1,234.50 € », « 5.5 % » in English.

Messages built in Python (flash messages, histories, reports) and those stored to be shown later
(their parameters formatted when they are shown) take their amounts and rates from here, as the
templates do through the `amount`, `rate` and `percent` filters of invoice_tags."""

from decimal import Decimal, InvalidOperation

from django.template.defaultfilters import floatformat

# Currency symbols written after the amount; other currencies keep their ISO 4217 code.
SYMBOLS = {"EUR": "€"}


def number(value, places: int = 2) -> str:
    """`value` with `places` decimals and the thousands grouped; "" when there is none."""
    if value in (None, ""):
        return ""
    return floatformat(value, f"{places}g")


def amount(value, currency: str = "EUR") -> str:
    """An amount with its two decimals and its currency: « 94,60 € »."""
    if value in (None, ""):
        return ""
    return f"{number(value)} {SYMBOLS.get(currency, currency)}"


def rate(value) -> str:
    """A rate's figure, with only its significant decimals (two at most): « 20 », « 5,5 »."""
    if value in (None, ""):
        return ""
    try:
        value = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if not value.is_finite():
        return str(value)
    exponent = value.quantize(Decimal("0.01")).normalize().as_tuple().exponent
    return floatformat(value, max(-exponent, 0) if isinstance(exponent, int) else 2)


def percent(value) -> str:
    """A rate and its sign: « 5,5 % »."""
    text = rate(value)
    return f"{text} %" if text else ""
