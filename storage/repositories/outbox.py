"""The outbox: messages to send through Telegram, idempotent by key, with retries."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Select, Table, func, select, update

from storage.models import OutboxKind, OutboxMessage, OutboxStatus
from storage.repositories.base import Repository, ref
from storage.repositories.rows import PersonRow
from storage.repositories.rows_plan import OutboxRow
from storage.types import utcnow

MAX_ERROR_LENGTH = 2000

_T = cast(Table, OutboxMessage.__table__)


def _select() -> Select[Any]:
    """Every column of the outbox, read with Core: rows are never tracked by the session, so
    the ``mark_*`` updates (by id) are what the database holds, with no stale copy around."""
    return select(*_T.c)


class OutboxRepository(Repository):
    async def enqueue(
        self,
        key: str,
        chat_id: int,
        payload: dict[str, Any],
        kind: str = OutboxKind.MESSAGE.value,
        person: PersonRow | int | None = None,
        not_before: datetime | None = None,
        broadcast_id: int | None = None,
    ) -> bool:
        """Queue a message unless one with ``key`` exists; True if queued now.

        ``key`` is a deterministic idempotency key (e.g. ``"remind:2024:self_assessment:7:42"``)
        so re-running a job never sends twice.  ``payload`` is free JSON (text, buttons,
        file path, locale, …) for the sender.
        """
        OutboxKind(kind)
        now = utcnow()
        return await self._insert_ignore(
            _T,
            {
                "key": key,
                "person_id": ref(person),
                "chat_id": chat_id,
                "kind": kind,
                "payload": payload,
                "status": OutboxStatus.PENDING.value,
                "attempts": 0,
                "not_before": not_before or now,
                "created_at": now,
                "broadcast_id": broadcast_id,
            },
            ["key"],
        )

    async def get(self, message_id: int) -> OutboxRow | None:
        row = (await self.session.execute(_select().where(_T.c.id == message_id))).first()
        return OutboxRow(**row._mapping) if row is not None else None

    async def get_by_key(self, key: str) -> OutboxRow | None:
        row = (await self.session.execute(_select().where(_T.c.key == key))).first()
        return OutboxRow(**row._mapping) if row is not None else None

    async def payloads_by_key_prefix(self, prefix: str) -> list[dict[str, Any]]:
        """The payloads of every message whose key starts with ``prefix`` (e.g. one admin's
        to-do lists, to tell which steps they already list)."""
        rows = await self.session.scalars(
            select(OutboxMessage.payload).where(
                OutboxMessage.key.startswith(prefix, autoescape=True)
            )
        )
        return [dict(p) for p in rows if isinstance(p, dict)]

    async def claim_due(self, now: datetime | None = None, limit: int = 30) -> list[OutboxRow]:
        """Take up to ``limit`` pending messages with ``not_before <= now``, oldest id first.

        The rows are switched to ``sending`` (``claimed_at = now``, ``attempts + 1``) in the
        same statement, so concurrent workers never get the same row (PostgreSQL also uses
        ``FOR UPDATE SKIP LOCKED``).  Finish each with ``mark_sent`` / ``mark_retry`` /
        ``mark_unreachable`` / ``mark_failed``; commit the claim before sending.
        """
        now = now or utcnow()
        # Two statements on purpose: an UPDATE … WHERE id IN (SELECT … LIMIT n FOR UPDATE SKIP
        # LOCKED) may re-run the subquery on PostgreSQL and claim more than n rows.  The
        # SELECT locks the rows (PostgreSQL) / runs under the write lock (SQLite BEGIN
        # IMMEDIATE), and the UPDATE re-checks the status anyway.
        ids = list(
            await self.session.scalars(
                select(OutboxMessage.id)
                .where(
                    OutboxMessage.status == OutboxStatus.PENDING.value,
                    OutboxMessage.not_before <= now,
                )
                .order_by(OutboxMessage.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )
        if not ids:
            return []
        stmt = (
            update(_T)
            .where(_T.c.id.in_(ids), _T.c.status == OutboxStatus.PENDING.value)
            .values(status=OutboxStatus.SENDING.value, claimed_at=now, attempts=_T.c.attempts + 1)
            .returning(*_T.c)
        )
        rows = [OutboxRow(**r._mapping) for r in await self.session.execute(stmt)]
        rows.sort(key=lambda r: r.id)
        return rows

    async def release_stale(self, claimed_before: datetime) -> int:
        """Put ``sending`` rows claimed before ``claimed_before`` back to ``pending`` (the
        worker died mid-send); returns how many."""
        result = await self.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.status == OutboxStatus.SENDING.value,
                OutboxMessage.claimed_at < claimed_before,
            )
            .values(status=OutboxStatus.PENDING.value)
            .execution_options(synchronize_session="fetch")
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def replace_pending(
        self, key: str, payload: dict[str, Any], not_before: datetime
    ) -> bool:
        """Rewrite the message ``key`` and push it to ``not_before`` if it is still pending
        (an album's one reply, rewritten as more files arrive); False if there is no such
        pending message (never queued, or already sent)."""
        result = await self.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.key == key, OutboxMessage.status == OutboxStatus.PENDING.value)
            .values(payload=payload, not_before=not_before)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def withdraw_pending(self, keys: Sequence[str], reason: str) -> int:
        """Mark the still-pending messages among ``keys`` failed with ``reason`` (a reminder
        superseded by a newer one is never sent); the number withdrawn."""
        if not keys:
            return 0
        result = await self.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.key.in_(list(keys)),
                OutboxMessage.status == OutboxStatus.PENDING.value,
            )
            .values(status=OutboxStatus.FAILED.value, last_error=reason)
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def _finish(self, message_id: int, **values: Any) -> bool:
        """Write ``values`` to the message ``message_id``; False if there is no such row."""
        result = await self.session.execute(
            update(_T).where(_T.c.id == message_id).values(**values)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def mark_sent(
        self,
        message_id: int,
        telegram_message_id: int | None = None,
        at: datetime | None = None,
    ) -> bool:
        """Delivered; False if the row is gone."""
        return await self._finish(
            message_id,
            status=OutboxStatus.SENT.value,
            sent_at=at or utcnow(),
            telegram_message_id=telegram_message_id,
            last_error=None,
        )

    async def mark_retry(self, message_id: int, not_before: datetime, error: str) -> bool:
        """Back to ``pending`` until ``not_before`` (Telegram's retry_after or a backoff)."""
        return await self._finish(
            message_id,
            status=OutboxStatus.PENDING.value,
            not_before=not_before,
            last_error=error[:MAX_ERROR_LENGTH],
        )

    async def mark_unreachable(self, message_id: int, error: str | None = None) -> bool:
        """The chat blocked the bot or is gone (also mark the person, see PersonRepository);
        False if the row is gone."""
        return await self._finish(
            message_id,
            status=OutboxStatus.UNREACHABLE.value,
            last_error=error[:MAX_ERROR_LENGTH] if error else None,
        )

    async def mark_failed(self, message_id: int, error: str) -> bool:
        """Give up (permanent error or too many attempts)."""
        return await self._finish(
            message_id, status=OutboxStatus.FAILED.value, last_error=error[:MAX_ERROR_LENGTH]
        )

    async def acknowledge(self, message_id: int, at: datetime | None = None) -> bool:
        """The recipient confirmed reading it (e.g. pressed "Đã nhận"); the first time counts.
        False if it was acknowledged already (or there is no such row)."""
        result = await self.session.execute(
            update(_T)
            .where(_T.c.id == message_id, _T.c.acknowledged_at.is_(None))
            .values(acknowledged_at=at or utcnow())
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def list_for_broadcast(self, broadcast_id: int) -> list[OutboxRow]:
        stmt = _select().where(_T.c.broadcast_id == broadcast_id).order_by(_T.c.id)
        return [OutboxRow(**r._mapping) for r in await self.session.execute(stmt)]

    async def status_counts(
        self, broadcast_id: int | None = None, *, key_prefix: str | None = None
    ) -> dict[str, int]:
        """``{status: count}`` (of one broadcast, of the messages whose key starts with
        ``key_prefix``, or of the whole outbox)."""
        stmt = select(_T.c.status, func.count()).group_by(_T.c.status)
        if broadcast_id is not None:
            stmt = stmt.where(_T.c.broadcast_id == broadcast_id)
        if key_prefix is not None:
            stmt = stmt.where(_T.c.key.startswith(key_prefix, autoescape=True))
        return {status: int(n) for status, n in await self.session.execute(stmt)}
