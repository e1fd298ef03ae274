"""Sign-up steps, account activation and Mon compte.

The sign-up keeps each step's cleaned data in the session (SIGNUP_SESSION_KEY) so that going
back never loses what was typed; nothing is written before the last step.
"""

from allauth.core import ratelimit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import i18n as i18n_views
from django.views.decorators.http import require_POST

from accounts import selectors, services
from accounts.exceptions import AccountError, ActivationLinkError
from accounts.forms import (
    CreationSpacesForm,
    DeactivateAccountForm,
    MembershipRequestForm,
    MembershipSearchForm,
    MembershipSpacesForm,
    PersonalInfoForm,
    PreferencesForm,
    ProfileForm,
    ResendActivationForm,
    SetPasswordForm,
    SignupIdentityForm,
    StructureCreationForm,
    SubscriptionRequestForm,
)
from choruspro.forms import object_id
from structures import permissions as structure_permissions
from structures import selectors as structure_selectors
from structures import services as structure_services
from structures.enums import (
    DEFAULT_SPACES,
    MANAGER_SPACES,
    SELF_SERVICE_SPACES,
    IdentifierType,
    Space,
    SubscriptionStatus,
)
from structures.exceptions import StructureError
from structures.models import Structure

SIGNUP_SESSION_KEY = "signup"
SIGNUP_DONE_SESSION_KEY = "signup_done_email"
SIGNUP_STEPS = (
    ("accounts:signup", gettext_lazy("Compte et structure")),
    ("accounts:signup_personal", gettext_lazy("Informations personnelles")),
    ("accounts:signup_structure", gettext_lazy("Structure")),
    ("accounts:signup_spaces", gettext_lazy("Espaces")),
)


def _post(request):
    """Bound data for a POST even when it is empty (unticked checkboxes only)."""
    return request.POST if request.method == "POST" else None


def _wizard(request) -> dict:
    return request.session.get(SIGNUP_SESSION_KEY, {})


def _save_wizard(request, **parts):
    data = _wizard(request)
    data.update(parts)
    request.session[SIGNUP_SESSION_KEY] = data


def _step_context(number: int, **context) -> dict:
    return {
        "step_number": number,
        "step_count": len(SIGNUP_STEPS),
        "step_title": SIGNUP_STEPS[number - 1][1],
        "next_step_title": SIGNUP_STEPS[number][1] if number < len(SIGNUP_STEPS) else "",
        "previous_url_name": SIGNUP_STEPS[number - 2][0] if number > 1 else "",
        **context,
    }


def _existing_structure(data: dict) -> Structure | None:
    identity = data["identity"]
    return selectors.structure_for_identifier(
        identifier_type=identity["identifier_type"], identifier=identity["identifier"]
    )


def _signup_redirect_if_anonymous_only(request):
    if request.user.is_authenticated:
        messages.info(request, _("Vous êtes déjà connecté : demandez un rattachement depuis Mon compte."))
        return redirect("accounts:my_account")
    return None


# --- Administration log-in --------------------------------------------------------------------


def admin_login(request):
    """/admin/login/ checks a password alone: the staff log in through allauth (second factor, limits).

    Any method is answered by a redirect, so a password posted here is never checked.
    """
    if request.user.is_authenticated:
        # allauth would send a logged-in user straight back to `next`: /admin/ then here, in a loop.
        messages.error(request, _("Votre compte n'a pas accès à l'administration du portail."))
        return redirect("home")
    url = reverse("account_login")
    if next_url := request.GET.get("next"):
        url = f"{url}?{urlencode({'next': next_url})}"
    return redirect(url)


# --- Sign-up ----------------------------------------------------------------------------------


def signup(request):
    """Step 1: connection e-mail and the structure's identifier."""
    if response := _signup_redirect_if_anonymous_only(request):
        return response
    form = SignupIdentityForm(_post(request), initial=_wizard(request).get("identity"))
    if request.method == "POST":
        if form.is_valid():
            identity = {k: form.cleaned_data[k] for k in ("email", "identifier_type", "identifier")}
            _save_wizard(request, identity=identity)
            return redirect("accounts:signup_personal")
        return render(request, "accounts/signup/identity.html", _step_context(1, form=form), status=422)
    if form.initial.get("email"):
        form.initial["email_confirmation"] = form.initial["email"]
    return render(request, "accounts/signup/identity.html", _step_context(1, form=form))


