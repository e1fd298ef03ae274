"""What structures asks of the apps above it, which it does not import (accounts sits above
structures: its sign-up creates structures)."""

from django.dispatch import Signal

# Sent after commit with `user_id` when a manager creates a colleague's account or asks a new
# activation link for it; accounts e-mails the link if the account still waits for activation.
activation_link_requested = Signal()
