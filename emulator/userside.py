"""The simulated users' side: what a person does in the Telegram app, as a Python API for tests.

Users write messages, press inline buttons, tap reply-keyboard buttons, upload documents and
photos, and block the bot; each action becomes the update Telegram would send the bot. Tests
then wait *event-driven* for the bot's reaction with :meth:`UserSideApi.wait_for`, which
considers every bot message created or changed (edited, deleted) after the user's last action,
so there is never a reason to sleep in a test.

:class:`~emulator.server.BotApiEmulator` inherits all of this; the HTTP user API under
``/_emu/`` (the web chat page) calls the same methods.
"""

from __future__ import annotations

import asyncio
import pickle
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from .faults import InjectedDelay, InjectedError
from .handlers_chat import commands_for_user
from .messages import Content, build_message, command_spans, new_record
from .objects import EmuUser, StoredFile
from .state import (
    ApiCall,
    CallbackAnswer,
    ChatState,
    EmulatorCore,
    EmuStats,
    PendingCallback,
    Record,
)

Predicate = Callable[[Record], bool]


def detached(message: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of a message for an update, so later edits of the stored message do not
    change what the bot receives; a pickle round trip, a third of ``copy.deepcopy``'s time
    for these plain JSON values (the benchmarks' emulator shares the bot's two cores)."""
    copied: dict[str, Any] = pickle.loads(pickle.dumps(message, pickle.HIGHEST_PROTOCOL))
    return copied


class UserSideApi:
    """User actions, transcripts, waiting and fault switches over an :class:`EmulatorCore`."""

    def __init__(self, core: EmulatorCore) -> None:
        self.core = core

    # ------------------------------------------------------------------ users / personas

    def user(
        self,
        user_id: int,
        first_name: str | None = None,
        language_code: str | None = None,
        username: str | None = None,
        last_name: str | None = None,
    ) -> EmuUser:
        """Register (or update, for the arguments given) a simulated user and return it.

        New users default to first name "Lan" and language "vi". Registering does not start
        the chat: until the user sends something the bot gets 403 for messages to them.
        """
        user = self.core.users.get(user_id)
        if user is None:
            user = EmuUser(user_id, first_name or "Lan", last_name, username, language_code or "vi")
            self.core.users[user_id] = user
            return user
        if first_name is not None:
            user.first_name = first_name
        if language_code is not None:
            user.language_code = language_code
        if username is not None:
            user.username = username
        if last_name is not None:
            user.last_name = last_name
        return user

    def set_personas(self, personas: list[dict[str, Any]]) -> None:
        """Personas for the web page's "who are you" picker; each one is registered as a user.

        Items: ``{"user_id": int, "name": str, "description": str}`` plus optional
        ``language_code``/``username``; extra keys are passed through to the page.
        """
        cleaned: list[dict[str, Any]] = []
        for persona in personas:
            user_id = int(persona["user_id"])
            name = str(persona.get("name") or f"User {user_id}")
            self.user(
                user_id,
                first_name=name,
                language_code=persona.get("language_code"),
                username=persona.get("username"),
            )
            cleaned.append({**persona, "user_id": user_id, "name": name})
        self.core.personas = cleaned
        self.core.bump()
        self.core.changes.notify()

    @property
    def personas(self) -> list[dict[str, Any]]:
        return list(self.core.personas)

    def _active_chat(self, user_id: int) -> ChatState:
        chat = self.core.chat(user_id)
        if not chat.started:
            raise AssertionError(f"user {user_id} has not started the bot yet (send /start first)")
        if chat.blocked:
            raise AssertionError(f"user {user_id} blocked the bot; call emu.unblock() first")
        return chat

    # ------------------------------------------------------------------ user actions

    def _user_message(
        self,
        user_id: int,
        *,
        kind: str,
        content: Content | None,
        document: StoredFile | None = None,
        photo_sizes: list[StoredFile] | None = None,
        media_group_id: str | None = None,
    ) -> dict[str, Any]:
        core = self.core
        chat = core.chat(user_id)
        if chat.blocked:  # writing to a blocked bot means pressing "Restart" first
            self.unblock(user_id)
        chat.started = True
        message = build_message(
            core,
            chat,
            sender=chat.user.to_api(),
            content=content,
            kind=kind,
            document=document,
            photo_sizes=photo_sizes,
            media_group_id=media_group_id,
        )
        record = new_record(
            "user",
            message,
            kind=kind,
            content=content,
            document=document,
            photo=photo_sizes[-1] if photo_sizes else None,
        )
        core.add_record(chat, record)
        chat.last_user_seq = record.seq
        core.stats.user_messages += 1
        core.push_update("message", detached(message))
        return message

    async def send_text(self, user_id: int, text: str) -> dict[str, Any]:
        """The user sends a text; ``/command args`` gets a ``bot_command`` entity.

        Returns the user's ``Message`` as the bot receives it.
        """
        if not text:
            raise ValueError("Telegram clients cannot send an empty message")
        self.core.ensure_user(user_id)
        content = Content(text, text, command_spans(text), None)
        message = self._user_message(user_id, kind="text", content=content)
        chat = self.core.chat(user_id)
        keyboard = chat.reply_keyboard
        if keyboard is not None and keyboard.raw.get("one_time_keyboard"):
            pressed = any(b["text"] == text for row in keyboard.rows for b in row)
            chat.reply_keyboard = None if pressed else keyboard
        return message

    async def tap_keyboard(self, user_id: int, text: str) -> dict[str, Any]:
        """Tap a button of the current reply keyboard (sends its text); asserts it is shown."""
        keyboard = self.core.chat(user_id).current_keyboard()
        if not keyboard or not any(text in row for row in keyboard):
            raise AssertionError(
                f"no reply-keyboard button {text!r} for user {user_id}; keyboard: {keyboard}"
            )
        return await self.send_text(user_id, text)

    async def press(
        self,
        user_id: int,
        *,
        text: str | None = None,
        data: str | None = None,
        message_id: int | None = None,
    ) -> dict[str, Any]:
        """Press an inline button by its text (or callback_data) and return the CallbackQuery.

        Looks in ``message_id`` if given, else in the latest bot message having such a button.
        """
        if (text is None) == (data is None):
            raise ValueError("press() needs exactly one of text= or data=")
        chat = self._active_chat(user_id)
        candidates = [r for r in reversed(chat.records) if r.direction == "bot" and not r.deleted]
        if message_id is not None:
            candidates = [r for r in candidates if r.message_id == message_id]
        for record in candidates:
            button = record.find_button(text=text, data=data)
            if button is None:
                continue
            if button.get("callback_data") is None:
                kinds = [k for k in button if k != "text"]
                raise AssertionError(f"button {button['text']!r} is a {kinds} button, not callback")
            return self._callback(chat, record, str(button["callback_data"]))
        available = [
            f"m{r.message_id}: {[[b['text'] for b in row] for row in r.buttons]}"
            for r in candidates
            if r.buttons
        ][:5]
        wanted = f"text={text!r}" if text is not None else f"data={data!r}"
        where = f" in message {message_id}" if message_id is not None else ""
        raise AssertionError(
            f"no inline button with {wanted}{where} for user {user_id}; "
            f"available buttons (latest first): {available or 'none'}"
        )

    async def press_data(
        self, user_id: int, data: str, message_id: int | None = None
    ) -> dict[str, Any]:
        """Forge a callback query with arbitrary data on a bot message (latest one by default).

        Useful to test that the bot rejects stale or tampered callback data.
        """
        chat = self._active_chat(user_id)
        bot_records = [r for r in chat.records if r.direction == "bot" and not r.deleted]
        if message_id is not None:
            bot_records = [r for r in bot_records if r.message_id == message_id]
        if not bot_records:
            where = f" with id {message_id}" if message_id is not None else ""
            raise AssertionError(f"no bot message{where} in chat {user_id} to attach data to")
        return self._callback(chat, bot_records[-1], data)

    def _callback(self, chat: ChatState, record: Record, data: str) -> dict[str, Any]:
        core = self.core
        query_id = core.new_callback_id()
        query = {
            "id": query_id,
            "from": chat.user.to_api(),
            "message": detached(record.message),
            "chat_instance": str(-(chat.user.user_id * 7919 + core.bot_id)),
            "data": data,
        }
        core.pending_callbacks[query_id] = PendingCallback(
            chat.user.user_id, record.message_id, time.monotonic()
        )
        chat.last_user_seq = core.mark_chat(chat.user.user_id)
        core.stats.callback_queries += 1
        core.push_update("callback_query", query)
        return query

    async def send_document(
        self,
        user_id: int,
        filename: str,
        content: bytes,
        mime_type: str = "application/pdf",
        caption: str | None = None,
        declared_size: int | None = None,
        media_group_id: str | None = None,
    ) -> dict[str, Any]:
        """The user sends a file. ``declared_size`` makes Telegram report a bigger size
        (e.g. 25 MB) without the bytes; getFile then refuses it like Telegram (> 20 MB)."""
        self.core.ensure_user(user_id)
        stored = self.core.files.add(
            "document",
            content,
            file_name=filename,
            mime_type=mime_type,
            declared_size=declared_size,
        )
        content_obj = Content(caption, caption, [], None) if caption else None
        return self._user_message(
            user_id,
            kind="document",
            content=content_obj,
            document=stored,
            media_group_id=media_group_id,
        )

    async def send_photo(
        self,
        user_id: int,
        content: bytes,
        caption: str | None = None,
        media_group_id: str | None = None,
    ) -> dict[str, Any]:
        """The user sends a (compressed) photo; content must be PNG/JPEG/GIF bytes
        (see :func:`emulator.objects.make_png`)."""
        self.core.ensure_user(user_id)
        sizes = self.core.files.add_photo(content)
        content_obj = Content(caption, caption, [], None) if caption else None
        return self._user_message(
            user_id,
            kind="photo",
            content=content_obj,
            photo_sizes=sizes,
            media_group_id=media_group_id,
        )

    def block(self, user_id: int) -> None:
        """The user blocks the bot: sends now fail with 403, the bot gets my_chat_member."""
        self._set_blocked(user_id, True)

    def unblock(self, user_id: int) -> None:
        """The user unblocks (restarts) the bot."""
        self._set_blocked(user_id, False)

    def _set_blocked(self, user_id: int, blocked: bool) -> None:
        core = self.core
        chat = core.chat(user_id)
        if chat.blocked == blocked:
            return
        chat.blocked = blocked
        member = {"status": "member", "user": dict(core.bot_user)}
        kicked = {"status": "kicked", "user": dict(core.bot_user), "until_date": 0}
        core.push_update(
            "my_chat_member",
            {
                "chat": chat.user.chat_api(),
                "from": chat.user.to_api(),
                "date": core.now(),
                "old_chat_member": member if blocked else kicked,
                "new_chat_member": kicked if blocked else member,
            },
        )
        chat.last_user_seq = core.mark_chat(user_id)

    # ------------------------------------------------------------------ observing

    def transcript(self, chat_id: int) -> list[Record]:
        """All messages of the chat in order (live records: they reflect later edits)."""
        chat = self.core.chats.get(chat_id)
        return list(chat.records) if chat else []

    def last_bot_message(self, chat_id: int) -> Record | None:
        """The newest bot message that is not deleted."""
        for record in reversed(self.transcript(chat_id)):
            if record.direction == "bot" and not record.deleted:
                return record
        return None

    def reply_keyboard(self, chat_id: int) -> list[list[str]] | None:
        """The reply keyboard the user currently sees (rows of button texts), if any."""
        chat = self.core.chats.get(chat_id)
        return chat.current_keyboard() if chat else None

    def keyboard_markup(self, chat_id: int) -> dict[str, Any]:
        """The options the current reply keyboard was sent with (``resize_keyboard``,
        ``is_persistent``, ``one_time_keyboard`` …), without its rows; {} when there is none."""
        chat = self.core.chats.get(chat_id)
        if chat is None or chat.reply_keyboard is None:
            return {}
        return {k: v for k, v in chat.reply_keyboard.raw.items() if k != "keyboard"}

    def commands_for(self, user_id: int) -> list[dict[str, str]]:
        """The command menu the user's app would show (after scope/language resolution)."""
        return commands_for_user(self.core, user_id)

    @property
    def callback_answers(self) -> dict[str, CallbackAnswer]:
        """answerCallbackQuery results by callback query id."""
        return self.core.callback_answers

    @property
    def calls(self) -> deque[ApiCall]:
        """Every Bot API call as ``(method, params, status)``, oldest first."""
        return self.core.calls

    def calls_to(self, method: str) -> list[ApiCall]:
        return [c for c in self.core.calls if c.method.lower() == method.lower()]

    @property
    def stats(self) -> EmuStats:
        return self.core.stats

    # ------------------------------------------------------------------ waiting

    async def wait_for(
        self,
        chat_id: int,
        predicate: Predicate,
        timeout: float = 10.0,
        *,
        since: int | None = None,
        include_deleted: bool = False,
    ) -> Record:
        """Wait until a bot message satisfying ``predicate`` exists, and return it.

        By default only bot messages created or changed after the user's last action count;
        with ``since`` every bot message at transcript index >= since counts. Raises
        AssertionError with the transcript tail (and recent failed Bot API calls) on timeout.
        """
        chat = self.core.chat(chat_id)
        after_seq = chat.last_user_seq if since is None else None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            for record in chat.records:
                if record.direction != "bot" or (record.deleted and not include_deleted):
                    continue
                if since is not None and record.index < since:
                    continue
                if after_seq is not None and record.seq <= after_seq:
                    continue
                if predicate(record):
                    return record
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(self._timeout_report(chat, predicate, timeout))
            await self.core.changes.wait(remaining)

    async def wait_for_text(
        self, chat_id: int, substring: str, timeout: float = 10.0, *, since: int | None = None
    ) -> Record:
        """Wait for a bot message whose plain text (or caption) contains ``substring``."""

        def contains(record: Record) -> bool:
            return substring in (record.plain or "")

        contains.__name__ = f"text containing {substring!r}"
        return await self.wait_for(chat_id, contains, timeout, since=since)

    async def wait_for_callback_answer(
        self, callback_query_id: str, timeout: float = 10.0
    ) -> CallbackAnswer:
        """Wait until the bot answered the given callback query."""
        await self.wait_until(
            lambda: callback_query_id in self.core.callback_answers,
            timeout,
            what=f"answerCallbackQuery for {callback_query_id}",
        )
        return self.core.callback_answers[callback_query_id]

    async def wait_until(
        self, condition: Callable[[], bool], timeout: float = 10.0, *, what: str = "condition"
    ) -> None:
        """Wait (event-driven) until ``condition()`` holds after some emulator change."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not condition():
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"timed out after {timeout}s waiting for {what}")
            await self.core.changes.wait(remaining)

    def _timeout_report(self, chat: ChatState, predicate: Predicate, timeout: float) -> str:
        name = getattr(predicate, "__name__", repr(predicate))
        tail = "\n".join(f"  {r.describe()}" for r in chat.records[-12:]) or "  (empty)"
        failed = [c for c in self.core.calls if c.status != 200][-5:]
        failures = "\n".join(f"  {c.method} -> {c.status} {c.params}" for c in failed)
        report = (
            f"no bot message in chat {chat.user.user_id} matched {name} within {timeout}s.\n"
            f"Transcript tail:\n{tail}"
        )
        if failures:
            report += f"\nRecent failed Bot API calls:\n{failures}"
        return report

    # ------------------------------------------------------------------ faults

    def inject_error(
        self,
        method: str,
        status: int = 502,
        count: int | None = 1,
        description: str | None = None,
        *,
        parameters: dict[str, object] | None = None,
        html_body: bool = False,
    ) -> InjectedError:
        """Make the next ``count`` calls of ``method`` ("*" = any; None = until cleared) fail.

        ``html_body=True`` answers with an nginx HTML page instead of JSON, as Telegram's
        front-ends sometimes do for 502/504.
        """
        return self.core.faults.inject_error(
            method, status, count, description, parameters, html_body
        )

    def inject_delay(
        self, method: str, seconds: float, count: int | None = 1, *, after: bool = False
    ) -> InjectedDelay:
        """Delay the next ``count`` calls of ``method`` by ``seconds`` (to trigger timeouts).

        By default the call waits before taking effect, so a client that times out and hangs up
        cancels it (nothing is sent). ``after=True`` carries the call out first and delays only
        the answer: the server accepted it, the client saw a timeout.
        """
        return self.core.faults.inject_delay(method, seconds, count, after=after)

    def clear_faults(self) -> None:
        self.core.faults.clear()

    def rate_limit(
        self,
        enabled: bool = True,
        *,
        global_rate: int | None = None,
        chat_rate: int | None = None,
        window: float | None = None,
        time_scale: float | None = None,
    ) -> None:
        """Switch flood control on/off or change its limits (messages per window seconds)."""
        self.core.limiter.configure(
            enabled=enabled,
            global_rate=global_rate,
            chat_rate=chat_rate,
            window=window,
            time_scale=time_scale,
        )
