"""One archive with the database and the files it needs, and putting it back.

``parbot backup`` takes a consistent copy of the database (storage.db_dump) and then adds the
evidence files that copy references. Evidence content is written to the store before its row
is committed and never changed afterwards, so every file the copy needs is already there when
it is read; a file uploaded later belongs to a later backup. The notices' attachments
(``broadcasts/``) come along. ``manifest.json``, the last member, lists every member with its
SHA-256; a restore checks each one before anything is put in place.

Archive (tar, gzip when the name ends in .gz/.tgz)::

    database/parbot.sqlite3 | database/parbot.pgdump
    data/evidence/ab/cd/<sha256>
    data/broadcasts/<file>
    manifest.json
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from scoring.i18n import N_
from storage import db_dump
from storage.files import EvidenceStore

FORMAT = "parbot-backup"
VERSION = 1
MANIFEST = "manifest.json"
DB_MEMBER = {"sqlite": "database/parbot.sqlite3", "postgresql": "database/parbot.pgdump"}
EXTRA_DIRS = ("broadcasts",)
"""Folders of the data directory kept besides the evidence store (exports and charts are
caches, made again on demand)."""
_CHUNK = 1 << 20


class BackupError(RuntimeError):
    """The archive is unusable or does not fit the target; nothing was changed. ``message`` is
    a msgid with ``%(name)s`` parameters, translated by the caller."""

    def __init__(self, message: str, **params: str) -> None:
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params


@dataclass
class BackupSummary:
    path: Path
    backend: str
    files: int
    bytes: int
    missing: list[str] = field(default_factory=list)  # referenced contents not in the store
    damaged: list[str] = field(default_factory=list)  # stored contents whose hash differs


class _Hashing:
    """A reader that hashes what tarfile copies, so the manifest describes the archived bytes."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.digest = hashlib.sha256()

    def read(self, n: int = -1) -> bytes:
        data = self.raw.read(n)
        self.digest.update(data)
        return data


def _add(tar: tarfile.TarFile, source: Path, arcname: str) -> dict[str, Any]:
    info = tar.gettarinfo(str(source), arcname)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    with source.open("rb") as raw:
        reader = _Hashing(raw)
        tar.addfile(info, reader)  # tarfile only calls read()
    return {"path": arcname, "sha256": reader.digest.hexdigest(), "size": info.size}


def _write_mode(path: Path) -> str:
    return "w:gz" if path.name.endswith((".gz", ".tgz")) else "w"


async def create(database_url: str, data_dir: Path, out: Path) -> BackupSummary:
    """Write the archive to ``out`` (via a temporary name: never half an archive)."""
    kind = db_dump.backend(database_url)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".parbot-backup-", dir=out.parent) as tmp:
        copy = Path(tmp) / "db"
        if kind == "sqlite":
            source = db_dump.sqlite_path(database_url)
            shas = await asyncio.to_thread(db_dump.copy_sqlite, source, copy)
        else:
            shas = await db_dump.copy_postgres(database_url, copy)
        partial = Path(tmp) / "archive"
        summary = await asyncio.to_thread(_write_archive, partial, kind, copy, shas, data_dir, out)
        os.replace(partial, out)
    return summary


def _write_archive(
    partial: Path, kind: str, copy: Path, shas: set[str], data_dir: Path, out: Path
) -> BackupSummary:
    store = EvidenceStore(data_dir / "evidence")
    summary = BackupSummary(out, kind, 0, 0)
    with tarfile.open(partial, _write_mode(out)) as tar:  # type: ignore[call-overload]
        database = _add(tar, copy, DB_MEMBER[kind])
        files = []
        for sha in sorted(shas):
            path = store.path(sha)
            if not path.is_file():
                summary.missing.append(sha)
                continue
            entry = _add(tar, path, f"data/evidence/{store.relative_path(sha)}")
            if entry["sha256"] != sha:
                summary.damaged.append(sha)
            files.append(entry)
        files += _add_extra(tar, data_dir)
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "backend": kind,
            "database": database,
            "files": files,
            "missing": summary.missing,
            "damaged": summary.damaged,
        }
        body = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mtime = len(body), int(datetime.now(UTC).timestamp())
        tar.addfile(info, io.BytesIO(body))
    summary.files = len(files)
    summary.bytes = partial.stat().st_size
    return summary


def _add_extra(tar: tarfile.TarFile, data_dir: Path) -> list[dict[str, Any]]:
    """The notices' attachments; one being written right now (``.part``) is left out."""
    entries = []
    for folder in EXTRA_DIRS:
        for path in sorted(p for p in (data_dir / folder).rglob("*") if p.is_file()):
            if path.name.endswith(".part"):
                continue
            entries.append(_add(tar, path, f"data/{path.relative_to(data_dir).as_posix()}"))
    return entries


# --------------------------------------------------------------------------------- restore


@dataclass
class RestoreSummary:
    backend: str
    files: int
    created_at: str
    moved_aside: list[Path] = field(default_factory=list)


class NotEmpty(BackupError):
    """The target already holds data; ``reasons`` name what (restore with force replaces it)."""

    def __init__(self, reasons: list[tuple[str, dict[str, str]]]) -> None:
        super().__init__("; ".join(m % p for m, p in reasons))
        self.reasons = reasons


