"""Settings shared by every environment; everything variable comes from the environment."""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

SECRET_KEY = env("DJANGO_SECRET_KEY")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "dsfr",
    "widget_tweaks",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "pgtrigger",
    "django_countries",
    "captcha",
    "oauth2_provider",
    # Project apps
    "accounts",
    "structures",
    "annuaire",
    "invoices",
    "deposits",
    "solicitations",
    "api",
    "works",
    # Last: Django's form templates, after django-dsfr's overrides of some of them.
    "django.forms",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "choruspro.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Around everything that reads the database (sessions, users, views): replays a request whose
    # connection a database restart cut.
    "choruspro.middleware.DatabaseRetryMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "choruspro.middleware.PortalLocaleMiddleware",
    # After the locale: its message speaks the user's language.
    "choruspro.middleware.IdleSessionMiddleware",
    "structures.middleware.CurrentStructureMiddleware",
]

ROOT_URLCONF = "choruspro.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "structures.context_processors.navigation",
                "invoices.context_processors.notifications",
            ],
        },
    },
]
# Forms render with the project's template engine: templates/ first (the portal's few overrides of
# Django's widgets), then the apps' (django-dsfr's field snippets, then Django's own forms).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

WSGI_APPLICATION = "choruspro.wsgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Connections are kept between requests and between worker tasks: opening one per task costs a
# PostgreSQL backend each time (a lot of 1,000 invoices runs 3,000 tasks).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# The covering indexes (INCLUDE columns) that serve PostgreSQL's lists are plain indexes on SQLite,
# which says so at every start: the embedded database needs no warning about it.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
# Django's connection pool (psycopg_pool) instead: each process keeps a few connections open and
# lends one per request or task, which bounds the backends a node opens however many threads it
# runs. Django refuses a pool with persistent connections, so CONN_MAX_AGE goes to 0: closing a
# connection gives it back to the pool.
if env.bool("DJANGO_DB_POOL", default=False) and DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DJANGO_DB_POOL_MIN_SIZE", default=2),
        "max_size": env.int("DJANGO_DB_POOL_MAX_SIZE", default=10),
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
# New connections wait a few seconds for a restarting PostgreSQL (choruspro/database/base.py).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "choruspro.database"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# Every connected request reads its session: from the cache, the database only on a miss.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Idle timeout (choruspro.middleware.IdleSessionMiddleware): 30 minutes without a request logs out;
# the last activity is recorded at most once a minute, to spare the session writes.
SESSION_IDLE_TIMEOUT = 30 * 60
SESSION_ACTIVITY_RESOLUTION = 60
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "accounts.validators.ChorusPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "var" / "media")

# --- Storage ----------------------------------------------------------------
# Every file (originals, attachments, deposits, lots) goes through Django's storage API: on disk by
# default, in an S3-compatible bucket when DJANGO_STORAGE_BUCKET is set, so that any web or worker
# node reads what another stored. Names are never reused (file_overwrite): an original stays the
# bytes whose SHA-256 was recorded. Files are private and reached through the portal's views only.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if env("DJANGO_STORAGE_BUCKET", default=""):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("DJANGO_STORAGE_BUCKET"),
            "endpoint_url": env("DJANGO_STORAGE_ENDPOINT_URL", default=None),
            "access_key": env("DJANGO_STORAGE_ACCESS_KEY", default=None),
            "secret_key": env("DJANGO_STORAGE_SECRET_KEY", default=None),
            "region_name": env("DJANGO_STORAGE_REGION", default=None),
            "file_overwrite": False,
            "default_acl": "private",
            "querystring_auth": True,
        },
    }

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# --- E-mail -----------------------------------------------------------------
DEFAULT_FROM_EMAIL = env(
    "DJANGO_DEFAULT_FROM_EMAIL", default="Portail Chorus <ne-pas-repondre@chorus.example.org>"
)
# The address the contact page gives for questions about the portal itself.
SUPPORT_EMAIL = env("DJANGO_SUPPORT_EMAIL", default="support@chorus.example.org")
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("DJANGO_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("DJANGO_EMAIL_PORT", default=25)

# --- django-allauth ---------------------------------------------------------
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PASSWORD_MIN_LENGTH = 12
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Portail Chorus] "
ACCOUNT_LOGIN_BY_CODE_ENABLED = False
# Rate limits (allauth's mechanism, counted in CACHES): the log-in and every form that sends an
# e-mail. allauth applies its own actions (login, login_failed, reset_password); the portal's views
# consume the others with allauth.core.ratelimit. "ip" counts per client address, "user" per
# logged-in user, "key" per e-mail address concerned.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/h/key",
    # The last sign-up step, which creates the account and sends its activation link.
    "signup": "10/m/ip,30/h/ip",
    # A new activation link, asked by the person or by a manager of their structure.
    "resend_activation": "10/m/ip,3/h/key",
    "invite_user": "30/h/user",
    "request_membership": "10/h/user",
    "mandate_subscribe": "5/h/user",
    # Each deposit (a lot counts once) costs a worker its reading.
    "deposit": "200/h/user",
}
ACCOUNT_CHANGE_EMAIL = True
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Portail Chorus"

