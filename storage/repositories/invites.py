"""One-time invitation codes.  Only the SHA-256 of a code is stored."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select, update

from storage.models import Invite, Role
from storage.repositories.base import Repository, ref
from storage.repositories.rows import PersonRow, from_orm
from storage.repositories.rows_people import InviteRow
from storage.types import utcnow


def normalize_code(code: str) -> str:
    return code.strip()


def hash_code(code: str) -> str:
    """SHA-256 hex of the (stripped) code — what ``invites.code_hash`` holds."""
    return hashlib.sha256(normalize_code(code).encode("utf-8")).hexdigest()


def generate_code(nbytes: int = 12) -> str:
    """A fresh random code usable in a ``/start`` deep link (``[A-Za-z0-9_-]``)."""
    return secrets.token_urlsafe(nbytes)


_INVITE = select(Invite.__table__)


class InviteRepository(Repository):
    async def create(
        self,
        code: str,
        role: str,
        expires_at: datetime,
        period_id: int | None = None,
        unit_id: int | None = None,
        created_by: PersonRow | int | None = None,
        allow_second_unit: bool = False,
    ) -> InviteRow:
        """Store an invite for ``code`` (hashed; the code itself is never stored).

        ``allow_second_unit``: someone already holding the role for another unit may keep
        both (otherwise redeeming it moves them)."""
        Role(role)
        invite = Invite(
            code_hash=hash_code(code),
            role=role,
            expires_at=expires_at,
            period_id=period_id,
            unit_id=unit_id,
            created_by=ref(created_by),
            created_at=utcnow(),
            allow_second_unit=allow_second_unit,
        )
        self.session.add(invite)
        await self.session.flush()
        return from_orm(InviteRow, invite)

    async def get(self, invite_id: int) -> InviteRow | None:
        return await self._one(_INVITE.where(Invite.id == invite_id))

    async def get_by_code(self, code: str) -> InviteRow | None:
        """The invite for a code as typed (used or not, expired or not)."""
        return await self._one(_INVITE.where(Invite.code_hash == hash_code(code)))

    async def _one(self, stmt: Select[Any]) -> InviteRow | None:
        row = (await self.session.execute(stmt)).first()
        return InviteRow(**row._mapping) if row is not None else None

    async def mark_used(
        self, invite: InviteRow | int, person: PersonRow | int, now: datetime | None = None
    ) -> bool:
        """Consume the invite for ``person``: True exactly once.

        A conditional ``UPDATE … WHERE used_at IS NULL AND expires_at > now`` decides, so two
        concurrent redemptions cannot both succeed.  False if already used or expired.
        Only the invite's id is used (read it again to see ``used_at``).
        """
        now = now or utcnow()
        result = await self.session.execute(
            update(Invite)
            .where(Invite.id == ref(invite), Invite.used_at.is_(None), Invite.expires_at > now)
            .values(used_at=now, used_by=ref(person))
            .execution_options(synchronize_session="fetch")
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    async def expire(self, invite: InviteRow | int, now: datetime | None = None) -> None:
        """Revoke an unused invite (sets ``expires_at`` to now)."""
        await self.session.execute(
            update(Invite)
            .where(Invite.id == ref(invite))
            .values(expires_at=now or utcnow())
            .execution_options(synchronize_session="fetch")
        )

    async def list_open(
        self, now: datetime | None = None, period_id: int | None = None
    ) -> list[InviteRow]:
        """Unused, unexpired invites (optionally of one period), oldest first."""
        now = now or utcnow()
        stmt = _INVITE.where(Invite.used_at.is_(None), Invite.expires_at > now)
        if period_id is not None:
            stmt = stmt.where(Invite.period_id == period_id)
        rows = await self.session.execute(stmt.order_by(Invite.id))
        return [InviteRow(**row._mapping) for row in rows]
