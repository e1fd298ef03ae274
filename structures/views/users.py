"""Users of the structure, GP transfer, duplication of rights, export (domain §6.2 C/E/F, §6.4, §6.5)."""

from allauth.account.decorators import reauthentication_required
from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from choruspro.spreadsheet import csv_writer
from structures import selectors, services
from structures.enums import MembershipStatus, Role
from structures.exceptions import StructureError
from structures.forms import (
    AttachUserForm,
    BulkActionForm,
    ConfirmForm,
    DuplicateRightsForm,
    TransferPrincipalForm,
)
from structures.permissions import manager_required, principal_manager_required
from structures.views.common import render_manager

USER_ACTIONS = [
    ("promote", gettext_lazy("Nommer gestionnaire secondaire")),
    ("demote", gettext_lazy("Repasser utilisateur simple")),
    ("deactivate", gettext_lazy("Désactiver")),
    ("reactivate", gettext_lazy("Réactiver")),
]


@manager_required
def user_list(request):
    return _render_users(request)


def _render_users(request, *, form=None, status=200):
    return render_manager(
        request,
        "structures/users.html",
        {
            "members": selectors.structure_members(request.current_structure),
            "bulk_form": form,
            "user_actions": USER_ACTIONS,
        },
        status=status,
    )


@require_POST
@manager_required
def user_bulk_action(request):
    structure = request.current_structure
    form = BulkActionForm(request.POST, actions=USER_ACTIONS)
    if not form.is_valid():
        return _render_users(request, form=form, status=422)
    ids = form.cleaned_data["ids"]
    members = list(selectors.structure_members(structure).filter(pk__in=ids))
    if len(members) != len(ids):
        raise Http404
    action = form.cleaned_data["action"]
    done = 0
    for membership in members:
        try:
            if action in ("promote", "demote"):
                services.set_member_role(
                    actor=request.user,
                    structure_id=structure.pk,
                    membership_id=membership.pk,
                    role=Role.SECONDARY_MANAGER if action == "promote" else Role.USER,
                )
            else:
                services.set_member_status(
                    actor=request.user,
                    structure_id=structure.pk,
                    membership_id=membership.pk,
                    active=action == "reactivate",
                )
        except StructureError as exc:
            messages.error(request, f"{membership.user} — {exc}")
        else:
            done += 1
    if done:
        messages.success(
            request,
            ngettext("%(count)d utilisateur modifié", "%(count)d utilisateurs modifiés", done)
            % {"count": done},
        )
    return redirect("structures:users")


@manager_required
def user_attach(request):
    structure = request.current_structure
    form = AttachUserForm(request.POST or None, structure=structure)
    if request.method == "POST":
        if form.is_valid():
            user = get_user_model().objects.filter(email__iexact=form.cleaned_data["email"]).first()
            service_ids = [s.pk for s in form.cleaned_data.get("services") or []]
            invitation = form.cleaned_data["nom"] and form.cleaned_data["prenom"]
            if invitation:
                # Answered alike whether the address has an account or not (no account enumeration).
                if response := ratelimit.consume_or_429(request, action="invite_user"):
                    return response
                try:
                    services.invite_user(
                        actor=request.user,
                        structure_id=structure.pk,
                        email=form.cleaned_data["email"],
                        nom=form.cleaned_data["nom"],
                        prenom=form.cleaned_data["prenom"],
                        role=form.cleaned_data["role"],
                        service_ids=service_ids,
                    )
                except StructureError as exc:
                    form.add_error(None, str(exc))
                else:
                    messages.success(
                        request,
                        _(
                            "%(name)s (%(email)s) est invité à rejoindre la structure : "
                            "un courriel lui est envoyé."
                        )
                        % {
                            "name": f"{form.cleaned_data['prenom']} {form.cleaned_data['nom']}",
                            "email": form.cleaned_data["email"],
                        },
                    )
                    return redirect("structures:users")
            elif user is None:
                form.add_error(
                    "email",
                    _(
                        "Aucun compte n'existe avec cette adresse : renseignez le nom et le prénom de la "
                        "personne pour lui créer un compte, elle recevra un lien d'activation."
                    ),
                )
            elif not user.is_active:
                form.add_error(
                    "email",
                    _(
                        "Le compte associé à cette adresse n'est pas actif : "
                        "la personne doit d'abord l'activer."
                    ),
                )
            else:
                try:
                    services.attach_user(
                        actor=request.user,
                        structure_id=structure.pk,
                        user=user,
                        role=form.cleaned_data["role"],
                        service_ids=service_ids,
                    )
                except StructureError as exc:
                    form.add_error(None, str(exc))
                else:
                    messages.success(request, _("%(user)s est rattaché à la structure.") % {"user": user})
                    return redirect("structures:users")
        return render_manager(request, "structures/user_attach.html", {"form": form}, status=422)
    return render_manager(request, "structures/user_attach.html", {"form": form})


