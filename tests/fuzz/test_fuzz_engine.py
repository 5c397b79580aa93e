"""Thousands of random updates against the conversation core, across all its states.

Checks: no unhandled exception inside the core, every reply fits Telegram's limits, and the
database invariants hold (answers only for items of the unit's own catalog, never over max,
every answer's history ending in its current value).
"""

from __future__ import annotations

import asyncio
import logging
import shutil
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

import documents
from bot.app import open_database
from bot.settings import load_settings
from conversations import assessment as A
from conversations.context import CoreConfig
from conversations.engine import ChatEngine
from conversations.replies import MAX_CALLBACK_BYTES, Event, IncomingFile, Sender
from handlers.routes import build_registry
from scoring.answers import Answer, score_answer
from storage import models as m
from tests.conversations.harness import seed

USERS = [
    (9001, "officer", "X01"),
    (9002, "officer", "X02"),
    (9003, "leader", "X01"),
    (9004, "admin", None),
    (9005, None, None),
]
COMMANDS = [
    "start",
    "help",
    "score",
    "progress",
    "submit",
    "withdraw",
    "rank",
    "deadlines",
    "evidence",
    "lang",
    "whoami",
    "cancel",
    "go",
    "review",
    "export",
    "broadcast",
    "publish",
    "reopen",
    "xyz",
    "start@parbot_demo_bot",
]
SHAPES = [
    "1.1.1.a",
    "2.1",
    "9.9.9",
    "45/50",
    "50/45",
    "0/0",
    "-3",
    "3,5",
    "16/3/2024",
    "31/2/2024",
    "na",
    "Không áp dụng",
    "co",
    "day_du",
    "khong",
    "khi nào hết hạn nộp báo cáo?",
    "han nop TLKC",
    "📝 Chấm điểm",
    "📊 Tiến độ",
    "/",
    "#1.2",
    "1e9",
    "NaN",
    "∞",
]

text_st = st.one_of(
    st.sampled_from(SHAPES),
    st.text(max_size=60),
    st.text(min_size=4000, max_size=6000, alphabet="ạăâđêôơưx🙂\n "),
    st.integers(-(10**12), 10**12).map(str),
)
callback_st = st.one_of(
    st.text(max_size=80),
    st.builds(
        lambda k, u, i, o: f"{k}:{u}:{i}:{o}",
        st.sampled_from(
            [
                "a",
                "na",
                "nd",
                "g",
                "p",
                "n",
                "x",
                "e",
                "f",
                "fl",
                "s",
                "w",
                "pg",
                "ev",
                "bc",
                "ack",
                "rv",
                "rk",
                "ex",
                "pub",
                "l",
            ]
        ),
        st.integers(-2, 5),
        st.integers(-2, 400),
        st.integers(-2, 9),
    ),
    st.just("LAST_BUTTON"),
)
KINDS = ["command", "text", "callback", "document", "photo"]
NAMES = ["../../etc/passwd", "a/b\\c.pdf", "KẾ HOẠCH.pdf", "", "x" * 300, "con.pdf", ".pdf"]


def draw_events(rnd, data, n: int) -> list[tuple]:
    """Structure from a seeded Random (uniform over users, kinds, commands), contents from
    Hypothesis strategies (unicode, huge texts, forged callback data, random bytes)."""
    events = []
    for _ in range(n):
        events.append(
            (
                rnd.randrange(len(USERS)),
                rnd.choice(KINDS),
                rnd.choice(COMMANDS),
                data.draw(text_st) if rnd.random() < 0.5 else rnd.choice(SHAPES),
                data.draw(callback_st) if rnd.random() < 0.5 else "LAST_BUTTON",
                data.draw(st.binary(max_size=2048)),
                rnd.choice(NAMES),
                rnd.choice([None, 0, 100, 19 * 1024 * 1024, 25 * 1024 * 1024]),
            )
        )
    return events


class FakeFiles:
    """Downloads of what the fuzzer 'uploaded' (the real download path is tested end to end)."""

    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}

    async def fetch(self, file_id: str) -> bytes:
        return self.blobs[file_id]


