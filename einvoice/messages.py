"""Validation findings in plain French. The rule id always stays with the message, and the
validator's own text is kept when we have no wording of ours."""

import re

# The rules suppliers break most often (EN 16931 and its calculation rules).
KNOWN = {
    "BR-01": "Le profil de la facture (BT-24) manque.",
    "BR-02": "Le numéro de facture (BT-1) manque.",
    "BR-03": "La date de facture (BT-2) manque.",
    "BR-04": "Le type de facture (BT-3) manque.",
    "BR-05": "La devise de la facture (BT-5) manque.",
    "BR-06": "Le nom du vendeur (BT-27) manque.",
    "BR-07": "Le nom de l'acheteur (BT-44) manque.",
    "BR-08": "L'adresse du vendeur (BG-5) manque.",
    "BR-09": "Le code pays du vendeur (BT-40) manque.",
    "BR-10": "L'adresse de l'acheteur (BG-8) manque.",
    "BR-11": "Le code pays de l'acheteur (BT-55) manque.",
    "BR-12": "Le total des lignes HT (BT-106) manque.",
    "BR-13": "Le total HT (BT-109) manque.",
    "BR-14": "Le total TTC (BT-112) manque.",
    "BR-15": "Le montant à payer (BT-115) manque.",
    "BR-16": "La facture doit comporter au moins une ligne.",
    "BR-CO-10": "Le total des lignes HT (BT-106) n'est pas la somme des montants des lignes (BT-131).",
    "BR-CO-11": "Le total des remises de document (BT-107) n'est pas la somme des remises.",
    "BR-CO-12": "Le total des frais de document (BT-108) n'est pas la somme des frais.",
    "BR-CO-13": "Le total HT (BT-109) ne correspond pas aux lignes, remises et frais.",
    "BR-CO-14": "Le total de TVA (BT-110) n'est pas la somme des TVA par taux (BT-117).",
    "BR-CO-15": "Le total TTC (BT-112) n'est pas égal au total HT (BT-109) plus la TVA (BT-110).",
    "BR-CO-16": "Le montant à payer (BT-115) n'est pas le TTC moins l'acompte versé, plus l'arrondi.",
    "BR-CO-17": "La TVA d'un taux (BT-117) n'est pas la base (BT-116) multipliée par le taux, arrondie.",
    "BR-CO-18": "La facture doit comporter au moins un récapitulatif de TVA (BG-23).",
    "BR-CO-25": "Un montant à payer positif demande une date d'échéance ou des conditions de paiement.",
    "BR-S-02": "Une ligne au taux normal demande le numéro de TVA du vendeur (BT-31).",
    "BR-S-08": "La base de TVA au taux normal ne correspond pas aux lignes de ce taux.",
    "BR-AE-02": "L'autoliquidation demande les numéros de TVA du vendeur et de l'acheteur.",
    "BR-E-02": "Une ligne exonérée demande un identifiant fiscal du vendeur (BT-31 ou BT-32).",
    "BR-E-10": "Une exonération doit en donner le motif (BT-120 ou BT-121).",
}

FAMILIES = (
    ("BR-FR-", "Règle française de la réforme 2026"),
    ("BR-CO-", "Règle de calcul EN 16931"),
    ("BR-DEC-", "Règle de décimales EN 16931"),
    ("BR-", "Règle EN 16931"),
    ("FX-", "Règle Factur-X"),
    ("PEPPOL-", "Règle Peppol"),
    ("CII-", "Règle de syntaxe CII"),
    ("UBL-", "Règle de syntaxe UBL"),
)


def french(rule: str, text: str) -> str:
    key = re.sub(r"^\[|\]$", "", rule.strip())
    if key in KNOWN:
        return KNOWN[key]
    family = next((label for prefix, label in FAMILIES if key.startswith(prefix)), "Règle")
    original = re.sub(r"^\[[^\]]+\]-?\s*", "", text)
    return f"{family} non respectée : {original}" if original else f"{family} non respectée."
