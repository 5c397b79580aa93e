"""Content-addressed evidence file store.

Files live at ``root/ab/cd/<sha256>`` (``ab``, ``cd``: the first two byte pairs of the hex
digest).  Names supplied by users are never used on disk; the database keeps them.  Writes are
atomic (temporary file in the target directory, fsync, ``os.replace``), so a reader never sees
a partial file and identical content is stored once.

The methods are blocking; call them through ``asyncio.to_thread`` from async code.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import BinaryIO

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_CHUNK = 1 << 20


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):  # not supported on every platform / filesystem
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class EvidenceStore:
    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)

    @staticmethod
    def relative_path(sha256: str) -> str:
        """``"ab/cd/<sha256>"`` (POSIX separators) for a valid lowercase hex digest."""
        if not _SHA256.match(sha256):
            raise ValueError(f"not a sha256 hex digest: {sha256!r}")
        return f"{sha256[:2]}/{sha256[2:4]}/{sha256}"

    def path(self, sha256: str) -> Path:
        return self.root / self.relative_path(sha256)

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def open(self, sha256: str) -> BinaryIO:
        """Open the stored content for reading (``FileNotFoundError`` if absent)."""
        return self.path(sha256).open("rb")

    def read(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    def put(self, data: bytes) -> tuple[str, str]:
        """Store ``data``; returns ``(sha256_hex, relative_path)``.  Idempotent."""
        sha256 = hashlib.sha256(data).hexdigest()
        rel = self.relative_path(sha256)
        target = self.root / rel
        if not target.is_file():
            self._write_atomic(target, [data])
        return sha256, rel

    def put_stream(self, stream: BinaryIO) -> tuple[str, str, int]:
        """Store a binary stream without holding it in memory; ``(sha256, rel_path, size)``."""
        self.root.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        fd, tmp_name = tempfile.mkstemp(prefix=".incoming-", dir=self.root)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := stream.read(_CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            sha256 = digest.hexdigest()
            rel = self.relative_path(sha256)
            target = self.root / rel
            if target.is_file():
                tmp.unlink()
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(tmp, target)
                _fsync_dir(target.parent)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
            raise
        return sha256, rel, size

    def _write_atomic(self, target: Path, chunks: list[bytes]) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                for chunk in chunks:
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp_name, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp_name)
            raise
        _fsync_dir(target.parent)

    def delete(self, sha256: str) -> bool:
        """Remove stored content (only when no evidence row references it any more)."""
        try:
            self.path(sha256).unlink()
        except FileNotFoundError:
            return False
        return True
