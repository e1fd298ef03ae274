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
    "BR-17": "Le nom du bénéficiaire du paiement (BT-59) manque, alors qu'il diffère du vendeur.",
    "BR-18": "Le nom du représentant fiscal du vendeur (BT-62) manque.",
    "BR-19": "L'adresse du représentant fiscal du vendeur (BG-12) manque.",
    "BR-20": "Le code pays du représentant fiscal du vendeur (BT-69) manque.",
    "BR-21": "Chaque ligne doit avoir un identifiant (BT-126).",
    "BR-22": "Chaque ligne doit indiquer une quantité facturée (BT-129).",
    "BR-23": "Chaque ligne doit indiquer l'unité de sa quantité (BT-130).",
    "BR-24": "Chaque ligne doit indiquer son montant net (BT-131).",
    "BR-25": "Chaque ligne doit nommer l'article facturé (BT-153).",
    "BR-26": "Chaque ligne doit indiquer le prix net de l'article (BT-146).",
    "BR-27": "Le prix net d'un article (BT-146) ne peut pas être négatif.",
    "BR-28": "Le prix brut d'un article (BT-148) ne peut pas être négatif.",
    "BR-29": "La fin de la période de facturation (BT-74) précède son début (BT-73).",
    "BR-30": "La fin de la période d'une ligne (BT-135) précède son début (BT-134).",
    "BR-31": "Une remise de document doit en donner le montant (BT-92).",
    "BR-32": "Une remise de document doit en donner la catégorie de TVA (BT-95).",
    "BR-33": "Une remise de document doit en donner le motif (BT-97) ou son code (BT-98).",
    "BR-36": "Des frais de document doivent en donner le montant (BT-99).",
    "BR-37": "Des frais de document doivent en donner la catégorie de TVA (BT-102).",
    "BR-38": "Des frais de document doivent en donner le motif (BT-104) ou son code (BT-105).",
    "BR-41": "Une remise de ligne doit en donner le montant (BT-136).",
    "BR-42": "Une remise de ligne doit en donner le motif (BT-139) ou son code (BT-140).",
    "BR-43": "Des frais de ligne doivent en donner le montant (BT-141).",
    "BR-44": "Des frais de ligne doivent en donner le motif (BT-144) ou son code (BT-145).",
    "BR-45": "Chaque récapitulatif de TVA doit donner sa base (BT-116).",
    "BR-46": "Chaque récapitulatif de TVA doit donner le montant de la TVA (BT-117).",
    "BR-47": "Chaque récapitulatif de TVA doit donner sa catégorie (BT-118).",
    "BR-48": "Chaque récapitulatif de TVA doit donner son taux (BT-119), sauf hors champ (O).",
    "BR-49": "Le moyen de paiement doit être indiqué par son code (BT-81).",
    "BR-50": "Un virement doit indiquer le compte du bénéficiaire (BT-84, l'IBAN).",
    "BR-52": "Chaque pièce justificative référencée doit avoir une référence (BT-122).",
    "BR-53": "La devise de comptabilisation (BT-6) demande le total de TVA dans cette devise (BT-111).",
    "BR-55": "Chaque référence à une facture antérieure doit en donner le numéro (BT-25).",
    "BR-56": "Le représentant fiscal du vendeur doit avoir un numéro de TVA (BT-63).",
    "BR-57": "L'adresse de livraison doit comporter un code pays (BT-80).",
    "BR-61": "Un virement doit indiquer le compte du bénéficiaire (BT-84).",
    "BR-62": "L'adresse électronique du vendeur (BT-34) doit indiquer son schéma d'identification.",
    "BR-63": "L'adresse électronique de l'acheteur (BT-49) doit indiquer son schéma d'identification.",
    "BR-64": "L'identifiant normalisé d'un article (BT-157) doit indiquer son schéma.",
    "BR-65": "La classification d'un article (BT-158) doit indiquer son schéma.",
    "BR-CO-03": "La date d'exigibilité de la TVA (BT-7) et son code (BT-8) s'excluent : n'en donnez qu'un.",
    "BR-CO-04": "Chaque ligne doit indiquer la catégorie de TVA de l'article (BT-151).",
    "BR-CO-09": "Un numéro de TVA doit commencer par le code pays (FR, DE…).",
    "BR-CO-10": "Le total des lignes HT (BT-106) n'est pas la somme des montants des lignes (BT-131).",
    "BR-CO-11": "Le total des remises de document (BT-107) n'est pas la somme des remises.",
    "BR-CO-12": "Le total des frais de document (BT-108) n'est pas la somme des frais.",
    "BR-CO-13": "Le total HT (BT-109) ne correspond pas aux lignes, remises et frais.",
    "BR-CO-14": "Le total de TVA (BT-110) n'est pas la somme des TVA par taux (BT-117).",
    "BR-CO-15": "Le total TTC (BT-112) n'est pas égal au total HT (BT-109) plus la TVA (BT-110).",
    "BR-CO-16": "Le montant à payer (BT-115) n'est pas le TTC moins l'acompte versé, plus l'arrondi.",
    "BR-CO-17": "La TVA d'un taux (BT-117) n'est pas la base (BT-116) multipliée par le taux, arrondie.",
    "BR-CO-18": "La facture doit comporter au moins un récapitulatif de TVA (BG-23).",
    "BR-CO-19": "Une période de facturation doit avoir une date de début (BT-73) ou de fin (BT-74).",
    "BR-CO-25": "Un montant à payer positif demande une date d'échéance ou des conditions de paiement.",
    "BR-CO-26": "Le vendeur doit être identifié : identifiant (BT-29), SIRET (BT-30) ou n° de TVA (BT-31).",
    "BR-CL-01": "Le type de facture (BT-3) n'est pas un code de la liste UNTDID 1001 (380, 381…).",
    "BR-CL-03": "Le code de devise n'est pas un code ISO 4217 (EUR…).",
    "BR-CL-04": "Le code de devise de la facture (BT-5) n'est pas un code ISO 4217 (EUR…).",
    "BR-CL-14": "Le code pays n'est pas un code ISO 3166 (FR, DE…).",
    "BR-CL-16": "Le code du moyen de paiement (BT-81) n'est pas dans la liste UNTDID 4461.",
    "BR-CL-23": "Le code d'unité de la quantité (BT-130) n'est pas dans la liste UN/ECE 20 ou 21.",
    "BR-CL-25": "Le schéma de l'adresse électronique (BT-34, BT-49) n'est pas dans la liste EAS.",
    "BR-S-01": "Une ligne au taux normal (S) demande un récapitulatif de TVA de catégorie S.",
    "BR-S-02": "Une ligne au taux normal demande le numéro de TVA du vendeur (BT-31).",
    "BR-S-05": "Le taux d'une ligne au taux normal (S) doit être supérieur à zéro.",
    "BR-S-08": "La base de TVA au taux normal ne correspond pas aux lignes de ce taux.",
    "BR-S-09": "La TVA au taux normal n'est pas la base multipliée par le taux, arrondie.",
    "BR-S-10": "Le taux normal (S) n'admet pas de motif d'exonération.",
    "BR-Z-01": "Une ligne au taux zéro (Z) demande un récapitulatif de TVA de catégorie Z.",
    "BR-Z-02": "Une ligne au taux zéro demande le numéro de TVA du vendeur (BT-31).",
    "BR-E-01": "Une ligne exonérée (E) demande un récapitulatif de TVA de catégorie E.",
    "BR-E-02": "Une ligne exonérée demande un identifiant fiscal du vendeur (BT-31 ou BT-32).",
    "BR-E-10": "Une exonération doit en donner le motif (BT-120 ou BT-121).",
    "BR-AE-01": "Une ligne en autoliquidation (AE) demande un récapitulatif de TVA de catégorie AE.",
    "BR-AE-02": "L'autoliquidation demande les numéros de TVA du vendeur et de l'acheteur.",
    "BR-AE-10": "L'autoliquidation doit en donner la mention (BT-120) ou le code (BT-121, VATEX-EU-AE).",
    "BR-K-02": "Une livraison intracommunautaire (K) demande les numéros de TVA du vendeur et de l'acheteur.",
    "BR-K-10": "Une livraison intracommunautaire doit en donner le motif (BT-120 ou BT-121).",
    "BR-G-02": "Une exportation hors UE (G) demande le numéro de TVA du vendeur (BT-31).",
    "BR-G-10": "Une exportation doit en donner le motif d'exonération (BT-120 ou BT-121).",
    "BR-O-02": "Une ligne hors champ de la TVA (O) exclut les numéros de TVA du vendeur et de l'acheteur.",
    "BR-O-10": "Hors champ de la TVA (O) : le motif d'exonération doit être donné (BT-120 ou BT-121).",
}

XSD = "Le fichier ne respecte pas le schéma XSD : %(text)s"

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


def explain(rule: str, text: str) -> tuple[str, dict]:
    """The explanation of a finding as a French sentence with `%(text)s` placeholders and its
    parameters, so that the portal can show it in the reader's language: ours for the common
    rules, also when a Factur-X rule (FX-SCH-A-…) carries the EN 16931 one it checks at the head
    of its text ("[BR-CO-10]-…"); otherwise the rule's family and the validator's own text."""
    key = re.sub(r"^\[|\]$", "", rule.strip())
    quoted = re.match(r"\[([A-Z0-9-]+)\]", text)
    for candidate in (key, quoted.group(1) if quoted else None):
        if candidate in KNOWN:
            return KNOWN[candidate], {}
    if key == "XSD":
        return XSD, {"text": text}
    family = next((label for prefix, label in FAMILIES if key.startswith(prefix)), "Règle")
    original = re.sub(r"^\[[^\]]+\]-?\s*", "", text)
    if original:
        return f"{family} non respectée : %(text)s", {"text": original}
    return f"{family} non respectée.", {}


def french(rule: str, text: str) -> str:
    """The explanation of a finding, in French."""
    sentence, params = explain(rule, text)
    return sentence % params if params else sentence
