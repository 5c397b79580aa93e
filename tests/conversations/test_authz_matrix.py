"""Authorization matrix (issue #8): every command, button, typed-input mode and upload of the chat,
for every role, against the role's own unit and other units. Allowed cells take effect; every other
cell gets a polite refusal and changes nothing: no database row, no file, no document sent.

How to read MATRIX. One row per action. For each role (columns: nobody, focal officer of X01,
leader of X01, appraiser of field 2 on the commune board, Phòng Nội vụ admin) a string with one
mark per target unit X01 X02 (D01) — or a single mark when the action names no unit. D01 is
tried where a unit's board or the appraiser's assignment can make a difference; elsewhere it is
just one more "other unit" like X02:

    Y  allowed: the action must take effect
    ·  denied: a visible, polite refusal and no state change at all
    x  should be denied, but a known bug in a module this test may not change makes the cell
       fail: marked xfail(strict=True), see BUGS (it turns red once the bug is fixed)

    X01  the officer's and the leader's own unit (a commune)
    X02  another commune: not theirs, but on the board the appraiser is assigned to
    D01  a department: not theirs, and on a board the appraiser is not assigned to

A unit-targeted button for X02 or D01 is exactly a forged button: the same callback data with the
other unit's (or its items' / files') ids. "Typed text in mode …" rows put the person in that
mode first (as if an earlier button had done it), so the check made on the typed text is tested
on its own. Each cell runs against the same seeded database, put back to the seed between cells
(triggers note which tables a cell wrote; only those are compared and restored). Every cell
runs on SQLite; the rows that write (WRITES) run on PostgreSQL too.

Product intent (README, GLOSSARY, docs): officers self-score, upload and manage evidence, submit
and withdraw for their own unit; leaders follow their unit (/progress, /rank, its sheet, its
files) but do not answer or submit; appraisers see and appraise only the fields they are
assigned on their board, and only once a unit has submitted; admins (Nội vụ) see every unit and
alone broadcast, export the ranking, assign appraisers, reopen, publish, revoke access
(/access), review the plan (/plan) and draft or import the criteria set from its appendix
(/catalog). Invites (CLI only: ``parbot invite``), units/survey import and results are CLI-only,
not chat actions. The move-or-keep buttons of a second unit's invite work only for the
person who opened that invite (its id waits in their own state): the code is the key.
"""

from __future__ import annotations

import ast
import inspect
import itertools
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Collection
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

import pytest
import pytest_asyncio
from sqlalchemy import and_, delete, select, text

import documents
from bot.app import Database, open_database
from bot.settings import load_settings
from conversations import assessment as A
from conversations import router
from conversations.context import CoreConfig
from conversations.engine import BROKEN, ChatEngine
from conversations.formats import Formats
from conversations.i18n import SUPPORTED, t
from conversations.replies import Event, IncomingFile, Outcome, OutgoingFile, Reply, Sender
from conversations.review.assignment import assign_appraiser
from conversations.workbook import Workbook
from handlers.routes import build_registry
from scoring.catalog import sample_catalog_paths
from storage import migrate
from storage import models as m
from storage.files import EvidenceStore
from tests.catalog_draft import builders
from tests.evidence_check.factories import docx, jpeg, text_page_pdf

ROLES = ("none", "officer", "leader", "appraiser", "admin")
TARGETS = ("X01", "X02", "D01")
Y, N, X = "Y", "·", "x"

# fmt: off
#                                          none   officer leader appraiser admin
MATRIX: dict[str, tuple[str, str, str, str, str]] = {
    # ---- commands
    "/start <invite for the unit>":        ("YY",  "YY",  "YY",  "YY",  "YY"),  # the code is the key
    "/start <someone else's used invite>": ("·",   "·",   "·",   "·",   "·"),
    "/help":                               ("Y",   "Y",   "Y",   "Y",   "Y"),
    "/whoami":                             ("Y",   "Y",   "Y",   "Y",   "Y"),
    "/lang":                               ("Y",   "Y",   "Y",   "Y",   "Y"),
    "/cancel":                             ("Y",   "Y",   "Y",   "Y",   "Y"),
    "/score":                              ("·",   "Y",   "·",   "·",   "·"),
    "/chamdiem":                           ("·",   "Y",   "·",   "·",   "·"),
    "/go 4.1":                             ("·",   "Y",   "·",   "·",   "·"),
    "/progress":                           ("·",   "Y",   "Y",   "·",   "Y"),
    "/submit":                             ("·",   "Y",   "·",   "·",   "·"),
    "/withdraw":                           ("·",   "Y",   "·",   "·",   "·"),
    "/rank":                               ("·",   "·",   "Y",   "·",   "Y"),
    "/rank <unit>":                        ("··",  "··",  "Y·",  "··",  "YY"),
    "/deadlines (the unit's board)":       ("YYY", "YY·", "YY·", "YYY", "YYY"),
    "/evidence <unit>":                    ("···", "Y··", "Y··", "YY·", "YYY"),
    "/evidence export <unit>":             ("···", "Y··", "Y··", "YY·", "YYY"),
    "/broadcast":                          ("·",   "·",   "·",   "·",   "Y"),
    "/review":                             ("·",   "·",   "·",   "Y",   "Y"),
    "/review <unit>":                      ("···", "···", "···", "YY·", "YYY"),
    "/review status":                      ("·",   "·",   "·",   "Y",   "Y"),
    "/review assign <person> 3 commune":   ("·",   "·",   "·",   "·",   "Y"),
    "/export":                             ("·",   "·",   "Y",   "·",   "Y"),
    "/export sheet <unit>":                ("··",  "··",  "Y·",  "··",  "YY"),
    "/export ranking":                     ("·",   "·",   "·",   "·",   "Y"),
    "/publish":                            ("·",   "·",   "·",   "·",   "Y"),
    "/reopen <unit>":                      ("··",  "··",  "··",  "··",  "YY"),
    "/access":                             ("·",   "·",   "·",   "·",   "Y"),
    "/access <unit>":                      ("···", "···", "···", "···", "YYY"),
    # ---- buttons of the walk, submission and language
    "l:en":                                ("Y",   "Y",   "Y",   "Y",   "Y"),
    "a:<unit>:<item>:<option>":            ("··",  "Y·",  "··",  "··",  "··"),
    "na:<unit>:<item>":                    ("··",  "Y·",  "··",  "··",  "··"),
    "nd:<unit>:<item>":                    ("··",  "Y·",  "··",  "··",  "··"),
    "g:<unit>:<item>":                     ("··",  "Y·",  "··",  "··",  "··"),
    "t:<unit>:<item>:<rev>":               ("··",  "Y·",  "··",  "··",  "··"),
    "p:<unit>:<item>":                     ("··",  "Y·",  "··",  "··",  "··"),
    "n:<unit>:<item>":                     ("··",  "Y·",  "··",  "··",  "··"),
    "x:<unit>:<item> + explanation":       ("··",  "Y·",  "··",  "··",  "··"),
    "e:<unit>:<item>":                     ("··",  "Y·",  "··",  "··",  "··"),
    "fl:<unit>":                           ("··",  "Y·",  "··",  "··",  "··"),
    "f:<unit>:<field>":                    ("··",  "Y·",  "··",  "··",  "··"),
    "s:ok:<unit>":                         ("··",  "Y·",  "··",  "··",  "··"),
    "w:ok:<unit>":                         ("··",  "Y·",  "··",  "··",  "··"),
    "pg:<unit>:<page>":                    ("··",  "Y·",  "Y·",  "··",  "··"),
    "a:X01:<item of D01's catalog>:0":     ("·",   "·",   "·",   "·",   "·"),  # mixed forgery
    # ---- evidence buttons (files of 2.2.1 are in the appraiser's field 2, files of 4.1 are not)
    "ev:d:<file in field 2>":              ("···", "Y··", "Y··", "YY·", "YYY"),
    "ev:d:<file in field 4>":              ("··",  "Y·",  "Y·",  "··",  "YY"),
    "ev:ls:<unit>:0:0":                    ("···", "Y··", "Y··", "YY·", "YYY"),
    "ev:r:<file>":                         ("··",  "Y·",  "··",  "··",  "··"),
    "ev:rc:<file>":                        ("··",  "Y·",  "··",  "··",  "··"),
    "ev:rx:<file>":                        ("··",  "Y·",  "··",  "··",  "··"),
    "ev:sw:<file>":                        ("··",  "Y·",  "··",  "··",  "··"),
    "ev:pk:<unit>:<item>":                 ("··",  "Y·",  "··",  "··",  "··"),
    "ev:pf:<unit>:<field>":                ("··",  "Y·",  "··",  "··",  "··"),
    "ev:px:<unit>":                        ("··",  "Y·",  "··",  "··",  "··"),
    # ---- broadcast buttons (the notice was sent by the admin to every officer and leader)
    "bc:aud:all":                          ("·",   "·",   "·",   "·",   "Y"),
    "bc:send:<nonce>":                     ("·",   "·",   "·",   "·",   "Y"),
    "bc:cancel":                           ("·",   "·",   "·",   "·",   "Y"),
    "bc:report:<notice>":                  ("·",   "·",   "·",   "·",   "Y"),
    "bc:remind:<notice>":                  ("·",   "·",   "·",   "·",   "Y"),
    "ack:<notice>":                        ("·",   "Y",   "Y",   "·",   "·"),
    # ---- appraisal buttons (every unit has submitted)
    "rv:q":                                ("·",   "·",   "·",   "Y",   "Y"),
    "rv:u:<unit>":                         ("···", "···", "···", "YY·", "YYY"),
    "rv:g:<unit>:<item>":                  ("···", "···", "···", "YY·", "YYY"),
    "rv:n:<unit>:<item>":                  ("···", "···", "···", "YY·", "YYY"),
    "rv:ok:<unit>:<item in field 2>":      ("···", "···", "···", "YY·", "YYY"),
    "rv:ok:<unit>:<item in field 4>":      ("··",  "··",  "··",  "··",  "YY"),
    "rv:ok:X01:<item of D01's catalog>":   ("·",   "·",   "·",   "·",   "·"),  # mixed forgery
    "rv:set:<unit>:<item>":                ("···", "···", "···", "YY·", "YYY"),
    "rv:more:<unit>:<item>":               ("···", "···", "···", "YY·", "YYY"),
    "rv:files:<unit>:<item>":              ("···", "···", "···", "YY·", "YYY"),
    "rv:reply:<unit>:<item>":              ("··",  "Y·",  "··",  "··",  "··"),
    # ---- rank, export, publish buttons
    "rk:fields:<unit>":                    ("··",  "··",  "Y·",  "··",  "YY"),
    "rk:full:<unit>":                      ("··",  "··",  "Y·",  "··",  "YY"),
    "rk:board:commune":                    ("·",   "·",   "·",   "·",   "Y"),
    "ex:sheet:<unit>":                     ("··",  "··",  "Y·",  "··",  "YY"),
    "ex:ranking":                          ("·",   "·",   "·",   "·",   "Y"),
    "pub:ok:2024":                         ("·",   "·",   "·",   "·",   "Y"),
    "pub:no":                              ("·",   "·",   "·",   "·",   "Y"),
    "/unpublish <reason>":                 ("·",   "·",   "·",   "·",   "Y"),
    "typed year in mode pub_confirm":      ("·",   "·",   "·",   "·",   "Y"),
    # ---- access buttons (about the focal officer of X02), and the move-or-keep question
    "acc:pg:0":                            ("·",   "·",   "·",   "·",   "Y"),
    "acc:p:<person>:0":                    ("·",   "·",   "·",   "·",   "Y"),
    "acc:r:<grant>":                       ("·",   "·",   "·",   "·",   "Y"),
    "acc:why:<grant>:0":                   ("·",   "·",   "·",   "·",   "Y"),
    "acc:ok:<grant>":                      ("·",   "·",   "·",   "·",   "Y"),
    "acc:ok:<grant>, no reason chosen":    ("·",   "·",   "·",   "·",   "·"),
    "acc:no":                              ("·",   "·",   "·",   "·",   "Y"),
    "mv:move:<invite>, nothing pending":   ("·",   "·",   "·",   "·",   "·"),
    "mv:move:<invite>, asked":             ("Y",   "Y",   "Y",   "Y",   "Y"),  # the code is the key
    "mv:both:<invite without the flag>":   ("·",   "·",   "·",   "·",   "·"),
    # ---- typed text in a conversation mode (MODES), for a file or item of the unit
    "typed code in mode ev_pick":          ("··",  "Y·",  "··",  "··",  "··"),
    "typed section in mode ev_section":    ("··",  "Y·",  "··",  "··",  "··"),
    "typed notice in mode bc_text":        ("·",   "·",   "·",   "·",   "Y"),
    "typed points in mode rv_points":      ("···", "···", "···", "YY·", "YYY"),
    "typed reason in mode rv_reason":      ("···", "···", "···", "YY·", "YYY"),
    "typed points, item in field 4":       ("··",  "··",  "··",  "··",  "YY"),
    "typed comment in mode rv_comment":    ("···", "···", "···", "YY·", "YYY"),
    "typed reply in mode rv_reply":        ("··",  "Y·",  "··",  "··",  "··"),
    "typed reason in mode acc_reason":     ("·",   "·",   "·",   "·",   "Y"),
    # ---- files
    "document upload (evidence)":          ("·",   "Y",   "·",   "·",   "·"),
    "photo upload (evidence)":             ("·",   "Y",   "·",   "·",   "·"),
    "document in mode bc_text (notice)":   ("·",   "·",   "·",   "·",   "Y"),
    "/plan":                               ("·",   "·",   "·",   "·",   "Y"),
    "plan document (caption /plan)":       ("·",   "·",   "·",   "·",   "Y"),
    "reviewed plan YAML (caption /plan)":  ("·",   "·",   "·",   "·",   "Y"),
    "/catalog":                            ("·",   "·",   "·",   "·",   "Y"),
    "appendix (caption /catalog)":         ("·",   "·",   "·",   "·",   "Y"),
    "catalog YAML (/catalog import)":      ("·",   "·",   "·",   "·",   "Y"),
}
# fmt: on

