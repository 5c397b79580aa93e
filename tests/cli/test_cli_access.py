"""`parbot access list|revoke|history` on a real migrated database (SQLite and PostgreSQL).

People join the way they do in production: an invite from `parbot invite`, redeemed in chat
through the conversation core."""

from __future__ import annotations

import asyncio
import itertools
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import documents
from bot.app import open_database
from bot.settings import load_settings
from conversations.context import CoreConfig
from conversations.engine import ChatEngine
from conversations.replies import Event, Outcome, Sender
from scoring.catalog import sample_catalog_paths

XA = sample_catalog_paths()["xa-mau-2024"]
UPDATE_IDS = itertools.count(1)
UNITS = "code,name,board\nX01,UBND xã An Hòa,commune\nX02,UBND xã Bình Phú,commune\n"


@pytest.fixture
def cli(cli, tmp_path: Path):
    """The shared `cli` (tests/conftest.py) on a database with the sample catalog and two units."""
    cli("catalog", "import", str(XA), "--period", "2024")
    units = tmp_path / "units.csv"
    units.write_text(UNITS, encoding="utf-8")
    cli("units", "import", str(units), "--period", "2024")
    return cli


def chat(db_url: str, tmp_path: Path, user_id: int, name: str, *texts: str) -> list[Outcome]:
    """Send ``texts`` (commands, or button data prefixed with "cb:") from one person."""

    async def go() -> list[Outcome]:
        settings = load_settings(database_url=db_url, data_dir=tmp_path / "data")
        async with open_database(settings, migrate=False) as db:
            engine = ChatEngine(
                db.uow, CoreConfig(formats=documents.formats()), lambda: datetime.now(UTC)
            )
            outs = []
            for text in texts:
                sender = Sender(user_id, user_id, name, language_code="en")
                uid = next(UPDATE_IDS)
                if text.startswith("cb:"):
                    ev = Event(uid, sender, "callback", callback_id="c", callback_data=text[3:])
                else:
                    cmd, args = Event.parse_command(text) or ("", "")
                    ev = Event(uid, sender, "command", text=text, command=cmd, args=args)
                out = await engine.handle(ev)
                assert out is not None
                outs.append(out)
            return outs

    return asyncio.run(go())


def invite_code(cli, *args: str) -> str:
    return cli("invite", "--period", "2024", *args).output.splitlines()[0]


def test_list_and_revoke_an_officer_with_two_units_then_the_departed_officer(cli, db_url, tmp_path):
    first = invite_code(cli, "--unit", "X01", "--role", "officer")
    second = invite_code(cli, "--unit", "X02", "--role", "officer", "--second-unit")
    lead = invite_code(cli, "--unit", "X01", "--role", "leader")
    outs = chat(db_url, tmp_path, 7001, "Lan", f"/start {first}", f"/start {second}")
    move_or_keep = [b.data for r in outs[-1].replies for row in r.buttons for b in row]
    chat(db_url, tmp_path, 7001, "Lan", "cb:" + next(d for d in move_or_keep if ":both:" in d))
    chat(db_url, tmp_path, 7002, "Hùng", f"/start {lead}")

    listed = json.loads(cli("access", "list", "--period", "2024", "--json").output)
    assert sorted((r["person"], r["role"], r["unit"]) for r in listed) == [
        (7001, "officer", "X01"),
        (7001, "officer", "X02"),
        (7002, "leader", "X01"),
    ]
    only_x02 = cli("access", "list", "--unit", "X02").output
    assert "7001" in only_x02 and "X02 UBND xã Bình Phú" in only_x02 and "7002" not in only_x02

    out = cli(
        "access", "revoke", "--person", "7001", "--unit", "X02", "--reason", "Chỉ giữ một xã"
    ).output
    assert "Revoked: Lan: focal officer — X02 UBND xã Bình Phú" in out
    listed = json.loads(cli("access", "list", "--json").output)
    assert sorted((r["person"], r["unit"]) for r in listed) == [(7001, "X01"), (7002, "X01")]

    # the departed officer: every role at once; their next update sees it
    cli("access", "revoke", "--person", "7001", "--reason", "Nghỉ việc")
    listed = json.loads(cli("access", "list", "--json").output)
    assert [(r["person"], r["role"]) for r in listed] == [(7002, "leader")]
    (after,) = chat(db_url, tmp_path, 7001, "Lan", "/submit")
    assert "chưa được đăng ký với đơn vị nào" in after.replies[-1].text  # Vietnamese

    history = cli("access", "history", "--person", "7001").output.splitlines()
    assert len(history) == 4  # two grants by invite, two revocations by the CLI
    assert "revoked" in history[0] and "X01 UBND xã An Hòa" in history[0]
    assert "cli: Nghỉ việc" in history[0]
    assert "cli: Chỉ giữ một xã" in history[1] and "X02" in history[1]
    assert all("invite" in line for line in history[2:])


def test_revoke_refuses_unknown_people_roles_units_and_missing_reasons(cli, db_url, tmp_path):
    code = invite_code(cli, "--unit", "X01", "--role", "officer")
    chat(db_url, tmp_path, 7001, "Lan", f"/start {code}")
    nobody = cli("access", "revoke", "--person", "999", "--reason", "x", code=1)
    assert "no person with Telegram id 999" in nobody.output + (nobody.stderr or "")
    wrong_role = cli(
        "access", "revoke", "--person", "7001", "--role", "leader", "--reason", "x", code=1
    )
    assert "Lan holds no such role" in wrong_role.output + (wrong_role.stderr or "")
    wrong_unit = cli(
        "access", "revoke", "--person", "7001", "--unit", "Z9", "--reason", "x", code=1
    )
    assert "unknown unit Z9" in wrong_unit.output + (wrong_unit.stderr or "")
    cli("access", "revoke", "--person", "7001", "--reason", "   ", code=2)
    cli("access", "revoke", "--person", "7001", code=2)  # --reason is required
    listed = json.loads(cli("access", "list", "--json").output)
    assert [(r["person"], r["unit"]) for r in listed] == [(7001, "X01")]


def test_revocation_queues_the_notice_with_the_new_keyboard_and_menu(cli, db_url, tmp_path):
    code = invite_code(cli, "--unit", "X01", "--role", "officer")
    lead = invite_code(cli, "--unit", "X01", "--role", "leader")
    chat(db_url, tmp_path, 7001, "Lan", f"/start {code}", f"/start {lead}")
    cli("access", "revoke", "--person", "7001", "--role", "officer", "--reason", "Đổi người")

    async def notices() -> list[dict]:
        settings = load_settings(database_url=db_url, data_dir=tmp_path / "data")
        async with open_database(settings, migrate=False) as db, db.uow() as uow:
            rows = await uow.outbox.claim_due(datetime.now(UTC) + timedelta(seconds=1))
            return [r.payload for r in rows if r.chat_id == 7001]

    (notice,) = asyncio.run(notices())
    assert "Đổi người" in notice["text"]
    commands = [c for c, _ in notice["commands"]]
    assert "submit" not in commands and "score" not in commands and "rank" in commands
    assert "🏆" in notice["keyboard"][0][0]  # a leader's keyboard now
