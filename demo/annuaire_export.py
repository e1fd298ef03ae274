"""Deterministic generator of a realistic annuaire export (demo data, tests, benchmark).

The same seed always gives the same files, byte for byte: the committed fixtures
(demo/fixtures/demo_*.csv) are regenerated with `python -m demo.annuaire_export`.
The first rows are fixed entities, one per invoicing rule, that demos and tests rely on.
"""

import csv
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from stdnum import luhn

from annuaire.constants import SERVICE_COLUMNS, STRUCTURE_COLUMNS

FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures"
DEFAULT_SEED = 20240901
PHONE_PREFIX_BY_REGION_DIGIT = {"0": "01", "1": "01", "2": "03", "3": "04", "4": "02", "5": "02", "6": "04"}


@dataclass(frozen=True)
class City:
    name: str
    code_postal: str
    departement: str  # "de l'Isère", "du Rhône", "de la Drôme"…
    has_university: bool = False
    has_prefecture: bool = False

    @property
    def commune(self) -> str:
        if self.name.startswith("Le "):
            return f"du {self.name[3:]}"
        article = "d'" if self.name[0] in "AEIOUYÉÈÂÎ" else "de "
        return f"{article}{self.name}"


CITIES = (
    City("Grenoble", "38000", "de l'Isère", True, True),
    City("Saint-Martin-d'Hères", "38400", "de l'Isère", True),
    City("Échirolles", "38130", "de l'Isère"),
    City("Voiron", "38500", "de l'Isère"),
    City("Vienne", "38200", "de l'Isère"),
    City("Valence", "26000", "de la Drôme", True, True),
    City("Montélimar", "26200", "de la Drôme"),
    City("Lyon", "69003", "du Rhône", True, True),
    City("Villeurbanne", "69100", "du Rhône", True),
    City("Vénissieux", "69200", "du Rhône"),
    City("Saint-Étienne", "42000", "de la Loire", True, True),
    City("Roanne", "42300", "de la Loire"),
    City("Chambéry", "73000", "de la Savoie", True, True),
    City("Annecy", "74000", "de la Haute-Savoie", True, True),
    City("Clermont-Ferrand", "63000", "du Puy-de-Dôme", True, True),
    City("Paris", "75001", "de Paris", True, True),
    City("Paris", "75007", "de Paris"),
    City("Paris", "75013", "de Paris", True),
    City("Boulogne-Billancourt", "92100", "des Hauts-de-Seine"),
    City("Nanterre", "92000", "des Hauts-de-Seine", True, True),
    City("Créteil", "94000", "du Val-de-Marne", True, True),
    City("Versailles", "78000", "des Yvelines", True, True),
    City("Évry-Courcouronnes", "91000", "de l'Essonne", True, True),
    City("Marseille", "13001", "des Bouches-du-Rhône", True, True),
    City("Aix-en-Provence", "13100", "des Bouches-du-Rhône", True),
    City("Toulon", "83000", "du Var", True, True),
    City("Nice", "06000", "des Alpes-Maritimes", True, True),
    City("Avignon", "84000", "de Vaucluse", True, True),
    City("Montpellier", "34000", "de l'Hérault", True, True),
    City("Béziers", "34500", "de l'Hérault"),
    City("Nîmes", "30000", "du Gard", True, True),
    City("Perpignan", "66000", "des Pyrénées-Orientales", True, True),
    City("Toulouse", "31000", "de la Haute-Garonne", True, True),
    City("Albi", "81000", "du Tarn", False, True),
    City("Pau", "64000", "des Pyrénées-Atlantiques", True, True),
    City("Bayonne", "64100", "des Pyrénées-Atlantiques"),
    City("Bordeaux", "33000", "de la Gironde", True, True),
    City("Mérignac", "33700", "de la Gironde"),
    City("Limoges", "87000", "de la Haute-Vienne", True, True),
    City("Poitiers", "86000", "de la Vienne", True, True),
    City("La Rochelle", "17000", "de la Charente-Maritime", True, True),
    City("Nantes", "44000", "de la Loire-Atlantique", True, True),
    City("Saint-Nazaire", "44600", "de la Loire-Atlantique"),
    City("Angers", "49000", "de Maine-et-Loire", True, True),
    City("Le Mans", "72000", "de la Sarthe", True, True),
    City("Rennes", "35000", "d'Ille-et-Vilaine", True, True),
    City("Brest", "29200", "du Finistère", True),
    City("Quimper", "29000", "du Finistère", False, True),
    City("Vannes", "56000", "du Morbihan", True, True),
    City("Caen", "14000", "du Calvados", True, True),
    City("Rouen", "76000", "de la Seine-Maritime", True, True),
    City("Le Havre", "76600", "de la Seine-Maritime", True),
    City("Lille", "59000", "du Nord", True, True),
    City("Roubaix", "59100", "du Nord"),
    City("Dunkerque", "59140", "du Nord"),
    City("Arras", "62000", "du Pas-de-Calais", True, True),
    City("Amiens", "80000", "de la Somme", True, True),
    City("Reims", "51100", "de la Marne", True),
    City("Metz", "57000", "de la Moselle", True, True),
    City("Nancy", "54000", "de Meurthe-et-Moselle", True, True),
    City("Strasbourg", "67000", "du Bas-Rhin", True, True),
    City("Mulhouse", "68100", "du Haut-Rhin", True),
    City("Colmar", "68000", "du Haut-Rhin", False, True),
    City("Besançon", "25000", "du Doubs", True, True),
    City("Dijon", "21000", "de la Côte-d'Or", True, True),
    City("Orléans", "45000", "du Loiret", True, True),
    City("Tours", "37000", "d'Indre-et-Loire", True, True),
    City("Bourges", "18000", "du Cher", False, True),
    City("Ajaccio", "20000", "de la Corse-du-Sud", False, True),
    City("Fort-de-France", "97200", "de la Martinique", True, True),
    City("Saint-Denis", "97400", "de La Réunion", True, True),
)

