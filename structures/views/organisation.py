"""Ma structure, services, spaces and bank details (domain §5.2, §7.2–§7.5)."""

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from structures import selectors, services
from structures.exceptions import StructureError
from structures.forms import (
    BankAccountForm,
    BankAccountStatusForm,
    InactivateStructureForm,
    OpenSpaceForm,
    ServiceCreateForm,
    ServiceUpdateForm,
    StructureForm,
)
from structures.permissions import manager_required, principal_manager_required
from structures.views.common import render_manager

# --- Ma structure --------------------------------------------------------------------------------


@manager_required
def structure_detail(request):
    """Shows the structure; managers of an active structure edit it on the same page."""
    structure = request.current_structure
    form = StructureForm(request.POST or None, structure=structure)
    if request.method == "POST":
        if not form.is_valid():
            return _render_structure(request, form, status=422)
        try:
            services.update_structure(actor=request.user, structure_id=structure.pk, data=form.cleaned_data)
        except StructureError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Les informations de la structure sont enregistrées."))
        return redirect("structures:structure")
    return _render_structure(request, form)


def _render_structure(request, form, *, status=200):
    structure = request.current_structure
    return render_manager(
        request,
        "structures/structure.html",
        {
            "structure": structure,
            "form": form,
            "principal": selectors.principal_manager(structure),
            "active_mandate": selectors.active_mandate(structure),
        },
        status=status,
    )


@principal_manager_required
def structure_inactivate(request):
    structure = request.current_structure
    form = InactivateStructureForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            return render_manager(
                request,
                "structures/structure_inactivate.html",
                {"form": form, "structure": structure},
                status=422,
            )
        try:
            services.inactivate_structure(
                actor=request.user,
                structure_id=structure.pk,
                absorbed_by=form.cleaned_data["absorbed_by_identifier"],
            )
        except StructureError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("La structure est inactivée : ses données restent consultables."))
        return redirect("structures:structure")
    return render_manager(
        request, "structures/structure_inactivate.html", {"form": form, "structure": structure}
    )


# --- Services ------------------------------------------------------------------------------------


@manager_required
def service_list(request):
    structure = request.current_structure
    form = ServiceCreateForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                service = services.create_service(
                    actor=request.user,
                    structure_id=structure.pk,
                    code=form.cleaned_data["code"],
                    libelle=form.cleaned_data["libelle"],
                    engagement_required=form.cleaned_data["engagement_required"],
                )
            except StructureError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Le service %(service)s est créé.") % {"service": service})
                return redirect("structures:services")
        return _render_services(request, form, status=422)
    return _render_services(request, form)


def _render_services(request, form, *, status=200):
    return render_manager(
        request,
        "structures/services.html",
        {"services": selectors.services_of(request.current_structure), "form": form},
        status=status,
    )


@manager_required
def service_update(request, service_id):
    structure = request.current_structure
    service = get_object_or_404(selectors.services_of(structure), pk=service_id)
    initial = {
        "libelle": service.libelle,
        "is_active": service.is_active,
        "engagement_required": service.engagement_required,
    }
    form = ServiceUpdateForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.update_service(
                    actor=request.user, structure_id=structure.pk, service_id=service.pk, **form.cleaned_data
                )
            except StructureError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Le service %(code)s est modifié.") % {"code": service.code})
                return redirect("structures:services")
        return render_manager(
            request, "structures/service_form.html", {"service": service, "form": form}, status=422
        )
    return render_manager(request, "structures/service_form.html", {"service": service, "form": form})


# --- Espaces -------------------------------------------------------------------------------------


@manager_required
def space_list(request):
    structure = request.current_structure
    form = OpenSpaceForm(request.POST or None, structure=structure)
    if request.method == "POST":
        if form.is_valid():
            service = form.cleaned_data["service"]
            try:
                services.open_space(
                    actor=request.user,
                    structure_id=structure.pk,
                    space=form.cleaned_data["space"],
                    service_id=service.pk if service else None,
                )
            except StructureError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("L'espace est ouvert."))
                return redirect("structures:spaces")
        return _render_spaces(request, form, status=422)
    return _render_spaces(request, form)


def _render_spaces(request, form, *, status=200):
    return render_manager(
        request,
        "structures/spaces.html",
        {"opened_spaces": selectors.opened_spaces_of(request.current_structure), "form": form},
        status=status,
    )


@require_POST
@manager_required
def space_close(request, opened_space_id):
    structure = request.current_structure
    opened = get_object_or_404(selectors.opened_spaces_of(structure), pk=opened_space_id)
    try:
        services.close_space(actor=request.user, structure_id=structure.pk, opened_space_id=opened.pk)
    except StructureError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("L'espace %(space)s est fermé.") % {"space": opened.get_space_display()})
    return redirect("structures:spaces")


# --- Coordonnées bancaires -----------------------------------------------------------------------


@manager_required
@reauthentication_required(allow_get=True)
def bank_account_list(request):
    structure = request.current_structure
    form = BankAccountForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.add_bank_account(actor=request.user, structure_id=structure.pk, **form.cleaned_data)
            except StructureError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Les coordonnées bancaires sont ajoutées."))
                return redirect("structures:bank_accounts")
        return _render_bank_accounts(request, form, status=422)
    return _render_bank_accounts(request, form)


def _render_bank_accounts(request, form, *, status=200):
    return render_manager(
        request,
        "structures/bank_accounts.html",
        {"bank_accounts": selectors.bank_accounts_of(request.current_structure), "form": form},
        status=status,
    )


@require_POST
@manager_required
@reauthentication_required
def bank_account_status(request, bank_account_id):
    structure = request.current_structure
    account = get_object_or_404(selectors.bank_accounts_of(structure), pk=bank_account_id)
    form = BankAccountStatusForm(request.POST)
    if not form.is_valid():
        return _render_bank_accounts(request, BankAccountForm(), status=422)
    try:
        services.set_bank_account_status(
            actor=request.user,
            structure_id=structure.pk,
            bank_account_id=account.pk,
            status=form.cleaned_data["status"],
        )
    except StructureError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Le statut des coordonnées bancaires « %(libelle)s » est modifié.")
            % {"libelle": account.libelle},
        )
    return redirect("structures:bank_accounts")
