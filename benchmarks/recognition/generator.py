"""The recognition evaluation set: invoices whose printed values are known because they are made
here, rendered by WeasyPrint (the portal's PDF renderer) under 24 layouts.

A layout is a language (FR/EN/DE), a number format (`1 245,30`, `1.245,30`, `1,245.30`), where the
header values stand (right of their label, in a two-column box, under column headers, the number
in the title line), how the totals are printed (label/value table, « label : value » lines, a row
of column headers over a row of values), whether SIRET and IBAN are grouped, and how the recipient
is identified (SIRET, SIREN or French VAT number). Every invoice also carries decoys a reader
must not take: sentences with amounts and dates, another invoice's number and date, the
supplier's identifiers beside its VAT number in the footer, a delivery date, per-line amounts.

`generate(count, seed)` gives `Sample`s: the PDF and its `truth`, the values a reader should find
(a field not printed is absent from `truth`).
"""

import datetime
import html
import random
from dataclasses import dataclass, field
from decimal import Decimal

from schwifty import IBAN
from stdnum import luhn

CENT = Decimal("0.01")
BICS = ["AGRIFRPPXXX", "BNPAFRPPXXX", "SOGEFRPP", "CCBPFRPPVER", "CMCIFR2A", "PSSTFRPPPAR", "COBADEFFXXX"]
SERVICES = ["TECHNIQUE", "ACHATS", "DSI-01", "VOIRIE", "SCOLAIRE", "FINANCES"]
TOWNS = [
    ("38000", "Grenoble"),
    ("69003", "Lyon"),
    ("33000", "Bordeaux"),
    ("59000", "Lille"),
    ("35000", "Rennes"),
]

MONTHS = {
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "en": "January February March April May June July August September October November December",
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
}