PERSONS = (
    "Jean Moulin",
    "Victor Hugo",
    "Marie Curie",
    "Jules Ferry",
    "Louise Michel",
    "Simone Veil",
    "Jean Jaurès",
    "Pierre Mendès France",
    "Champollion",
    "Condorcet",
    "Gustave Eiffel",
    "Émile Zola",
    "George Sand",
    "Paul Langevin",
    "Olympe de Gouges",
    "Albert Camus",
    "Jacques Prévert",
    "Joséphine Baker",
)
# (name, seat) of intercommunalities; the seat must be in CITIES.
INTERCOMMUNALITIES = (
    ("Communauté de communes du Grésivaudan", "Grenoble"),
    ("Communauté de communes du Pays de Gex", "Annecy"),
    ("Communauté de communes du Val de Drôme", "Valence"),
    ("Communauté de communes du Pays Mornantais", "Lyon"),
    ("Communauté de communes du Bassin de Pompey", "Nancy"),
    ("Communauté de communes du Pays de Landerneau-Daoulas", "Brest"),
    ("Communauté de communes du Sundgau", "Mulhouse"),
    ("Communauté d'agglomération du Pays Voironnais", "Voiron"),
    ("Communauté d'agglomération Valence Romans Agglo", "Valence"),
    ("Communauté d'agglomération du Grand Chambéry", "Chambéry"),
    ("Communauté d'agglomération de La Rochelle", "La Rochelle"),
    ("Communauté d'agglomération du Pays Basque", "Bayonne"),
    ("Communauté urbaine du Grand Reims", "Reims"),
    ("Communauté urbaine Le Havre Seine Métropole", "Le Havre"),
    ("Métropole de Lyon", "Lyon"),
    ("Grenoble-Alpes Métropole", "Grenoble"),
    ("Bordeaux Métropole", "Bordeaux"),
    ("Nantes Métropole", "Nantes"),
    ("Métropole Européenne de Lille", "Lille"),
    ("Toulouse Métropole", "Toulouse"),
    ("Eurométropole de Strasbourg", "Strasbourg"),
)
MINISTRIES = (
    (
        "Ministère des Armées",
        (
            "Direction des affaires financières",
            "Service du commissariat des armées",
            "Direction générale de l'armement",
        ),
    ),
    ("Ministère de l'Intérieur", ("Direction de l'évaluation de la performance", "Direction du numérique")),
    (
        "Ministère de l'Éducation nationale",
        ("Direction des affaires financières", "Direction du numérique pour l'éducation"),
    ),
    ("Ministère de la Culture", ("Direction générale des patrimoines", "Secrétariat général")),
    ("Ministère de la Justice", ("Direction de l'administration pénitentiaire", "Secrétariat général")),
    (
        "Ministère de l'Économie et des Finances",
        ("Direction des achats de l'État", "Direction générale des finances publiques"),
    ),
)
STREETS = (
    "place de la Mairie",
    "place de l'Hôtel de Ville",
    "rue de la République",
    "avenue du Général de Gaulle",
    "boulevard Gambetta",
    "rue Pasteur",
    "rue Victor Hugo",
    "avenue Jean Jaurès",
    "rue des Écoles",
    "quai de la Préfecture",
    "cours de la Libération",
    "rue du 8 Mai 1945",
    "allée des Tilleuls",
    "chemin des Acacias",
)
SERVICE_CATALOG = {
    "commune": (
        ("SERVICE_FINANCES", "Service des finances"),
        ("SCOLAIRE", "Affaires scolaires"),
        ("TECHNIQUE", "Services techniques"),
        ("URBANISME", "Urbanisme"),
        ("CULTURE", "Affaires culturelles"),
        ("SPORTS", "Service des sports"),
        ("DSI", "Direction des systèmes d'information"),
        ("RH", "Ressources humaines"),
    ),
    "departement": (
        ("SERVICE_FINANCES", "Direction des finances"),
        ("ROUTES", "Direction des routes"),
        ("COLLEGES", "Direction de l'éducation et des collèges"),
        ("SOCIAL", "Direction de l'action sociale"),
        ("DSI", "Direction des systèmes d'information"),
        ("FACTURES_PUBLIQUES", "Factures entre entités publiques"),
    ),
    "hopital": (
        ("PHARMACIE", "Pharmacie à usage intérieur"),
        ("BIOMEDICAL", "Service biomédical"),
        ("RESTAURATION", "Restauration"),
        ("TRAVAUX", "Direction des travaux"),
        ("DSI", "Direction des systèmes d'information"),
    ),
    "etablissement": (
        ("INTENDANCE", "Intendance"),
        ("CDI", "Centre de documentation et d'information"),
        ("RESTAURATION", "Restauration scolaire"),
    ),
    "universite": (
        ("AGENCE_COMPTABLE", "Agence comptable"),
        ("BIBLIOTHEQUE", "Service commun de la documentation"),
        ("DSI", "Direction du numérique"),
        ("RECHERCHE", "Direction de la recherche"),
        ("PATRIMOINE", "Direction du patrimoine immobilier"),
    ),
    "etat": (
        ("ACHATS", "Plateforme achats"),
        ("DSI", "Direction du numérique"),
        ("LOGISTIQUE", "Soutien logistique"),
        ("FACTURES_PUBLIQUES", "Factures entre entités publiques"),
    ),
    "epci": (
        ("SERVICE_FINANCES", "Direction des finances"),
        ("DECHETS", "Collecte et traitement des déchets"),
        ("EAU", "Eau et assainissement"),
        ("MOBILITES", "Mobilités"),
    ),
}
# First public-sector digit of the SIREN (catégorie juridique): 1 State, 2 local authorities
# and public bodies; the exact values only need to look plausible.
SIREN_PREFIX = {
    "commune": "21",
    "departement": "22",
    "region": "23",
    "epci": "24",
    "syndicat": "25",
    "hopital": "26",
    "etablissement": "19",
    "universite": "19",
    "etat": "11",
    "ccas": "26",
}