# cells marked "x" above: (row, role, target or None) → the bug they show
BUGS: dict[tuple[str, str, str | None], str] = {}

# Every cell runs on SQLite. The rows whose allowed effect writes the database run on PostgreSQL
# too (the checks are the same Python on both; what differs is the storage under the writes);
# the read-only rows there would double the run time and test nothing new.
WRITES = {
    "/start <invite for the unit>",
    "/start <someone else's used invite>",
    "/review assign <person> 3 commune",
    "/reopen <unit>",
    "l:en",
    "a:<unit>:<item>:<option>",
    "na:<unit>:<item>",
    "nd:<unit>:<item>",
    "x:<unit>:<item> + explanation",
    "s:ok:<unit>",
    "w:ok:<unit>",
    "ev:rc:<file>",
    "ev:sw:<file>",
    "ev:pk:<unit>:<item>",
    "bc:send:<nonce>",
    "ack:<notice>",
    "rv:ok:<unit>:<item in field 2>",
    "rv:ok:<unit>:<item in field 4>",
    "a:X01:<item of D01's catalog>:0",
    "rv:ok:X01:<item of D01's catalog>",
    "pub:ok:2024",
    "/unpublish <reason>",
    "typed year in mode pub_confirm",
    "typed code in mode ev_pick",
    "typed section in mode ev_section",
    "typed points in mode rv_points",
    "typed reason in mode rv_reason",
    "typed points, item in field 4",
    "typed comment in mode rv_comment",
    "typed reply in mode rv_reply",
    "document upload (evidence)",
    "photo upload (evidence)",
    "reviewed plan YAML (caption /plan)",
    "catalog YAML (/catalog import)",
    "acc:ok:<grant>",
    "acc:ok:<grant>, no reason chosen",
    "mv:move:<invite>, nothing pending",
    "mv:move:<invite>, asked",
    "mv:both:<invite without the flag>",
}
PLAN_TXT = (
    "KẾ HOẠCH\nXác định Chỉ số cải cách hành chính năm 2024\n1. Tự đánh giá, chấm điểm\n"
    "- Thời gian: Hoàn thành trước ngày 16/3/2025\n"
)
APPENDIX_XLSX = builders.xlsx_bytes()
CATALOG_YAML = (
    "catalog: ma-tran\ntitle: Bộ chỉ số thử\nboard: commune\nclassification:\n  - {label: Đạt}\n"
    "items:\n  - {code: '1', title: Khảo sát, max: 1, answer: {kind: survey}}\n"
)
PLAN_YAML = (
    "period: 2024\nmilestones:\n  - id: plan_step\n    title: Tự đánh giá, chấm điểm\n"
    "    kind: self_assessment\n    due: 2025-03-16\n"
)


# ------------------------------------------------------------------ the seeded world

UNITS_CSV = (
    "code,name,board\n"
    "X01,UBND xã An Hòa,commune\n"
    "X02,UBND xã Bình Phú,commune\n"
    "D01,Phòng Tư pháp,department\n"
)
ANSWERS_CSV = "unit,item,value\nX01,4.3,khong_vuot\nX02,4.3,vuot\n"  # the board is not all tied
MILESTONE_TITLES = {
    "commune": "Mốc riêng của các xã",
    "department": "Mốc riêng của các phòng",
}
NAMES = {
    "none": "Khách Vãng Lai",
    "officer": "Cán Bộ Xã An Hòa",
    "leader": "Chủ Tịch Xã An Hòa",
    "appraiser": "Thẩm Định Viên Hai",
    "admin": "Chuyên Viên Nội Vụ",
}
BACKGROUND = {  # (unit, role) of the other units' people: recipients of notices and results
    "officer-X02": ("X02", "officer"),
    "leader-X02": ("X02", "leader"),
    "officer-D01": ("D01", "officer"),
    "leader-D01": ("D01", "leader"),
}
IN_FIELD, OUT_FIELD, NA_ITEM, DATE_ITEM, PICK_ITEM = "2.2.1", "4.1", "4.4", "1.1.1.b", "4.2"
NOISE = {"unit_results"}  # a cache of computed results, refreshed by reading
STATIC = {"boards", "catalogs", "catalog_items"}  # no chat action may ever write these …
CATALOG_WRITERS = {"catalog YAML (/catalog import)"}  # … but Nội vụ's /catalog import (issue 15)
# every table but the update-id log (rows there only ever accumulate and matter to nobody)
TABLES = {t.name: t for t in m.Base.metadata.sorted_tables if t.name != "processed_updates"}
ORDER = list(TABLES)  # parents before children
CHANGES = "authz_changed_tables"  # filled by triggers: which tables a cell wrote
WALK_HEADS = ("a", "na", "nd", "g", "p", "n", "x", "e", "fl", "f")
BROKEN_TEXTS = {t(loc, BROKEN) for loc in SUPPORTED}

