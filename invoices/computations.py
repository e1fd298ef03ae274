"""Invoice amounts (domain §3.2), in Decimal only. Pure functions, no Django."""

from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0")


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


# EN 16931 VAT categories (UNTDID 5305) that charge VAT at the line's rate; the others charge none.
TAXED_CATEGORIES = frozenset({"S"})


def default_category(rate: Decimal) -> str:
    """A line given a rate only: standard rate, or zero rate at 0 %."""
    return "S" if rate else "Z"


@dataclass(frozen=True)
class LineInput:
    quantity: Decimal
    unit_price: Decimal
    discount: Decimal
    vat_rate: Decimal  # percent, e.g. Decimal("20")
    vat_category: str = ""  # S, Z, E, AE, K, G, O; empty: from the rate

    @classmethod
    def of(cls, line: dict) -> "LineInput":
        """From a line as the services take it (quantity, unit_price, vat_rate, optional discount
        and vat_category)."""
        rate = Decimal(line["vat_rate"])
        return cls(
            quantity=Decimal(line["quantity"]),
            unit_price=Decimal(line["unit_price"]),
            discount=Decimal(line.get("discount") or 0),
            vat_rate=rate,
            vat_category=line.get("vat_category") or default_category(rate),
        )

    @property
    def category(self) -> str:
        return self.vat_category or default_category(self.vat_rate)


@dataclass
class Totals:
    line_amounts: list = field(default_factory=list)  # HT after discount per line
    # (category, rate) → (base, VAT), highest rate first.
    vat_summary: "OrderedDict[tuple[str, Decimal], tuple[Decimal, Decimal]]" = field(
        default_factory=OrderedDict
    )
    total_ht: Decimal = ZERO
    total_vat: Decimal = ZERO
    total_ttc_before_discount: Decimal = ZERO
    global_discount: Decimal = ZERO
    total_ttc: Decimal = ZERO
    amount_due: Decimal = ZERO


def line_amount(line: LineInput) -> Decimal:
    """HT after discount = quantity × unit price − discount, to the cent."""
    return cents(line.quantity * line.unit_price - line.discount)


def amount_due_override(typed: Decimal | None, *, already_paid: bool) -> Decimal | None:
    """The net à payer to use instead of the computed one: what the supplier typed, else nothing
    when the invoice is already paid (cadre A2, "facture déjà payée"), else None (computed)."""
    if typed is not None:
        return typed
    return ZERO if already_paid else None


def compute(lines, *, global_discount: Decimal = ZERO, amount_due: Decimal | None = None) -> Totals:
    """VAT is computed per VAT category and rate on its base and rounded half-up once per
    category and rate (EN 16931 BR-CO-17), never per line; only category S charges VAT."""
    totals = Totals(global_discount=cents(global_discount))
    bases: OrderedDict[tuple[str, Decimal], Decimal] = OrderedDict()
    for line in lines:
        amount = line_amount(line)
        totals.line_amounts.append(amount)
        category = line.category
        rate = line.vat_rate.normalize() if line.vat_rate and category in TAXED_CATEGORIES else ZERO
        bases[(category, rate)] = bases.get((category, rate), ZERO) + amount
    for category, rate in sorted(bases, key=lambda key: (-key[1], key[0])):
        base = cents(bases[(category, rate)])
        vat = cents(base * rate / Decimal(100))
        totals.vat_summary[(category, rate)] = (base, vat)
        totals.total_ht += base
        totals.total_vat += vat
    totals.total_ttc_before_discount = totals.total_ht + totals.total_vat
    totals.total_ttc = totals.total_ttc_before_discount - totals.global_discount
    totals.amount_due = cents(amount_due) if amount_due is not None else totals.total_ttc
    return totals