# Label wordings per language; each invoice draws one per field.
WORDS = {
    "fr": {
        "title": ["FACTURE", "Facture"],
        "credit": ["AVOIR", "Avoir"],
        "number": ["N° de facture", "Facture n°", "Numéro de facture", "N° facture", "Référence facture"],
        "credit_number": ["N° d'avoir", "Avoir n°"],
        "date": ["Date de facture", "Date", "Date d'émission", "Émise le", "Date de facturation"],
        "due": ["Date d'échéance", "Échéance", "À payer avant le", "Date limite de paiement"],
        "order": [
            "N° d'engagement",
            "Bon de commande n°",
            "Votre référence",
            "N° de commande",
            "Engagement juridique",
        ],
        "service": ["Code service", "Service exécutant"],
        "recipient_siret": ["SIRET client", "SIRET du destinataire", "Client - SIRET"],
        "recipient_siren": ["SIREN client", "SIREN du destinataire"],
        "recipient_vat": ["N° TVA client", "TVA intracommunautaire du client"],
        "ht": ["Total HT", "Montant HT", "Total hors taxes", "Sous-total HT"],
        "vat": ["TVA", "Total TVA", "Montant TVA", "Taxes"],
        "ttc": ["Total TTC", "Montant TTC", "Total toutes taxes comprises"],
        "due_amount": ["Net à payer", "Solde à payer", "Reste à payer", "Montant à payer"],
        "deposit": "Acompte versé",
        "iban": "IBAN",
        "bic": ["BIC", "SWIFT"],
        "siret": "SIRET",
        "vat_number": ["TVA intracommunautaire", "N° TVA", "TVA intra."],
        "to": "Destinataire",
        "lines": ("Désignation", "Qté", "Prix unitaire HT", "Montant HT"),
        "page": "Page",
        "prose": [
            "Livraison gratuite dès {amount} € d'achat, commande n° {n} exceptée.",
            "En cas de retard de paiement, indemnité forfaitaire de 40 € et pénalités au taux de 10 %.",
            "Escompte pour paiement anticipé : néant. Conditions de règlement : 30 jours à réception.",
            "Rappel : notre facture {other} du {other_date} a été réglée le {paid}.",
            "Livraison effectuée le {delivery}, bon de livraison BL-{n}.",
            "Capital social de {amount} €. Offre valable jusqu'au {other_date}.",
        ],
    },
    "en": {
        "title": ["INVOICE", "Invoice"],
        "credit": ["CREDIT NOTE", "Credit note"],
        "number": ["Invoice number", "Invoice No.", "Invoice #", "Invoice ref."],
        "credit_number": ["Credit note number", "Credit note No."],
        "date": ["Invoice date", "Date", "Date of issue", "Issue date"],
        "due": ["Due date", "Payment due", "Due by"],
        "order": ["Purchase order", "PO number", "Your reference", "Order number"],
        "service": ["Service code"],
        "recipient_siret": ["Customer SIRET", "Buyer SIRET"],
        "recipient_siren": ["Customer SIREN", "Buyer SIREN"],
        "recipient_vat": ["Customer VAT number", "Buyer VAT No."],
        "ht": ["Subtotal", "Total excl. VAT", "Net amount", "Total net"],
        "vat": ["VAT", "Total VAT", "VAT amount", "Tax"],
        "ttc": ["Total incl. VAT", "Total", "Gross amount", "Invoice total"],
        "due_amount": ["Total due", "Amount due", "Balance due"],
        "deposit": "Deposit paid",
        "iban": "IBAN",
        "bic": ["BIC", "SWIFT"],
        "siret": "SIRET",
        "vat_number": ["VAT number", "VAT No.", "VAT Reg. No."],
        "to": "Bill to",
        "lines": ("Description", "Qty", "Unit price", "Amount"),
        "page": "Page",
        "prose": [
            "Free delivery on orders over {amount} EUR, order {n} excepted.",
            "Late payments bear interest at 10 % and a fixed fee of 40 EUR.",
            "Reminder: our invoice {other} dated {other_date} was paid on {paid}.",
            "Goods delivered on {delivery}, delivery note DN-{n}.",
        ],
    },
    "de": {
        "title": ["RECHNUNG", "Rechnung"],
        "credit": ["GUTSCHRIFT", "Gutschrift"],
        "number": ["Rechnungsnummer", "Rechnungs-Nr.", "Rechnung Nr."],
        "credit_number": ["Gutschriftsnummer", "Gutschrift Nr."],
        "date": ["Rechnungsdatum", "Datum"],
        "due": ["Fälligkeitsdatum", "Zahlbar bis", "Fällig am"],
        "order": ["Bestellnummer", "Ihre Bestellung", "Auftragsnummer"],
        "service": ["Service-Code"],
        "recipient_siret": ["SIRET des Kunden", "Kunden-SIRET"],
        "recipient_siren": ["SIREN des Kunden"],
        "recipient_vat": ["USt-IdNr. des Kunden"],
        "ht": ["Nettobetrag", "Summe netto", "Zwischensumme"],
        "vat": ["MwSt.", "Umsatzsteuer", "USt."],
        "ttc": ["Gesamtbetrag", "Bruttobetrag", "Rechnungsbetrag"],
        "due_amount": ["Zahlbetrag", "Offener Betrag"],
        "deposit": "Anzahlung",
        "iban": "IBAN",
        "bic": ["BIC"],
        "siret": "SIRET",
        "vat_number": ["USt-IdNr.", "USt-ID"],
        "to": "Rechnungsempfänger",
        "lines": ("Bezeichnung", "Menge", "Einzelpreis", "Betrag"),
        "page": "Seite",
        "prose": [
            "Versandkostenfrei ab {amount} EUR Bestellwert, Auftrag {n} ausgenommen.",
            "Bei Zahlungsverzug werden Verzugszinsen von 10 % und eine Pauschale von 40 EUR berechnet.",
            "Unsere Rechnung {other} vom {other_date} wurde am {paid} bezahlt.",
            "Lieferung am {delivery}, Lieferschein LS-{n}.",
        ],
    },
}


