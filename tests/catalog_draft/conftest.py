from __future__ import annotations

from pathlib import Path

import pytest

from tests.catalog_draft import builders

FONT = builders.FONT_DIR / "DejaVuSans.ttf"


@pytest.fixture(scope="session")
def appendix_files() -> dict[str, bytes]:
    """The same appendix as Word, Excel and PDF, built once per test session."""
    assert FONT.exists(), f"the DejaVu font is needed to build the PDF appendix: {FONT}"
    return {
        "docx": builders.docx_bytes(),
        "xlsx": builders.xlsx_bytes(),
        "pdf": builders.pdf_bytes(),
    }


@pytest.fixture
def appendix_path(tmp_path: Path, appendix_files: dict[str, bytes]):
    def write(fmt: str) -> Path:
        path = tmp_path / f"Phu-luc-I.{fmt}"
        path.write_bytes(appendix_files[fmt])
        return path

    return write
