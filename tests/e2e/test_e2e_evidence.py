"""Evidence files through the emulator, for both runtimes (issue 5: accept, check, file by
criterion, export the council's pack).

Every file is generated here with real libraries (pyHanko signs with a throwaway certificate);
nothing binary is committed. Users speak English so the assertions read the English msgids.
"""

from __future__ import annotations

import csv
import errno
import io
import zipfile
from dataclasses import dataclass
from datetime import datetime

import openpyxl
import pytest

from conversations import evidence_pack as pack
from storage.files import EvidenceStore
from tests.e2e.evidence_steps import (
    bot_messages_since,
    evidence,
    file_on_card,
    join,
    received_document,
    send_file,
    store,
    unit_row,
)
from tests.e2e.harness import answers_of
from tests.evidence_check import factories as f

MB = 1024 * 1024


@dataclass(frozen=True)
class Files:
    signed: bytes
    modified: bytes
    unsigned: bytes
    other: bytes
    third: bytes
    long: bytes
    album: tuple[bytes, ...]
    photo: bytes
    docx: bytes
    zip: bytes
    truncated: bytes
    encrypted: bytes


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Files:
    # signed outside any event loop: pyHanko runs its own
    keys = tmp_path_factory.mktemp("keys")
    root = f.make_identity("Test Root CA (Ban Cơ yếu thử nghiệm)", ca=True, days=3650)
    leaf = f.make_identity("Nguyễn Văn An", issuer=root)
    signer = f.signer_for(leaf, keys, chain=(root,))
    signed = f.sign(f.text_page_pdf("Ke hoach CCHC 2024"), signer)
    unsigned = f.text_page_pdf("Bao cao CCHC quy I")
    return Files(
        signed=signed,
        modified=f.modify_after_signing(signed),
        unsigned=unsigned,
        other=f.text_page_pdf("Bao cao 6 thang"),
        third=f.text_page_pdf("Ke hoach kiem tra"),
        long=f.text_page_pdf("Bao cao nam 2024", pages=12),
        album=tuple(f.text_page_pdf(f"Album trang {i}") for i in range(1, 4)),
        photo=f.jpeg(),
        docx=f.docx(),
        zip=f.plain_zip(),
        truncated=unsigned[: len(unsigned) // 2],
        encrypted=f.encrypted_pdf(),
    )


# ------------------------------------------------------------------ helpers


async def unit_id(stack, code: str) -> int:
    async with stack.db.uow() as uow:
        return (await unit_row(uow, code)).id


async def person_id(stack, telegram_id: int) -> int:
    async with stack.db.uow() as uow:
        return (await uow.people.get_by_telegram_id(telegram_id)).id


async def assign(stack, telegram_id: int, field: str, board: str | None = "commune") -> None:
    async with stack.db.uow() as uow:
        period = await uow.periods.get_by_year(2024)
        person = await uow.people.get_by_telegram_id(telegram_id)
        await uow.appraisals.assign(person, period.id, field, board)


# ------------------------------------------------------------------ tests


async def test_each_kind_of_file_gets_its_verdict_and_answers_stay(stack, files, monkeypatch):
    lan = await join(stack, 7101)
    await lan.send("/score 1.1.1.a", expect="1.1.1.a ·")
    await lan.press(lan.buttons()[0], expect="needs evidence")
    risk = await lan.send("/progress", expect="at risk")
    assert "1.1.1.a" in risk.plain
    await lan.send("/score 1.1.1.a", expect="1.1.1.a ·")
    before = await answers_of(stack, "X01")

    for name, data, expect in [
        ("Bao cao.docx", files.docx, "This is a Word document"),
        ("Ke hoach.pdf", files.zip, "This is a ZIP archive"),  # a zip dressed as a PDF
        ("Cat ngang.pdf", files.truncated, "damaged or incomplete"),
        ("Co mat khau.pdf", files.encrypted, "protected by a password"),
    ]:
        rec = await send_file(lan, name, data, expect)
        assert name in rec.plain and len(rec.plain.strip().splitlines()) == 2, rec.plain
    rec = await send_file(
        lan, "Scan 600dpi.pdf", files.unsigned, "at most 20 MB", declared_size=25 * MB
    )
    assert "25 MB" in rec.plain and "150–200 dpi" in rec.plain
    assert await evidence(stack) == {}
    root = store(stack).root
    assert not root.exists() or not [p for p in root.rglob("*") if p.is_file()]
    assert await answers_of(stack, "X01") == before

    _, rec = await file_on_card(lan, "Ke hoach CCHC 2024.pdf", files.signed, "intact")
    assert "Attached to 1.1.1.a" in rec.plain
    assert "Nguyễn Văn An" in rec.plain and "Signed at" in rec.plain
    _, rec = await file_on_card(lan, "Ke hoach (sua).pdf", files.modified, "changed after")
    assert "Nguyễn Văn An" in rec.plain
    _, rec = await file_on_card(lan, "Bao cao quy I.pdf", files.unsigned, "not digitally signed")
    assert "Attached to 1.1.1.a" in rec.plain
    await lan.emu.send_photo(lan.user_id, files.photo)
    await lan.emu.wait_for_text(lan.user_id, "Save to 1.1.1.a", 20)
    rec = await lan.press(next(b for b in lan.buttons() if b.startswith("📥")), "Attached")
    assert "Photo of a paper document" in rec.plain and "no digital signature" in rec.plain

    rows = (await evidence(stack))["1.1.1.a"]
    assert [r.signature_status for r in rows] == [
        "signed_intact",
        "signed_modified",
        "unsigned",
        "photo",
    ]
    assert rows[0].signer == "Nguyễn Văn An" and rows[0].signed_at is not None
    assert rows[2].signer is None and all(r.pages == 1 for r in rows)
    assert rows[0].original_name == "Ke hoach CCHC 2024.pdf"
    assert store(stack).read(rows[0].sha256) == files.signed
    assert store(stack).read(rows[3].sha256).startswith(b"%PDF")  # the photo, as a PDF
    assert await answers_of(stack, "X01") == before
    progress = await lan.send("/progress", expect="self-assessment progress")
    assert "at risk" not in progress.plain

    def disk_full(self, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(EvidenceStore, "put", disk_full)
    rec = await send_file(lan, "Them.pdf", files.other, "disk is full")
    assert "nothing was recorded" in rec.plain
    assert len((await evidence(stack))["1.1.1.a"]) == 4


async def test_caption_pick_duplicates_and_albums(stack, files):
    lan = await join(stack, 7201)
    rec = await send_file(
        lan, "Anh niem yet.pdf", files.unsigned, "Attached to", caption="3.2 Ảnh niêm yết TTHC"
    )
    assert "Attached to 3.2" in rec.plain

    # no card open, no caption: asked, and the choice is made with buttons
    rec = await send_file(lan, "Bao cao 6 thang.pdf", files.other, "Which criterion")
    field = next(b for b in lan.buttons() if b.startswith("1. "))
    await lan.press(field, expect="Which criterion")
    leaf = next(b for b in lan.buttons() if b.startswith("1.2 "))
    await lan.press(leaf, expect="Attached to 1.2")
    # …or by typing the code
    await send_file(lan, "Ke hoach kiem tra.pdf", files.third, "Which criterion")
    await lan.send("1.3", expect="Attached to 1.3")

    # the same file again for the same item: not stored twice
    rec = await send_file(lan, "Ban sao.pdf", files.unsigned, "already attached", caption="3.2")
    assert "not stored again" in rec.plain
    # the same file for another item: linked, not copied
    rec = await send_file(
        lan, "Anh niem yet.pdf", files.unsigned, "also filed under 3.2", caption="1.4 tuyên truyền"
    )
    rows = await evidence(stack)
    assert len(rows["3.2"]) == 1 and len(rows["1.4"]) == 1
    assert rows["3.2"][0].sha256 == rows["1.4"][0].sha256
    stored = [p for p in store(stack).root.rglob("*") if p.is_file()]
    assert len(stored) == len({r.sha256 for lst in rows.values() for r in lst}) == 3

    # an album with the code on its first file: one confirmation for all three
    start = len(lan.emu.transcript(lan.user_id))
    for i, data in enumerate(files.album):
        await lan.emu.send_document(
            lan.user_id,
            f"Bao cao nhiem vu {i + 1}.pdf",
            data,
            caption="1.5.1 Báo cáo nhiệm vụ" if i == 0 else None,
            media_group_id="album-1",
        )
    rec = await lan.emu.wait_for_text(lan.user_id, "3 attached", 20)
    assert all(f"Bao cao nhiem vu {i}.pdf" in rec.plain for i in (1, 2, 3))
    assert len(bot_messages_since(lan, start)) == 1
    assert len((await evidence(stack))["1.5.1"]) == 3

    # an album without a code: one question, then all of it goes where the officer says
    start = len(lan.emu.transcript(lan.user_id))
    for i, data in enumerate((files.signed, files.long)):
        await lan.emu.send_document(
            lan.user_id, f"Tai lieu {i + 1}.pdf", data, media_group_id="album-2"
        )
    rec = await lan.emu.wait_for_text(lan.user_id, "these 2 files", 20)
    assert len(bot_messages_since(lan, start)) == 1
    rec = await lan.send("1.1.2", expect="Attached to 1.1.2")
    assert "Tai lieu 1.pdf" in rec.plain and "Tai lieu 2.pdf" in rec.plain
    assert len((await evidence(stack))["1.1.2"]) == 2


async def test_section_list_download_and_remove(stack, files):
    lan = await join(stack, 7301)
    await lan.send("/score 1.2", expect="1.2 ·")
    await file_on_card(lan, "Báo cáo năm 2024.pdf", files.long, "12 pages")
    assert "📄 Whole document" in lan.buttons()
    await lan.send("Mục II, trang 3", expect="Noted")
    (row,) = (await evidence(stack))["1.2"]
    assert row.section_ref == "Mục II, trang 3" and row.pages == 12

    rec = await lan.send("/evidence", expect="Evidence files")
    assert "Báo cáo năm 2024.pdf" in rec.plain and "§ Mục II, trang 3" in rec.plain
    assert "12 page(s)" in rec.plain and "unsigned" in rec.plain and "sent by Lan" in rec.plain
    doc = await lan.press("⬇️ 1")
    assert received_document(lan, doc) == files.long
    assert doc.document["file_name"] == "Báo cáo năm 2024.pdf"

    await lan.press("🗑 1", expect="Remove")
    await lan.press("🗑 Yes, remove", expect="Removed")
    assert (await evidence(stack)).get("1.2") is None
    (gone,) = (await evidence(stack, include_removed=True))["1.2"]
    assert gone.removed_at is not None and gone.removed_by == await person_id(stack, 7301)
    await lan.send("/evidence 1.2", expect="No evidence files yet for 1.2")
    # the walk still knows where it is
    await lan.send("/score", expect="1.2 ·")


async def test_other_units_files_are_out_of_reach(stack, files):
    lan = await join(stack, 7401)
    await send_file(lan, "Ke hoach.pdf", files.signed, "Attached to 1.1.1.a", caption="1.1.1.a")
    await send_file(lan, "Niem yet.pdf", files.unsigned, "Attached to 3.2", caption="3.2")
    rows = await evidence(stack)
    plan, board = rows["1.1.1.a"][0], rows["3.2"][0]
    x01 = await unit_id(stack, "X01")

    minh = await join(stack, 7402, unit="X02", name="Minh")
    await minh.send("/evidence X01", expect="cannot see the files")
    await minh.send("/evidence export X01", expect="cannot export")
    start = len(minh.emu.transcript(minh.user_id))
    for data in (
        f"ev:d:{plan.id}",
        f"ev:r:{plan.id}",
        f"ev:rc:{plan.id}",
        f"ev:sw:{plan.id}",
        f"ev:ls:{x01}:0:0",
        f"ev:pk:{x01}:{plan.item_id}",
        f"ev:pf:{x01}:1",
        f"ev:px:{x01}",
    ):
        answer = await minh.press_data(data)
        assert answer.show_alert, data
        assert "cannot" in answer.text or "Only the unit's focal officers" in answer.text
    assert bot_messages_since(minh, start) == []  # nothing shown, nothing sent
    await minh.send("/evidence all", expect="No evidence files yet")
    after = await evidence(stack, include_removed=True)
    assert [r.removed_at for lst in after.values() for r in lst] == [None, None]

    boss = await join(stack, 7403, role="leader", name="Thủ trưởng")
    rec = await boss.send("/evidence all", expect="Ke hoach.pdf")
    assert not any(b.startswith("🗑") for b in boss.buttons())
    answer = await boss.press_data(f"ev:rc:{plan.id}")
    assert answer.show_alert and "focal officers" in answer.text
    doc = await boss.press("⬇️ 1")
    assert received_document(boss, doc) == files.signed

    judge = await join(stack, 7404, unit=None, role="appraiser", name="Thẩm định")
    await judge.send("/evidence X01", expect="cannot see the files")  # nothing assigned yet
    await assign(stack, 7404, "3")
    rec = await judge.send("/evidence X01", expect="Niem yet.pdf")
    assert "Ke hoach.pdf" not in rec.plain  # field 1 is not theirs
    answer = await judge.press_data(f"ev:d:{plan.id}")
    assert answer.show_alert
    doc = await judge.press("⬇️ 1")
    assert received_document(judge, doc) == files.unsigned  # the field-3 file
    assert doc.document["file_name"] == board.original_name


async def test_exported_pack_matches_what_was_uploaded(stack, files):
    lan = await join(stack, 7501)
    await send_file(lan, "Kế hoạch CCHC.pdf", files.signed, "Attached to", caption="1.1.1.a")
    await send_file(lan, "Kế hoạch CCHC.pdf", files.unsigned, "Attached to", caption="1.1.1.a")
    await lan.send("/score 1.2", expect="1.2 ·")
    await file_on_card(lan, "Báo cáo: năm/2024.pdf", files.long, "12 pages")
    await lan.send("Mục II, trang 3", expect="Noted")
    await lan.emu.send_photo(lan.user_id, files.photo, caption="3.2 ảnh bộ phận một cửa")
    await lan.emu.wait_for_text(lan.user_id, "Attached to 3.2", 20)
    hoa = await join(stack, 7502, unit="X02", name="Hoa")
    await send_file(hoa, "KH.pdf", files.other, "Attached to", caption="1.1.1.a")

    admin = await join(stack, 7503, unit=None, role="admin", name="Nội vụ")
    rec = await admin.send("/evidence export X01", expect="Evidence pack 2024")
    assert rec.document["file_name"] == "TLKC-2024-X01.zip"
    zf = zipfile.ZipFile(io.BytesIO(received_document(admin, rec)))
    names = sorted(zf.namelist())
    photo = next(n for n in names if n.startswith("3.2/"))
    assert names == sorted(
        [
            "1.1.1.a/Ke hoach CCHC.pdf",
            "1.1.1.a/Ke hoach CCHC (2).pdf",
            "1.2/Bao cao-nam-2024.pdf",
            photo,
            pack.INDEX_XLSX,
            pack.INDEX_CSV,
        ]
    )
    assert photo.startswith("3.2/photo-") and photo.endswith(".pdf")
    assert zf.read("1.1.1.a/Ke hoach CCHC.pdf") == files.signed
    assert zf.read("1.1.1.a/Ke hoach CCHC (2).pdf") == files.unsigned
    assert zf.read("1.2/Bao cao-nam-2024.pdf") == files.long

    wb = openpyxl.load_workbook(io.BytesIO(zf.read(pack.INDEX_XLSX)))
    ws = wb.active
    assert ws.freeze_panes == "A2"
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == pack.HEADERS
    body = {r[4]: r for r in rows[1:]}
    assert set(body) == set(names) - {pack.INDEX_XLSX, pack.INDEX_CSV}
    first = body["1.1.1.a/Ke hoach CCHC.pdf"]
    assert first[0] == "X01" and first[2] == "1.1.1.a" and first[5] == "Kế hoạch CCHC.pdf"
    assert first[6] == 1 and isinstance(first[6], int)
    assert first[8] == pack.STATUS_VI["signed_intact"] and first[9] == "Nguyễn Văn An"
    assert isinstance(first[10], datetime) and isinstance(first[12], datetime)
    assert first[11] == "Lan" and first[13] == len(files.signed)
    long_row = body["1.2/Bao cao-nam-2024.pdf"]
    assert long_row[6] == 12 and long_row[7] == "Mục II, trang 3"
    assert long_row[5] == "Báo cáo: năm/2024.pdf" and long_row[8] == pack.STATUS_VI["unsigned"]
    assert body[photo][8] == pack.STATUS_VI["photo"]
    assert ws.column_dimensions["D"].width >= 40

    raw = zf.read(pack.INDEX_CSV)
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert tuple(table[0]) == pack.HEADERS
    assert {r[4]: r for r in table[1:]}.keys() == body.keys()
    assert {r[4]: r for r in table[1:]}["1.2/Bao cao-nam-2024.pdf"][7] == "Mục II, trang 3"

    # the whole board: one folder per unit
    rec = await admin.send("/evidence export commune", expect="Evidence pack 2024")
    names = zipfile.ZipFile(io.BytesIO(received_document(admin, rec))).namelist()
    assert "X02/1.1.1.a/KH.pdf" in names and "X01/1.1.1.a/Ke hoach CCHC (2).pdf" in names

    # an appraiser gets only the fields assigned to them
    judge = await join(stack, 7504, unit=None, role="appraiser", name="Thẩm định")
    await judge.send("/evidence export X01", expect="cannot export")
    await assign(stack, 7504, "3")
    rec = await judge.send("/evidence export X01", expect="Evidence pack 2024")
    names = zipfile.ZipFile(io.BytesIO(received_document(judge, rec))).namelist()
    assert sorted(names) == sorted([photo, pack.INDEX_XLSX, pack.INDEX_CSV])


async def test_a_file_on_an_open_card_says_where_it_goes_before_it_is_filed(stack, files):
    """Issue 16, finding 8: the open card is proposed, not silently used; one tap changes it;
    a caption code still files at once and says so; one verdict line per file."""
    lan = await join(stack, 7601)
    await lan.send("/score 1.1.1.a", expect="1.1.1.a ·")
    await lan.emu.send_document(lan.user_id, "Bao cao quy I.pdf", files.unsigned)
    proposal = await lan.emu.wait_for_text(lan.user_id, "Save to 1.1.1.a", 20)
    assert await evidence(stack) == {}  # said before it is filed
    save = next(b for b in lan.buttons() if b.startswith("📥 Save to 1.1.1.a · "))
    assert len(save) <= 48 and "🔀 Change criterion" in lan.buttons()
    # one verdict line: the old reply said "without a digital signature" and "Unsigned PDF"
    block = proposal.plain.split("\n\n")[0].splitlines()
    assert block[0] == "📄 Bao cao quy I.pdf" and len(block) == 2, block
    assert "not digitally signed" in block[1] and "Unsigned PDF" not in proposal.plain

    await lan.press("🔀 Change criterion", expect="Which criterion")
    leaf = next(b for b in lan.buttons() if b.startswith("1.2 "))
    await lan.press(leaf, expect="Attached to 1.2")
    assert list(await evidence(stack)) == ["1.2"]

    # confirming the proposal files it there and the walk goes on from that card
    await lan.send("/score 1.1.1.a", expect="1.1.1.a ·")
    _, rec = await file_on_card(lan, "Ke hoach.pdf", files.other, "Attached to 1.1.1.a")
    assert "caption" not in rec.plain
    assert sorted(await evidence(stack)) == ["1.1.1.a", "1.2"]

    # a caption code still files at once, and says why
    rec = await send_file(lan, "Niem yet.pdf", files.third, "Attached to 3.2", caption="3.2")
    assert "Filed by the code at the start of the caption" in rec.plain
    assert "Save to" not in rec.plain

    # in Vietnamese: "Lưu vào 1.2 · … — Đổi tiêu chí"
    hoa = stack.chat(7602, "Hoa", lang="vi")
    await hoa.send(f"/start {await stack.invite('X02', 'officer')}", expect="✅")
    await hoa.send("/score 1.2", expect="1.2 ·")
    await hoa.emu.send_document(hoa.user_id, "Bao cao.pdf", files.signed)
    rec = await hoa.emu.wait_for_text(hoa.user_id, "Lưu vào 1.2", 20)
    assert "🔀 Đổi tiêu chí" in hoa.buttons()
    assert any(b.startswith("📥 Lưu vào 1.2 · ") for b in hoa.buttons())
    assert "Unsigned" not in rec.plain and "%(" not in rec.plain