@dataclass(frozen=True)
class Layout:
    name: str
    language: str
    number_format: str  # "space", "dot" or "comma": 1 245,30 / 1.245,30 / 1,245.30
    header: str  # "right", "box", "columns" or "title"
    totals: str  # "table", "inline" or "columns"
    grouped: bool  # SIRET and IBAN printed in groups
    recipient: str  # "siret", "siren" or "vat"
    word_dates: bool = False


LAYOUTS = [
    Layout("fr-droite", "fr", "space", "right", "table", True, "siret"),
    Layout("fr-encadre", "fr", "space", "box", "table", False, "siret"),
    Layout("fr-colonnes", "fr", "dot", "columns", "columns", True, "siret"),
    Layout("fr-titre", "fr", "space", "title", "inline", False, "siret"),
    Layout("fr-siren", "fr", "space", "right", "inline", True, "siren"),
    Layout("fr-tva-client", "fr", "dot", "box", "table", True, "vat"),
    Layout("fr-dates-en-lettres", "fr", "space", "right", "table", False, "siret", True),
    Layout("fr-titre-colonnes", "fr", "dot", "title", "columns", True, "siren"),
    Layout("fr-encadre-lignes", "fr", "space", "box", "inline", True, "vat"),
    Layout("fr-colonnes-tableau", "fr", "space", "columns", "table", False, "siret", True),
    Layout("fr-point-milliers", "fr", "dot", "right", "table", False, "siret"),
    Layout("fr-titre-tableau", "fr", "space", "title", "table", True, "vat"),
    Layout("en-right", "en", "comma", "right", "table", True, "siret"),
    Layout("en-box", "en", "comma", "box", "inline", False, "siren"),
    Layout("en-columns", "en", "comma", "columns", "columns", True, "siret"),
    Layout("en-title", "en", "comma", "title", "table", False, "vat", True),
    Layout("en-right-inline", "en", "comma", "right", "inline", True, "siret", True),
    Layout("en-box-columns", "en", "comma", "box", "columns", False, "siret"),
    Layout("de-rechts", "de", "dot", "right", "table", True, "siret"),
    Layout("de-kasten", "de", "dot", "box", "inline", False, "siret", True),
    Layout("de-spalten", "de", "dot", "columns", "columns", True, "siren"),
    Layout("de-titel", "de", "dot", "title", "table", False, "siret"),
    Layout("de-rechts-zeilen", "de", "space", "right", "inline", True, "vat"),
    Layout("de-kasten-spalten", "de", "dot", "box", "columns", True, "siret", True),
]


@dataclass
class Sample:
    name: str
    layout: Layout
    pages: int
    truth: dict
    html: str
    pdf: bytes = field(default=b"", repr=False)


def _luhn_number(rng: random.Random, prefix: str, length: int) -> str:
    body = prefix + "".join(rng.choice("0123456789") for _ in range(length - len(prefix) - 1))
    return body + luhn.calc_check_digit(body)


def _siret(rng: random.Random, siren: str | None = None) -> str:
    siren = siren or _luhn_number(rng, str(rng.randint(1, 9)), 9)
    while True:
        body = siren + f"{rng.randint(1, 9999):04d}"
        for digit in "0123456789":
            if luhn.is_valid(body + digit):
                return body + digit


def french_vat(siren: str) -> str:
    return f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}"


def _money(value: Decimal, number_format: str) -> str:
    units, cents = f"{value:.2f}".split(".")
    groups = f"{int(units):,}"
    if number_format == "space":
        return groups.replace(",", "\u202f" if int(units) % 2 else " ") + "," + cents
    if number_format == "dot":
        return groups.replace(",", ".") + "," + cents
    return groups + "." + cents


