class StructureError(Exception):
    """A business rule refused the operation; the message is shown to the user as is."""


class NotAllowed(StructureError):
    """The actor's role does not allow the operation for this structure."""
