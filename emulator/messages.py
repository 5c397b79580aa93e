"""Building ``Message`` objects and transcript records, for both directions.

Bot messages and user messages share one per-chat ``message_id`` counter, as in a real private
chat. The wire ``Message`` carries the *plain* text plus entities (that is what Telegram returns
after parsing HTML); the transcript record also keeps the raw text the bot sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import bad_request, forbidden
from .formatting import (
    EntityParseError,
    Span,
    entities_to_spans,
    parse_html,
    spans_to_entities,
    utf16_len,
)
from .objects import Markup, StoredFile
from .state import ChatState, EmulatorCore, Record

MAX_TEXT = 4096
MAX_CAPTION = 1024
PARSE_MODES = {"html": "HTML", "markdown": "Markdown", "markdownv2": "MarkdownV2"}


@dataclass
class Content:
    """Text (or caption) after parse_mode handling."""

    text: str
    plain: str
    spans: list[Span]
    parse_mode: str | None


def prepare_text(
    text: str | None,
    parse_mode: str | None,
    entities: Any,
    *,
    caption: bool = False,
) -> Content | None:
    """Parse and validate a text or caption with Telegram's limits and error messages.

    Returns None for an absent caption; an absent or blank text is "message text is empty".
    """
    mode = None
    if parse_mode:
        mode = PARSE_MODES.get(parse_mode.lower())
        if mode is None:
            raise bad_request(f"unsupported parse_mode {parse_mode}")
    if not text:
        if caption:
            return None
        raise bad_request("message text is empty")
    if mode == "HTML":
        try:
            plain, spans = parse_html(text)
        except EntityParseError as exc:
            raise bad_request(str(exc)) from exc
    else:
        plain = text
        spans = entities_to_spans(text, entities) if isinstance(entities, list) else []
    if not plain.strip():
        if caption:
            return None
        raise bad_request("message text is empty")
    limit = MAX_CAPTION if caption else MAX_TEXT
    if utf16_len(plain) > limit:
        raise bad_request("message caption is too long" if caption else "message is too long")
    return Content(text, plain, spans, mode)


def command_spans(text: str) -> list[Span]:
    """A ``bot_command`` entity when the text starts with ``/command`` (as Telegram marks it)."""
    if not text.startswith("/") or len(text) < 2:
        return []
    end = len(text.split(maxsplit=1)[0])
    return [Span("bot_command", 0, end)]


def build_message(
    core: EmulatorCore,
    chat: ChatState,
    *,
    sender: dict[str, Any],
    content: Content | None,
    kind: str = "text",
    markup: Markup | None = None,
    document: StoredFile | None = None,
    photo_sizes: list[StoredFile] | None = None,
    media_group_id: str | None = None,
    reply_to: Record | None = None,
) -> dict[str, Any]:
    """The wire ``Message`` for a new message in ``chat``."""
    message: dict[str, Any] = {
        "message_id": chat.take_message_id(),
        "from": sender,
        "chat": chat.user.chat_api(),
        "date": core.now(),
    }
    apply_content(message, content, caption=kind != "text")
    if document is not None:
        message["document"] = document.document_api()
    if photo_sizes:
        message["photo"] = [p.photo_size_api() for p in photo_sizes]
    if media_group_id:
        message["media_group_id"] = media_group_id
    if reply_to is not None:
        message["reply_to_message"] = {
            k: v for k, v in reply_to.message.items() if k != "reply_to_message"
        }
    if markup is not None and markup.inline_api():
        message["reply_markup"] = markup.inline_api()
    return message


def apply_content(message: dict[str, Any], content: Content | None, *, caption: bool) -> None:
    """Set (or clear) text/caption and their entities on a wire message."""
    text_key, entities_key = ("caption", "caption_entities") if caption else ("text", "entities")
    message.pop(text_key, None)
    message.pop(entities_key, None)
    if content is None:
        return
    message[text_key] = content.plain
    if content.spans:
        message[entities_key] = spans_to_entities(content.plain, content.spans)


def new_record(
    direction: str,
    message: dict[str, Any],
    *,
    kind: str,
    content: Content | None,
    markup: Markup | None = None,
    document: StoredFile | None = None,
    photo: StoredFile | None = None,
) -> Record:
    """A transcript record mirroring ``message`` (index/seq are set by ``add_record``)."""
    record = Record(
        index=0,
        direction=direction,
        message_id=message["message_id"],
        date=message["date"],
        kind=kind,
        text=content.text if content else None,
        plain=content.plain if content else None,
        spans=list(content.spans) if content else [],
        parse_mode=content.parse_mode if content else None,
        message=message,
        media_group_id=message.get("media_group_id"),
        reply_to_message_id=(message.get("reply_to_message") or {}).get("message_id"),
    )
    set_markup(record, markup)
    if document is not None:
        record.document = {
            "file_id": document.file_id,
            "file_name": document.file_name,
            "mime_type": document.mime_type,
            "file_size": document.file_size,
        }
    if photo is not None:
        record.photo = {
            "file_id": photo.file_id,
            "width": photo.width,
            "height": photo.height,
            "file_size": photo.file_size,
        }
    return record


def set_markup(record: Record, markup: Markup | None) -> None:
    """Reflect a reply_markup on the record (inline buttons or reply keyboard snapshot)."""
    record.buttons = markup.rows if markup is not None and markup.kind == "inline" else []
    if markup is not None and markup.kind == "reply":
        record.reply_keyboard = [[b["text"] for b in row] for row in markup.rows]
    record.remove_keyboard = markup is not None and markup.kind == "remove"


def target_chat(core: EmulatorCore, chat_id: int | str) -> ChatState:
    """The chat a bot call addresses, enforcing Telegram's private-chat rules.

    Unknown ids are "chat not found"; a known user who never wrote to the bot cannot be messaged
    first (403), nor can one who blocked the bot (403).
    """
    if isinstance(chat_id, str) or chat_id not in core.users:
        raise bad_request("chat not found")
    chat = core.chat(chat_id)
    if not chat.started:
        raise forbidden("bot can't initiate conversation with a user")
    if chat.blocked:
        raise forbidden("bot was blocked by the user")
    return chat
