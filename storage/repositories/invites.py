"""One-time invitation codes.  Only the SHA-256 of a code is stored."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import select, update

from storage.models import Invite, Person, Role
from storage.repositories.base import Repository, ref
from storage.repositories.rows import PersonRow
from storage.types import utcnow


def normalize_code(code: str) -> str:
    return code.strip()


def hash_code(code: str) -> str:
    """SHA-256 hex of the (stripped) code — what ``invites.code_hash`` holds."""
    return hashlib.sha256(normalize_code(code).encode("utf-8")).hexdigest()


def generate_code(nbytes: int = 12) -> str:
    """A fresh random code usable in a ``/start`` deep link (``[A-Za-z0-9_-]``)."""
    return secrets.token_urlsafe(nbytes)


class InviteRepository(Repository):
    async def create(
        self,
        code: str,
        role: str,
        expires_at: datetime,
        period_id: int | None = None,
        unit_id: int | None = None,
        created_by: Person | PersonRow | int | None = None,
        allow_second_unit: bool = False,
    ) -> Invite:
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
        return invite

    async def get(self, invite_id: int) -> Invite | None:
        return await self.session.get(Invite, invite_id)

    async def get_by_code(self, code: str) -> Invite | None:
        """The invite for a code as typed (used or not, expired or not)."""
        return await self.session.scalar(select(Invite).where(Invite.code_hash == hash_code(code)))

    async def mark_used(
        self, invite: Invite, person: Person | PersonRow | int, now: datetime | None = None
    ) -> bool:
        """Consume the invite for ``person``: True exactly once.

        A conditional ``UPDATE … WHERE used_at IS NULL AND expires_at > now`` decides, so two
        concurrent redemptions cannot both succeed.  False if already used or expired.
        Only ``invite.id`` is used; an invite of this session is refreshed afterwards.
        """
        now = now or utcnow()
        result = await self.session.execute(
            update(Invite)
            .where(Invite.id == invite.id, Invite.used_at.is_(None), Invite.expires_at > now)
            .values(used_at=now, used_by=ref(person))
            .execution_options(synchronize_session=False)
        )
        changed = bool(result.rowcount == 1)  # type: ignore[attr-defined]
        if invite in self.session:
            await self.session.refresh(invite)
        return changed

    async def expire(self, invite: Invite, now: datetime | None = None) -> None:
        """Revoke an unused invite (sets ``expires_at`` to now)."""
        invite.expires_at = now or utcnow()
        await self.session.flush()

    async def list_open(
        self, now: datetime | None = None, period_id: int | None = None
    ) -> list[Invite]:
        """Unused, unexpired invites (optionally of one period), oldest first."""
        now = now or utcnow()
        stmt = select(Invite).where(Invite.used_at.is_(None), Invite.expires_at > now)
        if period_id is not None:
            stmt = stmt.where(Invite.period_id == period_id)
        return list(await self.session.scalars(stmt.order_by(Invite.id)))
