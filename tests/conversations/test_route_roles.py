"""The authorization matrix read off the route registry: every command, button family,
typed-input mode and file caption of ``handlers.routes``, for every role, through the real engine
on a real (migrated SQLite) database. A role the route does not list gets the registry's one
refusal (and, in a mode, leaves it); a role it lists never does. The hand-written matrix
(test_authz_matrix.py) checks the data-dependent half: this unit, that appraiser's field.

Also: /help, the "/" menu and the reply keyboard of each role name only what that role may use,
and a new command is one registration (the recipe of docs: a family module plus its test).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_asyncio

from bot.app import Database, open_database
from bot.settings import load_settings
from conversations.context import Ctx
from conversations.flow_state import Mode
from conversations.i18n import t
from conversations.replies import Outcome
from conversations.routing import (
    ADMIN,
    APPRAISER,
    LEADER,
    NOT_JOINED,
    NOT_YOUR_BUTTON,
    NOT_YOURS,
    OFFICER,
    Registry,
    Role,
    Route,
)
from handlers.routes import build_registry
from storage import migrate
from tests.conversations.harness import Clock, Person, invite, make_engine, seed

ROUTES = build_registry()
PEOPLE: dict[str, tuple[int, str | None, Role | None]] = {
    "nobody": (4100, None, None),
    "officer": (4101, "X01", OFFICER),
    "leader": (4102, "X01", LEADER),
    "appraiser": (4103, None, APPRAISER),
    "admin": (4104, None, ADMIN),
}


@dataclass
class World:
    db: Database
    clock: Clock
    people: dict[str, Person]
    x01: int  # the officer's and leader's unit: buttons carry it, so only roles decide

    async def set_mode(self, who: str, mode: str | None) -> None:
        async with self.db.uow() as uow:
            person = await uow.people.get_by_telegram_id(PEOPLE[who][0])
            assert person is not None
            await uow.conversations.save(person, {"mode": mode} if mode else {})


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    tmp: Path = tmp_path_factory.mktemp("route-roles")
    url = f"sqlite+aiosqlite:///{tmp / 'parbot.sqlite3'}"
    await migrate.upgrade(url)
    settings = load_settings(database_url=url, data_dir=tmp / "data")
    async with open_database(settings, migrate=False) as db:
        await seed(db)
        clock = Clock()
        engine = make_engine(db, clock)
        people = {}
        for who, (user_id, unit, role) in PEOPLE.items():
            people[who] = Person(engine, user_id, who.title())
            if role is not None:
                code = await invite(db, unit, role.value, clock.now)
                out = await people[who].text(f"/start {code}")
                assert "✅" in out.replies[-1].text, out
            else:
                await people[who].text("/start")
        async with db.uow() as uow:
            period = await uow.periods.latest()
            assert period is not None
            unit = await uow.units.get_by_code(period.id, "X01")
            assert unit is not None
        yield World(db, clock, people, unit.id)


def _cells() -> list[object]:
    return [
        pytest.param(route, who, id=f"{route.kind}:{route.name}|{who}")
        for route in ROUTES.routes()
        for who in PEOPLE
    ]


def _refusal(route: Route, who: str) -> str:
    """The text the router's one refusal starts with, for this person."""
    if PEOPLE[who][2] is None:
        return t("vi", route.stranger or route.refusal or NOT_JOINED)
    if route.kind == "button":
        return t("vi", route.refusal or NOT_YOUR_BUTTON)
    return t("vi", route.refusal or NOT_YOURS)


async def _act(world: World, route: Route, who: str) -> Outcome:
    person = world.people[who]
    await world.set_mode(who, None)
    if route.kind == "command":
        return await person.text(f"/{route.name}")
    if route.kind == "button":
        return await person.press(data=f"{route.name}:{world.x01}:0")
    if route.kind == "file":
        return await person.file("ke-hoach.docx", 1000, caption=f"/{route.name}")
    # the first mode of the route's family (a mode the state does not know is dropped)
    await world.set_mode(who, next(m for m in Mode if m.family == route.name))
    return await person.text("42")


