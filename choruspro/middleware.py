from django.conf import settings
from django.utils import translation


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
