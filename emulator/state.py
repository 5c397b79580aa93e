"""The emulator's world: users, private chats and their transcripts, files, the update queue.

All of it lives in one asyncio event loop (the same one the bot under test runs in), so there
are no locks; waiting is event-driven through :class:`Notifier`, which wakes long polls,
``wait_for`` and the web page's long-poll the moment something changes instead of sleeping.

Every change to a chat (new message, edit, delete, callback answer) bumps a global sequence
number ``seq``; records remember the ``seq`` of their last change. That single cursor is what
lets tests wait for "anything the bot did after my last action" (including edits of older
messages) and lets the web page fetch only what changed.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import Counter, deque
from dataclasses import asdict, dataclass, field, fields
from typing import Any, NamedTuple

from .faults import FaultInjector, RateLimiter
from .formatting import Span, render_safe_html
from .objects import EmuUser, FileStore, Markup, bot_user_api

DEFAULT_ALLOWED_UPDATES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
    }
)


class Notifier:
    """A broadcast "something changed" signal: waiters sleep until the next :meth:`notify`."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds; True if notified."""
        event = self._event
        if timeout <= 0:
            return False
        try:
            await asyncio.wait_for(event.wait(), timeout)
        except TimeoutError:
            return False
        return True


class UpdateQueue:
    """Pending updates with Telegram's ``offset`` confirmation semantics."""

    def __init__(self) -> None:
        self.pending: list[dict[str, Any]] = []
        self.allowed: frozenset[str] = DEFAULT_ALLOWED_UPDATES
        self.notifier = Notifier()
        self._ids = itertools.count(1)
        self.poll_generation = 0

    def push(self, kind: str, payload: dict[str, Any]) -> dict[str, Any] | None:
        """Queue an update unless ``allowed_updates`` filters its type out (then it's lost)."""
        if kind not in self.allowed:
            return None
        update = {"update_id": next(self._ids), kind: payload}
        self.pending.append(update)
        self.notifier.notify()
        return update

    def set_allowed(self, allowed: list[str] | None) -> None:
        """None keeps the previous setting; an empty list restores the default set."""
        if allowed is None:
            return
        self.allowed = frozenset(allowed) if allowed else DEFAULT_ALLOWED_UPDATES

    def confirm(self, offset: int) -> int:
        """Forget updates older than ``offset`` (negative: keep only the last ``-offset``)."""
        before = len(self.pending)
        if offset > 0:
            self.pending = [u for u in self.pending if u["update_id"] >= offset]
        elif offset < 0:
            self.pending = self.pending[offset:]
        return before - len(self.pending)

    def drop_all(self) -> None:
        self.pending.clear()

    def remove(self, update_id: int) -> None:
        self.pending = [u for u in self.pending if u["update_id"] != update_id]


_NOT_JSON = frozenset({"spans", "message"})  # internal / bulky: tests read them on Record


@dataclass
class Record:
    """One message of a chat transcript as a test (or the web page) sees it.

    ``text``/``plain`` hold the message text or, for media, the caption: ``text`` is what was
    sent (raw HTML when ``parse_mode`` was HTML), ``plain`` the rendition a user reads.
    ``buttons`` are inline-keyboard rows of button dicts (``text`` + ``callback_data``/``url``/...),
    ``reply_keyboard`` rows of button texts. Edits update the record in place (``edited``);
    deletions only flag it (``deleted``), so indices stay stable.
    """

    index: int
    direction: str  # "user" | "bot"
    message_id: int
    date: int
    kind: str  # "text" | "document" | "photo"
    text: str | None
    plain: str | None
    spans: list[Span]
    parse_mode: str | None
    message: dict[str, Any]
    buttons: list[list[dict[str, Any]]] = field(default_factory=list)
    reply_keyboard: list[list[str]] | None = None
    remove_keyboard: bool = False
    document: dict[str, Any] | None = None
    photo: dict[str, Any] | None = None
    media_group_id: str | None = None
    reply_to_message_id: int | None = None
    edited: bool = False
    deleted: bool = False
    seq: int = 0

    @property
    def button_texts(self) -> list[str]:
        return [b["text"] for row in self.buttons for b in row]

    def find_button(self, *, text: str | None, data: str | None) -> dict[str, Any] | None:
        for row in self.buttons:
            for button in row:
                if text is not None and button.get("text") == text:
                    return button
                if data is not None and button.get("callback_data") == data:
                    return button
        return None

    def as_dict(self) -> dict[str, Any]:
        """JSON form for the HTTP user API; ``html`` is escaped, safe to inject in a page.

        The wire ``message`` is left out (tests have it on the Record); media get a ``url``.
        """
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in _NOT_JSON}
        data["html"] = render_safe_html(self.plain or "", self.spans)
        for media in ("document", "photo"):
            if data[media] is not None:
                data[media] = {**data[media], "url": f"/_emu/files/{data[media]['file_id']}"}
        return data

    def describe(self) -> str:
        """One line for assertion messages."""
        flags = "".join(
            f" ({flag})" for flag, on in (("edited", self.edited), ("deleted", self.deleted)) if on
        )
        media = ""
        if self.document:
            media = f" [document {self.document.get('file_name')}]"
        elif self.photo:
            media = " [photo]"
        buttons = f" buttons={[[b['text'] for b in row] for row in self.buttons]}"
        keyboard = f" keyboard={self.reply_keyboard}" if self.reply_keyboard else ""
        return (
            f"#{self.index} {self.direction} m{self.message_id}{media}: {self.plain!r}"
            f"{buttons if self.buttons else ''}{keyboard}{flags}"
        )