def _said(out: Outcome) -> list[str]:
    return [r.text for r in out.replies] + ([out.toast] if out.toast else [])


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize(("route", "who"), _cells())
async def test_the_registry_decides_who_may_use_each_route(
    world: World, route: Route, who: str
) -> None:
    role = PEOPLE[who][2]
    out = await _act(world, route, who)
    refused = _refusal(route, who)
    said = _said(out)
    assert said, f"no reply at all to {route.kind} {route.name}"
    if route.roles is None:
        return  # anyone's route: whatever it says is its own answer (whoami to a stranger)
    if route.allows({role} if role else set()):
        assert not any(s.startswith(refused) for s in said), said
        return
    if route.kind == "button":
        assert out.toast == refused and out.toast_alert and not out.replies, said
    else:
        assert out.replies[-1].text.startswith(refused), said
    if route.kind == "mode":
        async with world.db.uow() as uow:
            person = await uow.people.get_by_telegram_id(PEOPLE[who][0])
            assert person is not None
            state, _ = await uow.conversations.load(person)
        assert not state.get("mode"), "a refused mode is left"


@pytest.mark.parametrize("role", [*Role, None])
def test_help_menu_and_keyboard_name_only_what_the_role_may_use(role: Role | None) -> None:
    roles = frozenset({role} if role else set())
    commands = {r.name: r for r in ROUTES.routes("command")}
    for name, _description in ROUTES.commands_for(roles, str):
        assert commands[name].allows(roles), (role, name)
    for row in ROUTES.keyboard_for(roles, str):
        for label in row:
            name = ROUTES.key_command(label, lambda msgid: {msgid})
            assert name is not None and commands[name].allows(roles), (role, label)
    for line in ROUTES.help_lines(roles, str):
        named = {w[1:].rstrip(";·") for w in line.split() if w.startswith("/")}
        assert all(commands[n].allows(roles) for n in named & set(commands)), (role, line)
    menu = {name for name, _ in ROUTES.commands_for(roles, str)}
    assert {"help", "lang", "whoami", "deadlines"} <= menu


def test_every_route_of_a_role_but_the_anyone_routes_is_refused_to_a_stranger() -> None:
    everyone = {r.name for r in ROUTES.routes("command") if r.roles is None}
    assert everyone == {"start", "help", "whoami", "lang", "cancel", "deadlines"}


@pytest.mark.asyncio(loop_scope="module")
async def test_a_new_command_is_one_registration(world: World) -> None:
    """How to add a command: register it in a family module of handlers/routes with its roles
    and help line; the router, /help, the "/" menu and the refusal follow."""
    family = Registry()

    @family.command(
        "ping",
        roles={ADMIN},
        help="/ping — the bot answers",  # a real family would use N_() and translate it
        menu="Answer",
        refusal="Only Phòng Nội vụ may ping.",
    )
    async def ping(ctx: Ctx, args: str) -> None:
        ctx.say(ctx.tr("pong %(args)s", args=args))

    routes = build_registry()
    routes.extend(family)
    engine = make_engine(world.db, world.clock)
    engine.routes = routes
    admin = Person(engine, PEOPLE["admin"][0], "Admin")
    officer = Person(engine, PEOPLE["officer"][0], "Officer")
    assert (await admin.text("/ping <b>")).replies[-1].text == "pong &lt;b&gt;"
    assert (await officer.text("/ping")).replies[-1].text.startswith("Only Phòng Nội vụ may ping.")
    assert "/ping — the bot answers" in (await admin.text("/help")).replies[-1].text
    assert "/ping" not in (await officer.text("/help")).replies[-1].text
    assert ("ping", "Answer") in routes.commands_for({ADMIN}, str)
    assert "ping" not in dict(routes.commands_for({OFFICER}, str))


def test_the_bot_starts_without_the_document_libraries() -> None:
    """The registry names every entry point, but the heavy ones (PDF signatures, Excel) are
    imported on first use: a bot that must start polling soon does not load them first."""
    code = (
        "import sys, bot.runtime, handlers.routes\n"
        "heavy = {'pyhanko', 'openpyxl', 'matplotlib'} & set(sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    done = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