@require_POST
@manager_required
def user_resend_activation(request, membership_id):
    """Sends a new activation link to a member whose account is not activated yet (§6.2 E)."""
    membership = get_object_or_404(selectors.structure_members(request.current_structure), pk=membership_id)
    if not membership.user.is_pending_activation:
        messages.error(request, _("Le compte de %(user)s est déjà activé.") % {"user": membership.user})
    elif response := ratelimit.consume_or_429(
        request, action="resend_activation", key=membership.user.email.lower()
    ):
        return response
    else:
        services.request_activation_link(user_id=membership.user_id)
        messages.success(
            request, _("Un nouveau lien d'activation est envoyé à %(user)s.") % {"user": membership.user}
        )
    return redirect("structures:users")


@manager_required
def user_detach(request, membership_id):
    structure = request.current_structure
    membership = get_object_or_404(selectors.structure_members(structure), pk=membership_id)
    if request.method == "POST":
        try:
            services.detach_member(actor=request.user, structure_id=structure.pk, membership_id=membership.pk)
        except StructureError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("%(user)s est détaché de la structure.") % {"user": membership.user})
        return redirect("structures:users")
    return render_manager(
        request, "structures/user_detach.html", {"membership": membership, "form": ConfirmForm()}
    )


@principal_manager_required
@reauthentication_required(allow_get=True)
def transfer_principal(request):
    structure = request.current_structure
    candidates = (
        selectors.structure_members(structure)
        .filter(status=MembershipStatus.ACTIVE, user__is_active=True)
        .exclude(user=request.user)
    )
    form = TransferPrincipalForm(request.POST or None, candidates=candidates)
    if request.method == "POST":
        if form.is_valid():
            target = form.cleaned_data["membership"]
            try:
                services.transfer_principal_role(
                    actor=request.user, structure_id=structure.pk, membership_id=target.pk
                )
            except StructureError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    _("%(user)s est désormais gestionnaire principal de la structure.")
                    % {"user": target.user},
                )
                return redirect("structures:users")
        return render_manager(request, "structures/transfer_principal.html", {"form": form}, status=422)
    return render_manager(request, "structures/transfer_principal.html", {"form": form})


@manager_required
def duplicate_rights(request):
    managed = selectors.managed_structures(request.user)
    form = DuplicateRightsForm(
        request.POST or None,
        users=selectors.structure_member_users(managed),
        structures=managed,
        initial={"structures": [request.current_structure.pk]},
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                copied = services.duplicate_rights(
                    actor=request.user,
                    source_user=form.cleaned_data["source_user"],
                    target_user=form.cleaned_data["target_user"],
                    structure_ids=[s.pk for s in form.cleaned_data["structures"]],
                )
            except StructureError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    ngettext(
                        "Les droits sont dupliqués pour %(count)d structure.",
                        "Les droits sont dupliqués pour %(count)d structures.",
                        copied,
                    )
                    % {"count": copied},
                )
                return redirect("structures:duplicate_rights")
        return render_manager(request, "structures/duplicate_rights.html", {"form": form}, status=422)
    return render_manager(request, "structures/duplicate_rights.html", {"form": form})


@manager_required
def user_export(request):
    """CSV of the users and their rights, to review the authorisations (domain §6.2 F)."""
    structure = request.current_structure
    members = selectors.structure_members(structure)
    subscriptions = selectors.active_subscriptions_by_user(structure)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"utilisateurs-{structure.identifier}-{timezone.localdate():%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # Excel reads the file as UTF-8 with a BOM.
    writer = csv_writer(response)
    writer.writerow(
        [
            _("Nom"),
            _("Prénom"),
            _("Adresse électronique de connexion"),
            _("Adresse électronique de contact"),
            _("Rôle"),
            _("Statut du rattachement"),
            _("Services"),
            _("Espaces"),
            _("Dernière connexion"),
        ]
    )
    for membership in members:
        user = membership.user
        spaces = ", ".join(
            f"{s.get_space_display()} ({s.get_mode_display()})" for s in subscriptions.get(user.pk, [])
        )
        last_login = timezone.localtime(user.last_login).strftime("%d/%m/%Y %H:%M") if user.last_login else ""
        writer.writerow(
            [
                user.nom,
                user.prenom,
                user.email,
                user.notification_email,
                membership.get_role_display(),
                membership.get_status_display(),
                ", ".join(s.code for s in membership.services.all()) or _("Tous"),
                spaces,
                last_login,
            ]
        )
    return response
