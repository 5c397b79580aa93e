"""The council's evidence pack on a real database (SQLite and PostgreSQL) and a real store."""

from __future__ import annotations

import csv
import io
import os
import tracemalloc
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest

from conversations import assessment as A
from conversations import evidence_pack as pack
from documents.xlsx import OpenpyxlSheets
from storage.files import EvidenceStore
from storage.uow import UnitOfWork
from tests.conftest import World
from tests.evidence_check import factories as f

AT = datetime(2024, 3, 1, 2, 30, tzinfo=UTC)  # 09:30 in Hà Nội


@pytest.fixture
def store(tmp_path: Path) -> EvidenceStore:
    return EvidenceStore(tmp_path / "evidence")


async def add(
    sm, store: EvidenceStore, world: World, unit_id: int, code: str, name: str, data: bytes, **kw
):
    sha, _ = store.put(data)
    async with UnitOfWork(sm) as uow:
        row, _ = await uow.evidence.add(
            unit_id,
            world.items[code],
            sha,
            original_name=name,
            size=len(data),
            mime="application/pdf",
            signature_status=kw.pop("status", "unsigned"),
            pages=kw.pop("pages", 1),
            uploaded_by=world.person_id,
            at=AT,
            **kw,
        )
        return row.id


async def build(sm, store, out: Path, **kw) -> pack.ZipSummary:
    async with UnitOfWork(sm) as uow:
        return await pack.build_evidence_zip(uow, store, 2024, out, sheets=OpenpyxlSheets(), **kw)


async def test_one_unit_flat_tree_deduped_names_and_index(sessionmaker, world, store, tmp_path):
    plan = f.text_page_pdf("Ke hoach")
    plan2 = f.text_page_pdf("Ke hoach ban 2")
    ratio = f.text_page_pdf("Ty le", pages=3)
    await add(
        sessionmaker,
        store,
        world,
        world.unit_id,
        "1.1.1",
        "Kế hoạch.pdf",
        plan,
        status="signed_intact",
        signer="Nguyễn Văn An",
        signed_at=AT,
    )
    await add(sessionmaker, store, world, world.unit_id, "1.1.1", "KẾ HOẠCH.pdf", plan2)
    await add(
        sessionmaker,
        store,
        world,
        world.unit_id,
        "1.1.2",
        "Tỷ lệ.pdf",
        ratio,
        pages=3,
        section_ref="Mục II, trang 3",
    )
    gone = await add(sessionmaker, store, world, world.unit_id, "1.1.2", "Cũ.pdf", b"%PDF-old")
    async with UnitOfWork(sessionmaker) as uow:
        await uow.evidence.remove(gone, by=world.person_id)
    await add(sessionmaker, store, world, world.other_unit_id, "1.1.1", "Khac.pdf", b"%PDF-x")

    out = tmp_path / "out" / "pack.zip"
    summary = await build(sessionmaker, store, out, unit_codes=["xa-an-binh"])
    assert summary.path == out and summary.files == 3 and summary.items == 2
    assert summary.units == 1 and summary.missing == []
    assert summary.bytes == len(plan) + len(plan2) + len(ratio)
    zf = zipfile.ZipFile(out)
    assert sorted(zf.namelist()) == sorted(
        [
            "1.1.1/Ke hoach.pdf",
            "1.1.1/KE HOACH (2).pdf",
            "1.1.2/Ty le.pdf",
            pack.INDEX_XLSX,
            pack.INDEX_CSV,
        ]
    )
    assert zf.read("1.1.1/Ke hoach.pdf") == plan
    assert zf.read("1.1.2/Ty le.pdf") == ratio
    assert zf.getinfo("1.1.2/Ty le.pdf").compress_type == zipfile.ZIP_STORED

    ws = openpyxl.load_workbook(io.BytesIO(zf.read(pack.INDEX_XLSX))).active
    assert ws.freeze_panes == "A2"
    assert ws["A1"].font.bold
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == pack.HEADERS
    first = rows[1]
    assert first[:6] == (
        "xa-an-binh",
        "UBND xã An Bình",
        "1.1.1",
        "Kế hoạch CCHC hàng năm",
        "1.1.1/Ke hoach.pdf",
        "Kế hoạch.pdf",
    )
    assert first[6] == 1 and first[8] == pack.STATUS_VI["signed_intact"]
    assert first[9] == "Nguyễn Văn An"
    assert first[10] == datetime(2024, 3, 1, 9, 30)  # local time, a real Excel date
    assert first[11] == "Nguyễn Văn A" and first[12] == datetime(2024, 3, 1, 9, 30)
    assert first[13] == len(plan)
    assert ws.cell(2, 5).hyperlink.target == "1.1.1/Ke hoach.pdf"
    third = rows[3]
    assert third[6] == 3 and third[7] == "Mục II, trang 3"
    assert ws.cell(2, 11).number_format == "DD/MM/YYYY HH:MM"

    raw = zf.read(pack.INDEX_CSV)
    assert raw.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert tuple(table[0]) == pack.HEADERS
    assert table[1][4] == "1.1.1/Ke hoach.pdf" and table[1][10] == "01/03/2024 09:30"
    assert [r[4] for r in table[1:]] == [r[4] for r in rows[1:]]


