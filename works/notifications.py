"""Every dossier event notifies the parties of the contract who use Factures de travaux (domain
§9.1: an action is expected, a piece was deposited): an in-portal notice and an e-mail. Called by a
task after commit; safe to re-run: a notice exists once per (user, event), and only users whose
notice this run created are e-mailed."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from choruspro.text import email_subject
from structures import permissions
from structures.enums import Space
from works import selectors
from works.enums import PartyRole
from works.models import DossierEvent, WorksNotification


def notify_event(event_id: int) -> None:
    event = DossierEvent.objects.select_related("dossier__contract").get(pk=event_id)
    dossier = event.dossier
    url = settings.PORTAL_BASE_URL.rstrip("/") + reverse("works:dossier", args=[dossier.pk])
    if event.is_reminder:
        # Before a deadline: only whoever must act.
        structures = selectors.acting_structures(dossier)
    else:
        # The service financier receives the payable invoice in Factures reçues, notified there.
        parties = dossier.contract.parties.exclude(role=PartyRole.SERVICE_FINANCIER).select_related(
            "structure"
        )
        structures = {p.structure for p in parties if p.structure_id != event.structure_id}
    for structure in structures:
        for membership in permissions.members_with_space(structure, Space.FACTURES_TRAVAUX):
            user = membership.user
            _notice, created = WorksNotification.objects.get_or_create(user=user, event=event)
            if created and user.email:
                context = {"event": event, "dossier": dossier, "url": url}
                with translation.override(user.language):
                    subject = email_subject("emails/works/event_subject.txt", context)
                    body = render_to_string("emails/works/event.txt", context)
                send_mail(subject, body, None, [user.email])
