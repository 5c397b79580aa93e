"""Transport-neutral events in and replies out.

The conversation core speaks only these types, so aiogram and python-telegram-bot are two thin
translations of the same behaviour and the core can be tested without either.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from conversations.markup import Html

EventKind = Literal["text", "command", "callback", "document", "photo"]
MAX_CALLBACK_BYTES = 64
MAX_TEXT = 4096


@dataclass(frozen=True)
class Sender:
    """Who sent an update (a Telegram user in a private chat)."""

    user_id: int
    chat_id: int
    first_name: str = ""
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p) or str(self.user_id)


@dataclass(frozen=True)
class IncomingFile:
    file_id: str
    file_unique_id: str
    name: str | None
    mime_type: str | None
    size: int | None
    caption: str | None = None
    media_group_id: str | None = None


@dataclass(frozen=True)
class Event:
    update_id: int
    sender: Sender
    kind: EventKind
    text: str = ""
    command: str | None = None
    args: str = ""
    callback_id: str | None = None
    callback_data: str | None = None
    message_id: int | None = None
    file: IncomingFile | None = None

    @classmethod
    def typed(
        cls, update_id: int, sender: Sender, text: str, message_id: int | None = None
    ) -> Event:
        """What an officer typed: a command when ``text`` is one (``/score 5.1``), else plain
        text. One definition for every runtime, the CLI and the tests, so a command is
        recognised the same way wherever the text comes from."""
        cmd = cls.parse_command(text)
        if cmd is None:
            return cls(update_id, sender, "text", text=text, message_id=message_id)
        return cls(
            update_id,
            sender,
            "command",
            text=text,
            command=cmd[0],
            args=cmd[1],
            message_id=message_id,
        )

    @staticmethod
    def parse_command(text: str) -> tuple[str, str] | None:
        """'/start abc' → ('start', 'abc'); '/score@parbot_bot' → ('score', '')."""
        if not text.startswith("/") or len(text) < 2:
            return None
        head, _, rest = text[1:].partition(" ")
        name = head.split("@", 1)[0].lower()
        if not name or not all(ch.isalnum() or ch == "_" for ch in name):
            return None
        return name, rest.strip()


@dataclass(frozen=True)
class Button:
    text: str
    data: str | None = None
    url: str | None = None

    def __post_init__(self) -> None:
        if isinstance(self.text, Html):  # a label shows no formatting: its plain text
            object.__setattr__(self, "text", self.text.plain)
        if self.data is not None and len(self.data.encode()) > MAX_CALLBACK_BYTES:
            raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {self.data!r}")


@dataclass(frozen=True)
class OutgoingFile:
    path: str
    name: str
    mime_type: str = "application/octet-stream"


@dataclass(frozen=True)
class Reply:
    """One message to show. ``edit`` replaces the message a pressed button belongs to;
    ``edit_message_id`` replaces that earlier message instead (a live card refreshed after a
    typed answer). ``tag`` asks the runtime to report the delivered message's id back to the core
    (:meth:`ChatEngine.delivered`), which is how the core learns where a new card went."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    keyboard: tuple[tuple[str, ...], ...] | None = None
    remove_keyboard: bool = False
    edit: bool = False
    document: OutgoingFile | None = None
    photo: OutgoingFile | None = None
    # the person's own command menu ("/" button), set before the message when not None: it
    # follows their roles (a revoked officer no longer sees /submit)
    commands: tuple[tuple[str, str], ...] | None = None
    edit_message_id: int | None = None
    tag: str | None = None
    # an edit that is pointless as a new message (refreshing a card further up): if the message
    # cannot be edited any more, nothing is sent instead
    edit_only: bool = False


@dataclass
class Outcome:
    """What handling one event produced: replies to the sender, a toast for a button press."""

    replies: list[Reply] = field(default_factory=list)
    toast: str | None = None
    toast_alert: bool = False

    def say(self, reply: Reply) -> Outcome:
        self.replies.append(reply)
        return self
