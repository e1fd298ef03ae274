import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
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

    The CSP is sent report-only: browsers report what it would block without blocking it, until
    every page has been checked with it in a browser. A download that set its own (sandbox) policy
    keeps it.
    """

    header = "Content-Security-Policy-Report-Only"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response.headers.setdefault(self.header, CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
