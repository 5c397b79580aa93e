"""Seeding for the results tests: units and answers through the real import use cases."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from bot.app import Database
from conversations import assessment as A
from conversations.engine import ChatEngine
from conversations.replies import Event, Outcome, Reply, Sender
from scoring.catalog import Item, sample_catalog_paths
from scoring.catalog_loader import load_catalog_file
from scoring.results import UnitResult
from storage.db import make_engine, make_sessionmaker
from storage.uow import UnitOfWork

T = TypeVar("T")

XA = sample_catalog_paths()["xa-mau-2024"]
PHONG = sample_catalog_paths()["phong-mau-2024"]
CAT = load_catalog_file(XA)
SURVEY = {leaf.code: leaf.max for leaf in CAT.leaves() if leaf.is_survey}
UNITS = (
    "code,name,board\n"
    "X01,UBND xã Canh Thuận,commune\n"
    "X02,UBND xã Canh Hiệp,commune\n"
    "X03,UBND xã Canh Liên,commune\n"
    "X04,UBND phường Bình Định,commune\n"
)


def best_value(item: Item) -> str:
    a = item.answer
    assert a is not None
    if a.kind == "choice":
        return next(o.id for o in a.options if o.points == item.max)
    if a.kind in ("ratio", "proportional"):
        return "10/10"
    if a.kind == "deduction":
        return "0"
    if a.kind == "number":
        return str(next(b.min for b in a.bands if b.points == item.max))
    if a.kind == "date":
        assert a.deadline is not None
        return a.deadline.isoformat()
    return str(item.max)


def sheet(unit: str, **overrides: str) -> list[str]:
    """CSV rows answering every self-scored field item at its max, except ``overrides``
    (``1_2_3="value"``; bonus/penalty codes are added, e.g. ``B_1="co"``)."""
    rows = []
    for leaf in CAT.leaves():
        if leaf.is_survey or leaf.section != "field":
            continue
        value = overrides.pop(leaf.code.replace(".", "_"), best_value(leaf))
        expl = "Giải trình: tự chấm theo kết quả thực hiện" if leaf.kind == "manual" else ""
        rows.append(f"{unit},{leaf.code},{value},{expl}")
    for code, value in overrides.items():
        rows.append(f"{unit},{code.replace('_', '.')},{value},")
    return rows


# the standard board: X01 perfect, X02 loses a little, X03 fails field 4, X04 never answered
STANDARD_ANSWERS = [
    *sheet("X01", B_1="cap_tinh"),
    *sheet("X02", **{"3_3_1": "95/100", "5_4_1": "1"}),
    *sheet("X03", **{"4_3": "vuot", "4_1": "khong"}),
]


async def seed(
    db: Database,
    *,
    units: str = UNITS,
    answers: list[str] | None = None,
    catalogs: tuple[str, ...] = ("xa",),
) -> None:
    async with db.uow() as uow:
        if "xa" in catalogs:
            await A.import_catalog(uow, without_locale(XA), 2024)
        if "phong" in catalogs:
            await A.import_catalog(uow, without_locale(PHONG), 2024)
        await A.import_units(uow, units, 2024)
        if answers:
            await A.import_answers(
                uow,
                "unit,item,value,explanation\n" + "\n".join(answers),
                2024,
                allow_missing_evidence=True,  # sample sheets without evidence files
            )


async def set_survey(db: Database, units: list[str], points: dict[str, Decimal] = SURVEY) -> None:
    async with db.uow() as uow:
        period = await uow.periods.get_by_year(2024)
        for code in units:
            unit = await uow.units.get_by_code(period.id, code)
            items = await uow.catalogs.items_by_code(unit.catalog_id)
            for item_code, pts in points.items():
                await uow.survey.set_points(unit.id, items[item_code].id, pts)


async def submit(db: Database, *codes: str) -> None:
    async with db.uow() as uow:
        period = await uow.periods.get_by_year(2024)
        for code in codes:
            unit = await uow.units.get_by_code(period.id, code)
            await uow.submissions.set_status(unit.id, "submitted")


async def standings(db: Database, board: str | None = None) -> list[A.Standing]:
    async with db.uow() as uow:
        return await A.standings(uow, 2024, board)


async def full_result(db: Database, unit_code: str) -> UnitResult:
    """A unit's result with every item's score (standings carry summaries only)."""
    async with db.uow() as uow:
        period = await uow.periods.get_by_year(2024)
        unit = await uow.units.get_by_code(period.id, unit_code)
        pair = await A.unit_result(uow, unit)
        assert pair is not None
        return pair[1]


async def invite(db: Database, unit: str | None, role: str) -> str:
    async with db.uow() as uow:
        code, _ = await A.create_invite(
            uow, year=2024, unit_code=unit, role=role, ttl=timedelta(days=7), now=datetime.now(UTC)
        )
    return code


@dataclass
class Clock:
    """Real time, shifted on demand: rows the repositories stamp with their own clock and rows
    the chat stamps with ``ctx.now`` stay in the order they were written."""

    offset: timedelta = field(default_factory=timedelta)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    @property
    def now(self) -> datetime:
        return self()

    def advance(self, **kw: float) -> None:
        self.offset += timedelta(**kw)


@dataclass
class User:
    """One Telegram user talking to the engine (no transport): events in, replies out."""

    engine: ChatEngine
    user_id: int
    name: str = "Lan"
    lang: str = "en"
    counter: ClassVar[list[int]] = [0]
    last: Outcome | None = None

    @property
    def sender(self) -> Sender:
        return Sender(self.user_id, self.user_id, self.name, language_code=self.lang)

    async def _go(self, **kw: object) -> Outcome:
        self.counter[0] += 1
        return await self._handle(Event(self.counter[0], self.sender, **kw))  # type: ignore[arg-type]

    async def _handle(self, event: Event) -> Outcome:
        out = await self.engine.handle(event)
        assert out is not None
        self.last = out
        return out

    async def send(self, text: str) -> Outcome:
        self.counter[0] += 1
        return await self._handle(Event.typed(self.counter[0], self.sender, text))

    async def press(self, label: str | None = None, data: str | None = None) -> Outcome:
        if data is None:
            data = self.button(label)
        return await self._go(kind="callback", callback_id="cb", callback_data=data, message_id=1)

    def button(self, label: str | None) -> str:
        assert self.last is not None
        for reply in reversed(self.last.replies):
            for row in reply.buttons:
                for b in row:
                    if label is not None and label in b.text and b.data:
                        return b.data
        raise AssertionError(f"no button {label!r} in {self.texts}")

    @property
    def reply(self) -> Reply:
        assert self.last is not None and self.last.replies, self.last
        return self.last.replies[-1]

    @property
    def texts(self) -> list[str]:
        return [r.text for r in (self.last.replies if self.last else [])]

    @property
    def text(self) -> str:
        return "\n".join(self.texts)

    async def join(self, db: Database, unit: str | None, role: str) -> User:
        await self.send(f"/start {await invite(db, unit, role)}")
        assert "✅" in self.text, self.text
        return self


def without_locale(path) -> str:
    """The sample catalog without its `locale: vi`, so English-speaking test users stay English
    (a declared catalog locale comes before the Telegram language; see test_catalog_language)."""
    return path.read_text("utf-8").replace("\nlocale: vi\n", "\n")


def write(tmp_path: Path, name: str, lines: list[str]) -> str:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def with_db(db_url: str, fn: Callable[[UnitOfWork], Awaitable[T]]) -> T:
    """Run ``fn`` in a unit of work on ``db_url`` from sync (CLI) tests."""

    async def go() -> T:
        engine = make_engine(db_url)
        try:
            async with UnitOfWork(make_sessionmaker(engine)) as uow:
                return await fn(uow)
        finally:
            await engine.dispose()

    return asyncio.run(go())


def rank_json(cli: Callable[..., Any]) -> dict[str, dict[str, Any]]:
    return {r["unit"]: r for r in json.loads(cli("rank", "--period", "2024", "--json").output)}
