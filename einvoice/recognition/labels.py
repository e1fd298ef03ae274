"""The labels of each field in French, English and German, on normalised text (lower case, no
accents), most specific first, each with the confidence its wording gives: « Date de facture »
says more than « Date », « Total TTC » more than « Total »."""

import re

SURE, PLAIN, VAGUE = 0.95, 0.85, 0.8
_NO = r"(?:\s*(?:n\s?[°o]\.?|no\.?|nr\.?|num(?:ero|ber)?\.?|#))?"

LABELS = {
    "invoice_number": [
        (r"(?:n\s?[°o]|numero|reference|ref\.?)\s*(?:de\s+(?:la\s+)?|d')?(?:facture|avoir)", SURE),
        (r"(?:facture|avoir)\s*(?:n\s?[°o]|num(?:ero)?\.?)", SURE),
        (r"invoice\s*(?:number|no\.?|#|ref\.?|reference)", SURE),
        (r"credit\s+note\s*(?:number|no\.?|#)", SURE),
        (r"(?:rechnungs|gutschrifts)(?:nummer|-nr\.?)", SURE),
        (r"(?:rechnung|gutschrift)\s*(?:nr\.?|nummer)", SURE),
    ],
    "issue_date": [
        (r"date\s+(?:de\s+(?:la\s+)?|d')?(?:facture|facturation|emission|avoir)", SURE),
        (r"(?:invoice|issue)\s+date|date\s+of\s+(?:issue|invoice)", SURE),
        (r"(?:rechnungs|gutschrifts)datum", SURE),
        (r"emise?\s+le", PLAIN),
        (r"date|datum", VAGUE),
    ],
    "due_date": [
        (r"date\s+(?:d'|de\s+l')?echeance|date\s+limite\s+de\s+(?:paiement|reglement)(?:\s+le)?", SURE),
        (r"(?:a\s+)?(?:payer|regler)\s+avant\s+le|payable\s+le|echeance", PLAIN),
        (r"due\s+date|payment\s+due(?:\s+date)?|due\s+by|payable\s+by", SURE),
        (r"falligkeitsdatum|zahlbar\s+bis|fallig\s+am", SURE),
    ],
    "engagement_number": [
        (r"(?:n\s?[°o]\s*(?:d'|de\s+l'))?engagement(?:\s+juridique)?" + _NO, SURE),
        (r"bon\s+de\s+commande" + _NO + r"|(?:n\s?[°o]|numero|ref\.?)\s*(?:de\s+)?commande", SURE),
        (r"votre\s+(?:reference|commande|ref\.?)|vos\s+references", PLAIN),
        (r"purchase\s+order" + _NO + r"|po\s+(?:number|no\.?|#)|order\s+(?:number|no\.?|#)", SURE),
        (r"your\s+(?:reference|order)", PLAIN),
        (r"bestellnummer|auftragsnummer|bestell-nr\.?|ihre\s+bestellung", SURE),
        (r"ej" + _NO, PLAIN),
    ],
    "service_code": [(r"code\s+service|service\s+executant|service\s+code|service-code", SURE)],
    "total_ht": [
        (r"(?:total|montant|sous-total)\s+(?:eur\s+|€\s+)?(?:h\.?\s?t\.?|hors\s+taxes?)(?![a-z])", SURE),
        (r"net\s+h\.?t\.?(?![a-z])", SURE),
        (r"total\s+(?:excl\.?|excluding)\s+(?:vat|tax)|total\s+net|net\s+(?:amount|total)", SURE),
        (r"subtotal|sub-total", PLAIN),
        (r"nettobetrag|summe\s+netto|gesamt\s+netto|nettosumme", SURE),
        (r"zwischensumme", PLAIN),
    ],
    "total_vat": [
        (r"(?:total|montant)\s+(?:de\s+la\s+)?t\.?v\.?a\.?(?![a-z])", SURE),
        (
            r"t\.?v\.?a\.?(?![a-z])(?!\s*(?:intra|non\s+applicable|n\s?[°o]|client|du\s+client|payee|acquittee))",
            PLAIN,
        ),
        (r"(?:total\s+)?vat(?:\s+amount)?(?![a-z])(?!\s*(?:number|no|reg|id))", PLAIN),
        (r"taxes|tax(?![a-z])(?!\s*(?:id|number|no))", VAGUE),
        (r"mwst\.?|umsatzsteuer(?!-?id)|ust\.?(?![a-z\-])", PLAIN),
    ],
    "total_ttc": [
        (
            # « TIC »: how OCR often reads « TTC ».
            r"(?:total|montant)\s+(?:eur\s+|€\s+)?t\.?[ti]\.?c\.?(?![a-z])|total\s+toutes\s+taxes(?:\s+comprises)?",
            SURE,
        ),
        (r"total\s+facture", PLAIN),
        (r"total\s+(?:incl\.?|including)\s+(?:vat|tax)|gross\s+(?:amount|total)|invoice\s+total", SURE),
        (r"gesamtbetrag|bruttobetrag|rechnungsbetrag|gesamt\s+brutto", SURE),
        (r"total(?!\s+(?:ht|tva|h\.t|hors|net|excl|vat|tax|du|a\s+payer|due))", VAGUE),
    ],
    "amount_due": [
        (r"net\s+a\s+payer|(?:montant|somme|reste|solde|total)\s+a\s+payer", SURE),
        (r"(?:total|amount|balance)\s+due", SURE),
        (r"zahlbetrag|offener\s+betrag|zu\s+zahlen", SURE),
    ],
    "iban": [(r"iban", SURE)],
    "bic": [(r"bic|swift", SURE)],
}