async def _template(root: Path) -> Path:
    path = root / "template"
    settings = load_settings(data_dir=path)
    async with open_database(settings) as db:
        await seed(db)
        async with db.uow() as uow:
            period = await uow.periods.get_by_year(2024)
            for uid, role, unit in USERS:
                person = await uow.people.upsert(uid, uid, f"Fuzz {uid}")
                if role is not None:
                    unit_id = (await uow.units.get_by_code(period.id, unit)).id if unit else None
                    await uow.people.grant(person, role, unit_id)
    return path


TEMPLATE: dict[str, Path] = {}


async def run_events(events, workdir: Path) -> list:
    data_dir = workdir / "db"
    shutil.copytree(TEMPLATE["path"], data_dir)
    settings = load_settings(data_dir=data_dir)
    files = FakeFiles()
    replies = []
    async with open_database(settings, migrate=False) as db:
        engine = ChatEngine(
            db.uow,
            CoreConfig(formats=documents.formats(), data_dir=data_dir),
            files=files,
            routes=build_registry(),
        )
        last_buttons: dict[int, list[str]] = {}
        for n, (ui, kind, cmd, text, cb, blob, name, size) in enumerate(events, start=1):
            uid = USERS[ui][0]
            who = Sender(uid, uid, f"Fuzz {uid}", language_code="vi")
            if kind == "command":
                ev = Event(
                    n,
                    who,
                    "command",
                    text=f"/{cmd} {text[:100]}",
                    command=cmd.split("@")[0],
                    args=text[:100],
                )
            elif kind == "callback":
                data = cb
                if cb == "LAST_BUTTON":
                    options = last_buttons.get(uid) or ["g:1:1"]
                    data = options[n % len(options)]
                ev = Event(n, who, "callback", callback_id=str(n), callback_data=data, message_id=1)
            elif kind in ("document", "photo"):
                files.blobs[f"f{n}"] = blob
                f = IncomingFile(
                    f"f{n}",
                    f"u{n}",
                    name or None,
                    "application/pdf",
                    size if size is not None else len(blob),
                    text[:200] or None,
                )
                ev = Event(n, who, kind, text=text[:200], file=f, message_id=n)
            else:
                ev = Event(n, who, "text", text=text, message_id=n)
            out = await engine.handle(ev)
            if out is None:
                continue
            for r in out.replies:
                replies.append(r)
                datas = [b.data for row in r.buttons for b in row if b.data]
                if datas:
                    last_buttons[uid] = datas
        await check_database(db)
    return replies


async def check_database(db) -> None:
    async with db.uow() as uow:
        answers = list(await uow.session.scalars(select(m.Answer)))
        for ans in answers:
            unit = await uow.units.get(ans.unit_id)
            item_row = await uow.catalogs.get_item(ans.item_id)
            assert item_row.catalog_id == unit.catalog_id, "answer outside the unit's catalog"
            cat = A.catalog_of(await uow.catalogs.get(unit.catalog_id))
            item = cat.item(item_row.code)
            assert item is not None and item.is_leaf and not item.is_survey
            assert ans.points is None or Decimal(0) <= ans.points <= item.max
            assert ans.points == score_answer(item, Answer.from_json(ans.value)).points
            history = await uow.answers.history(ans.unit_id, ans.item_id)
            assert history and history[-1].new_value == ans.value, "history incomplete"


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.randoms(use_true_random=True), st.integers(60, 160), st.data())
def test_random_updates_never_crash_and_keep_invariants(tmp_path_factory, caplog, rnd, n, data):
    events = draw_events(rnd, data, n)
    if "path" not in TEMPLATE:
        TEMPLATE["path"] = asyncio.run(_template(tmp_path_factory.mktemp("fuzz")))
    caplog.clear()
    with caplog.at_level(logging.ERROR, logger="conversations"):
        replies = asyncio.run(run_events(events, tmp_path_factory.mktemp("run")))
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, errors[0].getMessage() + "\n" + (errors[0].exc_text or "")
    for r in replies:
        assert 0 < len(r.text) <= 4096 or r.document or r.photo
        for row in r.buttons:
            for b in row:
                assert b.data is None or len(b.data.encode()) <= MAX_CALLBACK_BYTES
                assert b.text
