"""`parbot verify`: do the evidence rows and the evidence store agree?

Three kinds of mismatch: a row whose file is missing, a file whose content no longer has the
hash it is stored under (changed or damaged on disk), and a stored file that no row references
(an orphan: left by a failed restore, copied in by hand). The store is listed before the rows
are read, so a file uploaded while this runs is reported as an orphan only if the check falls
between the file's write and its row's commit (milliseconds); run it again if one shows up.
Temporary files of writes in progress (names starting with ".") are not looked at.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from storage.files import EvidenceStore
from storage.repositories.evidence_audit import EvidenceAuditRepository, EvidenceFileRef
from storage.uow import UnitOfWork

_CHUNK = 1 << 20
_STORED = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{64}$")


@dataclass
class AuditReport:
    rows: int = 0
    files: int = 0
    missing: list[EvidenceFileRef] = field(default_factory=list)
    changed: list[tuple[EvidenceFileRef, str]] = field(default_factory=list)  # (row, actual)
    orphans: list[str] = field(default_factory=list)  # paths relative to the store

    @property
    def ok(self) -> bool:
        return not (self.missing or self.changed or self.orphans)


def _stored_files(root: Path) -> list[str]:
    if not root.is_dir():
        return []
    return sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and not p.name.startswith(".")
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _check_contents(store: EvidenceStore, shas: set[str]) -> dict[str, str | None]:
    """``{sha: actual hash or None when absent}`` for every referenced content."""
    actual: dict[str, str | None] = {}
    for sha in shas:
        try:
            path = store.path(sha)
        except ValueError:  # not a digest: no file can be stored under it
            actual[sha] = None
            continue
        actual[sha] = _sha256(path) if path.is_file() else None
    return actual


async def audit(uow: UnitOfWork, store: EvidenceStore) -> AuditReport:
    stored = await asyncio.to_thread(_stored_files, store.root)
    refs = await EvidenceAuditRepository(uow.session).file_refs()
    shas = {r.sha256 for r in refs}
    actual = await asyncio.to_thread(_check_contents, store, shas)
    report = AuditReport(rows=len(refs), files=len(stored))
    for ref in refs:
        found = actual[ref.sha256]
        if found is None:
            report.missing.append(ref)
        elif found != ref.sha256:
            report.changed.append((ref, found))
    wanted = {f"{s[:2]}/{s[2:4]}/{s}" for s in shas}
    report.orphans = [p for p in stored if p not in wanted or not _STORED.match(p)]
    return report
