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

from sqlalchemy.exc import DBAPIError, OperationalError

from conversations import router
from conversations.context import CoreConfig, Ctx
from conversations.i18n import normalize_locale, t
from conversations.replies import Event, Outcome, Reply
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

UowFactory = Callable[[], UnitOfWork]


class ChatEngine:
    def __init__(
        self,
        uow_factory: UowFactory,
        config: CoreConfig | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
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

    async def handle(self, event: Event) -> Outcome | None:
        """Handle one update in order with the same person's other updates."""
        async with self._lock(event.sender.user_id):
            try:
                return await self._handle(event)
            except (OperationalError, DBAPIError):
                log.exception("database unavailable while handling update %s", event.update_id)
                return _sorry(
                    event,
                    "The service is busy right now. Nothing was saved; "
                    "please try again in a minute.",
                )
            except Exception:
                log.exception("error while handling update %s", event.update_id)
                return _sorry(
                    event,
                    "Sorry, something went wrong. Nothing was changed; "
                    "please try again or type /help.",
                )

    async def _handle(self, event: Event) -> Outcome | None:
        async with self.uow_factory() as uow:
            if not await uow.updates.claim(event.update_id):
                return None  # already handled (redelivery after a restart)
            s = event.sender
            person = await uow.people.upsert(s.user_id, s.chat_id, s.full_name, s.username)
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
