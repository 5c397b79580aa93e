"""The outbox's one Reply ↔ JSON codec: what a writer encodes is what the dispatcher sends."""

from __future__ import annotations

import json

import pytest

from conversations import reply_json
from conversations.replies import Button, OutgoingFile, Reply


def test_every_field_an_outbox_message_carries_survives_the_round_trip() -> None:
    reply = Reply(
        "<b>Thông báo</b>",
        buttons=((Button("✅ Đã nhận", "ack:7"), Button("Web", url="https://example.org")),),
        keyboard=(("📝 Chấm điểm", "📊 Tiến độ"),),
        remove_keyboard=True,
        document=OutgoingFile("/data/x.xlsx", "Xep-hang.xlsx", "application/vnd.ms-excel"),
        photo=OutgoingFile("/data/c.png", "c.png", "image/png"),
        commands=(("score", "Tự chấm điểm"),),
    )
    payload = json.loads(json.dumps(reply_json.encode(reply)))  # what the JSON column keeps
    assert reply_json.decode(payload) == reply


def test_a_plain_message_keeps_the_payload_shape_older_rows_have() -> None:
    payload = reply_json.encode(Reply("hi", buttons=((Button("ok", "x"),),)))
    assert payload == {"text": "hi", "buttons": [[{"text": "ok", "data": "x"}]]}
    assert reply_json.decode({"text": "hi"}) == Reply("hi")


def test_reminder_steps_ride_along_without_changing_the_message() -> None:
    payload = reply_json.encode(Reply("todo"), todo=("publish", "appraise"))
    assert reply_json.todo_of(payload) == ("publish", "appraise")
    assert reply_json.decode(payload) == Reply("todo")
    assert reply_json.todo_of({"text": "old row"}) == ()


@pytest.mark.parametrize(
    "reply", [Reply("x", edit=True), Reply("x", edit_message_id=5), Reply("x", tag="card")]
)
def test_a_queued_message_cannot_edit_an_earlier_one(reply: Reply) -> None:
    with pytest.raises(ValueError):
        reply_json.encode(reply)