def _date(value: datetime.date, layout: Layout) -> str:
    if layout.word_dates:
        month = MONTHS[layout.language].split()[value.month - 1]
        if layout.language == "de":
            return f"{value.day}. {month} {value.year}"
        if layout.language == "fr" and value.day == 1:
            return f"1er {month} {value.year}"
        return f"{value.day} {month} {value.year}"
    if layout.language == "de":
        return value.strftime("%d.%m.%Y")
    if layout.language == "en":
        return value.isoformat()
    return value.strftime("%d/%m/%Y")


def _grouped(text: str, sizes: tuple, grouped: bool) -> str:
    if not grouped:
        return text
    out, start = [], 0
    for size in sizes:
        out.append(text[start : start + size])
        start += size
    if start < len(text):
        out.append(text[start:])
    return " ".join(part for part in out if part)


def _iban_text(iban: str, grouped: bool) -> str:
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4)) if grouped else iban


def _invoice_number(rng: random.Random, credit: bool) -> str:
    year = rng.choice([2025, 2026])
    prefix = "AV" if credit else rng.choice(["F", "FA", "INV", "RE", ""])
    shape = rng.randrange(4)
    if shape == 0:
        return (
            f"{prefix}{year}-{rng.randint(1, 9999):04d}" if prefix else f"{year}-{rng.randint(1, 9999):04d}"
        )
    if shape == 1:
        return f"{prefix or 'F'}-{rng.randint(10, 99999)}"
    if shape == 2:
        return f"{year}/{rng.randint(1, 999):03d}"
    return str(rng.randint(10_000_000, 999_999_999))


def _truth(rng: random.Random, layout: Layout, index: int) -> tuple[dict, dict]:
    """The printed values (truth) and what else the page needs (context)."""
    credit = index % 11 == 5
    issue = datetime.date(2026, 1, 1) + datetime.timedelta(days=rng.randrange(330))
    lines = []
    for position in range(rng.randint(2, 6)):
        quantity = Decimal(rng.randint(1, 20))
        price = Decimal(rng.randint(500, 250_000)) / 100
        lines.append((f"Prestation {position + 1} — intervention", quantity, price))
    rate = rng.choice([Decimal(20), Decimal(20), Decimal(10), Decimal("5.5")])
    ht = sum((q * p).quantize(CENT) for _d, q, p in lines)
    vat = (ht * rate / 100).quantize(CENT)
    ttc = ht + vat
    supplier_siren = _luhn_number(rng, str(rng.randint(3, 9)), 9)
    recipient_siren = _luhn_number(rng, "2", 9)
    truth = {
        "document_type": "AVOIR" if credit else "FACTURE",
        "invoice_number": _invoice_number(rng, credit),
        "issue_date": issue,
        "supplier_identifier": _siret(rng, supplier_siren),
        "supplier_vat_number": french_vat(supplier_siren),
        "total_ht": ht,
        "total_vat": vat,
        "total_ttc": ttc,
        "currency": "EUR",
    }
    siret = _siret(rng, recipient_siren)
    truth["recipient_identifier"] = siret if layout.recipient == "siret" else recipient_siren
    if rng.random() < 0.8:
        truth["due_date"] = issue + datetime.timedelta(days=rng.choice([30, 45, 60]))
    if rng.random() < 0.8:
        truth["engagement_number"] = (
            rng.choice(["EJ", "BC", "PO", "CMD", ""]) + f"{rng.randint(1000, 999999)}"
        )
    if rng.random() < 0.5:
        truth["service_code"] = rng.choice(SERVICES)
    if rng.random() < 0.85:
        truth["iban"] = str(
            IBAN.generate(
                "FR",
                bank_code=f"{rng.randint(10000, 39999)}",
                account_code=f"{rng.randint(0, 10**11 - 1):011d}",
            ).compact
        )
        truth["bic"] = rng.choice(BICS)
    deposit = Decimal(0)
    if rng.random() < 0.6:
        if not credit and rng.random() < 0.3:
            deposit = (ttc * Decimal("0.3")).quantize(CENT)
        truth["amount_due"] = ttc - deposit
    context = {
        "lines": lines,
        "rate": rate,
        "deposit": deposit,
        "recipient_vat": french_vat(recipient_siren),
        "recipient_siret": siret,
        "town": rng.choice(TOWNS),
    }
    return truth, context


