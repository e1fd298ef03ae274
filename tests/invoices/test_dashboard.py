"""Tableau de bord: the twelve months « sur douze mois » and what the page costs."""

import datetime
import re
import zoneinfo

import pytest
import time_machine

from invoices import selectors
from invoices.enums import InvoiceStatus
from invoices.models import Invoice

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
LINE = {"designation": "Visite", "quantity": "1", "unit_price": "80.00", "vat_rate": "20"}


@pytest.mark.parametrize(
    ("today", "first", "last"),
    [
        # March used to start thirteen months back: 31 days × 11 from 1 March reaches 25 March.
        (datetime.date(2026, 3, 15), datetime.date(2025, 4, 1), datetime.date(2026, 3, 1)),
        (datetime.date(2026, 3, 31), datetime.date(2025, 4, 1), datetime.date(2026, 3, 1)),
        (datetime.date(2026, 12, 1), datetime.date(2026, 1, 1), datetime.date(2026, 12, 1)),
        (datetime.date(2027, 1, 31), datetime.date(2026, 2, 1), datetime.date(2027, 1, 1)),
        (datetime.date(2024, 2, 29), datetime.date(2023, 3, 1), datetime.date(2024, 2, 1)),
    ],
)
def test_twelve_months_the_current_one_last(today, first, last):
    with time_machine.travel(datetime.datetime.combine(today, datetime.time(12), PARIS), tick=False):
        months = [row["month"] for row in selectors.dashboard_figures(Invoice.objects.none())[1]]
    assert len(months) == 12
    assert months[0] == first and months[-1] == last
    assert months == sorted(set(months))
    assert all(month.day == 1 for month in months)


def test_the_page_shows_each_months_figures_under_its_label(client, supplier, make_invoice):
    with time_machine.travel(datetime.datetime(2026, 3, 15, 12, tzinfo=PARIS), tick=False):
        march = [
            make_invoice(invoice_date=datetime.date(2026, 3, 2)),
            make_invoice(invoice_date=datetime.date(2026, 3, 10), lines=[LINE]),
        ]
        make_invoice(invoice_date=datetime.date(2025, 4, 30))
        make_invoice(invoice_date=datetime.date(2025, 3, 31))  # thirteen months back: left out
        make_invoice(invoice_date=datetime.date(2026, 1, 5), send=False)  # drafts are not counted
        client.force_login(supplier.gp)
        response = client.get("/factures-emises/tableau-de-bord/")
    content = response.content.decode()
    # Per status, every invoice sent, however old.
    assert [(row["status"], row["count"]) for row in response.context["by_status"]] == [
        (InvoiceStatus.MADE_AVAILABLE, 4)
    ]
    assert response.context["total_count"] == 4
    assert response.context["by_month"][-1]["amount"] == sum(invoice.total_ttc for invoice in march)
    table = content[content.index('data-testid="by-month"') :]
    table = table[table.index("<tbody>") : table.index("</tbody>")]
    rows = re.findall(r"<tr><th scope=\"row\">([^<]+)</th><td class=\"amount\">(\d+)</td>", table)
    assert [label for label, _count in rows] == [
        "avril 2025",
        "mai 2025",
        "juin 2025",
        "juillet 2025",
        "août 2025",
        "septembre 2025",
        "octobre 2025",
        "novembre 2025",
        "décembre 2025",
        "janvier 2026",
        "février 2026",
        "mars 2026",
    ]
    assert [int(count) for _label, count in rows] == [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]
    # The bars of the count chart carry Django's short month names, in the same order, and their values.
    chart = _chart(content, "chart-count")
    bars = re.findall(r'class="bar-label"[^>]*>([^<]+)<', chart)
    assert len(bars) == 12 and bars[0] == "avr. 2025" and bars[-1] == "mars 2026"
    assert re.findall(r'class="bar-value"[^>]*>([^<]+)<', chart) == ["1"] + ["0"] * 10 + ["2"]
    # A value axis: graduations from 0 to the axis' end (2 invoices).
    assert re.findall(r'class="tick-label"[^>]*>([^<]+)<', chart) == ["0", "0,5", "1", "1,5", "2"]


def _chart(content: str, chart_id: str) -> str:
    chart = content[content.index(f'aria-labelledby="{chart_id}-caption"') :]
    return chart[: chart.index("</svg>")]


def test_status_labels_are_whole_and_months_read_in_english(client, supplier, make_invoice):
    """No status cut to « Mise à disposit… »; the English page reads « Jul 2026 »."""
    with time_machine.travel(datetime.datetime(2026, 7, 15, 12, tzinfo=PARIS), tick=False):
        make_invoice(invoice_date=datetime.date(2026, 7, 2))
        client.force_login(supplier.gp)
        french = client.get("/factures-emises/tableau-de-bord/").content.decode()
        client.post("/i18n/setlang/", {"language": "en", "next": "/"})
        english = client.get("/factures-emises/tableau-de-bord/").content.decode()
    assert re.findall(r'class="bar-label"[^>]*>([^<]+)<', _chart(french, "chart-status")) == [
        "Mise à disposition du destinataire"
    ]
    assert re.findall(r'class="bar-label"[^>]*>([^<]+)<', _chart(french, "chart-count"))[-1] == "juil. 2026"
    assert re.findall(r'class="bar-label"[^>]*>([^<]+)<', _chart(english, "chart-count"))[-1] == "Jul 2026"
    amounts = re.findall(r'class="tick-label"[^>]*>([^<]+)<', _chart(english, "chart-amount"))
    assert amounts[0] == "0 €" and len(amounts) == 5
