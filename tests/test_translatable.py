"""Messages written now and read later are stored as msgid + parameters and shown in the reader's
language (choruspro.translatable); a stored plain text is shown as is."""

import datetime
import json
from decimal import Decimal

import pytest
from django.utils import translation

from choruspro import translatable
from choruspro.translatable import gettext, load, ngettext, render


def test_a_message_is_french_text_and_renders_in_the_active_language():
    message = gettext("Facture %(number)s déposée.") % {"number": "F-1"}
    assert message == "Facture F-1 déposée."  # the str value: French, as the API answers
    assert json.loads(message.stored) == {"msgid": "Facture %(number)s déposée.", "params": {"number": "F-1"}}
    with translation.override("en"):
        # %-formatting as well: the old call sites' `_("… %s") % message`.
        assert str(message) == f"{message}" == "%s" % message == "Invoice F-1 submitted."  # noqa: UP031
    with translation.override("fr"):
        assert str(message) == "Facture F-1 déposée."


def test_stored_text_loads_back_as_the_same_message_and_plain_text_stays_plain():
    message = gettext("%(done)d sur %(total)d") % {"done": 2, "total": 3}
    loaded = load(message.stored)
    assert isinstance(loaded, translatable.Message) and loaded.stored == message.stored
    with translation.override("en"):
        assert str(loaded) == "2 out of 3"
    for plain in ("Doublon", '{"a": 1}', "{pas du JSON", ""):
        assert load(plain) == plain and not isinstance(load(plain), translatable.Message)
        with translation.override("en"):
            assert render(plain) == plain


def test_numbers_and_dates_are_formatted_for_the_reader():
    message = gettext("Montant HT au taux de %(rate)s %%") % {"rate": Decimal("5.50")}
    assert message == "Montant HT au taux de 5,50 %"
    with translation.override("en"):
        assert str(message) == "Amount excl. VAT at the 5.50 % rate"
    dated = gettext("%(done)d sur %(total)d") % {"done": 1, "total": 1}
    assert "date" not in dated.stored
    assert translatable._encode(datetime.date(2026, 12, 2)) == {"date": "2026-12-02"}


def test_plural_joined_and_nested_messages():
    plural = ngettext("%(count)d fichier", "%(count)d fichiers", 3) % {"count": 3}
    assert plural == "3 fichiers"
    joined = translatable.join("\n", [gettext("Le fichier est vide."), "texte de l'utilisateur", ""])
    assert joined == "Le fichier est vide.\ntexte de l'utilisateur"
    with translation.override("en"):
        assert str(joined) == "The file is empty.\ntexte de l'utilisateur"
        assert str(load(joined.stored)) == str(joined)
    nested = gettext("Non trouvé de façon sûre dans le fichier, à saisir : %(fields)s.") % {
        "fields": translatable.join(", ", [gettext("numéro de facture"), gettext("destinataire")])
    }
    with translation.override("en"):
        assert str(nested) == str(load(nested.stored))
        assert "numéro" not in str(nested) and "destinataire" not in str(nested)
    assert translatable.join(" ", []) == "" and translatable.join(" ", ["seul"]) == "seul"


def test_a_message_whose_msgid_changed_since_is_shown_rather_than_failing():
    broken = load('{"msgid": "Ancien texte %(absent)s", "params": {}}')
    assert broken == "Ancien texte %(absent)s"
    with translation.override("en"):
        assert str(broken) == "Ancien texte %(absent)s"


@pytest.mark.django_db
def test_history_rows_with_messages_keep_their_chain(make_invoice):
    from choruspro import history
    from invoices.models import InvoiceEvent

    invoice = make_invoice()
    event = InvoiceEvent.objects.create(
        invoice=invoice, label=gettext("Mise à disposition de %(target)s") % {"target": "Mairie"}, who="x"
    )
    loaded = InvoiceEvent.objects.get(pk=event.pk)
    assert isinstance(loaded.label, translatable.Message)
    with translation.override("en"):
        assert str(loaded.label) == "Made available to Mairie"
        # The hash covers what is stored, not the reader's rendering.
        assert history.verify(InvoiceEvent).breaks == []
    assert history.verify(InvoiceEvent).breaks == []
