"""People (Telegram users) and their roles."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.exc import IntegrityError

from storage.models import Language, Person, Role, RoleGrant
from storage.repositories.base import Repository, ref
from storage.types import utcnow


class PersonRepository(Repository):
    async def get(self, person_id: int) -> Person | None:
        return await self.session.get(Person, person_id)

    async def get_by_telegram_id(self, telegram_user_id: int) -> Person | None:
        return await self.session.scalar(
            select(Person).where(Person.telegram_user_id == telegram_user_id)
        )

    async def list_by_ids(self, person_ids: list[int]) -> list[Person]:
        if not person_ids:
            return []
        stmt = select(Person).where(Person.id.in_(person_ids)).order_by(Person.id)
        return list(await self.session.scalars(stmt))

    async def upsert(
        self,
        telegram_user_id: int,
        chat_id: int,
        full_name: str,
        username: str | None = None,
        language: str | None = None,
    ) -> Person:
        """Create the person or refresh chat id, name and username (language only if given).

        Hearing from a person again clears ``unreachable_at``.
        """
        if language is not None:
            Language(language)
        person = await self.get_by_telegram_id(telegram_user_id)
        if person is None:
            person = Person(
                telegram_user_id=telegram_user_id,
                chat_id=chat_id,
                full_name=full_name,
                username=username,
                language=language,
                created_at=utcnow(),
            )
            self.session.add(person)
        else:
            person.chat_id = chat_id
            person.full_name = full_name
            person.username = username
            if language is not None:
                person.language = language
            person.unreachable_at = None
            person.unreachable_reason = None
        await self.session.flush()
        return person

    async def set_language(self, person: Person, language: str | None) -> None:
        if language is not None:
            Language(language)
        person.language = language
        await self.session.flush()

    async def mark_unreachable(
        self, person: Person, reason: str, at: datetime | None = None
    ) -> None:
        """The person blocked the bot / the chat is gone: stop messaging them."""
        person.unreachable_at = at or utcnow()
        person.unreachable_reason = reason[:255]
        await self.session.flush()

    async def mark_reachable(self, person: Person) -> None:
        person.unreachable_at = None
        person.unreachable_reason = None
        await self.session.flush()

    # ---------------------------------------------------------------- roles

    async def grant(
        self,
        person: Person | int,
        role: str,
        unit_id: int | None = None,
        granted_by: Person | int | None = None,
    ) -> RoleGrant:
        """Give ``role`` for ``unit_id`` (None = all units); idempotent, returns the grant."""
        Role(role)
        person_id = ref(person)
        existing = await self._grant(person_id, role, unit_id)
        if existing is not None:
            return existing
        grant = RoleGrant(
            person_id=person_id,
            unit_id=unit_id,
            role=role,
            granted_at=utcnow(),
            granted_by=ref(granted_by),
        )
        try:
            async with self.session.begin_nested():
                self.session.add(grant)
        except IntegrityError:  # granted concurrently
            existing = await self._grant(person_id, role, unit_id)
            if existing is None:
                raise
            return existing
        return grant

    async def _grant(self, person_id: int, role: str, unit_id: int | None) -> RoleGrant | None:
        unit_cond = RoleGrant.unit_id.is_(None) if unit_id is None else RoleGrant.unit_id == unit_id
        return await self.session.scalar(
            select(RoleGrant).where(
                RoleGrant.person_id == person_id, RoleGrant.role == role, unit_cond
            )
        )

    async def revoke(self, person: Person | int, role: str, unit_id: int | None = None) -> bool:
        """Remove exactly that grant (``unit_id`` None = the all-units grant)."""
        unit_cond = RoleGrant.unit_id.is_(None) if unit_id is None else RoleGrant.unit_id == unit_id
        result = await self.session.execute(
            delete(RoleGrant)
            .where(RoleGrant.person_id == ref(person), RoleGrant.role == role, unit_cond)
            .execution_options(synchronize_session="fetch")
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def roles(self, person: Person | int) -> list[RoleGrant]:
        stmt = select(RoleGrant).where(RoleGrant.person_id == ref(person)).order_by(RoleGrant.id)
        return list(await self.session.scalars(stmt))

    async def has_role(self, person: Person | int, role: str, unit_id: int | None = None) -> bool:
        """True if the person has ``role`` for ``unit_id`` or for all units.

        With ``unit_id`` None: True if the person has the role for any unit or all units.
        """
        stmt = select(RoleGrant.id).where(
            RoleGrant.person_id == ref(person), RoleGrant.role == role
        )
        if unit_id is not None:
            stmt = stmt.where(or_(RoleGrant.unit_id == unit_id, RoleGrant.unit_id.is_(None)))
        return (await self.session.scalar(stmt.limit(1))) is not None

    async def unit_ids(self, person: Person | int, role: str | None = None) -> list[int]:
        """Units the person holds a unit-specific role for (optionally only ``role``)."""
        stmt = select(RoleGrant.unit_id).where(
            RoleGrant.person_id == ref(person), RoleGrant.unit_id.is_not(None)
        )
        if role is not None:
            stmt = stmt.where(RoleGrant.role == role)
        return sorted({u for u in await self.session.scalars(stmt) if u is not None})

    async def with_role(
        self, role: str, unit_id: int | None = None, *, include_all_units: bool = True
    ) -> list[Person]:
        """People holding ``role``: for ``unit_id`` (plus, by default, the all-units grants),
        or, with ``unit_id`` None, for any unit."""
        stmt = select(Person).join(RoleGrant, RoleGrant.person_id == Person.id)
        stmt = stmt.where(RoleGrant.role == role)
        if unit_id is not None:
            cond = RoleGrant.unit_id == unit_id
            if include_all_units:
                cond = or_(cond, RoleGrant.unit_id.is_(None))
            stmt = stmt.where(cond)
        stmt = stmt.distinct().order_by(Person.id)
        return list(await self.session.scalars(stmt))

    async def admins(self) -> list[Person]:
        return await self.with_role(Role.ADMIN.value)
