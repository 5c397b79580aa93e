"""Issue 18, finding 1: spreadsheet formula injection through every export.

Hostile text goes in where people type it (explanations, appraisal comments, Telegram names,
evidence file names, unit names from the CSV, catalog titles); every export is then written by
the real code path (``parbot export sheet|ranking|evidence``, the leader's and the admin's
/export in chat), the real files are re-opened with openpyxl and the csv module, and no cell
may be a formula while the text survives.
"""

from __future__ import annotations

import asyncio
import csv
import io
import zipfile
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

import documents
from bot.app import open_database
from bot.settings import load_settings
from conversations import assessment as A
from conversations import evidence_pack as pack
from conversations.context import CoreConfig
from conversations.engine import ChatEngine
from conversations.evidence_names import escape_name, shown_name
from handlers.routes import build_registry
from storage.files import EvidenceStore
from storage.uow import UnitOfWork
from tests.evidence_check import factories as f
from tests.results.helpers import XA, Clock, User, invite

LINK = '=HYPERLINK("http://evil.example/","click")'
# one hostile value per leading character OWASP lists
EXPLANATIONS = (LINK, "+1+2 đã làm", "-2+3 tài liệu", "@SUM(A1:A9)", "\t=1+1 tab", "\r=1+1 cr")
PEOPLE = ("+84 Lan", "-Hùng", "@admin", "\t=Tab", "\r=CR")
FILES = ("=1+1.pdf", "+tong.pdf", "-giam.pdf", "@sum.pdf", "\t=tab.pdf", "\r=cr.pdf")
SHOWN_FILES = tuple(shown_name(n) for n in FILES)  # names are cleaned when shown/exported
COMMENT = '=HYPERLINK("http://evil.example/","thẩm định")'
UNITS = (
    "code,name,board\n"
    'X01,"=HYPERLINK(""http://evil.example/"",""xã"")",commune\n'
    "X02,+UBND xã B,commune\n"
    "X03,-UBND xã C,commune\n"
    "X04,@UBND xã D,commune\n"
)
UNIT_NAMES = ('=HYPERLINK("http://evil.example/","xã")', "+UBND xã B", "-UBND xã C", "@UBND xã D")
ITEM_TITLE = "-Nội dung Kế hoạch (tiêu đề độc)"
CATALOG_TITLE = "@Bộ chỉ số độc"
AT = datetime(2024, 3, 1, 2, 30, tzinfo=UTC)


def hostile_catalog() -> str:
    text = XA.read_text("utf-8").replace("\nlocale: vi\n", "\n")
    text = text.replace(
        "title: Bộ chỉ số CCHC cấp xã (mẫu) năm 2024", f'title: "{CATALOG_TITLE}"', 1
    )
    old = "title: Nội dung Kế hoạch đầy đủ, có phân công nhiệm vụ, thời gian thực hiện"
    assert old in text
    return text.replace(old, f'title: "{ITEM_TITLE}"', 1)


async def seed_hostile(uow: UnitOfWork, store: EvidenceStore) -> None:
    """Catalog, units, explanations, a verdict, people and evidence, all with hostile text."""
    await A.import_catalog(uow, hostile_catalog(), 2024)
    await A.import_units(uow, UNITS, 2024)
    period = await uow.periods.get_by_year(2024)
    assert period is not None
    unit = await uow.units.get_by_code(period.id, "X01")
    assert unit is not None and unit.catalog_id is not None
    items = await uow.catalogs.items_by_code(unit.catalog_id)
    pair = await A.unit_catalog(uow, unit)
    assert pair is not None
    leaves = [items[x.code] for x in pair[1].leaves() if x.section == "field" and not x.is_survey]
    people = [await uow.people.upsert(700 + n, 700 + n, name) for n, name in enumerate(PEOPLE)]
    for n, text in enumerate(EXPLANATIONS):
        await uow.answers.set_explanation(unit.id, leaves[n].id, text, people[n % len(people)])
    await uow.appraisals.set_appraisal(unit.id, leaves[0].id, "adjusted", Decimal("0.1"), COMMENT)
    for n, name in enumerate(FILES):
        sha, _ = store.put(f.text_page_pdf(f"tep {n}"))
        await uow.evidence.add(
            unit.id,
            leaves[n].id,
            sha,
            original_name=name,
            size=100,
            mime="application/pdf",
            signature_status="signed_intact",
            pages=1,
            signer="=signer()",
            signed_at=AT,
            section_ref="+Mục II",
            uploaded_by=people[n % len(people)],
            at=AT,
        )


# ------------------------------------------------------------------ checking the files


