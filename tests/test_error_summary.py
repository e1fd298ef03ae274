"""A failed form opens on the DSFR summary of all its errors, each linked to its field."""

import re

import pytest
from django.urls import reverse

from accounts.forms import SetPasswordForm
from tests.accounts.test_signup import PERSONAL, step1

pytestmark = pytest.mark.django_db


def _summary(html: str) -> str:
    match = re.search(r"<div[^>]*data-error-summary.*?</ul>", html, re.S)
    assert match, "no error summary on the page"
    return match.group(0)


def test_signup_step_lists_every_error_with_a_link_to_its_field(client):
    """Three wrong fields: one summary, its count, one link per error to the field's input."""
    assert step1(client).status_code == 302
    response = client.post(
        reverse("accounts:signup_personal"), {**PERSONAL, "nom": "", "code_postal": "ABCDE", "ville": "1234"}
    )
    html = response.content.decode()
    summary = _summary(html)
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary
    assert "Le formulaire contient 3 erreurs" in summary
    links = re.findall(r'<a href="#([^"]+)">', summary)
    assert links == ["id_nom", "id_code_postal", "id_ville"]
    for anchor in links:
        assert f'id="{anchor}"' in html
    assert "Code postal : En France, le code postal compte cinq chiffres." in summary


def test_a_valid_or_unbound_form_has_no_summary(client):
    """Nothing to announce before a submit."""
    html = client.get(reverse("accounts:signup")).content.decode()
    assert "data-error-summary" not in html


def test_summary_is_translated(client):
    """The English page counts its errors in English."""
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert step1(client).status_code == 302
    response = client.post(reverse("accounts:signup_personal"), {**PERSONAL, "nom": ""})
    assert "The form has 1 error" in _summary(response.content.decode())


def test_a_mismatch_does_not_hide_a_weak_password():
    """Both errors at the first try: the format of each field is not checked one at a time."""
    form = SetPasswordForm({"password1": "abc", "password2": "abd"})
    assert not form.is_valid()
    assert set(form.errors) == {"password1", "password2"}
    assert len(form.error_summary()) >= 2


def test_the_page_loads_the_script_that_focuses_the_summary(client):
    """The focus is moved by a static file (the CSP forbids inline scripts)."""
    html = client.get(reverse("accounts:signup")).content.decode()
    assert "js/form-errors.js" in html