def _pick(rng: random.Random, words: dict, key: str) -> str:
    value = words[key]
    return rng.choice(value) if isinstance(value, list) else value


def _prose(rng: random.Random, layout: Layout, truth: dict) -> str:
    words = WORDS[layout.language]
    other_date = truth["issue_date"] - datetime.timedelta(days=rng.randint(20, 90))
    sentences = []
    for template in rng.sample(words["prose"], k=min(3, len(words["prose"]))):
        sentences.append(
            template.format(
                amount=_money(Decimal(rng.randint(50, 500)), layout.number_format),
                n=rng.randint(100, 99999),
                other=f"F-{rng.randint(100, 9999)}",
                other_date=_date(other_date, layout),
                paid=_date(other_date + datetime.timedelta(days=12), layout),
                delivery=_date(truth["issue_date"] - datetime.timedelta(days=3), layout),
            )
        )
    return "".join(f"<p class='prose'>{html.escape(sentence)}</p>" for sentence in sentences)


def render_html(rng: random.Random, layout: Layout, truth: dict, context: dict, pages: int) -> str:
    words = WORDS[layout.language]
    money = lambda value: _money(value, layout.number_format)  # noqa: E731
    e = html.escape
    credit = truth["document_type"] == "AVOIR"
    title = _pick(rng, words, "credit" if credit else "title")
    number_label = _pick(rng, words, "credit_number" if credit else "number")
    header = [
        (number_label, truth["invoice_number"]),
        (_pick(rng, words, "date"), _date(truth["issue_date"], layout)),
    ]
    if "due_date" in truth:
        header.append((_pick(rng, words, "due"), _date(truth["due_date"], layout)))
    if "engagement_number" in truth:
        header.append((_pick(rng, words, "order"), truth["engagement_number"]))
    if "service_code" in truth:
        header.append((_pick(rng, words, "service"), truth["service_code"]))
    recipient_value = {
        "siret": _grouped(context["recipient_siret"], (3, 3, 3), layout.grouped),
        "siren": _grouped(truth["recipient_identifier"], (3, 3), layout.grouped),
        "vat": context["recipient_vat"],
    }[layout.recipient]
    recipient_label = _pick(rng, words, f"recipient_{layout.recipient}")
    postcode, town = context["town"]

    parts = [
        "<header class='top'><div class='seller'><strong>Atelier Martin SAS</strong><br>12 rue des Lilas<br>"
        "75011 Paris</div>"
    ]
    if layout.header == "title":
        parts.append(f"<h1>{e(title)} {e(truth['invoice_number'])}</h1>")
        header = header[1:]
    else:
        parts.append(f"<h1>{e(title)}</h1>")
    parts.append("</header>")
    parts.append(
        f"<div class='recipient'>{e(words['to'])}<br><strong>Commune de {e(town)}</strong><br>"
        f"Hôtel de ville<br>{postcode} {e(town)}<br>{e(recipient_label)} : {e(recipient_value)}</div>"
    )
    if layout.header == "box":
        rows = "".join(f"<tr><th>{e(label)}</th><td>{e(value)}</td></tr>" for label, value in header)
        parts.append(f"<table class='box'>{rows}</table>")
    elif layout.header == "columns":
        heads = "".join(f"<th>{e(label)}</th>" for label, _value in header)
        values = "".join(f"<td>{e(value)}</td>" for _label, value in header)
        parts.append(f"<table class='columns'><tr>{heads}</tr><tr>{values}</tr></table>")
    else:
        parts.append("".join(f"<p class='field'>{e(label)} : {e(value)}</p>" for label, value in header))
    parts.append(_prose(rng, layout, truth))

    head = "".join(f"<th>{e(label)}</th>" for label in words["lines"])
    body = "".join(
        f"<tr><td>{e(designation)}</td><td>{quantity}</td><td>{money(price)}</td>"
        f"<td>{money((quantity * price).quantize(CENT))}</td></tr>"
        for designation, quantity, price in context["lines"]
    )
    filler = ""
    if pages > 1:
        # Long detail tables push the totals onto later pages.
        filler = "".join(
            f"<tr><td>Fourniture {n} (réf. {1000 + n})</td><td>0</td><td>{money(Decimal(n))}</td>"
            f"<td>{money(Decimal(0))}</td></tr>"
            for n in range(1, 38 * (pages - 1))
        )
    parts.append(f"<table class='lines'><tr>{head}</tr>{body}{filler}</table>")

    rate = f"{context['rate'].normalize():f}".replace(".", ",")
    vat_label = _pick(rng, words, "vat")
    totals = [
        (_pick(rng, words, "ht"), money(truth["total_ht"])),
        (f"{vat_label} {rate} %", money(truth["total_vat"])),
        (_pick(rng, words, "ttc"), money(truth["total_ttc"])),
    ]
    if context["deposit"]:
        totals.append((words["deposit"], money(context["deposit"])))
    if "amount_due" in truth:
        totals.append((_pick(rng, words, "due_amount"), money(truth["amount_due"])))
    currency = rng.choice(["€", "EUR"])
    if layout.totals == "table":
        rows = "".join(f"<tr><th>{e(label)}</th><td>{value} {currency}</td></tr>" for label, value in totals)
        parts.append(f"<table class='totals'>{rows}</table>")
    elif layout.totals == "inline":
        parts.append(
            "".join(f"<p class='total'>{e(label)} : {value} {currency}</p>" for label, value in totals)
        )
    else:
        heads = "".join(f"<th>{e(label)}</th>" for label, _value in totals)
        values = "".join(f"<td>{value}</td>" for _label, value in totals)
        parts.append(
            f"<table class='columns totals-row'><tr>{heads}</tr><tr>{values}</tr></table><p>{currency}</p>"
        )
    if "iban" in truth:
        parts.append(
            f"<p>{words['iban']} : {_iban_text(truth['iban'], layout.grouped)} — "
            f"{_pick(rng, words, 'bic')} : {truth['bic']}</p>"
        )
    siret = _grouped(truth["supplier_identifier"], (3, 3, 3), layout.grouped)
    parts.append(
        f"<footer>Atelier Martin SAS au capital de {money(Decimal(rng.choice([1000, 5000, 37000])))} € — "
        f"{words['siret']} {siret} — {e(_pick(rng, words, 'vat_number'))} {truth['supplier_vat_number']} — "
        f"RCS Paris</footer>"
    )
    return (
        "<html><head><style>@page { size: A4; margin: 1.6cm }"
        " body { font-family: sans-serif; font-size: 9.5pt }"
        " h1 { font-size: 18pt } table { border-collapse: collapse; margin: 8pt 0 }"
        " th, td { padding: 2pt 8pt; text-align: left } .lines { width: 100% }"
        " .box { border: 1px solid #333 } .totals { margin-left: 50% } .recipient { margin-left: 55% }"
        " footer { margin-top: 16pt; font-size: 8pt }</style></head><body>"
        + "".join(parts)
        + "</body></html>"
    )


def generate(count: int = 240, seed: int = 13, *, render: bool = True) -> list[Sample]:
    from weasyprint import HTML

    rng = random.Random(seed)  # noqa: S311 - a reproducible evaluation set, not a secret
    samples = []
    for index in range(count):
        layout = LAYOUTS[index % len(LAYOUTS)]
        pages = 1 + (index // len(LAYOUTS)) % 3
        truth, context = _truth(rng, layout, index)
        page = render_html(rng, layout, truth, context, pages)
        sample = Sample(f"{index:03d}-{layout.name}", layout, pages, truth, page)
        if render:
            sample.pdf = HTML(string=page).write_pdf()
        samples.append(sample)
    return samples