async def test_several_units_get_a_folder_each(sessionmaker, world, store, tmp_path):
    await add(sessionmaker, store, world, world.unit_id, "1.1.1", "A.pdf", b"%PDF-a")
    await add(sessionmaker, store, world, world.other_unit_id, "1.1.1", "A.pdf", b"%PDF-a")
    for kw in ({}, {"board": "commune"}, {"unit_codes": ["xa-an-binh", "xa-binh-an"]}):
        out = tmp_path / f"all-{len(kw)}.zip"
        summary = await build(sessionmaker, store, out, **kw)
        assert summary.units == 2 and summary.files == 2
        names = set(zipfile.ZipFile(out).namelist())
        assert {"xa-an-binh/1.1.1/A.pdf", "xa-binh-an/1.1.1/A.pdf"} <= names
    # the same content twice is one file in the store, two entries in the pack
    assert len([p for p in store.root.rglob("*") if p.is_file()]) == 1
    summary = await build(sessionmaker, store, tmp_path / "dept.zip", board="department")
    assert summary.units == 0 and summary.files == 0
    assert set(zipfile.ZipFile(tmp_path / "dept.zip").namelist()) == {
        pack.INDEX_XLSX,
        pack.INDEX_CSV,
    }


async def test_unknown_period_or_unit_is_refused(sessionmaker, world, store, tmp_path):
    with pytest.raises(A.NotFound) as err:
        await build(sessionmaker, store, tmp_path / "x.zip", unit_codes=["khong-co"])
    assert err.value.params == {"unit": "khong-co"}
    with pytest.raises(A.NotFound):
        async with UnitOfWork(sessionmaker) as uow:
            await pack.build_evidence_zip(
                uow, store, 1999, tmp_path / "y.zip", sheets=OpenpyxlSheets()
            )
    assert not (tmp_path / "x.zip").exists() and not (tmp_path / "y.zip").exists()


