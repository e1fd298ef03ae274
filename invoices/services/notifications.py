"""The user's in-portal notifications."""

from django.utils import timezone

from invoices.models import Notification
from structures import cache as structure_cache


def mark_notifications_read(*, user) -> int:
    marked = Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
    structure_cache.forget_unread(user.pk)
    return marked
