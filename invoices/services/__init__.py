"""Every write on invoices, one module per family of screens; this package exports their public
API (`from invoices import services` then `services.submit_invoice(...)`). A status changes only
in `core._apply_transition`."""

from invoices.services.batch import BatchOutcome, run_batch
from invoices.services.drafts import (
    create_deposited_draft,
    delete_draft,
    duplicate_invoice,
    new_invoice_refusal,
    require_new_invoice_allowed,
    save_draft,
)
from invoices.services.files import ensure_original, remove_attachment
from invoices.services.notifications import mark_notifications_read
from invoices.services.processing import mark_downloaded, process_invoice, process_invoices
from invoices.services.returns import (
    acknowledge_return,
    acknowledge_returns,
    complete_invoice,
    recycle_invoice,
)
from invoices.services.routing import route_invoice
from invoices.services.sending import (
    NUMBER_PATTERN,
    issue_deposited_invoice,
    submission_errors,
    submission_preview,
    submit_invoice,
)
from invoices.services.validation import (
    correct_validator,
    decide_validation,
    decide_validations,
    validate_tacitly,
)
from invoices.services.works import issue_works_invoice

__all__ = [
    "NUMBER_PATTERN",
    "BatchOutcome",
    "acknowledge_return",
    "acknowledge_returns",
    "complete_invoice",
    "correct_validator",
    "create_deposited_draft",
    "decide_validation",
    "decide_validations",
    "delete_draft",
    "duplicate_invoice",
    "ensure_original",
    "issue_deposited_invoice",
    "issue_works_invoice",
    "mark_downloaded",
    "mark_notifications_read",
    "new_invoice_refusal",
    "process_invoice",
    "process_invoices",
    "recycle_invoice",
    "remove_attachment",
    "require_new_invoice_allowed",
    "route_invoice",
    "run_batch",
    "save_draft",
    "submission_errors",
    "submission_preview",
    "submit_invoice",
    "validate_tacitly",
]
