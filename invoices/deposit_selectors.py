"""The read of the deposits app that the invoice entry form shows: the file an invoice was
pre-filled from.

deposits sits above invoices (it makes invoices from deposited files): it registers its selector
here when it starts (DepositsConfig.ready), so that invoices never imports it.
"""

_registered = {}


def register(*, item_of_invoice) -> None:
    _registered["item_of_invoice"] = item_of_invoice


def item_of_invoice(invoice):
    """The deposited file the invoice was made from, if any."""
    lookup = _registered.get("item_of_invoice")
    return lookup(invoice) if lookup is not None else None
