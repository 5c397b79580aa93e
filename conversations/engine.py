"""The conversation engine: one event in, durable state read and written, replies out.

Each update is handled in one database transaction: the update id is claimed (a redelivered
update does nothing), the person's state is read, the flow runs, answers and state and
notifications are written together, and only then are replies released. A crash at any point
leaves either all of it or none of it.

One person's updates are serialised by a :class:`~conversations.person_lock.PersonLock` from the
composition root (in-process, PostgreSQL advisory, or Redis); if it cannot be had the update
is not handled at all and the outage path below applies.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Protocol

from conversations import reply_json, router, walk_cards
from conversations.bounded import put_newest
from conversations.context import CoreConfig, Ctx
from conversations.delivered_ids import Unwritten, UnwrittenIds
from conversations.flow_state import FlowState
from conversations.i18n import normalize_locale, th
from conversations.items_hint import ItemsHints
from conversations.person_lock import PersonLock, PersonLockError, PostgresPersonLock
from conversations.replies import Event, Outcome, Reply
from conversations.routing import Registry
from scoring.i18n import N_
from storage.errors import OUTAGES
from storage.repositories.base import VersionConflict
from storage.repositories.rows import HotPerson
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

LOCK_OR_OUTAGE: tuple[type[Exception], ...] = (PersonLockError, *OUTAGES)
# delivered() gives up on these: the card is just not refreshed in place
NOT_REMEMBERED: tuple[type[Exception], ...] = (*LOCK_OR_OUTAGE, VersionConflict)

UowFactory = Callable[[], UnitOfWork]
MAX_BOT_DOWNLOAD = 20 * 1024 * 1024
PEOPLE_KEPT = 4096  # people whose last saved state and read-ahead hint a process keeps
BUSY = N_("The service is busy right now. Nothing was saved; please try again in a minute.")
BROKEN = N_("Sorry, something went wrong. Nothing was changed; please try again or type /help.")


class ServiceUnavailable(RuntimeError):
    """The database (or the person lock) was unavailable: nothing was stored, the update must be
    delivered again later."""


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
        person_lock: PersonLock | None = None,
        *,
        routes: Registry,
    ) -> None:
        """``person_lock`` defaults to the in-process lock plus PostgreSQL's advisory lock (which
        is a no-op on SQLite): correct for one process on any database and for several on
        PostgreSQL; the composition root passes the Redis lock when one is configured.
        ``routes``: the chat's entry points (``handlers.routes.build_registry()``)."""
        self.routes = routes
        self.files = files
        self.uow_factory = uow_factory
        self.config = config or CoreConfig()
        self.clock = clock or (lambda: datetime.now(UTC))
        self.person_lock: PersonLock = person_lock or PostgresPersonLock()
        # Telegram user id → (person id, state, version) as this process last saved it, for
        # delivered() (oldest forgotten first)
        self._saved: dict[int, tuple[int, FlowState, int | None]] = {}
        # whose items to read with the person (one round trip less on PostgreSQL if right)
        self._items_hints = ItemsHints(PEOPLE_KEPT)
        self.unwritten = UnwrittenIds(uow_factory, self.person_lock)

    async def handle(self, event: Event, *, raise_unavailable: bool = False) -> Outcome | None:
        """Handle one update in order with the same person's other updates.

        A database outage either raises ServiceUnavailable (``raise_unavailable``: the webhook
        answers 503 and Telegram delivers the update again later) or tells the user politely
        that nothing was saved; it never pretends success. Not getting the person's lock (the
        lock service is unreachable, or the person's earlier updates took too long) is the same
        kind of outage: the update is never handled without the lock.
        """
        user_id = event.sender.user_id
        try:
            async with self.person_lock.hold(user_id):
                try:
                    return await self._handle(event)
                except OUTAGES as exc:
                    self._saved.pop(user_id, None)  # kept before a commit that did not happen
                    log.exception("database unavailable while handling update %s", event.update_id)
                    return _unavailable(event, exc, raise_unavailable)
                except Exception:
                    self._saved.pop(user_id, None)
                    log.exception("error while handling update %s", event.update_id)
                    return _sorry(event, BROKEN)
        except PersonLockError as exc:
            log.warning("update %s not handled, person lock: %s", event.update_id, exc)
            return _unavailable(event, exc, raise_unavailable)

    async def delivered(self, event: Event, sent: Sequence[tuple[str, int]]) -> None:
        """Remember where tagged replies of ``event`` landed (``(tag, message id)``), so a later
        update can edit that message in place (the live card of an item).

        Usually no statement at all: the state this process last saved for the person is
        patched and written behind (conversations.delivered_ids: by the person's next update
        here, or by a flush shortly after, only if it is still the stored version). A process
        that has no saved state for the person (restarted) loads and writes it now."""
        if not sent:
            return
        user_id = event.sender.user_id
        base = self._saved.pop(user_id, None)
        if base is not None:
            person_id, state, version = base
            for tag, message_id in sent:
                walk_cards.note_sent(state, tag, message_id)
            if version is not None:
                self.unwritten.keep(user_id, Unwritten(person_id, state, version))
                return
        try:
            async with self.person_lock.hold(user_id), self.uow_factory() as uow:
                if base is None:
                    await self._delivered_slowly(uow, user_id, sent)
                else:  # nothing stored yet for the person: the first state, written now
                    await uow.conversations.store(base[0], base[1].to_json(), None)
        except NOT_REMEMBERED as exc:
            log.info("message ids of update %s not remembered: %s", event.update_id, exc)

    async def close(self) -> None:
        """Write what is still only in memory (a graceful stop)."""
        await self.unwritten.close()

    async def _delivered_slowly(
        self, uow: UnitOfWork, user_id: int, sent: Sequence[tuple[str, int]]
    ) -> None:
        """delivered() without a state saved by this process: read it (under the fence)."""
        await self.person_lock.in_transaction(uow, user_id)
        hot = await uow.people.hot(user_id)
        if hot is None:
            return
        state = FlowState.from_json(hot.state)
        for tag, message_id in sent:
            walk_cards.note_sent(state, tag, message_id)
        await uow.conversations.store(hot.person.id, state.to_json(), hot.state_version)

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
        """The update in one transaction, once more if a row it read changed before its
        commit (another officer of the unit saved the same answer, another process the
        person's state): nothing was committed, the claim included, so it runs again on
        what is stored now, with every write sent at once (none kept for COMMIT), and the
        officer gets the reply of that run rather than an apology."""
        file_data, file_error = await self._download(event)
        user_id = event.sender.user_id
        unwritten = self.unwritten.pending(user_id)
        try:
            async with self.uow_factory() as uow:
                return await self._transaction(uow, event, file_data, file_error)
        except VersionConflict as conflict:
            log.info("update %s handled again: %s", event.update_id, conflict)
            self._saved.pop(user_id, None)  # kept before the commit that did not happen
            if unwritten is not None and self.unwritten.pending(user_id) is None:
                self.unwritten.keep(user_id, unwritten)  # taken by the run rolled back
        async with self.uow_factory() as uow:
            uow.keeps_writes = False
            return await self._transaction(uow, event, file_data, file_error)

    async def _transaction(
        self, uow: UnitOfWork, event: Event, file_data: bytes | None, file_error: str | None
    ) -> Outcome | None:
        """The update's effects inside its transaction; the id claim comes first (and takes
        the person's database fence in the same statement) so a redelivered update does
        nothing."""
        user_id = event.sender.user_id
        claimed = await uow.updates.claim(event.update_id, fence=self.person_lock.fence(user_id))
        # "begin"/"end" bracket the part no other update of the person may overlap (both are
        # inside the transaction and every lock, the fence included; the scale-out test reads
        # them at DEBUG)
        log.debug("person %s update %s: begin", user_id, event.update_id)
        try:
            if not claimed:
                log.debug("update %s: already handled", event.update_id)
                return None  # already handled (redelivery after a restart)
            return await self._effects(uow, event, file_data, file_error)
        finally:
            log.debug("person %s update %s: end", user_id, event.update_id)

    async def _effects(
        self, uow: UnitOfWork, event: Event, file_data: bytes | None, file_error: str | None
    ) -> Outcome | None:
        """The lean path of issue 19: person, roles and state come in one statement, the flow
        runs, notices are queued, and the state is written only when it changed."""
        s = event.sender
        hot = await self._person(uow, event)
        person = hot.person
        locale = person.language or normalize_locale(s.language_code, self.config.default_locale)
        ctx = Ctx(
            uow=uow,
            event=event,
            person=person,
            roles=list(hot.roles),
            locale=locale,
            state=self.unwritten.take(s.user_id, person.id, hot.state_version)
            or FlowState.from_json(hot.state),
            now=self.clock(),
            config=self.config,
            routes=self.routes,
            file_data=file_data,
            file_error=file_error,
            header_rev=hot.header_rev,
        )
        await router.route(ctx)
        for n in ctx.notices:
            await uow.outbox.enqueue(
                n.key,
                n.person.chat_id,
                reply_json.encode(Reply(n.text, buttons=n.buttons)),
                person=n.person.id,
                not_before=ctx.now,
            )
        version = hot.state_version
        # decoded afresh rather than copied: cheaper, and what was read is compared typed (a
        # stored key the state no longer knows is not a change that needs a write); message
        # ids taken from delivered_ids differ from what is stored, so they are written here
        if ctx.state != FlowState.from_json(hot.state):
            version = await uow.conversations.store(
                person.id, ctx.state.to_json(), version, last=True
            )
        # delivered() patches the latest saved state
        put_newest(self._saved, s.user_id, (person.id, ctx.state, version), PEOPLE_KEPT)
        self._items_hints.after(s.user_id, uow.items_read)
        return _fit(ctx.out)

    async def _person(self, uow: UnitOfWork, event: Event) -> HotPerson:
        """The sender with roles and state (one statement); the person row is written only
        when Telegram reports something new (first contact, a new name or chat, reachable
        again) or no language is known yet — the language Telegram reports is remembered so
        notices and reminders sent later (outside any update) speak it too; /lang changes it."""
        s = event.sender
        items_of, own_unit = self._items_hints.guess(s.user_id)
        hot = await uow.people.hot(s.user_id, items_of=items_of, own_unit=own_unit)
        p = hot.person if hot is not None else None
        if (
            p is not None
            and (p.chat_id, p.full_name, p.username) == (s.chat_id, s.full_name, s.username)
            and p.unreachable_at is None
            and p.language is not None
        ):
            return hot  # type: ignore[return-value]
        if p is not None:  # known: Telegram reports a new name or chat, or reachable again
            await uow.people.refresh(p.id, s.chat_id, s.full_name, s.username)
            person = replace(
                p,
                chat_id=s.chat_id,
                full_name=s.full_name,
                username=s.username,
                unreachable_at=None,
                unreachable_reason=None,
            )
        else:
            person = await uow.people.upsert(s.user_id, s.chat_id, s.full_name, s.username)
        if person.language is None:
            lang = normalize_locale(s.language_code, self.config.default_locale)
            await uow.people.set_language(person, lang)
            person = replace(person, language=lang)
        if hot is None:
            hot = await uow.people.hot(s.user_id)
            assert hot is not None
        return replace(hot, person=person)


def _unavailable(event: Event, exc: Exception, raise_unavailable: bool) -> Outcome:
    """Nothing was stored: either ask for redelivery (webhook → 503) or say so politely."""
    if raise_unavailable:
        raise ServiceUnavailable(str(exc)) from exc
    return _sorry(event, BUSY)


def _sorry(event: Event, message: str) -> Outcome:
    locale = normalize_locale(event.sender.language_code)
    return Outcome([Reply(th(locale, message))])


def _fit(out: Outcome) -> Outcome:
    """Telegram refuses texts over 4096 characters; long lists are paginated upstream, this is
    the last guard so a reply is never lost to a 400."""
    fitted = []
    for r in out.replies:
        if len(r.text) > 4000:
            r = replace(r, text=r.text[:3990] + "…")
        fitted.append(r)
    out.replies = fitted
    return out
