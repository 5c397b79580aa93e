"""Evidence files (tài liệu kiểm chứng) arriving in the chat.

Which item a file belongs to: the item whose card is open, or the code at the start of the
caption ("1.2.3 Kế hoạch…"); otherwise the officer is asked. Size is checked from the update
before anything is downloaded (bots cannot download over 20 MB).
"""

from __future__ import annotations

import re

from conversations.context import Ctx
from conversations.unitview import active_unit, load_view

MAX_BOT_DOWNLOAD = 20 * 1024 * 1024
CAPTION_CODE = re.compile(r"^\s*#?([0-9A-Za-z]+(?:\.[0-9A-Za-z]+)+)\b")


async def on_file(ctx: Ctx) -> None:
    f = ctx.event.file
    assert f is not None
    unit_id = await active_unit(ctx, ("officer",))
    if unit_id is None:
        ctx.say(
            ctx.tr(
                "Only a unit's focal officers can send evidence. Open the invite link from "
                "Phòng Nội vụ to join."
            )
        )
        return
    if f.size is not None and f.size > MAX_BOT_DOWNLOAD:
        mb = f.size / (1024 * 1024)
        ctx.say(
            ctx.tr(
                "This file is %(size)s MB; Telegram lets bots receive at most 20 MB. Please "
                "compress it or split it into parts (scan at 150–200 dpi, black and white), "
                "then send it again. Nothing was saved.",
                size=ctx.num(round(mb, 1)),
            )
        )
        return
    view = await load_view(ctx, unit_id)
    if view is None:
        ctx.say(ctx.tr("Your unit has no criteria set (bộ chỉ số) for this year yet."))
        return
    m = CAPTION_CODE.match(f.caption or "")
    code = m.group(1) if m and view.catalog.item(m.group(1)) is not None else ctx.state.get("item")
    item = view.catalog.item(code) if isinstance(code, str) else None
    if item is None or not item.is_leaf:
        ctx.say(
            ctx.tr(
                "Which criterion is this file for? Open the criterion with 📝 Score first, or "
                "send the file again with the code at the start of the caption, e.g. "
                "“1.2.3 Kế hoạch CCHC”."
            )
        )
        return
    ctx.say(
        ctx.tr(
            "Evidence checks are not available in this version yet; the file for "
            "%(code)s was not stored. Please keep it and send it again later, or write an "
            "explanation.",
            code=item.code,
        )
    )
