"""The typed conversation state (issue 13): one codec reads every state already stored (same keys,
same string modes), drops what it does not know, and a corrupt stored state never breaks an
update (the core's tests on a real migrated database, SQLite and PostgreSQL)."""

from __future__ import annotations

from dataclasses import MISSING, fields
from datetime import date
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from conversations.engine import BROKEN
from conversations.flow_state import (
    _CODEC,
    Album,
    FlowState,
    Mode,
    ModeFamily,
    NoticeDoc,
    NoticeDraft,
    PendingAnswer,
    RevocationDraft,
    WaitingFiles,
)
from conversations.i18n import t
from tests.conversations.harness import officer

# the shapes the untyped flows wrote, key for key (a stored "mode": null included)
STORED: dict[str, Any] = {
    "mode": "ev_pick",
    "item": "1.2.3",
    "unit_id": 7,
    "rev": 2,
    "num": "12",
    "pending": {"code": "1.2.3", "value": {"choice": "yes"}},
    "cards": {"1.2.3": 501, "1.2.4": 502},
    "lang_chosen": True,
    "mv_invite": 9,
    "ev_pending": {
        "unit": 7,
        "files": [{"sha256": "ab", "name": "a.pdf", "kind": "pdf", "pages": 3}],
        "scope": "1",
        "proposed": "1.2.3",
        "back": "walk",
    },
    "ev_album": {
        "id": "g1",
        "unit": 7,
        "item": None,
        "scope": "1",
        "proposed": None,
        "note": None,
        "key": "ev-album:3:g1",
        "blocks": ["<b>a.pdf</b>"],
        "ok": 1,
        "bad": 0,
    },
    "ev_sec": 11,
    "ev_back": "need",
    "rv_unit": 7,
    "rv_item": 40,
    "rv_points": "1.500",
    "rv_due": "2024-03-01",
    "bc": {"text": "Thông báo", "doc": {"path": "/d/x.pdf", "name": "x.pdf", "mime_type": "a/b"}},
    "acc": {"grant": 5, "reason": "Nghỉ việc"},
    "pub": {"year": 2024},
    "_limits": {"export": "2024-03-01T08:00:00+00:00"},
}


def test_every_stored_key_reads_into_its_typed_field_and_writes_back_the_same_json() -> None:
    state = FlowState.from_json(STORED)
    assert state.mode is Mode.EV_PICK and state.mode.family == ModeFamily.EV
    assert state.num == Decimal(12) and state.rv_points == Decimal("1.500")
    assert state.rv_due == date(2024, 3, 1) and state.pub_year == 2024
    assert state.pending == PendingAnswer("1.2.3", {"choice": "yes"})
    assert state.ev_pending == WaitingFiles(
        7, [{"sha256": "ab", "name": "a.pdf", "kind": "pdf", "pages": 3}], "1", "1.2.3", Mode.WALK
    )
    assert state.ev_album == Album(
        "g1", 7, "ev-album:3:g1", None, "1", blocks=["<b>a.pdf</b>"], ok=1
    )
    assert state.bc == NoticeDraft("Thông báo", NoticeDoc("/d/x.pdf", "x.pdf", "a/b"))
    assert state.acc == RevocationDraft(5, "Nghỉ việc")
    assert state.cards == {"1.2.3": 501, "1.2.4": 502} and state.lang_chosen
    assert state.to_json() == STORED  # the same keys and strings: nothing to migrate


def test_unset_fields_leave_no_key_and_an_empty_draft_stays() -> None:
    old = {"mode": None, "item": "1.1", "cards": {}, "bc": {}, "rv_due": None}
    state = FlowState.from_json(old)
    assert state == FlowState(item="1.1", bc=NoticeDraft())
    assert state.to_json() == {"item": "1.1", "bc": {}}
    assert FlowState().to_json() == {}


