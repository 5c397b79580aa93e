"""/rank in the conversation core: text, charts, who sees what, and the edge cases."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PIL import Image

from conversations.engine import ChatEngine
from handlers.routes import build_registry
from tests.results.helpers import STANDARD_ANSWERS, User, seed, standings

HIGHLIGHT_RGB = (214, 39, 40)


def photos(u: User) -> list:
    return [r for r in u.last.replies if r.photo is not None]


def png(path: str) -> Image.Image:
    img = Image.open(path)
    assert img.format == "PNG"
    return img.convert("RGB")


async def test_leader_gets_text_and_board_chart_then_fields_chart(db, user, config):
    await seed(db, answers=STANDARD_ANSWERS)
    rows = await standings(db)
    x02 = next(r for r in rows if r.unit.code == "X02")
    boss = await user(7001, "X02", "leader", "Thủ trưởng")
    await boss.send("/rank")
    text = boss.texts[0]
    assert "UBND xã Canh Hiệp" in text
    assert f"Index: <b>{x02.result.index}</b>/100" in text
    assert f"Rank {x02.ranked.rank}/4, Board 2: Commune People's Committees" in text
    assert "Preliminary figures" in text
    [photo] = photos(boss)
    assert photo.photo.mime_type == "image/png"
    assert Path(photo.photo.path).parent == config.data_dir / "charts"
    img = png(photo.photo.path)
    assert img.size[0] <= 600  # the phone chart first (issue 16, finding 11)
    assert HIGHLIGHT_RGB in {c for _, c in img.getcolors(1 << 20)}
    assert "(red) and its neighbours" in photo.text
    await boss.press("Whole board")
    [whole] = photos(boss)
    assert png(whole.photo.path).size[0] > 600 and "in red" in whole.text
    await boss.press("Fields vs. the board median")
    [fields] = photos(boss)
    assert fields.photo.path != photo.photo.path
    assert "median of the 4 units" in fields.text
    png(fields.photo.path)


async def test_who_sees_what(db, user, engine, config, clock):
    await seed(db, answers=STANDARD_ANSWERS)
    rows = await standings(db)
    x01 = next(r for r in rows if r.unit.code == "X01")
    officer = await user(7101, "X01", "officer")
    await officer.send("/rank")
    assert "/rank is for the unit's leaders" in officer.text and not photos(officer)
    boss = await user(7102, "X02", "leader")
    out = await boss.press(data=f"rk:fields:{x01.unit.id}")  # someone else's unit
    assert out.toast_alert and not out.replies
    out = await boss.press(data="rk:board:commune")
    assert out.toast_alert
    # with the setting on, officers see their unit like leaders do
    open_engine = ChatEngine(
        db.uow, replace(config, officers_see_rank=True), clock, routes=build_registry()
    )
    same = User(open_engine, 7101)
    await same.send("/rank")
    assert "UBND xã Canh Thuận" in same.texts[0] and photos(same)
    admin = await user(7103, None, "admin")
    await admin.send("/rank")
    assert "Preliminary ranking 2024" in admin.text and "UBND phường Bình Định" in admin.text
    await admin.press("Chart: Board 2")
    [chart] = photos(admin)
    assert HIGHLIGHT_RGB not in {c for _, c in png(chart.photo.path).getcolors(1 << 20)}
    await admin.send("/rank X03")
    assert "UBND xã Canh Liên" in admin.texts[0] and photos(admin)
    await admin.send("/rank NOPE")
    assert "no unit NOPE" in admin.text


async def test_board_with_one_unit(db, user):
    await seed(db, units="code,name,board\nP01,Phòng Tư pháp,department\n", catalogs=("phong",))
    boss = await user(7201, "P01", "leader")
    await boss.send("/rank")
    assert "only one on this board" in boss.text
    assert "Rank 1/1" in boss.text
    assert not photos(boss)  # no ranking to draw
    await boss.press("Fields vs. the board median")
    [chart] = photos(boss)
    assert "no median" in chart.text


async def test_unit_with_no_answers(db, user):
    await seed(db, answers=STANDARD_ANSWERS)
    boss = await user(7301, "X04", "leader")
    await boss.send("/rank")
    assert "No criterion has been answered yet" in boss.text
    assert "Index: <b>0</b>/100" in boss.text
    assert photos(boss)  # the others are still worth a chart


async def test_board_with_all_ties(db, user):
    await seed(db)  # nobody answered: everyone 0
    boss = await user(7401, "X01", "leader")
    await boss.send("/rank")
    assert "All 4 units on the board have the same index (0), so they share rank 1." in boss.text
    assert not photos(boss)


async def test_period_without_catalog(db, user):
    await seed(
        db, units="code,name,board\nP01,Phòng Tư pháp,department\n"
    )  # only the commune catalog
    boss = await user(7501, "P01", "leader")
    await boss.send("/rank")
    assert "no criteria set" in boss.text and not photos(boss)
    out = await boss.press(data=f"rk:fields:{(await _unit_id(db, 'P01'))}")
    assert "no criteria set" in boss.text, out


async def test_published_results_are_official(db, user):
    await seed(db, answers=STANDARD_ANSWERS)
    boss = await user(7601, "X01", "leader")
    await boss.send("/rank")
    assert "Preliminary figures" in boss.texts[0]
    assert "(preliminary)" not in boss.text  # the caption; the title is in the image
    async with db.uow() as uow:
        period = await uow.periods.get_by_year(2024)
        await uow.periods.publish(period.id)
    await boss.send("/rank")
    assert "Preliminary" not in boss.texts[0]
    assert "Official results, published." in boss.texts[0]
    assert "can end between rank" not in boss.texts[0]


async def _unit_id(db, code: str) -> int:
    async with db.uow() as uow:
        period = await uow.periods.get_by_year(2024)
        return (await uow.units.get_by_code(period.id, code)).id


async def test_a_long_board_overview_is_split_into_messages(db, user):
    units = "code,name,board\n" + "".join(
        f"X{n:03d},UBND xã có một cái tên khá dài số {n},commune\n" for n in range(150)
    )
    await seed(db, units=units)
    admin = await user(7701, None, "admin")
    await admin.send("/rank")
    replies = admin.last.replies
    assert len(replies) >= 2 and all(len(r.text) < 4000 for r in replies)
    assert replies[-1].buttons and not replies[0].buttons
    assert sum(r.text.count("UBND xã có một cái tên") for r in replies) == 150
