"""Authorization matrix: every walk/submission button for every role, on its own unit and on
another unit. Only the allowed cells change anything; every other cell changes nothing."""

from __future__ import annotations

import pytest

from tests.conversations.harness import Person, invite

ROLES = ["none", "officer", "leader", "appraiser", "admin"]
ACTIONS = ["answer", "not_applicable", "explain", "submit", "withdraw", "progress_page"]
ALLOWED = {  # (role, action) allowed on the role's OWN unit; nothing is allowed on other units
    ("officer", "answer"),
    ("officer", "not_applicable"),
    ("officer", "explain"),
    ("officer", "submit"),
    ("officer", "withdraw"),
    ("officer", "progress_page"),
    ("leader", "progress_page"),
}


async def unit_and_items(db, code: str):
    async with db.uow() as uow:
        period = await uow.periods.get_by_year(2024)
        unit = await uow.units.get_by_code(period.id, code)
        items = await uow.catalogs.items_by_code(unit.catalog_id)
        return unit.id, items


async def snapshot(db, unit_id: int) -> tuple:
    async with db.uow() as uow:
        answers = {c: a.value for c, a in (await uow.answers.list_for_unit(unit_id)).items()}
        expl = sorted((await uow.answers.explanations_for_unit(unit_id)).keys())
        sub = await uow.submissions.get(unit_id)
        return answers, expl, sub.status if sub else None


async def person_for(db, clock, person, role: str, n: int) -> Person:
    p = person(70_000 + n, f"{role}-{n}")
    if role != "none":
        code = await invite(db, "X01" if role in ("officer", "leader") else None, role, clock.now)
        await p.text(f"/start {code}")
    return p


@pytest.mark.parametrize("role", ROLES)
async def test_matrix(db, clock, person, role):
    p = await person_for(db, clock, person, role, ROLES.index(role))
    for target in ("X01", "X02"):
        unit_id, items = await unit_and_items(db, target)
        choice_item = items["4.1"].id
        na_item = items["4.4"].id
        for action in ACTIONS:
            async with db.uow() as uow:  # withdraw needs a submitted unit; others a draft one
                await uow.submissions.set_status(
                    unit_id, "submitted" if action == "withdraw" else "draft", None
                )
            before = await snapshot(db, unit_id)
            if action == "answer":
                await p.press(data=f"a:{unit_id}:{choice_item}:0")
            elif action == "not_applicable":
                await p.press(data=f"na:{unit_id}:{na_item}")
            elif action == "explain":
                await p.press(data=f"x:{unit_id}:{choice_item}")
                await p.text("Đơn vị đã ban hành đầy đủ văn bản theo quy định")
            elif action == "submit":
                await p.press(data=f"s:ok:{unit_id}")
            elif action == "withdraw":
                await p.press(data=f"w:ok:{unit_id}")
            elif action == "progress_page":
                out = await p.press(data=f"pg:{unit_id}:0")
                name = "UBND xã A" if target == "X01" else "UBND xã B"
                shown = any(name in r.text for r in out.replies)
            after = await snapshot(db, unit_id)
            changed = shown if action == "progress_page" else after != before
            allowed = target == "X01" and (role, action) in ALLOWED
            assert changed == allowed, (role, action, target, before, after)
