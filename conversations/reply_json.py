"""The outbox's one codec: a :class:`~conversations.replies.Reply` to the JSON stored in an outbox
row, and back (for the dispatcher that sends it).

Every writer of the outbox (engine notices, broadcasts, reminders, review and access notices,
publication) encodes through :func:`encode`, and the dispatcher decodes through :func:`decode`, so
a field added to ``Reply`` is carried by adding it here once. Payloads written by older releases
(plain dicts with the same keys) decode the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from conversations.replies import Button, OutgoingFile, Reply

JsonObject = dict[str, Any]


def encode(reply: Reply, *, todo: Sequence[str] = ()) -> JsonObject:
    """The row payload of ``reply``. ``todo``: the reminder steps a to-do message lists (read back
    by the planner so the next list says only what is new); not part of the message itself.

    Only what a queued message can carry is kept: editing an earlier message (``edit``,
    ``edit_message_id``, ``tag``) needs an update to answer and is refused."""
    if reply.edit or reply.edit_message_id is not None or reply.tag is not None:
        raise ValueError("an outbox message cannot edit an earlier one or be tagged")
    out: JsonObject = {
        "text": reply.text,
        "buttons": [[_button(b) for b in row] for row in reply.buttons],
    }
    if reply.keyboard is not None:
        out["keyboard"] = [list(row) for row in reply.keyboard]
    if reply.remove_keyboard:
        out["remove_keyboard"] = True
    if reply.commands is not None:
        out["commands"] = [list(pair) for pair in reply.commands]
    if reply.document is not None:
        out["document"] = _file(reply.document)
    if reply.photo is not None:
        out["photo"] = _file(reply.photo)
    if todo:
        out["todo"] = list(todo)
    return out


def decode(payload: Mapping[str, Any]) -> Reply:
    """The message a row payload describes (lenient: every key is optional)."""
    rows = tuple(
        tuple(Button(b["text"], b.get("data"), b.get("url")) for b in row)
        for row in payload.get("buttons") or []
    )
    keyboard = payload.get("keyboard")
    commands = payload.get("commands")
    return Reply(
        payload.get("text", ""),
        buttons=rows,
        keyboard=tuple(tuple(str(t) for t in row) for row in keyboard) if keyboard else None,
        remove_keyboard=bool(payload.get("remove_keyboard", False)),
        document=_outgoing(payload.get("document")),
        photo=_outgoing(payload.get("photo")),
        commands=(
            tuple((str(c), str(d)) for c, d in commands) if isinstance(commands, list) else None
        ),
    )


def todo_of(payload: Mapping[str, Any]) -> tuple[str, ...]:
    """The reminder steps a stored to-do message listed (see :func:`encode`)."""
    return tuple(str(x) for x in payload.get("todo") or ())


def _button(b: Button) -> JsonObject:
    out: JsonObject = {"text": b.text, "data": b.data}
    if b.url is not None:
        out["url"] = b.url
    return out


def _file(f: OutgoingFile) -> JsonObject:
    return {"path": f.path, "name": f.name, "mime_type": f.mime_type}


def _outgoing(raw: object) -> OutgoingFile | None:
    return OutgoingFile(**raw) if isinstance(raw, dict) else None
