class DepositError(Exception):
    """A business rule refused the operation; the message is shown as is."""


class DepositRefused(DepositError):
    """The upload breaks a rule; `errors` maps a form field to French messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(message for messages in errors.values() for message in messages))
        self.errors = errors


class InvalidTransition(DepositError):
    """The deposit's current state does not allow the change (a bug or a concurrent worker)."""
