import pytest

from annuaire.selectors import search_public_structures
from structures.enums import StructureStatus
from tests.factories import StructureFactory, valid_siret

pytestmark = pytest.mark.django_db


@pytest.fixture
def annuaire():
    """A few public structures and one private structure that must never show up."""
    return {
        "grenoble": StructureFactory(
            public=True,
            identifier=valid_siret(21380185),
            raison_sociale="Mairie de Grenoble",
            code_postal="38000",
            ville="Grenoble",
        ),
        "lyon": StructureFactory(
            public=True,
            identifier=valid_siret(69123456),
            raison_sociale="Métropole de Lyon",
            code_postal="69003",
            ville="Lyon",
        ),
        "paris": StructureFactory(
            public=True,
            identifier=valid_siret(75056000),
            raison_sociale="Commune de Paris",
            code_postal="75001",
            ville="Paris",
        ),
        "closed": StructureFactory(
            public=True,
            identifier=valid_siret(38999999),
            raison_sociale="Mairie annexe fermée",
            code_postal="38100",
            ville="Grenoble",
            status=StructureStatus.INACTIVE,
        ),
        "private": StructureFactory(
            identifier=valid_siret(38123456),
            raison_sociale="Mairie Services SARL",
            code_postal="38000",
            ville="Grenoble",
        ),
    }


def names(queryset):
    return sorted(structure.raison_sociale for structure in queryset)


def test_no_criterion_gives_no_result(annuaire):
    """An empty search returns nothing rather than the whole table."""
    assert not search_public_structures().exists()
    assert not search_public_structures(query="  ", identifier="*").exists()


def test_identifier_partial_match(annuaire):
    """Three digits or more from the middle of the identifier are enough."""
    siret = annuaire["lyon"].identifier
    assert names(search_public_structures(identifier=siret[3:9])) == ["Métropole de Lyon"]


def test_identifier_shorter_than_three_characters_is_ignored(annuaire):
    """A 2-character identifier does not become a filter that lists everything."""
    assert not search_public_structures(identifier="69").exists()


def test_identifier_with_spaces(annuaire):
    """A SIRET typed with spaces is found, in the identifier field and the free text."""
    siret = annuaire["paris"].identifier
    spaced = f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"
    assert names(search_public_structures(identifier=spaced)) == ["Commune de Paris"]
    assert names(search_public_structures(query=spaced)) == ["Commune de Paris"]


def test_identifier_wildcard_anchors_the_start(annuaire):
    """`2138*` starts with 2138; without `*` the digits may be anywhere."""
    prefix = annuaire["grenoble"].identifier[:5]
    assert names(search_public_structures(identifier=f"{prefix}*")) == ["Mairie de Grenoble"]


def test_raison_sociale_wildcards(annuaire):
    """`mair*` starts with, `*lyon*` contains, case-insensitively."""
    assert names(search_public_structures(raison_sociale="mair*")) == ["Mairie de Grenoble"]
    assert names(search_public_structures(raison_sociale="*lyon*")) == ["Métropole de Lyon"]
    assert names(search_public_structures(raison_sociale="*de*n*")) == [
        "Mairie de Grenoble",
        "Métropole de Lyon",
    ]


def test_raison_sociale_without_wildcard_is_partial(annuaire):
    assert names(search_public_structures(raison_sociale="de pari")) == ["Commune de Paris"]


def test_like_special_characters_are_literal(annuaire):
    """`%` and `_` typed by the user do not act as SQL wildcards."""
    assert not search_public_structures(raison_sociale="%").exists()
    assert not search_public_structures(raison_sociale="M_irie*").exists()


def test_city_and_postal_code(annuaire):
    assert names(search_public_structures(ville="grenoble")) == ["Mairie de Grenoble"]
    assert names(search_public_structures(code_postal="750*")) == ["Commune de Paris"]
    assert names(search_public_structures(code_postal="*003")) == ["Métropole de Lyon"]