def signup_personal(request):
    """Step 2: the user's personal information."""
    data = _wizard(request)
    if "identity" not in data:
        return redirect("accounts:signup")
    form = PersonalInfoForm(_post(request), initial=data.get("personal"))
    if request.method == "POST":
        if form.is_valid():
            _save_wizard(request, personal=form.cleaned_data)
            return redirect("accounts:signup_structure")
        return render(request, "accounts/signup/personal.html", _step_context(2, form=form), status=422)
    return render(request, "accounts/signup/personal.html", _step_context(2, form=form))


def signup_structure(request):
    """Step 3: create the structure, or ask to be attached to it when it already exists."""
    data = _wizard(request)
    if "personal" not in data:
        return redirect("accounts:signup_personal" if "identity" in data else "accounts:signup")
    existing = _existing_structure(data)
    if existing is not None:
        services_ = selectors.active_services(existing)
        form = MembershipRequestForm(_post(request), services=services_, initial=data.get("attach"))
        template = "accounts/signup/attach.html"
        context = _step_context(3, form=form, structure=existing)
        if request.method == "POST" and form.is_valid():
            _save_wizard(
                request,
                attach={
                    "structure_id": existing.pk,
                    "services": form.cleaned_data.get("services", []),
                    "message": form.cleaned_data["message"],
                },
            )
            return redirect("accounts:signup_spaces")
    else:
        identity = data["identity"]
        form = StructureCreationForm(_post(request), initial=data.get("structure"))
        template = "accounts/signup/create_structure.html"
        context = _step_context(
            3,
            form=form,
            identifier=identity["identifier"],
            identifier_type_label=IdentifierType(identity["identifier_type"]).label,
        )
        if request.method == "POST" and form.is_valid():
            _save_wizard(request, structure=form.cleaned_data)
            return redirect("accounts:signup_spaces")
    return render(request, template, context, status=422 if request.method == "POST" else 200)


def signup_spaces(request):
    """Step 4: choose the spaces, then create the account (one transaction)."""
    data = _wizard(request)
    if "personal" not in data:
        return redirect("accounts:signup")
    existing = _existing_structure(data)
    attaching = existing is not None
    if attaching and data.get("attach", {}).get("structure_id") != existing.pk:
        return redirect("accounts:signup_structure")
    if not attaching and "structure" not in data:
        return redirect("accounts:signup_structure")

    if attaching:
        opened = selectors.opened_structure_spaces(existing)
        granted = [s for s in opened if s in SELF_SERVICE_SPACES and s != Space.MON_COMPTE]
        requestable = [s for s in opened if s not in SELF_SERVICE_SPACES and s not in MANAGER_SPACES]
        form = MembershipSpacesForm(_post(request), spaces=requestable)
        context = _step_context(
            4, form=form, structure=existing, granted_spaces=[Space(s).label for s in granted]
        )
        template = "accounts/signup/spaces_attach.html"
    else:
        form = CreationSpacesForm(_post(request))
        context = _step_context(4, form=form, default_spaces=[Space(s).label for s in DEFAULT_SPACES])
        template = "accounts/signup/spaces_create.html"

    if request.method != "POST":
        return render(request, template, context)
    if not form.is_valid():
        return render(request, template, context, status=422)
    if response := ratelimit.consume_or_429(request, action="signup"):
        return response
    identity, personal = data["identity"], data["personal"]
    structure_data = None
    attach = data.get("attach", {})
    message = attach.get("message", "")
    if attaching:
        wanted = form.cleaned_data.get("wanted_spaces", [])
        if wanted:
            # Subscriptions need an active membership: the wanted spaces travel with the request so
            # the manager can subscribe the user when approving it.
            wanted_labels = ", ".join(str(Space(s).label) for s in wanted)
            wanted_line = _("Espaces souhaités : %(spaces)s") % {"spaces": wanted_labels}
            message = "\n".join(filter(None, [message, wanted_line]))
    else:
        structure_data = {
            **data["structure"],
            "identifier_type": identity["identifier_type"],
            "identifier": identity["identifier"],
        }
    try:
        services.register_user(
            email=identity["email"],
            personal=personal,
            structure_data=structure_data,
            extra_spaces=form.cleaned_data.get("extra_spaces", []),
            attach_structure_id=existing.pk if attaching else None,
            service_ids=[int(pk) for pk in attach.get("services", [])],
            message=message,
            language=translation.get_language() or settings.LANGUAGE_CODE,
        )
    except StructureError as error:
        form.add_error(None, str(error))
        return render(request, template, context, status=422)
    request.session.pop(SIGNUP_SESSION_KEY, None)
    # The typed address, not the account's: an existing account must not change the answer.
    request.session[SIGNUP_DONE_SESSION_KEY] = identity["email"]
    return redirect("accounts:signup_done")


