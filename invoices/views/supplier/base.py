"""What every Factures émises screen shares: the space's access check and menu, the scoped
invoice, its abilities, and where submission problems are shown."""

from functools import wraps

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from invoices import permissions, selectors, services
from invoices.views.common import list_columns
from structures import permissions as structure_permissions
from structures.enums import Space, SubscriptionMode

space_required = structure_permissions.space_required(Space.FACTURES_EMISES)


def _menu(request) -> list[dict]:
    entries = [
        ("invoices:supplier_home", _("Synthèse")),
        ("invoices:supplier_search", _("Rechercher")),
        ("invoices:supplier_dashboard", _("Tableau de bord")),
    ]
    if request.space_mode == SubscriptionMode.MODIFICATION:
        entries += [
            ("invoices:supplier_create", _("Saisir facture")),
            ("deposits:create", _("Dépôt facture")),
        ]
    entries.append(("deposits:list", _("Dépôts")))
    return [{"label": label, "url": reverse(name), "name": name} for name, label in entries]


def render_space(request, template, context=None, *, status=200):
    """A page of the Factures émises space, with its menu."""
    context = {
        "space_menu_items": _menu(request),
        "space_title": _("Factures émises"),
        "can_write": request.space_mode == SubscriptionMode.MODIFICATION
        and request.current_structure.is_active,
        "columns": list_columns("supplier"),
        "side": "supplier",
        **(context or {}),
    }
    return render(request, template, context, status=status)


def _invoice(request, invoice_id):
    return get_object_or_404(selectors.issued_by(request.current_structure), pk=invoice_id)


def _abilities(request, invoice) -> dict:
    return permissions.invoice_abilities(
        request.user, request.current_structure, invoice, membership=request.current_membership
    )


# Submission problems on model fields are shown next to the form field that holds them.
_ERROR_FIELDS = {
    "recipient": "recipient_identifier",
    "validator": "validator_identifier",
    "lines": None,
}


def _add_errors(form, lines, errors):
    for field, messages_ in errors.items():
        target = _ERROR_FIELDS.get(field, field)
        if field == "lines":
            lines.line_errors = messages_
            continue
        for message in messages_:
            form.add_error(target if target in form.fields else None, message)


def new_invoice_allowed(view):
    """Saisir and Déposer open only when the service allows a new invoice; otherwise the user is
    told why on the Synthèse."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        refusal = services.new_invoice_refusal(
            request.user, request.current_structure, membership=request.current_membership
        )
        if refusal:
            messages.error(request, refusal)
            return redirect("invoices:supplier_home")
        return view(request, *args, **kwargs)

    return wrapper
