"""Home of the space and the pending membership (rattachement) / subscription requests (domain §6.2 A, B)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from structures import selectors, services
from structures.enums import MembershipStatus, SubscriptionStatus
from structures.exceptions import StructureError
from structures.forms import BulkActionForm
from structures.models import Membership, SpaceSubscription
from structures.permissions import any_structure_manager_required, manager_required
from structures.views.common import bulk_report, render_manager

DECISIONS = [("approve", gettext_lazy("Valider")), ("refuse", gettext_lazy("Refuser"))]


@manager_required
def manager_home(request):
    structure = request.current_structure
    managed = selectors.managed_structures(request.user)
    return render_manager(
        request,
        "structures/home.html",
        {
            "structure": structure,
            "pending_memberships_count": selectors.pending_memberships(managed).count(),
            "pending_subscriptions_count": selectors.pending_subscriptions(managed).count(),
            "saisie_blocked_reason": selectors.saisie_blocked_reason(structure),
            "members_count": selectors.structure_members(structure).count(),
        },
    )


def _render_requests(request, *, membership_form=None, subscription_form=None, status=200):
    managed = selectors.managed_structures(request.user)
    return render_manager(
        request,
        "structures/requests.html",
        {
            "pending_memberships": selectors.pending_memberships(managed),
            "pending_subscriptions": selectors.pending_subscriptions(managed),
            "membership_form": membership_form,
            "subscription_form": subscription_form,
        },
        status=status,
    )


@any_structure_manager_required
def requests_list(request):
    return _render_requests(request)


def _decide(request, *, model, pending_status, decide, form_name):
    form = BulkActionForm(request.POST, actions=DECISIONS)
    if not form.is_valid():
        return _render_requests(request, **{form_name: form}, status=422)
    ids = form.cleaned_data["ids"]
    # Each id must belong to a structure the actor manages; the service re-checks the role.
    objects = list(model.objects.filter(structure__in=selectors.managed_structures(request.user), pk__in=ids))
    if len(objects) != len(ids):
        raise Http404
    approve = form.cleaned_data["action"] == "approve"
    done = already = 0
    for obj in objects:
        if obj.status != pending_status:
            already += 1
            continue
        try:
            decide(obj, approve)
        except StructureError as exc:
            messages.error(request, f"{obj.user} — {exc}")
        else:
            done += 1
    if approve:
        text = ngettext("%(count)d demande validée", "%(count)d demandes validées", done) % {"count": done}
    else:
        text = ngettext("%(count)d demande refusée", "%(count)d demandes refusées", done) % {"count": done}
    (messages.success if done else messages.warning)(request, bulk_report(text, already=already))
    return redirect("structures:requests")


@require_POST
@any_structure_manager_required
def decide_memberships(request):
    def decide(membership, approve):
        services.decide_membership(
            actor=request.user,
            structure_id=membership.structure_id,
            membership_id=membership.pk,
            approve=approve,
        )

    return _decide(
        request,
        model=Membership,
        pending_status=MembershipStatus.PENDING,
        decide=decide,
        form_name="membership_form",
    )


@require_POST
@any_structure_manager_required
def decide_subscriptions(request):
    def decide(subscription, approve):
        services.decide_subscription(
            actor=request.user,
            structure_id=subscription.structure_id,
            subscription_id=subscription.pk,
            approve=approve,
        )

    return _decide(
        request,
        model=SpaceSubscription,
        pending_status=SubscriptionStatus.PENDING,
        decide=decide,
        form_name="subscription_form",
    )


@any_structure_manager_required
def history(request):
    """The actions traced on the structures the user manages (domain §6.2 D)."""
    logs = selectors.audit_logs_for(selectors.managed_structures(request.user))
    page = Paginator(logs, 25).get_page(request.GET.get("page"))
    return render_manager(request, "structures/history.html", {"page_obj": page})
