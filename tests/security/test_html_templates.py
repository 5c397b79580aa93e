"""Issue 18, finding 2: hostile text through every message template, parsed like Telegram.

Every place people put text in — Telegram names, unit names from the CSV, catalog titles,
explanations, file names, appraisal comments, broadcast text, plan wording — gets markup that
Telegram would either turn into a link or refuse ("can't parse entities"). Then every role
walks through its commands on the real core and database, and every reply, notice and
reminder is parsed by the emulator's Telegram HTML parser: it must be accepted, carry no
link, and show the hostile text literally.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

import documents
from bot.app import Database, open_database
from bot.settings import load_settings
from conversations import assessment as A
from conversations.context import CoreConfig
from conversations.engine import ChatEngine
from conversations.markup import Html, bold, esc, fmt, join_lines
from conversations.plan import Milestone
from conversations.plan_review import review_html
from conversations.replies import Button, Event, Outcome
from emulator.formatting import parse_html
from handlers.routes import build_registry
from scheduler import reminders as R
from storage import models as m
from storage.files import EvidenceStore
from tests.evidence_check import factories as f
from tests.results.helpers import STANDARD_ANSWERS, XA, Clock, User, invite

LINK = '<a href="tg://user?id=1">{}</a>'
OFFICER = LINK.format("cán bộ") + " <script>"
LEADER = "<script>Thủ trưởng</script> & co"
ADMIN = "Nội vụ <b>unclosed"
APPRAISER = "Thẩm định </i> & &amp; <"
UNIT = "UBND " + LINK.format("xã") + " & <script>"  # X01's name is UNIT + "X01"
UNITS = ("X01", "X02")
FIELD = "<script>Chỉ đạo</script> & <b>"
ITEM = "Kế hoạch <i>CCHC & <u>"
EXPLANATION = '<a href="http://evil.example/">click</a> & <i>'
FILE = "<script>bao-cao<b>&<x>.pdf"  # no "/": the upload turns path separators into "-"
COMMENT = "<tg-spoiler>bổ sung</tg-spoiler> & <"
NOTICE = LINK.format("họp") + " <script> & <pre>"
PLAN = "Nộp <b>báo cáo</b> & <a href='x'>"
SIGNER = "Nguyễn <b>Văn</b> & <An>"
DUE = datetime.now(UTC).date() + timedelta(days=20)  # the chat's clock is real time
HOSTILE = (OFFICER, LEADER, UNIT, FIELD, ITEM, EXPLANATION, FILE, COMMENT, NOTICE, PLAN, SIGNER)


# ------------------------------------------------------------------ the helper itself


def test_fmt_escapes_its_arguments_and_keeps_markup_it_is_given():
    out = fmt("<b>%(name)s</b> · %(n)s · %(x)s", name=OFFICER, n=3, x=bold(LEADER))
    plain, spans = parse_html(out)
    assert plain == f"{OFFICER} · 3 · {LEADER}"
    assert [s.type for s in spans] == ["bold", "bold"]
    assert isinstance(out, Html) and esc(out) is out  # escaping is never applied twice


def test_html_concatenation_and_join_escape_the_plain_side():
    joined = join_lines([bold("1.1"), UNIT, "a & b"])
    assert parse_html(joined)[0] == f"1.1\n{UNIT}\na & b"
    assert parse_html("→ " + bold("x") + " " + FILE)[0] == f"→ x {FILE}"
    assert (bold(UNIT) + "!").plain == UNIT + "!"


def test_places_without_html_show_the_plain_text():
    label = fmt("📂 %(unit)s", unit="Tài chính & Kế hoạch <1>")
    assert Button(label, "x").text == "📂 Tài chính & Kế hoạch <1>"
    assert label.plain == "📂 Tài chính & Kế hoạch <1>"


def test_the_plan_review_shows_hostile_plan_text_literally():
    step = Milestone(
        id="b1",
        title=PLAN,
        kind="other",
        due=date(2024, 3, 16),
        precision="day",
        lead=LEADER,
        coordinate=UNIT,
        source=PLAN,
    )
    plain = check("plan review", review_html("vi", 1, step))
    assert PLAN in plain and LEADER in plain and UNIT in plain


# ------------------------------------------------------------------ every template


class Recorder(User):
    """A user whose every reply (and toast) is kept for checking."""

    seen: list[tuple[str, str]]

    async def _handle(self, event: Event) -> Outcome:
        out = await super()._handle(event)
        for reply in out.replies:
            self.seen.append((f"{self.name} {event.text or event.callback_data}", reply.text))
        return out


def hostile_catalog() -> str:
    text = XA.read_text("utf-8").replace("\nlocale: vi\n", "\n")
    for old, new in (
        ("title: Công tác chỉ đạo, điều hành CCHC", FIELD),
        ("title: Nội dung Kế hoạch đầy đủ, có phân công nhiệm vụ, thời gian thực hiện", ITEM),
    ):
        assert old in text
        text = text.replace(old, f"title: '{new}'", 1)
    return text


@pytest.fixture
async def world(db_url: str, tmp_path: Path):
    settings = load_settings(database_url=db_url, data_dir=tmp_path / "data")
    async with open_database(settings, migrate=False) as db:
        async with db.uow() as uow:
            await A.import_catalog(uow, hostile_catalog(), 2024)
            await A.import_units(
                uow,
                "code,name,board\n"
                + "".join(
                    f'{c},"{UNIT.replace(chr(34), chr(34) * 2)}{c}",commune\n' for c in UNITS
                ),
                2024,
            )
            await A.import_answers(
                uow,
                "unit,item,value,explanation\n"
                + "\n".join(r for r in STANDARD_ANSWERS if r.startswith("X01,")),
                2024,
                allow_missing_evidence=True,  # a sample sheet: no evidence files
            )
        config = CoreConfig(
            formats=documents.formats(),
            data_dir=tmp_path / "data",
            expensive_every=0,
            default_locale="en",
        )
        yield db, ChatEngine(db.uow, config, Clock(), routes=build_registry()), settings


async def _people(db: Database, engine: ChatEngine, seen: list[tuple[str, str]]):
    async def join(uid: int, unit: str | None, role: str, name: str) -> Recorder:
        u = Recorder(engine, uid, "Lan", "en")
        u.seen = seen
        await u.send(f"/start {await invite(db, unit, role)}")
        u.name = name  # renamed in Telegram after joining: every later update carries it
        return u

    return (
        await join(9101, "X01", "officer", OFFICER),
        await join(9102, "X01", "leader", LEADER),
        await join(9103, None, "admin", ADMIN),
        await join(9104, None, "appraiser", APPRAISER),
    )


async def _hostile_rows(db: Database, settings, officer_id: int) -> None:
    """Explanation, evidence file, plan milestone: text the officer and admin typed."""
    store = EvidenceStore(settings.evidence_dir)
    async with db.uow() as uow:
        period = await uow.periods.get_by_year(2024)
        unit = await uow.units.get_by_code(period.id, "X01")
        items = await uow.catalogs.items_by_code(unit.catalog_id)
        person = await uow.people.get_by_telegram_id(officer_id)
        await uow.answers.set_explanation(unit.id, items["1.1.1.a"].id, EXPLANATION, person)
        sha, _ = store.put(f.text_page_pdf("bao cao"))
        await uow.evidence.add(
            unit.id,
            items["1.1.1.a"].id,
            sha,
            original_name=FILE,
            size=1000,
            mime="application/pdf",
            signature_status="signed_intact",
            pages=1,
            signer=SIGNER,
            uploaded_by=person,
        )
        await uow.milestones.upsert(
            period.id,
            "tu-cham",
            PLAN,
            "self_assessment",
            DUE,
            lead=LEADER,
            source=PLAN,
            reminder_days=[30, 7, 1],
        )
        await uow.milestones.upsert(
            period.id, "hop", PLAN, "other", DUE, source=PLAN, reminder_days=[1]
        )


def check(where: str, text: str) -> str:
    """Telegram accepts the message, it has no link, and returns its plain text."""
    try:
        plain, spans = parse_html(text)
    except ValueError as err:
        raise AssertionError(f"{where}: Telegram refuses {text!r}: {err}") from err
    assert not [s for s in spans if s.type == "text_link"], (where, text)
    return plain


async def test_hostile_text_through_every_template(world):
    db, engine, settings = world
    seen: list[tuple[str, str]] = []
    officer, leader, admin, appraiser = await _people(db, engine, seen)
    await _hostile_rows(db, settings, officer.user_id)

    for cmd in ("/whoami", "/help", "/score", "/progress", "/evidence", "/deadlines", "/rank"):
        await officer.send(cmd)
    await officer.send("/score 1.1.1.a")
    await officer.send("/cancel")
    await officer.send("khi nào hết hạn nộp báo cáo?")
    await officer.send("/evidence")
    await officer.press("⬇️")
    await officer.send("/evidence")
    await officer.press("🗑")
    await officer.press("Cancel")
    await officer.send("/submit")
    await officer.press("Confirm")
    for cmd in ("/whoami", "/rank", "/progress", "/export", "/evidence"):
        await leader.send(cmd)
    await admin.send(f"/review assign {appraiser.user_id} 1 commune")
    await appraiser.send("/review")
    await appraiser.press("X01")
    await appraiser.press("Ask for more")
    await appraiser.send((DUE + timedelta(days=5)).strftime("%d/%m/%Y"))
    await appraiser.send(COMMENT)
    await admin.send("/review status")
    await admin.send("/rank")
    await admin.send("/export sheet X01")
    await admin.send("/broadcast")
    await admin.send(NOTICE)
    await admin.press(data=admin.button("All units"))
    await admin.press(data=admin.button("Send"))
    async with db.uow() as uow:  # the officer blocked the bot: the report names them
        for row in (await uow.session.execute(select(m.OutboxMessage))).scalars().all():
            if row.key.startswith("bc:") and row.chat_id == officer.user_id:
                await uow.outbox.mark_unreachable(row.id, "Forbidden: bot was blocked by the user")
    await admin.press("Refresh")
    # a second unit's invite asks whether to move (both unit names shown)
    await officer.send(f"/start {await invite(db, 'X02', 'officer')}")
    await officer.press("Cancel")
    # the admin revokes the officer: the list, the person, the confirmation, their notice
    await admin.send("/access")
    await admin.press("X01")
    await admin.press("❌")
    await admin.send(COMMENT)
    await admin.press("Revoke")

    plains = [check(where, text) for where, text in seen]
    async with db.uow() as uow:
        outbox = (await uow.session.execute(select(m.OutboxMessage))).scalars().all()
        planned, _ = await R.plan_reminders(uow, DUE - timedelta(days=1), "en")
        planned += (await R.plan_reminders(uow, DUE + timedelta(days=3), "en"))[0]
    plains += [check(f"outbox {row.key}", row.payload["text"]) for row in outbox]
    plains += [check(f"reminder {p.key}", p.text) for p in planned]
    assert planned and len(outbox) > 3
    everything = "\n".join(plains)
    for value in HOSTILE:
        assert value in everything, f"{value!r} was never shown literally"
    # the notices that carried the finding: the leader's "submitted" and the broadcast
    assert any(OFFICER in p and UNIT + "X01" in p for p in plains)
    assert sum(NOTICE in p for p in plains) >= 3
    assert any("You are already" in p and UNIT + "X02" in p for p in plains)
    assert any("removed your access" in p and COMMENT in p for p in plains)
    assert any("Unreachable" in p and f"{OFFICER} — {UNIT}X01" in p for p in plains)