@dataclass
class ChatState:
    """A private chat between the bot and one user."""

    user: EmuUser
    started: bool = False
    blocked: bool = False
    next_message_id: int = 1
    records: list[Record] = field(default_factory=list)
    by_message_id: dict[int, Record] = field(default_factory=dict)
    last_user_seq: int = 0
    reply_keyboard: Markup | None = None
    chat_action: tuple[str, float] | None = None
    seq: int = 0  # last change of anything in this chat (messages, answers, actions)

    def take_message_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id

    def current_keyboard(self) -> list[list[str]] | None:
        if self.reply_keyboard is None:
            return None
        return [[b["text"] for b in row] for row in self.reply_keyboard.rows]


class ApiCall(NamedTuple):
    """One Bot API request as the emulator answered it."""

    method: str
    params: dict[str, Any]
    status: int


@dataclass
class CallbackAnswer:
    """What the bot passed to answerCallbackQuery for one press."""

    callback_query_id: str
    chat_id: int
    text: str | None
    show_alert: bool
    url: str | None
    cache_time: int | None
    seq: int = 0


@dataclass
class PendingCallback:
    chat_id: int
    message_id: int
    created: float
    answered: bool = False


@dataclass
class WebhookConfig:
    url: str = ""
    secret_token: str | None = None
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass
class EmuStats:
    """Counters for assertions and benchmarks (``emu.stats``)."""

    requests: int = 0
    messages_delivered: int = 0
    user_messages: int = 0
    callback_queries: int = 0
    edits: int = 0
    deletions: int = 0
    rate_limited: int = 0
    injected_errors: int = 0
    injected_delays: int = 0
    updates_created: int = 0
    updates_confirmed: int = 0
    webhook_deliveries: int = 0
    webhook_failures: int = 0
    by_method: Counter[str] = field(default_factory=Counter)
    by_status: Counter[int] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["by_method"] = dict(self.by_method)
        data["by_status"] = {str(k): v for k, v in self.by_status.items()}
        return data


class EmulatorCore:
    """Shared mutable state; the Bot API handlers and the user-side API both operate on it."""

    CALL_LOG_SIZE = 20_000

    def __init__(
        self,
        token: str,
        username: str,
        first_name: str,
        limiter: RateLimiter,
    ) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_user = bot_user_api(self.bot_id, first_name, username)
        self.users: dict[int, EmuUser] = {}
        self.chats: dict[int, ChatState] = {}
        self.files = FileStore()
        self.updates = UpdateQueue()
        self.limiter = limiter
        self.faults = FaultInjector()
        self.stats = EmuStats()
        self.calls: deque[ApiCall] = deque(maxlen=self.CALL_LOG_SIZE)
        self.callback_answers: dict[str, CallbackAnswer] = {}
        self.pending_callbacks: dict[str, PendingCallback] = {}
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.menu_buttons: dict[int | None, dict[str, Any]] = {}
        self.bot_texts: dict[tuple[str, str], str] = {}
        self.webhook = WebhookConfig()
        self.personas: list[dict[str, Any]] = []
        self.changes = Notifier()
        self.seq = 0
        self.closing = False
        self._callback_ids = itertools.count(1)

    # ------------------------------------------------------------------ users and chats

    def ensure_user(self, user_id: int) -> EmuUser:
        user = self.users.get(user_id)
        if user is None:
            user = EmuUser(user_id, first_name=f"User {user_id}")
            self.users[user_id] = user
        return user

    def chat(self, user_id: int) -> ChatState:
        """The chat with ``user_id`` (created, not started, if new)."""
        chat = self.chats.get(user_id)
        if chat is None:
            chat = ChatState(self.ensure_user(user_id))
            self.chats[user_id] = chat
        return chat

    # ------------------------------------------------------------------ change tracking

    def bump(self) -> int:
        self.seq += 1
        return self.seq

    def mark_chat(self, chat_id: int) -> int:
        """Record a change in a chat: new global seq, remembered by the chat; wakes waiters."""
        seq = self.bump()
        chat = self.chats.get(chat_id)
        if chat is not None:
            chat.seq = seq
        self.changes.notify()
        return seq

    def touch(self, record: Record) -> None:
        record.seq = self.mark_chat(int(record.message["chat"]["id"]))

    def new_callback_id(self) -> str:
        return f"{self.bot_id}{next(self._callback_ids):010d}"

    def push_update(self, kind: str, payload: dict[str, Any]) -> dict[str, Any] | None:
        update = self.updates.push(kind, payload)
        if update is not None:
            self.stats.updates_created += 1
        return update

    def add_record(self, chat: ChatState, record: Record) -> Record:
        record.index = len(chat.records)
        chat.records.append(record)
        chat.by_message_id[record.message_id] = record
        self.touch(record)
        return record

    def now(self) -> int:
        return int(time.time())
