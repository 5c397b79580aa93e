"""Issue 18, findings 3 and 8, through the emulator on both runtimes: hostile file names and
risky PDFs sent as evidence. Every file is built here with real libraries; nothing binary is
committed. Users speak English so the assertions read the English msgids."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from conversations import evidence_pack as pack
from tests.e2e.evidence_steps import (
    evidence,
    file_on_card,
    join,
    received_document,
    send_file,
    store,
)
from tests.e2e.harness import close_stack, make_stack
from tests.evidence_check import factories as f
from tests.evidence_check import hostile as h

ESCAPE = "a\x1b[31mred.pdf"
NUL = "x\x00.pdf"


def _index(data: bytes) -> dict[str, tuple[object, ...]]:
    zf = zipfile.ZipFile(io.BytesIO(data))
    ws = openpyxl.load_workbook(io.BytesIO(zf.read(pack.INDEX_XLSX))).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == pack.HEADERS
    return {str(r[4]): r for r in rows[1:]}


async def _legacy_row(stack, name: str, data: bytes) -> None:
    """A row as stored before names were cleaned at upload: the raw name as sent."""
    sha, _ = store(stack).put(data)
    async with stack.db.uow() as uow:
        period = await uow.periods.get_by_year(2024)
        unit = await uow.units.get_by_code(period.id, "X02")
        items = await uow.catalogs.items_by_code(unit.catalog_id)
        await uow.evidence.add(
            unit.id, items["1.2"].id, sha, name, len(data), "application/pdf", "unsigned", pages=1
        )


async def test_control_characters_in_file_names_never_break_lists_or_exports(stack):
    lan = await join(stack, 8101)
    rec = await send_file(
        lan, ESCAPE, f.text_page_pdf("Do"), "Attached to 1.1.1.a", caption="1.1.1.a"
    )
    assert "a[31mred.pdf" in rec.plain and "\x1b" not in rec.plain
    rec = await send_file(lan, NUL, f.text_page_pdf("Nul"), "Attached to 3.2", caption="3.2")
    assert "x.pdf" in rec.plain and "\x00" not in rec.plain
    rec = await send_file(
        lan, "\x00\x01/..", f.text_page_pdf("Trong"), "Attached to 1.2", caption="1.2"
    )
    assert "TLKC-1.2-" in rec.plain  # nothing usable left: named after the criterion
    rows = await evidence(stack)
    stored = {code: [r.original_name for r in lst] for code, lst in rows.items()}
    assert stored["1.1.1.a"] == ["a[31mred.pdf"] and stored["3.2"] == ["x.pdf"]
    assert stored["1.2"][0].startswith("TLKC-1.2-") and stored["1.2"][0].endswith(".pdf")
    kept = rows["1.1.1.a"][0].signature_detail["original_name"]
    assert kept == "a\\x1b[31mred.pdf"  # the original survives only escaped
    listing = await lan.send("/evidence all", expect="Evidence files")
    assert "a[31mred.pdf" in listing.plain and "\x1b" not in listing.plain

    await _legacy_row(stack, "Cũ\x1b[0m\x07.pdf", f.text_page_pdf("Cu"))
    admin = await join(stack, 8102, unit=None, role="admin", name="Nội vụ")
    for what in ("X01", "X02", "commune"):
        rec = await admin.send(f"/evidence export {what}", expect="Evidence pack 2024")
        index = _index(received_document(admin, rec))
        shown = "".join(str(r[5]) for r in index.values())
        assert "\x1b" not in shown and "\x00" not in shown and "\x07" not in shown
    assert "Cũ\\x1b[0m\\x07.pdf" in shown and "a\\x1b[31mred.pdf" in shown
    hoa = await join(stack, 8103, unit="X02", name="Hoa")
    rec = await hoa.send("/evidence", expect="Evidence files")
    assert "Cũ[0m.pdf" in rec.plain and "\x1b" not in rec.plain
    doc = await hoa.press("⬇️ 1")
    assert doc.document["file_name"] == "Cũ[0m.pdf"

    # one unit's file cannot be read (a loop where the content should be): the board's pack
    # still goes out, with that file marked in the index and the officer told
    (legacy,) = (await evidence(stack, "X02"))["1.2"]
    path = store(stack).path(legacy.sha256)
    path.unlink()
    path.symlink_to(path)
    rec = await admin.send("/evidence export commune", expect="Evidence pack 2024")
    assert "1 file(s) could not be read and were left out" in rec.plain
    index = _index(received_document(admin, rec))
    note = pack.HEADERS.index("Ghi chú")
    failed = [n for n, r in index.items() if str(r[note]).startswith(pack.FAILED_NOTE)]
    assert failed == ["X02/1.2/Cu-0m.pdf"]
    names = zipfile.ZipFile(io.BytesIO(received_document(admin, rec))).namelist()
    assert "X02/1.2/Cu-0m.pdf" not in names and "X01/1.1.1.a/a-31mred.pdf" in names


async def test_risky_pdfs_are_refused_or_flagged_and_marked(stack):
    lan = await join(stack, 8201)
    await lan.send("/score 1.1.1.a", expect="1.1.1.a ·")
    for name, data, found in [
        ("Ke hoach.pdf", h.open_action_js(), "JavaScript"),
        ("Bao cao.pdf", h.launch_action(), "a command that starts a program"),
        ("Kem theo.pdf", h.attachment("cai-dat.exe", f.windows_exe()), "an attached program"),
    ]:
        rec = await send_file(lan, name, data, "refused for safety")
        assert found in rec.plain and "print it to a new PDF" in rec.plain
        assert len(rec.plain.strip().splitlines()) == 2, rec.plain  # the file; why, what to do
    assert await evidence(stack) == {}

    _, rec = await file_on_card(lan, "Bao cao quy I.pdf", h.zip_appended(), "Attached to 1.1.1.a")
    assert "Found in this PDF: another file hidden inside it (e.g. a ZIP)" in rec.plain
    _, rec = await file_on_card(lan, "Phu luc.pdf", h.attachment(), "Attached to 1.1.1.a")
    assert "Found in this PDF: attached files" in rec.plain
    _, rec = await file_on_card(lan, "Sach.pdf", h.fpdf_document(), "Attached to 1.1.1.a")
    assert "Found in this PDF" not in rec.plain and "Risky" not in rec.plain
    rows = (await evidence(stack))["1.1.1.a"]
    assert [r.signature_detail["risks"] for r in rows] == [["polyglot"], ["embedded_file"], []]

    listing = await lan.send("/evidence 1.1.1.a", expect="Evidence files")
    assert listing.plain.count("🛡 Risky content:") == 2
    assert "Risky content: attached files" in listing.plain

    admin = await join(stack, 8202, unit=None, role="admin", name="Nội vụ")
    rec = await admin.send("/evidence export X01", expect="Evidence pack 2024")
    index = _index(received_document(admin, rec))
    column = pack.HEADERS.index("Nội dung rủi ro")
    marks = {name.rsplit("/", 1)[-1]: row[column] for name, row in index.items()}
    assert marks == {
        "Bao cao quy I.pdf": pack.RISK_VI["polyglot"],
        "Phu luc.pdf": pack.RISK_VI["embedded_file"],
        "Sach.pdf": None,
    }


@pytest.fixture(params=["aiogram-refuse-all", "ptb-refuse-all", "aiogram-flag", "ptb-flag"])
async def policy_stack(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch):
    """A stack whose province set PARBOT_RISKY_PDF (read from the environment at start)."""
    runtime, policy = request.param.split("-", 1)
    monkeypatch.setenv("PARBOT_RISKY_PDF", policy)
    s = await make_stack(tmp_path, runtime)
    s.policy = policy  # type: ignore[attr-defined]
    try:
        yield s
    finally:
        await close_stack(s)


async def test_the_province_setting_decides_what_is_refused(policy_stack):
    stack = policy_stack
    lan = await join(stack, 8301)
    await lan.send("/score 1.2", expect="1.2 ·")
    if stack.policy == "refuse-all":
        for name, data, found in [
            ("Phu luc.pdf", h.attachment(), "attached files"),
            ("Kem zip.pdf", h.zip_appended(), "another file hidden inside it"),
            ("Ke hoach.pdf", h.open_action_js(), "JavaScript"),
        ]:
            rec = await send_file(lan, name, data, "refused for safety")
            assert found in rec.plain
        assert await evidence(stack) == {}
    else:
        _, rec = await file_on_card(lan, "Ke hoach.pdf", h.open_action_js(), "Attached to 1.2")
        assert "Found in this PDF: JavaScript" in rec.plain
        (row,) = (await evidence(stack))["1.2"]
        assert row.signature_detail["risks"] == ["javascript"]
    _, rec = await file_on_card(lan, "Sach.pdf", h.fpdf_document(), "Attached to 1.2")
    assert "Found in this PDF" not in rec.plain
