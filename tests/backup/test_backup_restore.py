"""`parbot backup` → wipe → `parbot restore` → the same ranking and the same evidence pack, on
SQLite and PostgreSQL; `parbot verify` finds missing, changed and orphaned files.

Real databases (migrated), real evidence files (PDFs built here), the real CLI.
"""

from __future__ import annotations

import asyncio
import io
import json
import tarfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
from click.testing import CliRunner, Result

from bot.cli import main
from storage.db import make_engine, make_sessionmaker
from storage.files import EvidenceStore
from storage.uow import UnitOfWork
from tests.cli.scoring_sheets import XA, sheet, write
from tests.evidence_check.factories import text_page_pdf

Cli = Callable[..., Result]


def make_cli(db_url: str, data_dir: Path) -> Cli:
    runner = CliRunner()
    env = {"PARBOT_DATABASE_URL": db_url, "PARBOT_DATA_DIR": str(data_dir), "PARBOT_LOCALE": "en"}

    def run(*args: str, code: int = 0) -> Result:
        result = runner.invoke(main, list(args), env=env, catch_exceptions=False)
        assert result.exit_code == code, result.output + (result.stderr or "")
        return result

    return run


EVIDENCE = [  # unit, item, original name, removed later
    ("X01", "1.1.1", "Kế hoạch CCHC 2024.pdf", False),
    ("X01", "1.1.2", "Báo cáo quý I.pdf", False),
    ("X01", "1.1.2", "Báo cáo (bản cũ).pdf", True),
    ("X02", "1.1.1", "Kế hoạch CCHC 2024.pdf", False),  # same name, other content
    ("X02", "1.1.1", "Quyết định 12.pdf", False),
]


async def add_evidence(db_url: str, store: EvidenceStore, rows=EVIDENCE, tag: str = "") -> None:
    """Files go to the store before their rows commit, as the bot stores an upload."""
    engine = make_engine(db_url)
    try:
        async with UnitOfWork(make_sessionmaker(engine)) as uow:
            period = await uow.periods.get_by_year(2024)
            assert period is not None
            for n, (unit_code, item_code, name, removed) in enumerate(rows):
                unit = await uow.units.get_by_code(period.id, unit_code)
                assert unit is not None
                items = await uow.catalogs.items_by_code(unit.catalog_id)
                data = text_page_pdf(f"{tag}{n} {unit_code} {item_code} {name}")
                sha, _ = await asyncio.to_thread(store.put, data)
                row, _ = await uow.evidence.add(
                    unit.id,
                    items[item_code].id,
                    sha,
                    name,
                    len(data),
                    "application/pdf",
                    "unsigned",
                    pages=1,
                )
                if removed:
                    await uow.evidence.remove(row.id)
    finally:
        await engine.dispose()


def seed(cli: Cli, db_url: str, data: Path, tmp_path: Path) -> None:
    cli("catalog", "import", str(XA), "--period", "2024")
    units = ["code,name,board", "X01,UBND xã Canh Thuận,commune", "X02,UBND xã Canh Hiệp,commune"]
    cli("units", "import", write(tmp_path, "units.csv", units), "--period", "2024")
    answers = ["unit,item,value,explanation", *sheet("X01"), *sheet("X02", B_1="cap_tinh")]
    cli(
        "answers",
        "import",
        write(tmp_path, "answers.csv", answers),
        "--period",
        "2024",
        "--allow-missing-evidence",  # a sample sheet; the evidence files come just below
    )
    asyncio.run(add_evidence(db_url, EvidenceStore(data / "evidence")))
    notice = data / "broadcasts" / "0123456789abcdef-thong-bao.pdf"
    notice.parent.mkdir(parents=True)
    notice.write_bytes(text_page_pdf("Thong bao"))


def pack_contents(path: Path) -> dict[str, object]:
    """Every member's bytes; the Excel index by cell values (its zip carries timestamps)."""
    out: dict[str, object] = {}
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            data = zf.read(name)
            if name.endswith(".xlsx"):
                book = openpyxl.load_workbook(io.BytesIO(data))
                out[name] = [[list(r) for r in ws.iter_rows(values_only=True)] for ws in book]
            else:
                out[name] = data
    return out


def snapshot(cli: Cli, tmp_path: Path, name: str) -> tuple[object, dict[str, object]]:
    ranking = json.loads(cli("rank", "--period", "2024", "--json").output)
    out = tmp_path / f"{name}.zip"
    cli("export", "evidence", "--period", "2024", "--all", "--out", str(out))
    return ranking, pack_contents(out)