@dataclass
class DemoStructure:
    identifier: str
    raison_sociale: str
    category: str
    city: City
    identifier_type_code: str = "1"
    engagement_required: bool = False
    code_service_required: bool = False
    service_or_engagement_required: bool = False
    reports_mise_en_paiement: bool = True
    emetteur_edi: bool = False
    recepteur_edi: bool = False
    is_moa: bool = False
    is_moa_only: bool = False
    active: bool = True
    adresse: str = ""
    complement: str = ""
    telephone: str = ""
    email: str = ""
    pays: tuple[str, str] = ("FR", "France")
    services: list[tuple[str, str, bool, bool]] = field(default_factory=list)


def make_siret(rng: random.Random, prefix: str) -> str:
    """A SIRET whose SIREN (9 digits) and SIRET (14 digits) both pass the Luhn check."""
    body = prefix + "".join(rng.choice("0123456789") for _ in range(8 - len(prefix)))
    siren = body + luhn.calc_check_digit(body)
    establishment = f"{rng.choice((1, 1, 1, 2, 10, 15, 21, 37)):04d}"
    return siren + establishment + luhn.calc_check_digit(siren + establishment)


def _slug(text: str) -> str:
    keep = []
    for char in text.lower():
        char = {"é": "e", "è": "e", "ê": "e", "à": "a", "â": "a", "ô": "o", "î": "i", "ç": "c", "û": "u"}.get(
            char, char
        )
        keep.append(char if char.isalnum() else "-")
    return "-".join(part for part in "".join(keep).split("-") if part)


