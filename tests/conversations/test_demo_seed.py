"""The demo district (``parbot demo``): each persona the page offers has something to do."""

from __future__ import annotations

from bot.demo_seed import APPRAISER, seed_demo


async def test_the_demo_appraiser_is_assigned_fields_with_submitted_units(db, clock, person):
    async with db.uow() as uow:
        await seed_demo(uow, clock.now.date())
    appraiser = person(APPRAISER, "Tuấn", "vi")
    await appraiser.text("/review")
    listed = appraiser.reply.text
    assert "chưa được phân công" not in listed  # was: nothing assigned, nothing to show
    assert listed.count("cần thẩm định") >= 3 and "UBND xã Canh Hiển" in listed
