"""The OpenAPI 3 document of the API, generated from the table of operations: paths, methods,
the keys each answer always carries, the error answers and the two credentials."""

from api.operations import OPERATIONS

_ERROR = {
    "type": "object",
    "required": ["codeRetour", "libelle"],
    "properties": {"codeRetour": {"type": "integer"}, "libelle": {"type": "string"}},
}
_ERRORS = {
    "400": "Requête invalide, objet introuvable ou action refusée",
    "401": "Jeton ou compte technique invalide",
    "403": "Application non raccordée à la structure du compte technique",
    "413": "Requête trop volumineuse",
    "429": "Trop d'appels",
}


def _json(schema: dict) -> dict:
    return {"application/json": {"schema": schema}}


def _success(operation) -> dict:
    properties = {key: {"type": "array", "items": {"type": "object"}} for key in operation.lists}
    required = [*operation.lists, *operation.returns]
    if "body" not in operation.returns:
        properties.update(_ERROR["properties"])
        required = ["codeRetour", "libelle", *required]
    return {"type": "object", "required": required, "properties": properties}


def _operation(path: str, method: str, operation) -> dict:
    entry = {
        "operationId": f"{method}_{path}".replace("/", "_"),
        "summary": operation.summary,
        "tags": [path.split("/", 1)[0]],
        "parameters": [
            {
                "name": "cpro-account",
                "in": "header",
                "required": True,
                "description": "base64(login:mot de passe) du compte technique",
                "schema": {"type": "string"},
            }
        ],
        "security": [{"piste": ["openid"]}],
        "responses": {
            "200": {
                "description": "Réponse (codeRetour 0, ou 20000 si la recherche est vide)",
                "content": _json(_success(operation)),
            },
            **{code: {"description": text, "content": _json(_ERROR)} for code, text in _ERRORS.items()},
        },
    }
    if method == "post":
        body = {"type": "object", "properties": {name: {"type": kind} for name, kind in operation.requires}}
        if operation.requires:
            body["required"] = [name for name, _kind in operation.requires]
        entry["requestBody"] = {"required": bool(operation.requires), "content": _json(body)}
    return entry


def document(base_url: str) -> dict:
    paths = {
        f"/cpro/{path}": {method.lower(): _operation(path, method.lower(), op) for method in op.methods}
        for path, op in OPERATIONS.items()
    }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "API Chorus Pro (mode Service) du Portail Chorus",
            "version": "1",
            "description": (
                "Les opérations de l'API Chorus Pro servies par le portail : seule l'adresse de base change."
            ),
        },
        "servers": [{"url": base_url}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "piste": {
                    "type": "oauth2",
                    "flows": {
                        "clientCredentials": {
                            "tokenUrl": f"{base_url}/api/oauth/token",
                            "scopes": {"openid": "API"},
                        }
                    },
                }
            }
        },
    }


def listing(spec: dict) -> list[dict]:
    """One row per operation of the document, for the readable page."""
    return [
        {
            "path": path,
            "method": method.upper(),
            "summary": entry["summary"],
            "keys": entry["responses"]["200"]["content"]["application/json"]["schema"]["required"],
        }
        for path, methods in spec["paths"].items()
        for method, entry in methods.items()
    ]