def _fill_contact(rng: random.Random, structure: DemoStructure) -> None:
    structure.adresse = f"{rng.randint(1, 120)} {rng.choice(STREETS)}"
    if rng.random() < 0.2:
        structure.complement = rng.choice(("BP 123", "CS 40001", "Bâtiment A", "2e étage"))
    prefix = PHONE_PREFIX_BY_REGION_DIGIT.get(structure.city.code_postal[0], "05")
    structure.telephone = prefix + "".join(rng.choice("0123456789") for _ in range(8))
    if rng.random() < 0.7:
        structure.email = f"factures@{_slug(structure.city.name)}-{structure.category}.example.fr"


def _pick_requirements(rng: random.Random, structure: DemoStructure) -> None:
    draw = rng.random()
    if structure.category == "etat":
        # The State checks engagements (domain §3.3, S6 rule 1).
        structure.engagement_required = True
        structure.code_service_required = draw < 0.5
    elif draw < 0.30:
        structure.code_service_required = True
    elif draw < 0.45:
        structure.engagement_required = True
    elif draw < 0.60:
        structure.service_or_engagement_required = True
    elif draw < 0.65:
        structure.code_service_required = structure.engagement_required = True
    structure.reports_mise_en_paiement = rng.random() < 0.8
    structure.emetteur_edi = rng.random() < 0.05
    structure.recepteur_edi = rng.random() < 0.08
    structure.is_moa = (
        structure.category in ("commune", "departement", "epci", "hopital") and rng.random() < 0.3
    )
    structure.is_moa_only = structure.is_moa and rng.random() < 0.1
    structure.active = rng.random() > 0.03


def _pick_services(rng: random.Random, structure: DemoStructure) -> None:
    catalog = SERVICE_CATALOG.get(structure.category, SERVICE_CATALOG["commune"])
    needs_services = structure.code_service_required or structure.service_or_engagement_required
    if not needs_services and rng.random() < 0.6:
        return
    count = rng.randint(1, len(catalog))
    for code, libelle in rng.sample(catalog, count):
        structure.services.append((code, libelle, rng.random() < 0.2, rng.random() > 0.05))
    if needs_services and not any(active for *_, active in structure.services):
        code, libelle, engagement, _active = structure.services[0]
        structure.services[0] = (code, libelle, engagement, True)


