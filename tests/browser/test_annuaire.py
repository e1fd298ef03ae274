import re

import pytest
from playwright.sync_api import expect

from demo.annuaire import load_demo_annuaire

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_as_you_type_then_open_a_structure(page):
    """Typing filters the annuaire without a page load; the detail page states the requirements."""
    load_demo_annuaire()
    page.goto("/annuaire/")
    expect(page.get_by_test_id("annuaire-prompt")).to_be_visible()
    # A marker on window survives only if htmx swaps the results instead of reloading the page.
    page.evaluate("window.__noReload = true")

    page.get_by_label("Recherche", exact=False).first.fill("grenoble")
    results = page.get_by_test_id("annuaire-results")
    expect(results).to_contain_text("Commune de Grenoble")
    expect(page.get_by_test_id("annuaire-count")).to_contain_text("trouvée")
    assert page.evaluate("window.__noReload") is True
    expect(page).to_have_url(re.compile(r"q=grenoble"))

    page.get_by_label("Identifiant (SIRET…)").fill("21")
    expect(page.locator("#id_identifiant-messages")).to_contain_text("Saisissez au moins 3 caractères")
    page.get_by_label("Identifiant (SIRET…)").fill("")
    expect(page.locator("#id_identifiant-messages")).to_be_empty()

    results.get_by_role("link", name="Commune de Grenoble").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Commune de Grenoble")
    requirements = page.get_by_test_id("invoice-requirements")
    expect(requirements).to_contain_text("Code service : obligatoire")
    expect(page.get_by_test_id("structure-services")).to_contain_text("SERVICE_FINANCES")
    expect(page.get_by_test_id("structure-identifier")).to_have_text("21879844500373")


def test_search_form_layout(page):
    """Criteria on one row at one height, lined up with the search field, the legend clear of the
    inputs around it; the home page's annuaire card is as tall as its text, not the column."""
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/annuaire/")
    search = page.locator("#id_q").bounding_box()
    # The legend's text, not its box (whose padding is the very space checked).
    legend = page.evaluate(
        """() => { const range = document.createRange();
        range.selectNodeContents(document.querySelector('[data-testid=annuaire-criteria] legend'));
        const box = range.getBoundingClientRect(); return {y: box.y, height: box.height}; }"""
    )
    first_label = page.locator("label[for=id_identifiant]").bounding_box()
    inputs = [
        page.locator(f"#id_{name}").bounding_box()
        for name in ("identifiant", "raison_sociale", "ville", "code_postal")
    ]
    assert len({round(box["y"]) for box in inputs}) == 1
    assert round(inputs[0]["x"]) == round(search["x"])
    assert legend["y"] - (search["y"] + search["height"]) >= 16
    assert first_label["y"] - (legend["y"] + legend["height"]) >= 8
    page.goto("/")
    card = page.locator(".fr-card", has_text="Rechercher une structure publique").bounding_box()
    assert card["height"] < 250
