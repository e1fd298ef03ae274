"""The user's in-portal notifications."""

from django.utils import timezone

from invoices.models import Notification


def mark_notifications_read(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
