"""What every page's header reads for the connected user, kept in the cache between requests.

The header (and the access checks that read the same rights) needs the user's active memberships
with their structures, the opened spaces and the user's subscriptions there, and the count of
unread notifications: four queries a request otherwise. The services that change any of it call a
`forget_*` function below; the timeout only bounds what a write outside the services (a bulk
import of the annuaire renaming structures) or a read racing a commit could leave stale.
"""

from django.core.cache import cache
from django.db import transaction

from structures.models import Membership

TIMEOUT = 300


def _navigation_key(user_id: int) -> str:
    return f"header:navigation:{user_id}"


def _unread_key(user_id: int) -> str:
    return f"header:unread:{user_id}"


def navigation(user_id: int, compute):
    return cache.get_or_set(_navigation_key(user_id), compute, TIMEOUT)


def unread_count(user_id: int, compute) -> int:
    return cache.get_or_set(_unread_key(user_id), compute, TIMEOUT)


def _forget(keys: list[str]) -> None:
    # Now, and again after commit: a request reading the old rows while the change was still
    # uncommitted may have cached them in between; a rolled-back change only costs a recompute.
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def forget_navigation(*user_ids: int) -> None:
    _forget([_navigation_key(user_id) for user_id in user_ids])


def forget_unread(*user_ids: int) -> None:
    _forget([_unread_key(user_id) for user_id in user_ids])


def forget_structure(*structure_ids: int) -> None:
    """Every member of the structures, whatever their status (a name, an activity or the opened
    spaces changed)."""
    user_ids = set(
        Membership.objects.filter(structure_id__in=structure_ids).values_list("user_id", flat=True)
    )
    forget_navigation(*user_ids)
