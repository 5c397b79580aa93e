"""EvidenceStore: content addressing, atomic writes, dedupe, no user-supplied names."""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import pytest

from storage.files import EvidenceStore


def _all_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_put_layout_and_read_back(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path / "evidence")
    data = b"%PDF-1.7 ke hoach CCHC"
    sha, rel = store.put(data)
    assert sha == hashlib.sha256(data).hexdigest()
    assert rel == f"{sha[:2]}/{sha[2:4]}/{sha}"
    assert store.path(sha) == tmp_path / "evidence" / rel
    assert store.exists(sha)
    with store.open(sha) as fh:
        assert fh.read() == data
    assert store.read(sha) == data
    assert _all_files(tmp_path) == [store.path(sha)]  # no temp files left behind


def test_put_dedupes(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path)
    sha1, rel1 = store.put(b"same")
    mtime = store.path(sha1).stat().st_mtime_ns
    sha2, rel2 = store.put(b"same")
    assert (sha1, rel1) == (sha2, rel2)
    assert store.path(sha1).stat().st_mtime_ns == mtime  # not rewritten
    store.put(b"other")
    assert len(_all_files(tmp_path)) == 2


def test_put_is_atomic_when_replace_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = EvidenceStore(tmp_path)

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        store.put(b"half written")
    monkeypatch.undo()
    sha = hashlib.sha256(b"half written").hexdigest()
    assert not store.exists(sha)
    assert _all_files(tmp_path) == []  # the temporary file was removed
    store.put(b"half written")
    assert store.read(sha) == b"half written"


def test_put_stream(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path)
    data = os.urandom(3 * 1024 * 1024 + 17)
    sha, rel, size = store.put_stream(io.BytesIO(data))
    assert (sha, size) == (hashlib.sha256(data).hexdigest(), len(data))
    assert store.read(sha) == data
    assert store.put_stream(io.BytesIO(data))[:2] == (sha, rel)
    assert _all_files(tmp_path) == [store.path(sha)]


@pytest.mark.parametrize(
    "bad", ["../../etc/passwd", "A" * 64, "ab", "0" * 63 + "/", "baocao.pdf", "0" * 65]
)
def test_rejects_non_digest_names(tmp_path: Path, bad: str) -> None:
    store = EvidenceStore(tmp_path)
    with pytest.raises(ValueError):
        store.path(bad)
    with pytest.raises(ValueError):
        store.exists(bad)


def test_delete(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path)
    sha, _ = store.put(b"x")
    assert store.delete(sha) is True
    assert store.delete(sha) is False
    assert not store.exists(sha)