def test_free_text_words_must_all_match(annuaire):
    """Each word matches one of identifier, raison sociale, city or postal code."""
    assert names(search_public_structures(query="mairie 38000")) == ["Mairie de Grenoble"]
    assert names(search_public_structures(query="lyon")) == ["Métropole de Lyon"]
    assert not search_public_structures(query="mairie lyon").exists()


def test_criteria_are_combined(annuaire):
    assert names(search_public_structures(raison_sociale="commune", ville="paris")) == ["Commune de Paris"]
    assert not search_public_structures(raison_sociale="commune", ville="lyon").exists()


def test_private_structures_are_never_listed(annuaire):
    """The annuaire lists public structures only, whatever the criterion."""
    siret = annuaire["private"].identifier
    assert not search_public_structures(identifier=siret).exists()
    assert "Mairie Services SARL" not in names(
        search_public_structures(raison_sociale="mairie*", active_only=False)
    )


def test_inactive_structures_only_on_request(annuaire):
    assert names(search_public_structures(ville="grenoble")) == ["Mairie de Grenoble"]
    assert names(search_public_structures(ville="grenoble", active_only=False)) == [
        "Mairie annexe fermée",
        "Mairie de Grenoble",
    ]


@pytest.mark.parametrize(
    "criteria",
    [
        {"query": "DEMOVILLE"},
        {"query": "saint etienne"},
        {"query": "SAINT-ETIENNE demoville"},
        {"raison_sociale": "cœur de demoville"},
        {"raison_sociale": "COEUR*"},
        {"ville": "st-etienne-du-bois"},
        {"ville": "ST ÉTIENNE*"},
    ],
)
def test_names_and_cities_are_found_whatever_their_accents_case_and_punctuation(criteria):
    StructureFactory(
        public=True, raison_sociale="Cœur de Démoville — Saint-Étienne", ville="St-Étienne-du-Bois"
    )
    StructureFactory(public=True, raison_sociale="Mairie de Lyon", ville="Lyon")
    assert names(search_public_structures(**criteria)) == ["Cœur de Démoville — Saint-Étienne"]


def test_renaming_a_structure_keeps_its_search_key():
    structure = StructureFactory(public=True, raison_sociale="Ancien nom", ville="Paris")
    structure.raison_sociale = "Élysée-Montmartre"
    structure.save(update_fields=["raison_sociale"])
    assert names(search_public_structures(query="elysee montmartre")) == ["Élysée-Montmartre"]


def test_the_substring_index_follows_creations_renamings_and_deletions(annuaire):
    """SQLite's trigram index (structures.search_index) is kept by triggers; a search through it
    finds exactly what the conditions find (PostgreSQL: its trigram indexes)."""
    from structures import search_index

    grenoble = annuaire["grenoble"]
    assert list(search_public_structures(query="grenob")) == [grenoble]
    grenoble.raison_sociale, grenoble.ville = "Mairie de Échirolles", "Échirolles"
    grenoble.save()
    assert list(search_public_structures(query="grenob")) == []
    assert list(search_public_structures(query="echirol")) == [grenoble]
    assert list(search_public_structures(ville="*chiro*")) == [grenoble]
    grenoble.delete()
    assert list(search_public_structures(query="echirol")) == []
    # A `migrate` that rebuilt the table dropped its triggers: ensure() puts them back and refills.
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER structures_structure_fts_update")
        search_index.ensure()
        lyon = annuaire["lyon"]
        lyon.raison_sociale = "Métropole de Villeurbanne"
        lyon.save()
        assert search_index.candidates(["VILLEURBANNE"], 10) == [lyon.pk]


def test_a_huge_result_set_is_counted_up_to_the_cap(client):
    from annuaire import selectors

    StructureFactory.create_batch(
        selectors.RESULTS_CAP + 2, public=True, raison_sociale="Centre communal d'action sociale"
    )
    results = search_public_structures(query="centre communal")
    assert selectors.count_capped(results) == selectors.RESULTS_CAP + 1
    page = client.get("/annuaire/", {"q": "centre communal"})
    assert "Plus de 1 000 structures publiques trouvées" in page.content.decode()
