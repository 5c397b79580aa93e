"""The conversation engine: one event in, durable state read and written, replies out.

Each update is handled in one database transaction: the update id is claimed (a redelivered
update does nothing), the person's state is read, the flow runs, answers and state and
notifications are written together, and only then are replies released. A crash at any point
leaves either all of it or none of it.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError

from conversations import router
from conversations.context import CoreConfig, Ctx
from conversations.i18n import normalize_locale, t
from conversations.replies import Event, Outcome, Reply
from scoring.i18n import N_
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

UowFactory = Callable[[], UnitOfWork]
MAX_BOT_DOWNLOAD = 20 * 1024 * 1024
BUSY = N_("The service is busy right now. Nothing was saved; please try again in a minute.")
BROKEN = N_("Sorry, something went wrong. Nothing was changed; please try again or type /help.")
PERSON_LOCK_NAMESPACE = 0x7A11  # advisory-lock namespace for per-person update ordering


class ServiceUnavailable(RuntimeError):
    """The database could not store the update; it must be delivered again later."""


class FileSource(Protocol):
    """Downloads a file the user sent (the runtime adapter implements it)."""

    async def fetch(self, file_id: str) -> bytes: ...


class ChatEngine:
    def __init__(
        self,
        uow_factory: UowFactory,
        config: CoreConfig | None = None,
        clock: Callable[[], datetime] | None = None,
        files: FileSource | None = None,
    ) -> None:
        self.files = files
        self.uow_factory = uow_factory
        self.config = config or CoreConfig()
        self.clock = clock or (lambda: datetime.now(UTC))
        self._locks: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()

    def _lock(self, user_id: int) -> asyncio.Lock:
        lock = self._locks.get(user_id)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[user_id] = lock
        return lock

    async def handle(self, event: Event, *, raise_unavailable: bool = False) -> Outcome | None:
        """Handle one update in order with the same person's other updates.

        A database outage either raises ServiceUnavailable (``raise_unavailable``: the webhook
        answers 503 and Telegram delivers the update again later) or tells the user politely
        that nothing was saved; it never pretends success.
        """
        async with self._lock(event.sender.user_id):
            try:
                return await self._handle(event)
            except (OperationalError, DBAPIError, OSError) as exc:
                log.exception("database unavailable while handling update %s", event.update_id)
                if raise_unavailable:
                    raise ServiceUnavailable(str(exc)) from exc
                return _sorry(event, BUSY)
            except Exception:
                log.exception("error while handling update %s", event.update_id)
                return _sorry(event, BROKEN)

    async def _download(self, event: Event) -> tuple[bytes | None, str | None]:
        """Fetch an incoming file before the transaction: no database lock is held while the
        network is slow, and files over the bot download limit are never fetched."""
        f = event.file
        if f is None or self.files is None:
            return None, None
        if f.size is not None and f.size > MAX_BOT_DOWNLOAD:
            return None, "too_large"
        try:
            data = await self.files.fetch(f.file_id)
        except Exception as exc:  # network, Bot API refusal, disk: the user is told to resend
            log.warning("could not download file %s: %s", f.file_id, exc)
            return None, "download_failed"
        return data, None

    async def _handle(self, event: Event) -> Outcome | None:
        file_data, file_error = await self._download(event)
        async with self.uow_factory() as uow:
            await _lock_person(uow, event.sender.user_id)
            if not await uow.updates.claim(event.update_id):
                return None  # already handled (redelivery after a restart)
            s = event.sender
            person = await uow.people.upsert(s.user_id, s.chat_id, s.full_name, s.username)
            if person.language is None:
                # remember the language Telegram reports, so notices and reminders sent later
                # (outside any update) speak it too; /lang changes it
                person.language = normalize_locale(s.language_code, self.config.default_locale)
            state, _version = await uow.conversations.load(person)
            locale = person.language or normalize_locale(
                s.language_code, self.config.default_locale
            )
            ctx = Ctx(
                uow=uow,
                event=event,
                person=person,
                roles=await uow.people.roles(person),
                locale=locale,
                state=state,
                now=self.clock(),
                config=self.config,
                file_data=file_data,
                file_error=file_error,
            )
            await router.route(ctx)
            for n in ctx.notices:
                await uow.outbox.enqueue(
                    n.key,
                    n.person.chat_id,
                    {
                        "text": n.text,
                        "buttons": [
                            [{"text": b.text, "data": b.data} for b in row] for row in n.buttons
                        ],
                    },
                    person=n.person,
                    not_before=ctx.now,
                )
            await uow.conversations.save(person, ctx.state)
            return _fit(ctx.out)


async def _lock_person(uow: UnitOfWork, user_id: int) -> None:
    """Serialise one person's updates across processes (PostgreSQL transaction-scoped advisory
    lock, released at commit). SQLite needs nothing: its write transactions are already serial."""
    if uow.session.bind is not None and uow.session.bind.dialect.name == "postgresql":
        await uow.session.execute(
            text("SELECT pg_advisory_xact_lock(:ns, :key)"),
            {"ns": PERSON_LOCK_NAMESPACE, "key": user_id % 2_147_483_647},
        )


def _sorry(event: Event, message: str) -> Outcome:
    locale = normalize_locale(event.sender.language_code)
    return Outcome([Reply(t(locale, message))])


def _fit(out: Outcome) -> Outcome:
    """Telegram refuses texts over 4096 characters; long lists are paginated upstream, this is
    the last guard so a reply is never lost to a 400."""
    fitted = []
    for r in out.replies:
        if len(r.text) > 4000:
            r = Reply(
                r.text[:3990] + "…",
                r.buttons,
                r.keyboard,
                r.remove_keyboard,
                r.edit,
                r.document,
                r.photo,
            )
        fitted.append(r)
    out.replies = fitted
    return out
