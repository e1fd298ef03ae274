"""Development outbox: the e-mails `make run` sent, readable in the browser (not mounted in production)."""

from django.shortcuts import get_object_or_404, render

from accounts.models import OutboxEmail


def outbox(request):
    return render(request, "dev/outbox.html", {"emails": OutboxEmail.objects.all()[:200]})


def outbox_detail(request, pk):
    return render(request, "dev/outbox_detail.html", {"email": get_object_or_404(OutboxEmail, pk=pk)})
