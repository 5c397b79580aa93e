"""The bot process starts without the document libraries (issue 19: memory).

openpyxl (with numpy), pyHanko, pypdf (with fontTools and Pillow) and matplotlib were ~40 MB of
the bot's resident memory at start-up; they load with the first file that needs them. Each
check runs in a fresh interpreter, as `parbot run` starts, so another test's imports cannot
hide one that crept back to the top of a module."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.evidence_check.factories import text_page_pdf

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT_LIBRARIES = (
    "openpyxl",
    "numpy",
    "pyhanko",
    "asn1crypto",
    "pypdf",
    "fontTools",
    "PIL",
    "matplotlib",
    "docx",
    "pdfplumber",
    "pdfminer",
)

START = """
import json, sys
import handlers.routes, bot.runtime, handlers.ptb_runtime, handlers.aiogram_runtime
from bot.settings import load_settings
from conversations.engine import ChatEngine
settings = load_settings(bot_token="123456:TEST")
config = bot.runtime.core_config(settings)
ChatEngine(lambda: None, config, routes=handlers.routes.build_registry())
{after}
print(json.dumps(sorted({{m.split(".")[0] for m in sys.modules}})))
"""


def _loaded(after: str = "") -> set[str]:
    """Top-level modules imported by a fresh interpreter that builds the bot's core."""
    out = subprocess.run(
        [sys.executable, "-c", START.format(after=after)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_the_bot_starts_without_any_document_library() -> None:
    assert _loaded() & set(DOCUMENT_LIBRARIES) == set()


def test_each_library_loads_with_the_first_file_that_needs_it(tmp_path: Path) -> None:
    pdf = tmp_path / "plan.pdf"
    pdf.write_bytes(text_page_pdf())
    workbook_and_pdf = """
import io
from conversations import tabular, workbook as wbm
from conversations.evidence_check import inspect_file
book = wbm.Workbook()
tabular.put(book.create_sheet("Sheet"), 1, 1, "=1+1")
buffer = io.BytesIO()
config.formats.sheets.save(book, buffer)
from openpyxl import load_workbook
cell = load_workbook(buffer).active.cell(1, 1)
assert (cell.value, cell.data_type) == ("=1+1", "s"), (cell.value, cell.data_type)
plan = open({pdf!r}, "rb").read()
verdict = inspect_file(
    plan, declared_name=None, declared_mime=None, signatures=config.formats.signatures
)
assert verdict.accepted and verdict.pages == 1, verdict
"""
    loaded = _loaded(workbook_and_pdf.format(pdf=str(pdf)))
    assert {"openpyxl", "pypdf"} <= loaded
    assert "pyhanko" not in loaded  # a PDF without signature fields never needs it
