"""`parbot backup`, `parbot restore`, `parbot verify`: the database and the evidence files
together, consistent with each other, while the bot runs (see docs/deploy.md, "Backups").

    parbot backup --out /var/backups/parbot/parbot-$(date +%F).tar.gz
    parbot restore /var/backups/parbot/parbot-2025-03-01.tar.gz   # into an empty data dir / db
    parbot verify

Exit codes: 0 done / consistent; 1 refused, failed, or mismatches found (each listed); 2 usage.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import datetime
from pathlib import Path

import click

from bot.app import open_database
from bot.cli_common import cli_settings
from bot.settings import Settings
from conversations.i18n import fmt_num, t
from storage import backup as archive
from storage.db_dump import DumpError
from storage.evidence_audit import AuditReport, audit
from storage.files import EvidenceStore
from storage.uow import UnitOfWork


def _size(n: int, loc: str) -> str:
    return t(loc, "%(n)s MB", n=fmt_num(max(0.1, round(n / (1024 * 1024), 1)), loc))


def _when(iso: str, settings: Settings) -> str:
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    return moment.astimezone(settings.tz).strftime("%d/%m/%Y %H:%M")


@click.command(
    "backup",
    help=(
        "Sao lưu CSDL và tệp kiểm chứng vào một tệp (chạy được khi bot đang chạy) / back up "
        "the database and evidence files into one archive, while the bot runs."
    ),
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Tệp lưu trữ (.tar hoặc .tar.gz) / archive to write (.tar or .tar.gz).",
)
def backup_command(out: Path) -> None:
    s = cli_settings()
    loc = s.locale
    try:
        summary = asyncio.run(archive.create(s.database_url, s.data_dir, out))
    except DumpError as exc:
        click.echo(t(loc, "Backup failed: %(error)s", error=str(exc)), err=True)
        sys.exit(1)
    click.echo(
        t(
            loc,
            "Backup written to %(path)s: the %(backend)s database and %(files)s file(s), %(size)s.",
            path=str(summary.path),
            backend=summary.backend,
            files=summary.files,
            size=_size(summary.bytes, loc),
        )
    )
    problems = [t(loc, "missing from the store: %(sha)s", sha=sha) for sha in summary.missing]
    problems += [t(loc, "content changed on disk: %(sha)s", sha=sha) for sha in summary.damaged]
    if problems:
        _list(t(loc, "The evidence store has %(n)s problem(s):", n=len(problems)), problems)
        click.echo(t(loc, "Run `parbot verify` for details."), err=True)
        sys.exit(1)


@click.command(
    "restore",
    help=(
        "Khôi phục từ tệp sao lưu vào CSDL và thư mục dữ liệu trống (dừng bot trước) / restore "
        "a backup into an empty database and data directory (stop the bot first)."
    ),
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--force",
    is_flag=True,
    help=(
        "Thay dữ liệu hiện có (tệp cũ được giữ lại bên cạnh) / replace existing data (old "
        "files are moved aside)."
    ),
)
def restore_command(file: Path, force: bool) -> None:
    s = cli_settings()
    loc = s.locale
    try:
        summary = asyncio.run(archive.restore(file, s.database_url, s.data_dir, force=force))
    except archive.NotEmpty as exc:
        _list(
            t(loc, "Nothing was restored: the target is not empty (--force replaces it):"),
            [t(loc, msg, **params) for msg, params in exc.reasons],
        )
        sys.exit(1)
    except archive.BackupError as exc:
        reason = t(loc, exc.message, **exc.params)
        click.echo(t(loc, "Nothing was restored: %(error)s", error=reason), err=True)
        sys.exit(1)
    except DumpError as exc:
        click.echo(t(loc, "Nothing was restored: %(error)s", error=str(exc)), err=True)
        sys.exit(1)
    click.echo(
        t(
            loc,
            "Restored the %(backend)s database and %(files)s file(s) of the backup made at "
            "%(when)s.",
            backend=summary.backend,
            files=summary.files,
            when=_when(summary.created_at, s),
        )
    )
    for path in summary.moved_aside:
        click.echo(t(loc, "The previous data was kept at %(path)s.", path=str(path)))


@click.command(
    "verify",
    help=(
        "Kiểm tra mỗi tài liệu kiểm chứng có tệp đúng mã băm và không có tệp thừa / check "
        "that every evidence record has its file with the right hash and no file is orphaned."
    ),
)
def verify_command() -> None:
    s = cli_settings()

    async def go() -> AuditReport:
        async with (
            open_database(s, migrate=False) as db,
            UnitOfWork(db.sessionmaker, read_only=True) as uow,
        ):
            return await audit(uow, EvidenceStore(s.evidence_dir))

    report = asyncio.run(go())
    loc = s.locale
    if report.ok:
        click.echo(
            t(
                loc,
                "Consistent: %(rows)s evidence record(s), %(files)s stored file(s).",
                rows=report.rows,
                files=report.files,
            )
        )
        return
    _list(
        t(loc, "%(n)s mismatch(es) between the evidence records and the files:", n=_count(report)),
        _problems(report, loc),
    )
    sys.exit(1)


def _count(report: AuditReport) -> int:
    return len(report.missing) + len(report.changed) + len(report.orphans)


def _problems(report: AuditReport, loc: str) -> list[str]:
    lines = [
        t(
            loc,
            "file missing for evidence #%(id)s %(name)s (%(sha)s)",
            id=r.evidence_id,
            name=r.original_name,
            sha=r.sha256,
        )
        for r in report.missing
    ]
    lines += [
        t(
            loc,
            "file changed for evidence #%(id)s %(name)s: its content now hashes to %(actual)s",
            id=r.evidence_id,
            name=r.original_name,
            actual=actual,
        )
        for r, actual in report.changed
    ]
    lines += [
        t(loc, "file not referenced by any evidence record: %(path)s", path=path)
        for path in report.orphans
    ]
    return lines


def _list(header: str, lines: list[str]) -> None:
    click.echo(header, err=True)
    for line in lines:
        click.echo(f"  - {line}", err=True)


def register(group: click.Group) -> None:
    group.add_command(backup_command)
    group.add_command(restore_command)
    group.add_command(verify_command)
