"""The header's count of unread notifications: the invoices' and the sollicitations' make one
figure (cached per user; the services that create or read either kind forget it)."""

from invoices import selectors as invoice_selectors
from solicitations import selectors as solicitation_selectors
from structures import cache


def notifications(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    count = cache.unread_count(
        user.pk,
        lambda: (
            invoice_selectors.unread_notifications_count(user)
            + solicitation_selectors.unread_notifications(user).count()
        ),
    )
    return {"unread_notifications": count}
