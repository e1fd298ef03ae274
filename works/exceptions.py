class WorksError(Exception):
    """A business rule refused the operation; the message is shown as is, in French."""


class InvalidTransition(WorksError):
    """The dossier's current status, or the actor's role, does not allow the action."""


class WorksNotFound(WorksError):
    """No such contract, dossier or piece in the acting structure's scope."""


class WorksNotAllowed(WorksError):
    """The user's rights on Factures de travaux do not allow it."""