def _fixed_structures(rng: random.Random) -> list[DemoStructure]:
    """One entity per invoicing rule, always the first rows, whatever `count` is."""
    by_name = {(city.name, city.code_postal): city for city in CITIES}
    grenoble = DemoStructure(
        make_siret(rng, "21"), "Commune de Grenoble", "commune", by_name[("Grenoble", "38000")]
    )
    grenoble.code_service_required = True
    grenoble.is_moa = True
    grenoble.services = [
        ("SERVICE_FINANCES", "Service des finances", False, True),
        ("SCOLAIRE", "Affaires scolaires", False, True),
        ("TECHNIQUE", "Services techniques", True, True),
        ("DSI", "Direction des systèmes d'information", False, True),
        ("ANCIEN_SERVICE", "Ancien service (fermé)", False, False),
    ]
    isere = DemoStructure(
        make_siret(rng, "22"), "Département de l'Isère", "departement", by_name[("Grenoble", "38000")]
    )
    isere.engagement_required = True
    isere.services = [
        ("SERVICE_FINANCES", "Direction des finances", False, True),
        ("COLLEGES", "Direction de l'éducation et des collèges", False, True),
    ]
    valence = DemoStructure(
        make_siret(rng, "26"), "Centre hospitalier de Valence", "hopital", by_name[("Valence", "26000")]
    )
    valence.service_or_engagement_required = True
    valence.services = [
        ("PHARMACIE", "Pharmacie à usage intérieur", True, True),
        ("RESTAURATION", "Restauration", False, True),
    ]
    lycee = DemoStructure(
        make_siret(rng, "19"), "Lycée Jean Moulin", "etablissement", by_name[("Lyon", "69003")]
    )
    lycee.reports_mise_en_paiement = False
    ancienne = DemoStructure(
        make_siret(rng, "25"),
        "Syndicat intercommunal des eaux de la Vallée (dissous)",
        "syndicat",
        by_name[("Voiron", "38500")],
    )
    ancienne.active = False
    fixed = [grenoble, isere, valence, lycee, ancienne]
    for structure in fixed:
        _fill_contact(rng, structure)
    return fixed


def _random_structure(rng: random.Random) -> DemoStructure:
    city = rng.choice(CITIES)
    category = rng.choices(
        (
            "commune",
            "ccas",
            "departement",
            "hopital",
            "etablissement",
            "universite",
            "etat",
            "epci",
            "syndicat",
        ),
        weights=(30, 6, 4, 8, 22, 4, 6, 8, 4),
    )[0]
    if category == "commune":
        # The export spells communes both ways; "mair*" must find some.
        name = f"{rng.choice(('Commune', 'Commune', 'Mairie'))} {city.commune}"
    elif category == "ccas":
        name = f"Centre communal d'action sociale {city.commune}"
    elif category == "departement":
        name = rng.choice(
            (
                f"Département {city.departement}",
                f"Service départemental d'incendie et de secours {city.departement}",
            )
        )
    elif category == "hopital":
        name = rng.choice(
            (
                f"Centre hospitalier {city.commune}",
                f"Centre hospitalier universitaire {city.commune}",
                f"EHPAD {city.commune}",
            )
        )
    elif category == "etablissement":
        kind = rng.choice(("Lycée", "Lycée professionnel", "Collège", "Collège"))
        name = f"{kind} {rng.choice(PERSONS)}"
    elif category == "universite":
        name = rng.choice(
            (f"Université {city.commune}", f"Centre régional des œuvres universitaires {city.commune}")
        )
    elif category == "etat":
        ministry, directions = rng.choice(MINISTRIES)
        name = f"{ministry} — {rng.choice(directions)}"
        if rng.random() < 0.5:
            name = f"{name} — {city.name}"
    elif category == "epci":
        name, seat = rng.choice(INTERCOMMUNALITIES)
        city = next(candidate for candidate in CITIES if candidate.name == seat)
    else:
        name = rng.choice(
            (
                f"Syndicat intercommunal des eaux {city.commune}",
                f"Office public de l'habitat {city.commune}",
                f"Syndicat mixte des transports {city.commune}",
            )
        )
    structure = DemoStructure(make_siret(rng, SIREN_PREFIX[category]), name, category, city)
    _pick_requirements(rng, structure)
    _fill_contact(rng, structure)
    _pick_services(rng, structure)
    return structure


