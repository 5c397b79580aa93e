"""Workbooks are built and saved on a worker thread, never on the event loop's (the ranking of
5,000 units took 22 s there, and every officer's update waited: conversations/sheets.py).

The production writer runs; the test only notes which thread called it."""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path
from typing import BinaryIO

import pytest

import documents
from conversations import publication as P
from conversations.context import CoreConfig
from conversations.workbook import Workbook
from tests.results.helpers import STANDARD_ANSWERS, seed


class ThreadNoting:
    """The production sheet writer, noting the thread each save ran on."""

    def __init__(self) -> None:
        self.real = documents.SheetsOnFirstUse()
        self.threads: list[int] = []

    def save(self, workbook: Workbook, out: Path | BinaryIO) -> None:
        self.threads.append(threading.get_ident())
        self.real.save(workbook, out)


@pytest.fixture
def sheets() -> ThreadNoting:
    return ThreadNoting()


@pytest.fixture
def config(tmp_path: Path, sheets: ThreadNoting) -> CoreConfig:
    return CoreConfig(
        formats=dataclasses.replace(documents.formats(), sheets=sheets),
        data_dir=tmp_path / "data",
        expensive_every=0,
        default_locale="en",
    )


async def test_exports_and_publication_save_their_workbooks_off_the_event_loop(
    db, user, sheets: ThreadNoting, tmp_path: Path, clock
) -> None:
    loop_thread = threading.get_ident()
    await seed(db, answers=STANDARD_ANSWERS)
    boss = await user(9001, "X02", "leader")
    await boss.send("/export")  # the unit's self-scoring sheet
    admin = await user(9003, None, "admin")
    await admin.send("/export")
    await admin.press("Ranking, every board")
    sent = [r.document for u in (boss, admin) for r in u.last.replies if r.document is not None]
    assert len(sent) == 2 and all(Path(d.path).stat().st_size > 0 for d in sent)
    async with db.uow() as uow:
        report = await P.publish_period(
            uow, 2024, data_dir=tmp_path, writer=sheets, now=clock.now, force=True, reason="t"
        )
    assert report.sheet is not None and report.sheet.stat().st_size > 0
    assert len(sheets.threads) == 3
    assert loop_thread not in sheets.threads
