"""The /cpro/ HTTP layer (api.md §1–§2): bearer token, technical account, rate limit, JSON in
and out, the call log. Operations are plain functions `(call, body) -> dict`; they hold no
business rule and call the apps' selectors and services."""

import base64
import binascii
import datetime
import hashlib
import json
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider.models import AccessToken

from api import selectors, services
from api.exceptions import CproError

SUCCESS = {"codeRetour": 0, "libelle": "TRA_MSG_00.000"}
NO_RESULT = {"codeRetour": 20000, "libelle": "TRA_MSG_00.015 La recherche n'a retourné aucun résultat"}
# PST caches a token for exactly expires_in seconds: a short grace avoids its occasional 401.
TOKEN_GRACE = datetime.timedelta(seconds=60)


@dataclass
class Call:
    """Who is calling: the technical account (its portal user and structure) and its application."""

    account: object
    application: object

    @property
    def structure(self):
        return self.account.structure

    @property
    def user(self):
        return self.account.user


def _unauthorized(description: str, error: str) -> CproError:
    return CproError(
        description,
        code_retour=401,
        http=401,
        headers={
            "WWW-Authenticate": f'Bearer realm="PISTE",error="{error}",error_description="{description}"'
        },
    )


def _application(request):
    scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorized("missing bearer token", "invalid_token")
    checksum = hashlib.sha256(token.strip().encode()).hexdigest()
    access = AccessToken.objects.select_related("application").filter(token_checksum=checksum).first()
    if access is None or access.expires + TOKEN_GRACE < timezone.now():
        raise _unauthorized("invalid or expired token", "invalid_token")
    return access.application


def _account(request):
    """cpro-account = base64("login:password"), split on the first colon (api.md §2.3)."""
    raw = request.headers.get("cpro-account", "").strip()
    try:
        decoded = base64.b64decode(raw, validate=False).decode()
    except (binascii.Error, UnicodeDecodeError):
        decoded = ""
    login, colon, password = decoded.partition(":")
    account = services.authenticate_account(login, password) if colon and login else None
    if account is None:
        raise _unauthorized("login or password incorrects", "Unauthorized")
    return account


def _check_rate(application) -> None:
    window = int(time.time() // 60)
    key = f"api:rate:{application.pk}:{window}"
    cache.add(key, 0, 120)
    if cache.incr(key) > settings.API_RATE_LIMIT_PER_MINUTE:
        raise CproError(_("Trop d'appels : réessayez dans une minute."), code_retour=429, http=429)


def _body(request) -> dict:
    if int(request.META.get("CONTENT_LENGTH") or 0) > settings.API_MAX_BODY_SIZE:
        raise CproError(_("La requête est trop volumineuse."), code_retour=413, http=413)
    # Read from the stream: Django's 2.5 MB DATA_UPLOAD_MAX_MEMORY_SIZE guards request.body only.
    raw = request.read() if request.method == "POST" else b""
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise CproError(_("Le corps de la requête n'est pas un JSON valide.")) from error
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise CproError(_("Le corps de la requête doit être un objet JSON."))
    # `null` equals absent (api.md §1.4).
    return {key: value for key, value in body.items() if value is not None}


def answer(payload: dict, status: int = 200, headers=None) -> JsonResponse:
    response = JsonResponse(payload, status=status, json_dumps_params={"ensure_ascii": False})
    for name, value in (headers or {}).items():
        response[name] = value
    # For the call log, without reading the answer back.
    response.code_retour = payload.get("codeRetour")
    return response


def error_answer(error: CproError) -> JsonResponse:
    return answer({"codeRetour": error.code_retour, "libelle": error.libelle}, error.http, error.headers)


def _run(request, operation):
    application = account = None
    try:
        application = _application(request)
        account = _account(request)
        if not selectors.is_connected(application, account.structure):
            raise CproError(
                _("Cette application n'est pas raccordée à la structure du compte technique."),
                code_retour=403,
                http=403,
            )
        _check_rate(application)
        payload = operation(Call(account=account, application=application), _body(request))
        return application, account, answer(payload)
    except CproError as error:
        return application, account, error_answer(error)


@csrf_exempt
def dispatch(request, path):
    """Every /cpro/ operation (and `//cpro/`, api.md §1.1): the table of operations decides."""
    from api.operations import OPERATIONS

    started = time.monotonic()
    # Messages in French whatever the caller's headers: libelle is read by people in France.
    with override("fr"):
        entry = OPERATIONS.get(path.strip("/"))
        application = account = None
        if entry is None:
            response = error_answer(CproError(_("Opération inconnue."), code_retour=404, http=404))
        elif request.method not in entry.methods:
            response = error_answer(CproError(_("Méthode non autorisée."), code_retour=405, http=405))
            response["Allow"] = ", ".join(entry.methods)
        else:
            application, account, response = _run(request, entry.function)
    services.record_call(
        application=application,
        account=account,
        method=request.method,
        path=path,
        http_status=response.status_code,
        code_retour=response.code_retour if isinstance(response.code_retour, int) else None,
        duration_ms=int((time.monotonic() - started) * 1000),
    )
    return response
