"""The typed update a polling runtime already parsed → a core event, read as it arrives.

python-telegram-bot's ``telegram.Update`` and aiogram's ``aiogram.types.Update`` name the few
fields the core needs alike (``update_id``, ``callback_query.from_user``, ``message.chat.type``,
``document.file_unique_id``…), so one reader serves both. Reading the attributes replaces
serialising the whole update back to JSON (ptb ``to_dict()``, aiogram ``model_dump()``) only to
pick those fields out again (issue 19: "the typed update from the runtime is used as it
arrives"). The events are built by the same builders as the webhook's raw JSON path
(:mod:`handlers.raw_updates`); a test feeds one corpus through all three and compares.
"""

from __future__ import annotations

from typing import Any

from conversations.replies import Event, IncomingFile, Sender
from handlers.raw_updates import callback_event, message_event


def _sender(user: Any, chat_id: int) -> Sender:
    return Sender(
        user_id=int(user.id),
        chat_id=chat_id,
        first_name=str(user.first_name or ""),
        last_name=user.last_name,
        username=user.username,
        language_code=user.language_code,
    )


def _file(m: Any) -> tuple[IncomingFile | None, bool]:
    caption, group = m.caption, m.media_group_id
    d = m.document
    if d is not None:
        return IncomingFile(
            d.file_id, d.file_unique_id, d.file_name, d.mime_type, d.file_size, caption, group
        ), False
    if m.photo:
        p = m.photo[-1]
        return IncomingFile(
            p.file_id, p.file_unique_id, None, "image/jpeg", p.file_size, caption, group
        ), True
    return None, False


def event_from_typed(update: Any) -> Event | None:
    """The core event for a ptb or aiogram ``Update``, or None for updates parbot ignores
    (groups, edits, channel posts…)."""
    q = update.callback_query
    if q is not None:
        msg = q.message
        chat_id = int(msg.chat.id) if msg is not None else int(q.from_user.id)
        who = _sender(q.from_user, chat_id)
        message_id = msg.message_id if msg is not None else None
        return callback_event(update.update_id, who, str(q.id), q.data, message_id)
    m = update.message
    if m is None or m.from_user is None or m.chat.type != "private":
        return None
    who = _sender(m.from_user, int(m.chat.id))
    file, photo = _file(m)
    return message_event(update.update_id, who, m.message_id, m.text, m.caption, file, photo)