async def test_field_restriction_and_missing_content(sessionmaker, world, store, tmp_path):
    await add(sessionmaker, store, world, world.unit_id, "1.1.1", "A.pdf", b"%PDF-a")
    await add(sessionmaker, store, world, world.other_unit_id, "1.1.2", "B.pdf", b"%PDF-b")
    summary = await build(
        sessionmaker,
        store,
        tmp_path / "r.zip",
        fields_by_unit={"xa-an-binh": {"9"}, "xa-binh-an": None},
    )
    assert [e.arcname for e in summary.entries] == ["xa-binh-an/1.1.2/B.pdf"]
    summary = await build(
        sessionmaker, store, tmp_path / "r2.zip", fields_by_unit={"xa-an-binh": {"1"}}
    )
    assert [e.arcname for e in summary.entries] == ["xa-an-binh/1.1.1/A.pdf"]

    store.path(summary.entries[0].sha256).unlink()  # the disk lost it
    summary = await build(sessionmaker, store, tmp_path / "m.zip", unit_codes=["xa-an-binh"])
    assert summary.missing == ["1.1.1/A.pdf"] and summary.files == 0
    zf = zipfile.ZipFile(tmp_path / "m.zip")
    assert "1.1.1/A.pdf" not in zf.namelist()
    ws = openpyxl.load_workbook(io.BytesIO(zf.read(pack.INDEX_XLSX))).active
    assert ws.cell(2, len(pack.HEADERS)).value == pack.MISSING_NOTE


def _entry(sha: str, arcname: str, size: int) -> pack.PackEntry:
    return pack.PackEntry(
        unit_code="X01",
        unit_name="UBND xã A",
        board="commune",
        item_code="1.1.1",
        item_title="Kế hoạch",
        field_code="1",
        arcname=arcname,
        original_name="big.pdf",
        sha256=sha,
        size=size,
        pages=1,
        section_ref=None,
        signature_status="unsigned",
        signer=None,
        signed_at=None,
        uploader=None,
        uploaded_at=AT,
    )


def test_large_files_are_streamed_not_held_in_memory(store, tmp_path, monkeypatch):
    size = 24 * 1024 * 1024
    data = os.urandom(size)
    sha, _ = store.put(data)
    del data

    def no_reading(*_a: object, **_k: object) -> bytes:
        raise AssertionError("the pack must stream from disk, not read whole files")

    monkeypatch.setattr(EvidenceStore, "read", no_reading)
    entries = [_entry(sha, "1.1.1/big.pdf", size), _entry(sha, "1.1.1/big (2).pdf", size)]
    tracemalloc.start()
    try:
        summary = pack.write_zip(
            entries, store, tmp_path / "big.zip", units=1, sheets=OpenpyxlSheets()
        )
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert summary.files == 2 and summary.bytes == 2 * size
    assert peak < 4 * 1024 * 1024, peak  # two 24 MB files went through a few KB of buffer
    with zipfile.ZipFile(tmp_path / "big.zip") as zf:
        assert zf.getinfo("1.1.1/big (2).pdf").file_size == size
        assert zf.testzip() is None


def test_a_bad_row_is_reported_in_the_index_and_the_rest_goes_out(store, tmp_path):
    good, _ = store.put(b"%PDF-good")
    entries = [_entry(good, "1.1.1/a.pdf", 9), _entry("not-a-sha", "1.1.1/b.pdf", 1)]
    summary = pack.write_zip(entries, store, tmp_path / "p.zip", sheets=OpenpyxlSheets())
    assert summary.files == 1 and list(summary.failed) == ["1.1.1/b.pdf"]
    zf = zipfile.ZipFile(tmp_path / "p.zip")
    assert zf.read("1.1.1/a.pdf") == b"%PDF-good" and "1.1.1/b.pdf" not in zf.namelist()
    ws = openpyxl.load_workbook(io.BytesIO(zf.read(pack.INDEX_XLSX))).active
    assert ws.cell(3, len(pack.HEADERS)).value.startswith(pack.FAILED_NOTE)
    assert ws.cell(3, 5).hyperlink is None and ws.cell(2, 5).hyperlink is not None


def test_a_failed_write_leaves_no_partial_pack(store, tmp_path):
    good, _ = store.put(b"%PDF-good")
    taken = tmp_path / "p.zip"
    (taken / "inside").mkdir(parents=True)  # the target is a folder: the final rename fails
    with pytest.raises(OSError):
        pack.write_zip([_entry(good, "1.1.1/a.pdf", 9)], store, taken, sheets=OpenpyxlSheets())
    assert list(tmp_path.glob(".*part")) == [] and taken.is_dir()
