"""Bot API updates → core events: the builders every entry point shares, and the translator of
raw update JSON for the webhook entry point (no framework in between).

Webhook workers acknowledge an update only after the core has stored its effects, which the
frameworks' fire-and-forget webhook helpers cannot promise; parsing the few fields the core
needs is simpler than adapting them. The polling runtimes read the same few fields from the
typed update their framework already parsed (handlers/ptb_updates.py, aiogram_updates.py) and
hand them to the same builders, so the three paths cannot drift apart.
"""

from __future__ import annotations

from typing import Any

from conversations.replies import Event, EventKind, IncomingFile, Sender


def callback_event(
    update_id: int, who: Sender, callback_id: str, data: str | None, message_id: int | None
) -> Event:
    """A button press."""
    return Event(
        update_id,
        who,
        "callback",
        callback_id=callback_id,
        callback_data=data or "",
        message_id=message_id,
    )


def message_event(
    update_id: int,
    who: Sender,
    message_id: int,
    text: str | None,
    caption: str | None,
    file: IncomingFile | None = None,
    photo: bool = False,
) -> Event:
    """A private message: a document, a photo, a command or plain text."""
    if file is not None:
        kind: EventKind = "photo" if photo else "document"
        return Event(update_id, who, kind, text=caption or "", message_id=message_id, file=file)
    return Event.typed(update_id, who, text or caption or "", message_id)


def _sender(user: dict[str, Any], chat_id: int) -> Sender:
    return Sender(
        user_id=int(user["id"]),
        chat_id=chat_id,
        first_name=str(user.get("first_name") or ""),
        last_name=user.get("last_name"),
        username=user.get("username"),
        language_code=user.get("language_code"),
    )


def _file(m: dict[str, Any]) -> tuple[IncomingFile | None, bool]:
    """The message's document, else its largest photo size (and whether it is a photo)."""
    caption, group = m.get("caption"), m.get("media_group_id")
    if "document" in m:
        d = m["document"]
        name, mime = d.get("file_name"), d.get("mime_type")
        return IncomingFile(
            d["file_id"], d["file_unique_id"], name, mime, d.get("file_size"), caption, group
        ), False
    if m.get("photo"):
        p = m["photo"][-1]
        return IncomingFile(
            p["file_id"],
            p["file_unique_id"],
            None,
            "image/jpeg",
            p.get("file_size"),
            caption,
            group,
        ), True
    return None, False


def event_from_update(update: dict[str, Any]) -> Event | None:
    """The core event for an update, or None for updates parbot ignores (groups, edits…)."""
    update_id = int(update["update_id"])
    if "callback_query" in update:
        q = update["callback_query"]
        msg = q.get("message") or {}
        chat_id = int((msg.get("chat") or {}).get("id") or q["from"]["id"])
        who = _sender(q["from"], chat_id)
        return callback_event(update_id, who, str(q["id"]), q.get("data"), msg.get("message_id"))
    m = update.get("message")
    if not m or "from" not in m or (m.get("chat") or {}).get("type") != "private":
        return None
    who = _sender(m["from"], int(m["chat"]["id"]))
    file, photo = _file(m)
    return message_event(
        update_id, who, m["message_id"], m.get("text"), m.get("caption"), file, photo
    )