async def restore(
    archive: Path, database_url: str, data_dir: Path, *, force: bool = False
) -> RestoreSummary:
    """Check the archive whole, then load the database and put the files in place.

    Without ``force`` a target that holds data is refused (:class:`NotEmpty`); with it the old
    database file and data folders are moved aside (``*.before-restore-<time>``), a PostgreSQL
    database has the dump's objects dropped and recreated."""
    kind = db_dump.backend(database_url)
    reasons = await _occupied(database_url, data_dir)
    if reasons and not force:
        raise NotEmpty(reasons)
    data_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".parbot-restore-", dir=data_dir))
    try:
        manifest = await asyncio.to_thread(_unpack, archive, staging)
        if manifest["backend"] != kind:
            raise BackupError(
                N_("the archive holds a %(archived)s database, the target is %(target)s"),
                archived=str(manifest["backend"]),
                target=kind,
            )
        aside = "before-restore-" + datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        summary = RestoreSummary(kind, len(manifest["files"]), str(manifest["created_at"]))
        copy = staging / manifest["database"]["path"]
        if kind == "sqlite":
            moved = db_dump.load_sqlite(copy, database_url, aside)
            summary.moved_aside += [moved] if moved else []
        else:
            await db_dump.load_postgres(copy, database_url, replace=bool(reasons))
        summary.moved_aside += _put_files(staging / "data", data_dir, aside)
        return summary
    finally:
        shutil.rmtree(staging, ignore_errors=True)


async def _occupied(database_url: str, data_dir: Path) -> list[tuple[str, dict[str, str]]]:
    reasons: list[tuple[str, dict[str, str]]] = []
    if not await db_dump.database_is_empty(database_url):
        reasons.append((N_("the database already has tables"), {}))
    for folder in ("evidence", *EXTRA_DIRS):
        path = data_dir / folder
        if path.is_dir() and any(p.is_file() for p in path.rglob("*")):
            reasons.append((N_("the folder %(path)s already has files"), {"path": str(path)}))
    return reasons


def _unpack(archive: Path, staging: Path) -> dict[str, Any]:
    """Extract into ``staging``, checking every member against the manifest (and each
    evidence file against its name); returns the manifest."""
    try:
        tar = tarfile.open(archive, "r:*")  # noqa: SIM115  (closed by the with below)
    except (OSError, tarfile.TarError):
        raise BackupError(N_("%(file)s is not a parbot backup"), file=str(archive)) from None
    with tar:
        manifest = _manifest(tar, archive)
        expected = {e["path"]: e for e in [manifest["database"], *manifest["files"]]}
        damaged = set(manifest.get("damaged") or [])
        seen = set()
        for member in tar:
            if member.name == MANIFEST:
                continue
            entry = expected.get(member.name)
            if entry is None or not member.isfile():
                raise BackupError(N_("unexpected member %(name)s"), name=repr(member.name))
            # a file already damaged in the store was archived as it was (verify reports it)
            named = member.name.startswith("data/evidence/") and (
                Path(member.name).name not in damaged
            )
            _extract_checked(tar, member, staging / member.name, entry["sha256"], named)
            seen.add(member.name)
        if lost := sorted(set(expected) - seen):
            raise BackupError(N_("member %(name)s is missing"), name=lost[0])
    return manifest


def _manifest(tar: tarfile.TarFile, archive: Path) -> dict[str, Any]:
    try:
        raw = tar.extractfile(MANIFEST)
        manifest: dict[str, Any] = json.loads(raw.read()) if raw else {}
    except (KeyError, ValueError):
        manifest = {}
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise BackupError(N_("%(file)s is not a parbot backup"), file=str(archive))
    return manifest


def _extract_checked(
    tar: tarfile.TarFile, member: tarfile.TarInfo, dest: Path, sha: str, named: bool
) -> None:
    """Extract one member; its content must have the manifest's hash and, when ``named``,
    the hash it is stored under."""
    if ".." in Path(member.name).parts or member.name.startswith("/"):
        raise BackupError(N_("unexpected member %(name)s"), name=repr(member.name))
    dest.parent.mkdir(parents=True, exist_ok=True)
    src = tar.extractfile(member)
    assert src is not None
    digest = hashlib.sha256()
    with dest.open("wb") as out:
        while chunk := src.read(_CHUNK):
            digest.update(chunk)
            out.write(chunk)
    if digest.hexdigest() != sha or (named and dest.name != sha):
        raise BackupError(
            N_("%(name)s does not match the manifest: the archive is damaged"), name=member.name
        )


def _put_files(staged: Path, data_dir: Path, aside: str) -> list[Path]:
    """Move the staged data folders into place; existing ones are moved aside first."""
    moved = []
    for folder in ("evidence", *EXTRA_DIRS):
        target = data_dir / folder
        if target.exists():
            with contextlib.suppress(OSError):
                target.rmdir()  # an empty folder is not worth keeping aside
        if target.exists():
            keep = data_dir / f"{folder}.{aside}"
            os.replace(target, keep)
            moved.append(keep)
        if (staged / folder).exists():
            os.replace(staged / folder, target)
    return moved
