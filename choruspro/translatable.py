"""Messages the portal writes now and someone reads later (« message traduisible », glossaire).

A worker, a service or a history writes a sentence once; a user reads it later, in his own
language. So the sentence is stored as its gettext msgid (the French source) and its parameters,
as JSON, and translated when it is shown: `Message` is that sentence. It is a `str` holding the
French text, so that code treating it as text (comparisons, `in`, JSON answers of the API, which
speak French like Chorus Pro) is unchanged; `str()` and templates render it in the active
language (the reader's: the request's, or the recipient's for an e-mail).

Writers use `gettext` and `ngettext` of this module in place of Django's (`_("…") % {…}` keeps
its shape); model fields `TranslatableTextField` / `TranslatableCharField` store and load them.
A stored plain text (rows written before, a user's own words) stays plain text, shown as is.

This module is low-level on purpose: every app may import it, it imports no app.
"""

import datetime
import json
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import formats, translation
from django.utils.functional import Promise

# The keys that tell a stored message from a plain text that happens to be JSON.
_KINDS = ("msgid", "join")


def _encode(value):
    """A parameter as JSON: numbers and dates keep their type, to be formatted for the reader."""
    if isinstance(value, Message):
        return value.as_json()
    if isinstance(value, Promise):
        # A lazy label (an enum's): its msgid is its French rendering.
        with translation.override(settings.LANGUAGE_CODE):
            return {"msgid": str(value)}
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal | float):
        return {"decimal": format(Decimal(str(value)), "f")}
    if isinstance(value, datetime.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"date": value.isoformat()}
    return str(value)


def _decode(value):
    """A parameter rendered in the active language."""
    if not isinstance(value, dict):
        return value
    if "decimal" in value:
        number = Decimal(value["decimal"])
        places = max(0, -number.as_tuple().exponent)
        return formats.number_format(number, decimal_pos=places, use_l10n=True)
    if "datetime" in value:
        return formats.date_format(
            datetime.datetime.fromisoformat(value["datetime"]), "SHORT_DATETIME_FORMAT"
        )
    if "date" in value:
        return formats.date_format(datetime.date.fromisoformat(value["date"]), "SHORT_DATE_FORMAT")
    return _render(value)


def _render(data: dict) -> str:
    """The message `data` (as_json) in the active language; a text that cannot be formatted
    (a msgid changed since, a parameter missing) is shown untranslated rather than failing."""
    if "join" in data:
        return str(data["join"]).join(
            _render(part) if isinstance(part, dict) else str(part) for part in data.get("parts") or []
        )
    msgid = str(data.get("msgid") or "")
    params = {key: _decode(value) for key, value in (data.get("params") or {}).items()}
    if "plural" in data:
        count = data.get("n") or 0
        text = translation.ngettext(msgid, str(data["plural"]), count)
    else:
        text = translation.gettext(msgid) if msgid else ""
    if "params" not in data and "plural" not in data:
        return text
    try:
        return text % params
    except (KeyError, TypeError, ValueError):
        return msgid


class Message(str):
    """A sentence stored as msgid + parameters; `str()` gives it in the active language, while
    the `str` value itself is the French text (see the module's docstring)."""

    __slots__ = ("_data", "_stored")

    def __new__(cls, data: dict, stored: str | None = None):
        with translation.override(settings.LANGUAGE_CODE):
            french = _render(data)
        self = super().__new__(cls, french)
        self._data = data
        self._stored = stored
        return self

    def as_json(self) -> dict:
        return self._data

    @property
    def stored(self) -> str:
        """The text kept in the database (and covered by a history row's hash)."""
        if self._stored is None:
            self._stored = json.dumps(self._data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return self._stored

    def __str__(self) -> str:
        return _render(self._data)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __mod__(self, params):
        """`gettext("… %(x)s …") % {"x": …}`: the parameters are kept for rendering later."""
        if not isinstance(params, dict):
            raise TypeError("a translatable message takes named parameters")
        encoded = {key: _encode(value) for key, value in params.items()}
        return Message({**self._data, "params": {**(self._data.get("params") or {}), **encoded}})

    def __reduce__(self):
        return (Message, (self._data,))

    @classmethod
    def join(cls, separator: str, parts) -> "Message":
        """The parts (messages or plain texts) joined: each part is translated on its own."""
        return cls({"join": separator, "parts": [_encode(part) for part in parts if part]})


def gettext(msgid: str) -> Message:
    return Message({"msgid": msgid})


def ngettext(singular: str, plural: str, count: int) -> Message:
    return Message({"msgid": singular, "plural": plural, "n": count})


def join(separator: str, parts):
    """`separator.join(parts)` that keeps each part translatable; no part gives "", one part
    itself."""
    parts = [part for part in parts if part]
    if not parts:
        return ""
    if len(parts) == 1:
        # A lazy label is stored as its msgid, not rendered in the writer's language.
        return Message(_encode(parts[0])) if isinstance(parts[0], Promise) else parts[0]
    return Message.join(separator, parts)


def load(text):
    """What a stored text is: a `Message` when it was written as one, the plain text otherwise."""
    if not isinstance(text, str) or isinstance(text, Message) or not text.startswith("{"):
        return text
    try:
        data = json.loads(text)
    except ValueError:
        return text
    if not isinstance(data, dict) or not any(kind in data for kind in _KINDS):
        return text
    return Message(data, stored=text)


def render(value) -> str:
    """A stored message (a `Message`, its JSON text or its `as_json` dict) or a plain text, in the
    active language: for messages kept inside JSON fields."""
    if isinstance(value, dict) and any(kind in value for kind in _KINDS):
        return _render(value)
    return str(load(value) if isinstance(value, str) else value or "")


def dump(value):
    """What to keep of a message inside a JSON field: its `as_json`; plain text as is."""
    return value.as_json() if isinstance(value, Message) else value


class _TranslatableMixin:
    """Stores a `Message` as its JSON text, plain text as is; loads both back."""

    def from_db_value(self, value, expression, connection):
        return load(value)

    def to_python(self, value):
        return load(super().to_python(value))

    def get_prep_value(self, value):
        if isinstance(value, Message):
            return value.stored
        return super().get_prep_value(value)

    def value_to_string(self, obj):
        value = self.value_from_object(obj)
        return value.stored if isinstance(value, Message) else value


class TranslatableTextField(_TranslatableMixin, models.TextField):
    pass


class TranslatableCharField(_TranslatableMixin, models.CharField):
    pass