def test_backup_wipe_restore_gives_the_same_ranking_and_evidence_pack(
    db_url: str, empty_db_url: str, tmp_path: Path
):
    data = tmp_path / "data"
    cli = make_cli(db_url, data)
    seed(cli, db_url, data, tmp_path)
    ranking, pack = snapshot(cli, tmp_path, "before")
    assert ranking and len(pack) == 4 + 2  # four kept files and the two index files
    assert "Consistent: 5 evidence record(s), 5 stored file(s)." in cli("verify").output

    archive = tmp_path / "backups" / "parbot.tar.gz"
    out = cli("backup", "--out", str(archive)).output
    assert "and 6 file(s)" in out  # five evidence files and the notice's attachment
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
    assert len(manifest["files"]) == 6 and manifest["missing"] == []

    # wiped: a new empty database and an empty data directory
    new_data = tmp_path / "restored"
    target = make_cli(empty_db_url, new_data)
    assert "Restored the" in target("restore", str(archive)).output
    assert snapshot(target, tmp_path, "after") == (ranking, pack)
    assert "Consistent: 5 evidence record(s), 5 stored file(s)." in target("verify").output
    notice = new_data / "broadcasts" / "0123456789abcdef-thong-bao.pdf"
    assert notice.read_bytes() == (data / "broadcasts" / notice.name).read_bytes()

    # a second restore over data is refused unless forced; forced, the old data is kept aside
    refused = target("restore", str(archive), code=1)
    assert "the target is not empty" in refused.output
    assert "the database already has tables" in refused.output
    assert f"{new_data / 'evidence'} already has files" in refused.output
    forced = target("restore", str(archive), "--force").output
    assert "The previous data was kept at" in forced
    assert snapshot(target, tmp_path, "forced") == (ranking, pack)
    assert "Consistent" in target("verify").output


def test_a_damaged_archive_is_refused_before_anything_changes(
    db_url: str, empty_db_url: str, tmp_path: Path
):
    data = tmp_path / "data"
    cli = make_cli(db_url, data)
    seed(cli, db_url, data, tmp_path)
    archive = tmp_path / "parbot.tar"
    cli("backup", "--out", str(archive))
    damaged = tmp_path / "damaged.tar"
    edited = 0
    with tarfile.open(archive) as src, tarfile.open(damaged, "w") as dst:
        for member in src:
            body = src.extractfile(member).read()  # type: ignore[union-attr]
            if member.name.startswith("data/evidence/") and not edited:
                body = body.replace(b"Tj", b"TJ", 1)  # one byte of one evidence file
                edited += 1
            dst.addfile(member, io.BytesIO(body))
    assert edited == 1
    new_data = tmp_path / "restored"
    target = make_cli(empty_db_url, new_data)
    result = target("restore", str(damaged), code=1)
    assert "does not match the manifest" in result.output
    assert not (new_data / "evidence").exists()
    target("restore", str(archive))  # the target is still empty: the good archive goes in


def test_verify_reports_missing_changed_and_orphaned_files(
    db_url: str, empty_db_url: str, tmp_path: Path
):
    data = tmp_path / "data"
    cli = make_cli(db_url, data)
    seed(cli, db_url, data, tmp_path)
    store = EvidenceStore(data / "evidence")
    files = sorted(p for p in store.root.rglob("*") if p.is_file())
    missing, changed = files[0], files[1]
    missing.unlink()
    changed.write_bytes(changed.read_bytes() + b"\n% edited")
    _sha, orphan_rel = store.put(text_page_pdf("copied in by hand"))
    result = cli("verify", code=1)
    assert "3 mismatch(es)" in result.output
    assert "file missing for evidence #" in result.output and missing.name in result.output
    assert "file changed for evidence #" in result.output
    assert f"not referenced by any evidence record: {orphan_rel}" in result.output
    # the backup says the store is damaged too (and still writes what it can)
    archive = tmp_path / "b.tar"
    backed = cli("backup", "--out", str(archive), code=1)
    assert f"missing from the store: {missing.name}" in backed.output
    assert f"content changed on disk: {changed.name}" in backed.output
    # restored, the copy is as faithful as the store was: the same two records are reported
    target = make_cli(empty_db_url, tmp_path / "restored")
    target("restore", str(archive))
    again = target("verify", code=1).output
    assert "2 mismatch(es)" in again  # the orphan was not referenced, so not backed up
    assert missing.name in again and "file changed for evidence #" in again
