"""The polling runtimes read the typed update as it arrives (handlers.typed_updates); the webhook
reads raw JSON (handlers.raw_updates). One corpus of real Bot API updates goes through all three
paths — raw JSON, python-telegram-bot's ``Update.de_json`` and aiogram's ``Update.model_validate``
— and every path must give the same core event (or the same "ignore")."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram.types import Update as AiogramUpdate
from telegram import Update as PtbUpdate

from handlers.raw_updates import event_from_update
from handlers.typed_updates import event_from_typed

USER = {"id": 4242, "is_bot": False, "first_name": "Lan", "last_name": "Nguyễn",
        "username": "lan_xa", "language_code": "vi"}  # fmt: skip
BARE_USER = {"id": 77, "is_bot": False, "first_name": "Tư"}
PRIVATE = {"id": 4242, "type": "private", "first_name": "Lan"}
GROUP = {"id": -100123, "type": "supergroup", "title": "CCHC"}


def message(update_id: int, **fields: Any) -> dict[str, Any]:
    msg = {"message_id": 10 + update_id, "date": 1733500000, "chat": PRIVATE, "from": USER}
    msg.update(fields)
    return {"update_id": update_id, "message": msg}


CORPUS: list[dict[str, Any]] = [
    message(1, text="45"),
    message(2, text="/start ABC-123"),
    message(3, text="/score@parbot_bot 5.1"),
    message(4, text="Đi 1.2.3 — <b>không</b> phải thẻ"),
    message(
        5,
        caption="4.1 Quyết định",
        document={
            "file_id": "F1",
            "file_unique_id": "U1",
            "file_name": "qd.pdf",
            "mime_type": "application/pdf",
            "file_size": 12345,
        },
        media_group_id="G7",
    ),
    message(6, document={"file_id": "F2", "file_unique_id": "U2"}),
    message(
        7,
        caption="ảnh",
        photo=[
            {"file_id": "P0", "file_unique_id": "Q0", "width": 90, "height": 90},
            {
                "file_id": "P1",
                "file_unique_id": "Q1",
                "width": 900,
                "height": 900,
                "file_size": 5000,
            },
        ],
    ),
    message(8, text="hi", chat=GROUP),  # a group: ignored
    message(
        9,
        sticker={
            "file_id": "S",
            "file_unique_id": "S1",
            "width": 1,
            "height": 1,
            "is_animated": False,
            "is_video": False,
            "type": "regular",
        },
    ),
    message(10, text="ẩn danh", **{"from": BARE_USER}),
    {
        "update_id": 11,
        "callback_query": {
            "id": "cb1",
            "from": USER,
            "chat_instance": "ci",
            "data": "a:1:2:3:4",
            "message": {"message_id": 99, "date": 1733500000, "chat": PRIVATE, "text": "card"},
        },
    },
    {
        "update_id": 12,
        "callback_query": {
            "id": "cb2",
            "from": BARE_USER,
            "chat_instance": "ci",
            "inline_message_id": "im1",
            "data": "ok",
        },
    },  # no message: the press is answered in the user's own chat
    {"update_id": 13, "edited_message": message(13, text="sửa")["message"]},  # ignored
]


@pytest.mark.parametrize("raw", CORPUS, ids=lambda u: str(u["update_id"]))
def test_every_path_reads_the_same_event(raw: dict[str, Any]) -> None:
    expected = event_from_update(raw)
    assert event_from_typed(PtbUpdate.de_json(raw, None)) == expected
    assert event_from_typed(AiogramUpdate.model_validate(raw)) == expected


def test_the_corpus_covers_every_event_kind_and_the_ignored_updates() -> None:
    events = [event_from_update(u) for u in CORPUS]
    kinds = {e.kind for e in events if e is not None}
    assert kinds == {"text", "command", "callback", "document", "photo"}
    assert sum(e is None for e in events) == 2  # the group message and the edit
    photo = next(e for e in events if e is not None and e.kind == "photo")
    assert photo.file is not None and photo.file.file_id == "P1"  # the largest size
    cmd = next(e for e in events if e is not None and e.command == "score")
    assert cmd.args == "5.1"
