"""Shared helpers of the repositories.  Repositories never commit; they may flush."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Protocol, overload

from sqlalchemy import Table, insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession


class StorageError(Exception):
    """Base class of the storage layer's own errors."""


class VersionConflict(StorageError):
    """The row changed since the caller read it (optimistic concurrency)."""

    def __init__(self, what: str, expected: int | None, actual: int | None) -> None:
        super().__init__(f"{what}: expected version {expected}, found {actual}")
        self.expected = expected
        self.actual = actual


class _HasId(Protocol):
    @property
    def id(self) -> Any: ...


@overload
def ref(obj: None) -> None: ...
@overload
def ref(obj: _HasId | int) -> int: ...
@overload
def ref(obj: _HasId | int | None) -> int | None: ...


def ref(obj: _HasId | int | None) -> int | None:
    """An id from a row (``.id``) or an id; ``None`` stays ``None``."""
    if obj is None or isinstance(obj, int):
        return obj
    return int(obj.id)


def to_decimal(value: Decimal | int | float | str | None) -> Decimal | None:
    """Points as ``Decimal`` (floats go through ``str`` to avoid binary noise)."""
    if value is None or isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


class Repository:
    """Base class: holds the session of the unit of work."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @property
    def dialect_name(self) -> str:
        return self.session.get_bind().dialect.name

    async def _insert_ignore(
        self, table: Table, values: Mapping[str, Any], conflict_columns: list[str]
    ) -> bool:
        """``INSERT … ON CONFLICT (cols) DO NOTHING``; True if a row was inserted.

        Atomic on SQLite and PostgreSQL (concurrent inserters wait for each other); other
        backends fall back to an insert inside a SAVEPOINT.
        """
        name = self.dialect_name
        if name in ("sqlite", "postgresql"):
            dialect_insert = sqlite.insert if name == "sqlite" else postgresql.insert
            stmt = dialect_insert(table).values(**values)
            stmt = stmt.on_conflict_do_nothing(index_elements=conflict_columns)
            result = await self.session.execute(stmt)
            return bool(result.rowcount == 1)  # type: ignore[attr-defined]
        try:
            async with self.session.begin_nested():
                await self.session.execute(insert(table).values(**values))
        except IntegrityError:
            return False
        return True
