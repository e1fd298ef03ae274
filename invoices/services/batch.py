"""« Several invoices at once »: one pattern for every batch action."""

import logging
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from django.db import transaction
from django.utils.translation import gettext as _

from invoices.exceptions import InvalidTransition, InvoiceError

logger = logging.getLogger(__name__)


@dataclass
class BatchOutcome:
    done: list = dataclass_field(default_factory=list)  # invoice numbers
    refused: list = dataclass_field(default_factory=list)  # (invoice number, reason)


def run_batch(scope, invoice_ids, action) -> BatchOutcome:
    """« Several invoices at once »: `action(invoice_id)` for each id found in `scope` (the actor's
    queryset), each in its own transaction, so that one refusal undoes nothing else and each
    item's side effects leave at its commit; every outcome is reported, a bug as « erreur
    technique » (logged) without stopping the others."""
    outcome = BatchOutcome()
    numbers = dict(scope.filter(pk__in=invoice_ids).values_list("pk", "number"))
    for invoice_id in sorted(set(invoice_ids)):
        if invoice_id not in numbers:
            outcome.refused.append((str(invoice_id), _("Facture introuvable.")))
            continue
        number = numbers[invoice_id]
        try:
            with transaction.atomic():
                action(invoice_id)
        except InvalidTransition:
            outcome.refused.append((number, _("son statut actuel ne permet pas cette action")))
        except InvoiceError as error:
            outcome.refused.append((number, str(error)))
        except Exception:
            logger.exception("batch action on invoice %s failed", invoice_id)
            outcome.refused.append((number, _("erreur technique")))
        else:
            outcome.done.append(number)
    return outcome
