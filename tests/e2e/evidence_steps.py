"""Steps shared by the evidence e2e tests: an English-speaking officer joins, sends a file on a
card, and the test reads what was stored, sent back and recorded.
"""

from __future__ import annotations

from storage.files import EvidenceStore


async def join(stack, user_id: int, unit: str | None = "X01", role: str = "officer", name="Lan"):
    chat = stack.chat(user_id, name, lang="en")
    code = await stack.invite(unit, role)
    await chat.send(f"/start {code}", expect="✅")
    return chat


async def send_file(chat, name: str, data: bytes, expect: str, **kw):
    await chat.emu.send_document(chat.user_id, name, data, **kw)
    return await chat.emu.wait_for_text(chat.user_id, expect, 20)


async def file_on_card(chat, name: str, data: bytes, expect: str = "Attached to", **kw):
    """A file sent on an open card: the bot proposes that card's criterion first (nothing is
    filed yet); one tap on "📥 Save to …" files it there."""
    await chat.emu.send_document(chat.user_id, name, data, **kw)
    proposal = await chat.emu.wait_for_text(chat.user_id, "Save to", 20)
    save = next(b for b in chat.buttons() if b.startswith("📥 Save to"))
    rec = await chat.press(save, expect=expect, timeout=20)
    return proposal, rec


async def unit_row(uow, code: str):
    period = await uow.periods.get_by_year(2024)
    return await uow.units.get_by_code(period.id, code)


async def evidence(stack, unit: str = "X01", include_removed: bool = False) -> dict[str, list]:
    async with stack.db.uow() as uow:
        return await uow.evidence.list_for_unit((await unit_row(uow, unit)).id, include_removed)


def bot_messages_since(chat, index: int):
    return [r for r in chat.emu.transcript(chat.user_id)[index:] if r.direction == "bot"]


def received_document(chat, record) -> bytes:
    assert record.document is not None, record
    return chat.emu.core.files.get(record.document["file_id"]).content


def store(stack) -> EvidenceStore:
    return EvidenceStore(stack.settings.data_dir / "evidence")