# --- Celery -----------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A worker killed mid-task: Redis hands its unacknowledged message to another worker after the
# visibility timeout (1 h by default), which must outlast the longest run or a running task would
# be handed out twice; deposits.services.STUCK_AFTER and the every-minute beat sweep back it up.
CELERY_TASK_SOFT_TIME_LIMIT = 90
CELERY_TASK_TIME_LIMIT = 105
# A whole worker lost (its node) is redelivered at most visibility_timeout after the delivery,
# plus the 10 s between two restore passes of the surviving workers: under 2 minutes.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 110}
# Celery would otherwise close the database connection before and after each task (a new
# PostgreSQL backend per task); choruspro/celery.py applies CONN_MAX_AGE instead.
CELERY_DB_REUSE_MAX = 10_000
CELERY_TIMEZONE = TIME_ZONE
# Reading deposited files is slow work: it has its own queue, so that it never delays e-mails and
# routing (house style §F).
CELERY_TASK_ROUTES = {"deposits.tasks.*": {"queue": "deposits"}}
# A new pool process compiles the validation stylesheets before it reports ready (seconds on a
# busy machine): the default 4 s would have it killed and restarted in a loop.
CELERY_WORKER_PROC_ALIVE_TIMEOUT = 60
# A pool process that grew past 1 GB (a file that inflates in a reader) is replaced after its task,
# so that the memory goes back to the system.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = 1_000_000  # KiB

# --- Cache ------------------------------------------------------------------
# Rate limits and locks must count across every web and worker node: in Redis when there is one.
if REDIS_URL:
    CACHES = {
        "default": {
            # A Redis outage reads as an empty cache (choruspro/cache.py), never a 500.
            "BACKEND": "choruspro.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("DJANGO_CACHE_KEY_PREFIX", default="choruspro"),
            # A Redis host that does not answer costs one second, not a hung worker.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Portal -----------------------------------------------------------------
PORTAL_NAME = "Portail Chorus"
# Activation links are valid 60 minutes (domain §6.6, W24).
ACCOUNT_ACTIVATION_MAX_AGE = 60 * 60
BILLING_MANDATE_SIGNATURE_MAX_AGE = 7 * 24 * 60 * 60

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    # Libraries that narrate every step at INFO: their warnings are enough.
    "loggers": {
        name: {"level": "WARNING"} for name in ("weasyprint", "fontTools", "factur-x", "celery.app.trace")
    },
}
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="http://127.0.0.1:8000")

# --- API (mode Service, ../shared/docs/api.md) -----------------------------------------------------
# The portal plays PISTE's part: OAuth2 client credentials at /api/oauth/token (django-oauth-toolkit),
# then every /cpro/ call with a bearer token and a technical account (cpro-account).
OAUTH2_PROVIDER = {
    # Clients read expires_in as an integer ≤ 32767 (api.md §2.1); OCA renews 240 s before.
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    "SCOPES": {"openid": "Appels de l'API Chorus Pro"},
    "DEFAULT_SCOPES": ["openid"],
    # chorus-api sends the secret unencoded in its form body: only URL-safe characters (api.md §2.1).
    "CLIENT_SECRET_GENERATOR_LENGTH": 64,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
    # The OAuth 2.0 security BCP (RFC 9700) in full: only client credentials are used, tokens are
    # stored hashed (the /cpro/ layer finds them by checksum).
    **{
        f"COMPLIANT_BCP_RFC9700_{rule}": True
        for rule in (
            "ACCESS_TOKEN_TRANSPORT",
            "AUTHZ_RESPONSE_ISS",
            "IMPLICIT_GRANT",
            "PASSWORD_GRANT",
            "PKCE_METHOD",
            "REDIRECT_URI_SCHEME",
            "REFRESH_TOKEN",
            "TOKEN_STORAGE",
        )
    },
}
# The api app's connections point at the application model; Django reads its swappable name here.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
# Calls per application and per minute; beyond, a 429 JSON answer.
API_RATE_LIMIT_PER_MINUTE = env.int("API_RATE_LIMIT_PER_MINUTE", default=600)
# A technical account's password is valid this long after it is set (api.md §2.4: +12 months).
API_PASSWORD_VALIDITY_DAYS = 365
# EDI: one inbound and one outbound folder per raccordement EDI, under this root (the SFTP service
# of docker-compose.yml serves it).
API_EDI_ROOT = env.path("API_EDI_ROOT", default=BASE_DIR / "var" / "edi")
# deposer/flux carries the file in base64 inside JSON: 30 MB lots become 40 MB bodies.
API_MAX_BODY_SIZE = 42 * 1024 * 1024
