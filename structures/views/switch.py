from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from structures.middleware import SESSION_KEY


@require_POST
@login_required
def switch_structure(request):
    """The header's switcher: act for another structure the user is actively attached to."""
    try:
        wanted = int(request.POST.get("structure_id", ""))
    except ValueError:
        wanted = None
    if any(m.structure_id == wanted for m in request.user_memberships):
        request.session[SESSION_KEY] = wanted
    target = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return redirect(target)
