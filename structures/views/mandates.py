"""Billing mandate (mandat de facturation, domain §7.6): subscribe, sign through the e-mailed link, revoke."""

from allauth.account.decorators import reauthentication_required
from allauth.core import ratelimit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from structures import selectors, services
from structures.enums import MandateStatus
from structures.exceptions import StructureError
from structures.forms import ConfirmForm, MandateForm, SignMandateForm
from structures.models import BillingMandate
from structures.notifications import MANDATE_SIGNING_SALT
from structures.permissions import manager_required
from structures.views.common import render_manager


@manager_required
def mandate_list(request):
    structure = request.current_structure
    return render_manager(
        request,
        "structures/mandates.html",
        {
            "mandates": selectors.mandates_of(structure),
            "active_mandate": selectors.active_mandate(structure),
            "has_live_mandate": selectors.mandates_of(structure)
            .filter(status__in=[MandateStatus.PENDING, MandateStatus.ACTIVE])
            .exists(),
        },
    )


@manager_required
@reauthentication_required(allow_get=True)
def mandate_subscribe(request):
    structure = request.current_structure
    form = MandateForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            if response := ratelimit.consume_or_429(request, action="mandate_subscribe"):
                return response
            try:
                services.subscribe_mandate(actor=request.user, structure_id=structure.pk, **form.cleaned_data)
            except StructureError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    _(
                        "Le mandat est créé. Un courriel contenant le lien de signature vous a été envoyé : "
                        "le mandat sera actif une fois signé."
                    ),
                )
                return redirect("structures:mandates")
        return render_manager(request, "structures/mandate_subscribe.html", {"form": form}, status=422)
    return render_manager(request, "structures/mandate_subscribe.html", {"form": form})


@manager_required
@reauthentication_required(allow_get=True)
def mandate_revoke(request, mandate_id):
    structure = request.current_structure
    mandate = get_object_or_404(selectors.mandates_of(structure), pk=mandate_id)
    if request.method == "POST":
        try:
            services.revoke_mandate(actor=request.user, structure_id=structure.pk, mandate_id=mandate.pk)
        except StructureError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, _("Le mandat « %(libelle)s » est révoqué.") % {"libelle": mandate.libelle}
            )
        return redirect("structures:mandates")
    return render_manager(
        request, "structures/mandate_revoke.html", {"mandate": mandate, "form": ConfirmForm()}
    )


@login_required
@reauthentication_required(allow_get=True)
def mandate_sign(request, token):
    """The page reached from the e-mailed link: read the mandate, accept it, and it becomes active."""
    try:
        payload = signing.loads(
            token, salt=MANDATE_SIGNING_SALT, max_age=settings.BILLING_MANDATE_SIGNATURE_MAX_AGE
        )
    except signing.SignatureExpired:
        return render(request, "structures/mandate_sign_invalid.html", {"expired": True}, status=400)
    except signing.BadSignature:
        return render(request, "structures/mandate_sign_invalid.html", {"expired": False}, status=400)
    # Only a manager of the mandate's structure may sign; anyone else gets a 404.
    mandate = get_object_or_404(
        BillingMandate.objects.filter(
            structure__in=selectors.managed_structures(request.user)
        ).select_related("structure"),
        pk=payload.get("mandate"),
    )
    form = SignMandateForm(request.POST or None)
    context = {"mandate": mandate, "structure": mandate.structure, "form": form}
    if request.method == "POST" and mandate.status == MandateStatus.PENDING:
        if not form.is_valid():
            return render(request, "structures/mandate_sign.html", context, status=422)
        try:
            services.sign_mandate(actor=request.user, mandate_id=mandate.pk)
        except StructureError as exc:
            messages.error(request, str(exc))
            return redirect(request.path)
        messages.success(
            request,
            _("Le mandat « %(libelle)s » de la structure %(structure)s est signé : il est actif.")
            % {"libelle": mandate.libelle, "structure": mandate.structure.raison_sociale},
        )
        if request.current_structure and request.current_structure.pk == mandate.structure_id:
            return redirect("structures:mandates")
        return redirect("home")
    return render(request, "structures/mandate_sign.html", context)