# Identifiers are read wherever they stand on a line; these words tell whose they are.
RECIPIENT_WORDS = re.compile(
    r"client|destinataire|acheteur|customer|buyer|bill\s+to|kunde|empfanger|ministere"
)
IDENTIFIER_LABELS = re.compile(r"siret|siren|r\.?[cs]\.?[cs]\b|tva|vat|ust|mwst|identifiant|steuer")

TITLE = re.compile(
    r"^(?:(facture|invoice|rechnung)|(avoir|credit\s+note|gutschrift))"
    r"(?:\s+(?:n\s?[°o]\.?|no\.?|nr\.?|#))?\s*(\S*\d\S*)?(?:\s+(?:du|of|vom)\s+(.+))?$"
)
# A label sits at the start of a run or after one of these: a label inside a sentence is not one.
SEPARATOR = re.compile(r"(?:^|[—–|;•·\u2212]|\s-\s)\s*$")
SEPARATORS = re.compile(r"\s*(?:[—–|;•·\u2212]|\s-\s)\s*")
# Identifiers keep « Client - SIRET » together: a hyphen does not part them from their label.
IDENTIFIER_SEPARATORS = re.compile(r"\s*[—–|;•·\u2212]\s*")

COMPILED = {
    name: (
        re.compile(
            "|".join(
                f"(?P<p{index}>\\b(?:{pattern})(?![a-z0-9]))" for index, (pattern, _w) in enumerate(patterns)
            )
        ),
        [weight for _pattern, weight in patterns],
    )
    for name, patterns in LABELS.items()
}
ANY_LABEL = re.compile(
    r"(?:"
    + "|".join(f"(?:{pattern})" for patterns in LABELS.values() for pattern, _weight in patterns)
    + r"|siret|siren|tva|vat|ust|designation|description|quantite|qte|qty|menge|prix|price|betrag|bezeichnung"
    + r")(?![a-z0-9])"
)

# The recipient's address block: its label alone on its run, the name and address below it.
RECIPIENT_BLOCK = re.compile(
    r"(?:destinataire|client|adresse\s+de\s+facturation|facture\s+a|adresse\s+a|bill\s+to|customer"
    r"|rechnungsempfanger|kunde)\s*:?$"
)
POSTCODE = re.compile(r"^(?:f-)?(\d{5})\s+\D", re.IGNORECASE)
