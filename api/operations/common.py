"""What every operation reads and writes the same way: identifiers, paging, dates (api.md §1)."""

import datetime
import math

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from api.cpro import NO_RESULT, SUCCESS
from api.exceptions import CproError

DEFAULT_PAGE_SIZE = 10
# OCA asks 10,000 services in one page and never loops (api.md §1.7).
MAX_PAGE_SIZE = 10_000


def integer(body: dict, *keys: str, required: bool = True) -> int | None:
    """The first of `keys` present, as an integer (JSON integers; numeric strings accepted)."""
    for key in keys:
        value = body.get(key)
        if value in (None, ""):
            continue
        if isinstance(value, bool):
            break
        if isinstance(value, int):
            return value
        if isinstance(value, str) and value.strip().isdigit():
            return int(value)
        raise CproError(_("Le champ %(field)s doit être un entier.") % {"field": key})
    if required:
        raise CproError(_("Le champ %(field)s est obligatoire.") % {"field": keys[0]})
    return None


def text(body: dict, key: str, *, required: bool = False) -> str:
    value = body.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise CproError(_("Le champ %(field)s est obligatoire.") % {"field": key})
        return ""
    if not isinstance(value, str | int | float):
        raise CproError(_("Le champ %(field)s doit être une chaîne de caractères.") % {"field": key})
    return str(value).strip()


def obj(body: dict, key: str) -> dict:
    value = body.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise CproError(_("Le champ %(field)s doit être un objet.") % {"field": key})
    return value


def strings(body: dict, key: str) -> list[str]:
    value = body.get(key)
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    return [str(item) for item in values if item not in (None, "")]


def period_start(value) -> datetime.datetime | None:
    """`YYYY-MM-DD`, `YYYY-MM-DDTHH:MM:SS` or full ISO with millis/`Z` (api.md §1.6)."""
    return _moment(value)


def period_end(value) -> datetime.datetime | None:
    """A date alone ends at the end of its day."""
    moment = _moment(value)
    if moment is not None and len(str(value).strip()) == 10:
        moment += datetime.timedelta(days=1) - datetime.timedelta(microseconds=1)
    return moment


def _moment(value) -> datetime.datetime | None:
    if value in (None, ""):
        return None
    raw = str(value).strip()
    moment = parse_datetime(raw.replace("Z", "+00:00"))
    if moment is None:
        day = parse_date(raw[:10]) if len(raw) == 10 else None
        if day is None:
            raise CproError(_("Date invalide : %(value)s.") % {"value": raw[:40]})
        moment = datetime.datetime.combine(day, datetime.time.min)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def day(value) -> str:
    """`YYYY-MM-DD`; empty when unknown."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return value.isoformat()


def moment_iso(value) -> str:
    """ISO 8601 with milliseconds and offset, e.g. `2018-02-16T15:10:25.536+01:00`."""
    return timezone.localtime(value).isoformat(timespec="milliseconds") if value else ""


def moment_minutes(value) -> str:
    """`YYYY-MM-DD HH:MM` (histories, services)."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def amount(value) -> float:
    return float(value or 0)


def page(queryset, paging: dict, *, default_order=None):
    """(the page's rows, page number, pages, size, total) of a 1-based page request."""
    size = integer(paging, "nbResultatsParPage", required=False) or DEFAULT_PAGE_SIZE
    size = max(1, min(size, MAX_PAGE_SIZE))
    number = max(1, integer(paging, "pageResultatDemandee", required=False) or 1)
    total = queryset.count()
    pages = max(1, math.ceil(total / size)) if total else 0
    start = (number - 1) * size
    rows = list(queryset[start : start + size]) if total else []
    return rows, number, pages, size, total


def paging_block(number: int, pages: int, size: int, total: int) -> dict:
    return {"nbResultatsParPage": size, "pageCourante": number, "pages": pages, "total": total}


def search_answer(list_key: str, items: list, number: int, pages: int, size: int, total: int) -> dict:
    """A search's answer: 20000 with an empty list when nothing matched, always the paging block
    (api.md §2.5)."""
    return {
        **(SUCCESS if total else NO_RESULT),
        "parametresRetour": paging_block(number, pages, size, total),
        list_key: items,
    }