def test_unknown_keys_and_modes_and_values_of_the_wrong_type_are_dropped() -> None:
    stored = {
        "step": "menu",  # a key no flow uses
        "mode": "acc_x",  # a mode that does not exist
        "item": 5,
        "unit_id": "7",
        "rev": True,
        "num": "NaN",
        "pending": {"code": "1.1"},
        "cards": {"1.1": "x", "1.2": 4},
        "lang_chosen": "yes",
        "ev_pending": {"files": []},
        "ev_album": [],
        "rv_points": "abc",
        "rv_due": "2024-02-30",
        "bc": "text",
        "acc": {"grant": "5"},
        "pub": {"year": "2024"},
        "_limits": {"export": 5},
    }
    state = FlowState.from_json(stored)
    assert state == FlowState(cards={"1.2": 4})
    assert FlowState.from_json(None) == FlowState.from_json([1, 2]) == FlowState()


def test_a_stored_key_left_out_reads_as_its_field_default() -> None:
    """from_json reads only the keys stored: that is the same as reading each left-out key
    as None only while every reader gives the field's default for None."""
    defaults = {
        f.name: f.default if f.default is not MISSING else f.default_factory()  # type: ignore[misc]
        for f in fields(FlowState)
    }
    for key, attr, read, _write in _CODEC:
        got = read(None)
        assert got == defaults[attr] and type(got) is type(defaults[attr]), key
    assert FlowState.from_json({key: None for key, *_ in _CODEC}) == FlowState()


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=20,
)
KEYS = st.sampled_from([*STORED, "step"])
# stored states: the real keys, each holding anything JSON can hold (or its real value)
STATES = st.dictionaries(KEYS, JSON | st.sampled_from(list(STORED.values())), max_size=12)


@settings(max_examples=300, deadline=None)
@given(STATES)
def test_any_stored_json_reads_without_error_and_reads_back_the_same(raw: dict[str, Any]) -> None:
    state = FlowState.from_json(raw)
    assert FlowState.from_json(state.to_json()) == state


@settings(max_examples=300, deadline=None)
@given(STATES)
def test_the_json_written_is_every_set_field_written_by_its_codec(raw: dict[str, Any]) -> None:
    """to_json skips the unset fields without calling their writers: the same JSON as
    writing every field and leaving out what comes back None or False."""
    state = FlowState.from_json(raw)
    every = {key: write(getattr(state, attr)) for key, attr, _read, write in _CODEC}
    assert state.to_json() == {k: v for k, v in every.items() if v is not None and v is not False}
    assert list(state.to_json()) == [
        k for k, v in every.items() if v is not None and v is not False
    ]


def test_leaving_the_flows_keeps_language_cards_and_limits() -> None:
    state = FlowState.from_json(STORED)
    state.leave_flows()
    kept = ["rev", "pending", "cards", "lang_chosen", "mv_invite", "ev_back", "rv_points"]
    assert state.to_json() == {key: STORED[key] for key in [*kept, "pub", "_limits"]}


async def test_a_corrupt_stored_state_never_breaks_an_update(db, clock, person) -> None:
    lan = await officer(db, clock, person)
    async with db.uow() as uow:
        me = await uow.people.get_by_telegram_id(lan.user_id)
        await uow.conversations.save(
            me,
            {
                "mode": "den",
                "num": {"x": 1},
                "item": ["1.1"],
                "unit_id": "X01",
                "cards": [1, 2],
                "ev_pending": {"unit": None, "files": "all"},
                "ev_album": {"id": 3},
                "bc": {"doc": "x"},
                "pub": 2024,
                "_limits": "now",
            },
        )
    out = await lan.text("42")
    broken = t("vi", BROKEN)
    assert out.replies and all(r.text != broken for r in out.replies), out
    out = await lan.text("/score")
    assert "1.1" in out.replies[-1].text, out.replies[-1].text
    async with db.uow() as uow:
        stored, _version = await uow.conversations.load(me)
    assert stored["mode"] == "walk" and "_limits" not in stored
    assert stored["bc"] == {}  # the draft stays, without the broken document
