"""Durable per-person conversation state."""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError

from storage.models import ConversationState, Person
from storage.repositories.base import Repository, VersionConflict, ref
from storage.types import utcnow


class ConversationRepository(Repository):
    _loaded: ConversationState | None = None

    async def get(self, person: Person | int) -> ConversationState | None:
        return await self.session.get(ConversationState, ref(person))

    async def load(self, person: Person | int) -> tuple[dict[str, Any], int | None]:
        """``(state, version)``; ``({}, None)`` when nothing is stored."""
        row = await self.get(person)
        if row is None:
            return {}, None
        # The session's identity map holds rows weakly: keep this one so that save() in the
        # same update finds it without a second SELECT.
        self._loaded = row
        return dict(row.state), row.version

    async def save(
        self,
        person: Person | int,
        state: dict[str, Any],
        expected_version: int | None = None,
    ) -> ConversationState:
        """Store ``state``; with ``expected_version`` (from :meth:`load`) raise
        :class:`VersionConflict` if someone else saved meanwhile (``None`` = don't check)."""
        person_id = ref(person)
        row = await self.get(person_id)
        if expected_version is not None and (row is None or row.version != expected_version):
            raise VersionConflict(
                f"conversation {person_id}", expected_version, row.version if row else None
            )
        if row is None:
            row = ConversationState(person_id=person_id, state=dict(state), updated_at=utcnow())
            try:
                async with self.session.begin_nested():
                    self.session.add(row)
            except IntegrityError:
                if await self.get(person_id) is None:
                    raise
                raise VersionConflict(f"conversation {person_id}", None, None) from None
            return row
        row.state = dict(state)
        row.updated_at = utcnow()
        await self.session.flush()
        return row

    async def clear(self, person: Person | int) -> None:
        row = await self.get(person)
        if row is not None:
            await self.session.delete(row)
            await self.session.flush()
