from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.enums import Language, NotificationPreference, UserStatus


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("email is required")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password, **extra):
        extra.update(is_staff=True, is_superuser=True, status=UserStatus.ACTIVE)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person; logs in with the connection e-mail, is reached at the contact e-mail."""

    email = models.EmailField(_("adresse électronique de connexion"), unique=True)
    contact_email = models.EmailField(_("adresse électronique de contact"), blank=True)
    nom = models.CharField(_("nom"), max_length=100)
    prenom = models.CharField(_("prénom"), max_length=100)
    telephone = models.CharField(_("téléphone"), max_length=30, blank=True)
    adresse = models.CharField(_("adresse"), max_length=200, blank=True)
    complement_adresse = models.CharField(_("complément d'adresse"), max_length=200, blank=True)
    code_postal = models.CharField(_("code postal"), max_length=10, blank=True)
    ville = models.CharField(_("ville"), max_length=100, blank=True)
    pays = models.CharField(_("pays"), max_length=2, default="FR")
    language = models.CharField(_("langue"), max_length=2, choices=Language.choices, default=Language.FR)
    notification_preference = models.CharField(
        _("notifications"),
        max_length=20,
        choices=NotificationPreference.choices,
        default=NotificationPreference.EACH_EVENT,
    )
    status = models.CharField(
        _("statut"), max_length=25, choices=UserStatus.choices, default=UserStatus.PENDING_ACTIVATION
    )
    # Django and allauth filter on is_active in queries; derive it from the status so that the
    # status stays the single source of truth.
    is_active = models.GeneratedField(
        expression=models.Case(
            models.When(status=UserStatus.ACTIVE, then=models.Value(True)),
            default=models.Value(False),
        ),
        output_field=models.BooleanField(),
        db_persist=True,
    )
    is_staff = models.BooleanField(_("équipe du portail"), default=False)
    date_joined = models.DateTimeField(_("date de création"), default=timezone.now)
    activated_at = models.DateTimeField(_("date d'activation"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["nom", "prenom"]

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")

    def __str__(self):
        return self.full_name or self.email

    @property
    def full_name(self):
        return f"{self.prenom} {self.nom}".strip()

    @property
    def notification_email(self):
        return self.contact_email or self.email

    @property
    def is_pending_activation(self):
        return self.status == UserStatus.PENDING_ACTIVATION


class OutboxEmail(models.Model):
    """Development only: a copy of each e-mail sent by `make run`, shown at /dev/outbox/."""

    to = models.CharField(_("destinataires"), max_length=500)
    subject = models.CharField(_("objet"), max_length=500)
    body = models.TextField(_("texte"))
    html_body = models.TextField(_("HTML"), blank=True)
    sent_at = models.DateTimeField(_("date d'envoi"), auto_now_add=True)

    class Meta:
        verbose_name = _("e-mail de développement")
        verbose_name_plural = _("boîte d'envoi de développement")
        ordering = ["-sent_at", "-pk"]

    def __str__(self):
        return self.subject
