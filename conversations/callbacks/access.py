"""/access buttons (acc): the pages of people, one person's roles, revoking one with a reason.

acc:pg:<page>[:<unit>] · acc:p:<person>:<page>[:<unit>] · acc:r:<grant> · acc:why:<grant>:<n>
· acc:ok:<grant> · acc:no. The unit filter of ``/access X01`` rides along in the page buttons.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal, get_args

from conversations.callbacks.wire import Fixed, Numbered

GrantKind = Literal["r", "ok"]


@dataclass(frozen=True)
class AccessPage(Numbered):
    """A page of the people holding roles, maybe of one unit: acc:pg:<page>[:<unit>]."""

    PREFIX = "acc:pg"
    page: int
    unit: int | None = None


@dataclass(frozen=True)
class AccessPerson(Numbered):
    """One person's roles, with the page to go back to: acc:p:<person>:<page>[:<unit>]."""

    PREFIX = "acc:p"
    person: int
    page: int
    unit: int | None = None

    @property
    def back(self) -> AccessPage:
        """The list page this person was opened from."""
        return AccessPage(self.page, self.unit)


@dataclass(frozen=True)
class AccessGrant(Numbered):
    """Ask why a role is revoked (r), or revoke it once the reason is given (ok):
    acc:r|ok:<grant>."""

    PREFIX = "acc"
    KINDS = get_args(GrantKind)
    kind: GrantKind
    grant: int


@dataclass(frozen=True)
class AccessReason(Numbered):
    """One of the ready reasons for a revocation (its index): acc:why:<grant>:<n>."""

    PREFIX = "acc:why"
    grant: int
    reason: int


@dataclass(frozen=True)
class AccessCancel(Fixed):
    """Leave the revocation, nothing changed: acc:no."""

    WIRE: ClassVar[str] = "acc:no"


AccessButton = AccessPage | AccessPerson | AccessGrant | AccessReason | AccessCancel
ACCESS: tuple[type[AccessButton], ...] = (
    AccessPage,
    AccessPerson,
    AccessGrant,
    AccessReason,
    AccessCancel,
)
