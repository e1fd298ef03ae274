"""Presentation helpers of the deposit screens: badges read their type from the workflow."""

from django import template

from choruspro import translatable
from deposits import cdar, workflow
from deposits.enums import ItemOutcome

register = template.Library()

# One mapping outcome → DSFR badge type, beside the deposit states' (deposits.workflow.badge).
_OUTCOME_BADGES = {ItemOutcome.SENT: "success", ItemOutcome.REJECTED: "error"}


@register.filter
def deposit_badge(status: str) -> str:
    return workflow.badge(status)


@register.filter
def reading_badge(reading: str) -> str:
    return workflow.reading_badge(reading)


@register.filter
def outcome_badge(outcome: str) -> str:
    return _OUTCOME_BADGES.get(outcome, "info")


@register.filter
def has_rejection_message(item) -> bool:
    """Whether the refused file identifies an invoice the reform's *Rejetée* (213) can name."""
    return item.pk is not None and cdar.has_rejection_message(item)


@register.filter
def translated(message) -> str:
    """A message kept inside a JSON field (a validation finding's), in the reader's language."""
    return translatable.render(message)
