"""People (Telegram users) and their roles."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    CompoundSelect,
    Integer,
    Select,
    Table,
    bindparam,
    delete,
    literal_column,
    null,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy import cast as cast_
from sqlalchemy.exc import IntegrityError

from storage.models import (
    ConversationState,
    HotRevision,
    Language,
    Person,
    Role,
    RoleGrant,
    Unit,
)
from storage.repositories.base import Repository, ref
from storage.repositories.rows import HotPerson, PersonRow, RoleRow
from storage.repositories.unit_items import COLUMNS as ITEM_COLUMNS
from storage.repositories.unit_items import (
    ItemRow,
    unit_items_for,
    unit_items_of,
    unit_items_statement,
)
from storage.types import utcnow

_PERSON = select(Person.__table__)


class PersonRepository(Repository):
    """People as :class:`PersonRow` and grants as :class:`RoleRow` (never ORM objects); writes
    by id."""

    async def get(self, person_id: int) -> PersonRow | None:
        return await self._one(_PERSON.where(Person.id == person_id))

    async def hot(
        self,
        telegram_user_id: int,
        *,
        items_of: tuple[int, int] | None = None,
        own_unit: bool = False,
    ) -> HotPerson | None:
        """The start of an update in one statement: person, roles, conversation state and the
        header revision (one row per role; the state repeats, a person has few roles).

        ``items_of`` (unit, catalog): on PostgreSQL that unit's items are read in the same
        statement and kept by the unit of work for ``AnswerRepository.unit_items`` until
        anything that may write runs — one round trip less when the update shows the unit's
        card, as most officer steps do; the caller guesses (the unit it read last time), and a
        wrong guess costs only the read.  ``own_unit`` (no ``items_of``): guess the unit of the
        person's first role with a unit, and its catalog (the first card after /start, or the
        first update a process sees of the person).  Elsewhere ignored (SQLite has no round
        trip to save)."""
        params = {"telegram_user_id": telegram_user_id}
        if (items_of is None and not own_unit) or self.dialect_name != "postgresql":
            return _hot_person((await self._core(_HOT, params)).all())
        if items_of is not None:
            params |= {"unit_id": items_of[0], "catalog_id": items_of[1]}
        own = items_of is None
        rows = (await self._core(_hot_with_items(own), params)).all()
        hot = _hot_person([r for r in rows if r.part == 0])
        if hot is not None:
            key = items_of or (rows[0].own_unit, rows[0].own_catalog)
            if key[0] is not None and key[1] is not None:
                start = _items_from(own)
                items = [ItemRow._make(r[start:]) for r in rows if r.part == 1]
                self._source.keep_items_read_ahead(key, unit_items_of(key[0], items))
        return hot

    async def get_by_telegram_id(self, telegram_user_id: int) -> PersonRow | None:
        return await self._one(_PERSON.where(Person.telegram_user_id == telegram_user_id))

    async def list_by_ids(self, person_ids: list[int]) -> list[PersonRow]:
        if not person_ids:
            return []
        return await self._all(_PERSON.where(Person.id.in_(person_ids)).order_by(Person.id))

    async def _one(self, stmt: Select[Any]) -> PersonRow | None:
        row = (await self.session.execute(stmt)).first()
        return PersonRow(**row._mapping) if row is not None else None

    async def _all(self, stmt: Select[Any]) -> list[PersonRow]:
        return [PersonRow(**row._mapping) for row in await self.session.execute(stmt)]

    async def upsert(
        self,
        telegram_user_id: int,
        chat_id: int,
        full_name: str,
        username: str | None = None,
        language: str | None = None,
    ) -> PersonRow:
        """Create the person or refresh chat id, name and username (language only if given).

        Hearing from a person again clears ``unreachable_at``.
        """
        if language is not None:
            Language(language)
        person = await self.session.scalar(
            select(Person).where(Person.telegram_user_id == telegram_user_id)
        )
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
        return PersonRow.of(person)

    async def refresh(
        self, person_id: int, chat_id: int, full_name: str, username: str | None
    ) -> None:
        """What :meth:`upsert` writes for a known person, by id in one prebuilt statement
        (the start of an update that brings a new name or chat: no load, no flush)."""
        await self._core(
            _REFRESH,
            {"b_id": person_id, "chat_id": chat_id, "full_name": full_name, "username": username},
        )

    async def set_language(self, person: PersonRow | int, language: str | None) -> None:
        """Store the person's language (by id: a returned row is never changed in place)."""
        if language is not None:
            Language(language)
        await self._set(ref(person), language=language)

    async def mark_unreachable(
        self, person: PersonRow | int, reason: str, at: datetime | None = None
    ) -> None:
        """The person blocked the bot / the chat is gone: stop messaging them."""
        await self._set(ref(person), unreachable_at=at or utcnow(), unreachable_reason=reason[:255])

    async def mark_reachable(self, person: PersonRow | int) -> None:
        await self._set(ref(person), unreachable_at=None, unreachable_reason=None)

    async def _set(self, person_id: int, **values: Any) -> None:
        """Write columns of one person; people this session loaded with the ORM follow."""
        await self.session.execute(
            update(Person)
            .where(Person.id == person_id)
            .values(**values)
            .execution_options(synchronize_session="fetch")
        )

    # ---------------------------------------------------------------- roles

    async def grant(
        self,
        person: PersonRow | int,
        role: str,
        unit_id: int | None = None,
        granted_by: PersonRow | int | None = None,
    ) -> RoleRow:
        """Give ``role`` for ``unit_id`` (None = all units); idempotent, returns the grant."""
        Role(role)
        person_id = ref(person)
        existing = await self._grant(person_id, role, unit_id)
        if existing is not None:
            return RoleRow.of(existing)
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
            return RoleRow.of(existing)
        return RoleRow.of(grant)

    async def _grant(self, person_id: int, role: str, unit_id: int | None) -> RoleGrant | None:
        unit_cond = RoleGrant.unit_id.is_(None) if unit_id is None else RoleGrant.unit_id == unit_id
        return await self.session.scalar(
            select(RoleGrant).where(
                RoleGrant.person_id == person_id, RoleGrant.role == role, unit_cond
            )
        )

    async def revoke(self, person: PersonRow | int, role: str, unit_id: int | None = None) -> bool:
        """Remove exactly that grant (``unit_id`` None = the all-units grant)."""
        unit_cond = RoleGrant.unit_id.is_(None) if unit_id is None else RoleGrant.unit_id == unit_id
        result = await self.session.execute(
            delete(RoleGrant)
            .where(RoleGrant.person_id == ref(person), RoleGrant.role == role, unit_cond)
            .execution_options(synchronize_session="fetch")
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def roles(self, person: PersonRow | int) -> list[RoleRow]:
        """The person's grants as plain rows, oldest first."""
        stmt = select(RoleGrant).where(RoleGrant.person_id == ref(person)).order_by(RoleGrant.id)
        return [RoleRow.of(g) for g in await self.session.scalars(stmt)]

    async def has_role(
        self, person: PersonRow | int, role: str, unit_id: int | None = None
    ) -> bool:
        """True if the person has ``role`` for ``unit_id`` or for all units.

        With ``unit_id`` None: True if the person has the role for any unit or all units.
        """
        stmt = select(RoleGrant.id).where(
            RoleGrant.person_id == ref(person), RoleGrant.role == role
        )
        if unit_id is not None:
            stmt = stmt.where(or_(RoleGrant.unit_id == unit_id, RoleGrant.unit_id.is_(None)))
        return (await self.session.scalar(stmt.limit(1))) is not None

    async def unit_ids(self, person: PersonRow | int, role: str | None = None) -> list[int]:
        """Units the person holds a unit-specific role for (optionally only ``role``)."""
        stmt = select(RoleGrant.unit_id).where(
            RoleGrant.person_id == ref(person), RoleGrant.unit_id.is_not(None)
        )
        if role is not None:
            stmt = stmt.where(RoleGrant.role == role)
        return sorted({u for u in await self.session.scalars(stmt) if u is not None})

    async def with_role(
        self, role: str, unit_id: int | None = None, *, include_all_units: bool = True
    ) -> list[PersonRow]:
        """People holding ``role``: for ``unit_id`` (plus, by default, the all-units grants),
        or, with ``unit_id`` None, for any unit."""
        stmt = _PERSON.join(RoleGrant, RoleGrant.person_id == Person.id)
        stmt = stmt.where(RoleGrant.role == role)
        if unit_id is not None:
            cond = RoleGrant.unit_id == unit_id
            if include_all_units:
                cond = or_(cond, RoleGrant.unit_id.is_(None))
            stmt = stmt.where(cond)
        return await self._all(stmt.distinct().order_by(Person.id))

    async def admins(self) -> list[PersonRow]:
        return await self.with_role(Role.ADMIN.value)


# ------------------------------------------------------------ the hot path (issue 19)

_P = Person.__table__
_S = ConversationState.__table__
_R = RoleGrant.__table__
_REV = HotRevision.__table__
_U = Unit.__table__
_HOT_ROWS = (
    select(
        _P.c.id,
        _P.c.telegram_user_id,
        _P.c.chat_id,
        _P.c.full_name,
        _P.c.username,
        _P.c.language,
        _P.c.unreachable_at,
        _P.c.unreachable_reason,
        _P.c.created_at,
        _S.c.state,
        _S.c.version,
        _R.c.id.label("role_id"),
        _R.c.unit_id,
        _R.c.role,
        _R.c.granted_at,
        _R.c.granted_by,
        select(_REV.c.rev).where(_REV.c.id == 1).scalar_subquery().label("header_rev"),
    )
    .select_from(
        _P.outerjoin(_S, _S.c.person_id == _P.c.id).outerjoin(_R, _R.c.person_id == _P.c.id)
    )
    .where(_P.c.telegram_user_id == bindparam("telegram_user_id"))
)
_HOT = _HOT_ROWS.order_by(_R.c.id)


@functools.cache
def _hot_with_items(own: bool) -> CompoundSelect[Any]:
    """:data:`_HOT` and a unit's items (``unit_items_for``) in one statement: each part's rows
    carry the other's columns as typed NULLs (the items' prefixed ``i_``), and ``part`` says
    which is which (0: the person, ordered by role as in :data:`_HOT`).  The unit and catalog
    are parameters, or with ``own`` the person's first unit role's unit and that unit's
    catalog, which the person's rows then carry (``own_unit``, ``own_catalog``)."""
    hot = _HOT_ROWS.subquery("hot")
    unit, catalog = _own_unit() if own else (bindparam("unit_id"), bindparam("catalog_id"))
    items = (unit_items_for(unit, catalog) if own else unit_items_statement()).subquery("items")

    def empty(column: Any, name: str) -> Any:
        return cast_(null(), column.type).label(name)

    guessed = [unit.label("own_unit"), catalog.label("own_catalog")] if own else []
    person = select(
        literal_column("0", Integer).label("part"),
        *(c.label(c.name) for c in hot.c),
        *guessed,
        *(empty(c, f"i_{c.name}") for c in items.c),
    ).select_from(hot)
    unit_rows = select(
        literal_column("1", Integer),
        *(empty(c, c.name) for c in hot.c),
        *(cast_(null(), Integer) for _ in guessed),
        *(c.label(f"i_{c.name}") for c in items.c),
    ).select_from(items)
    both = union_all(person, unit_rows)
    return both.order_by(both.selected_columns.part, both.selected_columns.role_id)


def _own_unit() -> tuple[Any, Any]:
    """The person's first role with a unit (by grant), and that unit's catalog: scalar
    subqueries of one ``WITH own`` on the ``telegram_user_id`` parameter (looked up once: as
    a subquery repeated in each of the items' branches it cost the server 0.2 ms more)."""
    role, person, unit = _R.alias("own_role"), _P.alias("own_person"), _U.alias("own_unit")
    own = (
        select(role.c.unit_id, unit.c.catalog_id)
        .select_from(
            role.join(person, person.c.id == role.c.person_id).join(
                unit, unit.c.id == role.c.unit_id
            )
        )
        .where(person.c.telegram_user_id == bindparam("telegram_user_id"))
        .order_by(role.c.id)
        .limit(1)
        .cte("own")
    )
    return select(own.c.unit_id).scalar_subquery(), select(own.c.catalog_id).scalar_subquery()


@functools.cache
def _items_from(own: bool) -> int:
    """Where the items' columns (``i_…``, in :class:`ItemRow`'s order) start in a row of
    :func:`_hot_with_items`."""
    names = list(_hot_with_items(own).selected_columns.keys())
    return names.index(f"i_{ITEM_COLUMNS[0]}")


_REFRESH = (
    update(cast(Table, _P))
    .where(_P.c.id == bindparam("b_id"))
    .values(unreachable_at=None, unreachable_reason=None)
)
"""Chat id, name and username come as parameters; reachable again."""


def _hot_person(rows: Sequence[Any]) -> HotPerson | None:
    """The :class:`HotPerson` of :data:`_HOT`'s rows (none: no such person)."""
    if not rows:
        return None
    first = rows[0]
    person = PersonRow(
        id=first.id,
        telegram_user_id=first.telegram_user_id,
        chat_id=first.chat_id,
        full_name=first.full_name,
        username=first.username,
        language=first.language,
        unreachable_at=first.unreachable_at,
        unreachable_reason=first.unreachable_reason,
        created_at=first.created_at,
    )
    roles = tuple(
        RoleRow(r.role_id, first.id, r.unit_id, r.role, r.granted_at, r.granted_by)
        for r in rows
        if r.role_id is not None
    )
    state = dict(first.state) if first.state is not None else {}
    return HotPerson(person, roles, state, first.version, int(first.header_rev or 0))
