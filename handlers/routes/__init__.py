"""The chat's entry points, one module per command family, composed into one registry.

Each family module declares its commands, buttons and typed-input modes with the roles allowed
next to the small function that parses the input and calls the conversation core. The order of
:data:`FAMILIES` is the order of /help, of the "/" menu and of the reply keyboard.
"""

from __future__ import annotations

from conversations.routing import Registry
from handlers.routes import (
    access,
    broadcast,
    documents,
    evidence,
    exports,
    onboarding,
    publication,
    review,
    standing,
    submission,
    walk,
)

FAMILIES = (
    walk,
    standing,
    submission,
    exports,
    evidence,
    review,
    broadcast,
    publication,
    access,
    documents,
    onboarding,
)


def build_registry() -> Registry:
    """Every route of the chat (a fresh registry; the family modules hold their own parts)."""
    registry = Registry()
    for family in FAMILIES:
        registry.extend(family.route)
    return registry
