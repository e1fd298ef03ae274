from choruspro import translatable


class InvoiceError(Exception):
    """A business rule refused the operation; the message is shown as is."""


class InvalidTransition(InvoiceError):
    """The invoice's current status does not allow the action (raised by `workflow`)."""


class InvoiceNotFound(InvoiceError):
    """No such invoice in the actor's scope."""


class InvoiceNotAllowed(InvoiceError):
    """The user's rights on the space do not allow it for this structure."""


class SubmissionRefused(InvoiceError):
    """Sending found problems; `errors` maps a form field (or None) to French messages."""

    def __init__(self, errors: dict[str | None, list[str]]):
        super().__init__(translatable.join("; ", [m for messages in errors.values() for m in messages]))
        self.errors = errors


class AttachmentRefused(InvoiceError):
    """Files that break the attachment rules; `errors` maps each file name to its problem."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{name} : {problem}" for name, problem in errors.items()))
        self.errors = errors


class ConcurrentChange(InvoiceError):
    """Someone changed the invoice's status first."""


__all__ = [
    "AttachmentRefused",
    "ConcurrentChange",
    "InvalidTransition",
    "InvoiceError",
    "InvoiceNotAllowed",
    "InvoiceNotFound",
    "SubmissionRefused",
]
