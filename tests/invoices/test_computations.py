from decimal import Decimal as D

from invoices.computations import LineInput, amount_due_override, compute, line_amount


def test_line_amount_is_quantity_times_price_minus_discount():
    assert line_amount(LineInput(D("3.5"), D("42.10"), D("5"), D("10"))) == D("142.35")


def test_vat_is_rounded_once_per_rate_not_per_line():
    """Three lines of 0.335 HT at 20 %: per line 0.07 each (0.21), per rate 1.005 → 0.20."""
    lines = [LineInput(D("1"), D("0.335"), D("0"), D("20")) for _ in range(3)]
    totals = compute(lines)
    assert totals.line_amounts == [D("0.34"), D("0.34"), D("0.34")]
    assert totals.vat_summary[("S", D("20"))] == (D("1.02"), D("0.20"))
    assert totals.total_vat == D("0.20")


def test_half_up_rounding_per_rate():
    totals = compute(
        [LineInput(D("1"), D("0.125"), D("0"), D("20")), LineInput(D("1"), D("10.00"), D("0"), D("5.5"))]
    )
    # 0.13 × 20 % = 0.026 → 0.03 ; 10.00 × 5.5 % = 0.55
    assert totals.vat_summary[("S", D("20"))] == (D("0.13"), D("0.03"))
    assert totals.vat_summary[("S", D("5.5"))] == (D("10.00"), D("0.55"))
    assert list(totals.vat_summary) == [("S", D("20")), ("S", D("5.5"))]


def test_categories_without_vat_have_their_own_rows_and_charge_nothing():
    lines = [
        LineInput(D("1"), D("100"), D("0"), D("20")),
        LineInput(D("1"), D("50"), D("0"), D("0"), "AE"),
        LineInput(D("1"), D("30"), D("0"), D("0"), "K"),
        LineInput(D("1"), D("20"), D("0"), D("0")),
    ]
    totals = compute(lines)
    assert totals.vat_summary == {
        ("S", D("20")): (D("100.00"), D("20.00")),
        ("AE", D("0")): (D("50.00"), D("0.00")),
        ("K", D("0")): (D("30.00"), D("0.00")),
        ("Z", D("0")): (D("20.00"), D("0.00")),
    }
    assert (totals.total_ht, totals.total_vat) == (D("200.00"), D("20.00"))


def test_totals_global_discount_and_amount_due():
    lines = [LineInput(D("2"), D("450"), D("0"), D("20")), LineInput(D("3.5"), D("42.10"), D("5"), D("10"))]
    totals = compute(lines, global_discount=D("10"))
    assert totals.total_ht == D("1042.35")
    assert totals.total_vat == D("180.00") + D("14.24")  # 142.35 × 10 % = 14.235 → 14.24
    assert totals.total_ttc_before_discount == D("1236.59")
    assert totals.total_ttc == D("1226.59")
    assert totals.amount_due == D("1226.59")
    assert compute(lines, amount_due=D("0")).amount_due == D("0.00")


def test_an_invoice_already_paid_has_nothing_to_pay_unless_typed():
    """Cadre A2: the net à payer is 0, unless the supplier typed one; other cadres compute it."""
    assert amount_due_override(None, already_paid=True) == D("0")
    assert amount_due_override(D("12.50"), already_paid=True) == D("12.50")
    assert amount_due_override(None, already_paid=False) is None
