"""Processed Telegram update ids (drop redelivered updates)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Integer, bindparam, delete, select, text

from storage.models import ProcessedUpdate
from storage.pg_statements import named
from storage.repositories.base import Repository
from storage.sql_literals import int_literal, timestamp_literal
from storage.types import utcnow

_FENCED_CLAIM = text(
    "WITH fence AS (SELECT pg_advisory_xact_lock(:ns, :key) AS held) "
    "INSERT INTO processed_updates (update_id, processed_at) "
    "SELECT :update_id, :at FROM fence "
    "ON CONFLICT (update_id) DO NOTHING"
).bindparams(
    bindparam("ns", type_=Integer),
    bindparam("key", type_=Integer),
    bindparam("update_id", type_=BigInteger),
    bindparam("at", type_=DateTime(timezone=True)),
)
_NAMED_CLAIM = named("parbot_claim", _FENCED_CLAIM)


def _fenced_claim_sql(ns: int, key: int, update_id: int, at: datetime) -> str:
    """:data:`_FENCED_CLAIM` as the connection's named statement (``storage.pg_statements``),
    for BEGIN and the claim in one simple query (no parameters there): integers and an aware
    timestamp only, rendered by Python."""
    arguments = {"ns": int_literal(ns), "key": int_literal(key)}
    arguments |= {"update_id": int_literal(update_id), "at": timestamp_literal(at)}
    return _NAMED_CLAIM.execute_sql(arguments)


class ProcessedUpdateRepository(Repository):
    async def claim(
        self, update_id: int, at: datetime | None = None, *, fence: tuple[int, int] | None = None
    ) -> bool:
        """True if ``update_id`` is new (now recorded), False if already processed.

        Call it in the same unit of work as the handling: if the handling fails and rolls
        back, the claim is rolled back too and a redelivery is processed again.
        ``fence`` (namespace, key) takes that PostgreSQL transaction-scoped advisory lock in
        the same statement, before the insert (the person lock's fence, one round trip less
        per update); later statements of the transaction run under it.  Ignored elsewhere.
        """
        if fence is not None and self.dialect_name == "postgresql":
            when = at or utcnow()
            first = await self._begin_with(_fenced_claim_sql(*fence, update_id, when))
            if first is not None:
                return first == 1
            params = {"ns": fence[0], "key": fence[1], "update_id": update_id, "at": when}
            result = await self._core(_FENCED_CLAIM, params)
            return bool(result.rowcount == 1)
        return await self._insert_ignore(
            ProcessedUpdate.__table__,  # type: ignore[arg-type]
            {"update_id": update_id, "processed_at": at or utcnow()},
            ["update_id"],
        )

    async def is_processed(self, update_id: int) -> bool:
        stmt = select(ProcessedUpdate.update_id).where(ProcessedUpdate.update_id == update_id)
        return await self.session.scalar(stmt) is not None

    async def prune(self, older_than: datetime) -> int:
        """Forget ids processed before ``older_than``; returns how many."""
        result = await self.session.execute(
            delete(ProcessedUpdate)
            .where(ProcessedUpdate.processed_at < older_than)
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def max_update_id(self) -> int | None:
        return await self.session.scalar(
            select(ProcessedUpdate.update_id).order_by(ProcessedUpdate.update_id.desc()).limit(1)
        )
