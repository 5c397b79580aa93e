"""Typed callback data: every codec fits Telegram's 64 bytes, reads back what it wrote, reads the
buttons already sitting in chats, and reads nothing from garbage."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conversations import callbacks as cb
from conversations.replies import MAX_CALLBACK_BYTES
from handlers.routes import build_registry
from tests.typed_buttons import assert_typed

ids = st.integers(min_value=0, max_value=cb.MAX_ID)
revs = st.none() | ids
codes = st.from_regex(r"\A[0-9A-Za-z.]{1,24}\Z")
item_codes = st.from_regex(r"\A[0-9A-Za-z][0-9A-Za-z._-]{0,31}\Z")  # the catalog's grammar
boards = st.from_regex(r"\A[a-z][a-z0-9_]{0,31}\Z")

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
    st.builds(cb.BoardChart, boards),
    st.builds(cb.UnitMove, st.sampled_from(["move", "both", "no"]), ids),
    st.builds(cb.AccessPage, ids, st.none() | ids),
    st.builds(cb.AccessPerson, ids, ids, st.none() | ids),
    st.builds(cb.AccessGrant, st.sampled_from(["r", "ok"]), ids),
    st.builds(cb.AccessReason, ids, ids),
    st.builds(cb.AccessCancel),
    st.builds(cb.BroadcastAudience, st.sampled_from(["all", "department", "commune", "pending"])),
    st.builds(cb.BroadcastBack),
    st.builds(cb.BroadcastCancel),
    st.builds(cb.BroadcastSend, st.from_regex(r"\A[0-9A-Za-z]{1,16}\Z")),
    st.builds(cb.BroadcastReport, st.sampled_from(["report", "remind"]), ids),
    st.builds(cb.Ack, ids),
    st.builds(cb.EvidenceFile, st.sampled_from(["d", "r", "rc", "rx", "sw"]), ids),
    st.builds(cb.EvidenceList, ids, ids, ids),
    st.builds(cb.EvidencePick, ids, ids),
    st.builds(cb.EvidenceField, ids, st.just("") | item_codes),
    st.builds(cb.EvidenceDrop, ids),
    st.builds(cb.ExportRanking, st.none() | boards),
    st.builds(cb.ExportSheet, ids),
    st.builds(cb.Publish, ids),
    st.builds(cb.PublishCancel),
    st.builds(cb.ReviewQueue),
    st.builds(cb.ReviewUnit, ids),
    st.builds(
        cb.ReviewItem,
        st.sampled_from(["g", "n", "ok", "set", "more", "files", "reply"]),
        ids,
        ids,
    ),
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
        cb.UnitMove("move", big),
        cb.AccessPage(big, big),
        cb.AccessPerson(big, big, big),
        cb.AccessGrant("ok", big),
        cb.AccessReason(big, big),
        cb.AccessCancel(),
        cb.BroadcastAudience("department"),
        cb.BroadcastBack(),
        cb.BroadcastCancel(),
        cb.BroadcastSend("f" * 16),
        cb.BroadcastReport("remind", big),
        cb.Ack(big),
        cb.EvidenceFile("rc", big),
        cb.EvidenceList(big, big, big),
        cb.EvidencePick(big, big),
        cb.EvidenceField(big, "Z" * 32),
        cb.EvidenceDrop(big),
        cb.ExportRanking("b" * 32),
        cb.ExportSheet(big),
        cb.Publish(big),
        cb.PublishCancel(),
        cb.ReviewQueue(),
        cb.ReviewUnit(big),
        cb.ReviewItem("files", big, big),
    ]
    assert {type(x) for x in largest} == set(cb.CODECS)
    for x in largest:
        assert len(x.pack().encode()) <= MAX_CALLBACK_BYTES, x
    with pytest.raises(ValueError):
        cb.WalkAnswer(big + 1, 0, 0).pack()  # could not come back: refused when drawn
    with pytest.raises(ValueError):
        cb.FieldOpen(1, "2:3").pack()
    for unfit in (
        cb.EvidenceField(1, "4:1"),
        cb.BroadcastSend("a:b"),
        cb.BroadcastSend("f" * 17),
        cb.ExportRanking("Commune"),
        cb.BroadcastAudience("everyone"),  # type: ignore[arg-type]
        cb.ReviewItem("ok", -1, 1),
    ):
        with pytest.raises(ValueError):
            unfit.pack()


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
        ("mv:move:7", cb.UnitMove("move", 7)),
        ("mv:both:7", cb.UnitMove("both", 7)),
        ("mv:no:7", cb.UnitMove("no", 7)),
        ("acc:pg:0", cb.AccessPage(0)),
        ("acc:pg:2:12", cb.AccessPage(2, 12)),
        ("acc:p:5:0", cb.AccessPerson(5, 0)),
        ("acc:p:5:2:12", cb.AccessPerson(5, 2, 12)),
        ("acc:r:9", cb.AccessGrant("r", 9)),
        ("acc:ok:9", cb.AccessGrant("ok", 9)),
        ("acc:why:9:2", cb.AccessReason(9, 2)),
        ("acc:no", cb.AccessCancel()),
        ("bc:aud:pending", cb.BroadcastAudience("pending")),
        ("bc:back", cb.BroadcastBack()),
        ("bc:cancel", cb.BroadcastCancel()),
        ("bc:send:9f86d081", cb.BroadcastSend("9f86d081")),
        ("bc:report:3", cb.BroadcastReport("report", 3)),
        ("bc:remind:3", cb.BroadcastReport("remind", 3)),
        ("ack:3", cb.Ack(3)),
        ("ev:d:40", cb.EvidenceFile("d", 40)),
        ("ev:sw:40", cb.EvidenceFile("sw", 40)),
        ("ev:ls:12:0:0", cb.EvidenceList(12, 0, 0)),
        ("ev:ls:12:345:2", cb.EvidenceList(12, 345, 2)),
        ("ev:pk:12:345", cb.EvidencePick(12, 345)),
        ("ev:pf:12:4", cb.EvidenceField(12, "4")),
        ("ev:pf:12:", cb.EvidenceField(12, "")),
        ("ev:px:12", cb.EvidenceDrop(12)),
        ("ex:ranking", cb.ExportRanking()),
        ("ex:ranking:commune", cb.ExportRanking("commune")),
        ("ex:sheet:12", cb.ExportSheet(12)),
        ("pub:ok:2024", cb.Publish(2024)),
        ("pub:no", cb.PublishCancel()),
        ("rv:q", cb.ReviewQueue()),
        ("rv:u:12", cb.ReviewUnit(12)),
        ("rv:ok:12:345", cb.ReviewItem("ok", 12, 345)),
        ("rv:reply:12:345", cb.ReviewItem("reply", 12, 345)),
    ],
)
def test_buttons_already_in_chats_still_decode(data: str, typed: cb.Codec) -> None:
    assert cb.unpack(data) == typed and typed.pack() == data


@pytest.mark.parametrize(
    "data",
    ["", "a", "a:1:2", "a:1:2:3:4:5", "a:-1:2:3", "a:1:x:3", "a:1:2:٣", "na:1", "s:maybe:1",
     "pg:1", "l:", "l:v:i", "f:1:", "f:1:a b", "zz:1:2", "a:99999999999:1:1", "rk:fields",
     "rk:fields:x", "rk:chart:1", "rk:board:Commune", "rk:board:", "rk:yoy:1:2",
     "mv:move", "mv:stay:1", "mv:move:x", "mv:move:1:2", "acc", "acc:pg", "acc:pg:-1",
     "acc:pg:1:2:3", "acc:p:1", "acc:r:1:2", "acc:why:1", "acc:no:1", "acc:maybe:1", "bc",
     "bc:aud:everyone", "bc:back:1", "bc:send", "bc:send:", "bc:send:a b", "bc:send:" + "f" * 17,
     "bc:report:x", "bc:remind", "ack", "ack:", "ack:x", "ack:1:2", "ev:d", "ev:d:1:2",
     "ev:zz:1", "ev:ls:1:0", "ev:ls:1:0:0:0", "ev:pk:1", "ev:pf", "ev:pf:1:4:5", "ev:pf:x:4",
     "ev:pf:1:a b", "ev:px:1:2", "ex", "ex:ranking:", "ex:ranking:Commune", "ex:ranking:a:b",
     "ex:sheet", "ex:sheet:x", "ex:other:1", "pub", "pub:ok", "pub:ok:20x4", "pub:no:1",
     "rv", "rv:q:1", "rv:u", "rv:u:1:2", "rv:ok:1", "rv:ok:1:2:3", "rv:zap:1:2",
     "rv:ok:99999999999:1", "rv:assign:1:2:3:all", "rv:more:1:2:3:4", "bc:1:2"],
)  # fmt: skip
def test_garbage_and_forgeries_decode_to_nothing(data: str) -> None:
    assert cb.unpack(data) is None


@given(st.text(max_size=70))
def test_whatever_decodes_packs_back_to_a_button_that_decodes_the_same(data: str) -> None:
    found = cb.unpack(data)
    if found is not None:
        assert cb.unpack(found.pack()) == found


# one button of every kind of every family (each head a route answers)
EVERY_KIND: list[cb.Codec] = [
    cb.WalkAnswer(1, 1, 1),
    *(cb.WalkMark(k, 1, 1) for k in ("na", "nd")),  # type: ignore[arg-type]
    cb.WalkTyped(1, 1),
    *(cb.WalkNav(k, 1, 1) for k in ("g", "p", "n", "x", "e")),  # type: ignore[arg-type]
    cb.FieldList(1),
    cb.FieldOpen(1, "1"),
    *(cb.Decision(k, True, 1) for k in ("s", "w")),  # type: ignore[arg-type]
    cb.ProgressPage(1, 0),
    cb.Language("vi"),
    *(cb.UnitMove(k, 1) for k in ("move", "both", "no")),  # type: ignore[arg-type]
    cb.UnitChart("yoy", 1),
    cb.BoardChart("commune"),
    cb.AccessPage(0),
    cb.AccessPerson(1, 0),
    *(cb.AccessGrant(k, 1) for k in ("r", "ok")),  # type: ignore[arg-type]
    cb.AccessReason(1, 0),
    cb.AccessCancel(),
    cb.BroadcastAudience("all"),
    cb.BroadcastBack(),
    cb.BroadcastCancel(),
    cb.BroadcastSend("9f86d081"),
    *(cb.BroadcastReport(k, 1) for k in ("report", "remind")),  # type: ignore[arg-type]
    cb.Ack(1),
    *(cb.EvidenceFile(k, 1) for k in ("d", "r", "rc", "rx", "sw")),  # type: ignore[arg-type]
    cb.EvidenceList(1, 0, 0),
    cb.EvidencePick(1, 1),
    cb.EvidenceField(1, "4"),
    cb.EvidenceDrop(1),
    cb.ExportRanking(),
    cb.ExportSheet(1),
    cb.Publish(2024),
    cb.PublishCancel(),
    cb.ReviewQueue(),
    cb.ReviewUnit(1),
    *(
        cb.ReviewItem(k, 1, 1)  # type: ignore[arg-type]
        for k in ("g", "n", "ok", "set", "more", "files", "reply")
    ),
]


def test_every_button_route_has_a_codec_and_every_codec_a_route() -> None:
    """A family whose buttons are still built by hand shows up here: its head has no codec."""
    heads = {r.name for r in build_registry().routes("button")}
    assert {type(x) for x in EVERY_KIND} == set(cb.CODECS)
    assert {x.pack().split(":", 1)[0] for x in EVERY_KIND} == heads


@given(st.sampled_from(EVERY_KIND), st.text(min_size=65, max_size=100))
def test_oversize_data_decodes_to_nothing(button: cb.Codec, junk: str) -> None:
    assert cb.unpack(junk) is None
    assert cb.unpack(button.pack() + junk) is None
    assert cb.unpack(button.pack() + ":" + "9" * 64) is None


def test_the_harnesses_catch_a_button_no_codec_reads() -> None:
    assert_typed(["a:1:2:3", "ack:7", None], "drawn")  # url buttons carry no data
    with pytest.raises(AssertionError, match="zz:1"):
        assert_typed(["rv:q", "zz:1"], "drawn")