def signup_done(request):
    """Final page: the activation link has been sent."""
    email = request.session.get(SIGNUP_DONE_SESSION_KEY)
    if not email:
        return redirect("accounts:signup")
    return render(
        request,
        "accounts/signup/done.html",
        {"email": email, "resend_form": ResendActivationForm(initial={"email": email})},
    )


# --- Activation -------------------------------------------------------------------------------


def resend_activation(request):
    """Anyone may ask for a new link; the answer never says whether the address exists."""
    form = ResendActivationForm(_post(request), initial={"email": request.GET.get("email", "")})
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "accounts/activation/resend.html", {"form": form}, status=422)
        email = form.cleaned_data["email"]
        if response := ratelimit.consume_or_429(request, action="resend_activation", key=email.lower()):
            return response
        services.resend_activation(email=email)
        messages.success(
            request,
            _(
                "Si un compte en cours d'activation correspond à cette adresse, un nouveau lien d'activation "
                "vient de lui être envoyé. Il est valable 60 minutes."
            ),
        )
        return redirect("accounts:resend_activation")
    return render(request, "accounts/activation/resend.html", {"form": form})


def activate(request, token):
    """The e-mailed link: the user chooses their password and is logged in."""
    try:
        user = services.user_for_activation_token(token)
    except ActivationLinkError as error:
        return render(request, "accounts/activation/invalid.html", {"error": error}, status=400)
    form = SetPasswordForm(_post(request), user=user)
    if request.method == "POST":
        if not form.is_valid():
            return render(
                request, "accounts/activation/set_password.html", {"form": form, "account": user}, status=422
            )
        try:
            user = services.activate_account(user_id=user.pk, password=form.cleaned_data["password1"])
        except ActivationLinkError as error:
            return render(request, "accounts/activation/invalid.html", {"error": error}, status=400)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Votre compte est activé. Bienvenue sur le Portail Chorus."))
        return redirect("home")
    return render(request, "accounts/activation/set_password.html", {"form": form, "account": user})


# --- Mon compte -------------------------------------------------------------------------------


def _my_account_context(request, **forms_) -> dict:
    user = request.user
    structures = selectors.active_structures_of(user)
    context = {
        "profile_form": ProfileForm(initial={f: getattr(user, f) for f in ProfileForm.base_fields}),
        "preferences_form": PreferencesForm(
            initial={"language": user.language, "notification_preference": user.notification_preference}
        ),
        "subscription_form": SubscriptionRequestForm(structures=structures),
        "memberships": structure_selectors.memberships_of(user),
        "subscriptions": [
            (subscription, structure_permissions.can_end_subscription(subscription))
            for subscription in structure_selectors.subscriptions_of(user)
        ],
    }
    context.update(forms_)
    return context


@login_required
def my_account(request):
    return render(request, "accounts/my_account.html", _my_account_context(request))


@login_required
@require_POST
def update_profile(request):
    form = ProfileForm(request.POST)
    if not form.is_valid():
        return render(
            request, "accounts/my_account.html", _my_account_context(request, profile_form=form), status=422
        )
    services.update_profile(user=request.user, data=form.cleaned_data)
    messages.success(request, _("Vos informations personnelles ont été enregistrées."))
    return redirect("accounts:my_account")


