"""Raccordement EDI et API: the structure's managers declare their software and its technical
accounts. Sensitive actions (accounts, secrets) ask for the password again."""

from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from api import openapi, selectors, services
from api.exceptions import ApiSpaceError
from api.forms import ConnectionForm, EdiConnectionForm, PasswordForm, TechnicalAccountForm
from api.permissions import raccordement_abilities
from structures.enums import Space
from structures.permissions import space_required

# The space comes with the manager's role, once opened on the structure (404 otherwise).
raccordement_required = space_required(Space.RACCORDEMENT)


def _render(request, *, connection_form=None, account_form=None, edi_form=None, issued=None, status=200):
    structure = request.current_structure
    return render(
        request,
        "api/home.html",
        {
            "abilities": raccordement_abilities(request.user, structure, request.current_membership),
            "connections": selectors.connections_of(structure),
            "accounts": selectors.accounts_of(structure),
            "calls": selectors.calls_of(structure),
            "audit": selectors.audit_of(structure),
            "connection_form": connection_form or ConnectionForm(),
            "account_form": account_form or TechnicalAccountForm(),
            "password_form": PasswordForm(),
            "edi_connections": selectors.edi_connections_of(structure),
            "edi_form": edi_form or EdiConnectionForm(accounts=selectors.active_accounts_of(structure)),
            "edi_root": settings.API_EDI_ROOT,
            "issued": issued,
        },
        status=status,
    )


def _act(request, service, success: str, **arguments):
    """Calls one service of the space for the current structure, then back to the space."""
    try:
        service(actor=request.user, structure=request.current_structure, **arguments)
    except ApiSpaceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success)
    return redirect("api:home")


def openapi_document(request):
    return JsonResponse(openapi.document(request.build_absolute_uri("/").rstrip("/")))


def documentation(request):
    """The OpenAPI document as a page: each operation, its method and what its answer carries."""
    spec = openapi.document(request.build_absolute_uri("/").rstrip("/"))
    return render(request, "api/documentation.html", {"operations": openapi.listing(spec), "spec": spec})


@raccordement_required
def home(request):
    return _render(request)


@require_POST
@raccordement_required
def declare_connection(request):
    form = ConnectionForm(request.POST)
    if not form.is_valid():
        return _render(request, connection_form=form, status=422)
    try:
        connection, secret = services.declare_connection(
            actor=request.user, structure=request.current_structure, **form.cleaned_data
        )
    except ApiSpaceError as error:
        form.add_error(None, str(error))
        return _render(request, connection_form=form, status=422)
    messages.success(request, _("Le raccordement « %(name)s » est déclaré.") % {"name": connection.name})
    # A new application's secret is shown once: only its hash is kept.
    return _render(request, issued={"connection": connection, "secret": secret})


@require_POST
@raccordement_required
@reauthentication_required
def renew_secret(request, connection_id):
    connection = get_object_or_404(selectors.connections_of(request.current_structure), pk=connection_id)
    try:
        connection, secret = services.renew_secret(
            actor=request.user, structure=request.current_structure, connection_id=connection.pk
        )
    except ApiSpaceError as error:
        messages.error(request, str(error))
        return redirect("api:home")
    return _render(request, issued={"connection": connection, "secret": secret})


@require_POST
@raccordement_required
def close_connection(request, connection_id):
    connection = get_object_or_404(selectors.connections_of(request.current_structure), pk=connection_id)
    success = _("Le raccordement « %(name)s » est clos.") % {"name": connection.name}
    return _act(request, services.close_connection, success, connection_id=connection.pk)


@require_POST
@raccordement_required
def declare_edi(request):
    structure = request.current_structure
    form = EdiConnectionForm(request.POST, accounts=selectors.active_accounts_of(structure))
    if not form.is_valid():
        return _render(request, edi_form=form, status=422)
    return _act(
        request,
        services.declare_edi_connection,
        _("Le raccordement EDI est déclaré : ses dossiers sont prêts."),
        account_id=form.cleaned_data["account"].pk,
        ssh_public_key=form.cleaned_data["ssh_public_key"],
    )


@require_POST
@raccordement_required
@reauthentication_required
def create_account(request):
    form = TechnicalAccountForm(request.POST)
    if not form.is_valid():
        return _render(request, account_form=form, status=422)
    try:
        account = services.create_technical_account(
            actor=request.user, structure=request.current_structure, **form.cleaned_data
        )
    except ApiSpaceError as error:
        form.add_error("login", str(error))
        return _render(request, account_form=form, status=422)
    messages.success(request, _("Le compte technique %(login)s est créé.") % {"login": account.login})
    return redirect("api:home")


@require_POST
@raccordement_required
@reauthentication_required
def reset_password(request, account_id):
    account = get_object_or_404(selectors.accounts_of(request.current_structure), pk=account_id)
    form = PasswordForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["password"]))
        return redirect("api:home")
    success = _("Le mot de passe de %(login)s est réinitialisé.") % {"login": account.login}
    return _act(
        request,
        services.reset_account_password,
        success,
        account_id=account.pk,
        password=form.cleaned_data["password"],
    )


@require_POST
@raccordement_required
@reauthentication_required
def revoke_account(request, account_id):
    account = get_object_or_404(selectors.accounts_of(request.current_structure), pk=account_id)
    success = _("Le compte technique %(login)s est révoqué.") % {"login": account.login}
    return _act(request, services.revoke_account, success, account_id=account.pk)
