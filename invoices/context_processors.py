from invoices import selectors
from structures import cache


def notifications(request):
    """The header's count of unread invoice notifications."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    count = cache.unread_count(user.pk, lambda: selectors.unread_notifications_count(user))
    return {"unread_notifications": count}
