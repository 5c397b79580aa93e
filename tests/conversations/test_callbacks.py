"""Typed callback data: every codec fits Telegram's 64 bytes, reads back what it wrote, reads the
buttons already sitting in chats, and reads nothing from garbage."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conversations import callbacks as cb
from conversations.replies import MAX_CALLBACK_BYTES
from handlers.routes import build_registry

ids = st.integers(min_value=0, max_value=cb.MAX_ID)
revs = st.none() | ids
codes = st.from_regex(r"\A[0-9A-Za-z.]{1,24}\Z")

CODECS = st.one_of(
    st.builds(cb.WalkAnswer, ids, ids, ids, revs),
    st.builds(cb.WalkMark, st.sampled_from(["na", "nd"]), ids, ids, revs),
    st.builds(cb.WalkTyped, ids, ids, revs),
    st.builds(cb.WalkNav, st.sampled_from(["g", "p", "n", "x", "e"]), ids, ids),
    st.builds(cb.FieldList, ids),
    st.builds(cb.FieldOpen, ids, codes),
    st.builds(cb.Decision, st.sampled_from(["s", "w"]), st.booleans(), ids),
    st.builds(cb.ProgressPage, ids, ids),
    st.builds(cb.Language, st.from_regex(r"\A[a-z]{2}\Z")),
    st.builds(cb.UnitChart, st.sampled_from(["fields", "full", "yoy"]), ids),
    st.builds(cb.BoardChart, st.from_regex(r"\A[a-z][a-z0-9_]{0,31}\Z")),
)


@given(CODECS)
def test_unpack_reads_back_what_pack_wrote_within_64_bytes(x: cb.Codec) -> None:
    data = x.pack()
    assert len(data.encode()) <= MAX_CALLBACK_BYTES
    assert type(x).unpack(data) == x
    assert cb.unpack(data) == x  # no other family claims it


def test_the_largest_button_of_each_family_fits() -> None:
    big, code = cb.MAX_ID, "9" * cb.FieldOpen.MAX_CODE
    largest = [
        cb.WalkAnswer(big, big, big, big),
        cb.WalkMark("nd", big, big, big),
        cb.WalkTyped(big, big, big),
        cb.WalkNav("g", big, big),
        cb.FieldList(big),
        cb.FieldOpen(big, code),
        cb.Decision("w", False, big),
        cb.ProgressPage(big, big),
        cb.Language("vi"),
        cb.UnitChart("fields", big),
        cb.BoardChart("b" * 32),
    ]
    assert {type(x) for x in largest} == set(cb.CODECS)
    for x in largest:
        assert len(x.pack().encode()) <= MAX_CALLBACK_BYTES, x
    with pytest.raises(ValueError):
        cb.WalkAnswer(big + 1, 0, 0).pack()  # could not come back: refused when drawn
    with pytest.raises(ValueError):
        cb.FieldOpen(1, "2:3").pack()


@pytest.mark.parametrize(
    ("data", "typed"),
    [
        ("a:12:345:2:7", cb.WalkAnswer(12, 345, 2, 7)),
        ("a:12:345:2", cb.WalkAnswer(12, 345, 2, None)),  # drawn before card revisions
        ("na:12:345:0", cb.WalkMark("na", 12, 345, 0)),
        ("nd:12:345", cb.WalkMark("nd", 12, 345, None)),
        ("t:12:345:3", cb.WalkTyped(12, 345, 3)),
        ("g:12:345", cb.WalkNav("g", 12, 345)),
        ("e:12:345", cb.WalkNav("e", 12, 345)),
        ("fl:12", cb.FieldList(12)),
        ("f:12:2", cb.FieldOpen(12, "2")),
        ("s:ok:12", cb.Decision("s", True, 12)),
        ("w:no:12", cb.Decision("w", False, 12)),
        ("pg:12:3", cb.ProgressPage(12, 3)),
        ("l:en", cb.Language("en")),
        ("rk:fields:12", cb.UnitChart("fields", 12)),
        ("rk:full:12", cb.UnitChart("full", 12)),
        ("rk:yoy:12", cb.UnitChart("yoy", 12)),
        ("rk:board:commune", cb.BoardChart("commune")),
    ],
)
def test_buttons_already_in_chats_still_decode(data: str, typed: cb.Codec) -> None:
    assert cb.unpack(data) == typed and typed.pack() == data


@pytest.mark.parametrize(
    "data",
    ["", "a", "a:1:2", "a:1:2:3:4:5", "a:-1:2:3", "a:1:x:3", "a:1:2:٣", "na:1", "s:maybe:1",
     "pg:1", "l:", "l:v:i", "f:1:", "f:1:a b", "zz:1:2", "a:99999999999:1:1", "rk:fields",
     "rk:fields:x", "rk:chart:1", "rk:board:Commune", "rk:board:", "rk:yoy:1:2"],
)  # fmt: skip
def test_garbage_and_forgeries_decode_to_nothing(data: str) -> None:
    assert cb.unpack(data) is None


@given(st.text(max_size=70))
def test_whatever_decodes_packs_back_to_a_button_that_decodes_the_same(data: str) -> None:
    found = cb.unpack(data)
    if found is not None:
        assert cb.unpack(found.pack()) == found


def test_each_typed_family_is_a_registered_button() -> None:
    heads = {r.name for r in build_registry().routes("button")}
    samples = [
        cb.WalkAnswer(1, 1, 1),
        *(cb.WalkMark(k, 1, 1) for k in ("na", "nd")),
        cb.WalkTyped(1, 1),
        *(cb.WalkNav(k, 1, 1) for k in ("g", "p", "n", "x", "e")),  # type: ignore[arg-type]
        cb.FieldList(1),
        cb.FieldOpen(1, "1"),
        *(cb.Decision(k, True, 1) for k in ("s", "w")),  # type: ignore[arg-type]
        cb.ProgressPage(1, 0),
        cb.Language("vi"),
        cb.UnitChart("yoy", 1),
        cb.BoardChart("commune"),
    ]
    assert {x.pack().split(":", 1)[0] for x in samples} <= heads
