class ApiSpaceError(Exception):
    """A business rule of the Raccordement space refused the action; the message is shown as is."""


class CproError(Exception):
    """A /cpro/ call refused: answered as the JSON api.md §2.5 gives (`http` status, `code_retour`,
    French `libelle`)."""

    def __init__(self, libelle: str, *, code_retour: int = 20001, http: int = 400, headers=None):
        super().__init__(libelle)
        self.libelle = str(libelle)
        self.code_retour = code_retour
        self.http = http
        self.headers = headers or {}
