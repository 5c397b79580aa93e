"""Issue 16, finding 9 (short messages) through the emulator on both runtimes: titles cut at a
word boundary with "…", and long lists that say how many more there are."""

from __future__ import annotations

import re

from tests.e2e.evidence_steps import join

LONG_FIELD = "Cải cách thủ tục hành chính và thực hiện cơ chế một cửa, một cửa liên thông"
# English mode shows the catalog's English title (issue 16, finding 3)
LONG_FIELD_EN = "Administrative procedure reform and the one-stop-shop mechanism"


def cut_mid_word(text: str) -> list[str]:
    """Words that end in "…" but are not whole words of the full title."""
    words = set(f"{LONG_FIELD} {LONG_FIELD_EN}".replace(",", "").split())
    return [w for w in re.findall(r"(\S+)…", text) if w.rstrip(",") not in words]


async def test_submit_lists_every_unanswered_criterion_or_says_how_many_more(stack):
    lan = await join(stack, 7651)
    rec = await lan.send("/submit", expect="not answered")
    line = next(x for x in rec.plain.splitlines() if "not answered" in x)
    n = int(re.search(r"(\d+) criteria are not answered", line)[1])
    assert n > 15
    codes = line.split(": ", 1)[1]
    assert codes.endswith(f"… and {n - 15} more"), line
    assert len(codes.split(" … ")[0].split(", ")) == 15
    await lan.press("✖ Not yet")


async def test_titles_are_cut_at_word_boundaries(stack):
    lan = await join(stack, 7652)
    rec = await lan.send("/progress", expect="self-assessment progress")
    field = next(x for x in rec.plain.splitlines() if " 3. " in x or x.startswith("▫️ 3."))
    assert "…" in field and cut_mid_word(field) == [], field
    assert "thực hi…" not in field and "và thực hi" not in field

    boss = await join(stack, 7653, role="leader", name="Thủ trưởng")
    rec = await boss.send("/rank", expect="Index:")
    field = next(x for x in rec.plain.splitlines() if x.startswith("3. "))
    assert "…" in field and cut_mid_word(field) == [], field

    vi = stack.chat(7654, "Hoa")
    await vi.send(f"/start {await stack.invite('X02', 'officer')}", expect="✅")
    rec = await vi.send("/submit", expect="chưa trả lời")
    assert re.search(r"… và \d+ tiêu chí khác", rec.plain), rec.plain


async def test_evidence_errors_say_what_went_wrong_and_what_to_do_in_two_lines(stack):
    from tests.evidence_check import factories as f

    lan = await join(stack, 7655)
    await lan.emu.send_document(lan.user_id, "Bao cao.pdf", f.text_page_pdf("Bao cao"))
    await lan.emu.wait_for_text(lan.user_id, "Which criterion", 20)
    rec = await lan.send("xin chào", expect="is not a criterion code")
    assert rec.plain.splitlines() == [
        "⚠️ “xin chào” is not a criterion code.",
        "Tap a criterion below, type its code (e.g. 1.2.3), or /cancel to drop the waiting files.",
    ]
    assert any(b.startswith("1. ") for b in lan.buttons())
    rec = await lan.send("9.9.9", expect="There is no criterion 9.9.9")
    assert rec.plain.splitlines() == [
        "⚠️ There is no criterion 9.9.9.",
        "Tap one below or type another code.",
    ]
    assert "xa-mau" not in rec.plain  # no internal catalog id
    await lan.send("1.3", expect="Attached to 1.3")
    rec = await lan.send("/evidence 9.9", expect="There is no criterion 9.9")
    assert len(rec.plain.splitlines()) == 2 and "/evidence 1.2.3" in rec.plain


async def test_an_album_on_an_open_card_is_proposed_once_and_saved_with_one_tap(stack):
    """Issue 16, finding 8, for albums: one proposal for all the files, nothing filed before it."""
    from tests.e2e.evidence_steps import bot_messages_since, evidence
    from tests.evidence_check import factories as f

    lan = await join(stack, 7656)
    await lan.send("/score 1.2", expect="1.2 ·")
    start = len(lan.emu.transcript(lan.user_id))
    for i in (1, 2):
        await lan.emu.send_document(
            lan.user_id, f"Trang {i}.pdf", f.text_page_pdf(f"Trang {i}"), media_group_id="a-1"
        )
    rec = await lan.emu.wait_for_text(lan.user_id, "Save to 1.2", 20)
    assert "Trang 1.pdf" in rec.plain and "Trang 2.pdf" in rec.plain
    assert len(bot_messages_since(lan, start)) == 1 and await evidence(stack) == {}
    save = next(b for b in lan.buttons() if b.startswith("📥 Save to 1.2"))
    rec = await lan.press(save, expect="Attached to 1.2")
    assert len((await evidence(stack))["1.2"]) == 2
