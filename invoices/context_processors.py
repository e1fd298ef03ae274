from invoices import selectors


def notifications(request):
    """The header's count of unread invoice notifications."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": selectors.unread_notifications_count(user)}
