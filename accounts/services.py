"""Every write on user accounts: sign-up, activation, profile, deactivation.

The user's status is changed here and nowhere else. Side effects (e-mails) run after commit.
"""

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.enums import UserStatus
from accounts.exceptions import AccountError, ActivationLinkExpired, ActivationLinkInvalid, ActivationLinkUsed
from accounts.models import User
from choruspro.text import email_subject
from structures import cache as structure_cache
from structures import services as structure_services
from structures.enums import MembershipStatus, Role, StructureKind, StructureStatus
from structures.models import Membership

ACTIVATION_SALT = "accounts.activation"
PROFILE_FIELDS = (
    "nom",
    "prenom",
    "contact_email",
    "telephone",
    "adresse",
    "complement_adresse",
    "code_postal",
    "ville",
    "pays",
    "language",
    "notification_preference",
)


# --- Activation link --------------------------------------------------------------------------


def activation_token(user: User) -> str:
    return signing.dumps({"user": user.pk, "email": user.email}, salt=ACTIVATION_SALT)


def activation_url(user: User) -> str:
    path = reverse("accounts:activate", args=[activation_token(user)])
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def user_for_activation_token(token: str) -> User:
    """The pending user a link was sent to; raises an ActivationLinkError subclass otherwise."""
    try:
        payload = signing.loads(token, salt=ACTIVATION_SALT, max_age=settings.ACCOUNT_ACTIVATION_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise ActivationLinkExpired from exc
    except signing.BadSignature as exc:
        raise ActivationLinkInvalid from exc
    user = User.objects.filter(pk=payload.get("user"), email=payload.get("email")).first()
    if user is None:
        raise ActivationLinkInvalid
    if user.status != UserStatus.PENDING_ACTIVATION:
        raise ActivationLinkUsed
    return user


def send_activation_email(user_id: int) -> None:
    user = User.objects.filter(pk=user_id, status=UserStatus.PENDING_ACTIVATION).first()
    if user is None:
        return
    context = {
        "user": user,
        "activation_url": activation_url(user),
        "max_age_minutes": settings.ACCOUNT_ACTIVATION_MAX_AGE // 60,
        "resend_url": settings.PORTAL_BASE_URL.rstrip("/") + reverse("accounts:resend_activation"),
    }
    with translation.override(user.language):
        subject = email_subject("emails/accounts/activation_subject.txt", context)
        body = render_to_string("emails/accounts/activation.txt", context)
    # The link goes to the connection e-mail: it proves the user owns the login address.
    send_mail(subject, body, None, [user.email])


def send_requested_activation_link(sender, *, user_id: int, **kwargs) -> None:
    """Receives structures.signals.activation_link_requested (a manager invited a colleague)."""
    send_activation_email(user_id)


def send_existing_account_email(user_id: int) -> None:
    """Tells an account's owner that someone tried to sign up again with their connection e-mail."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return
    base_url = settings.PORTAL_BASE_URL.rstrip("/")
    context = {
        "user": user,
        "login_url": base_url + reverse("account_login"),
        "reset_url": base_url + reverse("account_reset_password"),
    }
    with translation.override(user.language):
        subject = email_subject("emails/accounts/existing_account_subject.txt", context)
        body = render_to_string("emails/accounts/existing_account.txt", context)
    send_mail(subject, body, None, [user.email])


def resend_activation(*, email: str) -> None:
    """Sends a new link if a pending account has that connection e-mail; silent otherwise."""
    user = User.objects.filter(email__iexact=email.strip(), status=UserStatus.PENDING_ACTIVATION).first()
    if user is not None:
        user_id = user.pk
        transaction.on_commit(lambda: send_activation_email(user_id))


# --- Sign-up ----------------------------------------------------------------------------------


@transaction.atomic
def register_user(
    *,
    email: str,
    personal: dict,
    structure_data: dict | None = None,
    kind: str = StructureKind.PRIVATE,
    extra_spaces=(),
    attach_structure_id: int | None = None,
    service_ids=(),
    message: str = "",
    language: str = "fr",
) -> User | None:
    """Creates a pending account, then creates its structure or requests a membership of one (rattachement).

    Exactly one of `structure_data` (creation: the user becomes principal manager) and
    `attach_structure_id` (membership request) is given. Raises StructureError.
    When the e-mail already has an account, nothing is created and None is returned: the caller
    answers as for a new sign-up (no account enumeration) and the owner is told by e-mail.
    """
    if (structure_data is None) == (attach_structure_id is None):
        raise ValueError("give either structure_data or attach_structure_id")
    email = User.objects.normalize_email(email).lower()
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        existing_id = existing.pk
        transaction.on_commit(lambda: send_existing_account_email(existing_id))
        return None
    values = {field: personal[field] for field in PROFILE_FIELDS if field in personal}
    values.setdefault("language", language)
    user = User.objects.create_user(email, status=UserStatus.PENDING_ACTIVATION, **values)
    if structure_data is not None:
        structure = structure_services.create_structure(
            actor=user, data=structure_data, kind=kind, created_by_signup=True
        )
        for space in extra_spaces:
            structure_services.open_space(actor=user, structure_id=structure.pk, space=space)
    else:
        structure_services.request_membership(
            user=user, structure_id=attach_structure_id, service_ids=service_ids, message=message
        )
    user_id = user.pk
    transaction.on_commit(lambda: send_activation_email(user_id))
    return user


@transaction.atomic
def activate_account(*, user_id: int, password: str) -> User:
    """Sets the first password from the activation link; the account becomes active.

    The password must have been checked with validate_password by the caller's form.
    """
    from allauth.account.models import EmailAddress

    user = User.objects.select_for_update().get(pk=user_id)
    if user.status != UserStatus.PENDING_ACTIVATION:
        raise ActivationLinkUsed
    user.set_password(password)
    user.status = UserStatus.ACTIVE
    user.activated_at = timezone.now()
    user.save(update_fields=["password", "status", "activated_at"])
    user.refresh_from_db(fields=["is_active"])
    structure_cache.forget_navigation(user.pk)
    EmailAddress.objects.filter(user=user).exclude(email__iexact=user.email).update(primary=False)
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


# --- Mon compte -------------------------------------------------------------------------------


@transaction.atomic
def update_profile(*, user: User, data: dict) -> User:
    """Personal information and preferences (language, notifications) of Mon compte."""
    user = User.objects.select_for_update().get(pk=user.pk)
    changed = []
    for field in PROFILE_FIELDS:
        if field in data and getattr(user, field) != data[field]:
            setattr(user, field, data[field])
            changed.append(field)
    if changed:
        user.save(update_fields=changed)
    return user


def _principal_of_active_structures(user: User):
    return Membership.objects.filter(
        user=user,
        role=Role.PRINCIPAL_MANAGER,
        status=MembershipStatus.ACTIVE,
        structure__status=StructureStatus.ACTIVE,
    ).select_related("structure")


@transaction.atomic
def deactivate_account(*, user: User) -> User:
    """The user closes their own account; a principal manager must first hand the role over."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.status == UserStatus.INACTIVE:
        raise AccountError(_("Ce compte est déjà désactivé."))
    held = list(_principal_of_active_structures(user))
    if held:
        names = ", ".join(m.structure.raison_sociale for m in held)
        raise AccountError(
            _(
                "Vous êtes gestionnaire principal de : %(structures)s. Transférez d'abord ce rôle à un "
                "autre utilisateur depuis Activités du gestionnaire."
            )
            % {"structures": names}
        )
    user.status = UserStatus.INACTIVE
    user.save(update_fields=["status"])
    structure_cache.forget_navigation(user.pk)
    return user