Snap = dict[str, dict[tuple[Any, ...], dict[str, Any]]]


class FileBox:
    """The runtime's file download, from memory: file id → bytes."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    async def fetch(self, file_id: str) -> bytes:
        return self.files[file_id]


_update_ids = itertools.count(50_000_000)


@dataclass
class Actor:
    engine: ChatEngine
    box: FileBox
    tg: int
    name: str
    person_id: int = 0
    sent: list[tuple[str, Outcome]] = field(default_factory=list)
    covered: set[str] = field(default_factory=set)

    async def _go(self, event: Event) -> Outcome:
        out = await self.engine.handle(event)
        assert out is not None
        self.sent.append((event.kind, out))
        return out

    def _sender(self) -> Sender:
        return Sender(self.tg, self.tg, self.name, language_code="vi")

    async def cmd(self, text: str) -> Outcome:
        event = Event.typed(next(_update_ids), self._sender(), text)
        assert event.kind == "command", text
        self.covered.add(f"cmd:{event.command}")
        return await self._go(event)

    async def press(self, data: str) -> Outcome:
        self.covered.add(f"cb:{data.split(':', 1)[0]}")
        event = Event(
            next(_update_ids),
            self._sender(),
            "callback",
            callback_id="cb",
            callback_data=data,
            message_id=1,
        )
        return await self._go(event)

    async def type(self, text: str) -> Outcome:
        event = Event.typed(next(_update_ids), self._sender(), text)
        assert event.kind == "text", text  # the matrix types answers, never commands here
        return await self._go(event)

    async def upload(
        self,
        name: str,
        data: bytes,
        caption: str | None = None,
        mime: str = "application/pdf",
        kind: str = "document",
    ) -> Outcome:
        file_id = f"file-{next(_update_ids)}"
        self.box.files[file_id] = data
        f = IncomingFile(file_id, file_id, name, mime, len(data), caption)
        self.covered.add(f"file:{kind}")
        event = Event(next(_update_ids), self._sender(), kind, text=caption or "", file=f)  # type: ignore[arg-type]
        return await self._go(event)


@dataclass
class UnitInfo:
    code: str
    id: int
    name: str
    board: str
    items: dict[str, int]  # item code → catalog item id
    ev_in: int = 0  # evidence file on IN_FIELD
    ev_out: int = 0  # evidence file on OUT_FIELD
    ev_names: dict[int, str] = field(default_factory=dict)


@dataclass
class World:
    db: Database
    engine: ChatEngine
    box: FileBox
    data_dir: Path
    now: datetime
    actors: dict[str, Actor]
    units: dict[str, UnitInfo]
    broadcast_id: int = 0
    used_invite: str = ""
    pending_meta: dict[str, Any] = field(default_factory=dict)
    baseline: Snap = field(default_factory=dict)
    dirty: set[str] = field(default_factory=set)  # tables changed since the seed
    last: Snap | None = None  # the dirty tables as the last cell left them (None: unknown)
    seen: int = 0  # the last change noted

    async def read(self, names: set[str] | list[str]) -> Snap:
        async with self.db.engine.connect() as conn:
            return await _read(conn, names)

    async def written(self) -> tuple[set[str], Snap]:
        """The tables written since the last look (the triggers noted them), and their rows."""
        async with self.db.engine.connect() as conn:
            noted = (
                await conn.execute(
                    text(f"SELECT tbl, MAX(id) FROM {CHANGES} WHERE id > :seen GROUP BY tbl"),
                    {"seen": self.seen},
                )
            ).all()
            names = {name for name, _ in noted} & set(TABLES)
            self.seen = max([self.seen, *(n for _, n in noted)])
            self.dirty |= names
            return names, await _read(conn, names)

    async def restore(self) -> None:
        """Put the database back to the seed: delete rows added since (children first), then
        rewrite or re-insert the seed rows changed or removed (parents first)."""
        cur = self.last
        self.last = None
        if cur is None:  # the last cell stopped half-way: look at everything it may have written
            await self.written()
            cur = await self.read(self.dirty)
        if not self.dirty:
            return
        dirty = [name for name in ORDER if name in self.dirty]
        async with self.db.engine.begin() as conn:
            for name in reversed(dirty):
                table, base = TABLES[name], self.baseline[name]
                pk = list(table.primary_key.columns)
                for key in [k for k in cur[name] if k not in base]:
                    where = and_(*(c == v for c, v in zip(pk, key, strict=True)))
                    await conn.execute(delete(table).where(where))
            for name in dirty:
                table, base = TABLES[name], self.baseline[name]
                pk = list(table.primary_key.columns)
                for key, row in base.items():
                    if key not in cur[name]:
                        await conn.execute(table.insert().values(**row))
                    elif cur[name][key] != row:
                        where = and_(*(c == v for c, v in zip(pk, key, strict=True)))
                        await conn.execute(table.update().where(where).values(**row))
            seen = (await conn.execute(text(f"SELECT MAX(id) FROM {CHANGES}"))).scalar()
        self.seen = max(self.seen, seen or 0)  # the restore's own writes are not a cell's
        self.dirty = set()

    def files(self) -> set[str]:
        root = str(self.data_dir)
        return {
            os.path.relpath(os.path.join(folder, name), root)
            for folder, _dirs, names in os.walk(root)
            for name in names
        }

    async def set_state(self, role: str, state: dict[str, Any]) -> None:
        async with self.db.uow() as uow:
            await uow.conversations.save(self.actors[role].person_id, state)

    async def set_status(self, status: str, *codes: str) -> None:
        async with self.db.uow() as uow:
            for code in codes:
                await uow.submissions.set_status(self.units[code].id, status, at=self.now)

    async def ask_more_evidence(self, code: str) -> None:
        u = self.units[code]
        async with self.db.uow() as uow:
            await uow.appraisals.set_appraisal(
                u.id,
                u.items[IN_FIELD],
                "more_evidence",
                None,
                "Thiếu quyết định ban hành",
                date(2024, 3, 1),
                self.actors["admin"].person_id,
                reason="test",
                at=self.now,
            )


async def _read(conn: Any, names: set[str] | list[str]) -> Snap:
    out: Snap = {}
    for name in names:
        table = TABLES[name]
        pk = [c.name for c in table.primary_key.columns]
        rows = (await conn.execute(select(table))).mappings().all()
        out[name] = {tuple(r[c] for c in pk): dict(r) for r in rows}
    return out


async def _open_world(
    backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[World]:
    tmp = tmp_path_factory.mktemp(f"authz-{backend}")
    pg = None
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp / 'parbot.sqlite3'}"
        await migrate.upgrade(url)
    else:
        server = request.getfixturevalue("pg_server")
        pg = (server, server.next_name())
        url = await server.create(pg[1], server.template)
    data_dir = tmp / "data"
    settings = load_settings(database_url=url, data_dir=data_dir)
    try:
        async with open_database(settings, migrate=False) as db:
            yield await _seed(db, data_dir)
    finally:
        if pg is not None:
            await pg[0].drop(pg[1])


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def sqlite_world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    async for world in _open_world("sqlite", request, tmp_path_factory):
        yield world


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def postgres_world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    async for world in _open_world("postgres", request, tmp_path_factory):
        yield world


class _QuickSheets:
    def save(self, workbook: Workbook, out: Path | BinaryIO) -> None:
        if isinstance(out, Path):
            out.write_bytes(b"PK workbook")
        else:
            out.write(b"PK workbook")


class _QuickCharts:
    def _png(self, path: Path, *_args: Any, **_kw: Any) -> Path:
        path.write_bytes(b"\x89PNG chart")
        return path

    board_chart = compact_board_chart = fields_chart = _png


def _quick_formats() -> Formats:
    """Who gets a chart or a workbook is the question here, not how it is drawn (tests/results
    draws them for real): the composition root's renderers are swapped for quick ones, so the
    matrix stays fast."""
    real = documents.formats()
    return replace(real, sheets=_QuickSheets(), charts=_QuickCharts())


async def _seed(db: Database, data_dir: Path) -> World:
    now = datetime(2024, 2, 1, 3, 0, tzinfo=UTC)
    box = FileBox()
    config = CoreConfig(
        formats=_quick_formats(), data_dir=data_dir, expensive_every=0, default_locale="vi"
    )
    engine = ChatEngine(db.uow, config, lambda: now, files=box, routes=build_registry())
    catalogs = sample_catalog_paths()
    async with db.uow() as uow:
        await A.import_catalog(uow, catalogs["xa-mau-2024"].read_text("utf-8"), 2024)
        await A.import_catalog(uow, catalogs["phong-mau-2024"].read_text("utf-8"), 2024)
        await A.import_units(uow, UNITS_CSV, 2024)
        await A.import_answers(uow, ANSWERS_CSV, 2024, allow_missing_evidence=True)
        period = await uow.periods.get_by_year(2024)
        units: dict[str, UnitInfo] = {}
        for code in TARGETS:
            unit = await uow.units.get_by_code(period.id, code)
            items = await uow.catalogs.items_by_code(unit.catalog_id)
            units[code] = UnitInfo(
                code, unit.id, unit.name, unit.board, {c: r.id for c, r in items.items()}
            )
        for board, title in MILESTONE_TITLES.items():
            await uow.milestones.upsert(
                period.id, f"ms-{board}", title, "other", date(2024, 3, 15), audience=board
            )
        await uow.milestones.upsert(period.id, "ms-all", "Mốc chung", "other", date(2024, 4, 1))

    async def invite(unit: str | None, role: str) -> str:
        async with db.uow() as uow:
            code, _ = await A.create_invite(
                uow, year=2024, unit_code=unit, role=role, ttl=timedelta(days=30), now=now
            )
        return code

    actors: dict[str, Actor] = {}
    codes: dict[str, str] = {}
    tg = itertools.count(80_001)
    for key in (*ROLES, *BACKGROUND):
        actor = Actor(engine, box, next(tg), NAMES.get(key, key))
        actors[key] = actor
        if key == "none":
            await actor.cmd("/help")
            continue
        unit, role = BACKGROUND.get(key, ("X01" if key in ("officer", "leader") else None, key))
        codes[key] = await invite(unit, role)
        out = await actor.cmd(f"/start {codes[key]}")
        assert "✅" in out.replies[-1].text, out
    async with db.uow() as uow:
        for actor in actors.values():
            person = await uow.people.get_by_telegram_id(actor.tg)
            actor.person_id = person.id
        await assign_appraiser(uow, 2024, "2", "commune", telegram_id=actors["appraiser"].tg)

    w = World(db, engine, box, data_dir, now, actors, units, used_invite=codes["officer-X02"])

    # evidence: one file on an item of field 2 (the appraiser's) and one on field 4, per unit
    store = EvidenceStore(data_dir / "evidence")
    async with db.uow() as uow:
        for u in units.values():
            officer = actors["officer" if u.code == "X01" else f"officer-{u.code}"]
            for item in (IN_FIELD, OUT_FIELD):
                data = text_page_pdf(f"TLKC {u.code} {item}")
                sha, _ = store.put(data)
                name = f"tlkc-{u.code}-{item}.pdf"
                row, _ = await uow.evidence.add(
                    u.id,
                    u.items[item],
                    sha,
                    original_name=name,
                    size=len(data),
                    mime="application/pdf",
                    signature_status="unsigned",
                    pages=1,
                    uploaded_by=officer.person_id,
                    at=now,
                )
                u.ev_names[row.id] = name
                if item == IN_FIELD:
                    u.ev_in = row.id
                else:
                    u.ev_out = row.id
    pending = text_page_pdf("Tep dang cho chon tieu chi")
    sha, _ = store.put(pending)
    w.pending_meta = {
        "sha": sha,
        "name": "tep-cho-chon.pdf",
        "size": len(pending),
        "pages": 1,
        "kind": "pdf",
        "status": "unsigned",
        "signer": None,
        "signed_at": None,
        "file_id": "pending-file",
        "message": "unsigned",
        "params": {},
        "warnings": [],
        "detail": {},
    }

    # a notice from the admin to every officer and leader (for ack and the report button)
    admin = actors["admin"]
    await admin.cmd("/broadcast Họp giao ban CCHC quý I")
    await admin.press("bc:aud:all")
    send = next(
        b.data
        for r in admin.sent[-1][1].replies
        for row in r.buttons
        for b in row
        if b.data and b.data.startswith("bc:send:")
    )
    await admin.press(send)
    async with db.uow() as uow:
        w.broadcast_id = (await uow.broadcasts.list_recent(1))[0].id
        for actor in actors.values():  # every cell starts from an empty conversation
            await uow.conversations.save(actor.person_id, {})
    await _install_change_log(db)
    w.baseline = await w.read(ORDER)
    return w


async def _install_change_log(db: Database) -> None:
    """Triggers that note which tables each cell writes, so only those are read and restored."""
    postgres = db.engine.dialect.name == "postgresql"
    async with db.engine.begin() as conn:
        key = "BIGSERIAL PRIMARY KEY" if postgres else "INTEGER PRIMARY KEY AUTOINCREMENT"
        await conn.execute(text(f"CREATE TABLE {CHANGES} (id {key}, tbl VARCHAR(64) NOT NULL)"))
        if postgres:
            await conn.execute(
                text(
                    "CREATE FUNCTION authz_note_change() RETURNS trigger LANGUAGE plpgsql AS "
                    f"$$ BEGIN INSERT INTO {CHANGES} (tbl) VALUES (TG_TABLE_NAME); "
                    "RETURN NULL; END $$"
                )
            )
        for name in TABLES:
            if postgres:
                await conn.execute(
                    text(
                        f'CREATE TRIGGER authz_{name} AFTER INSERT OR UPDATE OR DELETE ON "{name}" '
                        "FOR EACH ROW EXECUTE FUNCTION authz_note_change()"
                    )
                )
                continue
            for op in ("INSERT", "UPDATE", "DELETE"):
                await conn.execute(
                    text(
                        f'CREATE TRIGGER authz_{name}_{op.lower()} AFTER {op} ON "{name}" '
                        f"BEGIN INSERT INTO {CHANGES} (tbl) VALUES ('{name}'); END"
                    )
                )


# ------------------------------------------------------------------ one cell


@dataclass
class Cell:
    world: World
    role: str
    target: str | None
    actor: Actor
    before: Snap = field(default_factory=dict)
    after: Snap = field(default_factory=dict)
    new_files: set[str] = field(default_factory=set)
    scratch: dict[str, Any] = field(default_factory=dict)

    @property
    def u(self) -> UnitInfo:
        assert self.target is not None
        return self.world.units[self.target]

    @property
    def uid(self) -> int:
        return self.u.id

    def item(self, code: str) -> int:
        return self.u.items[code]

    # what the person saw
    @property
    def outcomes(self) -> list[tuple[str, Outcome]]:
        return self.actor.sent

    @property
    def replies(self) -> list[Reply]:
        return [r for _, out in self.outcomes for r in out.replies]

    @property
    def text(self) -> str:
        return "\n".join(r.text for r in self.replies)

    @property
    def buttons(self) -> list[str]:
        return [b.data for r in self.replies for row in r.buttons for b in row if b.data]

    def has_button(self, prefix: str) -> bool:
        return any(d.startswith(prefix) for d in self.buttons)

    @property
    def documents(self) -> list[OutgoingFile]:
        return [r.document for r in self.replies if r.document is not None]

    @property
    def photos(self) -> list[OutgoingFile]:
        return [r.photo for r in self.replies if r.photo is not None]

    def document_named(self, part: str) -> bool:
        return any(part in d.name for d in self.documents)

    # what changed in the database
    def rows(self, table: str, **match: Any) -> list[dict[str, Any]]:
        """Rows of ``table`` added or changed by the cell that match ``match``."""
        old = self.before[table]
        return [
            row
            for key, row in self.after[table].items()
            if old.get(key) != row and all(row.get(k) == v for k, v in match.items())
        ]

    def state(self) -> dict[str, Any]:
        row = self.after["conversation_state"].get((self.actor.person_id,))
        return dict(row["state"]) if row else {}

    def walk_card(self, unit_id: int) -> bool:
        """A card (or the field list) of the walk for ``unit_id`` was shown."""
        for data in self.buttons:
            parts = data.split(":")
            if parts[0] in WALK_HEADS and len(parts) > 1 and parts[1] == str(unit_id):
                return True
        return False

    def submission(self, status: str) -> bool:
        return bool(self.rows("submissions", unit_id=self.uid, status=status))


Act = Callable[[Cell], Awaitable[Any]]
Check = Callable[[Cell], bool]


@dataclass(frozen=True)
class Row:
    covers: str  # "cmd:<name>", "cb:<head>", "mode:<prefix>" or "file:<kind>"
    act: Act
    effect: Check
    setup: Act | None = None


async def _seq(*steps: Awaitable[Any]) -> None:
    for step in steps:
        await step


def _pending(c: Cell) -> Awaitable[None]:
    """The officer sent a file without a code: it waits in the state for its criterion."""
    return c.world.set_state(
        c.role,
        {
            "mode": "ev_pick",
            "unit_id": c.uid,
            "ev_pending": {"unit": c.uid, "files": [c.world.pending_meta], "scope": None},
        },
    )


async def _new_invite(c: Cell) -> None:
    async with c.world.db.uow() as uow:
        code, _ = await A.create_invite(
            uow,
            year=2024,
            unit_code=c.target,
            role="officer",
            ttl=timedelta(days=7),
            now=c.world.now,
        )
    c.scratch["invite"] = code


async def _section_ref(c: Cell) -> None:
    async with c.world.db.uow() as uow:
        await uow.evidence.set_section(c.u.ev_in, "Mục II")


async def _published(c: Cell) -> None:
    async with c.world.db.uow() as uow:
        period = await uow.periods.latest()
        assert period is not None
        await uow.periods.publish(period.id, c.world.now)


def _submitted_all(c: Cell) -> Awaitable[None]:
    return c.world.set_status("submitted", *TARGETS)


def _submitted(c: Cell) -> Awaitable[None]:
    return c.world.set_status("submitted", c.u.code)


async def _more_evidence_asked(c: Cell) -> None:
    await c.world.set_status("submitted", c.u.code)
    await c.world.ask_more_evidence(c.u.code)


def _rv_state(mode: str, item: str = IN_FIELD, **extra: Any) -> Act:
    """The appraiser (or the officer, for rv_reply) was asked to type something for ``item``."""

    async def setup(c: Cell) -> None:
        await c.world.set_status("submitted", c.u.code)
        if mode == "rv_reply":
            await c.world.ask_more_evidence(c.u.code)
        state = {"mode": mode, "rv_unit": c.uid, "rv_item": c.item(item), **extra}
        await c.world.set_state(c.role, state)

    return setup


def _bc_state(mode: str, **draft: Any) -> Act:
    def setup(c: Cell) -> Awaitable[None]:
        return c.world.set_state(c.role, {"mode": mode, "bc": {"text": "Thông báo thử", **draft}})

    return setup


def _x01(c: Cell) -> UnitInfo:
    return c.world.units["X01"]


def _reply_named(c: Cell, name: str) -> bool:
    return any(name in r.text for r in c.replies)


async def _bg_grant(c: Cell) -> int:
    """The role of the focal officer of X02: what the access rows show and revoke."""
    async with c.world.db.uow() as uow:
        person_id = c.world.actors["officer-X02"].person_id
        return (await uow.access.grants(person_id=person_id))[0].grant_id


def _acc_state(reason: str | None = None, mode: str | None = None) -> Act:
    async def setup(c: Cell) -> None:
        grant = await _bg_grant(c)
        c.scratch["grant"] = grant
        pending: dict[str, Any] = {"grant": grant}
        if reason is not None:
            pending["reason"] = reason
        await c.world.set_state(c.role, {"acc": pending, "mode": mode})

    return setup


def _x02_invite(*, asked: bool) -> Act:
    """An officer invite for X02 (no "keep both" flag); ``asked``: the person redeemed it and
    was asked whether to move (its id is in their state)."""

    async def setup(c: Cell) -> None:
        async with c.world.db.uow() as uow:
            _code, inv = await A.create_invite(
                uow,
                year=2024,
                unit_code="X02",
                role="officer",
                ttl=timedelta(days=7),
                now=c.world.now,
            )
            c.scratch["invite_id"] = inv.id
        if asked:
            await c.world.set_state(c.role, {"mv_invite": c.scratch["invite_id"]})

    return setup


async def _grant_into(c: Cell) -> None:
    c.scratch["grant"] = await _bg_grant(c)


def _acc_revoked(c: Cell) -> bool:
    return bool(c.rows("access_events", action="revoke"))


def _invite_used(c: Cell) -> bool:
    return bool(c.rows("invites", id=c.scratch["invite_id"], used_by=c.actor.person_id))


ROWS: dict[str, Row] = {
    # ---- commands
    "/start <invite for the unit>": Row(
        "cmd:start",
        setup=_new_invite,
        act=lambda c: c.actor.cmd(f"/start {c.scratch['invite']}"),
        # redeemed, or (an officer of another unit) asked first whether to move to it
        effect=lambda c: (
            bool(c.rows("invites", used_by=c.actor.person_id)) or "mv_invite" in c.state()
        ),
    ),
    "/start <someone else's used invite>": Row(
        "cmd:start",
        act=lambda c: c.actor.cmd(f"/start {c.world.used_invite}"),
        effect=lambda c: bool(c.rows("roles", person_id=c.actor.person_id)),
    ),
    "/help": Row("cmd:help", act=lambda c: c.actor.cmd("/help"), effect=lambda c: "/" in c.text),
    "/whoami": Row(
        "cmd:whoami", act=lambda c: c.actor.cmd("/whoami"), effect=lambda c: bool(c.text)
    ),
    "/lang": Row(
        "cmd:lang", act=lambda c: c.actor.cmd("/lang"), effect=lambda c: "l:en" in c.buttons
    ),
    "/cancel": Row(
        "cmd:cancel", act=lambda c: c.actor.cmd("/cancel"), effect=lambda c: bool(c.text)
    ),
    "/score": Row(
        "cmd:score",
        act=lambda c: c.actor.cmd("/score"),
        effect=lambda c: c.walk_card(_x01(c).id),
    ),
    "/chamdiem": Row(
        "cmd:chamdiem",
        act=lambda c: c.actor.cmd("/chamdiem"),
        effect=lambda c: c.walk_card(_x01(c).id),
    ),
    "/go 4.1": Row(
        "cmd:go",
        act=lambda c: c.actor.cmd("/go 4.1"),
        effect=lambda c: c.walk_card(_x01(c).id),
    ),
    "/progress": Row(
        "cmd:progress",
        act=lambda c: c.actor.cmd("/progress"),
        effect=lambda c: _x01(c).name in c.text,
    ),
    "/submit": Row(
        "cmd:submit",
        act=lambda c: c.actor.cmd("/submit"),
        effect=lambda c: f"s:ok:{_x01(c).id}" in c.buttons,
    ),
    "/withdraw": Row(
        "cmd:withdraw",
        setup=lambda c: c.world.set_status("submitted", "X01"),
        act=lambda c: c.actor.cmd("/withdraw"),
        effect=lambda c: f"w:ok:{_x01(c).id}" in c.buttons,
    ),
    "/rank": Row(
        "cmd:rank",
        act=lambda c: c.actor.cmd("/rank"),
        effect=lambda c: _x01(c).name in c.text,
    ),
    "/rank <unit>": Row(
        "cmd:rank",
        act=lambda c: c.actor.cmd(f"/rank {c.u.code}"),
        effect=lambda c: bool(c.replies) and c.replies[0].text.startswith(f"<b>{c.u.name}</b>"),
    ),
    "/deadlines (the unit's board)": Row(
        "cmd:deadlines",
        act=lambda c: c.actor.cmd("/deadlines"),
        effect=lambda c: MILESTONE_TITLES[c.u.board] in c.text,
    ),
    "/evidence <unit>": Row(
        "cmd:evidence",
        act=lambda c: c.actor.cmd(f"/evidence {c.u.code}"),
        effect=lambda c: f"{c.u.code} {c.u.name}" in c.text,
    ),
    "/evidence export <unit>": Row(
        "cmd:evidence",
        act=lambda c: c.actor.cmd(f"/evidence export {c.u.code}"),
        effect=lambda c: c.document_named(c.u.code) and any(".zip" in f for f in c.new_files),
    ),
    "/broadcast": Row(
        "cmd:broadcast",
        act=lambda c: c.actor.cmd("/broadcast"),
        effect=lambda c: c.state().get("mode") == "bc_text",
    ),
    "/review": Row(
        "cmd:review",
        setup=_submitted_all,
        act=lambda c: c.actor.cmd("/review"),
        effect=lambda c: c.has_button("rv:u:"),
    ),
    "/review <unit>": Row(
        "cmd:review",
        setup=_submitted_all,
        act=lambda c: c.actor.cmd(f"/review {c.u.code}"),
        effect=lambda c: c.has_button(f"rv:ok:{c.uid}:"),
    ),
    "/review status": Row(
        "cmd:review",
        act=lambda c: c.actor.cmd("/review status"),
        effect=lambda c: NAMES["appraiser"] in c.text,
    ),
    "/review assign <person> 3 commune": Row(
        "cmd:review",
        act=lambda c: c.actor.cmd(f"/review assign {c.world.actors['none'].tg} 3 commune"),
        effect=lambda c: bool(c.rows("appraiser_assignments")),
    ),
    "/export": Row(
        "cmd:export",
        act=lambda c: c.actor.cmd("/export"),
        effect=lambda c: bool(c.documents) or c.has_button("ex:"),
    ),
    "/export sheet <unit>": Row(
        "cmd:export",
        act=lambda c: c.actor.cmd(f"/export sheet {c.u.code}"),
        effect=lambda c: c.document_named(f"-{c.u.code}-"),
    ),
    "/export ranking": Row(
        "cmd:export",
        act=lambda c: c.actor.cmd("/export ranking"),
        effect=lambda c: c.document_named("Xep-hang"),
    ),
    "/publish": Row(
        "cmd:publish",
        act=lambda c: c.actor.cmd("/publish"),
        effect=lambda c: "pub:no" in c.buttons,  # the readiness summary, cancel or type the year
    ),
    "/reopen <unit>": Row(
        "cmd:reopen",
        setup=_submitted,
        act=lambda c: c.actor.cmd(f"/reopen {c.u.code}"),
        effect=lambda c: c.submission("reopened"),
    ),
    "/access": Row(
        "cmd:access", act=lambda c: c.actor.cmd("/access"), effect=lambda c: c.has_button("acc:p:")
    ),
    "/access <unit>": Row(
        "cmd:access",
        act=lambda c: c.actor.cmd(f"/access {c.u.code}"),
        effect=lambda c: c.has_button("acc:p:"),
    ),
    # ---- access
    "acc:pg:0": Row(
        "cb:acc", act=lambda c: c.actor.press("acc:pg:0"), effect=lambda c: c.has_button("acc:p:")
    ),
    "acc:p:<person>:0": Row(
        "cb:acc",
        act=lambda c: c.actor.press(f"acc:p:{c.world.actors['officer-X02'].person_id}:0"),
        effect=lambda c: c.has_button("acc:r:"),
    ),
    "acc:r:<grant>": Row(
        "cb:acc",
        setup=_grant_into,
        act=lambda c: c.actor.press(f"acc:r:{c.scratch['grant']}"),
        effect=lambda c: c.state().get("mode") == "acc_reason",
    ),
    "acc:why:<grant>:0": Row(
        "cb:acc",
        setup=_acc_state(mode="acc_reason"),
        act=lambda c: c.actor.press(f"acc:why:{c.scratch['grant']}:0"),
        effect=lambda c: f"acc:ok:{c.scratch['grant']}" in c.buttons,
    ),
    "acc:ok:<grant>": Row(
        "cb:acc",
        setup=_acc_state(reason="Nghỉ việc"),
        act=lambda c: c.actor.press(f"acc:ok:{c.scratch['grant']}"),
        effect=_acc_revoked,
    ),
    "acc:ok:<grant>, no reason chosen": Row(
        "cb:acc",
        setup=_grant_into,
        act=lambda c: c.actor.press(f"acc:ok:{c.scratch['grant']}"),
        effect=_acc_revoked,
    ),
    "acc:no": Row(
        "cb:acc",
        setup=_acc_state(mode="acc_reason"),
        act=lambda c: c.actor.press("acc:no"),
        effect=lambda c: "acc" not in c.state(),
    ),
    "mv:move:<invite>, nothing pending": Row(
        "cb:mv",
        setup=_x02_invite(asked=False),
        act=lambda c: c.actor.press(f"mv:move:{c.scratch['invite_id']}"),
        effect=_invite_used,
    ),
    "mv:move:<invite>, asked": Row(
        "cb:mv",
        setup=_x02_invite(asked=True),
        act=lambda c: c.actor.press(f"mv:move:{c.scratch['invite_id']}"),
        effect=_invite_used,
    ),
    "mv:both:<invite without the flag>": Row(
        "cb:mv",
        setup=_x02_invite(asked=True),
        act=lambda c: c.actor.press(f"mv:both:{c.scratch['invite_id']}"),
        effect=_invite_used,
    ),
    # ---- walk, submission, language
    "l:en": Row(
        "cb:l",
        act=lambda c: c.actor.press("l:en"),
        effect=lambda c: bool(c.rows("people", id=c.actor.person_id, language="en")),
    ),
    "a:<unit>:<item>:<option>": Row(
        "cb:a",
        act=lambda c: c.actor.press(f"a:{c.uid}:{c.item(OUT_FIELD)}:0"),
        effect=lambda c: bool(c.rows("answers", unit_id=c.uid, item_id=c.item(OUT_FIELD))),
    ),
    "na:<unit>:<item>": Row(
        "cb:na",
        act=lambda c: c.actor.press(f"na:{c.uid}:{c.item(NA_ITEM)}"),
        effect=lambda c: bool(c.rows("answers", unit_id=c.uid, item_id=c.item(NA_ITEM))),
    ),
    "nd:<unit>:<item>": Row(
        "cb:nd",
        act=lambda c: c.actor.press(f"nd:{c.uid}:{c.item(DATE_ITEM)}"),
        effect=lambda c: bool(c.rows("answers", unit_id=c.uid, item_id=c.item(DATE_ITEM))),
    ),
    "g:<unit>:<item>": Row(
        "cb:g",
        act=lambda c: c.actor.press(f"g:{c.uid}:{c.item(OUT_FIELD)}"),
        effect=lambda c: c.walk_card(c.uid),
    ),
    # "Đổi" under the question about a typed change; with no change waiting it shows the card
    "t:<unit>:<item>:<rev>": Row(
        "cb:t",
        act=lambda c: c.actor.press(f"t:{c.uid}:{c.item(OUT_FIELD)}:0"),
        effect=lambda c: c.walk_card(c.uid),
    ),
    "p:<unit>:<item>": Row(
        "cb:p",
        act=lambda c: c.actor.press(f"p:{c.uid}:{c.item(OUT_FIELD)}"),
        effect=lambda c: c.walk_card(c.uid),
    ),
    "n:<unit>:<item>": Row(
        "cb:n",
        act=lambda c: c.actor.press(f"n:{c.uid}:{c.item(OUT_FIELD)}"),
        effect=lambda c: c.walk_card(c.uid),
    ),
    "x:<unit>:<item> + explanation": Row(
        "cb:x",
        act=lambda c: _seq(
            c.actor.press(f"x:{c.uid}:{c.item(OUT_FIELD)}"),
            c.actor.type("Đơn vị đã ban hành đầy đủ văn bản theo quy định"),
        ),
        effect=lambda c: bool(c.rows("explanations", unit_id=c.uid, item_id=c.item(OUT_FIELD))),
    ),
    "e:<unit>:<item>": Row(
        "cb:e",
        act=lambda c: c.actor.press(f"e:{c.uid}:{c.item(IN_FIELD)}"),
        effect=lambda c: c.state().get("mode") == "evidence" and c.state().get("unit_id") == c.uid,
    ),
    "fl:<unit>": Row(
        "cb:fl", act=lambda c: c.actor.press(f"fl:{c.uid}"), effect=lambda c: c.walk_card(c.uid)
    ),
    "f:<unit>:<field>": Row(
        "cb:f", act=lambda c: c.actor.press(f"f:{c.uid}:4"), effect=lambda c: c.walk_card(c.uid)
    ),
    "s:ok:<unit>": Row(
        "cb:s",
        act=lambda c: c.actor.press(f"s:ok:{c.uid}"),
        effect=lambda c: c.submission("submitted"),
    ),
    "w:ok:<unit>": Row(
        "cb:w",
        setup=_submitted,
        act=lambda c: c.actor.press(f"w:ok:{c.uid}"),
        effect=lambda c: c.submission("draft"),
    ),
    "a:X01:<item of D01's catalog>:0": Row(
        "cb:a",
        act=lambda c: c.actor.press(f"a:{_x01(c).id}:{c.world.units['D01'].items[OUT_FIELD]}:0"),
        effect=lambda c: bool(c.rows("answers")),
    ),
    "pg:<unit>:<page>": Row(
        "cb:pg", act=lambda c: c.actor.press(f"pg:{c.uid}:0"), effect=lambda c: c.u.name in c.text
    ),
    # ---- evidence
    "ev:d:<file in field 2>": Row(
        "cb:ev",
        act=lambda c: c.actor.press(f"ev:d:{c.u.ev_in}"),
        effect=lambda c: c.document_named(f"tlkc-{c.u.code}-{IN_FIELD}"),
    ),
    "ev:d:<file in field 4>": Row(
        "cb:ev",
        act=lambda c: c.actor.press(f"ev:d:{c.u.ev_out}"),
        effect=lambda c: c.document_named(f"tlkc-{c.u.code}-{OUT_FIELD}"),
    ),
    "ev:ls:<unit>:0:0": Row(
        "cb:ev",
        act=lambda c: c.actor.press(f"ev:ls:{c.uid}:0:0"),
        effect=lambda c: f"{c.u.code} {c.u.name}" in c.text,
    ),
    "ev:r:<file>": Row(
        "cb:ev",
        act=lambda c: c.actor.press(f"ev:r:{c.u.ev_in}"),
        effect=lambda c: f"ev:rc:{c.u.ev_in}" in c.buttons,
    ),
    "ev:rc:<file>": Row(
        "cb:ev",
        act=lambda c: c.actor.press(f"ev:rc:{c.u.ev_in}"),
        effect=lambda c: any(r["removed_at"] for r in c.rows("evidence", id=c.u.ev_in)),
    ),
    "ev:rx:<file>": Row(
        "cb:ev",
        act=lambda c: c.actor.press(f"ev:rx:{c.u.ev_in}"),
        effect=lambda c: _reply_named(c, c.u.ev_names[c.u.ev_in]),
    ),
    "ev:sw:<file>": Row(
        "cb:ev",
        setup=_section_ref,
        act=lambda c: c.actor.press(f"ev:sw:{c.u.ev_in}"),
        effect=lambda c: bool(c.rows("evidence", id=c.u.ev_in, section_ref=None)),
    ),
    "ev:pk:<unit>:<item>": Row(
        "cb:ev",
        setup=_pending,
        act=lambda c: c.actor.press(f"ev:pk:{c.uid}:{c.item(PICK_ITEM)}"),
        effect=lambda c: bool(c.rows("evidence", unit_id=c.uid, item_id=c.item(PICK_ITEM))),
    ),
    "ev:pf:<unit>:<field>": Row(
        "cb:ev",
        setup=_pending,
        act=lambda c: c.actor.press(f"ev:pf:{c.uid}:4"),
        effect=lambda c: c.has_button(f"ev:pk:{c.uid}:"),
    ),
    "ev:px:<unit>": Row(
        "cb:ev",
        setup=_pending,
        act=lambda c: c.actor.press(f"ev:px:{c.uid}"),
        effect=lambda c: "ev_pending" not in c.state(),
    ),
    # ---- broadcast
    "bc:aud:all": Row(
        "cb:bc",
        setup=_bc_state("bc_aud"),
        act=lambda c: c.actor.press("bc:aud:all"),
        effect=lambda c: c.state().get("mode") == "bc_confirm",
    ),
    "bc:send:<nonce>": Row(
        "cb:bc",
        setup=_bc_state("bc_confirm", aud="all", nonce="n0nce"),
        act=lambda c: c.actor.press("bc:send:n0nce"),
        effect=lambda c: bool(c.rows("broadcasts")) and bool(c.rows("outbox")),
    ),
    "bc:cancel": Row(
        "cb:bc",
        setup=_bc_state("bc_aud"),
        act=lambda c: c.actor.press("bc:cancel"),
        effect=lambda c: "bc" not in c.state(),
    ),
    "bc:report:<notice>": Row(
        "cb:bc",
        act=lambda c: c.actor.press(f"bc:report:{c.world.broadcast_id}"),
        effect=lambda c: f"bc:report:{c.world.broadcast_id}" in c.buttons,
    ),
    "bc:remind:<notice>": Row(
        "cb:bc",
        act=lambda c: c.actor.press(f"bc:remind:{c.world.broadcast_id}"),
        effect=lambda c: any(":remind:" in r["key"] for r in c.rows("outbox")),
    ),
    "ack:<notice>": Row(
        "cb:ack",
        act=lambda c: c.actor.press(f"ack:{c.world.broadcast_id}"),
        effect=lambda c: any(r["acknowledged_at"] for r in c.rows("outbox")),
    ),
    # ---- appraisal
    "rv:q": Row(
        "cb:rv",
        setup=_submitted_all,
        act=lambda c: c.actor.press("rv:q"),
        effect=lambda c: c.has_button("rv:u:"),
    ),
    "rv:u:<unit>": Row(
        "cb:rv",
        setup=_submitted,
        act=lambda c: c.actor.press(f"rv:u:{c.uid}"),
        effect=lambda c: c.has_button(f"rv:ok:{c.uid}:"),
    ),
    "rv:g:<unit>:<item>": Row(
        "cb:rv",
        setup=_submitted,
        act=lambda c: c.actor.press(f"rv:g:{c.uid}:{c.item(IN_FIELD)}"),
        effect=lambda c: f"rv:ok:{c.uid}:{c.item(IN_FIELD)}" in c.buttons,
    ),
    "rv:n:<unit>:<item>": Row(
        "cb:rv",
        setup=_submitted,
        act=lambda c: c.actor.press(f"rv:n:{c.uid}:{c.item(IN_FIELD)}"),
        effect=lambda c: c.has_button(f"rv:ok:{c.uid}:"),
    ),
    "rv:ok:<unit>:<item in field 2>": Row(
        "cb:rv",
        setup=_submitted,
        act=lambda c: c.actor.press(f"rv:ok:{c.uid}:{c.item(IN_FIELD)}"),
        effect=lambda c: bool(c.rows("appraisals", unit_id=c.uid, item_id=c.item(IN_FIELD))),
    ),
    "rv:ok:<unit>:<item in field 4>": Row(
        "cb:rv",
        setup=_submitted,
        act=lambda c: c.actor.press(f"rv:ok:{c.uid}:{c.item(OUT_FIELD)}"),
        effect=lambda c: bool(c.rows("appraisals", unit_id=c.uid, item_id=c.item(OUT_FIELD))),
    ),
    "rv:ok:X01:<item of D01's catalog>": Row(
        "cb:rv",
        setup=_submitted_all,
        act=lambda c: c.actor.press(f"rv:ok:{_x01(c).id}:{c.world.units['D01'].items[IN_FIELD]}"),
        effect=lambda c: bool(c.rows("appraisals")),
    ),
    "rv:set:<unit>:<item>": Row(
        "cb:rv",
        setup=_submitted,
        act=lambda c: c.actor.press(f"rv:set:{c.uid}:{c.item(IN_FIELD)}"),
        effect=lambda c: c.state().get("mode") == "rv_points" and c.state().get("rv_unit") == c.uid,
    ),
    "rv:more:<unit>:<item>": Row(
        "cb:rv",
        setup=_submitted,
        act=lambda c: c.actor.press(f"rv:more:{c.uid}:{c.item(IN_FIELD)}"),
        effect=lambda c: c.state().get("mode") == "rv_due" and c.state().get("rv_unit") == c.uid,
    ),
    "rv:files:<unit>:<item>": Row(
        "cb:rv",
        setup=_submitted,
        act=lambda c: c.actor.press(f"rv:files:{c.uid}:{c.item(IN_FIELD)}"),
        effect=lambda c: c.document_named(f"tlkc-{c.u.code}-{IN_FIELD}"),
    ),
    "rv:reply:<unit>:<item>": Row(
        "cb:rv",
        setup=_more_evidence_asked,
        act=lambda c: c.actor.press(f"rv:reply:{c.uid}:{c.item(IN_FIELD)}"),
        effect=lambda c: c.state().get("mode") == "rv_reply" and c.state().get("rv_unit") == c.uid,
    ),
    # ---- rank, export, publish
    "rk:fields:<unit>": Row(
        "cb:rk", act=lambda c: c.actor.press(f"rk:fields:{c.uid}"), effect=lambda c: bool(c.photos)
    ),
    "rk:full:<unit>": Row(
        "cb:rk", act=lambda c: c.actor.press(f"rk:full:{c.uid}"), effect=lambda c: bool(c.photos)
    ),
    "rk:board:commune": Row(
        "cb:rk", act=lambda c: c.actor.press("rk:board:commune"), effect=lambda c: bool(c.photos)
    ),
    "ex:sheet:<unit>": Row(
        "cb:ex",
        act=lambda c: c.actor.press(f"ex:sheet:{c.uid}"),
        effect=lambda c: c.document_named(f"-{c.u.code}-"),
    ),
    "ex:ranking": Row(
        "cb:ex",
        act=lambda c: c.actor.press("ex:ranking"),
        effect=lambda c: c.document_named("Xep-hang"),
    ),
    "pub:ok:2024": Row(
        "cb:pub",
        act=lambda c: c.actor.press("pub:ok:2024"),
        # nothing is submitted in the seeded world: the admin is shown what is missing instead
        effect=lambda c: "Chưa công bố" in c.text,
    ),
    "pub:no": Row(
        "cb:pub", act=lambda c: c.actor.press("pub:no"), effect=lambda c: bool(c.replies)
    ),
    "/unpublish <reason>": Row(
        "cmd:unpublish",
        setup=_published,
        act=lambda c: c.actor.cmd("/unpublish sửa điểm điều tra"),
        effect=lambda c: any(r["published_at"] is None for r in c.rows("periods")),
    ),
    "typed year in mode pub_confirm": Row(
        "mode:pub",
        setup=lambda c: c.world.set_state(c.role, {"mode": "pub_confirm", "pub": {"year": 2024}}),
        act=lambda c: c.actor.type("2024 chưa có kết quả điều tra"),
        effect=lambda c: any(r["published_at"] for r in c.rows("periods")),
    ),
    # ---- typed text in a mode
    "typed code in mode ev_pick": Row(
        "mode:ev",
        setup=_pending,
        act=lambda c: c.actor.type(PICK_ITEM),
        effect=lambda c: bool(c.rows("evidence", unit_id=c.uid, item_id=c.item(PICK_ITEM))),
    ),
    "typed section in mode ev_section": Row(
        "mode:ev",
        setup=lambda c: c.world.set_state(c.role, {"mode": "ev_section", "ev_sec": c.u.ev_in}),
        act=lambda c: c.actor.type("Mục II, trang 3"),
        effect=lambda c: bool(c.rows("evidence", id=c.u.ev_in, section_ref="Mục II, trang 3")),
    ),
    "typed notice in mode bc_text": Row(
        "mode:bc",
        setup=lambda c: c.world.set_state(c.role, {"mode": "bc_text", "bc": {}}),
        act=lambda c: c.actor.type("Đề nghị các đơn vị nộp báo cáo CCHC quý I"),
        effect=lambda c: c.state().get("mode") == "bc_aud",
    ),
    "typed points in mode rv_points": Row(
        "mode:rv",
        setup=_rv_state("rv_points"),
        act=lambda c: c.actor.type("0 thiếu quyết định phê duyệt"),
        effect=lambda c: bool(c.rows("appraisals", unit_id=c.uid, item_id=c.item(IN_FIELD))),
    ),
    "typed reason in mode rv_reason": Row(
        "mode:rv",
        setup=_rv_state("rv_reason", rv_points="0"),
        act=lambda c: c.actor.type("Thiếu quyết định phê duyệt kế hoạch"),
        effect=lambda c: bool(c.rows("appraisals", unit_id=c.uid, item_id=c.item(IN_FIELD))),
    ),
    "typed points, item in field 4": Row(
        "mode:rv",
        setup=_rv_state("rv_points", OUT_FIELD),
        act=lambda c: c.actor.type("0 thiếu quyết định phê duyệt"),
        effect=lambda c: bool(c.rows("appraisals", unit_id=c.uid, item_id=c.item(OUT_FIELD))),
    ),
    "typed comment in mode rv_comment": Row(
        "mode:rv",
        setup=_rv_state("rv_comment", rv_due="2024-03-01"),
        act=lambda c: c.actor.type("Thiếu quyết định phê duyệt kế hoạch"),
        effect=lambda c: bool(
            c.rows("appraisals", unit_id=c.uid, item_id=c.item(IN_FIELD), status="more_evidence")
        ),
    ),
    "typed reply in mode rv_reply": Row(
        "mode:rv",
        setup=_rv_state("rv_reply"),
        act=lambda c: c.actor.type("Đã bổ sung quyết định số 12 ngày 01/3/2024"),
        effect=lambda c: bool(c.rows("explanations", unit_id=c.uid, item_id=c.item(IN_FIELD))),
    ),
    "typed reason in mode acc_reason": Row(
        "mode:acc",
        setup=_acc_state(mode="acc_reason"),
        act=lambda c: c.actor.type("Chuyển công tác sang huyện khác"),
        effect=lambda c: f"acc:ok:{c.scratch['grant']}" in c.buttons,
    ),
    # ---- files
    "document upload (evidence)": Row(
        "file:document",
        act=lambda c: c.actor.upload(
            "quyet-dinh.pdf", text_page_pdf("Quyet dinh bo sung"), caption="2.2.1 Quyết định"
        ),
        effect=lambda c: bool(c.rows("evidence", unit_id=_x01(c).id)),
    ),
    "photo upload (evidence)": Row(
        "file:photo",
        act=lambda c: c.actor.upload(
            "anh.jpg", jpeg(), caption="7.3 Ảnh niêm yết", mime="image/jpeg", kind="photo"
        ),
        effect=lambda c: bool(c.rows("evidence", unit_id=_x01(c).id)),
    ),
    "/plan": Row(
        "cmd:plan",
        act=lambda c: c.actor.cmd("/plan"),
        effect=lambda c: "/plan 2024" in c.text,
    ),
    "plan document (caption /plan)": Row(
        "file:document",
        act=lambda c: c.actor.upload(
            "ke-hoach.txt", PLAN_TXT.encode(), caption="/plan", mime="text/plain"
        ),
        effect=lambda c: c.document_named("ke-hoach-2024.yaml"),
    ),
    "/catalog": Row(
        "cmd:catalog",
        act=lambda c: c.actor.cmd("/catalog"),
        effect=lambda c: "/catalog import" in c.text,
    ),
    "appendix (caption /catalog)": Row(
        "file:document",
        act=lambda c: c.actor.upload(
            "phu-luc-i.xlsx", APPENDIX_XLSX, caption="/catalog", mime="application/vnd.ms-excel"
        ),
        effect=lambda c: c.document_named("phu-luc-i-2024.yaml"),
    ),
    "catalog YAML (/catalog import)": Row(
        "file:document",
        act=lambda c: c.actor.upload(
            "ma-tran.yaml", CATALOG_YAML.encode(), caption="/catalog import 2030", mime="text/yaml"
        ),
        effect=lambda c: bool(c.rows("catalogs", code="ma-tran")),
    ),
    "reviewed plan YAML (caption /plan)": Row(
        "file:document",
        act=lambda c: c.actor.upload(
            "ke-hoach-2024.yaml", PLAN_YAML.encode(), caption="/plan", mime="application/yaml"
        ),
        effect=lambda c: bool(c.rows("milestones", key="plan_step")),
    ),
    "document in mode bc_text (notice)": Row(
        "file:document",
        setup=lambda c: c.world.set_state(c.role, {"mode": "bc_text", "bc": {}}),
        act=lambda c: c.actor.upload(
            "thong-bao.docx",
            docx(),
            mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        effect=lambda c: any(f.startswith("broadcasts") for f in c.new_files),
    ),
}


# ------------------------------------------------------------------ the cells


def _targets(row: str) -> tuple[str | None, ...]:
    n = len(MATRIX[row][0])
    return TARGETS[:n] if n > 1 else (None,)


def _cells(rows: Collection[str] = MATRIX) -> list[Any]:
    out = []
    for row, marks in MATRIX.items():
        if row not in rows:
            continue
        for role, mark in zip(ROLES, marks, strict=True):
            for target, m_ in zip(_targets(row), mark, strict=True):
                cid = f"{row} | {role}" + (f" | {target}" if target else "")
                marks_: list[Any] = []
                if m_ == X:
                    reason = BUGS[(row, role, target)]
                    marks_.append(pytest.mark.xfail(strict=True, reason=reason))
                out.append(pytest.param(row, role, target, m_ == Y, id=cid, marks=marks_))
    return out


def _without(rows: dict[tuple[Any, ...], Any], key: tuple[Any, ...]) -> dict[tuple[Any, ...], Any]:
    return {k: v for k, v in rows.items() if k != key}


def _visible(kind: str, out: Outcome) -> bool:
    """The person saw something: a message, or (for a button) at least a toast."""
    texts = [r.text for r in out.replies if r.text.strip() or r.document or r.photo]
    return bool(texts) or (kind == "callback" and bool(out.toast))


CELL = ("row", "role", "target", "allowed")


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize(CELL, _cells())
async def test_cell(sqlite_world: World, row: str, role: str, target: str | None, allowed: bool):
    await check_cell(sqlite_world, row, role, target, allowed)


@pytest.mark.postgres
@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize(CELL, _cells(WRITES))
async def test_cell_on_postgres(
    postgres_world: World, row: str, role: str, target: str | None, allowed: bool
):
    await check_cell(postgres_world, row, role, target, allowed)


async def check_cell(world: World, row: str, role: str, target: str | None, allowed: bool) -> None:
    spec = ROWS[row]
    await world.restore()
    actor = world.actors[role]
    cell = Cell(world, role, target, actor)
    cell.before = world.baseline
    if spec.setup is not None:
        await spec.setup(cell)
        cell.before = {**world.baseline, **(await world.written())[1]}
    files_before = world.files()
    actor.sent, actor.covered = [], set()
    await spec.act(cell)
    written, rows = await world.written()
    cell.after = {**cell.before, **rows}
    world.last = {name: cell.after[name] for name in world.dirty}
    cell.new_files = world.files() - files_before

    assert spec.covers in actor.covered or spec.covers.startswith("mode:"), (spec, actor.covered)
    seen = [r.text for _, out in actor.sent for r in out.replies] + [
        out.toast for _, out in actor.sent if out.toast
    ]
    assert not BROKEN_TEXTS & set(seen), seen
    if not (allowed and row in CATALOG_WRITERS):
        assert not written & STATIC, f"the chat wrote {written & STATIC}"
    for kind, out in actor.sent:
        assert _visible(kind, out), f"no reply at all to a {kind}: {out}"
    effect = spec.effect(cell)
    if allowed:
        assert effect, f"allowed, but nothing happened; the person saw: {seen}"
        return
    assert not effect, f"denied, but it took effect; the person saw: {seen}"
    mine = (actor.person_id,)  # the person's own chat state may move (e.g. a mode is left)
    changed = {
        name: (old, new)
        for name in written - NOISE
        if (old := _without(cell.before[name], mine)) != (new := _without(cell.after[name], mine))
    }
    assert not changed, f"denied, but the database changed: {changed}; the person saw: {seen}"
    assert not cell.new_files, f"denied, but files were written: {cell.new_files}"
    assert not cell.documents and not cell.photos, f"denied, but sent {cell.documents}"


# ------------------------------------------------------------------ completeness


def _constants(func: Callable[..., Any], var: str) -> set[str]:
    """The literal values ``var`` is compared with (``==`` / ``in (…)``) in ``func``'s body."""
    tree = ast.parse(inspect.getsource(func).lstrip())
    found: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Compare):
            continue
        left = node.left
        name = left.id if isinstance(left, ast.Name) else getattr(left, "attr", None)
        if name != var:
            continue
        for comp in node.comparators:
            if isinstance(comp, ast.Constant) and isinstance(comp.value, str):
                found.add(comp.value)
            elif isinstance(comp, ast.Tuple | ast.List | ast.Set):
                found |= {e.value for e in comp.elts if isinstance(e, ast.Constant)}
    return found


def test_the_matrix_covers_every_command_button_mode_and_file():
    assert set(MATRIX) == set(ROWS) and set(MATRIX) >= WRITES
    for row, marks in MATRIX.items():
        assert len({len(mk) for mk in marks}) == 1 and len(marks[0]) <= len(TARGETS), row
        assert set("".join(marks)) <= {Y, N, X}, row
    for (row, role, target), _reason in BUGS.items():
        mark = MATRIX[row][ROLES.index(role)]
        assert mark[TARGETS.index(target) if target else 0] == X, (row, role, target)
    covers = {spec.covers for spec in ROWS.values()}

    def kinds(prefix: str) -> set[str]:
        return {c.split(":", 1)[1] for c in covers if c.startswith(prefix + ":")}

    routes = build_registry()
    commands = {r.name for r in routes.routes("command")}
    assert kinds("cmd") == commands, "a command without a matrix row (or a stale row)"
    heads = {r.name for r in routes.routes("button")}
    assert kinds("cb") == heads, "a button without a matrix row (or a stale row)"
    modes = {r.name for r in routes.routes("mode")}
    assert kinds("mode") == modes, "a conversation mode without a matrix row"
    assert kinds("file") == _constants(router.route, "kind") - {"callback", "command"}