def _overseas_structures(rng: random.Random) -> list[DemoStructure]:
    """Two public entities identified without a SIRET (RIDET, numéro TAHITI; domain §7.1)."""
    noumea = City("Nouméa", "98800", "de la Nouvelle-Calédonie")
    papeete = City("Papeete", "98714", "de la Polynésie française")
    province = DemoStructure(
        f"{rng.randint(100000, 999999):07d}001", "Province Sud", "region", noumea, identifier_type_code="4"
    )
    province.pays = ("NC", "Nouvelle-Calédonie")
    polynesie = DemoStructure(
        f"{rng.choice('ABCDEFGH')}{rng.randint(10000, 99999)}001",
        "Centre hospitalier de la Polynésie française",
        "hopital",
        papeete,
        identifier_type_code="5",
    )
    polynesie.pays = ("PF", "Polynésie française")
    for structure in (province, polynesie):
        _pick_requirements(rng, structure)
        structure.active = True
        _fill_contact(rng, structure)
    return [province, polynesie]


def _name_key(structure: DemoStructure) -> tuple[str, str]:
    # Schools named after the same person exist in many towns; other names are unique, and a
    # commune appears once whether spelled "Commune de" or "Mairie de".
    if structure.category == "commune":
        return ("commune", structure.city.code_postal)
    return (
        structure.raison_sociale,
        structure.city.code_postal if structure.category == "etablissement" else "",
    )


def generate_structures(count: int = 600, seed: int = DEFAULT_SEED) -> list[DemoStructure]:
    rng = random.Random(seed)  # noqa: S311 -- demo data, not secrets
    structures = _fixed_structures(rng) + _overseas_structures(rng)
    seen_identifiers = {structure.identifier for structure in structures}
    seen_names = {_name_key(structure) for structure in structures}
    # Big counts (benchmark) exhaust the realistic names: then duplicates are accepted.
    unique_names = count <= 2000
    attempts = 0
    while len(structures) < count:
        attempts += 1
        structure = _random_structure(rng)
        name_key = _name_key(structure)
        if structure.identifier in seen_identifiers:
            continue
        if unique_names and name_key in seen_names and attempts < count * 20:
            continue
        seen_identifiers.add(structure.identifier)
        seen_names.add(name_key)
        structures.append(structure)
    return structures[:count]


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _structure_rows(structures: list[DemoStructure]) -> Iterator[list[str]]:
    for s in structures:
        yield [
            s.identifier_type_code,
            s.identifier,
            s.raison_sociale,
            _flag(s.emetteur_edi),
            _flag(s.recepteur_edi),
            _flag(s.reports_mise_en_paiement),
            _flag(s.engagement_required),
            _flag(s.code_service_required),
            _flag(s.service_or_engagement_required),
            _flag(s.is_moa),
            _flag(s.is_moa_only),
            _flag(s.active),
            s.adresse,
            s.complement,
            "",
            s.city.code_postal,
            s.city.name,
            s.telephone,
            s.email,
            *s.pays,
        ]


def _service_rows(structures: list[DemoStructure]) -> Iterator[list[str]]:
    for s in structures:
        for code, libelle, engagement_required, active in s.services:
            yield [s.identifier, code, libelle, _flag(engagement_required), _flag(active)]


def _write(path: str | Path, header: tuple[str, ...], rows: Iterator[list[str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, delimiter=";", lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def generate_structures_csv(
    path: str | Path, count: int = 600, seed: int = DEFAULT_SEED
) -> list[DemoStructure]:
    structures = generate_structures(count, seed)
    _write(path, STRUCTURE_COLUMNS, _structure_rows(structures))
    return structures


def generate_services_csv(path: str | Path, count: int = 600, seed: int = DEFAULT_SEED) -> int:
    """Writes the services of the same structures (same count and seed); returns the row count."""
    rows = list(_service_rows(generate_structures(count, seed)))
    _write(path, SERVICE_COLUMNS, iter(rows))
    return len(rows)


def write_fixtures() -> None:
    generate_structures_csv(FIXTURES_DIR / "demo_structures.csv")
    generate_services_csv(FIXTURES_DIR / "demo_services.csv")


if __name__ == "__main__":
    write_fixtures()
    sys.stdout.write(f"Fichiers écrits dans {FIXTURES_DIR}\n")
