class SolicitationError(Exception):
    """A business rule refused the operation; the message is shown as is."""


class InvalidTransition(SolicitationError):
    """The sollicitation's current status does not allow the action (raised by `workflow`)."""


class SolicitationNotFound(SolicitationError):
    """No such sollicitation in the actor's scope."""


class SolicitationNotAllowed(SolicitationError):
    """The user's rights do not allow it."""


class AttachmentRefused(SolicitationError):
    """Files that break the attachment rules; `errors` maps each file name to its problem."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{name} : {problem}" for name, problem in errors.items()))
        self.errors = errors
