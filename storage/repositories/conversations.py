"""Durable per-person conversation state."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Integer, Table, bindparam, literal_column, text, update
from sqlalchemy.exc import IntegrityError

from storage.models import ConversationState
from storage.pg_statements import guarded, named
from storage.repositories.base import Repository, VersionConflict, ref
from storage.repositories.rows import PersonRow
from storage.sql_literals import int_literal, json_literal, timestamp_literal
from storage.types import utcnow

_STATE = cast(Table, ConversationState.__table__)
_STATE_COLUMNS = _STATE.c
_JSON_STATE = (
    bindparam("state", type_=_STATE_COLUMNS.state.type),
    bindparam("at", type_=_STATE_COLUMNS.updated_at.type),
)


_UPDATE_IF_VERSION = (
    update(_STATE)
    .where(
        _STATE_COLUMNS.person_id == bindparam("b_person_id"),
        _STATE_COLUMNS.version == bindparam("b_version"),
    )
    .values(
        state=bindparam("state", type_=_STATE_COLUMNS.state.type),
        updated_at=bindparam("at", type_=_STATE_COLUMNS.updated_at.type),
        version=_STATE_COLUMNS.version + literal_column("1", Integer),
    )
)
"""The state replaces version ``version`` only if that is still the stored one (built once:
the hot path saves the state on most updates)."""
_NAMED_UPDATE = named(
    "parbot_state", guarded(_UPDATE_IF_VERSION.returning(literal_column("1")).cte("written"))
)
"""The same for PostgreSQL's COMMIT: it fails when the version moved."""
_FENCED_UPDATE_IF_VERSION = text(
    "WITH fence AS (SELECT pg_try_advisory_xact_lock(:ns, :key) AS held) "
    "UPDATE conversation_state SET state = :state, updated_at = :at, "
    "version = version + 1 FROM fence "
    "WHERE fence.held AND person_id = :b_person_id AND version = :b_version"
).bindparams(*_JSON_STATE)
"""The same under the person's fence, only if it is free at once: an update of the person in
flight (it holds the fence to its commit) is never overtaken, and never waited for either
(the write-behind flush writes many people in one transaction: waiting for one person's update
while holding the fences of the others made their next updates queue behind it)."""


def _update_sql(person_id: int, state: dict[str, Any], version: int, at: datetime) -> str:
    """:data:`_NAMED_UPDATE` executed (``storage.pg_statements``; sent with COMMIT as a simple
    query, which takes no parameters): the state as a dollar-quoted JSON literal, integers
    and an aware timestamp."""
    arguments = {"state": json_literal(state), "at": timestamp_literal(at)}
    arguments |= {"b_person_id": int_literal(person_id), "b_version": int_literal(version)}
    return _NAMED_UPDATE.execute_sql(arguments)


class ConversationRepository(Repository):
    _loaded: ConversationState | None = None

    async def get(self, person: PersonRow | int) -> ConversationState | None:
        return await self.session.get(ConversationState, ref(person))

    async def load(self, person: PersonRow | int) -> tuple[dict[str, Any], int | None]:
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
        person: PersonRow | int,
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

    async def clear(self, person: PersonRow | int) -> None:
        row = await self.get(person)
        if row is not None:
            await self.session.delete(row)
            await self.session.flush()

    # -------------------------------------------------------- the hot path (issue 19)

    async def store(
        self, person_id: int, state: dict[str, Any], version: int | None, *, last: bool = False
    ) -> int:
        """Save ``state`` loaded at ``version`` (None: nothing was stored) in one statement,
        without loading the row; returns the new version.  :class:`VersionConflict` when
        someone else saved meanwhile.  Core, not ORM: the caller saves only when the state
        changed.

        ``last``: the caller runs no other statement in this unit of work; on PostgreSQL the
        UPDATE then goes with COMMIT in one round trip (:meth:`UnitOfWork.send_with_commit`),
        and a version conflict comes out of the commit, with nothing committed.  Why: the
        state is written on more than half of an officer's steps, and a round trip costs the
        bot and the server more CPU than the UPDATE itself (bench/RESULTS.md)."""
        table = _STATE
        if last and version is not None and self.dialect_name == "postgresql":
            write = _update_sql(person_id, state, version, utcnow())
            if self._source.send_with_commit(write):
                return version + 1
        if version is None:
            inserted = await self._insert_ignore(
                table,
                {
                    "person_id": person_id,
                    "state": dict(state),
                    "updated_at": utcnow(),
                    "version": 1,
                },
                ["person_id"],
            )
            if not inserted:
                raise VersionConflict(f"conversation {person_id}", None, None)
            return 1
        result = await self._core(
            _UPDATE_IF_VERSION,
            {"state": dict(state), "at": utcnow(), "b_person_id": person_id, "b_version": version},
        )
        if result.rowcount != 1:
            raise VersionConflict(f"conversation {person_id}", version, None)
        return version + 1

    async def store_all_if_current(
        self, states: Sequence[tuple[int, dict[str, Any], int, tuple[int, int] | None]]
    ) -> None:
        """For each ``(person id, state, version, fence)``: ``state`` replaces version
        ``version`` only if that is still the stored one (else a later update saved first and
        wins).  ``fence`` tries the person's PostgreSQL advisory lock in the same statement:
        when an update of the person holds it (it has read the state and may save it),
        nothing is written and nothing is waited for: that update wins.  One executemany
        (asyncpg pipelines it: one round trip for everybody, so the fences taken are held
        that much shorter); which were written is not reported."""
        if not states:
            return
        at = utcnow()
        fenced = self.dialect_name == "postgresql" and all(f is not None for *_, f in states)
        rows = []
        for person_id, state, version, fence in states:
            row = {"state": dict(state), "at": at, "b_person_id": person_id, "b_version": version}
            if fenced and fence is not None:
                row |= {"ns": fence[0], "key": fence[1]}
            rows.append(row)
        await self._core_many(_FENCED_UPDATE_IF_VERSION if fenced else _UPDATE_IF_VERSION, rows)