def xlsx_texts(source: Path | bytes) -> list[str]:
    """Every text cell of every sheet; fails on any formula (openpyxl reads ``<f>`` as a value
    starting with ``=`` and data type "f") or on a risky text cell without Excel's quote prefix."""
    data = source if isinstance(source, bytes) else source.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in zf.read(name) and b"<f " not in zf.read(name), name
    texts: list[str] = []
    for ws in openpyxl.load_workbook(io.BytesIO(data)).worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is None:
                    continue
                assert cell.data_type != "f", (cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert cell.data_type == "s", (cell.coordinate, cell.value)
                    if cell.value.startswith(("=", "+", "-", "@", "\t", "\r")):
                        assert cell.quotePrefix, (cell.coordinate, cell.value)
                    texts.append(cell.value)
    return texts


def csv_fields(data: bytes) -> list[str]:
    """Every field of a CSV export; none may start a formula (OWASP: a leading quote)."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    fields = [v for r in rows for v in r]
    for v in fields:
        assert not v.startswith(("=", "+", "-", "@", "\t", "\r")), v
    return fields


def contains(texts: list[str], wanted: str) -> bool:
    return any(wanted in t for t in texts)


# ------------------------------------------------------------------ the CLI exports


@pytest.fixture
def cli(cli, db_url: str, tmp_path: Path):
    """The shared `cli` (tests/conftest.py) on a database seeded with the hostile texts."""
    settings = load_settings(database_url=db_url, data_dir=tmp_path / "data")

    async def go() -> None:
        async with open_database(settings, migrate=False) as db, db.uow() as uow:
            await seed_hostile(uow, EvidenceStore(settings.evidence_dir))

    asyncio.run(go())
    return cli


def test_cli_unit_sheet_keeps_hostile_text_as_text(cli, tmp_path: Path) -> None:
    out = tmp_path / "x01.xlsx"
    cli("export", "sheet", "--unit", "X01", "--period", "2024", "--out", str(out))
    texts = xlsx_texts(out)
    for wanted in (*EXPLANATIONS, *SHOWN_FILES, COMMENT, ITEM_TITLE, CATALOG_TITLE, UNIT_NAMES[0]):
        assert contains(texts, wanted), wanted


def test_cli_ranking_keeps_hostile_unit_names_as_text(cli, tmp_path: Path) -> None:
    out = tmp_path / "rank.xlsx"
    cli("export", "ranking", "--period", "2024", "--out", str(out))
    texts = xlsx_texts(out)
    for name in UNIT_NAMES:
        assert name in texts, name
    assert contains(texts, CATALOG_TITLE)


def test_cli_evidence_pack_index_has_no_formula(cli, tmp_path: Path) -> None:
    out = tmp_path / "pack.zip"
    cli("export", "evidence", "--period", "2024", "--board", "commune", "--out", str(out))
    with zipfile.ZipFile(out) as zf:
        texts = xlsx_texts(zf.read(pack.INDEX_XLSX))
        fields = csv_fields(zf.read(pack.INDEX_CSV))
    # the index keeps each original name with control characters written out ("\\x09=tab.pdf")
    originals = tuple(escape_name(n) for n in FILES)
    risky = (*originals[:4], *PEOPLE, UNIT_NAMES[0], ITEM_TITLE, "=signer()", "+Mục II")
    for wanted in (*risky, *originals[4:]):
        assert wanted in texts, wanted
    for wanted in risky:
        assert "'" + wanted in fields, wanted  # OWASP's leading quote, the text after it intact
    assert originals[4] in fields and originals[4].startswith("\\x09")


# ------------------------------------------------------------------ /export in chat


@pytest.fixture
async def chat(db_url: str, tmp_path: Path):
    settings = load_settings(database_url=db_url, data_dir=tmp_path / "data")
    async with open_database(settings, migrate=False) as db:
        async with db.uow() as uow:
            await seed_hostile(uow, EvidenceStore(settings.evidence_dir))
        config = CoreConfig(
            formats=documents.formats(),
            data_dir=tmp_path / "data",
            expensive_every=0,
            default_locale="en",
        )
        yield db, ChatEngine(db.uow, config, Clock(), routes=build_registry())


def _documents(u: User) -> list[Path]:
    assert u.last is not None
    return [Path(r.document.path) for r in u.last.replies if r.document is not None]


async def test_chat_exports_keep_hostile_text_as_text(chat) -> None:
    db, engine = chat
    boss = await User(engine, 9001, "-Trưởng", "en").join(db, "X01", "leader")
    await boss.send("/export")
    [sheet] = _documents(boss)
    texts = xlsx_texts(sheet)
    assert contains(texts, LINK) and contains(texts, "\t=1+1 tab")
    assert contains(texts, "=1+1.pdf") and contains(texts, COMMENT)

    admin = await User(engine, 9003, "@Nội vụ", "en").join(db, None, "admin")
    await admin.send("/export sheet X01")
    [sheet] = _documents(admin)
    assert contains(xlsx_texts(sheet), LINK)
    await admin.send("/export ranking")
    [ranking] = _documents(admin)
    texts = xlsx_texts(ranking)
    assert all(name in texts for name in UNIT_NAMES)
    assert await invite(db, "X02", "officer")  # the database is still usable afterwards


def test_published_ranking_keeps_hostile_unit_names_as_text(cli, tmp_path: Path) -> None:
    cli("publish", "--period", "2024", "--force", "--reason", "kiểm thử")
    [sheet] = (tmp_path / "data" / "exports").glob("xep-hang-2024-cong-bo-*.xlsx")
    texts = xlsx_texts(sheet)
    assert all(name in texts for name in UNIT_NAMES)
