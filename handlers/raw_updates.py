"""Bot API update JSON → core events, for the webhook entry point (no framework in between).

Webhook workers acknowledge an update only after the core has stored its effects, which the
frameworks' fire-and-forget webhook helpers cannot promise; parsing the few fields the core
needs is simpler than adapting them.
"""

from __future__ import annotations

from typing import Any

from conversations.replies import Event, IncomingFile, Sender


def _sender(user: dict[str, Any], chat_id: int) -> Sender:
    return Sender(
        user_id=int(user["id"]),
        chat_id=chat_id,
        first_name=str(user.get("first_name") or ""),
        last_name=user.get("last_name"),
        username=user.get("username"),
        language_code=user.get("language_code"),
    )


def event_from_update(update: dict[str, Any]) -> Event | None:
    """The core event for an update, or None for updates parbot ignores (groups, edits…)."""
    update_id = int(update["update_id"])
    if "callback_query" in update:
        q = update["callback_query"]
        msg = q.get("message") or {}
        chat_id = int((msg.get("chat") or {}).get("id") or q["from"]["id"])
        return Event(
            update_id,
            _sender(q["from"], chat_id),
            "callback",
            callback_id=str(q["id"]),
            callback_data=str(q.get("data") or ""),
            message_id=msg.get("message_id"),
        )
    m = update.get("message")
    if not m or "from" not in m or (m.get("chat") or {}).get("type") != "private":
        return None
    who = _sender(m["from"], int(m["chat"]["id"]))
    caption = m.get("caption")
    if "document" in m:
        d = m["document"]
        f = IncomingFile(
            d["file_id"],
            d["file_unique_id"],
            d.get("file_name"),
            d.get("mime_type"),
            d.get("file_size"),
            caption,
            m.get("media_group_id"),
        )
        return Event(
            update_id, who, "document", text=caption or "", message_id=m["message_id"], file=f
        )
    if m.get("photo"):
        p = m["photo"][-1]
        f = IncomingFile(
            p["file_id"],
            p["file_unique_id"],
            None,
            "image/jpeg",
            p.get("file_size"),
            caption,
            m.get("media_group_id"),
        )
        return Event(
            update_id, who, "photo", text=caption or "", message_id=m["message_id"], file=f
        )
    text = m.get("text") or caption or ""
    cmd = Event.parse_command(text)
    if cmd is not None:
        return Event(
            update_id,
            who,
            "command",
            text=text,
            command=cmd[0],
            args=cmd[1],
            message_id=m["message_id"],
        )
    return Event(update_id, who, "text", text=text, message_id=m["message_id"])
