"""The demo page in headless Chromium (Debian's), driven by Playwright: shared fixtures.

``demo`` starts `parbot demo` (emulator + web page + the python-telegram-bot runtime on a seeded
database) in-process on a port the system picks (port 0: no race with other processes);
``launch`` opens Chromium with the flags a sandboxed CI needs.
Screenshots go to ``artifacts/`` at the repository root (ignored by git).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from bot.demo import start_demo

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
START_SECONDS = 120  # seeding the demo district; slow when other tests share the CPUs
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# without Debian's chromium the browser tests are skipped (make test installs it), but not in CI
NEEDS_CHROMIUM = pytest.mark.skipif(
    CHROMIUM is None and os.environ.get("CI", "").lower() != "true",
    reason="Debian chromium not installed (make test installs it)",
)


async def launch(pw: Any) -> Any:
    """Debian's Chromium, headless (no browser download: Playwright only drives it)."""
    assert CHROMIUM is not None, "chromium is required in CI"
    return await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


@pytest.fixture
async def demo(tmp_path: Path):
    stop, ready = asyncio.Event(), asyncio.Event()
    urls: list[str] = []

    def served(url: str) -> None:
        urls.append(url)
        ready.set()

    task = asyncio.create_task(start_demo(0, tmp_path / "demo", True, stop, served))
    done, _ = await asyncio.wait(
        {task, asyncio.create_task(ready.wait())},
        timeout=START_SECONDS,
        return_when=asyncio.FIRST_COMPLETED,
    )
    if task in done:
        task.result()  # raise the start-up error
    assert ready.is_set(), f"demo did not start within {START_SECONDS} s"
    yield urls[0]
    stop.set()
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.wait_for(task, 30)
