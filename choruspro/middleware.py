import logging
import sys
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError, connections
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _


class PortalLocaleMiddleware:
    """French unless the user chose otherwise (domain: the UI speaks French by default).

    The choice is, in order: the language cookie set by the header's switch or by Mon compte,
    then the connected user's preference. The browser's Accept-Language is deliberately ignored.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        supported = {code for code, _name in settings.LANGUAGES}
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in supported:
            user = getattr(request, "user", None)
            preference = (
                getattr(user, "language", None) if user is not None and user.is_authenticated else None
            )
            language = preference if preference in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class IdleSessionMiddleware:
    """Logs a connected user out after SESSION_IDLE_TIMEOUT seconds without a request.

    The last activity is written at most once per SESSION_ACTIVITY_RESOLUTION seconds: each write
    saves the session (cached_db: a database write), which every request would otherwise pay.
    """

    KEY = "last_activity"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(self.KEY)
            if last is not None and now - last > settings.SESSION_IDLE_TIMEOUT:
                logout(request)
                messages.info(
                    request, _("Votre session a expiré après une période d'inactivité : reconnectez-vous.")
                )
            elif last is None or now - last >= settings.SESSION_ACTIVITY_RESOLUTION:
                request.session[self.KEY] = now
        return self.get_response(request)


# Scripts, styles, images and fonts from the portal only (DSFR and htmx are served as static files,
# no inline script); data: for the DSFR's inline SVG icons and fonts.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()" for feature in ("camera", "microphone", "geolocation", "payment", "usb")
)


class SecurityHeadersMiddleware:
    """The Content-Security-Policy and Permissions-Policy of every page.

    The CSP is enforced: no page needs an inline script, handler or style element, which
    tests/browser/test_content_security_policy.py checks in chromium on the main pages. A download
    that set its own (sandbox) policy keeps it.
    """

    header = "Content-Security-Policy"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault(self.header, CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


logger = logging.getLogger(__name__)
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def _mark_connection_error(sender, request=None, **_kwargs):
    """Django has turned an exception into a 500: remember whether it was a lost connection."""
    if request is not None and isinstance(sys.exception(), (OperationalError, InterfaceError)):
        request.database_connection_lost = True


got_request_exception.connect(_mark_connection_error, dispatch_uid="choruspro.database_retry")


def _commits() -> int | None:
    """Commits so far on this thread's connections; None where a backend does not count them."""
    counts = [getattr(connection, "commits", None) for connection in connections.all()]
    return None if None in counts else sum(counts)


def _drop_broken_connections() -> None:
    """The next query opens a new connection, which waits for the database (choruspro.database).
    Not inside a transaction, which only a test opens around a request."""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()


class DatabaseRetryMiddleware:
    """A request that lost its database connection (a restart cut it) never answers 500.

    When nothing of it can have been written (a read, or a write whose transaction never committed:
    the services write in transactions, whose commits choruspro.database counts), it is answered
    once more on a new connection, which waits for the database. When a transaction of it had
    committed, replaying it could do that twice: the user is sent back to the page with a message
    telling them to check what was saved.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def _replayable(self, request) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return request.database_commits is not None and _commits() == request.database_commits

    def __call__(self, request):
        request.database_commits = _commits()
        response = self.get_response(request)
        if not getattr(request, "database_connection_lost", False) or not self._replayable(request):
            return response
        logger.warning("%s %s replayed after a lost database connection", request.method, request.path)
        request.database_connection_lost = False
        _drop_broken_connections()
        for _name, files in request.FILES.lists():
            for upload in files:
                upload.seek(0)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)) or self._replayable(request):
            return None
        logger.warning("%s %s cut by a lost database connection after a commit", request.method, request.path)
        _drop_broken_connections()
        messages.warning(
            request,
            _(
                "La base de données a été interrompue pendant votre demande, dont une partie a pu être "
                "enregistrée : vérifiez le résultat avant de recommencer."
            ),
        )
        return redirect(request.get_full_path())
