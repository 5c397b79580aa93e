"""/catalog through the Bot API emulator on both runtimes: Phòng Nội vụ sends the appendix,
gets the report and the draft YAML back, sends the reviewed YAML with /catalog import; bad
files each get a clear message and nothing is imported.

The appendix files are built at run time (tests/catalog_draft/builders.py); users speak English
so the assertions read the English msgids.
"""

from __future__ import annotations

import pytest

from scoring.catalog_loader import load_catalog
from tests.catalog_draft import builders
from tests.catalog_draft.appendix import REVIEW

pytestmark = pytest.mark.e2e
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def appendix_files() -> dict[str, bytes]:
    return {"docx": builders.docx_bytes(), "xlsx": builders.xlsx_bytes()}


@pytest.fixture(scope="module")
def huge() -> bytes:
    return builders.huge_xlsx()


async def join(stack, user_id: int, unit: str | None, role: str, name: str):
    chat = stack.chat(user_id, name, lang="en")
    code = await stack.invite(unit, role)
    await chat.send(f"/start {code}", expect="✅")
    return chat


async def catalogs(stack, year: int) -> list[str]:
    async with stack.db.uow() as uow:
        period = await uow.periods.get_by_year(year)
        if period is None:
            return []
        return [c.code for c in await uow.catalogs.list_for_period(period.id)]


def received(chat, record) -> bytes:
    assert record.document is not None, record
    return chat.emu.core.files.get(record.document["file_id"]).content


async def test_appendix_to_draft_to_import(stack, appendix_files):
    admin = await join(stack, 8801, None, "admin", "Nội vụ")
    await admin.emu.send_document(
        admin.user_id, "Phu-luc-I.docx", appendix_files["docx"], mime_type=DOCX, caption="/catalog"
    )
    report = await admin.emu.wait_for_text(admin.user_id, "Read Phu-luc-I.docx", 30)
    assert "8 fields, 56 items to score, 100 points in all" in report.plain
    assert "To check (4):" in report.plain
    for code in REVIEW:
        assert f"• {code}: " in report.plain
    doc = await admin.emu.wait_for(admin.user_id, lambda r: r.document is not None, 30)
    assert doc.document["file_name"] == "phu-luc-i-2024.yaml"
    assert "/catalog import" in doc.plain
    text = received(admin, doc).decode("utf-8")
    assert load_catalog(text).max_total == 100

    reviewed = text.replace('title: "Kế hoạch tuyên truyền CCHC"', 'title: "Kế hoạch tuyên truyền"')
    await admin.emu.send_document(
        admin.user_id,
        "bo-chi-so.yaml",
        reviewed.encode(),
        mime_type="application/yaml",
        caption="/catalog import 2025",
    )
    done = await admin.emu.wait_for_text(admin.user_id, "imported for 2025", 30)
    assert done.plain == (
        "Catalog phu-luc-i-2024 imported for 2025: 8 fields, 56 items, 100 points.\n"
        "4 lines marked CHECK are still in the file: make sure each was looked at."
    )
    assert await catalogs(stack, 2025) == ["phu-luc-i-2024"]
    assert await catalogs(stack, 2024) == ["xa-mau-2024"]  # the running year is untouched


async def test_bad_files_are_refused_and_nothing_is_imported(stack, huge):
    admin = await join(stack, 8802, None, "admin", "Nội vụ")
    cases = [
        (
            "cong-van.docx",
            builders.word_letter(["Về việc cử cán bộ đi tập huấn"]),
            DOCX,
            "No criteria table was found in cong-van.docx.",
        ),
        (
            "phu-luc-trong.xlsx",
            builders.empty_table_xlsx(),
            XLSX,
            "has no rows with codes and points",
        ),
        ("phu-luc-scan.pdf", builders.scanned_pdf(), "application/pdf", "This PDF is a scan"),
        ("du-lieu.xlsx", huge, XLSX, "this is probably not the appendix"),
    ]
    for name, data, mime, expect in cases:
        await admin.emu.send_document(admin.user_id, name, data, mime_type=mime, caption="/catalog")
        said = await admin.emu.wait_for_text(admin.user_id, expect, 30)
        assert len(said.plain.splitlines()) >= 2, said.plain  # what was wrong + what to do
    await admin.emu.send_document(
        admin.user_id,
        "bo-chi-so.yaml",
        b"catalog: x\n",
        mime_type="application/yaml",
        caption="/catalog",
    )
    await admin.emu.wait_for_text(admin.user_id, "To import it, send it again with the caption", 30)
    broken = "catalog: x\ntitle: Thử\nboard: commune\nitems:\n  - {code: '1', title: A, max: 1, answr: {kind: survey}}\n"
    await admin.emu.send_document(
        admin.user_id,
        "x.yaml",
        broken.encode(),
        mime_type="application/yaml",
        caption="/catalog import 2026",
    )
    said = await admin.emu.wait_for_text(admin.user_id, "Nothing was imported", 30)
    assert "answr" in said.plain
    assert await catalogs(stack, 2026) == []
    assert await catalogs(stack, 2024) == ["xa-mau-2024"]


async def test_only_phong_noi_vu_may_send_an_appendix(stack, appendix_files):
    officer = await join(stack, 8803, "X01", "officer", "Lan")
    await officer.emu.send_document(
        officer.user_id,
        "Phu-luc-I.xlsx",
        appendix_files["xlsx"],
        mime_type=XLSX,
        caption="/catalog",
    )
    await officer.emu.wait_for_text(officer.user_id, "Only Phòng Nội vụ can draft or import", 30)
    await officer.send("/catalog", expect="Only Phòng Nội vụ")
