"""Portable column types shared by the models and the migrations."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

_NOTHING: Any = object()


def utcnow() -> datetime:
    """The current time as a timezone-aware UTC datetime (what every time column stores)."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """``DateTime(timezone=True)`` that always stores UTC and always returns aware UTC datetimes.

    PostgreSQL keeps the offset natively; SQLite has no time zone support, so the value is
    converted to UTC and stored naive, then marked UTC again when read.  Naive datetimes are
    rejected: they are almost always a local-time bug.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected datetime, got {type(value).__name__}")
        if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
            raise ValueError(f"naive datetime {value!r}: pass a timezone-aware (UTC) datetime")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def result_processor(self, dialect: Dialect, coltype: Any) -> Any:
        """SQLAlchemy's processor, remembering the last value it read: rows written together
        share their timestamps (5,000 units imported at once: one ``created_at``), and a
        datetime is immutable, so the next row with the same stored value gets the same
        datetime without parsing it again.  The last (raw, datetime) pair is one tuple,
        replaced at once: a processor may run in two threads."""
        process = super().result_processor(dialect, coltype)
        if process is None:
            return None
        last: tuple[Any, Any] = (_NOTHING, None)

        def remembered(value: Any) -> Any:
            nonlocal last
            seen = last
            if value == seen[0] and type(value) is type(seen[0]):
                return seen[1]
            result = process(value)
            last = (value, result)
            return result

        return remembered

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