@login_required
@require_POST
def update_preferences(request):
    form = PreferencesForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "accounts/my_account.html",
            _my_account_context(request, preferences_form=form),
            status=422,
        )
    user = services.update_profile(user=request.user, data=form.cleaned_data)
    translation.activate(user.language)
    messages.success(request, _("Vos préférences ont été enregistrées."))
    response = redirect("accounts:my_account")
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        user.language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


@login_required
def deactivate(request):
    form = DeactivateAccountForm(_post(request))
    if request.method == "POST":
        if form.is_valid():
            try:
                services.deactivate_account(user=request.user)
            except AccountError as error:
                form.add_error(None, str(error))
            else:
                logout(request)
                messages.success(request, _("Votre compte a été désactivé."))
                return redirect("home")
        return render(request, "accounts/deactivate.html", {"form": form}, status=422)
    return render(request, "accounts/deactivate.html", {"form": form})


@login_required
def request_membership(request):
    """Mes rattachements › Demander un rattachement: search, pick a structure, then send the request."""
    search_form = MembershipSearchForm(request.GET if request.GET.keys() - {"structure"} else None)
    results = None
    if search_form.is_bound and search_form.is_valid():
        results = structure_selectors.structures_for_membership_search(
            identifier=search_form.cleaned_data["identifier"],
            raison_sociale=search_form.cleaned_data["raison_sociale"],
        ).active()[:50]
    structure = None
    form = None
    structure_id = request.POST.get("structure") or request.GET.get("structure")
    if structure_id:
        pk = object_id(structure_id)
        if pk is None:
            raise Http404
        structure = get_object_or_404(Structure.objects.active(), pk=pk)
        form = MembershipRequestForm(_post(request), services=selectors.active_services(structure))
    context = {"search_form": search_form, "results": results, "structure": structure, "form": form}
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            if response := ratelimit.consume_or_429(request, action="request_membership"):
                return response
            try:
                structure_services.request_membership(
                    user=request.user,
                    structure_id=structure.pk,
                    service_ids=[int(pk) for pk in form.cleaned_data.get("services", [])],
                    message=form.cleaned_data["message"],
                )
            except StructureError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _("Votre demande de rattachement à %(structure)s a été transmise à ses gestionnaires.")
                    % {"structure": structure.raison_sociale},
                )
                return redirect("accounts:my_account")
        return render(request, "accounts/request_membership.html", context, status=422)
    return render(request, "accounts/request_membership.html", context)


@login_required
@require_POST
def request_subscription(request):
    structures = selectors.active_structures_of(request.user)
    form = SubscriptionRequestForm(request.POST, structures=structures)
    if form.is_valid():
        try:
            subscription = structure_services.request_subscription(
                user=request.user,
                structure_id=form.cleaned_data["structure"],
                space=form.cleaned_data["space"],
                mode=form.cleaned_data["mode"],
            )
        except StructureError as error:
            form.add_error(None, str(error))
        else:
            if subscription.status == SubscriptionStatus.ACTIVE:
                messages.success(request, _("Votre abonnement est actif."))
            else:
                messages.success(request, _("Votre demande d'abonnement a été transmise aux gestionnaires."))
            return redirect("accounts:my_account")
    return render(
        request, "accounts/my_account.html", _my_account_context(request, subscription_form=form), status=422
    )


@login_required
def end_subscription(request, subscription_id):
    """Résilier asks for a confirmation first (GET), then ends the subscription (POST)."""
    subscription = get_object_or_404(structure_selectors.subscriptions_of(request.user), pk=subscription_id)
    if not structure_permissions.can_end_subscription(subscription):
        messages.error(request, _("Cet abonnement ne peut pas être résilié."))
        return redirect("accounts:my_account")
    if request.method != "POST":
        return render(request, "accounts/end_subscription.html", {"subscription": subscription})
    structure_services.end_subscription(user=request.user, subscription_id=subscription.pk)
    messages.success(request, _("Votre abonnement a été résilié."))
    return redirect("accounts:my_account")


@require_POST
def set_language(request):
    """The header's language switch; for a connected user, also the language of Mon compte, so that
    the page, the profile and the e-mails agree."""
    response = i18n_views.set_language(request)
    language = request.POST.get("language")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        services.update_profile(user=request.user, data={"language": language})
    return response
