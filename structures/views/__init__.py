"""HTTP layer of the structures app: the header's switcher and *Activités du gestionnaire*."""

from structures.views.mandates import mandate_list, mandate_revoke, mandate_sign, mandate_subscribe
from structures.views.organisation import (
    bank_account_list,
    bank_account_status,
    service_list,
    service_update,
    space_close,
    space_list,
    structure_detail,
    structure_inactivate,
)
from structures.views.requests import (
    decide_memberships,
    decide_subscriptions,
    history,
    manager_home,
    requests_list,
)
from structures.views.switch import switch_structure
from structures.views.users import (
    duplicate_rights,
    transfer_principal,
    user_attach,
    user_bulk_action,
    user_detach,
    user_export,
    user_list,
    user_resend_activation,
)

__all__ = [
    "bank_account_list",
    "bank_account_status",
    "decide_memberships",
    "decide_subscriptions",
    "duplicate_rights",
    "history",
    "manager_home",
    "mandate_list",
    "mandate_revoke",
    "mandate_sign",
    "mandate_subscribe",
    "requests_list",
    "service_list",
    "service_update",
    "space_close",
    "space_list",
    "structure_detail",
    "structure_inactivate",
    "switch_structure",
    "transfer_principal",
    "user_attach",
    "user_bulk_action",
    "user_detach",
    "user_export",
    "user_list",
    "user_resend_activation",
]
